"""Reductions: ``sum``, ``mean``, ``max``, ``min``, ``prod``, ``var``, ``std``,
``logsumexp`` over some axes (all of them by default), ``cumsum``, ``argmax``, ``argmin``."""

from __future__ import annotations

import builtins
import math
from typing import Any, overload

import numpy as np

from autodiff._types import Array, Value
from autodiff.dispatch import implements
from autodiff.primitive import apply, linear, row, scalar_result
from autodiff.primitives._axes import (
    checked_axes,
    inverse_axes,
    keepdims_shape,
    normalise_axes,
    valid_axis,
)
from autodiff.primitives.elementwise import T, divide, exp, sqrt, where
from autodiff.primitives.shape import broadcast_to, reshape, transpose
from autodiff.values import raw, shape_of

__all__ = [
    "argmax",
    "argmin",
    "cumsum",
    "logsumexp",
    "max",
    "mean",
    "min",
    "prod",
    "std",
    "sum",
    "var",
]


def _sum_impl(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    if x.__class__ is np.ndarray:
        return scalar_result(x.sum(axis, keepdims=keepdims))
    return scalar_result(np.sum(x, axis, keepdims=keepdims))


def _sum_vjp(g: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Each element gets the cotangent of its sum: ``g`` broadcast back to x's shape."""
    shape = shape_of(x)
    if not keepdims and axis is not None:  # put the summed axes back, with size 1
        g = reshape(g, keepdims_shape(shape, axis))
    return broadcast_to(g, shape)


def _sum_bjvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    axes = tuple(a + 1 for a in normalise_axes(axis, len(shape_of(x))))
    return _sum(t, axes, keepdims) if axes else t


sum_p = linear("sum", _sum_impl, transpose=_sum_vjp, batched=_sum_bjvp, show="Σ {0}")


@overload
def sum(x: float, axis: int | tuple[int, ...] | None = ..., keepdims: bool = ...) -> float: ...
@overload
def sum(x: Array, axis: int | tuple[int, ...] | None = ..., keepdims: bool = ...) -> Value: ...
@overload
def sum(x: T, axis: int | tuple[int, ...] | None = ..., keepdims: bool = ...) -> T: ...
@implements(np.sum, method="sum")
def sum(x: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    """Sum of the elements over ``axis`` (all of them by default).

    >>> import numpy as np
    >>> sum(np.array([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    array([4., 6.])
    >>> sum(np.ones(3), axis=1)
    Traceback (most recent call last):
    ...
    ValueError: sum: axis 1 is out of bounds for array of dimension 1
    """
    if axis is not None:
        axis = valid_axis(axis, shape_of(x), "sum")
    return apply(sum_p, x, axis=axis, keepdims=keepdims)


def _sum(x: Any, axis: int | tuple[int, ...] | None, keepdims: bool = False) -> Any:
    """:func:`sum` without the check of ``axis``, for the rules (their axes are right)."""
    return apply(sum_p, x, axis=axis, keepdims=keepdims)


@implements(np.mean, method="mean")
def mean(x: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    """Mean of the elements over ``axis`` (all of them by default).

    >>> import numpy as np
    >>> mean(np.array([1.0, 2.0, 6.0]))
    3.0
    """
    shape = shape_of(x)
    count = math.prod(shape[a] for a in checked_axes(axis, len(shape), "mean"))
    if axis is not None:
        axis = valid_axis(axis, shape, "mean")
    return divide(_sum(x, axis, keepdims), count)


def _argmax_mask(x: Any, axis: int | tuple[int, ...] | None, pick: Any = np.argmax) -> Any:
    """A one-hot float mask of the first maximum of x along ``axis`` (a constant); of the
    first minimum with ``pick=np.argmin``."""
    x = np.asarray(raw(x), dtype=np.float64)
    if x.ndim == 0:
        return 1.0
    if x.size == 0:  # a maximum over non-empty axes of an empty array: nothing to mask
        return np.zeros_like(x)
    axes = normalise_axes(axis, x.ndim)
    rest = [i for i in range(x.ndim) if i not in axes]
    moved = np.transpose(x, rest + list(axes))
    flat = moved.reshape((*moved.shape[: len(rest)], -1))
    mask = np.zeros_like(flat)
    np.put_along_axis(mask, pick(flat, axis=-1)[..., None], 1.0, axis=-1)
    return np.transpose(mask.reshape(moved.shape), np.argsort(rest + list(axes)))


def _max_jvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum(t * _argmax_mask(x, axis), axis, keepdims)


def _max_vjp(g: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_vjp(g, out, x, axis, keepdims) * _argmax_mask(x, axis)


def _max_bjvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_bjvp(t * _argmax_mask(x, axis), out, x, axis, keepdims)


max_p = row(
    "max",
    lambda x, axis=None, keepdims=False: scalar_result(np.max(x, axis=axis, keepdims=keepdims)),
    jvps=(_max_jvp,),
    vjps=(_max_vjp,),
    batched_jvps=(_max_bjvp,),
    display="max {0}",
)


@implements(np.max, np.amax, method="max")
def max(x: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    """Maximum over ``axis``; the gradient goes to the first maximal element.

    As with ``torch.max(x, dim)`` (a nan counts as the maximum); ``torch.amax`` and JAX
    share it equally between ties instead. A maximum over an axis of length 0 is
    refused, as NumPy, PyTorch and JAX refuse it.

    >>> import numpy as np
    >>> max(np.array([1.0, 5.0, 2.0]))
    5.0
    """
    shape = shape_of(x)
    axes = checked_axes(axis, len(shape), "max")
    if axis is not None:
        axis = valid_axis(axis, shape, "max")
    if 0 in shape and builtins.any(shape[a] == 0 for a in axes):
        raise ValueError(
            f"max: no maximum over an axis of length 0 (array of shape {shape}, axis "
            f"{axis}); NumPy, PyTorch and JAX refuse it too"
        )
    return apply(max_p, x, axis=axis, keepdims=keepdims)


def _reduced_axis(x: Any, axis: Any, who: str) -> Any:
    """``axis`` checked for a reduction of ``x`` that has no value over an empty axis."""
    shape = shape_of(x)
    axes = checked_axes(axis, len(shape), who)
    if axis is not None:
        axis = valid_axis(axis, shape, who)
    if 0 in shape and builtins.any(shape[a] == 0 for a in axes):
        raise ValueError(
            f"{who}: no {who}imum over an axis of length 0 (array of shape {shape}, axis "
            f"{axis}); NumPy, PyTorch and JAX refuse it too"
        )
    return axis


def _min_jvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum(t * _argmax_mask(x, axis, np.argmin), axis, keepdims)


def _min_vjp(g: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_vjp(g, out, x, axis, keepdims) * _argmax_mask(x, axis, np.argmin)


def _min_bjvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_bjvp(t * _argmax_mask(x, axis, np.argmin), out, x, axis, keepdims)


min_p = row(
    "min",
    lambda x, axis=None, keepdims=False: scalar_result(np.min(x, axis=axis, keepdims=keepdims)),
    jvps=(_min_jvp,),
    vjps=(_min_vjp,),
    batched_jvps=(_min_bjvp,),
    display="min {0}",
)


@implements(np.min, np.amin, method="min")
def min(x: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    """Minimum over ``axis``; the gradient goes to the first minimal element.

    The same convention as :func:`max` (``torch.min(x, dim)``; a nan counts as the
    minimum); ``torch.amin`` and JAX share it equally between ties instead.

    >>> import numpy as np
    >>> min(np.array([[1.0, 5.0], [0.0, 2.0]]), axis=1)
    array([1., 0.])
    """
    return apply(min_p, x, axis=_reduced_axis(x, axis, "min"), keepdims=keepdims)


def _others_product(x: Any, axis: Any) -> Any:
    """``∂ prod(x)/∂x_i``, the product of the other elements of ``x_i``'s slice.

    Where x has no zero it is ``prod(x) / x_i``. Where it has zeros, that would be
    ``0 / 0``, so each element's slice is copied with that element replaced by 1 and
    multiplied out: ``n`` times the memory for slices of ``n`` elements, but right with
    any number of zeros, and again differentiable (second derivatives).
    """
    shape = shape_of(x)
    axes = normalise_axes(axis, len(shape))
    rest = [i for i in range(len(shape)) if i not in axes]
    order = rest + list(axes)
    moved = x if order == sorted(order) else transpose(x, order)
    n = math.prod(shape[a] for a in axes)
    flat = reshape(moved, (*(shape[i] for i in rest), 1, n))
    others = apply(prod_p, where(np.eye(n, dtype=bool), 1.0, flat), axis=-1, keepdims=False)
    others = reshape(others, tuple(shape[i] for i in order))
    return others if order == sorted(order) else transpose(others, inverse_axes(order, len(order)))


def _prod_partial(out: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    if np.any(np.equal(raw(x), 0.0)):
        return _others_product(x, axis)
    if not keepdims and axis is not None:
        out = reshape(out, keepdims_shape(shape_of(x), axis))
    return divide(out, x)


def _prod_jvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum(t * _prod_partial(out, x, axis, keepdims), axis, keepdims)


def _prod_vjp(g: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_vjp(g, out, x, axis, keepdims) * _prod_partial(out, x, axis, keepdims)


def _prod_bjvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_bjvp(t * _prod_partial(out, x, axis, keepdims), out, x, axis, keepdims)


prod_p = row(
    "prod",
    lambda x, axis=None, keepdims=False: scalar_result(np.prod(x, axis=axis, keepdims=keepdims)),
    jvps=(_prod_jvp,),
    vjps=(_prod_vjp,),
    batched_jvps=(_prod_bjvp,),
    display="Π {0}",
)


@implements(np.prod, method="prod")
def prod(x: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    """Product of the elements over ``axis`` (all of them by default).

    The derivative by ``x_i`` is the product of the other elements, also where some
    are zero: with one zero, only the zero gets a non-zero gradient; with two or more,
    every gradient is 0 (as in PyTorch and JAX); second derivatives are right there too.

    >>> import numpy as np
    >>> prod(np.array([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    array([ 2., 12.])
    """
    if axis is not None:
        axis = valid_axis(axis, shape_of(x), "prod")
    return apply(prod_p, x, axis=axis, keepdims=keepdims)


def _ddof(ddof: Any, who: str) -> int:
    if isinstance(ddof, bool) or not isinstance(ddof, int | np.integer):
        raise TypeError(f"{who}: ddof must be an int, not {type(ddof).__name__}")
    return int(ddof)


@implements(np.var, method="var")
def var(
    x: Any, axis: int | tuple[int, ...] | None = None, *, ddof: int = 0, keepdims: bool = False
) -> Any:
    """Variance over ``axis``: ``Σ (x - mean)² / (n - ddof)``, with ``n`` elements.

    Computed in two passes (the mean first), so it is exact for data far from 0.
    With ``ddof >= n`` it divides by 0, giving inf or nan, with NumPy's warning.

    >>> import numpy as np
    >>> var(np.array([1.0, 2.0, 3.0, 4.0])), var(np.array([1.0, 2.0, 3.0, 4.0]), ddof=1)
    (1.25, 1.6666666666666667)
    """
    shape = shape_of(x)
    count = math.prod(shape[a] for a in checked_axes(axis, len(shape), "var"))
    if axis is not None:
        axis = valid_axis(axis, shape, "var")
    centred = x - divide(_sum(x, axis, True), builtins.max(count, 1))
    return divide(
        _sum(centred * centred, axis, keepdims), builtins.max(count - _ddof(ddof, "var"), 0)
    )


@implements(np.std, method="std")
def std(
    x: Any, axis: int | tuple[int, ...] | None = None, *, ddof: int = 0, keepdims: bool = False
) -> Any:
    """Standard deviation over ``axis``: ``sqrt(var(x, axis, ddof=ddof))``.

    Where the variance is 0 (all elements equal) the gradient is taken to be 0, as in
    PyTorch (JAX gives nan there: the infinite derivative of ``sqrt`` at 0 meets the
    zero derivative of the variance); the root's argument is replaced there by 1, so
    no nan comes back at second order either.

    >>> import numpy as np
    >>> std(np.array([1.0, 3.0]))
    1.0
    """
    v = var(x, axis, ddof=ddof, keepdims=keepdims)
    flat = np.equal(raw(v), 0.0)
    if not np.any(flat):
        return sqrt(v)
    return where(flat, 0.0, sqrt(where(flat, 1.0, v)))


def _cumsum_vjp(g: Any, out: Any, x: Any, axis: int | None = None) -> Any:
    """A cumulative sum from the other end: element k gets the cotangents from k on."""
    shape = shape_of(x)
    if not shape:
        return _sum(g, None)
    if axis is None:
        return reshape(_cumsum(g[::-1], 0)[::-1], shape)
    flip = (slice(None),) * axis + (slice(None, None, -1),)
    return _cumsum(g[flip], axis)[flip]


def _cumsum_bjvp(t: Any, out: Any, x: Any, axis: int | None = None) -> Any:
    if axis is None:
        return _cumsum(reshape(t, (shape_of(t)[0], -1)), 1)
    return _cumsum(t, axis + 1)


cumsum_p = linear(
    "cumsum",
    lambda x, axis=None: np.cumsum(x, axis=axis),
    transpose=_cumsum_vjp,
    batched=_cumsum_bjvp,
    show="cumsum {0}",
)


def _cumsum(x: Any, axis: int | None) -> Any:
    return apply(cumsum_p, x, axis=axis)


def _one_axis(x: Any, axis: Any, who: str) -> int | None:
    """A single axis (or None), checked and made non-negative."""
    if axis is None:
        return None
    if isinstance(axis, tuple | list):
        raise TypeError(f"{who}: axis must be an int or None, not {type(axis).__name__}")
    return checked_axes(axis, len(shape_of(x)), who)[0]


@implements(np.cumsum, method="cumsum")
def cumsum(x: Any, axis: int | None = None) -> Any:
    """Cumulative sum along ``axis``; with ``axis=None``, of the flattened elements.

    >>> import numpy as np
    >>> cumsum(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([ 1.,  3.,  6., 10.])
    >>> cumsum(np.array([[1.0, 2.0], [3.0, 4.0]]), axis=-1)
    array([[1., 3.],
           [3., 7.]])
    """
    return _cumsum(x, _one_axis(x, axis, "cumsum"))


def _arg_extreme(x: Any, axis: Any, keepdims: bool, pick: Any, who: str) -> Any:
    axis = _one_axis(x, axis, who)
    value = np.asarray(raw(x), dtype=np.float64)
    if value.size == 0:
        raise ValueError(f"{who}: no {who[3:]}imum in an empty array (shape {value.shape})")
    index = pick(value, axis=axis, keepdims=keepdims)
    return int(index) if np.ndim(index) == 0 else index


@implements(np.argmax, method="argmax")
def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> Any:
    """The index of the first maximum along ``axis`` (of the flattened array by default).

    An index has no derivative: the result is a plain ``int`` or integer array, computed
    from the values, not traced (the index that :func:`max` sends its gradient to).

    >>> import numpy as np
    >>> argmax(np.array([1.0, 5.0, 5.0])), argmax(np.array([[1.0, 2.0], [4.0, 3.0]]), axis=1)
    (1, array([1, 0]))
    """
    return _arg_extreme(x, axis, keepdims, np.argmax, "argmax")


@implements(np.argmin, method="argmin")
def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> Any:
    """The index of the first minimum along ``axis`` (of the flattened array by default).

    Like :func:`argmax`, a plain ``int`` or integer array, not traced.

    >>> import numpy as np
    >>> argmin(np.array([3.0, 1.0, 1.0]))
    1
    """
    return _arg_extreme(x, axis, keepdims, np.argmin, "argmin")


def _logsumexp_impl(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    x = np.asarray(x, dtype=np.float64)
    top = np.max(x, axis=axis, keepdims=True) if x.size else np.zeros(keepdims_shape(x.shape, axis))
    top = np.where(np.isfinite(top), top, 0.0)  # all -inf, or an inf: no inf - inf
    with np.errstate(divide="ignore"):  # log 0 = -inf: every element is -inf
        out = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
    return scalar_result(out if keepdims else out.reshape(np.sum(x, axis=axis).shape))


def _softmax(out: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    """``∂ logsumexp(x)/∂x = exp(x - out)``, with 0 (not nan) where out is -inf."""
    if not keepdims and axis is not None:
        out = reshape(out, keepdims_shape(shape_of(x), axis))
    empty = np.isneginf(raw(out))
    if np.any(empty):
        out = where(empty, 0.0, out)
    return exp(x - out)


def _logsumexp_jvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum(t * _softmax(out, x, axis, keepdims), axis, keepdims)


def _logsumexp_vjp(g: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_vjp(g, out, x, axis, keepdims) * _softmax(out, x, axis, keepdims)


def _logsumexp_bjvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_bjvp(t * _softmax(out, x, axis, keepdims), out, x, axis, keepdims)


logsumexp_p = row(
    "logsumexp",
    _logsumexp_impl,
    jvps=(_logsumexp_jvp,),
    vjps=(_logsumexp_vjp,),
    batched_jvps=(_logsumexp_bjvp,),
    display="ln Σ exp {0}",
)


def logsumexp(x: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    """``log(sum(exp(x)))`` over ``axis``, computed without overflow for any ``x``.

    Its gradient is the softmax of ``x`` over ``axis``, ``exp(x - logsumexp(x))``.
    An element at ``-inf`` gets gradient 0, and where every element is ``-inf`` the
    result is ``-inf`` and the gradient 0 (not nan); an element at ``+inf`` makes the
    result ``inf`` and the gradient nan, as in PyTorch.

    >>> import numpy as np
    >>> logsumexp(np.array([1000.0, 1000.0]))  # doctest: +NUMBER
    1000.693
    """
    if axis is not None:
        axis = valid_axis(axis, shape_of(x), "logsumexp")
    return apply(logsumexp_p, x, axis=axis, keepdims=keepdims)
