"""Elementwise primitives: arithmetic, the elementary functions, ``maximum``, ``where``.

Each row gives its local partial derivatives, right above it, and both modes use them.
Operands broadcast together as in NumPy. A public function follows each row.
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import Any, TypeVar

import numpy as np

from autodiff._types import Operand
from autodiff.dispatch import implements
from autodiff.primitive import (
    Rule,
    align,
    apply,
    binary,
    exponent,
    minus_one,
    number_in,
    one,
    row,
    scalar_result,
    unary,
    unbroadcast,
    zero,
)
from autodiff.tracer import Tracer
from autodiff.values import raw, shape_of

__all__ = [
    "abs",
    "add",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "ceil",
    "clip",
    "cos",
    "cosh",
    "divide",
    "exp",
    "exp2",
    "expm1",
    "floor",
    "hypot",
    "log",
    "log1p",
    "log2",
    "log10",
    "logaddexp",
    "maximum",
    "minimum",
    "mod",
    "multiply",
    "negative",
    "power",
    "relu",
    "round",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "softplus",
    "sqrt",
    "square",
    "subtract",
    "tan",
    "tanh",
    "where",
]

#: A float, an array or a tracer: elementwise functions return what they are given.
T = TypeVar("T", bound="float | np.ndarray[Any, Any] | Tracer")


# -- arithmetic ------------------------------------------------------------------------

add_p = binary("add", operator.add, d=(one, one), show=("{0} + {1}", ("1", "1")))


@implements(np.add, operators=("__add__", "__radd__"), fast=add_p)
def add(x: Operand, y: Operand) -> Any:
    """``x + y``, elementwise with broadcasting.

    >>> add(1.0, 2.0)
    3.0
    """
    return apply(add_p, x, y)


sub_p = binary("sub", operator.sub, d=(one, minus_one), show=("{0} − {1}", ("1", "−1")))


@implements(np.subtract, operators=("__sub__", "__rsub__"), fast=sub_p)
def subtract(x: Operand, y: Operand) -> Any:
    """``x - y``, elementwise with broadcasting.

    >>> subtract(1.0, 2.0)
    -1.0
    """
    return apply(sub_p, x, y)


mul_p = binary(
    "mul",
    operator.mul,
    d=(lambda out, x, y: y, lambda out, x, y: x),
    show=("{0} × {1}", ("{1}", "{0}")),
)


@implements(np.multiply, operators=("__mul__", "__rmul__"), fast=mul_p)
def multiply(x: Operand, y: Operand) -> Any:
    """``x * y``, elementwise with broadcasting.

    >>> multiply(3.0, 2.0)
    6.0
    """
    return apply(mul_p, x, y)


def _div_impl(x: Any, y: Any) -> Any:
    try:
        return x / y
    except ZeroDivisionError:
        return float(np.float64(x) / y)


def _div_partial_numerator(out: Any, x: Any, y: Any) -> Any:
    return divide(1.0, y)


def _div_partial_denominator(out: Any, x: Any, y: Any) -> Any:
    return divide(-out, y)


div_p = binary(
    "div",
    _div_impl,
    d=(_div_partial_numerator, _div_partial_denominator),
    show=("{0} / {1}", ("1 / {1}", "−{0} / {1}²")),
)


@implements(np.true_divide, operators=("__truediv__", "__rtruediv__"), fast=div_p)
def divide(x: Operand, y: Operand) -> Any:
    """``x / y``, elementwise. Division by zero gives ``inf`` or ``nan`` as in NumPy.

    >>> divide(1.0, 4.0)
    0.25
    """
    return apply(div_p, x, y)


def _pow_impl(x: Any, y: Any) -> Any:
    if isinstance(x, float | int) and isinstance(y, float | int):
        try:
            return math.pow(x, y)
        except (ValueError, OverflowError, ZeroDivisionError):
            return float(np.power(np.float64(x), y))
    return scalar_result(np.power(x, y))


def _pow_partial_base(out: Any, x: Any, y: Any) -> Any:
    """∂(x^y)/∂x = y x^(y-1), taken as 0 where y = 0 (x^0 is the constant 1), even at x = 0.

    (PyTorch's rule; ``y · x^(y-1)`` would be ``0 · inf = nan`` there.) The operand of the
    unselected branch is replaced too, so no nan comes back through it at second order.
    """
    if y.__class__ is float or y.__class__ is int:
        return 0.0 * x if y == 0 else y * power(x, y - 1)
    zero = np.equal(raw(y), 0)
    if not np.any(zero):
        return y * power(x, y - 1)
    return where(zero, 0.0, y * power(where(zero, 1.0, x), y - 1))


def _pow_partial_exponent(out: Any, x: Any, y: Any) -> Any:
    """∂(x^y)/∂y = x^y ln x, taken as 0 where x = 0 and y >= 0 (the limit; PyTorch's rule)."""
    zero = np.equal(raw(x), 0)
    if not np.any(zero):
        return out * log(x)
    zero = zero & np.greater_equal(raw(y), 0)
    return where(zero, 0.0, out * log(where(zero, 1.0, x)))


def _power_display(x: str, y: str) -> str:
    n = number_in(y)
    return f"{x}^{y}" if n is None else x + exponent(n)


def _power_partial_display(x: str, y: str) -> str:
    n = number_in(y)
    if n is None:
        return f"{y} × {x}^({y} − 1)"
    if n == 2:
        return f"2 × {x}"
    return f"{y} × {x}{exponent(n - 1)}"


pow_p = binary(
    "pow",
    _pow_impl,
    d=(_pow_partial_base, _pow_partial_exponent),
    show=(
        _power_display,
        (_power_partial_display, lambda x, y: f"{_power_display(x, y)} × ln {x}"),
    ),
)


@implements(np.power, operators=("__pow__", "__rpow__"), fast=pow_p)
def power(x: Operand, y: Operand) -> Any:
    """``x ** y``, elementwise; the exponent may be a number, an array or traced.

    ``x ** 0`` is the constant 1, so its derivatives are 0, even at ``x = 0`` (PyTorch's
    first derivative; PyTorch and JAX give nan for the second). ``∂(x ** y)/∂y`` is
    0 where ``x = 0`` and ``y >= 0``, as in PyTorch and JAX.

    >>> power(2.0, 3)
    8.0
    """
    return apply(pow_p, x, y)


neg_p = unary("neg", operator.neg, d=minus_one, show=("−{0}", "−1"))


@implements(np.negative, method="__neg__", fast=neg_p)
def negative(x: T) -> T:
    """``-x``.

    >>> negative(2.0)
    -2.0
    """
    return apply(neg_p, x)  # type: ignore[no-any-return]


# -- the elementary functions -----------------------------------------------------------


def _sin_partial(out: Any, x: Any) -> Any:
    return cos(x)


sin_p = unary("sin", np.sin, fast=math.sin, d=_sin_partial, show=("sin {0}", "cos {0}"))


@implements(np.sin, method="sin", fast=sin_p)
def sin(x: T) -> T:
    """Sine, elementwise. Derivative: ``cos x``.

    >>> from autodiff import Dual
    >>> sin(Dual(0.0, 1.0))
    Dual(value=0.0, tangent=1.0)
    """
    return apply(sin_p, x)  # type: ignore[no-any-return]


cos_p = unary("cos", np.cos, fast=math.cos, d=lambda out, x: -sin(x), show=("cos {0}", "−sin {0}"))


@implements(np.cos, method="cos", fast=cos_p)
def cos(x: T) -> T:
    """Cosine, elementwise. Derivative: ``-sin x``.

    >>> cos(0.0)
    1.0
    """
    return apply(cos_p, x)  # type: ignore[no-any-return]


tan_p = unary(
    "tan",
    np.tan,
    fast=math.tan,
    d=lambda out, x: 1.0 + out * out,
    show=("tan {0}", "1 + tan² {0}"),
)


@implements(np.tan, method="tan", fast=tan_p)
def tan(x: T) -> T:
    """Tangent, elementwise. Derivative: ``1 + tan² x``.

    >>> tan(0.0)
    0.0
    """
    return apply(tan_p, x)  # type: ignore[no-any-return]


exp_p = unary("exp", np.exp, fast=math.exp, d=lambda out, x: out, show=("exp {0}", "exp {0}"))


@implements(np.exp, method="exp", fast=exp_p)
def exp(x: T) -> T:
    """Exponential, elementwise. Derivative: ``exp x``.

    >>> exp(0.0)
    1.0
    """
    return apply(exp_p, x)  # type: ignore[no-any-return]


log_p = unary(
    "log", np.log, fast=math.log, d=lambda out, x: divide(1.0, x), show=("ln {0}", "1 / {0}")
)


@implements(np.log, method="log", fast=log_p)
def log(x: T) -> T:
    """Natural logarithm, elementwise. Derivative: ``1 / x``.

    Follows NumPy for ``x <= 0``: ``nan`` or ``-inf`` with a ``RuntimeWarning``.

    >>> log(1.0)
    0.0
    """
    return apply(log_p, x)  # type: ignore[no-any-return]


sqrt_p = unary(
    "sqrt",
    np.sqrt,
    fast=math.sqrt,
    d=lambda out, x: divide(0.5, out),
    show=("√{0}", "1 / (2 √{0})"),
)


@implements(np.sqrt, method="sqrt", fast=sqrt_p)
def sqrt(x: T) -> T:
    """Square root, elementwise. Derivative: ``1 / (2 sqrt x)``.

    >>> sqrt(9.0)
    3.0
    """
    return apply(sqrt_p, x)  # type: ignore[no-any-return]


tanh_p = unary(
    "tanh",
    np.tanh,
    fast=math.tanh,
    d=lambda out, x: 1.0 - out * out,
    show=("tanh {0}", "1 − tanh² {0}"),
)


@implements(np.tanh, method="tanh", fast=tanh_p)
def tanh(x: T) -> T:
    """Hyperbolic tangent, elementwise. Derivative: ``1 - tanh² x``.

    >>> tanh(0.0)
    0.0
    """
    return apply(tanh_p, x)  # type: ignore[no-any-return]


def _sigmoid_impl(x: Any) -> Any:
    if x.__class__ is float or x.__class__ is int:
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    return scalar_result(np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=np.float64))))


