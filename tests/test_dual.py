"""Forward mode: the ``Dual`` number type."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from catalogue import (
    CATALOGUE,
    UNARY,
    Instance,
    Unary,
    analytic_gradient,
    as_array,
    forward_gradient,
    instances,
    numeric_gradient,
)
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff import Dual, Variable

INSTANCES = instances(CATALOGUE)
INSTANCE_IDS = [inst.id for inst in INSTANCES]


# --------------------------------------------------------------------------------------
# Construction.


def test_constant_by_default() -> None:
    d = Dual(3.0)
    assert d.value == 3.0
    assert d.tangent == 0.0


@pytest.mark.parametrize(
    "value", [3, 3.0, np.float32(3.0), np.int64(3), np.array(3.0), True], ids=repr
)
def test_number_values_become_floats(value: Any) -> None:
    d = Dual(value, 1)
    assert type(d.value) is float
    assert type(d.tangent) is float
    assert d.value == float(value)
    assert d.tangent == 1.0


def test_array_values_become_float64_and_a_scalar_tangent_is_broadcast() -> None:
    d = Dual([1, 2, 3], 2.0)
    assert isinstance(d.value, np.ndarray)
    assert d.value.dtype == np.float64
    assert_allclose(d.value, [1.0, 2.0, 3.0], rtol=0, atol=0)
    assert_allclose(d.tangent, [2.0, 2.0, 2.0], rtol=0, atol=0)
    assert np.shape(d.tangent) == (3,)


def test_tangent_of_the_wrong_shape() -> None:
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)|\(3,\).*\(2,\)"):
        Dual(np.ones(3), np.ones(2))


@pytest.mark.parametrize(
    ("value", "type_name"),
    [("a", "str"), (object(), "object"), (None, "NoneType"), (1 + 2j, "complex")],
    ids=["str", "object", "None", "complex"],
)
def test_non_numbers_are_rejected_naming_the_type(value: Any, type_name: str) -> None:
    with pytest.raises(TypeError, match=type_name):
        Dual(value)


def test_non_number_tangent_is_rejected() -> None:
    with pytest.raises(TypeError, match="str"):
        Dual(1.0, "x")


def test_non_numeric_array_is_rejected_naming_the_dtype() -> None:
    with pytest.raises(TypeError, match="dtype"):
        Dual(np.array(["a", "b"]))


def test_repr() -> None:
    assert repr(Dual(3.0, 1.0)) == "Dual(value=3.0, tangent=1.0)"
    assert repr(Dual(2.0)) == "Dual(value=2.0, tangent=0.0)"
    assert "array" in repr(Dual([1.0, 2.0], 1.0))


def test_shape_and_len() -> None:
    d = Dual(np.zeros((2, 3)), 1.0)
    assert d.shape == (2, 3)
    assert d.ndim == 2
    assert d.size == 6
    assert len(d) == 2
    assert Dual(1.0).shape == ()


# --------------------------------------------------------------------------------------
# Arithmetic: (name, function of x, derivative at x), with numbers on either side.

X = 1.7
OPERATORS: list[tuple[str, Callable[[Any], Any], float]] = [
    ("2 * x", lambda x: 2 * x, 2.0),
    ("x * 2", lambda x: x * 2, 2.0),
    ("x + 1", lambda x: x + 1, 1.0),
    ("1.5 + x", lambda x: 1.5 + x, 1.0),
    ("x - 3", lambda x: x - 3, 1.0),
    ("3 - x", lambda x: 3 - x, -1.0),
    ("x / 4", lambda x: x / 4, 0.25),
    ("1 / x", lambda x: 1 / x, -1 / X**2),
    ("-x", operator.neg, -1.0),
    ("+x", operator.pos, 1.0),
    ("abs(-x)", lambda x: abs(-x), 1.0),
    ("x ** 3", lambda x: x**3, 3 * X**2),
    ("x ** 0.5", lambda x: x**0.5, 0.5 / np.sqrt(X)),
    ("x ** -1", lambda x: x**-1, -1 / X**2),
    ("x ** 0", lambda x: x**0, 0.0),
    ("2 ** x", lambda x: 2**x, np.log(2) * 2**X),
    ("x ** x", lambda x: x**x, X**X * (np.log(X) + 1)),
    ("x * x", lambda x: x * x, 2 * X),
    ("x / x", lambda x: x / x, 0.0),
    ("np.float64(2) * x", lambda x: np.float64(2.0) * x, 2.0),
    ("x * np.int64(2)", lambda x: x * np.int64(2), 2.0),
]


@pytest.mark.parametrize(("text", "f", "expected"), OPERATORS, ids=[o[0] for o in OPERATORS])
def test_operators(text: str, f: Callable[[Any], Any], expected: float) -> None:
    out = f(Dual(X, 1.0))
    assert isinstance(out, Dual), text
    assert float(out.value) == pytest.approx(f(X), rel=1e-14)
    assert float(out.tangent) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_tangent_scales_linearly() -> None:
    out = Dual(X, 3.0) ** 3
    assert out.tangent == pytest.approx(3.0 * 3 * X**2, rel=1e-14)


def test_power_with_a_dual_exponent() -> None:
    x, y = 1.5, 2.5
    # ∂/∂x and ∂/∂y of x**y at once: tangents 1 and 1
    out = Dual(x, 1.0) ** Dual(y, 1.0)
    assert out.value == pytest.approx(x**y, rel=1e-14)
    expected = y * x ** (y - 1) + x**y * np.log(x)
    assert out.tangent == pytest.approx(expected, rel=1e-13)
    # the exponent alone
    out = Dual(x) ** Dual(y, 1.0)
    assert out.tangent == pytest.approx(x**y * np.log(x), rel=1e-13)


@pytest.mark.parametrize(
    "other",
    [np.array([1.0, 2.0, 3.0]), [1.0, 2.0, 3.0], (1, 2, 3)],
    ids=["ndarray", "list", "tuple"],
)
def test_arrays_and_sequences_on_either_side(other: Any) -> None:
    arr = np.array([1.0, 2.0, 3.0])
    d = Dual(2.0, 1.0)
    for out, tangent in [
        (d * other, arr),
        (other * d, arr),
        (other + d, np.ones(3)),
        (d - other, np.ones(3)),
        (other - d, -np.ones(3)),
        (other / d, -arr / 4),
        (d / other, 1 / arr),
    ]:
        assert isinstance(out, Dual)
        assert_allclose(out.tangent, tangent, rtol=1e-14)


def test_array_dual_with_scalar_dual() -> None:
    a = Dual(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    s = Dual(3.0, 1.0)
    out = a * s
    assert_allclose(out.value, [3.0, 6.0], rtol=0)
    # d(a·s) = da·s + a·ds
    assert_allclose(out.tangent, [1.0 * 3 + 1.0, 0.0 * 3 + 2.0], rtol=1e-15)


def test_matmul_with_arrays_on_either_side() -> None:
    m = np.array([[1.0, 2.0], [3.0, 4.0]])
    v = Dual(np.array([1.0, -1.0]), np.array([0.5, 2.0]))
    out: Any = m @ v
    assert isinstance(out, Dual)
    assert_allclose(out.value, m @ v.value, rtol=0)
    assert_allclose(out.tangent, m @ np.array([0.5, 2.0]), rtol=1e-15)
    out = v @ m
    assert isinstance(out, Dual)
    assert_allclose(out.tangent, np.array([0.5, 2.0]) @ m, rtol=1e-15)


@pytest.mark.parametrize(
    "f",
    [
        lambda d: d ** "s",
        lambda d: d + "s",
        lambda d: "s" * d,
        lambda d: d * None,
        lambda d: d @ "s",
        lambda d: d - object(),
    ],
    ids=["pow", "add", "rmul", "mul_none", "matmul", "sub_object"],
)
def test_unsupported_operands_raise_type_error(f: Callable[[Any], Any]) -> None:
    with pytest.raises(TypeError):
        f(Dual(2.0, 1.0))


@pytest.mark.parametrize(
    ("f", "op"),
    [
        (operator.add, "add"),
        (operator.mul, "mul"),
        (operator.sub, "sub"),
        (operator.truediv, "div"),
        (ad.maximum, "maximum"),
    ],
    ids=["add", "mul", "sub", "div", "maximum"],
)
def test_shape_mismatch_names_both_shapes_and_the_op(f: Callable[..., Any], op: str) -> None:
    a, b = Dual(np.ones(2), 1.0), Dual(np.ones(3), 1.0)
    with pytest.raises(ValueError, match=rf"{op}.*\(2,\).*\(3,\)") as info:
        f(a, b)
    assert op in str(info.value)


def test_matmul_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(2, 3\)"):
        Dual(np.ones((2, 3)), 1.0) @ np.ones((2, 3))


def test_dual_and_variable_at_the_same_level_do_not_mix() -> None:
    with pytest.raises(TypeError, match=r"Dual.*Variable|Variable.*Dual"):
        Dual(1.0, 1.0) + Variable(2.0)


# --------------------------------------------------------------------------------------
# Elementwise functions: module functions and methods.


@pytest.mark.parametrize("fn", UNARY, ids=[u.name for u in UNARY])
def test_elementwise_functions_on_scalars(fn: Unary) -> None:
    for x in fn.points:
        expected_value = float(fn.value(np.array(x)))
        expected_tangent = float(fn.derivative(np.array(x)))
        for out in (getattr(ad, fn.name)(Dual(x, 1.0)), getattr(Dual(x, 1.0), fn.name)()):
            assert isinstance(out, Dual)
            assert out.value == pytest.approx(expected_value, rel=1e-14)
            assert out.tangent == pytest.approx(expected_tangent, rel=1e-13)


@pytest.mark.parametrize("fn", UNARY, ids=[u.name for u in UNARY])
def test_elementwise_functions_on_arrays(fn: Unary) -> None:
    x = np.array(fn.points)
    t = np.array([1.0, -2.0, 0.5])
    out = getattr(ad, fn.name)(Dual(x, t))
    assert isinstance(out, Dual)
    assert_allclose(out.value, fn.value(x), rtol=1e-14)
    assert_allclose(out.tangent, fn.derivative(x) * t, rtol=1e-13)


@pytest.mark.parametrize("fn", UNARY, ids=[u.name for u in UNARY])
def test_module_functions_accept_floats_and_arrays(fn: Unary) -> None:
    f = getattr(ad, fn.name)
    x = fn.points[1]
    out = f(x)
    assert isinstance(out, float)
    assert out == pytest.approx(float(fn.value(np.array(x))), rel=1e-14)
    arr = np.array(fn.points)
    out_arr = f(arr)
    assert isinstance(out_arr, np.ndarray)
    assert_allclose(out_arr, fn.value(arr), rtol=1e-14)


def test_maximum_minimum_where() -> None:
    x, y = Dual(np.array([1.0, 5.0]), 1.0), Dual(np.array([3.0, 2.0]), 10.0)
    assert_allclose(ad.maximum(x, y).tangent, [10.0, 1.0], rtol=0)
    assert_allclose(ad.minimum(x, y).tangent, [1.0, 10.0], rtol=0)
    out = ad.where(np.array([True, False]), x, y)
    assert_allclose(out.value, [1.0, 2.0], rtol=0)
    assert_allclose(out.tangent, [1.0, 10.0], rtol=0)
    # ties share the derivative equally
    tie = ad.maximum(Dual(2.0, 1.0), Dual(2.0, 3.0))
    assert tie.tangent == pytest.approx(2.0)


def test_reductions_and_shape_methods() -> None:
    x = np.arange(6.0).reshape(2, 3)
    t = np.arange(6.0).reshape(2, 3) * 10
    d = Dual(x, t)
    assert_allclose(d.sum().tangent, t.sum(), rtol=1e-15)
    assert_allclose(d.sum(axis=0).tangent, t.sum(axis=0), rtol=1e-15)
    assert_allclose(d.sum(axis=1, keepdims=True).tangent, t.sum(axis=1, keepdims=True))
    assert_allclose(d.mean().tangent, t.mean(), rtol=1e-15)
    assert_allclose(d.max().tangent, t[1, 2], rtol=0)
    assert_allclose(d.max(axis=0).tangent, t[1], rtol=0)
    assert_allclose(d.T.tangent, t.T, rtol=0)
    assert_allclose(d.reshape(3, 2).tangent, t.reshape(3, 2), rtol=0)
    assert_allclose(d.reshape((6,)).tangent, t.reshape(6), rtol=0)
    assert_allclose(d[1:, ::2].tangent, t[1:, ::2], rtol=0)
    assert_allclose(d[0].tangent, t[0], rtol=0)


def test_max_tangent_goes_to_the_first_maximum() -> None:
    d = Dual(np.array([1.0, 3.0, 3.0]), np.array([1.0, 10.0, 100.0]))
    assert d.max().tangent == 10.0


def test_comparisons_compare_values() -> None:
    d = Dual(2.0, 100.0)
    assert d < 3
    assert d <= 2.0
    assert d > 1
    assert d >= Dual(2.0, -5.0)
    assert not d > 2
    assert_allclose(Dual(np.array([1.0, 3.0])) > 2, [False, True])
    assert Dual(2.0, 1.0) == 2.0
    assert d == Dual(2.0, -5.0)  # values: the tangents do not take part
    assert Dual(2.0) != 3.0
    assert_allclose(Dual(np.array([1.0, 3.0])) == np.array([1.0, 0.0]), [True, False])


# --------------------------------------------------------------------------------------
# NumPy interoperability.


def test_numpy_ufuncs_return_duals() -> None:
    d = Dual(0.5, 1.0)
    for out, value, tangent in [
        (np.exp(d), np.exp(0.5), np.exp(0.5)),
        (np.sin(d), np.sin(0.5), np.cos(0.5)),
        (np.log(d), np.log(0.5), 2.0),
        (np.sqrt(d), np.sqrt(0.5), 0.5 / np.sqrt(0.5)),
        (np.multiply(3.0, d), 1.5, 3.0),
        (np.maximum(d, 0.0), 0.5, 1.0),
    ]:
        assert isinstance(out, Dual)
        assert out.value == pytest.approx(value, rel=1e-14)
        assert out.tangent == pytest.approx(tangent, rel=1e-14)


def test_numpy_functions_return_duals() -> None:
    d: Any = Dual(np.array([[1.0, 4.0], [3.0, 2.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    s = np.sum(d)
    assert isinstance(s, Dual)
    assert s.tangent == pytest.approx(10.0)
    assert_allclose(np.mean(d, axis=0).tangent, [2.0, 3.0])
    assert np.max(d).tangent == 2.0
    transposed: Any = np.transpose(d)
    assert_allclose(transposed.tangent, np.array([[1.0, 3.0], [2.0, 4.0]]))
    reshaped: Any = np.reshape(d, (4,))
    assert_allclose(reshaped.tangent, np.array([1.0, 2.0, 3.0, 4.0]))
    assert np.shape(d) == (2, 2)


def test_ndarray_on_the_left() -> None:
    arr = np.array([1.0, 2.0])
    d: Any = Dual(np.array([3.0, 4.0]), np.array([1.0, 1.0]))
    for out in (arr * d, arr + d, arr - d, arr / d, arr**d, arr @ d):
        assert isinstance(out, Dual)
    assert_allclose((arr * d).tangent, arr)
    assert (arr @ d).tangent == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("f", "name"),
    [
        (np.cumprod, "cumprod"),
        (np.linalg.norm, "norm"),
        (np.log1p, "log1p"),
        (np.sort, "sort"),
        (np.add.reduce, "reduce"),
    ],
    ids=["cumprod", "norm", "log1p", "sort", "add.reduce"],
)
def test_unsupported_numpy_functions_name_the_function(f: Callable[..., Any], name: str) -> None:
    with pytest.raises(TypeError, match=name):
        f(Dual(np.array([1.0, 2.0]), 1.0))


def test_no_silent_conversion_to_an_array() -> None:
    with pytest.raises(TypeError, match="Dual"):
        np.asarray(Dual(np.array([1.0, 2.0]), 1.0))


# --------------------------------------------------------------------------------------
# Domain errors follow NumPy: nan and inf with NumPy's RuntimeWarning.


@pytest.mark.parametrize(
    ("f", "value", "tangent"),
    [
        (ad.log, np.nan, -1.0),
        (ad.sqrt, np.nan, np.nan),
    ],
    ids=["log", "sqrt"],
)
def test_outside_the_domain(f: Callable[[Any], Any], value: float, tangent: float) -> None:
    with pytest.warns(RuntimeWarning, match="invalid value"):
        out = f(Dual(-1.0, 1.0))
    assert_allclose(out.value, value)
    assert_allclose(out.tangent, tangent)


def test_division_by_zero_in_an_array() -> None:
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        out = 1 / Dual(np.array([0.0, 2.0]), 1.0)
    assert_allclose(out.value, [np.inf, 0.5])
    assert_allclose(out.tangent, [-np.inf, -0.25])


@pytest.mark.parametrize(
    ("f", "value", "tangent"),
    [
        (lambda d: 1 / d, np.inf, -np.inf),
        (ad.log, -np.inf, np.inf),
        (ad.sqrt, 0.0, np.inf),
    ],
    ids=["reciprocal", "log", "sqrt"],
)
def test_scalar_singularity_gives_inf_not_zero_division_error(
    f: Callable[[Any], Any], value: float, tangent: float
) -> None:
    # IEEE semantics, as NumPy: inf with a RuntimeWarning, not a Python exception
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        out = f(Dual(0.0, 1.0))
    assert out.value == value
    assert out.tangent == tangent


def test_overflow_follows_numpy() -> None:
    with pytest.warns(RuntimeWarning, match="overflow"):
        out = ad.exp(Dual(1000.0, 1.0))
    assert out.value == np.inf
    assert out.tangent == np.inf


# --------------------------------------------------------------------------------------
# The catalogue, on dual numbers.


@pytest.mark.parametrize("inst", INSTANCES, ids=INSTANCE_IDS)
def test_catalogue_values_match_plain_evaluation(inst: Instance) -> None:
    args = inst.sample()
    plain = inst.case.scalar(*args)
    out = inst.case.scalar(*[Dual(a) for a in args])
    assert isinstance(out, Dual)
    assert_allclose(as_array(out.value), as_array(plain), rtol=1e-14)
    assert_allclose(as_array(out.tangent), 0.0, atol=0)


@pytest.mark.parametrize("inst", INSTANCES, ids=INSTANCE_IDS)
def test_catalogue_forward_gradient(inst: Instance) -> None:
    args = inst.sample()
    forward = forward_gradient(inst.case.scalar, args)
    numeric = numeric_gradient(inst.case.scalar, args)
    for f, n, a in zip(forward, numeric, args, strict=True):
        assert f.shape == np.shape(a)
        assert_allclose(f, n, rtol=1e-6, atol=1e-6)
    if inst.case.grad is not None:
        for f, e in zip(forward, analytic_gradient(inst.case, args), strict=True):
            assert_allclose(f, e, rtol=1e-10, atol=1e-12)
