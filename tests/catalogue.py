"""One catalogue of test functions, reused across number types and modes.

Every function is written once with autodiff's module functions and Python operators,
so the same code runs on plain floats, NumPy arrays, ``Dual`` and ``Variable`` values.
The reference derivatives (finite differences, Jacobians by hand, unbroadcasting) are
written here with NumPy alone, independently of the code under test.

Not collected by pytest (the file name does not start with ``test_``).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

import autodiff as ad
from autodiff import Dual, Variable

Array = npt.NDArray[np.float64]
Shape = tuple[int, ...]
Fn = Callable[..., Any]
GradFn = Callable[..., tuple[Any, ...]]

__all__ = [
    "CATALOGUE",
    "ELEMENTWISE",
    "STRUCTURAL",
    "UNARY",
    "Case",
    "Instance",
    "Unary",
    "analytic_gradient",
    "as_array",
    "forward_gradient",
    "instances",
    "numeric_gradient",
    "numeric_jacobian",
    "reverse_gradient",
    "unbroadcast",
]


# --------------------------------------------------------------------------------------
# Reference helpers (NumPy only).


def as_array(x: Any) -> Array:
    """A float64 array of a float, an array, or a tracer's plain value."""
    while isinstance(x, Dual | Variable):
        x = x.value
    return np.asarray(x, dtype=np.float64)


def unbroadcast(g: Array, shape: Shape) -> Array:
    """Sum ``g`` back to ``shape`` (the adjoint of NumPy broadcasting)."""
    g = np.asarray(g, dtype=np.float64)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


def _replace(args: Sequence[Any], i: int, value: Any) -> list[Any]:
    out = list(args)
    out[i] = value
    return out


def _restore(x: Array, like: Any) -> Any:
    """A float for a scalar ``like``, else the array."""
    return float(x) if np.ndim(like) == 0 else x


def numeric_jacobian(f: Fn, args: Sequence[Any], argnum: int, eps: float = 1e-6) -> Array:
    """∂f/∂args[argnum] by central differences, shape ``out.shape + arg.shape``."""
    x = np.array(args[argnum], dtype=np.float64)
    columns = []
    for k in range(max(1, x.size)):
        h = eps * max(1.0, abs(float(x.flat[k])))
        up, down = x.copy(), x.copy()
        up.flat[k] += h
        down.flat[k] -= h
        f_up = as_array(f(*_replace(args, argnum, _restore(up, x))))
        f_down = as_array(f(*_replace(args, argnum, _restore(down, x))))
        columns.append((f_up - f_down) / (2 * h))
    out_shape = columns[0].shape
    return np.stack(columns, axis=-1).reshape(out_shape + x.shape)


def numeric_gradient(f: Fn, args: Sequence[Any], eps: float = 1e-6) -> tuple[Array, ...]:
    """The gradient of a scalar function by central differences, one per argument."""
    return tuple(numeric_jacobian(f, args, i, eps) for i in range(len(args)))


def _basis(shape: Shape, k: int) -> Any:
    if not shape:
        return 1.0
    e = np.zeros(shape)
    e.flat[k] = 1.0
    return e


def forward_gradient(f: Fn, args: Sequence[Any]) -> tuple[Array, ...]:
    """The gradient of a scalar function by hand-made ``Dual`` numbers (level 0).

    One pass per input element: the argument being differentiated is a ``Dual`` with a
    basis tangent, the others stay plain (constants).
    """
    grads = []
    for i, x in enumerate(args):
        shape = np.shape(x)
        g = np.zeros(shape)
        for k in range(max(1, g.size)):
            out = f(*_replace(args, i, Dual(x, _basis(shape, k))))
            assert isinstance(out, Dual), f"f returned {type(out).__name__}, not a Dual"
            g.flat[k] = float(as_array(out.tangent).reshape(()))
        grads.append(g)
    return tuple(grads)