sigmoid_p = unary(
    "sigmoid",
    _sigmoid_impl,
    d=lambda out, x: out * (1.0 - out),
    show=("σ({0})", "σ({0}) (1 − σ({0}))"),
)


@implements(method="sigmoid", fast=sigmoid_p)
def sigmoid(x: T) -> T:
    """The logistic function ``1 / (1 + exp(-x))``, computed stably for any ``x``.

    >>> sigmoid(0.0)
    0.5
    """
    return apply(sigmoid_p, x)  # type: ignore[no-any-return]


# -- kinks: the derivative at the kink is a choice, stated in each docstring -----------


def _relu_impl(x: Any) -> Any:
    if x.__class__ is float or x.__class__ is int:
        return x if x > 0 else 0.0
    return scalar_result(np.maximum(x, 0.0))


def _step(x: Any) -> Any:
    """1 where x > 0, else 0 (the derivative of relu, with relu'(0) = 0): a constant."""
    if x.__class__ is float:
        return 1.0 if x > 0 else 0.0
    x = raw(x)
    if isinstance(x, np.ndarray):
        return (x > 0).astype(np.float64)
    return 1.0 if x > 0 else 0.0


relu_p = unary("relu", _relu_impl, d=lambda out, x: _step(x), show=("relu {0}", "[{0} > 0]"))


