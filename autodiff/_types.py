"""Type aliases shared by the package."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from autodiff.tracer import Tracer

#: A float64 NumPy array.
Array: TypeAlias = npt.NDArray[np.float64]

#: A raw value: a Python float or a float64 array.
Value: TypeAlias = float | Array

#: What the operators and module functions accept: numbers, arrays and traced values.
Operand: TypeAlias = "float | int | np.ndarray[Any, Any] | Tracer"
