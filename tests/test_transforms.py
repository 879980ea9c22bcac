"""Function transforms: grad, value_and_grad, derivative, jvp, vjp, jacobian, hessian."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pytest
from catalogue import (
    CATALOGUE,
    ELEMENTWISE,
    Instance,
    analytic_gradient,
    as_array,
    instances,
    numeric_gradient,
    numeric_jacobian,
)
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff.graph import backpropagate

INSTANCES = instances(CATALOGUE)
INSTANCE_IDS = [inst.id for inst in INSTANCES]
SCALAR_UNARY = [c for c in ELEMENTWISE if c.arity == 1]
A = np.array([[1.0, 2.0, -1.0], [0.5, -3.0, 2.0]])


def rosenbrock(x: Any) -> Any:
    return ad.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def rosenbrock_hessian(x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    n = x.size
    h = np.zeros((n, n))
    for i in range(n - 1):
        h[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        h[i, i + 1] -= 400 * x[i]
        h[i + 1, i] -= 400 * x[i]
        h[i + 1, i + 1] += 200
    return h


# --------------------------------------------------------------------------------------
# grad and value_and_grad.


def test_grad_of_a_scalar_function() -> None:
    assert ad.grad(lambda x: x**3)(2.0) == 12.0
    assert ad.grad(ad.sin)(0.0) == 1.0
    assert ad.grad(lambda x: x * 5)(3) == 5.0  # int input


def test_grad_returns_a_float_for_a_float_and_an_array_for_an_array() -> None:
    g = ad.grad(lambda x: x * x)(3.0)
    assert isinstance(g, float)
    garr = ad.grad(lambda x: ad.sum(x * x))(np.array([1.0, 2.0]))
    assert isinstance(garr, np.ndarray)
    assert_allclose(garr, [2.0, 4.0], rtol=0)
    # A list is a pytree, as in JAX: its gradient is a list (pass an array for a vector).
    glist = ad.grad(lambda x: x[0] * x[0] + 2.0 * x[1])([1.0, 2.0])
    assert glist == [2.0, 2.0]


@pytest.mark.parametrize("inst", INSTANCES, ids=INSTANCE_IDS)
def test_grad_on_the_catalogue(inst: Instance) -> None:
    args = inst.sample()
    argnums = tuple(range(len(args)))
    grads = ad.grad(inst.case.scalar, argnums=argnums)(*args)
    assert isinstance(grads, tuple)
    expected = (
        analytic_gradient(inst.case, args)
        if inst.case.grad is not None
        else numeric_gradient(inst.case.scalar, args)
    )
    exact = inst.case.grad is not None
    rtol, atol = (1e-10, 1e-12) if exact else (1e-6, 1e-7)
    for g, e, a in zip(grads, expected, args, strict=True):
        assert np.shape(g) == np.shape(a)
        assert_allclose(as_array(g), e, rtol=rtol, atol=atol)
    # one argument at a time, by int argnums
    for i in argnums:
        assert_allclose(as_array(ad.grad(inst.case.scalar, argnums=i)(*args)), as_array(grads[i]))


def test_argnums() -> None:
    def f(x: Any, y: Any, z: Any) -> Any:
        return x * y**2 + z

    assert ad.grad(f)(2.0, 3.0, 4.0) == 9.0
    assert ad.grad(f, argnums=1)(2.0, 3.0, 4.0) == 12.0
    assert ad.grad(f, argnums=-1)(2.0, 3.0, 4.0) == 1.0
    assert ad.grad(f, argnums=(0, 2))(2.0, 3.0, 4.0) == (9.0, 1.0)
    assert ad.grad(f, argnums=(2, 0))(2.0, 3.0, 4.0) == (1.0, 9.0)
    assert ad.grad(f, argnums=[1])(2.0, 3.0, 4.0) == (12.0,)
    assert ad.value_and_grad(f, argnums=(0, 1))(2.0, 3.0, 4.0) == (22.0, (9.0, 12.0))


def test_value_and_grad() -> None:
    value, g = ad.value_and_grad(lambda x: ad.sum(ad.exp(x)))(np.array([0.0, 1.0]))
    assert value == pytest.approx(1 + np.e, rel=1e-15)
    assert_allclose(g, [1.0, np.e], rtol=1e-15)
    assert isinstance(value, float)


def test_grad_of_a_function_that_ignores_its_input() -> None:
    assert ad.grad(lambda x: 3.0)(2.0) == 0.0
    g = ad.grad(lambda x, y: y * 2, argnums=(0, 1))(np.ones(3), 1.0)
    assert_allclose(g[0], np.zeros(3), rtol=0, atol=0)
    assert g[1] == 2.0


def test_grad_with_single_element_array_output() -> None:
    g = ad.grad(lambda x: ad.reshape(ad.sum(x * x), (1, 1)))(np.array([1.0, 2.0]))
    assert_allclose(g, [2.0, 4.0], rtol=0)


def test_grad_leaves_the_inputs_alone() -> None:
    x = np.array([1.0, 2.0])
    ad.grad(lambda v: ad.sum(v * v))(x)
    assert_allclose(x, [1.0, 2.0], rtol=0)


# --------------------------------------------------------------------------------------
# derivative (forward mode, scalar input).


@pytest.mark.parametrize("case", SCALAR_UNARY, ids=[c.name for c in SCALAR_UNARY])
def test_derivative_on_the_catalogue(case: Any) -> None:
    x = Instance(case, ((),), "scalar").sample()[0]
    d = ad.derivative(case.f)(x)
    assert isinstance(d, float)
    if case.grad is not None:
        assert d == pytest.approx(float(case.grad(np.array(x))[0]), rel=1e-10, abs=1e-12)
    assert d == pytest.approx(float(numeric_gradient(case.f, [x])[0]), rel=1e-6, abs=1e-7)
    assert d == pytest.approx(ad.grad(case.f)(x), rel=1e-12, abs=1e-14)


def test_derivative_of_an_array_valued_function() -> None:
    d = ad.derivative(lambda t: ad.stack([ad.cos(t), ad.sin(t), t * t]))(0.5)
    assert_allclose(d, [-np.sin(0.5), np.cos(0.5), 1.0], rtol=1e-15)


def test_derivative_of_a_constant_function() -> None:
    assert ad.derivative(lambda x: 2.0)(1.0) == 0.0


def test_derivative_needs_a_scalar() -> None:
    with pytest.raises(ValueError, match=r"scalar.*\(2,\)"):
        ad.derivative(ad.sin)(np.ones(2))


# --------------------------------------------------------------------------------------
# jvp and vjp.


def _f_vec(x: Any, y: Any) -> Any:
    return ad.tanh(ad.matmul(A, x) * y) + y


def test_jvp_matches_the_jacobian() -> None:
    x, y = np.array([0.3, -0.2, 0.5]), 1.5
    tx, ty = np.array([1.0, 2.0, -1.0]), 0.5
    out, tangent = ad.jvp(_f_vec, (x, y), (tx, ty))
    assert_allclose(out, np.tanh(A @ x * y) + y, rtol=1e-15)
    jx = numeric_jacobian(_f_vec, [x, y], 0)
    jy = numeric_jacobian(_f_vec, [x, y], 1)
    assert_allclose(tangent, jx @ tx + jy * ty, rtol=1e-6)


def test_jvp_of_a_scalar_function() -> None:
    assert ad.jvp(lambda x, y: x * y, (3.0, 4.0), (1.0, 0.0)) == (12.0, 4.0)
    assert ad.jvp(ad.sin, (0.0,), (2.0,)) == (0.0, 2.0)


def test_jvp_of_a_constant_function_is_zero() -> None:
    out, tangent = ad.jvp(lambda x: np.ones(2), (np.ones(3),), (np.ones(3),))
    assert_allclose(out, np.ones(2), rtol=0)
    assert_allclose(tangent, np.zeros(2), rtol=0, atol=0)


def test_vjp_matches_the_jacobian() -> None:
    x, y = np.array([0.3, -0.2, 0.5]), 1.5
    out, pullback = ad.vjp(_f_vec, x, y)
    assert_allclose(out, np.tanh(A @ x * y) + y, rtol=1e-15)
    u = np.array([1.0, -2.0])
    gx, gy = pullback(u)
    assert np.shape(gx) == (3,)
    assert isinstance(gy, float)
    assert_allclose(gx, u @ numeric_jacobian(_f_vec, [x, y], 0), rtol=1e-6)
    assert gy == pytest.approx(float(u @ numeric_jacobian(_f_vec, [x, y], 1)), rel=1e-6)
    # the pullback can be called again, and is linear
    gx2, gy2 = pullback(2 * u)
    assert_allclose(gx2, 2 * gx, rtol=1e-15)
    assert gy2 == pytest.approx(2 * gy, rel=1e-15)


def test_vjp_of_an_input_that_is_not_used() -> None:
    _, pullback = ad.vjp(lambda x, y: x * 2, np.ones(2), np.ones(3))
    gx, gy = pullback(np.ones(2))
    assert_allclose(gx, [2.0, 2.0], rtol=0)
    assert_allclose(gy, np.zeros(3), rtol=0, atol=0)


def test_vjp_and_jvp_are_transposes() -> None:
    x, y = np.array([0.3, -0.2, 0.5]), 1.5
    u = np.array([0.7, -1.1])
    vx, vy = np.array([0.2, 1.0, -0.4]), -0.3
    _, pullback = ad.vjp(_f_vec, x, y)
    ux, uy = pullback(u)
    _, jv = ad.jvp(_f_vec, (x, y), (vx, vy))
    assert float(np.dot(ux, vx) + uy * vy) == pytest.approx(float(np.dot(u, jv)), rel=1e-12)


def test_jvp_errors() -> None:
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)|\(2,\).*\(3,\)"):
        ad.jvp(lambda x: x, (np.ones(2),), (np.ones(3),))
    with pytest.raises(ValueError, match="tangent"):
        ad.jvp(lambda x, y: x, (1.0, 2.0), (1.0,))


def test_vjp_cotangent_of_the_wrong_shape() -> None:
    _, pullback = ad.vjp(lambda x: x * 2, np.ones(2))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)|\(2,\).*\(3,\)"):
        pullback(np.ones(3))


# --------------------------------------------------------------------------------------
# jacobian.


@pytest.mark.parametrize(
    ("f", "x", "out_shape"),
    [
        (lambda x: ad.sin(x) * 2, np.ones((2, 2)), (2, 2)),
        (lambda x: ad.matmul(A, ad.tanh(x)), np.array([0.1, 0.2, 0.3]), (2,)),
        (lambda x: ad.sum(x * x, axis=0), np.arange(6.0).reshape(2, 3), (3,)),
        (lambda x: x * np.arange(3.0), 2.0, (3,)),
        (lambda x: ad.sum(x**3), np.arange(3.0), ()),
        (lambda x: x.T @ x, np.arange(6.0).reshape(3, 2) / 5, (2, 2)),
        (lambda x: x**2, 1.5, ()),
    ],
    ids=["elementwise", "matvec", "reduce", "scalar_in", "scalar_out", "gram", "scalar"],
)
def test_jacobian_modes_agree_and_have_shape_out_plus_in(
    f: Callable[[Any], Any], x: Any, out_shape: tuple[int, ...]
) -> None:
    forward = ad.jacobian(f)(x)
    reverse = ad.jacobian(f, mode="reverse")(x)
    assert np.shape(forward) == out_shape + np.shape(x)
    assert np.shape(reverse) == out_shape + np.shape(x)
    assert_allclose(as_array(forward), as_array(reverse), rtol=1e-13, atol=1e-15)
    assert_allclose(as_array(forward), numeric_jacobian(f, [x], 0), rtol=1e-6, atol=1e-8)


def test_jacobian_argnums() -> None:
    def f(x: Any, y: Any) -> Any:
        return x * y

    x, y = np.array([1.0, 2.0]), 3.0
    for mode in ("forward", "reverse"):
        jx, jy = ad.jacobian(f, mode=mode, argnums=(0, 1))(x, y)
        assert_allclose(jx, 3 * np.eye(2), rtol=0)
        assert_allclose(jy, x, rtol=0)
        assert_allclose(ad.jacobian(f, mode=mode, argnums=1)(x, y), x, rtol=0)


@pytest.mark.parametrize("inst", INSTANCES, ids=INSTANCE_IDS)
def test_forward_jacobian_on_the_catalogue(inst: Instance) -> None:
    """One batched forward pass per argument: the reverse Jacobian, and central differences."""
    args = inst.sample()
    f = inst.case.f
    for k, a in enumerate(args):
        forward = ad.jacobian(f, mode="forward", argnums=k)(*args)
        reverse = ad.jacobian(f, mode="reverse", argnums=k)(*args)
        assert np.shape(forward) == np.shape(f(*args)) + np.shape(a)
        assert_allclose(as_array(forward), as_array(reverse), rtol=1e-12, atol=1e-14)
        numeric = numeric_jacobian(f, args, k)
        assert_allclose(as_array(forward), numeric, rtol=1e-5, atol=1e-6)


def test_forward_jacobian_takes_one_pass() -> None:
    calls = []

    def f(x: Any, y: Any) -> Any:
        calls.append(1)
        return ad.tanh(x[:, None] * y) @ np.ones(4)

    x, y = np.linspace(-1.0, 1.0, 5), np.array([0.5, -0.25, 1.0, 2.0])
    jx, jy = ad.jacobian(f, argnums=(0, 1))(x, y)
    assert len(calls) == 2  # one pass per argument, not one per input element
    assert np.shape(jx) == (5, 5)
    assert np.shape(jy) == (5, 4)
    reverse = ad.jacobian(f, mode="reverse", argnums=(0, 1))(x, y)
    assert_allclose(jx, reverse[0], rtol=1e-13, atol=1e-15)
    assert_allclose(jy, reverse[1], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize(
    ("f", "x"),
    [
        (lambda x: np.ones((2, 3)), np.arange(4.0)),
        (lambda x: 2.0, np.ones((2, 2))),
        (lambda x: x * 0.0 + 1.0, np.ones((2, 2))),
    ],
    ids=["constant_array", "constant_scalar", "zero_derivative"],
)
def test_forward_jacobian_of_a_constant_is_zero(f: Callable[[Any], Any], x: Any) -> None:
    jac = ad.jacobian(f)(x)
    assert np.shape(jac) == np.shape(f(x)) + np.shape(x)
    assert_allclose(jac, np.zeros(np.shape(jac)), rtol=0, atol=0)


def test_jacobian_bad_mode() -> None:
    with pytest.raises(ValueError, match="sideways"):
        ad.jacobian(lambda x: x, mode="sideways")(1.0)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# hessian.


@pytest.mark.parametrize(
    "x", [np.array([1.0, 1.0]), np.array([-1.2, 1.0, 0.5, 2.0])], ids=["minimum", "4d"]
)
def test_hessian_of_rosenbrock(x: np.ndarray[Any, Any]) -> None:
    h = ad.hessian(rosenbrock)(x)
    assert np.shape(h) == (x.size, x.size)
    assert_allclose(h, rosenbrock_hessian(x), rtol=1e-13)
    # reverse over reverse agrees
    assert_allclose(ad.jacobian(ad.grad(rosenbrock), mode="reverse")(x), h, rtol=1e-13)


def test_hessian_of_rosenbrock_n30() -> None:
    """The benchmark's Hessian (W6): one batched pass, equal to the analytic one."""
    x = np.random.default_rng(6).uniform(-1.5, 1.5, 30)
    h = ad.hessian(rosenbrock)(x)
    assert_allclose(h, rosenbrock_hessian(x), rtol=1e-13, atol=1e-12)
    # column by column: each a Hessian-vector product of an unbatched forward pass
    for k in range(0, 30, 7):
        e = np.zeros(30)
        e[k] = 1.0
        _, column = ad.jvp(ad.grad(rosenbrock), (x,), (e,))
        assert_allclose(h[:, k], column, rtol=1e-14, atol=1e-12)


