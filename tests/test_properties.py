"""Hypothesis properties over the catalogue: random inputs in safe domains, random shapes."""

from __future__ import annotations

from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from catalogue import (
    ELEMENTWISE,
    STRUCTURAL,
    UNARY,
    Case,
    Unary,
    analytic_gradient,
    as_array,
    forward_gradient,
    numeric_gradient,
    reverse_gradient,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import autodiff as ad

Shape = tuple[int, ...]
FAST = settings(max_examples=25, deadline=None)


def _values(draw: st.DrawFn, case: Case, shapes: tuple[Shape, ...]) -> list[Any]:
    """Arguments of the given shapes, each element in its argument's domain."""
    args: list[Any] = []
    for (lo, hi), shape in zip(case.domain, shapes, strict=True):
        elements = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
        if shape == ():
            args.append(draw(elements))
        else:
            args.append(draw(hnp.arrays(np.float64, shape, elements=elements)))
    return args


@st.composite
def case_inputs(draw: st.DrawFn, case: Case) -> list[Any]:
    """Inputs for a catalogue case: mutually broadcastable shapes if it is elementwise."""
    if case.shapes is not None:
        return _values(draw, case, case.shapes)
    shapes = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=case.arity, max_dims=2, max_side=3)
    ).input_shapes
    return _values(draw, case, shapes)


@st.composite
def directions(draw: st.DrawFn, like: list[Any]) -> list[Any]:
    """A random tangent per argument, of the argument's shape."""
    unit = st.floats(-1.0, 1.0, allow_nan=False)
    out: list[Any] = []
    for a in like:
        shape = np.shape(a)
        out.append(
            draw(unit) if shape == () else draw(hnp.arrays(np.float64, shape, elements=unit))
        )
    return out


def cotangent(shape: Shape) -> st.SearchStrategy[Any]:
    """A random cotangent of an output's shape (a float for a scalar output)."""
    unit = st.floats(-1.0, 1.0, allow_nan=False)
    return unit if shape == () else hnp.arrays(np.float64, shape, elements=unit)


