"""Checks for the arguments of the public constructors and functions outside the engine.

Each check returns the argument converted (a ``float``, an ``int``, a ``bool``...) or
raises an error whose message names the function and the argument, says what was given
and what is expected, and how to fix the call: a ``TypeError`` for a value of the wrong
kind (a string, a bool where a number is expected...), a ``ValueError`` for a value of
the right kind out of range (negative, NaN, infinite...).

None of them runs on the engine's per-node path: they check the arguments of
constructors (optimisers, layers, datasets) and of one-off calls (``draw``,
``trace_table``, ``batches``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import numpy as np

from autodiff.tracer import Tracer

__all__ = ["choice", "flag", "given", "integer", "real", "real_array", "sizes"]


def given(value: Any) -> str:
    """The type and a short ``repr`` of a value, for an error message.

    >>> given("0.1"), given(True), given(np.zeros((20, 20)))
    ("str '0.1'", 'bool True', 'ndarray of shape (20, 20) and dtype float64')
    """
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return f"ndarray of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, Tracer):
        return f"{type(value).__name__} of shape {value.shape}"
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    kind = type(value).__name__
    return kind if text.startswith((f"<{kind}", kind)) else f"{kind} {text}"


def _plain_number(value: Any) -> bool:
    """A real number that is not a bool: int, float, NumPy int or float, or a 0-d array."""
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int | float | np.integer | np.floating):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"


def real(
    value: Any,
    owner: str,
    name: str,
    *,
    low: float = 0.0,
    high: float = math.inf,
    include_high: bool = False,
    example: str = "0.1",
    fix: str | None = None,
) -> float:
    """A finite real number in ``[low, high)`` (``[low, high]`` with ``include_high``).

    >>> real(0.5, "SGD", "lr")
    0.5
    >>> real("0.1", "SGD", "lr")
    Traceback (most recent call last):
    ...
    TypeError: SGD: lr must be a real number, not str '0.1'; pass a number, e.g. lr=0.1
    >>> real(float("nan"), "SGD", "lr")
    Traceback (most recent call last):
    ...
    ValueError: SGD: lr must be a finite number >= 0, not nan; pass e.g. lr=0.1
    """
    fix = fix or f"pass e.g. {name}={example}"
    if not _plain_number(value):
        hint = fix.replace("pass e.g.", "pass a number, e.g.")
        if isinstance(value, Tracer):
            hint = f"pass a plain number, e.g. {name}=x.value"
        raise TypeError(f"{owner}: {name} must be a real number, not {given(value)}; {hint}")
    x = float(value)
    if math.isfinite(high):
        bracket = "]" if include_high else ")"
        where = f" in [{low:g}, {high:g}{bracket}"
    else:
        where = f" >= {low:g}" if math.isfinite(low) else ""
    inside = low <= x <= high if include_high else low <= x < high
    if not (math.isfinite(x) and inside):
        raise ValueError(f"{owner}: {name} must be a finite number{where}, not {value!r}; {fix}")
    return x


def integer(value: Any, owner: str, name: str, *, low: int = 1, example: int = 1) -> int:
    """An ``int`` (or NumPy integer, not a bool or a float) that is at least ``low``.

    >>> integer(np.int64(3), "Linear", "in_features")
    3
    >>> integer(2.0, "Linear", "in_features")
    Traceback (most recent call last):
    ...
    TypeError: Linear: in_features must be an int, not float 2.0; pass in_features=2
    >>> integer(0, "Linear", "in_features")
    Traceback (most recent call last):
    ...
    ValueError: Linear: in_features must be a positive int, not 0
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        fix = f"pass e.g. {name}={example}"
        if isinstance(value, float) and value.is_integer():
            fix = f"pass {name}={int(value)}"
        raise TypeError(f"{owner}: {name} must be an int, not {given(value)}; {fix}")
    if value < low:
        what = "a positive int" if low == 1 else f"an int >= {low}"
        raise ValueError(f"{owner}: {name} must be {what}, not {value!r}")
    return int(value)


def flag(value: Any, owner: str, name: str) -> bool:
    """``True`` or ``False`` (a NumPy bool too), not another truthy or falsy value.

    >>> flag(np.bool_(True), "make_moons", "shuffle")
    True
    >>> flag("no", "make_moons", "shuffle")
    Traceback (most recent call last):
    ...
    TypeError: make_moons: shuffle must be True or False, not str 'no'
    """
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{owner}: {name} must be True or False, not {given(value)}")
    return bool(value)


def choice(value: Any, owner: str, name: str, choices: Sequence[str]) -> str:
    """One of the strings ``choices``.

    >>> choice("LR", "draw", "rankdir", ("LR", "RL"))
    'LR'
    >>> choice("XY", "draw", "rankdir", ("LR", "RL"))
    Traceback (most recent call last):
    ...
    ValueError: draw: rankdir must be 'LR' or 'RL', not 'XY'
    """
    names = ", ".join(repr(c) for c in choices[:-1]) + f" or {choices[-1]!r}"
    if not isinstance(value, str):
        raise TypeError(f"{owner}: {name} must be {names}, not {given(value)}")
    if value not in choices:
        raise ValueError(f"{owner}: {name} must be {names}, not {value!r}")
    return value


def sizes(value: Any, owner: str, name: str = "sizes") -> list[Any]:
    """The items of an ordered collection (a list, a tuple, a 1-D array, a range...).

    Refused: a single number, a string, a mapping and a set (no order).

    >>> sizes((2, 3), "MLP")
    [2, 3]
    >>> sizes(3, "MLP")
    Traceback (most recent call last):
    ...
    TypeError: MLP: sizes must be a list of ints such as [2, 16, 1], not int 3
    """
    ordered = isinstance(value, Iterable) and not isinstance(
        value, str | bytes | Mapping | AbstractSet | Tracer
    )
    if isinstance(value, np.ndarray):
        ordered = value.ndim == 1
    if not ordered:
        raise TypeError(
            f"{owner}: {name} must be a list of ints such as [2, 16, 1], not {given(value)}"
        )
    return list(value)


def real_array(value: Any, owner: str, name: str, fix: str) -> Any:
    """``value`` as a float64 array of finite numbers (a number gives a 0-d array).

    Refused: strings, bools, complex numbers, ``Variable``\\ s, ragged lists (a
    ``TypeError``) and NaN or infinity (a ``ValueError``).

    >>> real_array([1, 2], "make_linear", "w", "pass e.g. w=[1.0, -2.0]")
    array([1., 2.])
    >>> real_array([1.0, np.nan], "make_linear", "w", "pass e.g. w=[1.0, -2.0]")
    Traceback (most recent call last):
    ...
    ValueError: make_linear: w must hold finite numbers, not nan or inf; pass e.g. w=[1.0, -2.0]
    """
    if isinstance(value, Tracer):
        raise TypeError(
            f"{owner}: {name} must be numbers, not a {type(value).__name__}; "
            f"pass its .value, or {fix[len('pass ') :]}"
        )
    try:
        array = np.asarray(value)
    except ValueError:  # a ragged list
        array = np.asarray(None)
    if array.dtype.kind not in "iuf" or isinstance(value, str | bytes):
        raise TypeError(f"{owner}: {name} must be real numbers, not {given(value)}; {fix}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{owner}: {name} must hold finite numbers, not nan or inf; {fix}")
    return array