def test_hessian_of_a_scalar_function() -> None:
    assert ad.hessian(lambda x: x**4)(2.0) == pytest.approx(48.0)
    assert ad.hessian(lambda x: ad.sin(x) * x)(0.5) == pytest.approx(
        2 * np.cos(0.5) - 0.5 * np.sin(0.5), rel=1e-14
    )


def test_hessian_of_a_matrix_argument_has_shape_in_plus_in() -> None:
    x = np.arange(6.0).reshape(2, 3) / 10
    h = ad.hessian(lambda m: ad.sum(ad.exp(m) * m))(x)
    assert np.shape(h) == (2, 3, 2, 3)
    expected = np.diag(((x + 2) * np.exp(x)).ravel()).reshape(2, 3, 2, 3)
    assert_allclose(h, expected, rtol=1e-13, atol=1e-15)


def test_hessian_argnums() -> None:
    def f(x: Any, y: Any) -> Any:
        return ad.sum(x * x * y)

    x, y = np.array([1.0, 2.0]), np.array([3.0, 5.0])
    assert_allclose(ad.hessian(f, argnums=1)(x, y), np.zeros((2, 2)), rtol=0, atol=0)
    assert_allclose(ad.hessian(f, argnums=0)(x, y), np.diag(2 * y), rtol=0)


