"""Plain values: what a traced value carries, and the checks every value goes through.

autodiff computes with Python floats and float64 NumPy arrays. This module reads them
out of traced values (:func:`raw`, :func:`shape_of`), checks and converts what users pass
in (:func:`as_value`, :func:`constant`) and makes zeros. It imports nothing else from the
package, so every other module can use it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["FLOAT64", "Traced", "as_value", "constant", "raw", "shape_of", "zeros"]

_NUMBER_KINDS = frozenset("biuf")

#: NumPy's float64 dtype: the one NumPy's own arrays share, so ``is`` tests it quickly.
FLOAT64 = np.dtype(np.float64)


class Traced:
    """What every traced value is: something that carries a ``value``.

    The base of :class:`~autodiff.Tracer`, defined here so that this module can recognise
    traced values without importing the tracers.
    """

    __slots__ = ()
    value: Any


def raw(x: Any) -> Any:
    """The plain float or array inside any number of traced values.

    >>> from autodiff import Dual, Variable
    >>> raw(Variable(Dual(2.0, 1.0)))
    2.0
    """
    while isinstance(x, Traced):
        x = x.value
    return x


def shape_of(x: Any) -> tuple[int, ...]:
    """The shape of a float (``()``), an array or a traced value.

    >>> import numpy as np
    >>> shape_of(1.0), shape_of(np.zeros((2, 3)))
    ((), (2, 3))
    """
    while isinstance(x, Traced):
        x = x.value
    if x.__class__ is float:
        return ()
    if x.__class__ is np.ndarray:
        return x.shape  # type: ignore[no-any-return]
    return np.shape(x)


def zeros(shape: tuple[int, ...]) -> Any:
    """Zeros of a shape: the float ``0.0`` for ``()``, else a float64 array.

    >>> zeros(()), zeros((2,))
    (0.0, array([0., 0.]))
    """
    return np.zeros(shape) if shape else 0.0


def as_value(value: Any, owner: str = "value") -> Any:
    """Check and convert a value for a traced value: numbers become floats, arrays float64.

    Traced values are kept as they are (one may carry another).

    >>> as_value(2)
    2.0
    >>> as_value([1, 2])
    array([1., 2.])
    >>> as_value("a", "Variable")
    Traceback (most recent call last):
    ...
    TypeError: Variable needs a real number or an array of real numbers, not str
    """
    if value.__class__ is float or isinstance(value, Traced):
        return value
    if isinstance(value, int | float | np.integer | np.floating | np.bool_):
        return float(value)
    if isinstance(value, list | tuple | np.ndarray):
        try:
            array = np.asarray(value)
        except ValueError:  # ragged nesting
            raise ValueError(
                f"{owner} needs a rectangular array: the nested lists have different lengths"
            ) from None
        if array.dtype.kind not in _NUMBER_KINDS:
            raise TypeError(
                f"{owner} needs a real number or an array of real numbers, not an array "
                f"of dtype {array.dtype}"
            )
        return float(array) if array.ndim == 0 else array.astype(np.float64, copy=False)
    raise TypeError(
        f"{owner} needs a real number or an array of real numbers, not {type(value).__name__}"
    )


def constant(value: Any, owner: str) -> Any:
    """A value that is not traced, as the engine computes with it: a float or a float64
    array (a boolean array, such as the condition of ``where``, stays boolean).

    Complex numbers, strings, ``None`` and arrays of objects are refused: autodiff
    computes with real numbers in float64 only, whichever way a value comes in. (A
    ``float32`` scalar would otherwise turn a whole computation into float32.)

    >>> import numpy as np
    >>> constant(np.float32(0.1), "mul") == 0.1  # the float32 number, as a float64
    False
    >>> constant(np.arange(2), "mul")
    array([0., 1.])
    >>> constant(1j, "mul")
    Traceback (most recent call last):
    ...
    TypeError: mul needs a real number or an array of real numbers, not complex
    """
    kind = value.__class__
    if kind is float or kind is int:
        return value
    if kind is np.ndarray and (value.dtype is FLOAT64 or value.dtype.kind == "b"):
        return value
    return as_value(value, owner)
