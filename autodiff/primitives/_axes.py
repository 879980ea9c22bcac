"""Checks and arithmetic of axes and shapes, shared by the reductions and shape rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autodiff.values import shape_of


def normalise_axes(axis: int | tuple[int, ...] | None, ndim: int) -> tuple[int, ...]:
    """``axis`` as a tuple of non-negative axes (every axis for ``None``), unchecked."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    return tuple(int(a) % ndim if ndim else int(a) for a in axes)


def checked_axes(axis: Any, ndim: int, who: str) -> tuple[int, ...]:
    """``axis`` (an int, a tuple of ints or None) as non-negative axes of an ``ndim``-array.

    The errors name the function, as NumPy's do the axis and the number of dimensions:
    a ``TypeError`` for an axis that is not an int, a ``ValueError`` for one out of
    bounds or repeated.
    """
    if axis is None:
        return tuple(range(ndim))
    items = tuple(axis) if isinstance(axis, tuple | list) else (axis,)
    axes = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, int | np.integer):
            raise TypeError(
                f"{who}: an axis must be an int (or a tuple of ints), not {type(a).__name__}"
            )
        if not -ndim <= a < ndim:
            raise ValueError(f"{who}: axis {a} is out of bounds for array of dimension {ndim}")
        axes.append(int(a) % ndim)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{who}: axis {axis!r} repeats an axis (array of dimension {ndim})")
    return tuple(axes)


def valid_axis(axis: Any, shape: tuple[int, ...], who: str) -> Any:
    """A checked ``axis`` argument, as given (a list becomes a tuple)."""
    checked_axes(axis, len(shape), who)
    if isinstance(axis, np.integer):
        return int(axis)
    return tuple(int(a) for a in axis) if isinstance(axis, tuple | list) else axis


def keepdims_shape(shape: tuple[int, ...], axis: int | tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced ``axis`` kept, with size 1."""
    axes = normalise_axes(axis, len(shape))
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def shape_argument(shape: Any, who: str) -> tuple[int, ...]:
    """A shape given as an int or a sequence of ints, as a tuple (the rules pass tuples)."""
    if shape.__class__ is tuple:
        return shape
    if isinstance(shape, int | np.integer) and not isinstance(shape, bool):
        return (int(shape),)
    if isinstance(shape, Sequence | np.ndarray) and not isinstance(shape, str):
        items = list(shape)
        if all(isinstance(n, int | np.integer) and not isinstance(n, bool) for n in items):
            return tuple(int(n) for n in items)
    raise TypeError(f"{who}: shape must be an int or a tuple of ints, not {shape!r}")


def batched_shape(t: Any, out: Any) -> tuple[int, ...]:
    """The shape of a batch of tangents of ``out``: ``(B, *out.shape)``."""
    return (shape_of(t)[0], *shape_of(out))


def inverse_axes(axes: Sequence[int] | None, ndim: int) -> tuple[int, ...] | None:
    """The permutation that undoes ``axes`` (which may count from the end, as ``-1``)."""
    if axes is None:
        return None
    return tuple(int(i) for i in np.argsort([int(a) % ndim for a in axes]))
