"""The table of primitives: every operation, its value rule and its derivative rules.

Each row is a :class:`~autodiff.primitive.Primitive`, registered in :data:`PRIMITIVES`.
The rows are grouped by family, each rule written right above its row:

- :mod:`autodiff.primitives.elementwise`: arithmetic, the elementary functions,
  ``maximum``, ``where``;
- :mod:`autodiff.primitives.reductions`: ``sum``, ``mean``, ``max``;
- :mod:`autodiff.primitives.shape`: ``reshape``, ``transpose``, ``broadcast_to``,
  indexing, ``stack``;
- :mod:`autodiff.primitives.linalg`: ``matmul``.

Rules are written with the package's own functions, so a rule applied to a traced value
is recorded too: that is what makes second derivatives (``grad(grad(f))``, ``hessian``)
work with no extra code.

Adding an operation is one row plus, if it should be public, a one-line function that
applies it (see the how-to "Add a primitive").
"""

from __future__ import annotations

from autodiff.dispatch import install
from autodiff.primitive import (
    PRIMITIVES,
    Primitive,
    align,
    apply,
    each_tangent,
    minus_one,
    one,
    scale,
    shape_error,
    unbroadcast,
    zero,
)
from autodiff.primitives.elementwise import (
    abs,
    add,
    cos,
    divide,
    exp,
    log,
    logaddexp,
    maximum,
    minimum,
    multiply,
    negative,
    power,
    relu,
    sigmoid,
    sin,
    sqrt,
    subtract,
    tan,
    tanh,
    where,
)
from autodiff.primitives.linalg import matmul
from autodiff.primitives.reductions import max, mean, sum
from autodiff.primitives.shape import (
    broadcast_to,
    concatenate,
    expand_dims,
    flip,
    hstack,
    moveaxis,
    pad,
    ravel,
    repeat,
    reshape,
    roll,
    squeeze,
    stack,
    swapaxes,
    tile,
    transpose,
    vstack,
)
from autodiff.tracer import Tracer

install(Tracer)

__all__ = [
    "PRIMITIVES",
    "Primitive",
    "abs",
    "add",
    "align",
    "apply",
    "broadcast_to",
    "concatenate",
    "cos",
    "divide",
    "each_tangent",
    "exp",
    "expand_dims",
    "flip",
    "hstack",
    "log",
    "logaddexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "minimum",
    "minus_one",
    "moveaxis",
    "multiply",
    "negative",
    "one",
    "pad",
    "power",
    "ravel",
    "relu",
    "repeat",
    "reshape",
    "roll",
    "scale",
    "shape_error",
    "sigmoid",
    "sin",
    "sqrt",
    "squeeze",
    "stack",
    "subtract",
    "sum",
    "swapaxes",
    "tan",
    "tanh",
    "tile",
    "transpose",
    "unbroadcast",
    "vstack",
    "where",
    "zero",
]
