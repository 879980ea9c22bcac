"""autodiff: automatic differentiation, forward and reverse mode, explained.

Forward mode carries derivatives along with values in :class:`Dual` numbers; reverse
mode records a graph of :class:`Variable` nodes and walks it backwards. Both run on one
table of primitives (:mod:`autodiff.primitives`), and the transforms (:func:`grad`,
:func:`jvp`, :func:`vjp`, :func:`jacobian`, :func:`hessian`) build on them, and take
containers of arrays (pytrees, :mod:`autodiff.tree`) as well as arrays.
:mod:`autodiff.nn`, :mod:`autodiff.optim` and :mod:`autodiff.datasets` train neural
networks with reverse mode.

>>> import autodiff as ad
>>> ad.grad(lambda x: ad.sin(x) * x)(0.0)
0.0
"""

from importlib.metadata import PackageNotFoundError, version

from autodiff import datasets, nn, optim, tree
from autodiff.drawing import draw
from autodiff.dual import Dual
from autodiff.graph import topological_order
from autodiff.primitives import (
    abs,
    argmax,
    argmin,
    broadcast_to,
    cos,
    cumsum,
    diag,
    dot,
    einsum,
    exp,
    inner,
    log,
    logaddexp,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    outer,
    prod,
    relu,
    reshape,
    sigmoid,
    sin,
    sqrt,
    stack,
    std,
    sum,
    tan,
    tanh,
    tensordot,
    trace,
    transpose,
    tril,
    triu,
    var,
    where,
)
from autodiff.tables import TraceTable, trace_table
from autodiff.testing import check_grad
from autodiff.tracer import Tracer
from autodiff.transforms import derivative, grad, hessian, jacobian, jvp, value_and_grad, vjp
from autodiff.tree import tree_flatten, tree_map, tree_unflatten
from autodiff.variable import Variable

try:
    __version__ = version("autodiff-explained")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Dual",
    "TraceTable",
    "Tracer",
    "Variable",
    "__version__",
    "abs",
    "argmax",
    "argmin",
    "broadcast_to",
    "check_grad",
    "cos",
    "cumsum",
    "datasets",
    "derivative",
    "diag",
    "dot",
    "draw",
    "einsum",
    "exp",
    "grad",
    "hessian",
    "inner",
    "jacobian",
    "jvp",
    "log",
    "logaddexp",
    "logsumexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "nn",
    "optim",
    "outer",
    "prod",
    "relu",
    "reshape",
    "sigmoid",
    "sin",
    "sqrt",
    "stack",
    "std",
    "sum",
    "tan",
    "tanh",
    "tensordot",
    "topological_order",
    "trace",
    "trace_table",
    "transpose",
    "tree",
    "tree_flatten",
    "tree_map",
    "tree_unflatten",
    "tril",
    "triu",
    "value_and_grad",
    "var",
    "vjp",
    "where",
]