def test_hessian_with_tuple_argnums() -> None:
    """As in JAX: a nested tuple of blocks ∂²f/∂args[i]∂args[j]."""

    def f(x: Any, y: Any) -> Any:
        return x * x * y

    hess = ad.hessian(f, argnums=(0, 1))(2.0, 3.0)
    assert hess == ((6.0, 4.0), (4.0, 0.0))


# --------------------------------------------------------------------------------------
# Nesting, and no perturbation confusion.


def test_grad_of_grad() -> None:
    assert ad.grad(ad.grad(lambda x: x**3))(2.0) == 12.0
    f = ad.grad(ad.grad(ad.grad(ad.sin)))
    assert f(0.5) == pytest.approx(-np.cos(0.5), rel=1e-14)


def test_derivative_of_derivative() -> None:
    assert ad.derivative(ad.derivative(lambda x: x**3))(2.0) == 12.0
    f = ad.derivative(ad.derivative(ad.derivative(ad.exp)))
    assert f(0.5) == pytest.approx(np.exp(0.5), rel=1e-14)


def test_mixed_nesting() -> None:
    expected = -2 * np.tanh(0.5) * (1 - np.tanh(0.5) ** 2)
    assert ad.grad(ad.derivative(ad.tanh))(0.5) == pytest.approx(expected, rel=1e-13)
    assert ad.derivative(ad.grad(ad.tanh))(0.5) == pytest.approx(expected, rel=1e-13)


def test_jacobian_of_grad_is_the_hessian() -> None:
    x = np.array([0.3, -0.7, 1.1])
    expected = rosenbrock_hessian(x)
    for mode in ("forward", "reverse"):
        h = ad.jacobian(ad.grad(rosenbrock), mode=mode)(x)
        assert_allclose(h, expected, rtol=1e-12)


def _g(x: Any) -> Any:
    return ad.tanh(A @ x) * ad.sum(x**2)  # (2,) from (3,)


X3 = np.array([0.3, -0.7, 1.1])