CASES = ELEMENTWISE + STRUCTURAL
IDS = [c.name for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
@FAST
@given(data=st.data())
def test_forward_equals_reverse_equals_finite_differences(case: Case, data: st.DataObject) -> None:
    args = data.draw(case_inputs(case))
    reverse = reverse_gradient(case.scalar, args)
    forward = forward_gradient(case.scalar, args)
    numeric = numeric_gradient(case.scalar, args)
    transform = ad.grad(case.scalar, argnums=tuple(range(len(args))))(*args)
    for r, f, n, t, a in zip(reverse, forward, numeric, transform, args, strict=True):
        assert r.shape == f.shape == np.shape(t) == np.shape(a)  # gradient shape = input shape
        assert_allclose(f, r, rtol=1e-10, atol=1e-10)
        assert_allclose(as_array(t), r, rtol=1e-10, atol=1e-10)
        assert_allclose(r, n, rtol=1e-5, atol=1e-5)
    if case.grad is not None:
        for r, e in zip(reverse, analytic_gradient(case, args), strict=True):
            assert_allclose(r, e, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@FAST
@given(data=st.data())
def test_jvp_is_linear(case: Case, data: st.DataObject) -> None:
    args = data.draw(case_inputs(case))
    u: list[Any] = data.draw(directions(args))
    v: list[Any] = data.draw(directions(args))
    a, b = data.draw(st.floats(-2.0, 2.0)), data.draw(st.floats(-2.0, 2.0))
    combined = [a * ui + b * vi for ui, vi in zip(u, v, strict=True)]
    out, t_combined = ad.jvp(case.f, args, combined)
    _, t_u = ad.jvp(case.f, args, u)
    _, t_v = ad.jvp(case.f, args, v)
    assert_allclose(as_array(out), as_array(case.f(*args)), rtol=1e-14, atol=1e-14)
    scale = 1.0 + np.max(np.abs(as_array(t_u))) + np.max(np.abs(as_array(t_v)))
    assert_allclose(
        as_array(t_combined), a * as_array(t_u) + b * as_array(t_v), rtol=1e-9, atol=1e-10 * scale
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
@FAST
@given(data=st.data())
def test_vjp_is_linear(case: Case, data: st.DataObject) -> None:
    args = data.draw(case_inputs(case))
    out, pullback = ad.vjp(case.f, *args)
    shape = np.shape(out)
    w1, w2 = data.draw(cotangent(shape)), data.draw(cotangent(shape))
    a, b = data.draw(st.floats(-2.0, 2.0)), data.draw(st.floats(-2.0, 2.0))
    g_combined = pullback(a * w1 + b * w2)
    g1, g2 = pullback(w1), pullback(w2)
    for gc, x1, x2, arg in zip(g_combined, g1, g2, args, strict=True):
        assert np.shape(gc) == np.shape(arg)
        scale = 1.0 + np.max(np.abs(as_array(x1))) + np.max(np.abs(as_array(x2)))
        assert_allclose(
            as_array(gc), a * as_array(x1) + b * as_array(x2), rtol=1e-9, atol=1e-10 * scale
        )


@pytest.mark.parametrize("case", CASES, ids=IDS)
@FAST
@given(data=st.data())
def test_vjp_and_jvp_are_adjoint(case: Case, data: st.DataObject) -> None:
    """<u, J v> == <Jᵀ u, v> for every cotangent u and tangent v."""
    args = data.draw(case_inputs(case))
    v = data.draw(directions(args))
    out, jv = ad.jvp(case.f, args, v)
    _, pullback = ad.vjp(case.f, *args)
    shape = np.shape(out)
    u = data.draw(cotangent(shape))
    lhs_terms = as_array(u) * as_array(jv)
    rhs_terms = [as_array(g) * as_array(vi) for g, vi in zip(pullback(u), v, strict=True)]
    lhs = float(np.sum(lhs_terms))
    rhs = sum(float(np.sum(t)) for t in rhs_terms)
    # rounding is relative to the size of the terms summed, not of the (maybe tiny) sums
    scale = (
        1.0 + float(np.sum(np.abs(lhs_terms))) + sum(float(np.sum(np.abs(t))) for t in rhs_terms)
    )
    assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-10 * scale)


@pytest.mark.parametrize("case", [c for c in ELEMENTWISE if c.arity == 1], ids=lambda c: c.name)
@FAST
@given(data=st.data())
def test_jacobian_modes_agree(case: Case, data: st.DataObject) -> None:
    (x,) = data.draw(case_inputs(case))
    forward = ad.jacobian(case.f, mode="forward")(x)
    reverse = ad.jacobian(case.f, mode="reverse")(x)
    out_shape = np.shape(case.f(x))
    assert np.shape(forward) == np.shape(reverse) == out_shape + np.shape(x)
    assert_allclose(as_array(forward), as_array(reverse), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("fn", UNARY, ids=[u.name for u in UNARY])
@FAST
@given(t=st.floats(0.0, 1.0))
def test_elementwise_derivatives_both_modes(fn: Unary, t: float) -> None:
    lo, hi = min(fn.points), max(fn.points)
    x = lo + t * (hi - lo)
    f = getattr(ad, fn.name)
    expected = float(fn.derivative(np.array(x)))
    assert ad.derivative(f)(x) == pytest.approx(expected, rel=1e-12, abs=1e-14)
    assert ad.grad(f)(x) == pytest.approx(expected, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize(
    "case", [c for c in ELEMENTWISE if c.smooth2 and c.arity == 1], ids=lambda c: c.name
)
@FAST
@given(data=st.data())
def test_second_derivative_forward_equals_reverse(case: Case, data: st.DataObject) -> None:
    x = data.draw(st.floats(*case.domain[0], allow_nan=False))
    dd = ad.derivative(ad.derivative(case.f))(x)
    gg = ad.grad(ad.grad(case.f))(x)
    dg = ad.derivative(ad.grad(case.f))(x)
    gd = ad.grad(ad.derivative(case.f))(x)
    assert gg == pytest.approx(dd, rel=1e-10, abs=1e-12)
    assert dg == pytest.approx(dd, rel=1e-10, abs=1e-12)
    assert gd == pytest.approx(dd, rel=1e-10, abs=1e-12)
    numeric = numeric_gradient(ad.derivative(case.f), [x])[0]
    assert dd == pytest.approx(float(numeric), rel=1e-5, abs=1e-5)
