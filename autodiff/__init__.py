"""autodiff: automatic differentiation, forward and reverse mode, explained.

Forward mode carries derivatives along with values in :class:`Dual` numbers; reverse
mode records a graph of :class:`Variable` nodes and walks it backwards. Both run on one
table of primitives (:mod:`autodiff.primitives`), and the transforms (:func:`grad`,
:func:`jvp`, :func:`vjp`, :func:`jacobian`, :func:`hessian`) build on them, and take
containers of arrays (pytrees, :mod:`autodiff.tree`) as well as arrays.
``autodiff.linalg`` has the linear algebra of ``np.linalg`` (``inv``, ``solve``,
``det``, ``slogdet``, ``norm``, ``cholesky``).
:mod:`autodiff.nn`, :mod:`autodiff.optim` and :mod:`autodiff.datasets` train neural
networks with reverse mode.

>>> import autodiff as ad
>>> ad.grad(lambda x: ad.sin(x) * x)(0.0)
0.0
"""

from importlib.metadata import PackageNotFoundError, version

from autodiff import datasets, nn, optim, tree
from autodiff.custom import checkpoint, custom_jvp, custom_vjp, stop_gradient
from autodiff.drawing import draw
from autodiff.dual import Dual
from autodiff.graph import topological_order
from autodiff.primitives import (
    abs,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    broadcast_to,
    ceil,
    clip,
    concatenate,
    cos,
    cosh,
    exp,
    exp2,
    expand_dims,
    expm1,
    flip,
    floor,
    hstack,
    hypot,
    linalg,
    log,
    log1p,
    log2,
    log10,
    logaddexp,
    matmul,
    max,
    maximum,
    mean,
    minimum,
    mod,
    moveaxis,
    pad,
    ravel,
    relu,
    repeat,
    reshape,
    roll,
    round,
    sigmoid,
    sign,
    sin,
    sinh,
    softplus,
    sqrt,
    square,
    squeeze,
    stack,
    sum,
    swapaxes,
    tan,
    tanh,
    tile,
    transpose,
    vstack,
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
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "broadcast_to",
    "ceil",
    "check_grad",
    "checkpoint",
    "clip",
    "concatenate",
    "cos",
    "cosh",
    "custom_jvp",
    "custom_vjp",
    "datasets",
    "derivative",
    "draw",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "flip",
    "floor",
    "grad",
    "hessian",
    "hstack",
    "hypot",
    "jacobian",
    "jvp",
    "linalg",
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
    "mod",
    "moveaxis",
    "nn",
    "optim",
    "pad",
    "ravel",
    "relu",
    "repeat",
    "reshape",
    "roll",
    "round",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "softplus",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "stop_gradient",
    "sum",
    "swapaxes",
    "tan",
    "tanh",
    "tile",
    "topological_order",
    "trace_table",
    "transpose",
    "tree",
    "tree_flatten",
    "tree_map",
    "tree_unflatten",
    "value_and_grad",
    "vjp",
    "vstack",
    "where",
]