def test_jacobian_of_a_jacobian() -> None:
    modes: tuple[Literal["forward", "reverse"], ...] = ("forward", "reverse")
    results = {
        (outer, inner): ad.jacobian(ad.jacobian(_g, mode=inner), mode=outer)(X3)
        for outer in modes
        for inner in modes
    }
    reference = results["reverse", "reverse"]
    assert np.shape(reference) == (2, 3, 3)
    for result in results.values():
        assert_allclose(result, reference, rtol=1e-12, atol=1e-14)
    numeric = numeric_jacobian(ad.jacobian(_g), [X3], 0)
    assert_allclose(reference, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("outer", [ad.grad, lambda f: ad.jacobian(f, mode="forward")])
def test_derivative_of_a_forward_jacobians_sum(outer: Callable[..., Any]) -> None:
    def total(x: Any) -> Any:
        return ad.sum(ad.jacobian(_g)(x))

    expected = ad.grad(lambda x: ad.sum(ad.jacobian(_g, mode="reverse")(x)))(X3)
    assert_allclose(outer(total)(X3), expected, rtol=1e-12, atol=1e-14)
    assert_allclose(expected, numeric_jacobian(total, [X3], 0), rtol=1e-6, atol=1e-8)


def test_hessian_with_tuple_argnums_of_arrays() -> None:
    def f(x: Any, y: Any) -> Any:
        return ad.sum(ad.sin(x)[:, None] * y**2) + ad.sum(x * x) * y[0]

    x, y = np.array([0.1, 0.7]), np.array([1.5, -0.5, 2.0])
    blocks = ad.hessian(f, argnums=(0, 1))(x, y)
    args = [x, y]
    for i in range(2):
        for j in range(2):
            gradient_i = ad.grad(f, argnums=i)
            numeric = numeric_jacobian(gradient_i, args, j)
            assert np.shape(blocks[i][j]) == np.shape(args[i]) + np.shape(args[j])
            assert_allclose(blocks[i][j], numeric, rtol=1e-6, atol=1e-8)
            reverse = ad.jacobian(gradient_i, mode="reverse", argnums=j)(x, y)
            assert_allclose(blocks[i][j], reverse, rtol=1e-12, atol=1e-14)


def test_hessian_matches_finite_differences_of_the_gradient_on_the_catalogue() -> None:
    for inst in instances(CATALOGUE):
        if not inst.case.smooth2 or inst.case.arity != 1:
            continue
        args = inst.sample()
        h = ad.hessian(inst.case.scalar)(*args)
        numeric = numeric_jacobian(ad.grad(inst.case.scalar), args, 0)
        assert_allclose(as_array(h), numeric, rtol=1e-5, atol=1e-6, err_msg=inst.id)


@pytest.mark.parametrize(
    ("outer", "inner"),
    [
        (ad.derivative, ad.derivative),
        (ad.grad, ad.grad),
        (ad.derivative, ad.grad),
        (ad.grad, ad.derivative),
    ],
    ids=["derivative-derivative", "grad-grad", "derivative-grad", "grad-derivative"],
)
def test_no_perturbation_confusion(outer: Callable[..., Any], inner: Callable[..., Any]) -> None:
    # d/dx [x · d/dy (x + y)] = d/dx [x · 1] = 1 (a confused implementation gives 2)
    assert outer(lambda x: x * inner(lambda y: x + y)(1.0))(1.0) == 1.0
    # d/dx [d/dy (x · y)] at y = 2 = d/dx [x] = 1
    assert outer(lambda x: inner(lambda y: x * y)(2.0))(3.0) == 1.0
    # d/dx [d/dy (x y²)] = d/dx [2xy] = 2y = 4
    assert outer(lambda x: inner(lambda y: x * y * y)(2.0))(3.0) == 4.0
    # the inner function closes over x and is evaluated at x: d/dx [x · d/dy (x y)](x) = 2x
    assert outer(lambda x: x * inner(lambda y: x * y)(x))(3.0) == 6.0


def test_no_perturbation_confusion_with_jvp_and_vjp() -> None:
    def inner_jvp(x: Any) -> Any:
        return ad.jvp(lambda y: x * y, (2.0,), (1.0,))[1]  # = x

    def inner_vjp(x: Any) -> Any:
        return ad.vjp(lambda y: x * y, 2.0)[1](1.0)[0]  # = x

    for transform in (ad.derivative, ad.grad):
        assert transform(lambda x: x * inner_jvp(x))(3.0) == 6.0
        assert transform(lambda x: x * inner_vjp(x))(3.0) == 6.0


def test_power_at_a_zero_base() -> None:
    """d/dy 0**y = 0 for y > 0 (as JAX and PyTorch), not 0·log 0 = nan with a warning."""
    assert ad.grad(lambda y: 0.0**y)(2.0) == 0.0
    assert ad.derivative(lambda y: 0.0**y)(2.0) == 0.0
    assert ad.grad(lambda x, y: x**y, argnums=(0, 1))(0.0, 2.0) == (0.0, 0.0)
    assert ad.grad(lambda x, y: x**y, argnums=(0, 1))(0.0, 1.0) == (1.0, 0.0)
    g = ad.grad(lambda x, y: ad.sum(x**y), argnums=1)(np.array([0.0, 2.0]), 3.0)
    assert g == pytest.approx(8.0 * np.log(2.0), rel=1e-14)


# --------------------------------------------------------------------------------------
# Errors.


def test_grad_of_a_non_scalar_output() -> None:
    with pytest.raises(ValueError, match=r"\(2,\)"):
        ad.grad(lambda x: x * 2)(np.ones(2))


@pytest.mark.parametrize("argnums", [2, -3, (0, 5)], ids=str)
def test_argnums_out_of_range(argnums: Any) -> None:
    with pytest.raises(ValueError, match="argnums"):
        ad.grad(lambda x, y: x * y, argnums=argnums)(1.0, 2.0)


@pytest.mark.parametrize("argnums", [1.0, "a", None], ids=repr)
def test_argnums_of_the_wrong_type(argnums: Any) -> None:
    with pytest.raises(TypeError, match="argnums"):
        ad.grad(lambda x, y: x * y, argnums=argnums)(1.0, 2.0)


def test_repeated_argnums() -> None:
    """Either refused, or each entry gets the full gradient (never a silent zero)."""
    f = ad.grad(lambda x, y: x * y, argnums=(0, 0))
    try:
        grads = f(2.0, 3.0)
    except ValueError:
        with pytest.raises(ValueError, match="argnums"):
            f(2.0, 3.0)
    else:
        assert grads == (3.0, 3.0)


@pytest.mark.parametrize(
    ("who", "transform"),
    [
        ("grad", lambda f, x: ad.grad(f)(x)),
        ("value_and_grad", lambda f, x: ad.value_and_grad(f)(x)),
        ("derivative", lambda f, x: ad.derivative(f)(x)),
    ],
)
@pytest.mark.parametrize("pair", [tuple, list])
def test_a_function_with_several_outputs_is_refused_by_name(
    who: str, transform: Callable[[Any, Any], Any], pair: type
) -> None:
    def f(x: Any) -> Any:
        return pair([ad.sin(x), x * 2.0])

    with pytest.raises(
        TypeError, match=rf"^{who} needs a function that returns one .* not a {pair.__name__} of 2"
    ):
        transform(f, 0.5)


def test_inputs_must_be_numbers() -> None:
    with pytest.raises(TypeError, match="str"):
        ad.grad(lambda x: x * x)("3")
    with pytest.raises(TypeError, match="str"):
        ad.derivative(lambda x: x * x)("3")


# -- chunk_size: the forward Jacobian k columns at a time ---------------------------------


def _matrix_function(x: Any) -> Any:
    w = np.arange(15.0).reshape(3, 5) / 10.0
    return ad.tanh(w @ ad.sin(x)) * ad.sum(x * x)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 7, 100])
