"""Shape primitives: ``reshape``, ``transpose``, ``broadcast_to``, indexing, ``stack``.

They are linear: their tangent is the operation applied to the tangent, so each row
gives only its transpose (the reverse rule), and a batched forward rule where the
operation can move a whole batch of tangents at once.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from autodiff._types import Array
from autodiff.dispatch import implements
from autodiff.primitive import _scalar, align, apply, each_tangent, linear, unbroadcast
from autodiff.primitives._axes import (
    batched_shape,
    checked_axes,
    inverse_axes,
    shape_argument,
)
from autodiff.values import raw, shape_of

__all__ = ["broadcast_to", "reshape", "stack", "transpose"]


def _reshape_vjp(g: Any, out: Any, x: Any, shape: tuple[int, ...]) -> Any:
    return reshape(g, shape_of(x))


def _reshape_bjvp(t: Any, out: Any, x: Any, shape: tuple[int, ...]) -> Any:
    return reshape(t, batched_shape(t, out))


reshape_p = linear(
    "reshape",
    np.reshape,
    transpose=_reshape_vjp,
    batched=_reshape_bjvp,
    show="reshape {0}",
)


@implements(np.reshape)
def reshape(x: Any, shape: int | tuple[int, ...]) -> Any:
    """The same elements in a new shape (``-1`` infers one dimension).

    >>> import numpy as np
    >>> reshape(np.arange(4.0), (2, 2))
    array([[0., 1.],
           [2., 3.]])
    """
    return apply(reshape_p, x, shape=shape_argument(shape, "reshape"))


def _transpose_vjp(g: Any, out: Any, x: Any, axes: Sequence[int] | None = None) -> Any:
    return transpose(g, inverse_axes(axes, len(shape_of(x))))


def _transpose_bjvp(t: Any, out: Any, x: Any, axes: Sequence[int] | None = None) -> Any:
    nd = len(shape_of(x))
    order = range(nd - 1, -1, -1) if axes is None else axes
    return transpose(t, (0, *(int(a) % nd + 1 for a in order)))


transpose_p = linear(
    "transpose",
    np.transpose,
    transpose=_transpose_vjp,
    batched=_transpose_bjvp,
    show="{0}ᵀ",
)


@implements(np.transpose)
def transpose(x: Any, axes: Sequence[int] | None = None) -> Any:
    """Permute the axes (reverse them by default).

    ``axes`` is a permutation of ``range(x.ndim)``; an axis may count from the end
    (``-1`` is the last one).

    >>> import numpy as np
    >>> transpose(np.array([[1.0, 2.0]]))
    array([[1.],
           [2.]])
    >>> transpose(np.zeros((2, 3, 4)), (-1, 0, 1)).shape
    (4, 2, 3)
    """
    if axes is None:
        return apply(transpose_p, x, axes=None)
    ndim = len(shape_of(x))
    given: Any = axes  # checked here: callers pass anything
    if not isinstance(given, Sequence | np.ndarray) or isinstance(given, str):
        raise TypeError(
            f"transpose: axes must be a tuple of ints, a permutation of range({ndim}), "
            f"not {type(axes).__name__}"
        )
    perm = checked_axes(tuple(axes), ndim, "transpose")
    if len(perm) != ndim:
        raise ValueError(
            f"transpose: axes {tuple(axes)} must be a permutation of range({ndim}), one "
            f"entry per axis of the array of shape {shape_of(x)}"
        )
    return apply(transpose_p, x, axes=perm)


def _broadcast_to_impl(x: Any, shape: tuple[int, ...]) -> Any:
    # A float is filled into a new array: quicker than NumPy's read-only broadcast view.
    return np.full(shape, x) if x.__class__ is float else np.broadcast_to(x, shape)


def _broadcast_to_bjvp(t: Any, out: Any, x: Any, shape: tuple[int, ...]) -> Any:
    return broadcast_to(align(t, len(shape)), batched_shape(t, out))


broadcast_to_p = linear(
    "broadcast_to",
    _broadcast_to_impl,
    transpose=lambda g, out, x, shape: unbroadcast(g, shape_of(x)),
    batched=_broadcast_to_bjvp,
    show="broadcast {0}",
)


@implements(np.broadcast_to)
def broadcast_to(x: Any, shape: int | tuple[int, ...]) -> Any:
    """Broadcast ``x`` to ``shape``; the gradient is summed back.

    >>> broadcast_to(2.0, (3,))
    array([2., 2., 2.])
    >>> broadcast_to(2.0, 2)  # an int is a 1-D shape, as in NumPy
    array([2., 2.])
    """
    return apply(broadcast_to_p, x, shape=shape_argument(shape, "broadcast_to"))


# -- indexing: x[index], and its transpose, scattering into zeros -----------------------


def _index_tuple(index: Any) -> tuple[Any, ...]:
    return index if isinstance(index, tuple) else (index,)


def _batch_stays_first(index: tuple[Any, ...]) -> bool:
    """Whether ``t[(slice(None), *index)]`` keeps the batch axis in front.

    It does, unless the index has arrays (advanced indices) and a slice, ``None`` or
    ``...`` separates two advanced indices: NumPy then moves the advanced indices' axes
    to the front. (Integers count as advanced next to arrays, so they are counted here.)
    """
    basic = [isinstance(i, slice) or i is None or i is Ellipsis for i in index]
    arrays = [
        not b and not (isinstance(i, int | np.integer) and not isinstance(i, bool))
        for i, b in zip(index, basic, strict=True)
    ]
    if not builtins.any(arrays):
        return True
    advanced = [k for k, b in enumerate(basic) if not b]
    return advanced[-1] - advanced[0] + 1 == len(advanced)


def _getitem_jvp(t: Any, out: Any, x: Any, index: Any) -> Any:
    return t[index]


def _getitem_bjvp(t: Any, out: Any, x: Any, index: Any) -> Any:
    index = _index_tuple(index)
    if not _batch_stays_first(index):
        return each_tangent(_getitem_jvp)(t, out, x, index)
    return t[(slice(None), *index)]


getitem_p = linear(
    "getitem",
    lambda x, index: _scalar(x[index]),
    transpose=lambda g, out, x, index: _scatter(g, index, shape_of(x)),
    batched=_getitem_bjvp,
    show="{0}[…]",
)


def _scatter_impl(g: Any, index: Any, shape: tuple[int, ...]) -> Array:
    out = np.zeros(shape)
    np.add.at(out, index, g)
    return out


def _scatter_jvp(t: Any, out: Any, g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    return _scatter(t, index, shape)


def _scatter_bjvp(t: Any, out: Any, g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    index = _index_tuple(index)
    if not _batch_stays_first(index):
        return each_tangent(_scatter_jvp)(t, out, g, index, shape)
    selected = np.ndim(raw(out)[index])  # g broadcasts to the selected elements
    return _scatter(align(t, selected), (slice(None), *index), batched_shape(t, out))


scatter_p = linear(
    "scatter",
    _scatter_impl,
    transpose=lambda g, out, x, index, shape: g[index],
    batched=_scatter_bjvp,
    show="scatter {0}",
)


def _scatter(g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``index``: the transpose of indexing."""
    return apply(scatter_p, g, index=index, shape=shape)


# -- stack: any number of operands ---------------------------------------------------------


def _stack_vjp(i: int, g: Any, out: Any, *args: Any, axis: int = 0) -> Any:
    nd = len(shape_of(out))
    return g[(slice(None),) * (axis % nd) + (i,)]


def _stack_bjvp(tangents: Sequence[Any], out: Any, *args: Any, axis: int = 0) -> Any:
    n = next(shape_of(t)[0] for t in tangents if t is not None)
    return stack(
        [
            t if t is not None else np.zeros((n, *shape_of(a)))
            for t, a in zip(tangents, args, strict=True)
        ],
        axis=axis % len(shape_of(out)) + 1,
    )


stack_p = linear(
    "stack",
    lambda *xs, axis=0: np.stack(xs, axis=axis),
    transpose=_stack_vjp,
    batched=_stack_bjvp,
    show="stack",
    variadic=True,
)


@implements(np.stack)
def stack(arrays: Sequence[Any], axis: int = 0) -> Any:
    """Join values of the same shape along a new axis.

    >>> stack([1.0, 2.0])
    array([1., 2.])
    """
    return apply(stack_p, *arrays, axis=axis)
