"""Reductions: ``sum``, ``mean``, ``max`` over some axes (all of them by default)."""

from __future__ import annotations

import builtins
import math
from typing import Any, overload

import numpy as np

from autodiff._types import Array, Value
from autodiff.dispatch import implements
from autodiff.primitive import _scalar, apply, linear, row
from autodiff.primitives._axes import checked_axes, keepdims_shape, normalise_axes, valid_axis
from autodiff.primitives.elementwise import T, divide
from autodiff.primitives.shape import broadcast_to, reshape
from autodiff.values import raw, shape_of

__all__ = ["max", "mean", "sum"]


def _sum_impl(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    if x.__class__ is np.ndarray:
        return _scalar(x.sum(axis, keepdims=keepdims))
    return _scalar(np.sum(x, axis, keepdims=keepdims))


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


def _argmax_mask(x: Any, axis: int | tuple[int, ...] | None) -> Any:
    """A one-hot float mask of the first maximum of x along ``axis`` (a constant)."""
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
    np.put_along_axis(mask, np.argmax(flat, axis=-1)[..., None], 1.0, axis=-1)
    return np.transpose(mask.reshape(moved.shape), np.argsort(rest + list(axes)))


def _max_jvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum(t * _argmax_mask(x, axis), axis, keepdims)


def _max_vjp(g: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_vjp(g, out, x, axis, keepdims) * _argmax_mask(x, axis)


def _max_bjvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_bjvp(t * _argmax_mask(x, axis), out, x, axis, keepdims)


max_p = row(
    "max",
    lambda x, axis=None, keepdims=False: _scalar(np.max(x, axis=axis, keepdims=keepdims)),
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