@implements(method="relu", fast=relu_p)
def relu(x: T) -> T:
    """``max(x, 0)``, elementwise; its derivative at 0 is taken to be 0.

    >>> relu(-2.0), relu(3.0)
    (0.0, 3.0)
    """
    return apply(relu_p, x)  # type: ignore[no-any-return]


def _abs_impl(x: Any) -> Any:
    if x.__class__ is float or x.__class__ is int:
        return builtins.abs(float(x))
    return scalar_result(np.abs(x))


def _sign(x: Any) -> Any:
    """The sign of x as a constant (0 at 0)."""
    x = raw(x)
    if isinstance(x, np.ndarray):
        return np.sign(x)
    return float(np.sign(x))


abs_p = unary("abs", _abs_impl, d=lambda out, x: _sign(x), show=("|{0}|", "sign {0}"))


@implements(np.absolute, method=("abs", "__abs__"), fast=abs_p)
def abs(x: T) -> T:
    """Absolute value, elementwise; its derivative at 0 is taken to be 0.

    That is PyTorch's choice (``sign(0) = 0``); JAX takes 1.

    >>> abs(-2.0)
    2.0
    """
    return apply(abs_p, x)  # type: ignore[no-any-return]


def _share(x: Any, y: Any) -> Any:
    """∂ max(x, y)/∂x: 1 where x > y, 1/2 at ties (as JAX and PyTorch), else 0."""
    x, y = raw(x), raw(y)
    return scalar_result(np.where(np.greater(x, y), 1.0, np.where(np.equal(x, y), 0.5, 0.0)))


maximum_p = binary(
    "maximum",
    lambda x, y: scalar_result(np.maximum(x, y)),
    d=(lambda out, x, y: _share(x, y), lambda out, x, y: _share(y, x)),
    show=(
        "max({0}, {1})",
        ("[{0} > {1}] + ½ [{0} = {1}]", "[{1} > {0}] + ½ [{0} = {1}]"),
    ),
)


@implements(np.maximum)
def maximum(x: Operand, y: Operand) -> Any:
    """Elementwise maximum; at ties the gradient is shared equally, as in JAX and PyTorch.

    Against a nan, ``x`` gets no gradient, as in JAX (PyTorch's reverse mode gives it all of it).

    >>> maximum(1.0, 2.0)
    2.0
    """
    return apply(maximum_p, x, y)


minimum_p = binary(
    "minimum",
    lambda x, y: scalar_result(np.minimum(x, y)),
    d=(lambda out, x, y: _share(y, x), lambda out, x, y: _share(x, y)),
    show=(
        "min({0}, {1})",
        ("[{0} < {1}] + ½ [{0} = {1}]", "[{1} < {0}] + ½ [{0} = {1}]"),
    ),
)


@implements(np.minimum)
def minimum(x: Operand, y: Operand) -> Any:
    """Elementwise minimum; at ties the gradient is shared equally, as in JAX and PyTorch.

    Against a nan, ``x`` gets no gradient, as in JAX (PyTorch's reverse mode gives it all of it).

    >>> minimum(1.0, 2.0)
    1.0
    """
    return apply(minimum_p, x, y)