def reverse_gradient(f: Fn, args: Sequence[Any]) -> tuple[Array, ...]:
    """The gradient of a scalar function by hand-made ``Variable``s and ``backward()``."""
    leaves = [Variable(a) for a in args]
    out = f(*leaves)
    assert isinstance(out, Variable), f"f returned {type(out).__name__}, not a Variable"
    out.backward()
    for leaf, a in zip(leaves, args, strict=True):
        assert np.shape(leaf.grad) == np.shape(a), "a gradient has the wrong shape"
    return tuple(as_array(leaf.grad) for leaf in leaves)


# --------------------------------------------------------------------------------------
# The catalogue.


@dataclass(frozen=True)
class Case:
    """A test function.

    ``f`` takes ``len(domain)`` arguments. ``shapes`` is ``None`` for an elementwise
    function (any broadcast-compatible shapes; the output is summed to a scalar), or the
    fixed argument shapes of a function that already returns a scalar. ``grad`` is the
    analytic gradient on plain arrays (for an elementwise function: the elementwise
    partial derivatives, summed back to each operand's shape by the caller), or ``None``.
    Each argument is drawn uniformly from its closed ``domain`` interval, where ``f`` is
    continuously differentiable; ``smooth2`` is false when its second derivative jumps
    there (then second-order finite differences are not compared).
    """

    name: str
    f: Fn
    grad: GradFn | None
    domain: tuple[tuple[float, float], ...]
    shapes: tuple[Shape, ...] | None = None
    smooth2: bool = True

    @property
    def arity(self) -> int:
        return len(self.domain)

    @property
    def elementwise(self) -> bool:
        return self.shapes is None

    def scalar(self, *args: Any) -> Any:
        """``f`` reduced to a single number (a sum for an elementwise function)."""
        out = self.f(*args)
        return ad.sum(out) if self.elementwise else out


def _sin_cos(x: Any) -> Any:
    return ad.sin(ad.cos(x))


def _mixed_operands(x: Any) -> Any:
    # numbers on either side of every operator
    return 2 * x - 1 / x + (3 - x) / 2 + x / 4 - (-x) ** 2