def test_chunked_forward_jacobian_equals_one_pass(chunk_size: int) -> None:
    x = np.linspace(-1.0, 1.0, 5)  # 5 inputs: chunks of 2 leave one over
    whole = ad.jacobian(_matrix_function)(x)
    assert_allclose(ad.jacobian(_matrix_function, chunk_size=chunk_size)(x), whole, rtol=1e-14)
    assert_allclose(ad.jacobian(_matrix_function, mode="reverse")(x), whole, rtol=1e-12)
    m = np.linspace(0.1, 1.0, 6).reshape(2, 3)  # a matrix input: out_shape + in_shape
    f = lambda a: ad.sum(ad.exp(a) * a, axis=0)  # noqa: E731
    assert_allclose(ad.jacobian(f, chunk_size=chunk_size)(m), ad.jacobian(f)(m), rtol=1e-14)


def test_chunk_size_sets_the_number_of_passes() -> None:
    calls = []

    def f(x: Any) -> Any:
        calls.append(1)
        return ad.sin(x)

    ad.jacobian(f, chunk_size=4)(np.ones(10))
    assert len(calls) == 3  # 4 + 4 + 2 columns


def test_chunked_hessian() -> None:
    x = np.random.default_rng(0).uniform(-1.5, 1.5, 30)
    assert_allclose(ad.hessian(rosenbrock, chunk_size=7)(x), rosenbrock_hessian(x), rtol=1e-12)
    g = lambda a, b: ad.sum(a * a * b) + ad.sum(ad.sin(b))  # noqa: E731
    a, b = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    blocks = ad.hessian(g, argnums=(0, 1), chunk_size=1)(a, b)
    whole = ad.hessian(g, argnums=(0, 1))(a, b)
    for row, row_whole in zip(blocks, whole, strict=True):
        for block, block_whole in zip(row, row_whole, strict=True):
            assert_allclose(block, block_whole, rtol=1e-14)


def test_hessian_with_tuple_argnums_makes_one_pass_per_argument() -> None:
    calls = []

    def g(a: Any, s: Any, b: Any) -> Any:  # a scalar argument between two vectors
        calls.append(1)
        return ad.sum(a * a * b) * s + ad.sin(s) * ad.sum(b)

    args = (np.array([1.0, 2.0]), 0.5, np.array([0.5, -1.0]))
    blocks = ad.hessian(g, argnums=(0, 1, 2))(*args)
    assert len(calls) == 3  # one pass per argument, not one per block
    a, s, b = args
    assert_allclose(blocks[1][1], -np.sin(s) * np.sum(b), rtol=1e-14)  # ∂²g/∂s²
    assert_allclose(blocks[0][1], 2 * a * b, rtol=1e-14)  # ∂²g/∂a∂s
    assert_allclose(blocks[0][0], np.diag(2 * b * s), rtol=1e-14)
    gradient = ad.grad(g, argnums=(0, 1, 2))
    for i in range(3):
        for j in range(3):
            row = ad.jacobian(lambda *xs: gradient(*xs)[i], mode="reverse", argnums=j)(*args)  # noqa: B023
            assert np.shape(blocks[i][j]) == np.shape(args[i]) + np.shape(args[j])
            assert_allclose(blocks[i][j], row, rtol=1e-13, atol=1e-15)


def test_a_chunked_jacobian_can_be_differentiated() -> None:
    x = np.array([0.3, -0.2, 0.9])
    f = lambda v: ad.sum(ad.jacobian(lambda u: ad.sin(u) * u[0], chunk_size=2)(v))  # noqa: E731
    full = lambda v: ad.sum(ad.jacobian(lambda u: ad.sin(u) * u[0])(v))  # noqa: E731
    assert_allclose(ad.grad(f)(x), ad.grad(full)(x), rtol=1e-14)


# -- reverse mode: every row in one walk of the graph, with a batch of cotangents ---------


def _count_walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    walks: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        walks.append(1)
        return backpropagate(*args, **kwargs)

    monkeypatch.setattr("autodiff.transforms.backpropagate", counting)
    return walks


@pytest.mark.parametrize(("chunk_size", "walks"), [(None, 1), (1, 3), (2, 2), (3, 1), (50, 1)])
def test_reverse_jacobian_walks_the_graph_once_per_chunk(
    monkeypatch: pytest.MonkeyPatch, chunk_size: int | None, walks: int
) -> None:
    calls = []

    def f(x: Any) -> Any:
        calls.append(1)
        return _matrix_function(x)  # 3 outputs

    x = np.linspace(-1.0, 1.0, 5)
    counted = _count_walks(monkeypatch)
    jac = ad.jacobian(f, mode="reverse", chunk_size=chunk_size)(x)
    assert len(calls) == 1  # the graph is recorded once
    assert len(counted) == walks  # and walked once per chunk of rows, not once per row
    assert_allclose(jac, ad.jacobian(_matrix_function)(x), rtol=1e-12)


def test_reverse_jacobian_rows_are_the_pullbacks_of_the_basis() -> None:
    x = np.linspace(-1.0, 1.0, 5)
    jac = ad.jacobian(_matrix_function, mode="reverse")(x)
    _, pullback = ad.vjp(_matrix_function, x)
    for k, e in enumerate(np.eye(3)):
        assert_allclose(jac[k], pullback(e)[0], rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize("chunk_size", [1, 2, 4, 6, 9])
def test_chunked_reverse_jacobian_of_a_matrix_output(chunk_size: int) -> None:
    def f(a: Any, b: Any) -> Any:  # out (2, 3) from a (2, 2) and b (2, 3): 6 rows
        return ad.tanh(a @ b) * ad.sum(b)

    a, b = np.array([[0.5, -1.0], [0.25, 2.0]]), np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    ja, jb = ad.jacobian(f, mode="reverse", argnums=(0, 1), chunk_size=chunk_size)(a, b)
    fa, fb = ad.jacobian(f, argnums=(0, 1))(a, b)
    assert ja.shape == (2, 3, 2, 2)
    assert jb.shape == (2, 3, 2, 3)
    assert_allclose(ja, fa, rtol=1e-13, atol=1e-15)
    assert_allclose(jb, fb, rtol=1e-13, atol=1e-15)


def test_reverse_jacobian_of_an_input_the_output_does_not_use() -> None:
    x, y = np.array([0.1, 0.2, 0.3]), np.array([[1.0, 2.0]])
    jx, jy = ad.jacobian(lambda x, y: ad.sin(x), mode="reverse", argnums=(0, 1))(x, y)
    assert_allclose(jx, np.diag(np.cos(x)), rtol=1e-15)
    assert jy.shape == (3, 1, 2)
    assert not jy.any()


@pytest.mark.parametrize(
    ("chunk_size", "error"),
    [(0, ValueError), (-2, ValueError), (1.5, TypeError), (True, TypeError), ("2", TypeError)],
)
def test_bad_chunk_size(chunk_size: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="chunk_size must be a positive int"):
        ad.jacobian(ad.sin, chunk_size=chunk_size)
    with pytest.raises(error, match="chunk_size must be a positive int"):
        ad.hessian(lambda x: ad.sum(x * x), chunk_size=chunk_size)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0)])