# -- where: the condition is not differentiated ---------------------------------------


def _where_jvp(i: int) -> Rule:
    """The tangent of ``where(c, x, y)`` from operand ``i`` (1 for x, 2 for y): selected.

    Selected, not multiplied by a 0/1 mask: a nan or inf tangent of the branch that is
    not taken stays out (``0 · nan`` would be nan), as in PyTorch's and JAX's forward mode.
    """

    def rule(t: Any, out: Any, c: Any, x: Any, y: Any) -> Any:
        picked = where(c, t, 0.0) if i == 1 else where(c, 0.0, t)
        shape = shape_of(out)
        return picked if shape_of(picked) == shape else broadcast_to(picked, shape)

    return rule


def _where_vjp(i: int) -> Rule:
    def rule(g: Any, out: Any, c: Any, x: Any, y: Any) -> Any:
        picked = where(c, g, 0.0) if i == 1 else where(c, 0.0, g)
        return unbroadcast(picked, shape_of(x if i == 1 else y))

    return rule


def _where_bjvp(i: int) -> Rule:
    def rule(t: Any, out: Any, c: Any, x: Any, y: Any) -> Any:
        t = align(t, len(shape_of(out)))
        picked = where(c, t, 0.0) if i == 1 else where(c, 0.0, t)
        shape = (shape_of(t)[0], *shape_of(out))
        return picked if shape_of(picked) == shape else broadcast_to(picked, shape)

    return rule


where_p = row(
    "where",
    lambda c, x, y: scalar_result(np.where(c, x, y)),
    jvps=(None, _where_jvp(1), _where_jvp(2)),
    vjps=(None, _where_vjp(1), _where_vjp(2)),
    batched_jvps=(None, _where_bjvp(1), _where_bjvp(2)),
    display="where({0}, {1}, {2})",
    partial_display=("", "[{0}]", "[not {0}]"),
)


@implements(np.where)
def where(condition: Any, x: Operand, y: Operand) -> Any:
    """``x`` where ``condition`` holds, else ``y``; the condition is not differentiated.

    The derivative is selected from the branch taken, so in forward mode a nan or inf
    derivative of the other branch does not leak in, as in PyTorch and JAX. In reverse
    mode the branch not taken gets a zero cotangent, and its own rules may still turn
    ``0 · inf`` into nan (``where(x > 0, log(x), 0)`` at ``x = 0``), as in PyTorch and
    JAX: to avoid it, keep the other branch's input finite, ``log(where(x > 0, x, 1))``.

    >>> import numpy as np
    >>> where(np.array([True, False]), 1.0, 2.0)
    array([1., 2.])
    """
    return apply(where_p, raw(condition), x, y)


# -- logaddexp ----------------------------------------------------------------------------

logaddexp_p = binary(
    "logaddexp",
    np.logaddexp,
    # ∂/∂x = e^x / (e^x + e^y) = σ(x - y): also right where x or y is infinite (e^(x - out)
    # would be e^(inf - inf) = nan at logaddexp(inf, 0)).
    d=(lambda out, x, y: sigmoid(x - y), lambda out, x, y: sigmoid(y - x)),
    show=("ln(e^{0} + e^{1})", ("e^{0} / (e^{0} + e^{1})", "e^{1} / (e^{0} + e^{1})")),
)


@implements(np.logaddexp)
def logaddexp(x: Operand, y: Operand) -> Any:
    """``log(exp(x) + exp(y))``, elementwise, computed without overflow for any ``x, y``.

    Its partial derivatives are ``exp(x - out)`` and ``exp(y - out)``, the softmax
    weights of ``x`` and ``y``, computed as ``sigmoid(x - y)`` and ``sigmoid(y - x)``;
    ``logaddexp(0, z)`` is the softplus ``log(1 + e^z)``, whose derivative is
    ``sigmoid(z)``. At an infinite operand they are the limits (1 for
    ``logaddexp(inf, 0)``, as in PyTorch and JAX; 0 for the 0 of ``logaddexp(0, inf)``, as
    in PyTorch, where JAX gives 1); with both operands infinite they are nan, as in
    PyTorch.

    >>> logaddexp(0.0, 0.0)  # doctest: +NUMBER
    0.693
    >>> logaddexp(0.0, 1000.0)
    1000.0
    """
    return apply(logaddexp_p, x, y)


# -- more of NumPy's elementary functions ---------------------------------------------

square_p = unary(
    "square",
    np.square,
    fast=lambda x: float(x) * x,
    d=lambda out, x: 2.0 * x,
    show=("{0}²", "2 × {0}"),
)


@implements(np.square, fast=square_p)
def square(x: T) -> T:
    """``x²``, elementwise. Derivative: ``2 x``.

    >>> square(-3.0)
    9.0
    """
    return apply(square_p, x)  # type: ignore[no-any-return]


def _sinh_partial(out: Any, x: Any) -> Any:
    return cosh(x)


