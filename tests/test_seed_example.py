"""The seed's worked example: f(x, a, b) = x·a / (x² + b) at (24, 22, 2)."""

from __future__ import annotations

from typing import Any

import pytest

import autodiff as ad
from autodiff import Dual, Variable

X, A, B = 24.0, 22.0, 2.0

# The values printed in the seed notebook, truncated to the digits shown there.
F, DF_DX, DF_DA, DF_DB = "0.913494", "-0.0377988", "0.0415224", "-0.00158044"


def shows(value: float, digits: str) -> bool:
    """Whether ``value`` starts with the printed ``digits``."""
    return f"{value:.12f}".startswith(digits)


def f(x: Any, a: Any, b: Any) -> Any:
    return x * a / (x**2 + b)


def analytic() -> tuple[float, float, float]:
    d = X**2 + B
    return A / d - 2 * A * X**2 / d**2, X / d, -X * A / d**2


def test_value() -> None:
    assert shows(f(X, A, B), F)
    assert f(X, A, B) == pytest.approx(X * A / (X**2 + B), rel=1e-15)


def test_analytic_formulas_match_the_seed() -> None:
    dx, da, db = analytic()
    assert shows(dx, DF_DX)
    assert shows(da, DF_DA)
    assert shows(db, DF_DB)


def test_forward_mode_one_dual_pass_per_input() -> None:
    expected = analytic()
    for i, e in enumerate(expected):
        args = [Dual(v, 1.0 if j == i else 0.0) for j, v in enumerate((X, A, B))]
        out = f(*args)
        assert isinstance(out, Dual)
        assert shows(out.value, F)
        assert out.tangent == pytest.approx(e, rel=1e-13)
    # the same by the transform, one input at a time
    assert ad.derivative(lambda x: f(x, A, B))(X) == pytest.approx(expected[0], rel=1e-13)
    assert ad.derivative(lambda a: f(X, a, B))(A) == pytest.approx(expected[1], rel=1e-13)
    assert ad.derivative(lambda b: f(X, A, b))(B) == pytest.approx(expected[2], rel=1e-13)


def test_reverse_mode_one_backward_pass() -> None:
    x, a, b = Variable(X, name="x"), Variable(A, name="a"), Variable(B, name="b")
    y = f(x, a, b)
    assert shows(y.value, F)
    y.backward()
    dx, da, db = analytic()
    assert x.grad == pytest.approx(dx, rel=1e-13)
    assert a.grad == pytest.approx(da, rel=1e-13)
    assert b.grad == pytest.approx(db, rel=1e-13)
    assert shows(x.grad, DF_DX)
    assert shows(a.grad, DF_DA)
    assert shows(b.grad, DF_DB)


def test_grad_transform() -> None:
    value, grads = ad.value_and_grad(f, argnums=(0, 1, 2))(X, A, B)
    assert shows(value, F)
    for g, e in zip(grads, analytic(), strict=True):
        assert g == pytest.approx(e, rel=1e-13)


def test_check_grad() -> None:
    assert ad.check_grad(f, X, A, B) < 1e-8
