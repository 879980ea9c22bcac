"""The table of primitives: every operation, its value rule and its derivative rules.

Each row is a :class:`~autodiff.primitive.Primitive`, registered in
:data:`~autodiff.primitive.PRIMITIVES`.
The rows are grouped by family, each rule written right above its row:

- ``elementwise.py``: arithmetic, the elementary functions, ``maximum``, ``where``;
- ``reductions.py``: ``sum``, ``mean``, ``max``;
- ``shape.py``: ``reshape``, ``transpose``, ``broadcast_to``, indexing, ``stack``;
- ``linalg.py``: ``matmul``.

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
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    ceil,
    clip,
    cos,
    cosh,
    divide,
    exp,
    exp2,
    expm1,
    floor,
    hypot,
    log,
    log1p,
    log2,
    log10,
    logaddexp,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    power,
    relu,
    round,
    sigmoid,
    sign,
    sin,
    sinh,
    softplus,
    sqrt,
    square,
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
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "broadcast_to",
    "ceil",
    "clip",
    "concatenate",
    "cos",
    "cosh",
    "divide",
    "each_tangent",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "flip",
    "floor",
    "hstack",
    "hypot",
    "log",
    "log1p",
    "log2",
    "log10",
    "logaddexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "minimum",
    "minus_one",
    "mod",
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
    "round",
    "scale",
    "shape_error",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "softplus",
    "sqrt",
    "square",
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