def test_jacobian_of_an_empty_array(
    mode: Literal["forward", "reverse"], shape: tuple[int, ...]
) -> None:
    x = np.zeros(shape)
    assert ad.jacobian(ad.sin, mode=mode)(x).shape == shape + shape
    assert ad.jacobian(ad.sin, mode=mode, chunk_size=2)(x).shape == shape + shape
    assert ad.jacobian(lambda v: ad.sum(v) + 1.0, mode=mode)(x).shape == shape


# -- pytrees: dict/list/tuple arguments and outputs --------------------------------------

W0 = np.array([[0.5, -1.0, 0.25], [1.5, 0.75, -0.5]])
B0 = np.array([0.1, -0.2])
X0 = np.array([0.3, -0.7, 1.1])


def _loss_of(w: Any, b: Any, x: Any = X0) -> Any:
    return ad.sum(ad.tanh(w @ x + b) ** 2)


def _dict_loss(params: Any, x: Any = X0) -> Any:
    return _loss_of(params["W"], params["b"], x)


def _analytic_loss_grads(w: Any, b: Any, x: Any = X0) -> tuple[Any, Any]:
    t = np.tanh(w @ x + b)
    d = 2 * t * (1 - t**2)
    return np.outer(d, x), d


def test_grad_of_a_dict_is_a_dict_of_the_same_keys() -> None:
    g = ad.grad(_dict_loss)({"W": W0, "b": B0})
    assert isinstance(g, dict)
    assert list(g) == ["W", "b"]
    dw, db = _analytic_loss_grads(W0, B0)
    assert_allclose(g["W"], dw, rtol=1e-13)
    assert_allclose(g["b"], db, rtol=1e-13)
    flat = ad.grad(_loss_of, argnums=(0, 1))(W0, B0)  # the non-pytree path agrees
    assert_allclose(g["W"], flat[0], rtol=0)
    assert_allclose(g["b"], flat[1], rtol=0)


def test_grad_keeps_lists_tuples_nesting_and_scalars() -> None:
    def f(p: Any) -> Any:
        (a, b), rest = p["pair"], p["rest"]
        return a * b + ad.sum(rest[0] ** 2) * rest[1]["c"]

    p = {"pair": (2.0, 3.0), "rest": [np.array([1.0, 2.0]), {"c": 0.5}]}
    g = ad.grad(f)(p)
    assert g["pair"] == (3.0, 2.0)
    assert isinstance(g["rest"], list)
    assert_allclose(g["rest"][0], [1.0, 2.0], rtol=0)  # 2 * rest[0] * c
    assert g["rest"][1] == {"c": 5.0}
    assert isinstance(g["rest"][1]["c"], float)


def test_value_and_grad_with_a_tree_among_several_argnums() -> None:
    value, (gp, gx) = ad.value_and_grad(_dict_loss, argnums=(0, 1))({"W": W0, "b": B0}, X0)
    assert value == pytest.approx(float(np.sum(np.tanh(W0 @ X0 + B0) ** 2)), rel=1e-14)
    ref = ad.grad(_loss_of, argnums=(0, 1, 2))(W0, B0, X0)
    assert_allclose(gp["W"], ref[0], rtol=1e-14)
    assert_allclose(gp["b"], ref[1], rtol=1e-14)
    assert_allclose(gx, ref[2], rtol=1e-14)


def test_a_named_tuple_argument_keeps_its_type() -> None:
    from typing import NamedTuple

    class Params(NamedTuple):
        w: Any
        b: Any

    g = ad.grad(lambda p: p.w * 3.0 + p.b**2)(Params(1.0, 2.0))
    assert g == Params(3.0, 4.0)
    assert isinstance(g, Params)


def test_an_empty_tree_has_an_empty_gradient() -> None:
    assert ad.grad(lambda p, x: x * x, argnums=(0, 1))({}, 3.0) == ({}, 6.0)


def test_jvp_with_tree_primals_and_outputs() -> None:
    primals = ({"W": W0, "b": B0},)
    tw, tb = np.ones_like(W0), np.array([1.0, -1.0])
    out, tangent = ad.jvp(
        lambda p: {"loss": _dict_loss(p), "z": [p["W"] @ X0]}, primals, ({"W": tw, "b": tb},)
    )
    dw, db = _analytic_loss_grads(W0, B0)
    assert out["loss"] == pytest.approx(float(_dict_loss({"W": W0, "b": B0}).__float__()))
    assert tangent["loss"] == pytest.approx(float(np.sum(dw * tw) + np.sum(db * tb)), rel=1e-13)
    assert isinstance(tangent["z"], list)
    assert_allclose(tangent["z"][0], tw @ X0, rtol=0)
    # a tuple output, a list argument
    out, tangent = ad.jvp(lambda v: (v[0] * v[1], v[0]), ([2.0, 3.0],), ([1.0, 0.0],))
    assert out == (6.0, 2.0)
    assert tangent == (3.0, 1.0)


def test_vjp_with_tree_primals_and_outputs() -> None:
    def f(p: Any) -> Any:
        return (p["W"] @ X0 + p["b"], {"s": ad.sum(p["b"])})

    out, pullback = ad.vjp(f, {"W": W0, "b": B0})
    assert_allclose(out[0], W0 @ X0 + B0, rtol=0)
    assert out[1] == {"s": pytest.approx(float(np.sum(B0)))}
    u = np.array([1.0, 2.0])
    (g,) = pullback((u, {"s": 10.0}))
    assert_allclose(g["W"], np.outer(u, X0), rtol=0)
    assert_allclose(g["b"], u + 10.0, rtol=0)
    (again,) = pullback((np.zeros(2), {"s": 1.0}))  # the pullback can be called again
    assert not again["W"].any()
    assert_allclose(again["b"], [1.0, 1.0], rtol=0)


def test_vjp_of_a_tuple_output_that_only_partly_depends_on_the_input() -> None:
    out, pullback = ad.vjp(lambda x, y: (3.0, x * y, np.ones(2)), 2.0, 5.0)
    assert out[0] == 3.0
    assert out[1] == 10.0
    assert pullback((1.0, 1.0, np.ones(2))) == (5.0, 2.0)
    assert pullback((1.0, 0.0, np.ones(2))) == (0.0, 0.0)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("chunk_size", [None, 1, 4])