ELEMENTWISE: list[Case] = [
    Case(
        "polynomial",
        lambda x: x**3 - 2 * x**2 + 3 * x - 1,
        lambda x: (3 * x**2 - 4 * x + 3,),
        ((-2.0, 2.0),),
    ),
    Case(
        "rational",
        lambda x: 1 / (1 + x**2),
        lambda x: (-2 * x / (1 + x**2) ** 2,),
        ((-3.0, 3.0),),
    ),
    Case(
        "seed",
        lambda x, a, b: x * a / (x**2 + b),
        lambda x, a, b: (
            a / (x**2 + b) - 2 * a * x**2 / (x**2 + b) ** 2,
            x / (x**2 + b),
            -x * a / (x**2 + b) ** 2,
        ),
        ((-3.0, 3.0), (-3.0, 3.0), (0.5, 3.0)),
    ),
    Case(
        "baydin",
        lambda x1, x2: ad.log(x1) + x1 * x2 - ad.sin(x2),
        lambda x1, x2: (1 / x1 + x2, x1 - np.cos(x2)),
        ((0.5, 3.0), (-3.0, 3.0)),
    ),
    Case(
        "mixed_operands",
        _mixed_operands,
        lambda x: (2 + 1 / x**2 - 0.5 + 0.25 - 2 * x,),
        ((0.5, 3.0),),
    ),
    Case(
        "sin_cos",
        _sin_cos,
        lambda x: (-np.cos(np.cos(x)) * np.sin(x),),
        ((-3.0, 3.0),),
    ),
    Case(
        "tan",
        lambda x: ad.tan(x) * x,
        lambda x: ((1 + np.tan(x) ** 2) * x + np.tan(x),),
        ((-1.2, 1.2),),
    ),
    Case(
        "exp_tanh",
        lambda x: ad.exp(ad.tanh(x)),
        lambda x: (np.exp(np.tanh(x)) * (1 - np.tanh(x) ** 2),),
        ((-3.0, 3.0),),
    ),
    Case(
        "log_sqrt",
        lambda x: ad.log(ad.sqrt(x) + 1),
        lambda x: (1 / (np.sqrt(x) + 1) / (2 * np.sqrt(x)),),
        ((0.1, 4.0),),
    ),
    Case(
        "sqrt_hypot",
        lambda x, y: ad.sqrt(x * x + y * y + 1),
        lambda x, y: (x / np.sqrt(x * x + y * y + 1), y / np.sqrt(x * x + y * y + 1)),
        ((-3.0, 3.0), (-3.0, 3.0)),
    ),
    Case(
        "sigmoid",
        lambda x: ad.sigmoid(x) * x,
        lambda x: (1 / (1 + np.exp(-x)) + x * np.exp(-x) / (1 + np.exp(-x)) ** 2,),
        ((-5.0, 5.0),),
    ),
    # relu(x)·x and |x|·x are C¹ (their kinks have zero slope), so central differences
    # agree everywhere; their second derivatives jump at 0.
    Case(
        "relu_times_x",
        lambda x: ad.relu(x) * x,
        lambda x: (2 * np.maximum(x, 0.0),),
        ((-2.0, 2.0),),
        smooth2=False,
    ),
    Case(
        "abs_times_x",
        lambda x: ad.abs(x) * x,
        lambda x: (2 * np.abs(x),),
        ((-2.0, 2.0),),
        smooth2=False,
    ),
    Case(
        "power",
        lambda x, y: x**y,
        lambda x, y: (y * x ** (y - 1), x**y * np.log(x)),
        ((0.5, 2.0), (-2.0, 2.0)),
    ),
    Case(
        "exp2",
        lambda x: 2.0**x,
        lambda x: (np.log(2.0) * 2.0**x,),
        ((-3.0, 3.0),),
    ),
    Case(
        "quotient",
        lambda x, y: (x - y) / (3 - y),
        lambda x, y: (1 / (3 - y), (x - 3) / (3 - y) ** 2),
        ((-2.0, 2.0), (-2.0, 2.0)),
    ),
    # disjoint domains: no ties, so maximum and minimum are smooth here
    Case(
        "maximum_minimum",
        lambda x, y: ad.maximum(x, y) + 2 * ad.minimum(x, y) + ad.maximum(x * x, 0.0),
        lambda x, y: (1 + 2 * x, 2.0),
        ((1.0, 2.0), (-2.0, 0.5)),
    ),
    # where(x > 0, x², x³) is C¹: both branches have slope 0 at 0
    Case(
        "where",
        lambda x: ad.where(x > 0, x**2, x**3),
        lambda x: (np.where(x > 0, 2 * x, 3 * x**2),),
        ((-2.0, 2.0),),
        smooth2=False,
    ),
    Case(
        "deep_composition",
        lambda x, y: ad.tanh(ad.sigmoid(ad.sin(x) * y) + ad.exp(-x * x) * ad.cos(y)),
        None,
        ((-2.0, 2.0), (-2.0, 2.0)),
    ),
]

_A = np.array([[1.0, -2.0, 0.5, 3.0], [0.0, 1.5, -1.0, 2.0], [2.0, 0.25, 1.0, -0.5]])
_OFFSET = 10.0 * np.arange(6.0).reshape(2, 3)
_ROW_OFFSET = np.array([[0.0, 10.0, 0.0], [10.0, 0.0, 10.0]])  # no ties in max(axis=0)
_C = np.arange(6.0).reshape(3, 2) - 2.5
_W = np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.25]])
_MASK = np.array([[True, False, True], [False, True, True]])


def _softmax(x: Array) -> Array:
    e = np.exp(x - x.max())
    return np.asarray(e / e.sum(), dtype=np.float64)


