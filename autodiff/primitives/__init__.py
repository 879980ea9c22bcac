"""The table of primitives: every operation, its value rule and its derivative rules.

Each row is a :class:`~autodiff.primitive.Primitive`, registered in :data:`PRIMITIVES`.
The rows are grouped by family, each rule written right above its row:

- :mod:`autodiff.primitives.elementwise`: arithmetic, the elementary functions,
  ``maximum``, ``where``;
- :mod:`autodiff.primitives.reductions`: ``sum``, ``mean``, ``max``, ``min``, ``prod``,
  ``cumsum``, ``logsumexp``;
- :mod:`autodiff.primitives.shape`: ``reshape``, ``transpose``, ``broadcast_to``,
  indexing, ``stack``;
- :mod:`autodiff.primitives.linalg`: ``matmul``;
- :mod:`autodiff.primitives.products`: ``einsum`` (and ``dot``, ``tensordot``... made
  with it).

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
from autodiff.primitives.products import (
    diag,
    dot,
    einsum,
    inner,
    outer,
    tensordot,
    trace,
    tril,
    triu,
)
from autodiff.primitives.reductions import (
    argmax,
    argmin,
    cumsum,
    logsumexp,
    max,
    mean,
    min,
    prod,
    std,
    sum,
    var,
)
from autodiff.primitives.shape import broadcast_to, reshape, stack, transpose
from autodiff.tracer import Tracer

install(Tracer)

__all__ = [
    "PRIMITIVES",
    "Primitive",
    "abs",
    "add",
    "align",
    "apply",
    "argmax",
    "argmin",
    "broadcast_to",
    "cos",
    "cumsum",
    "diag",
    "divide",
    "dot",
    "each_tangent",
    "einsum",
    "exp",
    "inner",
    "log",
    "logaddexp",
    "logsumexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "minus_one",
    "multiply",
    "negative",
    "one",
    "outer",
    "power",
    "prod",
    "relu",
    "reshape",
    "scale",
    "shape_error",
    "sigmoid",
    "sin",
    "sqrt",
    "stack",
    "std",
    "subtract",
    "sum",
    "tan",
    "tanh",
    "tensordot",
    "trace",
    "transpose",
    "tril",
    "triu",
    "unbroadcast",
    "var",
    "where",
    "zero",
]
