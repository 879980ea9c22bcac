"""The gradient checker: ``check_grad`` and ``central_difference``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from catalogue import CATALOGUE, instances
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff.primitives import PRIMITIVES, Primitive, apply
from autodiff.testing import central_difference, check_grad

INSTANCES = instances(CATALOGUE)


@pytest.mark.parametrize("inst", INSTANCES, ids=[i.id for i in INSTANCES])
def test_check_grad_is_tiny_for_correct_gradients(inst: Any) -> None:
    error = check_grad(inst.case.scalar, *inst.sample())
    assert isinstance(error, float)
    assert 0.0 <= error < 1e-6


def test_check_grad_returns_the_worst_relative_error() -> None:
    error = check_grad(lambda x, a, b: x * a / (x**2 + b), 24.0, 22.0, 2.0)
    assert error < 1e-8
    # the public name is the same function
    assert ad.check_grad is check_grad


# A primitive with a wrong derivative rule: sin whose derivative claims to be sin.
_bad_sin = Primitive(
    "bad_sin",
    np.sin,
    partials=(lambda out, x: ad.sin(x),),
    display="badsin {0}",
)


def test_a_wrong_partial_rule_is_caught() -> None:
    def f(x: Any) -> Any:
        return ad.sum(apply(_bad_sin, x) * 2.0)

    x = np.array([0.3, 1.2, -0.7])
    error = check_grad(f, x)
    # the claimed derivative 2 sin x is far from the true 2 cos x (errors are relative
    # to max(1, |a|, |b|))
    claimed, true = 2 * np.sin(x), 2 * np.cos(x)
    worst = np.abs(claimed - true) / np.maximum(1.0, np.maximum(np.abs(claimed), np.abs(true)))
    assert error > 0.5
    assert error == pytest.approx(float(np.max(worst)), rel=1e-5)
    assert "bad_sin" not in PRIMITIVES  # building a Primitive does not register it


def _reshape_bad_vjp(g: Any, out: Any, x: Any, shape: Any) -> Any:
    return ad.reshape(g, np.shape(x)) * 3.0  # wrong: the adjoint of reshape is reshape


_bad_reshape = Primitive(
    "bad_reshape",
    np.reshape,
    jvps=(lambda t, out, x, shape: ad.reshape(t, shape),),
    vjps=(_reshape_bad_vjp,),
    display="badreshape {0}",
)


def test_a_wrong_reverse_rule_is_caught_by_forward_mode_and_differences() -> None:
    def f(x: Any) -> Any:
        return ad.sum(ad.sin(apply(_bad_reshape, x, shape=(3, 2))))

    x = np.arange(6.0).reshape(2, 3) / 6
    # reverse mode is 3 times too large: a relative error of 2/3
    assert check_grad(f, x) == pytest.approx(2 / 3, rel=1e-6)
    # forward mode alone is right: the same function through the true primitive
    assert check_grad(lambda v: ad.sum(ad.sin(ad.reshape(v, (3, 2)))), x) < 1e-8


def test_a_wrong_forward_rule_is_caught() -> None:
    bad = Primitive(
        "bad_transpose",
        lambda x, axes=None: np.transpose(x, axes),
        jvps=(lambda t, out, x, axes=None: ad.transpose(t, axes) * 0.0,),
        vjps=(lambda g, out, x, axes=None: ad.transpose(g, axes),),
        display="{0}ᵀ",
    )
    x = np.arange(4.0).reshape(2, 2)
    weights = np.array([[1.0, 2.0], [3.0, 4.0]])
    # forward mode says 0 where the gradient is 1..4: a relative error of 1
    assert check_grad(lambda v: ad.sum(apply(bad, v) * weights), x) == pytest.approx(1.0)


def test_check_grad_of_a_gradient() -> None:
    # second order: check_grad of one component of a gradient
    def f(x: Any) -> Any:
        return ad.sum(ad.sin(x) * x**2)

    x = np.array([0.3, -1.1, 2.0])
    assert check_grad(lambda v: ad.grad(f)(v)[1], x) < 1e-6


def test_check_grad_with_several_array_arguments() -> None:
    def f(w: Any, b: Any, x: Any) -> Any:
        return ad.sum(ad.tanh(x @ w + b) ** 2)

    rng = np.random.default_rng(3)
    assert (
        check_grad(f, rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 3))) < 1e-6
    )


def test_check_grad_eps() -> None:
    def f(x: Any) -> Any:
        return ad.exp(3 * x)

    coarse = check_grad(f, 0.5, eps=1e-2)
    fine = check_grad(f, 0.5, eps=1e-5)
    assert fine < 1e-7
    # central differences err by about h²·f'''/6 = 1e-4 · 27·e^1.5 / 6 ≈ 2e-3 (relative
    # to |f'| = 3e^1.5 ≈ 13.4 that is ≈ 1.5e-4)
    assert coarse == pytest.approx(1e-4 * 27 * math.exp(1.5) / 6 / (3 * math.exp(1.5)), rel=0.05)


# --------------------------------------------------------------------------------------
# central_difference.


def test_central_difference_scalar_arguments() -> None:
    grads = central_difference(lambda x, y: x * y, 3.0, 4.0)
    assert isinstance(grads, tuple)
    assert len(grads) == 2
    assert grads[0] == pytest.approx(4.0, rel=1e-9)
    assert grads[1] == pytest.approx(3.0, rel=1e-9)
    assert isinstance(grads[0], float)


def test_central_difference_array_arguments_keep_their_shape() -> None:
    x = np.arange(6.0).reshape(2, 3) / 4
    (g,) = central_difference(lambda v: ad.sum(ad.exp(v)), x)
    assert np.shape(g) == (2, 3)
    assert_allclose(g, np.exp(x), rtol=1e-8)
    # the inputs are not modified
    assert_allclose(x, np.arange(6.0).reshape(2, 3) / 4, rtol=0)


def test_central_difference_is_exact_for_quadratics() -> None:
    (g,) = central_difference(lambda v: 3 * v**2 - 2 * v + 1, 1.25, eps=1e-3)
    assert g == pytest.approx(6 * 1.25 - 2, rel=1e-10)


def test_central_difference_error_is_second_order() -> None:
    def f(x: Any) -> Any:
        return ad.sin(x)

    x = 0.7
    errors = [abs(central_difference(f, x, eps=eps)[0] - math.cos(x)) for eps in (1e-2, 1e-3)]
    # O(h²): ten times smaller steps, a hundred times smaller error; the leading term
    # is h²·|f'''|/6 = h²·cos(x)/6
    assert errors[0] == pytest.approx(1e-4 * math.cos(x) / 6, rel=1e-3)
    assert errors[0] / errors[1] == pytest.approx(100.0, rel=1e-2)


def test_central_difference_scales_the_step_with_the_input() -> None:
    # at x = 1e8 an absolute step of 1e-6 would be lost to rounding
    (g,) = central_difference(lambda v: v * v, 1e8)
    assert g == pytest.approx(2e8, rel=1e-6)


# --------------------------------------------------------------------------------------
# nan and inf gradients are flagged, even in one element among finite ones


def _bad_at_first(value: float) -> Primitive:
    """sin whose derivative is ``value`` at the first element (cos elsewhere)."""

    def partial(out: Any, x: Any) -> Any:
        spoiled = np.ones(np.shape(x))
        spoiled.flat[0] = value
        return ad.cos(x) * spoiled

    return Primitive("bad_first", np.sin, partials=(partial,), display="bad {0}")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_a_gradient_that_is_partly_nan_or_inf_is_flagged(value: float) -> None:
    bad = _bad_at_first(value)
    x = np.array([0.3, 1.2, -0.7, 0.1])
    assert check_grad(lambda v: ad.sum(apply(bad, v)), x) == math.inf
    # and when the whole gradient is spoiled (a scalar), in both modes at once
    assert check_grad(lambda v: apply(bad, v), 0.3) == math.inf


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_relative_error_flags_nan_and_inf_against_finite_values() -> None:
    from autodiff.testing import _relative_error

    finite = np.array([1.0, 2.0, 3.0])
    for spoiled in (np.nan, np.inf, -np.inf):
        a = finite.copy()
        a[1] = spoiled
        assert _relative_error(a, finite) == math.inf
        assert _relative_error(finite, a) == math.inf
    # the same non-finite values on both sides agree; so do empty arrays
    same = np.array([np.nan, np.inf, -np.inf, 1.0])
    assert _relative_error(same, same.copy()) == 0.0
    assert _relative_error(np.array([np.inf]), np.array([-np.inf])) == math.inf
    assert _relative_error(np.zeros(0), np.zeros(0)) == 0.0
    assert _relative_error(np.array([np.nan, np.nan]), np.array([np.nan, 1.0])) == math.inf


# --------------------------------------------------------------------------------------
# Misuse


def test_check_grad_without_arguments() -> None:
    with pytest.raises(TypeError, match=r"check_grad needs at least one argument"):
        check_grad(lambda: 1.0)


def test_check_grad_of_something_that_is_not_a_function() -> None:
    with pytest.raises(TypeError, match=r"check_grad needs a function .* not ndarray"):
        check_grad(np.ones(3), 1.0)  # type: ignore[arg-type]


def test_check_grad_of_a_function_with_an_array_output() -> None:
    with pytest.raises(ValueError, match=r"check_grad needs f to return a scalar.*\(3,\)"):
        check_grad(lambda x: x * 2.0, np.ones(3))


@pytest.mark.parametrize("out", [None, "a", [1.0], True])
def test_check_grad_of_a_function_returning_no_number(out: Any) -> None:
    with pytest.raises(TypeError, match=r"check_grad needs f to return a number"):
        check_grad(lambda x: out, 1.0)


@pytest.mark.parametrize("eps", [0.0, -1e-6, 2.0, "1e-6", True])
def test_check_grad_eps_must_be_a_small_positive_float(eps: Any) -> None:
    with pytest.raises(ValueError, match=r"check_grad: eps must be a float in \(0, 1\)"):
        check_grad(lambda x: x * x, 1.0, eps=eps)