def _rosenbrock(x: Any) -> Any:
    return ad.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def _rosenbrock_grad(x: Array) -> tuple[Array]:
    g = np.zeros_like(x)
    g[:-1] = -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 200 * (x[1:] - x[:-1] ** 2)
    return (g,)


def _matmul_tanh_grad(x: Array, w: Array) -> tuple[Array, Array]:
    g = 1 - np.tanh(x @ w) ** 2
    return g @ w.T, x.T @ g


# Offsets 10 apart in a random order: with x in [-2, 2] the maximum of x + offset over
# any axes is where the offset is largest, so the gradient is a known one-hot mask.
_OFFSET_3D = 10.0 * np.random.default_rng(3).permutation(24).reshape(2, 3, 4)
_OFFSET_4D = 10.0 * np.random.default_rng(4).permutation(120).reshape(2, 3, 4, 5)
_W_3D = np.arange(1.0, 13.0).reshape(3, 4)
_W_4D = np.arange(1.0, 9.0).reshape(2, 4)
_W_TRANSPOSED = np.arange(24.0).reshape(4, 2, 3) - 11.5


def _max_mask(offset: Any, axis: int | tuple[int, ...]) -> Array:
    return np.asarray(offset == offset.max(axis=axis, keepdims=True), dtype=np.float64)


def _max_offset_grad(x: Array) -> tuple[Array]:
    g = np.zeros_like(x)
    g[1, 2] = np.cos(x[1, 2])
    return (g,)