sinh_p = unary("sinh", np.sinh, fast=math.sinh, d=_sinh_partial, show=("sinh {0}", "cosh {0}"))


@implements(np.sinh, fast=sinh_p)
def sinh(x: T) -> T:
    """Hyperbolic sine, elementwise. Derivative: ``cosh x``.

    >>> sinh(0.0)
    0.0
    """
    return apply(sinh_p, x)  # type: ignore[no-any-return]


def _cosh_partial(out: Any, x: Any) -> Any:
    return sinh(x)


cosh_p = unary("cosh", np.cosh, fast=math.cosh, d=_cosh_partial, show=("cosh {0}", "sinh {0}"))


@implements(np.cosh, fast=cosh_p)
def cosh(x: T) -> T:
    """Hyperbolic cosine, elementwise. Derivative: ``sinh x``.

    >>> cosh(0.0)
    1.0
    """
    return apply(cosh_p, x)  # type: ignore[no-any-return]


def _arcsin_partial(out: Any, x: Any) -> Any:
    """1 / √(1 − x²), written √((1 − x)(1 + x)): no cancellation near ±1."""
    return divide(1.0, sqrt((1.0 - x) * (1.0 + x)))


arcsin_p = unary(
    "arcsin", np.arcsin, fast=math.asin, d=_arcsin_partial, show=("arcsin {0}", "1 / √(1 − {0}²)")
)


@implements(np.arcsin, fast=arcsin_p)
def arcsin(x: T) -> T:
    """Inverse sine, elementwise. Derivative: ``1 / sqrt(1 - x²)``, ``inf`` at ``x = ±1``.

    Outside ``[-1, 1]`` it is ``nan`` with a ``RuntimeWarning``, as in NumPy.

    >>> arcsin(0.0)
    0.0
    """
    return apply(arcsin_p, x)  # type: ignore[no-any-return]


arccos_p = unary(
    "arccos",
    np.arccos,
    fast=math.acos,
    d=lambda out, x: -_arcsin_partial(out, x),
    show=("arccos {0}", "−1 / √(1 − {0}²)"),
)


@implements(np.arccos, fast=arccos_p)
def arccos(x: T) -> T:
    """Inverse cosine, elementwise. Derivative: ``-1 / sqrt(1 - x²)``, ``-inf`` at ``x = ±1``.

    >>> arccos(1.0)
    0.0
    """
    return apply(arccos_p, x)  # type: ignore[no-any-return]


arctan_p = unary(
    "arctan",
    np.arctan,
    fast=math.atan,
    d=lambda out, x: divide(1.0, 1.0 + x * x),
    show=("arctan {0}", "1 / (1 + {0}²)"),
)


@implements(np.arctan, fast=arctan_p)
def arctan(x: T) -> T:
    """Inverse tangent, elementwise. Derivative: ``1 / (1 + x²)``.

    >>> arctan(0.0)
    0.0
    """
    return apply(arctan_p, x)  # type: ignore[no-any-return]


def _arcsinh_partial(out: Any, x: Any) -> Any:
    """1 / √(x² + 1) as 1 / hypot(x, 1): no overflow of x² for large |x|."""
    return divide(1.0, hypot(x, 1.0))


arcsinh_p = unary(
    "arcsinh",
    np.arcsinh,
    fast=math.asinh,
    d=_arcsinh_partial,
    show=("arsinh {0}", "1 / √({0}² + 1)"),
)


@implements(np.arcsinh, fast=arcsinh_p)
def arcsinh(x: T) -> T:
    """Inverse hyperbolic sine, elementwise. Derivative: ``1 / sqrt(x² + 1)``.

    >>> arcsinh(0.0)
    0.0
    """
    return apply(arcsinh_p, x)  # type: ignore[no-any-return]


arccosh_p = unary(
    "arccosh",
    np.arccosh,
    fast=math.acosh,
    # 1 / √(x² − 1) as 1 / (√(x − 1) √(x + 1)): no cancellation near 1, no overflow.
    d=lambda out, x: divide(1.0, sqrt(x - 1.0) * sqrt(x + 1.0)),
    show=("arcosh {0}", "1 / √({0}² − 1)"),
)


@implements(np.arccosh, fast=arccosh_p)
def arccosh(x: T) -> T:
    """Inverse hyperbolic cosine, elementwise, for ``x >= 1``. Derivative:
    ``1 / sqrt(x² - 1)``, ``inf`` at ``x = 1``.

    >>> arccosh(1.0)
    0.0
    """
    return apply(arccosh_p, x)  # type: ignore[no-any-return]


arctanh_p = unary(
    "arctanh",
    np.arctanh,
    fast=math.atanh,
    d=lambda out, x: divide(1.0, (1.0 - x) * (1.0 + x)),
    show=("artanh {0}", "1 / (1 − {0}²)"),
)


