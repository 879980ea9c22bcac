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
    _scalar,
    align,
    apply,
    binary,
    exponent,
    minus_one,
    number_in,
    one,
    row,
    unary,
    unbroadcast,
)
from autodiff.tracer import Tracer
from autodiff.values import raw, shape_of

__all__ = [
    "abs",
    "add",
    "cos",
    "divide",
    "exp",
    "log",
    "logaddexp",
    "maximum",
    "minimum",
    "multiply",
    "negative",
    "power",
    "relu",
    "sigmoid",
    "sin",
    "sqrt",
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
    return _scalar(np.power(x, y))


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
    return _scalar(np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=np.float64))))


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
    return _scalar(np.maximum(x, 0.0))


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
    return _scalar(np.abs(x))


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
    return _scalar(np.where(np.greater(x, y), 1.0, np.where(np.equal(x, y), 0.5, 0.0)))


maximum_p = binary(
    "maximum",
    lambda x, y: _scalar(np.maximum(x, y)),
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
    lambda x, y: _scalar(np.minimum(x, y)),
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
    lambda c, x, y: _scalar(np.where(c, x, y)),
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


from autodiff.primitives.shape import broadcast_to  # noqa: E402  (the rules use it at run time)
