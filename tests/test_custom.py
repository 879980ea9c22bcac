"""stop_gradient, detach, custom_vjp, custom_jvp and checkpoint."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff import Dual, Variable

# -- stop_gradient and detach -----------------------------------------------------------


def test_stop_gradient_keeps_the_value_and_drops_the_derivative() -> None:
    assert ad.stop_gradient(2) == 2.0
    assert isinstance(ad.stop_gradient(2), float)
    x = np.array([1.0, 2.0])
    assert_allclose(ad.stop_gradient(x), x)
    assert ad.grad(lambda x: x * ad.stop_gradient(x))(3.0) == 3.0
    assert ad.stop_gradient(Dual(2.0, 1.0)).tangent == 0.0
    assert ad.jvp(lambda x: ad.stop_gradient(x) * x, (3.0,), (1.0,)) == (9.0, 3.0)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_stop_gradient_in_jacobians(mode: str) -> None:
    x = np.array([1.0, 2.0])
    jac = ad.jacobian(lambda x: x * ad.stop_gradient(x), mode=mode)(x)  # type: ignore[arg-type]
    assert_allclose(jac, np.diag(x))


def test_stop_gradient_at_every_order() -> None:
    assert ad.grad(ad.grad(lambda x: x * ad.stop_gradient(x) ** 2))(3.0) == 0.0
    h = ad.hessian(lambda x: ad.sum(x * ad.stop_gradient(x) ** 2))(np.array([1.0, 2.0]))
    assert_allclose(h, np.zeros((2, 2)))
    nested = ad.stop_gradient(Variable(Dual(2.0, 1.0)))
    assert nested.value.tangent == 0.0


def test_detach_is_a_new_input_with_a_copy() -> None:
    x = Variable(np.array([1.0, 2.0]), name="x")
    d = x.detach()
    assert d.op == ""
    assert d.parents == ()
    assert d.value is not x.value
    assert_allclose(d.value, x.value)
    y = ad.sum(x * d)
    y.backward()
    assert_allclose(x.grad, [1.0, 2.0])
    assert_allclose(d.grad, [1.0, 2.0])  # the copy is an input of its own


def test_detach_inside_a_transform_cuts_that_level() -> None:
    assert ad.grad(lambda x: x * x.detach())(3.0) == 3.0


def test_dual_detach_has_zero_tangents() -> None:
    d = Dual(np.ones(2), np.array([1.0, 2.0])).detach()
    assert_allclose(d.tangent, [0.0, 0.0])
    batched = Dual.at_level(np.ones(2), np.ones((3, 2)), 0, batched=True).detach()
    assert batched.batched
    assert batched.tangent.shape == (3, 2)


# -- custom_vjp -------------------------------------------------------------------------


def _naive_log1pexp(x: Any) -> Any:
    return ad.log(1.0 + ad.exp(x))


@ad.custom_vjp
def log1pexp_v(x: Any) -> Any:
    return _naive_log1pexp(x)


def _log1pexp_fwd(x: Any) -> tuple[Any, Any]:
    return log1pexp_v(x), x


def _log1pexp_bwd(x: Any, g: Any) -> tuple[Any]:
    return (g * ad.sigmoid(x),)


log1pexp_v.defvjp(_log1pexp_fwd, _log1pexp_bwd)


def test_custom_vjp_log1pexp_is_stable_where_the_naive_gradient_is_nan() -> None:
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(ad.grad(_naive_log1pexp)(1000.0))
        assert ad.grad(log1pexp_v)(1000.0) == 1.0
    assert_allclose(ad.grad(log1pexp_v)(0.5), 1 / (1 + np.exp(-0.5)))
    assert log1pexp_v.__name__ == "log1pexp_v"
    assert log1pexp_v(0.0) == np.log(2.0)


@ad.custom_vjp
def clip_gradient(x: Any, bound: Any) -> Any:
    return x


def _clip_fwd(x: Any, bound: Any) -> tuple[Any, Any]:
    return x, bound


def _clip_bwd(bound: Any, g: Any) -> tuple[Any, None]:
    return ad.maximum(ad.minimum(g, bound), -bound), None


clip_gradient.defvjp(_clip_fwd, _clip_bwd)


def test_custom_vjp_clips_gradients_in_every_reverse_transform() -> None:
    x = np.array([1.0, -2.0, 0.1])

    def loss(x: Any) -> Any:
        return ad.sum(clip_gradient(x, 0.5) * np.array([10.0, -10.0, 0.2]))

    assert_allclose(ad.grad(loss)(x), [0.5, -0.5, 0.2])
    value, g = ad.value_and_grad(loss)(x)
    assert_allclose(g, [0.5, -0.5, 0.2])
    assert_allclose(value, 10.0 + 20.0 + 0.02)
    w = Variable(x, name="w")
    loss(w).backward()
    assert_allclose(w.grad, [0.5, -0.5, 0.2])
    out, pullback = ad.vjp(lambda x: clip_gradient(x, 0.5), x)
    assert_allclose(out, x)
    assert_allclose(pullback(np.array([3.0, -3.0, 0.3]))[0], [0.5, -0.5, 0.3])
    jac = ad.jacobian(log1pexp_v, mode="reverse")(x)  # a bwd linear in g: a batch at once
    assert_allclose(jac, np.diag(1 / (1 + np.exp(-x))))


@ad.custom_vjp
def fixed_point(a: Any) -> Any:
    """The solution ``x`` of ``x = cos(a x)``, by iteration."""
    x = 0.5
    for _ in range(200):
        x = ad.cos(a * x)
    return x


def _fixed_point_fwd(a: Any) -> tuple[Any, Any]:
    x = fixed_point(a)
    return x, (a, x)


def _fixed_point_bwd(residuals: Any, g: Any) -> tuple[Any]:
    # F(x, a) = cos(a x) - x = 0, so dx/da = -F_a / F_x = -x sin(a x) / (a sin(a x) + 1)
    a, x = residuals
    s = ad.sin(a * x)
    return (g * -x * s / (a * s + 1.0),)


fixed_point.defvjp(_fixed_point_fwd, _fixed_point_bwd)


def test_custom_vjp_implicit_function_theorem_matches_finite_differences() -> None:
    a, h = 0.8, 1e-6
    x = fixed_point(a)
    assert_allclose(x, np.cos(a * x), atol=1e-14)
    numeric = (fixed_point(a + h) - fixed_point(a - h)) / (2 * h)
    assert_allclose(ad.grad(fixed_point)(a), numeric, rtol=1e-7)
    assert len(ad.topological_order(fixed_point(Variable(a)))) == 2  # one node, not 200
    # the second derivative differentiates the rule itself (written with autodiff)
    numeric2 = (ad.grad(fixed_point)(a + 1e-4) - ad.grad(fixed_point)(a - 1e-4)) / 2e-4
    assert_allclose(ad.grad(ad.grad(fixed_point))(a), numeric2, rtol=1e-6)


def test_custom_vjp_reverse_over_reverse() -> None:
    @ad.custom_vjp
    def f(x: Any, y: Any) -> Any:
        return ad.sin(x) * y

    def f_fwd(x: Any, y: Any) -> tuple[Any, Any]:
        return f(x, y), (ad.cos(x), ad.sin(x), y)

    def f_bwd(res: Any, g: Any) -> tuple[Any, Any]:
        c, s, y = res
        return c * g * y, s * g

    f.defvjp(f_fwd, f_bwd)
    assert ad.grad(f, argnums=(0, 1))(1.0, 2.0) == (2 * np.cos(1.0), np.sin(1.0))
    assert_allclose(ad.grad(ad.grad(f))(1.0, 2.0), -2 * np.sin(1.0))
    assert_allclose(ad.grad(ad.grad(f), argnums=1)(1.0, 2.0), np.cos(1.0))
    assert_allclose(f(y=2.0, x=1.0), 2 * np.sin(1.0))  # keywords take their place


def test_custom_vjp_refuses_forward_mode_naming_the_function() -> None:
    message = r"forward-mode autodiff .* custom_vjp function log1pexp_v"
    with pytest.raises(TypeError, match=message):
        ad.jvp(log1pexp_v, (1.0,), (1.0,))
    with pytest.raises(TypeError, match=message):
        log1pexp_v(Dual(1.0, 1.0))
    with pytest.raises(TypeError, match=message):
        ad.jacobian(log1pexp_v)(np.ones(2))
    with pytest.raises(TypeError, match=message):
        ad.hessian(lambda x: ad.sum(log1pexp_v(x)))(np.ones(2))
    with pytest.raises(TypeError, match=message):
        ad.derivative(log1pexp_v)(1.0)


def test_custom_vjp_misuse() -> None:
    with pytest.raises(TypeError, match=r"custom_vjp takes the function to differentiate"):
        ad.custom_vjp(3.0)  # type: ignore[arg-type]
    f = ad.custom_vjp(lambda x: x * 2.0)
    with pytest.raises(TypeError, match=r"no rule: call <lambda>\.defvjp"):
        f(1.0)
    with pytest.raises(TypeError, match=r"defvjp takes bwd, a function, not NoneType"):
        f.defvjp(lambda x: (x, None), None)  # type: ignore[arg-type]

    f.defvjp(lambda x: x * 2.0, lambda r, g: (g,))
    with pytest.raises(TypeError, match=r"fwd must return a pair \(out, residuals\), not float"):
        ad.grad(f)(1.0)
    f.defvjp(lambda x: (x * 2.0, None), lambda r, g: (g, g))
    with pytest.raises(TypeError, match=r"bwd returned 2 cotangent\(s\) for 1 positional"):
        ad.grad(f)(1.0)
    f.defvjp(lambda x: (x * 2.0, None), lambda r, g: g)
    with pytest.raises(TypeError, match=r"bwd must return a tuple of cotangents"):
        ad.grad(f)(1.0)
    f.defvjp(lambda x: (x * 2.0, None), lambda r, g: (np.ones(3),))
    with pytest.raises(ValueError, match=r"cotangent of shape \(3,\) for argument 0, which"):
        ad.grad(f)(1.0)
    f.defvjp(lambda x: ("two", None), lambda r, g: (g,))
    with pytest.raises(TypeError, match=r"the output of fwd must be a float, an array"):
        ad.grad(f)(1.0)


def test_custom_vjp_names_its_node_in_tables_and_drawings() -> None:
    x = Variable(1.0, name="x")
    y = log1pexp_v(x)
    assert y.op == "log1pexp_v"
    assert y.parents == (x,)
    table = ad.trace_table(lambda x: log1pexp_v(x) * x, 1.0, mode="reverse")
    assert [r.expression for r in table.rows][1] == "log1pexp_v(v₀)"
    assert "label=log1pexp_v" in ad.draw(y).source


# -- checkpoint -------------------------------------------------------------------------


def _block(x: Any, scale: float = 1.01) -> Any:
    """200 elementwise operations."""
    for _ in range(100):
        x = ad.tanh(x) * scale
    return x


_checkpointed_block = ad.checkpoint(_block)


def _retained_after_forward(block: Any) -> tuple[int, Any]:
    """The memory a 40-block network holds between its forward pass and ``backward()``
    (measured with tracemalloc), and the gradient of its input."""
    x = Variable(np.linspace(-1.0, 1.0, 256), name="x")
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        h = x
        for _ in range(40):
            h = block(h)
        loss = ad.sum(h)
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    loss.backward()
    return retained, x.grad


def test_checkpoint_keeps_a_quarter_of_the_memory_or_less_with_the_same_gradient() -> None:
    plain, g_plain = _retained_after_forward(_block)
    kept, g_checkpointed = _retained_after_forward(_checkpointed_block)
    assert plain >= 4 * kept, (plain, kept)  # about 18 MB against 0.1 MB
    np.testing.assert_array_equal(g_checkpointed, g_plain)


def test_checkpoint_records_one_node_and_recomputes_in_reverse() -> None:
    x = Variable(np.array([0.5, -1.0]), name="x")
    y = _checkpointed_block(x)
    assert y.op == "_block"
    assert ad.topological_order(y) == [x, y]
    assert_allclose(y.value, _block(np.array([0.5, -1.0])))
    assert "label=_block" in ad.draw(y).source
    table = ad.trace_table(lambda x: _checkpointed_block(x) * x, 0.5, mode="reverse")
    assert [r.expression for r in table.rows][1] == "_block(v₀)"
    assert table.rows[0].derivative == ad.grad(lambda x: _block(x) * x)(0.5)


@pytest.mark.parametrize(
    "transform",
    [
        lambda f: ad.grad(lambda x: ad.sum(f(x))),
        lambda f: ad.jacobian(f, mode="reverse"),
        lambda f: ad.jacobian(f, mode="forward"),
        lambda f: ad.hessian(lambda x: ad.sum(f(x))),
        lambda f: ad.grad(lambda x: ad.sum(ad.grad(lambda y: ad.sum(f(y) * y))(x))),
    ],
    ids=["grad", "jacrev", "jacfwd", "hessian", "grad-of-grad"],
)
def test_checkpoint_gives_the_same_derivatives_in_every_transform(transform: Any) -> None:
    def block(x: Any) -> Any:
        return _block(x, 1.5)[:3] * x[0]  # 200 ops, then a non-elementwise step

    x = np.array([0.3, -0.2, 0.9])
    assert_allclose(transform(ad.checkpoint(block))(x), transform(block)(x), rtol=0, atol=1e-15)


def test_checkpoint_passes_keywords_and_plain_values_on() -> None:
    block = ad.checkpoint(_block)
    assert_allclose(block(0.5, scale=1.5), _block(0.5, 1.5))
    assert ad.grad(lambda x: block(x, scale=1.5))(0.5) == ad.grad(lambda x: _block(x, 1.5))(0.5)
    assert block.__name__ == "_block"


def test_checkpoint_misuse() -> None:
    with pytest.raises(TypeError, match=r"checkpoint takes the function to rematerialise"):
        ad.checkpoint("f")  # type: ignore[arg-type]
    w = Variable(2.0, name="w")
    closes_over = ad.checkpoint(lambda x: x * w)
    with pytest.raises(TypeError, match=r"closed over it\); pass it as an argument"):
        closes_over(Variable(1.0))
    takes_it = ad.checkpoint(lambda x, w: x * w)
    x = Variable(1.0)
    takes_it(x, w).backward()
    assert (x.grad, w.grad) == (2.0, 1.0)
    with pytest.raises(TypeError, match=r"the output must be a float, an array"):
        ad.checkpoint(lambda x: "x")(Variable(1.0))


# -- custom_jvp -------------------------------------------------------------------------


@ad.custom_jvp
def log1pexp(x: Any) -> Any:
    return ad.log(1.0 + ad.exp(x))


@log1pexp.defjvp
def _log1pexp_jvp(primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]:
    (x,), (t,) = primals, tangents
    return log1pexp(x), t * ad.sigmoid(x)


@pytest.mark.parametrize(
    "derivative",
    [ad.grad, ad.derivative, lambda f: lambda x: ad.jvp(f, (x,), (1.0,))[1]],
    ids=["grad", "derivative", "jvp"],
)
def test_custom_jvp_log1pexp_is_stable_in_both_modes(derivative: Any) -> None:
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(derivative(_naive_log1pexp)(1000.0))
        assert derivative(log1pexp)(1000.0) == 1.0
    assert_allclose(derivative(log1pexp)(0.5), 1 / (1 + np.exp(-0.5)))


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_custom_jvp_jacobians_batched_and_not(mode: str) -> None:
    x = np.array([-1.0, 0.0, 1000.0])
    with np.errstate(over="ignore"):
        jac = ad.jacobian(log1pexp, mode=mode)(x)  # type: ignore[arg-type]
        chunked = ad.jacobian(log1pexp, mode=mode, chunk_size=2)(x)  # type: ignore[arg-type]
    assert_allclose(jac, np.diag(1 / (1 + np.exp(-x))))
    assert_allclose(chunked, jac)


def test_custom_jvp_nests_in_every_order() -> None:
    expected = 0.25  # sigmoid'(0)
    assert ad.grad(ad.grad(log1pexp))(0.0) == expected
    assert ad.derivative(ad.derivative(log1pexp))(0.0) == expected
    assert ad.derivative(ad.grad(log1pexp))(0.0) == expected
    assert ad.grad(ad.derivative(log1pexp))(0.0) == expected
    x = np.array([-1.0, 0.0, 2.0])
    s = 1 / (1 + np.exp(-x))
    assert_allclose(ad.hessian(lambda x: ad.sum(log1pexp(x)))(x), np.diag(s * (1 - s)))


def test_custom_jvp_of_two_arguments_in_reverse_mode() -> None:
    @ad.custom_jvp
    def f(x: Any, y: Any) -> Any:
        return x * y

    @f.defjvp
    def f_jvp(primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]:
        (x, y), (tx, ty) = primals, tangents
        return f(x, y), tx * y + x * ty * 10.0  # a deliberately different rule for y

    assert ad.grad(f, argnums=(0, 1))(2.0, 3.0) == (3.0, 20.0)
    assert ad.grad(lambda x: f(x, 3.0))(2.0) == 3.0  # a constant operand: zero tangent
    assert ad.grad(ad.grad(f), argnums=1)(2.0, 3.0) == 1.0
    x = Variable(2.0)
    y = f(x, 3.0)
    y.backward()
    y.backward()  # the record is kept: backward runs again
    assert x.grad == 6.0


def test_custom_jvp_misuse() -> None:
    with pytest.raises(TypeError, match=r"custom_jvp takes the function to differentiate"):
        ad.custom_jvp(None)  # type: ignore[arg-type]
    f = ad.custom_jvp(lambda x: x * 2.0)
    with pytest.raises(TypeError, match=r"no rule: call <lambda>\.defjvp\(jvp\)"):
        f(1.0)
    with pytest.raises(TypeError, match=r"defjvp takes jvp, a function, not int"):
        f.defjvp(1)  # type: ignore[arg-type]
    f.defjvp(lambda p, t: p[0] * 2.0)
    for transform in (ad.grad, ad.derivative):
        with pytest.raises(TypeError, match=r"jvp must return a pair \(out, tangent_out\)"):
            transform(f)(1.0)
    f.defjvp(lambda p, t: (p[0] * 2.0, np.ones(2)))
    for transform in (ad.grad, ad.derivative):
        with pytest.raises(ValueError, match=r"a tangent of shape \(2,\) for an output of shape"):
            transform(f)(1.0)
    f.defjvp(lambda p, t: (p[0] + t[0], t[0]))
    with pytest.raises(TypeError, match=r"the output of jvp depends on the tangents"):
        ad.grad(f)(1.0)
    with pytest.raises(TypeError, match=r"<lambda>: got an unexpected keyword argument 'z'"):
        f(1.0, z=2.0)

    @ad.custom_jvp
    def g(*xs: Any, scale: float = 1.0) -> Any:
        return xs[0] * scale

    g.defjvp(lambda p, t: (g(*p), t[0]))
    with pytest.raises(TypeError, match=r"keyword arguments \['scale'\] have no position"):
        g(1.0, scale=2.0)


def test_custom_jvp_names_its_node_in_tables_and_drawings() -> None:
    x = Variable(1.0, name="x")
    assert log1pexp(x).op == "log1pexp"
    assert "label=log1pexp" in ad.draw(log1pexp(x)).source
    for mode in ("forward", "reverse"):
        table = ad.trace_table(lambda x: log1pexp(x) * x, 1.0, mode=mode)
        assert table.rows[1].expression == "log1pexp(v₀)"
        derivative = table.rows[-1 if mode == "forward" else 0].derivative  # ẏ or x̄
        assert_allclose(derivative, np.log1p(np.e) + 1 / (1 + np.exp(-1.0)))


def test_rules_that_close_over_a_traced_value_are_refused() -> None:
    def with_jvp(w: Any) -> Any:
        f = ad.custom_jvp(lambda x: x * w)
        f.defjvp(lambda p, t: (p[0] * w, t[0] * w))
        return f(w)

    def with_vjp(w: Any) -> Any:
        f = ad.custom_vjp(lambda x: x * 2.0)
        f.defvjp(lambda x: (x * 2.0, None), lambda r, ct: (ct * w,))
        return f(w)

    with pytest.raises(TypeError, match="closed over it"):
        ad.derivative(with_jvp)(3.0)
    with pytest.raises(TypeError, match="closed over it"):
        ad.grad(with_vjp)(3.0)


def test_a_reverse_jacobian_calls_bwd_once_per_row() -> None:
    """A bwd that is not linear in g (a clipping), or written with NumPy, gives the
    rows that vjp gives, as JAX's jacrev does."""
    clip = ad.custom_vjp(lambda x: x)
    clip.defvjp(lambda x: (x, None), lambda r, g: (ad.maximum(ad.minimum(g, 1.0), -1.0),))
    x = np.array([0.5, 2.0, -1.0])
    jac = ad.jacobian(lambda v: 10.0 * clip(v), mode="reverse")(x)
    np.testing.assert_array_equal(jac, np.eye(3))
    triple = ad.custom_vjp(lambda v: v * 3.0)
    triple.defvjp(lambda v: (v * 3.0, None), lambda r, g: (np.asarray(g) * 3.0,))
    np.testing.assert_array_equal(ad.jacobian(triple, mode="reverse")(x), 3.0 * np.eye(3))


def test_checkpoint_refuses_a_traced_keyword_argument() -> None:
    block = ad.checkpoint(lambda x, w=1.0: x * w)
    with pytest.raises(TypeError, match="keyword argument w="):
        ad.grad(lambda w: block(w, w=w))(3.0)
    assert ad.grad(lambda x: block(x, w=2.0))(3.0) == 2.0


def test_detach_stops_every_order_as_in_pytorch() -> None:
    def f(x: Any) -> Any:
        return x**3 * x.detach()

    assert ad.grad(f)(2.0) == 24.0  # 3 x² · x
    assert ad.grad(ad.grad(f))(2.0) == 24.0  # 6 x · x, PyTorch's double backward
    assert ad.hessian(f)(2.0) == 24.0