@implements(np.arctanh, fast=arctanh_p)
def arctanh(x: T) -> T:
    """Inverse hyperbolic tangent, elementwise, for ``-1 <= x <= 1`` (``±inf`` at ``±1``).
    Derivative: ``1 / (1 - x²)``.

    >>> arctanh(0.0)
    0.0
    """
    return apply(arctanh_p, x)  # type: ignore[no-any-return]


log1p_p = unary(
    "log1p",
    np.log1p,
    fast=math.log1p,
    d=lambda out, x: divide(1.0, 1.0 + x),
    show=("ln(1 + {0})", "1 / (1 + {0})"),
)


@implements(np.log1p, fast=log1p_p)
def log1p(x: T) -> T:
    """``log(1 + x)``, elementwise, accurate for small ``x``. Derivative: ``1 / (1 + x)``.

    >>> log1p(1e-20)
    1e-20
    """
    return apply(log1p_p, x)  # type: ignore[no-any-return]


expm1_p = unary(
    "expm1",
    np.expm1,
    fast=math.expm1,
    # exp x, not out + 1, which loses exp x where x is very negative (out + 1 = 0).
    d=lambda out, x: exp(x),
    show=("exp {0} − 1", "exp {0}"),
)


@implements(np.expm1, fast=expm1_p)
def expm1(x: T) -> T:
    """``exp(x) - 1``, elementwise, accurate for small ``x``. Derivative: ``exp x``.

    >>> expm1(1e-20)
    1e-20
    """
    return apply(expm1_p, x)  # type: ignore[no-any-return]


_LN2 = math.log(2.0)
_LN10 = math.log(10.0)

log2_p = unary(
    "log2",
    np.log2,
    fast=math.log2,
    d=lambda out, x: divide(1.0 / _LN2, x),
    show=("log₂ {0}", "1 / ({0} ln 2)"),
)


@implements(np.log2, fast=log2_p)
def log2(x: T) -> T:
    """Base-2 logarithm, elementwise. Derivative: ``1 / (x ln 2)``.

    >>> log2(8.0)
    3.0
    """
    return apply(log2_p, x)  # type: ignore[no-any-return]


log10_p = unary(
    "log10",
    np.log10,
    fast=math.log10,
    d=lambda out, x: divide(1.0 / _LN10, x),
    show=("log₁₀ {0}", "1 / ({0} ln 10)"),
)


@implements(np.log10, fast=log10_p)
def log10(x: T) -> T:
    """Base-10 logarithm, elementwise. Derivative: ``1 / (x ln 10)``.

    >>> log10(100.0)
    2.0
    """
    return apply(log10_p, x)  # type: ignore[no-any-return]


exp2_p = unary(
    "exp2",
    np.exp2,
    fast=lambda x: math.pow(2.0, x),
    d=lambda out, x: out * _LN2,
    show=("2^{0}", "2^{0} ln 2"),
)


@implements(np.exp2, fast=exp2_p)
def exp2(x: T) -> T:
    """``2 ** x``, elementwise. Derivative: ``2^x ln 2``.

    >>> exp2(3.0)
    8.0
    """
    return apply(exp2_p, x)  # type: ignore[no-any-return]


def _softplus_impl(x: Any) -> Any:
    if x.__class__ is float or x.__class__ is int:
        if x > 0:
            return x + math.log1p(math.exp(-x))
        return math.log1p(math.exp(x))
    return scalar_result(np.logaddexp(0.0, x))


softplus_p = unary(
    "softplus",
    _softplus_impl,
    d=lambda out, x: sigmoid(x),
    show=("softplus {0}", "σ({0})"),
)


def softplus(x: T) -> T:
    """``log(1 + exp(x))``, elementwise, computed without overflow for any ``x``
    (``x + log(1 + exp(-x))`` for ``x > 0``). Derivative: ``sigmoid(x)``.

    NumPy has no softplus, so no NumPy function calls it; unlike PyTorch's
    ``softplus`` there is no threshold above which it turns into ``x``.

    >>> softplus(0.0)  # doctest: +NUMBER
    0.693
    >>> softplus(1000.0), softplus(-1000.0)
    (1000.0, 0.0)
    """
    return apply(softplus_p, x)  # type: ignore[no-any-return]


# -- two operands: hypot, arctan2, mod ------------------------------------------------


def _hypot_partial(i: int) -> Rule:
    """∂ hypot(x, y)/∂x = x / hypot(x, y) (y / hypot(x, y) for y), taken as 0 at (0, 0).

    0 is a subgradient there, as ``abs'(0) = 0`` (``hypot(x, 0) = |x|``) and as in
    ``torch.linalg.vector_norm``; the division by 1 in its place keeps the second
    derivatives at (0, 0) finite (0) too.
    """

    def rule(out: Any, x: Any, y: Any) -> Any:
        a = x if i == 0 else y
        origin = np.equal(raw(out), 0)
        if not np.any(origin):
            return divide(a, out)
        return where(origin, 0.0, divide(a, where(origin, 1.0, out)))

    return rule