def test_jacobian_of_trees_is_a_tree_of_trees(
    mode: Literal["forward", "reverse"], chunk_size: int | None
) -> None:
    def f(p: Any) -> Any:
        return (ad.tanh(p["W"] @ X0 + p["b"]), ad.sum(p["W"]) * p["b"])

    jac = ad.jacobian(f, mode=mode, chunk_size=chunk_size)({"W": W0, "b": B0})
    assert isinstance(jac, tuple)
    assert len(jac) == 2
    g = lambda w, b: ad.tanh(w @ X0 + b)  # noqa: E731
    h = lambda w, b: ad.sum(w) * b  # noqa: E731
    for block, fn in ((jac[0], g), (jac[1], h)):
        assert list(block) == ["W", "b"]
        ref_w, ref_b = ad.jacobian(fn, argnums=(0, 1))(W0, B0)
        assert block["W"].shape == (2, 2, 3)
        assert block["b"].shape == (2, 2)
        assert_allclose(block["W"], ref_w, rtol=1e-13, atol=1e-15)
        assert_allclose(block["b"], ref_b, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_jacobian_of_a_dict_output_and_several_argnums(mode: Literal["forward", "reverse"]) -> None:
    jac = ad.jacobian(lambda x, y: {"p": x * y, "q": x[0]}, mode=mode, argnums=(0, 1))(
        np.array([1.0, 2.0]), 3.0
    )
    assert_allclose(jac["p"][0], 3.0 * np.eye(2), rtol=0)
    assert_allclose(jac["p"][1], [1.0, 2.0], rtol=0)
    assert_allclose(jac["q"][0], [1.0, 0.0], rtol=0)
    assert jac["q"][1] == 0.0


def test_hessian_of_a_dict_is_a_tree_of_trees() -> None:
    def f(p: Any) -> Any:
        return ad.sum(p["a"] ** 2 * p["b"]) + ad.sin(p["b"]) * p["c"] ** 3

    p: dict[str, Any] = {"a": np.array([1.0, 2.0]), "b": 0.5, "c": 2.0}
    hess = ad.hessian(f)(p)
    flat = ad.hessian(lambda a, b, c: f({"a": a, "b": b, "c": c}), argnums=(0, 1, 2))(
        p["a"], p["b"], p["c"]
    )
    names = ["a", "b", "c"]
    for i, ni in enumerate(names):
        for j, nj in enumerate(names):
            assert np.shape(hess[ni][nj]) == np.shape(p[ni]) + np.shape(p[nj])
            assert_allclose(hess[ni][nj], flat[i][j], rtol=1e-14, atol=1e-15)
    assert_allclose(hess["a"]["a"], np.diag([1.0, 1.0]), rtol=0)  # 2b on the diagonal
    assert hess["c"]["c"] == pytest.approx(6 * np.sin(0.5) * 2.0, rel=1e-14)


def test_nested_grad_over_trees() -> None:
    inner = ad.grad(lambda p: p["x"] ** 3 * p["y"])  # {x: 3x²y, y: x³}
    g = ad.grad(lambda p: inner(p)["x"])({"x": 2.0, "y": 3.0})  # ∂(3x²y): {x: 6xy, y: 3x²}
    assert g == {"x": 36.0, "y": 12.0}


# -- has_aux -------------------------------------------------------------------------------


def test_grad_and_value_and_grad_with_has_aux_have_jax_shapes() -> None:
    def f(p: Any) -> Any:
        z = p["W"] @ X0 + p["b"]
        return ad.sum(ad.tanh(z) ** 2), {"z": z, "note": "logits", "n": [2, (z,)]}

    params = {"W": W0, "b": B0}
    g, aux = ad.grad(f, has_aux=True)(params)
    dw, db = _analytic_loss_grads(W0, B0)
    assert_allclose(g["W"], dw, rtol=1e-13)
    assert_allclose(g["b"], db, rtol=1e-13)
    assert type(aux["z"]) is np.ndarray  # plain values, not tracers
    assert_allclose(aux["z"], W0 @ X0 + B0, rtol=0)
    assert aux["note"] == "logits"
    assert aux["n"][0] == 2
    assert type(aux["n"][1][0]) is np.ndarray
    (loss, aux2), g2 = ad.value_and_grad(f, has_aux=True)(params)
    assert loss == pytest.approx(float(np.sum(np.tanh(W0 @ X0 + B0) ** 2)), rel=1e-14)
    assert_allclose(aux2["z"], aux["z"], rtol=0)
    assert_allclose(g2["b"], g["b"], rtol=0)


def test_has_aux_with_argnums_and_a_scalar_aux() -> None:
    g, aux = ad.grad(lambda x, y: (x * y, x + y), argnums=(0, 1), has_aux=True)(2.0, 5.0)
    assert g == (5.0, 2.0)
    assert aux == 7.0
    assert isinstance(aux, float)


def test_has_aux_inside_another_transform_keeps_the_outer_derivative() -> None:
    # the aux of the inner grad is traced by the outer one: only the inner tracing goes
    def outer(x: Any) -> Any:
        g, aux = ad.grad(lambda y: (x * y * y, x * y), has_aux=True)(3.0)
        return g + aux  # 6x + 3x

    assert ad.grad(outer)(2.0) == 9.0


# -- keyword arguments pass through, undifferentiated ------------------------------------


def test_keyword_arguments_pass_through_every_transform() -> None:
    def f(x: Any, *, scale: float, shift: Any = 0.0) -> Any:
        return scale * x * x + shift

    kw = {"scale": 2.0, "shift": np.array([1.0, -1.0])}
    x = np.array([1.0, 3.0])
    assert ad.grad(lambda x, **k: ad.sum(f(x, **k)))(x, **kw).tolist() == [4.0, 12.0]
    value, g = ad.value_and_grad(f)(3.0, scale=2.0)
    assert (value, g) == (18.0, 12.0)
    assert ad.derivative(f)(3.0, scale=2.0) == 12.0
    assert_allclose(ad.jacobian(f)(x, **kw), np.diag([4.0, 12.0]), rtol=0)
    assert_allclose(ad.jacobian(f, mode="reverse")(x, **kw), np.diag([4.0, 12.0]), rtol=0)
    assert_allclose(ad.hessian(lambda x, **k: ad.sum(f(x, **k)))(x, **kw), 4.0 * np.eye(2))
    out, tangent = ad.jvp(f, (x,), (np.ones(2),), **kw)
    assert_allclose(out, [3.0, 17.0], rtol=0)
    assert_allclose(tangent, [4.0, 12.0], rtol=0)
    out, pullback = ad.vjp(f, x, **kw)
    assert_allclose(pullback(np.ones(2))[0], [4.0, 12.0], rtol=0)


def test_keyword_arguments_are_constants() -> None:
    seen = []

    def f(x: Any, w: Any = None) -> Any:
        seen.append(w)
        return x * w

    assert ad.grad(f)(2.0, w=np.float64(3.0)) == 3.0
    assert not isinstance(seen[-1], ad.Tracer)
    assert ad.grad(f, argnums=0)(2.0, w=4.0) == 4.0


# -- pytree misuse: clear errors naming the transform and the leaf -----------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: ad.grad(lambda params: 0.0)({"layers": [{"W": 1.0}, {"W": None}]}),
            TypeError,
            r"^grad: params\['layers'\]\[1\]\['W'\] is None, not a number",
        ),
        (
            lambda: ad.value_and_grad(lambda p, q: 0.0, argnums=1)(1.0, ["a"]),
            TypeError,
            r"^value_and_grad: q\[0\] is a str",
        ),
        (
            lambda: ad.jacobian(lambda *xs: 0.0)((1.0, "x")),
            TypeError,
            r"^jacobian: argument 0\[1\] is a str",
        ),
        (
            lambda: ad.hessian(lambda p: p["a"] ** 2)({"a": 1.0, "b": object()}),
            TypeError,
            r"^hessian: argument 0\['b'\] is a object",
        ),
        (
            lambda: ad.vjp(lambda p: 0.0, {"a": None}),
            TypeError,
            r"^vjp: primal 0\['a'\] is None",
        ),
        (
            lambda: ad.jvp(lambda p: 0.0, ({"a": 1.0},), ({"a": "1"},)),
            TypeError,
            r"^jvp: tangent 0\['a'\] is a str",
        ),
        (
            lambda: ad.jvp(lambda p: 0.0, ({"a": 1.0},), ({"b": 1.0},)),
            ValueError,
            r"^jvp: tangent 0 has structure TreeDef\(\{'b': \*\}\) but primal 0 has structure",
        ),
        (
            lambda: ad.jvp(lambda p: 0.0, ({"a": 1.0},), (1.0,)),
            ValueError,
            r"^jvp: tangent 0 has structure TreeDef\(\*\) but primal 0",
        ),
        (
            lambda: ad.jvp(lambda p: 0.0, ({"a": np.ones(2)},), ({"a": np.ones(3)},)),
            ValueError,
            r"^jvp: tangent 0\['a'\] has shape \(3,\) but primal 0\['a'\] has shape \(2,\)",
        ),
        (
            lambda: ad.vjp(lambda x: (x, x), 1.0)[1](1.0),
            ValueError,
            (
                r"^vjp: the cotangent has structure TreeDef\(\*\) but the output has structure "
                r"TreeDef\(\(\*, \*\)\)"
            ),
        ),
        (
            lambda: ad.vjp(lambda x: {"a": x * np.ones(2)}, 1.0)[1]({"a": 1.0}),
            ValueError,
            r"^vjp: the cotangent at \['a'\] has shape \(\) but the output at \['a'\] has shape",
        ),
        (
            lambda: ad.vjp(lambda x: (x, x), 1.0)[1]((1.0, None)),
            TypeError,
            r"^vjp: the cotangent\[1\] is None",
        ),
        (
            lambda: ad.jacobian(lambda x: {"a": x, "b": None})(1.0),
            TypeError,
            r"^jacobian: the output\['b'\] is None",
        ),
        (
            lambda: ad.jvp(lambda x: [x, "x"], (1.0,), (1.0,)),
            TypeError,
            r"^jvp: the output\[1\] is a str",
        ),
        (
            lambda: ad.grad(lambda x: x, has_aux=True)(1.0),
            TypeError,
            (
                r"^grad\(f, has_aux=True\) needs f to return a pair \(loss, aux\), but it returned "
                "one Variable; return"
            ),
        ),
        (
            lambda: ad.value_and_grad(lambda x: (x, 1.0, 2.0), has_aux=True)(1.0),
            TypeError,
            r"^value_and_grad\(f, has_aux=True\) needs .* returned a tuple of 3",
        ),
        (
            lambda: ad.grad(lambda x: ((x, x), None), has_aux=True)(1.0),
            TypeError,
            r"^grad needs a function that returns one number or array, not a tuple of 2",
        ),
        (
            lambda: ad.grad(lambda x: x, has_aux=1),  # type: ignore[arg-type]
            TypeError,
            "^grad: has_aux must be True or False, not 1",
        ),
        (
            lambda: ad.grad(lambda p: p["a"])({1: 1.0, "a": 2.0}),
            TypeError,
            r"^grad: the keys of the dict p cannot be sorted",
        ),
    ],
)
def test_pytree_and_has_aux_misuse(
    call: Callable[[], Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call()


def test_a_list_argument_is_a_container_not_an_array() -> None:
    # as in JAX: the function gets a list of traced values, and arithmetic on the list
    # itself fails as it would on a list of floats; an array argument is the fix
    with pytest.raises(TypeError):
        ad.grad(lambda x: ad.sum(x * x))([1.0, 2.0])
    assert_allclose(ad.grad(lambda x: ad.sum(x * x))(np.array([1.0, 2.0])), [2.0, 4.0])


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_jacobian_with_repeated_argnums(mode: Literal["forward", "reverse"]) -> None:
    x, y = np.array([1.0, 2.0]), 3.0
    jx, jx2, jy = ad.jacobian(lambda x, y: x * y, mode=mode, argnums=(0, 0, 1))(x, y)
    assert_allclose(jx, 3.0 * np.eye(2), rtol=0)
    assert_allclose(jx2, jx, rtol=0)
    assert_allclose(jy, x, rtol=0)
    jp, jq = ad.jacobian(lambda p: p["a"] * y, mode=mode, argnums=(0, 0))({"a": x})
    assert_allclose(jp["a"], 3.0 * np.eye(2), rtol=0)
    assert_allclose(jq["a"], jp["a"], rtol=0)


def test_forward_jacobian_chunks_bound_the_memory_of_the_basis() -> None:
    """Only one block of the identity exists at a time: with 10 columns a pass, the peak
    is about the Jacobian and its assembly, far below the one-pass peak."""
    import tracemalloc

    x = np.linspace(0.1, 1.0, 600)

    def f(v: Any) -> Any:
        return ad.sin(v) * v

    peaks = {}
    for chunk in (None, 10):
        tracemalloc.start()
        jac = ad.jacobian(f, mode="forward", chunk_size=chunk)(x)
        peaks[chunk] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        np.testing.assert_allclose(np.diag(jac), np.cos(x) * x + np.sin(x))
    assert peaks[10] < 0.6 * peaks[None], peaks