STRUCTURAL: list[Case] = [
    Case(
        "sum_of_squares",
        lambda x: ad.sum(x * x),
        lambda x: (2 * x,),
        ((-2.0, 2.0),),
        ((2, 3),),
    ),
    Case(
        "mean_of_cubes",
        lambda x: x.mean() + ad.mean(x**3),
        lambda x: (np.full_like(x, 1 / x.size) + 3 * x**2 / x.size,),
        ((-2.0, 2.0),),
        ((4,),),
    ),
    Case(
        "max_with_offset",
        lambda x: ad.max(ad.sin(x) + _OFFSET),
        _max_offset_grad,
        ((-2.0, 2.0),),
        ((2, 3),),
    ),
    Case(
        "max_over_axis",
        lambda x: ad.sum((x + _ROW_OFFSET).max(axis=0) * np.array([1.0, 2.0, 3.0])),
        lambda x: (np.array([[0.0, 2.0, 0.0], [1.0, 0.0, 3.0]]),),
        ((-2.0, 2.0),),
        ((2, 3),),
    ),
    Case(
        # a leading axis of a 3-D array (not only the last axis of a matrix)
        "max_over_leading_axis_3d",
        lambda x: ad.sum(ad.max(x + _OFFSET_3D, axis=0) * _W_3D),
        lambda x: (_max_mask(_OFFSET_3D, 0) * _W_3D,),
        ((-2.0, 2.0),),
        ((2, 3, 4),),
    ),
    Case(
        # a tuple of axes of a 4-D array, given out of order
        "max_over_axes_4d",
        lambda x: ad.sum((x + _OFFSET_4D).max(axis=(3, 1)) * _W_4D),
        lambda x: (_max_mask(_OFFSET_4D, (1, 3)) * _W_4D[:, None, :, None],),
        ((-2.0, 2.0),),
        ((2, 3, 4, 5),),
    ),
    Case(
        # axes that count from the end: the gradient is the weights permuted back
        "transpose_negative_axes",
        lambda x: ad.sum(ad.transpose(x, (-1, 0, 1)) ** 2 * _W_TRANSPOSED),
        lambda x: (2 * x * np.transpose(_W_TRANSPOSED, (1, 2, 0)),),
        ((-2.0, 2.0),),
        ((2, 3, 4),),
    ),
    Case(
        "quadratic_form",
        lambda x: ad.sum(ad.matmul(_A, x) ** 2),
        lambda x: (2 * _A.T @ _A @ x,),
        ((-2.0, 2.0),),
        ((4,),),
    ),
    Case(
        "matmul_tanh",
        lambda x, w: ad.sum(ad.tanh(x @ w)),
        _matmul_tanh_grad,
        ((-1.0, 1.0), (-1.0, 1.0)),
        ((2, 3), (3, 4)),
    ),
    Case(
        "dot",
        ad.matmul,
        lambda x, y: (y, x),
        ((-2.0, 2.0), (-2.0, 2.0)),
        ((3,), (3,)),
    ),
    Case(
        "indexing",
        lambda x: x[0] * x[2] + ad.sum(x[1:] ** 2),
        lambda x: (np.array([x[2], 2 * x[1], x[0] + 2 * x[2], 2 * x[3]]),),
        ((-2.0, 2.0),),
        ((4,),),
    ),
    Case("rosenbrock", _rosenbrock, _rosenbrock_grad, ((-1.5, 1.5),), ((4,),)),
    Case(
        "broadcast_row",
        lambda x, y: ad.sum(x * y + y),
        lambda x, y: (np.broadcast_to(y, x.shape).copy(), x.sum(axis=0) + 2),
        ((-2.0, 2.0), (-2.0, 2.0)),
        ((2, 3), (3,)),
    ),
    Case(
        "broadcast_outer",
        lambda x, y: ad.sum(ad.sin(x + y)),
        lambda x, y: (
            np.cos(x + y).sum(axis=1, keepdims=True),
            np.cos(x + y).sum(axis=0),
        ),
        ((-2.0, 2.0), (-2.0, 2.0)),
        ((2, 1), (3,)),
    ),
    Case(
        "gram",
        lambda x: ad.sum(x.T @ x),
        lambda x: (2 * np.broadcast_to(x.sum(axis=1, keepdims=True), x.shape),),
        ((-2.0, 2.0),),
        ((2, 3),),
    ),
    Case(
        "reshape",
        lambda x: ad.sum(x.reshape(3, 2) * _C),
        lambda x: (_C.reshape(2, 3).copy(),),
        ((-2.0, 2.0),),
        ((2, 3),),
    ),
    Case(
        "logsumexp",
        lambda x: ad.log(ad.sum(ad.exp(x))),
        lambda x: (_softmax(x),),
        ((-3.0, 3.0),),
        ((5,),),
    ),
    Case(
        "stack",
        lambda x: ad.sum(ad.stack([x, x**2], axis=1) * _W),
        lambda x: (_W[:, 0] + 2 * x * _W[:, 1],),
        ((-2.0, 2.0),),
        ((3,),),
    ),
    Case(
        "where_mask",
        lambda x, y: ad.sum(ad.where(_MASK, x * y, x + y)),
        lambda x, y: (np.where(_MASK, y, 1.0), np.where(_MASK, x, 1.0)),
        ((-2.0, 2.0), (-2.0, 2.0)),
        ((2, 3), (2, 3)),
    ),
    Case(
        "broadcast_to",
        lambda x: ad.sum(ad.broadcast_to(x, (2, 3)) * _C.reshape(2, 3)),
        lambda x: (_C.reshape(2, 3).sum(axis=0),),
        ((-2.0, 2.0),),
        ((3,),),
    ),
    Case(
        "mlp",
        lambda x, w1, w2: ad.mean(ad.tanh(x @ w1) @ w2),
        None,
        ((-1.0, 1.0), (-1.0, 1.0), (-1.0, 1.0)),
        ((2, 3), (3, 4), (4,)),
    ),
]

CATALOGUE: list[Case] = ELEMENTWISE + STRUCTURAL


