"""stop_gradient, detach, custom_vjp, custom_jvp and checkpoint."""

from __future__ import annotations

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
