"""Shape primitives: ``reshape``, ``transpose``, ``broadcast_to``, indexing, ``stack``,
``concatenate``, and the functions made of them (``squeeze``, ``tile``, ``roll``, ``pad``...).

They are linear: their tangent is the operation applied to the tangent, so each row
gives only its transpose (the reverse rule), and a batched forward rule where the
operation can move a whole batch of tangents at once. The functions after the rows
are exact compositions of them: ``squeeze``, ``expand_dims`` and ``ravel`` reshape;
``moveaxis`` and ``swapaxes`` transpose; ``repeat``, ``roll`` and ``flip`` index;
``tile`` broadcasts; ``pad`` scatters into zeros (so their derivatives are the rows').
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from autodiff._types import Array
from autodiff.dispatch import implements
from autodiff.primitive import align, apply, each_tangent, linear, scalar_result, unbroadcast
from autodiff.primitives._axes import (
    batched_shape,
    checked_axes,
    inverse_axes,
    shape_argument,
)
from autodiff.values import raw, shape_of

__all__ = [
    "broadcast_to",
    "concatenate",
    "expand_dims",
    "flip",
    "hstack",
    "moveaxis",
    "pad",
    "ravel",
    "repeat",
    "reshape",
    "roll",
    "squeeze",
    "stack",
    "swapaxes",
    "tile",
    "transpose",
    "vstack",
]


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
    lambda x, index: scalar_result(x[index]),
    transpose=lambda g, out, x, index: scatter(g, index, shape_of(x)),
    batched=_getitem_bjvp,
    show="{0}[…]",
)


def _scatter_impl(g: Any, index: Any, shape: tuple[int, ...]) -> Array:
    out = np.zeros(shape)
    np.add.at(out, index, g)
    return out


def _scatter_jvp(t: Any, out: Any, g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    return scatter(t, index, shape)


def _scatter_bjvp(t: Any, out: Any, g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    index = _index_tuple(index)
    if not _batch_stays_first(index):
        return each_tangent(_scatter_jvp)(t, out, g, index, shape)
    selected = np.ndim(raw(out)[index])  # g broadcasts to the selected elements
    return scatter(align(t, selected), (slice(None), *index), batched_shape(t, out))


scatter_p = linear(
    "scatter",
    _scatter_impl,
    transpose=lambda g, out, x, index, shape: g[index],
    batched=_scatter_bjvp,
    show="scatter {0}",
)


def scatter(g: Any, index: Any, shape: tuple[int, ...]) -> Any:
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


# -- concatenate: any number of operands, joined along an existing axis ------------------


def _concatenate_vjp(i: int, g: Any, out: Any, *xs: Any, axis: int = 0) -> Any:
    start = builtins.sum(shape_of(x)[axis] for x in xs[:i])
    return g[(slice(None),) * axis + (slice(start, start + shape_of(xs[i])[axis]),)]


def _concatenate_bjvp(tangents: Sequence[Any], out: Any, *xs: Any, axis: int = 0) -> Any:
    n = next(shape_of(t)[0] for t in tangents if t is not None)
    filled = [
        t if t is not None else np.zeros((n, *shape_of(x)))
        for t, x in zip(tangents, xs, strict=True)
    ]
    return apply(concatenate_p, *filled, axis=axis + 1)


concatenate_p = linear(
    "concatenate",
    lambda *xs, axis=0: np.concatenate(xs, axis=axis),
    transpose=_concatenate_vjp,
    batched=_concatenate_bjvp,
    show="concatenate",
    variadic=True,
)


def _given(value: Any) -> str:
    """A value's type and ``repr``, short, for an error message."""
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def _sequence_of_arrays(arrays: Any, who: str) -> list[Any]:
    if isinstance(arrays, np.ndarray | str) or not isinstance(arrays, Sequence) or not arrays:
        raise TypeError(
            f"{who}: arrays must be a non-empty list or tuple of arrays, not {_given(arrays)}"
        )
    return list(arrays)


