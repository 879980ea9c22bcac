"""How numbers and names are written in drawings and trace tables."""

from __future__ import annotations

from typing import Any

import numpy as np

from autodiff._arguments import integer
from autodiff.tracer import raw

__all__ = ["format_value", "subscript"]

_SUBSCRIPTS = str.maketrans("-0123456789", "₋₀₁₂₃₄₅₆₇₈₉")


def subscript(k: int) -> str:
    """An integer in subscript digits.

    >>> subscript(-1), subscript(12)
    ('₋₁', '₁₂')
    """
    return str(k).translate(_SUBSCRIPTS)


def trace_names(leaves: int, steps: int) -> list[str]:
    """The names of an evaluation trace: inputs ``v₁₋ₙ … v₀``, then ``v₁, v₂, …``.

    >>> trace_names(2, 3)
    ['v₋₁', 'v₀', 'v₁', 'v₂', 'v₃']
    """
    return [f"v{subscript(k + 1 - leaves)}" for k in range(leaves + steps)]


def _scalar_text(x: Any, precision: int) -> str:
    if isinstance(x, bool | np.bool_):
        return str(bool(x))
    x = float(x)
    return f"{x or 0.0:.{precision}g}"  # `or`: no "-0"


def _summary(value: Any, precision: int, edge: int) -> str:
    """``[a, b, …, y, z]`` for the first row of every level: brackets balance."""
    if value.ndim == 1:
        items = list(value) if len(value) <= 2 * edge + 1 else [*value[:edge], None, *value[-edge:]]
        return (
            "[" + ", ".join("…" if v is None else _scalar_text(v, precision) for v in items) + "]"
        )
    inner = _summary(value[0], precision, edge)
    return f"[{inner}, …]" if len(value) > 1 else f"[{inner}]"


def format_value(value: Any, precision: int = 4, width: int = 50) -> str:
    """A short text for a number or an array: the number, or the shape and a summary.

    An array shows its first and last elements (of its first row, for a matrix), so a
    label stays short whatever the size.

    >>> import numpy as np
    >>> format_value(0.913494809)
    '0.9135'
    >>> format_value(np.arange(100.0).reshape(10, 10))
    '(10, 10) [[0, 1, …, 8, 9], …]'
    >>> format_value(np.array([0.5, -1.0, 0.25]))
    '(3,) [0.5, -1, 0.25]'

    ``precision`` (significant digits) and ``width`` (characters) are positive ints:

    >>> format_value(1.0, precision=-1)
    Traceback (most recent call last):
    ...
    ValueError: format_value: precision must be a positive int, not -1
    """
    if precision.__class__ is not int or precision < 1:
        integer(precision, "format_value", "precision", example=4)
    if width.__class__ is not int or width < 1:
        integer(width, "format_value", "width", example=50)
    value = raw(value)
    if isinstance(value, np.ndarray) and value.ndim > 0:
        if value.size == 0:
            return f"{value.shape} []"
        for edge in (2, 1):
            text = f"{value.shape} {_summary(value, precision, edge)}"
            if len(text) <= width:
                break
        return text
    return _scalar_text(value, precision)