hypot_p = binary(
    "hypot",
    np.hypot,
    d=(_hypot_partial(0), _hypot_partial(1)),
    show=("√({0}² + {1}²)", ("{0} / √({0}² + {1}²)", "{1} / √({0}² + {1}²)")),
)


@implements(np.hypot)
def hypot(x: Operand, y: Operand) -> Any:
    """``sqrt(x² + y²)``, elementwise, without overflow or underflow of the squares.

    Partial derivatives: ``x / hypot(x, y)`` and ``y / hypot(x, y)``. At ``(0, 0)``,
    where ``hypot`` has a cone's tip, they are taken to be 0, and so are the second
    derivatives: the subgradient 0, as ``abs'(0) = 0`` here and as PyTorch's
    ``torch.linalg.vector_norm`` takes it (``torch.hypot`` gives nan there, JAX's
    ``jnp.hypot`` ½ each).

    >>> hypot(3.0, 4.0)
    5.0
    """
    return apply(hypot_p, x, y)


def _arctan2_partial(i: int) -> Rule:
    """∂ arctan2(y, x)/∂y = x / (x² + y²) and ∂/∂x = −y / (x² + y²), as a / h / h with
    h = hypot(y, x) (no overflow or underflow of the squares); 0 at the origin.

    0 is PyTorch's first derivative there; the division by 1 in its place keeps the
    second derivatives at the origin finite (0) too.
    """

    def rule(out: Any, y: Any, x: Any) -> Any:
        a = x if i == 0 else -y
        origin = np.equal(raw(y), 0) & np.equal(raw(x), 0)
        if not np.any(origin):
            h = hypot(y, x)
            return divide(divide(a, h), h)
        h = where(origin, 1.0, hypot(y, x))
        return where(origin, 0.0, divide(divide(a, h), h))

    return rule


arctan2_p = binary(
    "arctan2",
    np.arctan2,
    d=(_arctan2_partial(0), _arctan2_partial(1)),
    show=("arctan2({0}, {1})", ("{1} / ({0}² + {1}²)", "−{0} / ({0}² + {1}²)")),
)


@implements(np.arctan2)
def arctan2(y: Operand, x: Operand) -> Any:
    """The angle of the point ``(x, y)``, in ``[-π, π]``, elementwise (note the order).

    Partial derivatives: ``x / (x² + y²)`` for ``y`` and ``-y / (x² + y²)`` for ``x``.
    At the origin, where the angle jumps, they are taken to be 0, as PyTorch takes them
    (JAX gives nan), and so are the second derivatives (nan in PyTorch and JAX). On the
    cut ``y = 0, x < 0`` they are the ones of the formula (continuous), as in both.

    >>> arctan2(1.0, 1.0)  # doctest: +NUMBER
    0.785
    """
    return apply(arctan2_p, y, x)


def _mod_partial_divisor(out: Any, x: Any, y: Any) -> Any:
    """∂(x mod y)/∂y = −⌊x / y⌋: a constant (the quotient is piecewise constant)."""
    return scalar_result(-np.floor_divide(raw(x), raw(y)))


mod_p = binary(
    "mod",
    np.mod,
    d=(one, _mod_partial_divisor),
    show=("{0} mod {1}", ("1", "−⌊{0} / {1}⌋")),
)


@implements(np.mod, operators=("__mod__", "__rmod__"), fast=mod_p)
def mod(x: Operand, y: Operand) -> Any:
    """The remainder of ``x / y`` with the sign of ``y``, elementwise: NumPy's ``mod``
    (``np.remainder``, Python's ``%``), ``x - floor(x / y) y``.

    Partial derivatives: 1 for ``x`` and ``-floor(x / y)`` for ``y`` (the quotient of
    ``np.floor_divide``), as in PyTorch's ``remainder``; at the jumps, where ``x / y``
    is an integer, they are the ones of the side the value is taken from. ``mod(x, 0)``
    is ``nan``, as in NumPy.

    >>> mod(-1.0, 3.0), mod(5.5, 2.0)
    (2.0, 1.5)
    """
    return apply(mod_p, x, y)


# -- piecewise constant: derivative 0 (the engines send zeros, never 0 · g) -------------

sign_p = unary("sign", np.sign, d=zero, show=("sign {0}", "0"))


@implements(np.sign)
def sign(x: T) -> T:
    """The sign of ``x`` (-1, 0 or 1; nan for nan), elementwise. Derivative: 0 everywhere,
    also at 0, as in PyTorch and JAX.

    >>> sign(-2.0), sign(0.0)
    (-1.0, 0.0)
    """
    return apply(sign_p, x)  # type: ignore[no-any-return]


floor_divide_p = binary(
    "floor_divide", np.floor_divide, d=(zero, zero), show=("⌊{0} / {1}⌋", ("0", "0"))
)