@implements(np.concatenate)
def concatenate(arrays: Sequence[Any], axis: int | None = 0) -> Any:
    """Join arrays along an existing ``axis`` (``None``: flatten them first).

    The shapes must be the same except along ``axis``; a scalar has no axis to join.

    >>> import numpy as np
    >>> concatenate([np.ones((1, 2)), np.zeros((2, 2))]).shape
    (3, 2)
    >>> concatenate([np.ones(2), 3.0])
    Traceback (most recent call last):
    ...
    ValueError: concatenate: operand 1 is a scalar (shape ()); concatenate joins arrays along an existing axis: use stack, or hstack to join scalars into a vector
    """
    xs = _sequence_of_arrays(arrays, "concatenate")
    if axis is None:
        xs = [ravel(x) for x in xs]
        axis = 0
    for k, x in enumerate(xs):
        if shape_of(x) == ():
            raise ValueError(
                f"concatenate: operand {k} is a scalar (shape ()); concatenate joins arrays "
                "along an existing axis: use stack, or hstack to join scalars into a vector"
            )
    (ax,) = checked_axes(axis, len(shape_of(xs[0])), "concatenate")
    return apply(concatenate_p, *xs, axis=ax)


@implements(np.vstack)
def vstack(arrays: Sequence[Any]) -> Any:
    """Stack rows: join along the first axis, a vector (or scalar) being one row.

    >>> import numpy as np
    >>> vstack([np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    array([[1., 2.],
           [3., 4.]])
    """
    xs = _sequence_of_arrays(arrays, "vstack")
    rows = [reshape(x, (1, -1)) if len(shape_of(x)) < 2 else x for x in xs]
    return concatenate(rows, axis=0)


@implements(np.hstack)
def hstack(arrays: Sequence[Any]) -> Any:
    """Stack columns: join vectors (and scalars) end to end, other arrays along axis 1.

    >>> hstack([1.0, 2.0])
    array([1., 2.])
    """
    xs = [
        reshape(x, (1,)) if shape_of(x) == () else x for x in _sequence_of_arrays(arrays, "hstack")
    ]
    return concatenate(xs, axis=0 if len(shape_of(xs[0])) == 1 else 1)


# -- compositions of reshape and transpose ---------------------------------------------------


@implements(np.squeeze, method="squeeze")
def squeeze(x: Any, axis: int | tuple[int, ...] | None = None) -> Any:
    """Remove axes of length 1 (every one of them by default).

    >>> import numpy as np
    >>> squeeze(np.zeros((1, 3, 1))).shape
    (3,)
    >>> squeeze(np.zeros((2, 3)), axis=0)
    Traceback (most recent call last):
    ...
    ValueError: squeeze: cannot remove axis 0 of length 2 (array of shape (2, 3)): only axes of length 1 can be squeezed
    """
    shape = shape_of(x)
    if axis is None:
        axes = tuple(i for i, n in enumerate(shape) if n == 1)
    else:
        axes = checked_axes(axis, len(shape), "squeeze")
        for a in axes:
            if shape[a] != 1:
                raise ValueError(
                    f"squeeze: cannot remove axis {a} of length {shape[a]} (array of shape "
                    f"{shape}): only axes of length 1 can be squeezed"
                )
    return reshape(x, tuple(n for i, n in enumerate(shape) if i not in axes))


@implements(np.expand_dims)
def expand_dims(x: Any, axis: int | tuple[int, ...]) -> Any:
    """Insert axes of length 1 at ``axis`` (positions in the result).

    >>> import numpy as np
    >>> expand_dims(np.zeros(3), (0, -1)).shape
    (1, 3, 1)
    """
    if axis is None:
        raise TypeError("expand_dims: axis must be an int or a tuple of ints, not None")
    shape = shape_of(x)
    n = len(shape) + (len(axis) if isinstance(axis, tuple | list) else 1)
    axes = checked_axes(axis, n, "expand_dims")
    rest = iter(shape)
    return reshape(x, tuple(1 if i in axes else next(rest) for i in range(n)))


@implements(np.ravel, method=("ravel", "flatten"))
def ravel(x: Any) -> Any:
    """The elements as a vector, in row-major order (``x.flatten()`` is the same).

    >>> import numpy as np
    >>> ravel(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([1., 2., 3., 4.])
    """
    return reshape(x, (-1,))


