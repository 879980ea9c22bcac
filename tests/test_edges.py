"""Edge points of the primitives and losses, and the errors for misused axes.

Each number hard-coded here was measured with PyTorch 2.13 (float64) and JAX 0.10.2
(``jax_enable_x64``) on the same function; the comment on each test says which library
gave it. Where the two disagree, the docstring of the autodiff function says which one
it follows. The values at ``inf``, ``0`` and ties are exact, so the checks are exact too
(``assert_array_equal`` treats NaNs in the same places as equal).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import autodiff as ad
from autodiff import Variable

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

inf, nan = np.inf, np.nan


def _second_reverse(f: Callable[[Any], Any], x: Any) -> Any:
    return ad.jacobian(ad.grad(f), mode="reverse")(x)


def _second_forward(f: Callable[[Any], Any], x: Any) -> Any:
    return ad.jacobian(ad.jacobian(f, mode="forward"), mode="forward")(x)


def _all_modes(f: Callable[[Any], Any], x: Any) -> tuple[Any, Any, Any]:
    """The value of ``f`` and its first and second derivatives, each checked four ways.

    First derivative: reverse (``grad``) and forward (``derivative`` or a forward
    Jacobian); second: reverse-over-reverse, forward-over-forward and ``hessian``.
    """
    value, first = ad.value_and_grad(f)(x)
    if np.ndim(x) == 0:
        forward = ad.derivative(f)(x)
        second = ad.grad(ad.grad(f))(x)
        assert_array_equal(ad.derivative(ad.derivative(f))(x), second)
    else:
        forward = ad.jacobian(f, mode="forward")(x)
        second = _second_reverse(f, x)
        assert_array_equal(_second_forward(f, x), second)
    assert_array_equal(forward, first)
    assert_array_equal(ad.hessian(f)(x), second)
    return value, first, second


# --------------------------------------------------------------------------------------
# transpose with axes that count from the end


W23 = np.arange(6.0).reshape(3, 2)


def test_transpose_negative_axes_in_reverse_mode() -> None:
    # The gradient of Σ (xᵀ ∘ W) is Wᵀ (PyTorch's permute(-1, 0) and JAX agree).
    g = ad.grad(lambda x: ad.sum(ad.transpose(x, (-1, 0)) * W23))(np.zeros((2, 3)))
    assert_array_equal(g, W23.T)


@pytest.mark.parametrize("axes", [(-1, 0, 1), (2, -3, -2), (-2, -1, 0)])
def test_transpose_negative_axes_every_mode(axes: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 4))
    w = rng.standard_normal(np.transpose(x, axes).shape)
    expected = np.transpose(w, np.argsort([a % 3 for a in axes]))  # w sent back

    def f(x: Any) -> Any:
        return ad.sum(ad.transpose(x, axes) * w)

    assert_array_equal(ad.grad(f)(x), expected)
    assert_array_equal(ad.jacobian(f, mode="forward")(x), expected)
    _, pullback = ad.vjp(lambda x: ad.transpose(x, axes), x)
    assert_array_equal(pullback(w)[0], expected)
    # batched: the full Jacobian of the transpose, both ways, is a permutation matrix
    jac_f = ad.jacobian(lambda x: ad.transpose(x, axes), mode="forward")(x)
    jac_r = ad.jacobian(lambda x: ad.transpose(x, axes), mode="reverse")(x)
    eye = np.eye(24).reshape(2, 3, 4, 2, 3, 4)
    assert_array_equal(jac_f, np.transpose(eye, (*(a % 3 for a in axes), 3, 4, 5)))
    assert_array_equal(jac_r, jac_f)


def test_transpose_negative_axes_second_order() -> None:
    # f = Σ (xᵀ)² ∘ W: the Hessian is diagonal, 2 Wᵀ on the diagonal.
    def f(x: Any) -> Any:
        return ad.sum(ad.transpose(x, (-1, 0)) ** 2 * W23)

    x = np.ones((2, 3))
    diag = np.diag(2 * W23.T.ravel()).reshape(2, 3, 2, 3)
    assert_array_equal(ad.hessian(f)(x), diag)
    assert_array_equal(_second_reverse(f, x), diag)
    assert_array_equal(_second_forward(f, x), diag)


@pytest.mark.parametrize(
    ("axes", "error", "fragment"),
    [
        ((0, 0), ValueError, "transpose: axis (0, 0) repeats an axis"),
        ((0,), ValueError, "must be a permutation of range(2)"),
        ((0, 1, 2), ValueError, "axis 2 is out of bounds for array of dimension 2"),
        ((0, 2), ValueError, "axis 2 is out of bounds for array of dimension 2"),
        ((1.0, 0), TypeError, "transpose: an axis must be an int"),
        (1, TypeError, "transpose: axes must be a tuple of ints"),
    ],
)
def test_transpose_refuses_axes_that_are_not_a_permutation(
    axes: Any, error: type[Exception], fragment: str
) -> None:
    for x in (np.ones((2, 3)), Variable(np.ones((2, 3)))):
        with pytest.raises(error, match=fragment.replace("(", r"\(").replace(")", r"\)")):
            ad.transpose(x, axes)


# --------------------------------------------------------------------------------------
# Axes of the reductions


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
def test_an_axis_out_of_bounds_names_the_function_axis_and_ndim(name: str) -> None:
    fn = getattr(ad, name)
    with pytest.raises(
        ValueError, match=f"{name}: axis 3 is out of bounds for array of dimension 0"
    ):
        fn(Variable(2.0), axis=3)
    with pytest.raises(ValueError, match=f"{name}: axis -3 is out of bounds .* dimension 2"):
        getattr(Variable(np.ones((2, 3))), name)(axis=-3)
    with pytest.raises(ValueError, match=f"{name}: axis 2 is out of bounds"):
        fn(np.ones((2, 3)), axis=(0, 2))
    with pytest.raises(ValueError, match=rf"{name}: axis \(1, -1\) repeats an axis"):
        fn(ad.Dual(np.ones((2, 3))), axis=(1, -1))
    for bad in (1.0, "0", True, (0, None)):
        with pytest.raises(TypeError, match=f"{name}: an axis must be an int"):
            fn(np.ones((2, 3)), axis=bad)


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
def test_good_axes_still_work(name: str) -> None:
    x = np.arange(24.0).reshape(2, 3, 4)
    np_fn = getattr(np, name)
    for axis in (0, -1, (0, 2), (-1, 0), np.int64(1), [0, 1]):
        expected = np_fn(x, axis=tuple(axis) if isinstance(axis, list) else axis)
        assert_array_equal(getattr(ad, name)(x, axis=axis), expected)
        assert_array_equal(getattr(Variable(x), name)(axis=axis).value, expected)


def test_mean_of_nothing_is_nan_as_in_numpy() -> None:
    # NumPy, PyTorch and JAX: the mean of an empty array is nan; its gradient is empty.
    assert np.isnan(ad.mean(np.zeros(0)))
    value, g = ad.value_and_grad(ad.mean)(np.zeros(0))
    assert np.isnan(value)
    assert g.shape == (0,)


def test_max_over_an_empty_axis_is_refused() -> None:
    # NumPy, PyTorch (amax) and JAX refuse a maximum of nothing too.
    with pytest.raises(ValueError, match=r"max: no maximum over an axis of length 0"):
        ad.max(np.zeros(0))
    with pytest.raises(ValueError, match=r"array of shape \(2, 0\), axis 1"):
        Variable(np.zeros((2, 0))).max(axis=1)


# --------------------------------------------------------------------------------------
# max over leading axes and tuples of axes (section 5: an argmax mask whose axis
# permutation is not undone passed every 2-D, axis=-1 test)


@pytest.mark.parametrize(
    ("shape", "axis"),
    [
        ((2, 3, 4), 0),
        ((2, 3, 4), 1),
        ((2, 3, 4), (0, 2)),
        ((2, 3, 4), (2, 0)),
        ((3, 2, 4, 5), (0, 1)),
        ((3, 2, 4, 5), (1, 3)),
        ((3, 2, 4, 5), (0, -1, 1)),
        ((3, 2, 4, 5), 2),
    ],
)
@pytest.mark.parametrize("keepdims", [False, True])
def test_max_over_leading_and_several_axes(
    shape: tuple[int, ...], axis: int | tuple[int, ...], keepdims: bool
) -> None:
    rng = np.random.default_rng(7)
    x = rng.permutation(np.arange(float(np.prod(shape)))).reshape(shape)  # no ties
    w = rng.standard_normal(np.max(x, axis=axis, keepdims=keepdims).shape)
    onehot = x == np.max(x, axis=axis, keepdims=True)
    expected = onehot * np.reshape(w, np.max(x, axis=axis, keepdims=True).shape)

    def f(x: Any) -> Any:
        return ad.sum(ad.max(x, axis=axis, keepdims=keepdims) * w)

    assert_array_equal(ad.grad(f)(x), expected)
    assert_array_equal(ad.jacobian(f, mode="forward")(x), expected)
    v = Variable(x)
    f(v).backward()
    assert_array_equal(v.grad, expected)
    tangent = rng.standard_normal(shape)
    _, jvp_out = ad.jvp(f, (x,), (tangent,))
    assert_allclose(jvp_out, np.sum(expected * tangent), rtol=1e-12)
    # the full Jacobian of max, both ways (batched rules), against the one-hot rows
    jac = ad.jacobian(lambda x: ad.max(x, axis=axis, keepdims=keepdims), mode="forward")(x)
    assert_array_equal(jac, ad.jacobian(lambda x: ad.max(x, axis=axis, keepdims=keepdims))(x))
    out_shape = np.max(x, axis=axis, keepdims=keepdims).shape
    assert_array_equal(np.tensordot(w, jac, axes=len(out_shape)), expected)
    assert ad.check_grad(f, x) < 1e-6