def analytic_gradient(case: Case, args: Sequence[Any]) -> tuple[Array, ...]:
    """The analytic gradient of ``case.scalar`` at ``args``, one array per argument."""
    assert case.grad is not None
    arrays = [as_array(a) for a in args]
    partials = case.grad(*arrays)
    if not case.elementwise:
        return tuple(np.asarray(p, dtype=np.float64) for p in partials)
    out_shape = np.broadcast_shapes(*(a.shape for a in arrays))
    return tuple(
        unbroadcast(np.broadcast_to(np.asarray(p, dtype=np.float64), out_shape), a.shape)
        for p, a in zip(partials, arrays, strict=True)
    )


# --------------------------------------------------------------------------------------
# Instances: a case with concrete argument shapes.

_BROADCAST_SHAPES: dict[int, list[tuple[Shape, ...]]] = {
    2: [((2, 3), (3,)), ((2, 1), (3,)), ((), (2, 3))],
    3: [((2, 3), (3,), (2, 1)), ((), (2, 3), ())],
}


@dataclass(frozen=True)
class Instance:
    """A catalogue case at concrete shapes, with a reproducible sample of inputs."""

    case: Case
    shapes: tuple[Shape, ...]
    kind: str

    @property
    def id(self) -> str:
        return f"{self.case.name}-{self.kind}"

    def sample(self, seed: int = 0) -> list[Any]:
        """Arguments drawn uniformly from the case's domain (floats for scalars)."""
        rng = np.random.default_rng([seed, zlib.crc32(self.case.name.encode())])
        args: list[Any] = []
        for (lo, hi), shape in zip(self.case.domain, self.shapes, strict=True):
            x = rng.uniform(lo, hi, size=shape)
            args.append(float(x) if shape == () else x)
        return args


def instances(cases: Sequence[Case] = CATALOGUE) -> list[Instance]:
    """Every case on scalars and arrays; binary and ternary ones also broadcast."""
    out = []
    for case in cases:
        if case.shapes is not None:
            out.append(Instance(case, case.shapes, "fixed"))
            continue
        out.append(Instance(case, ((),) * case.arity, "scalar"))
        out.append(Instance(case, ((2, 3),) * case.arity, "array"))
        for k, shapes in enumerate(_BROADCAST_SHAPES.get(case.arity, [])):
            out.append(Instance(case, shapes, f"broadcast{k}"))
    return out


# --------------------------------------------------------------------------------------
# The elementwise functions with NumPy references for their values and derivatives.


@dataclass(frozen=True)
class Unary:
    """An elementwise function: its NumPy value and derivative, and a safe point set."""

    name: str
    value: Callable[[Array], Array]
    derivative: Callable[[Array], Array]
    points: tuple[float, ...]


def _np_sigmoid(x: Array) -> Array:
    return np.asarray(1 / (1 + np.exp(-x)), dtype=np.float64)


UNARY: list[Unary] = [
    Unary("sin", np.sin, np.cos, (-1.3, 0.4, 2.5)),
    Unary("cos", np.cos, lambda x: -np.sin(x), (-1.3, 0.4, 2.5)),
    Unary("tan", np.tan, lambda x: 1 / np.cos(x) ** 2, (-1.2, 0.4, 1.1)),
    Unary("exp", np.exp, np.exp, (-1.3, 0.4, 2.5)),
    Unary("log", np.log, lambda x: 1 / x, (0.3, 1.0, 2.5)),
    Unary("sqrt", np.sqrt, lambda x: 0.5 / np.sqrt(x), (0.3, 1.0, 2.5)),
    Unary("tanh", np.tanh, lambda x: 1 - np.tanh(x) ** 2, (-1.3, 0.4, 2.5)),
    Unary(
        "sigmoid",
        _np_sigmoid,
        lambda x: _np_sigmoid(x) * (1 - _np_sigmoid(x)),
        (-1.3, 0.4, 2.5),
    ),
    Unary(
        "relu",
        lambda x: np.maximum(x, 0.0),
        lambda x: np.where(x > 0, 1.0, 0.0),
        (-1.3, 0.4, 2.5),
    ),
    Unary("abs", np.abs, np.sign, (-1.3, 0.4, 2.5)),
]