def _axis_pair(source: Any, destination: Any, ndim: int, who: str) -> tuple[Any, Any]:
    src = checked_axes(source, ndim, who)
    dst = checked_axes(destination, ndim, who)
    if len(src) != len(dst):
        raise ValueError(
            f"{who}: source {source!r} and destination {destination!r} must have the same "
            "number of axes"
        )
    return src, dst


@implements(np.moveaxis)
def moveaxis(x: Any, source: int | Sequence[int], destination: int | Sequence[int]) -> Any:
    """Move axes to new positions; the other axes keep their order.

    >>> import numpy as np
    >>> moveaxis(np.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    ndim = len(shape_of(x))
    src, dst = _axis_pair(source, destination, ndim, "moveaxis")
    order = [i for i in range(ndim) if i not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return transpose(x, tuple(order))


@implements(np.swapaxes, method="swapaxes")
def swapaxes(x: Any, axis1: int, axis2: int) -> Any:
    """Exchange two axes.

    >>> import numpy as np
    >>> swapaxes(np.zeros((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    ndim = len(shape_of(x))
    (a,) = checked_axes(axis1, ndim, "swapaxes")
    (b,) = checked_axes(axis2, ndim, "swapaxes")
    order = list(range(ndim))
    order[a], order[b] = b, a
    return transpose(x, tuple(order))


# -- compositions of indexing, broadcasting and scattering ------------------------------------


def _take(x: Any, index: tuple[Any, ...]) -> Any:
    return apply(getitem_p, x, index=index)


def _int_or_ints(value: Any, who: str, name: str) -> tuple[int, ...]:
    items = tuple(value) if isinstance(value, tuple | list) else (value,)
    for v in items:
        if isinstance(v, bool | np.bool_) or not isinstance(v, int | np.integer):
            raise TypeError(f"{who}: {name} must be an int or a tuple of ints, not {_given(value)}")
    return tuple(int(v) for v in items)


@implements(np.repeat, method="repeat")
def repeat(
    x: Any, repeats: int | Sequence[int] | np.ndarray[Any, Any], axis: int | None = None
) -> Any:
    """Repeat each element ``repeats`` times along ``axis`` (of the flattened array by
    default); ``repeats`` is an int or one int per element along the axis.

    The gradient of an element is the sum of its copies' gradients.

    >>> import numpy as np
    >>> repeat(np.array([1.0, 2.0]), [1, 2])
    array([1., 2., 2.])
    """
    if axis is None:
        x, axis = ravel(x), 0
    shape = shape_of(x)
    (ax,) = checked_axes(axis, len(shape), "repeat")
    counts = np.asarray(repeats)
    if counts.dtype.kind not in "iu" or counts.ndim > 1:
        raise TypeError(
            f"repeat: repeats must be an int or a sequence of ints, not {_given(repeats)}"
        )
    if (counts < 0).any():
        raise ValueError(f"repeat: repeats must not be negative, not {repeats!r}")
    try:
        index = np.repeat(np.arange(shape[ax]), counts)
    except ValueError:
        raise ValueError(
            f"repeat: repeats has {counts.size} entries; axis {axis} of the array of shape "
            f"{shape} has {shape[ax]} elements (give one count, or one per element)"
        ) from None
    return _take(x, (slice(None),) * ax + (index,))


@implements(np.tile)
def tile(x: Any, reps: int | Sequence[int]) -> Any:
    """``x`` repeated ``reps[i]`` times along each axis ``i`` (NumPy's rule: the shorter
    of ``x.shape`` and ``reps`` is padded with ones in front).

    >>> import numpy as np
    >>> tile(np.array([1.0, 2.0]), 2)
    array([1., 2., 1., 2.])
    >>> tile(np.array([1.0, 2.0]), (2, 1)).shape
    (2, 2)
    """
    counts = _int_or_ints(reps, "tile", "reps")
    if builtins.any(r < 0 for r in counts):
        raise ValueError(f"tile: reps must not be negative, not {reps!r}")
    shape = shape_of(x)
    d = builtins.max(len(shape), len(counts))
    shape = (1,) * (d - len(shape)) + shape
    counts = (1,) * (d - len(counts)) + counts
    spread = reshape(x, tuple(n for s in shape for n in (1, s)))
    copies = broadcast_to(
        spread, tuple(n for r, s in zip(counts, shape, strict=True) for n in (r, s))
    )
    return reshape(copies, tuple(r * s for r, s in zip(counts, shape, strict=True)))


@implements(np.roll)
def roll(x: Any, shift: int | Sequence[int], axis: int | Sequence[int] | None = None) -> Any:
    """Shift the elements along ``axis`` by ``shift``, those that fall off the end coming
    back at the start (of the flattened array, by default).

    >>> import numpy as np
    >>> roll(np.array([1.0, 2.0, 3.0]), 1)
    array([3., 1., 2.])
    """
    shifts = _int_or_ints(shift, "roll", "shift")
    if axis is None:
        if len(shifts) != 1:
            raise ValueError("roll: with axis=None, shift must be one int")
        return reshape(roll(ravel(x), shifts[0], 0), shape_of(x))
    shape = shape_of(x)
    axes = [checked_axes(a, len(shape), "roll")[0] for a in _int_or_ints(axis, "roll", "axis")]
    if len(shifts) == 1:
        shifts = shifts * len(axes)
    if len(shifts) != len(axes):
        raise ValueError(f"roll: shift {shift!r} and axis {axis!r} have different lengths")
    total = dict.fromkeys(axes, 0)
    for a, s in zip(axes, shifts, strict=True):
        total[a] += s
    for a, s in total.items():
        if shape[a] and s % shape[a]:
            x = _take(x, (slice(None),) * a + ((np.arange(shape[a]) - s) % shape[a],))
    return x


@implements(np.flip)
def flip(x: Any, axis: int | tuple[int, ...] | None = None) -> Any:
    """Reverse the order of the elements along ``axis`` (every axis by default).

    >>> import numpy as np
    >>> flip(np.array([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    array([[2., 1.],
           [4., 3.]])
    """
    ndim = len(shape_of(x))
    axes = checked_axes(axis, ndim, "flip")
    if not axes:
        return x
    return _take(x, tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(ndim)))


def _pad_widths(pad_width: Any, ndim: int) -> list[tuple[int, int]]:
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu":
        raise TypeError(
            f"pad: pad_width must be an int, a pair of ints or one pair per axis, not "
            f"{_given(pad_width)}"
        )
    try:
        pairs = np.broadcast_to(widths, (ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: pad_width {pad_width!r} does not fit an array of dimension {ndim}: give "
            "an int, a pair (before, after), or one pair per axis"
        ) from None
    if (pairs < 0).any():
        raise ValueError(f"pad: pad_width must not be negative, not {pad_width!r}")
    return [(int(b), int(a)) for b, a in pairs]


@implements(np.pad)
def pad(
    x: Any,
    pad_width: int | Sequence[int] | Sequence[Sequence[int]],
    mode: str = "constant",
    constant_values: float = 0.0,
) -> Any:
    """``x`` with ``pad_width`` elements of value ``constant_values`` added before and
    after it along each axis (NumPy's ``mode="constant"``; other modes are refused).

    The padding is a constant: its gradient goes nowhere.

    >>> import numpy as np
    >>> pad(np.array([1.0, 2.0]), (1, 2), constant_values=9.0)
    array([9., 1., 2., 9., 9.])
    """
    if mode != "constant":
        raise ValueError(
            f"pad: only mode='constant' is supported, not {mode!r} (the other modes of NumPy "
            "are not differentiable here yet)"
        )
    if isinstance(constant_values, bool) or not isinstance(
        constant_values, int | float | np.integer | np.floating
    ):
        raise TypeError(
            f"pad: constant_values must be a real number (one value for every side), not "
            f"{_given(constant_values)}"
        )
    shape = shape_of(x)
    widths = _pad_widths(pad_width, len(shape))
    if not shape:
        return x
    padded = tuple(b + n + a for (b, a), n in zip(widths, shape, strict=True))
    inside = tuple(slice(b, b + n) for (b, _), n in zip(widths, shape, strict=True))
    out = scatter(x, inside, padded)
    if constant_values:
        border = np.full(padded, float(constant_values))
        border[inside] = 0.0
        out = out + border
    return out