@implements(np.floor_divide, operators=("__floordiv__", "__rfloordiv__"), fast=floor_divide_p)
def floor_divide(x: Operand, y: Operand) -> Any:
    """``x // y``: the largest integer ``<= x / y``, as a float, elementwise (NumPy's
    ``floor_divide``, Python's ``//``). Derivatives: 0 everywhere, as in PyTorch and JAX.

    >>> floor_divide(7.0, 2.0), floor_divide(-7.0, 2.0)
    (3.0, -4.0)
    """
    return apply(floor_divide_p, x, y)


floor_p = unary("floor", np.floor, d=zero, show=("⌊{0}⌋", "0"))


@implements(np.floor)
def floor(x: T) -> T:
    """The largest integer ``<= x``, as a float, elementwise. Derivative: 0 everywhere,
    also at the integers, as in PyTorch and JAX.

    >>> floor(-1.5)
    -2.0
    """
    return apply(floor_p, x)  # type: ignore[no-any-return]


ceil_p = unary("ceil", np.ceil, d=zero, show=("⌈{0}⌉", "0"))


@implements(np.ceil)
def ceil(x: T) -> T:
    """The smallest integer ``>= x``, as a float, elementwise. Derivative: 0 everywhere,
    also at the integers, as in PyTorch and JAX.

    >>> ceil(-1.5)
    -1.0
    """
    return apply(ceil_p, x)  # type: ignore[no-any-return]


round_p = row(
    "round",
    lambda x, decimals=0: scalar_result(np.round(x, decimals)),
    partials=(zero,),
    display="round {0}",
    partial_display=("0",),
)


@implements(np.round, np.around, method="round")
def round(x: T, decimals: int = 0) -> T:
    """``x`` rounded to ``decimals`` decimals (negative: to tens, hundreds...), halves to
    even, elementwise, as NumPy's ``round``. Derivative: 0 everywhere, as in PyTorch and JAX.

    >>> round(2.5), round(3.5), round(1.234, 2)
    (2.0, 4.0, 1.23)
    """
    from autodiff._arguments import integer  # not at the top: it imports the tracer

    decimals = integer(decimals, "round", "decimals", low=-(2**31), example=0)
    return apply(round_p, x, decimals=decimals)  # type: ignore[no-any-return]


# -- clip -------------------------------------------------------------------------------


def _clip_masks(x: Any, lo: Any, hi: Any) -> tuple[Any, Any, Any]:
    """Where clip(x, lo, hi) = min(max(x, lo), hi) takes x, lo and hi, as 0/1 constants.

    x where lo <= x <= hi (bounds included, as PyTorch's clamp); hi where x > hi or
    lo > hi (then every value is hi, as in NumPy); lo where x < lo <= hi. A nan x is
    taken by none of them.
    """
    x, lo, hi = raw(x), raw(lo), raw(hi)
    to_hi = np.greater(x, hi) | np.greater(lo, hi)
    to_lo = np.less(x, lo) & ~to_hi
    inside = np.less_equal(lo, x) & np.less_equal(x, hi)
    return tuple(scalar_result(np.where(m, 1.0, 0.0)) for m in (inside, to_lo, to_hi))


clip_p = row(
    "clip",
    lambda x, lo, hi: scalar_result(np.clip(x, lo, hi)),
    partials=(
        lambda out, x, lo, hi: _clip_masks(x, lo, hi)[0],
        lambda out, x, lo, hi: _clip_masks(x, lo, hi)[1],
        lambda out, x, lo, hi: _clip_masks(x, lo, hi)[2],
    ),
    display="clip({0}, {1}, {2})",
    partial_display=("[{1} ≤ {0} ≤ {2}]", "[{0} < {1}]", "[{0} > {2}]"),
)


@implements(np.clip, method="clip")
def clip(
    x: Operand,
    a_min: Operand | None = None,
    a_max: Operand | None = None,
    *,
    min: Operand | None = None,
    max: Operand | None = None,
) -> Any:
    """``x`` limited to ``[a_min, a_max]``, elementwise, as NumPy's ``clip``: the bounds
    broadcast with ``x``, may be traced too, and ``None`` means no bound on that side.

    The derivative for ``x`` is 1 where ``a_min <= x <= a_max``, bounds included (as
    PyTorch's ``clamp``; JAX's ``clip`` passes ½ at a bound), and 0 outside, where the
    bound that is taken gets it. Where ``a_min > a_max`` every value is ``a_max``, as in
    NumPy, and so is the derivative.

    >>> import numpy as np
    >>> clip(np.array([-2.0, 0.5, 3.0]), 0.0, 1.0)
    array([0. , 0.5, 1. ])
    """
    if min is not None:
        if a_min is not None:
            raise TypeError("clip: give the lower bound once, as a_min or as min")
        a_min = min
    if max is not None:
        if a_max is not None:
            raise TypeError("clip: give the upper bound once, as a_max or as max")
        a_max = max
    lo = -math.inf if a_min is None else a_min
    hi = math.inf if a_max is None else a_max
    return apply(clip_p, x, lo, hi)


from autodiff.primitives.shape import broadcast_to  # noqa: E402  (the rules use it at run time)
