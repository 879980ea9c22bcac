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
        _close(ad.derivative(ad.derivative(f))(x), second)
    else:
        forward = ad.jacobian(f, mode="forward")(x)
        second = _second_reverse(f, x)
        _close(_second_forward(f, x), second)
    _close(forward, first)
    _close(ad.hessian(f)(x), second)
    return value, first, second


def _close(actual: Any, desired: Any) -> None:
    """Equal up to rounding, with infinities and nans in the same places."""
    assert_allclose(actual, desired, rtol=1e-13, atol=1e-15)


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


# --------------------------------------------------------------------------------------
# Elementwise primitives at their edge points: value, first and second derivative, in
# both modes. Where PyTorch and JAX agree, so does autodiff; the comment names the
# library followed where they do not.

Row = tuple[Callable[[Any], Any], float, float, float, float]

UNARY_EDGES: dict[str, Row] = {
    # name: (f, x, value, f'(x), f''(x)); torch and JAX agree on every row unless noted
    "exp(-inf)": (ad.exp, -inf, 0.0, 0.0, 0.0),
    "exp(inf)": (ad.exp, inf, inf, inf, inf),
    "log(0)": (ad.log, 0.0, -inf, inf, -inf),
    "log(-0.0)": (ad.log, -0.0, -inf, -inf, -inf),
    "log(inf)": (ad.log, inf, inf, 0.0, 0.0),
    "log(-1)": (ad.log, -1.0, nan, -1.0, -1.0),
    "sqrt(0)": (ad.sqrt, 0.0, 0.0, inf, -inf),
    "sqrt(-0.0)": (ad.sqrt, -0.0, -0.0, -inf, inf),
    "sqrt(inf)": (ad.sqrt, inf, inf, 0.0, 0.0),
    "tanh(-inf)": (ad.tanh, -inf, -1.0, 0.0, 0.0),
    "tanh(inf)": (ad.tanh, inf, 1.0, 0.0, 0.0),
    "sigmoid(-inf)": (ad.sigmoid, -inf, 0.0, 0.0, 0.0),
    "sigmoid(inf)": (ad.sigmoid, inf, 1.0, 0.0, 0.0),
    "sigmoid(nan)": (ad.sigmoid, nan, nan, nan, nan),
    "sin(inf)": (ad.sin, inf, nan, nan, nan),
    "relu(0)": (ad.relu, 0.0, 0.0, 0.0, 0.0),
    "relu(-0.0)": (ad.relu, -0.0, 0.0, 0.0, 0.0),
    "abs(0)": (ad.abs, 0.0, 0.0, 0.0, 0.0),  # PyTorch: sign(0) = 0 (JAX gives 1)
    "abs(-0.0)": (ad.abs, -0.0, 0.0, 0.0, 0.0),  # PyTorch (JAX gives 1)
    "1/x at 0": (lambda x: 1.0 / x, 0.0, inf, -inf, inf),
    "1/x at -0.0": (lambda x: 1.0 / x, -0.0, -inf, -inf, -inf),
    "0/x at 0": (lambda x: 0.0 / x, 0.0, nan, nan, nan),
    "x/0 at 1": (lambda x: x / 0.0, 1.0, inf, inf, 0.0),
    "x*0 at inf": (lambda x: x * 0.0, inf, nan, 0.0, 0.0),
    "inf*x at 0": (lambda x: inf * x, 0.0, nan, inf, 0.0),
    # powers with a constant exponent
    "x**0 at 0": (lambda x: x**0.0, 0.0, 1.0, 0.0, 0.0),  # f': both; f'': PyTorch, JAX nan
    "x**1 at 0": (lambda x: x**1.0, 0.0, 0.0, 1.0, 0.0),  # PyTorch (JAX: f'' nan)
    "x**2 at 0": (lambda x: x**2.0, 0.0, 0.0, 0.0, 2.0),
    "x**3 at 0": (lambda x: x**3.0, 0.0, 0.0, 0.0, 0.0),
    "x**0.5 at 0": (lambda x: x**0.5, 0.0, 0.0, inf, -inf),
    "x**-1 at 0": (lambda x: x**-1.0, 0.0, inf, -inf, inf),
    "x**3 at -2": (lambda x: x**3.0, -2.0, -8.0, 12.0, -12.0),
    "x**2 at -inf": (lambda x: x**2.0, -inf, inf, -inf, 2.0),
    # powers of a constant base: the derivative in the exponent
    "0**y at 0": (lambda y: 0.0**y, 0.0, 1.0, 0.0, 0.0),  # JAX (PyTorch: f'' nan)
    "0**y at 1": (lambda y: 0.0**y, 1.0, 0.0, 0.0, 0.0),  # JAX (PyTorch: f'' nan)
    "0**y at 2": (lambda y: 0.0**y, 2.0, 0.0, 0.0, 0.0),  # JAX (PyTorch: f'' nan)
    "0**y at 0.5": (lambda y: 0.0**y, 0.5, 0.0, 0.0, 0.0),  # JAX (PyTorch: f'' nan)
    "0**y at -1": (lambda y: 0.0**y, -1.0, inf, -inf, inf),  # PyTorch (JAX: nan)
    "(-2)**y at 3": (lambda y: (-2.0) ** y, 3.0, -8.0, nan, nan),
    "(-2)**y at 2": (lambda y: (-2.0) ** y, 2.0, 4.0, nan, nan),
    # maximum and minimum: ties share, a nan takes it all (JAX; PyTorch's reverse mode
    # gives x the whole gradient against a nan, its forward mode none)
    "maximum(x, 1) at 1": (lambda x: ad.maximum(x, 1.0), 1.0, 1.0, 0.5, 0.0),
    "minimum(x, 1) at 1": (lambda x: ad.minimum(x, 1.0), 1.0, 1.0, 0.5, 0.0),
    "maximum(x, x) at 1": (lambda x: ad.maximum(x, x), 1.0, 1.0, 1.0, 0.0),
    "maximum(x, -inf) at -inf": (lambda x: ad.maximum(x, -inf), -inf, -inf, 0.5, 0.0),
    "maximum(x, nan) at 1": (lambda x: ad.maximum(x, nan), 1.0, nan, 0.0, 0.0),
    "minimum(x, nan) at 1": (lambda x: ad.minimum(x, nan), 1.0, nan, 0.0, 0.0),
    # logaddexp: the limits at one infinite operand (PyTorch; JAX gives 1 for
    # logaddexp(0, inf) and for logaddexp(inf, inf)); nan with both infinite (PyTorch)
    "logaddexp(x, 0) at inf": (lambda x: ad.logaddexp(x, 0.0), inf, inf, 1.0, 0.0),
    "logaddexp(x, 0) at -inf": (lambda x: ad.logaddexp(x, 0.0), -inf, 0.0, 0.0, 0.0),
    "logaddexp(x, inf) at 0": (lambda x: ad.logaddexp(x, inf), 0.0, inf, 0.0, 0.0),
    "logaddexp(x, -inf) at 0": (lambda x: ad.logaddexp(x, -inf), 0.0, 0.0, 1.0, 0.0),
    "logaddexp(x, inf) at inf": (lambda x: ad.logaddexp(x, inf), inf, inf, nan, nan),
    "logaddexp(x, -inf) at -inf": (lambda x: ad.logaddexp(x, -inf), -inf, -inf, nan, nan),
    "logaddexp(x, 0) at 1000": (lambda x: ad.logaddexp(x, 0.0), 1000.0, 1000.0, 1.0, 0.0),
    "logaddexp(x, x) at 0": (lambda x: ad.logaddexp(x, x), 0.0, np.log(2.0), 1.0, 0.0),
}


@pytest.mark.parametrize("name", list(UNARY_EDGES))
def test_edge_point(name: str) -> None:
    f, x, value, first, second = UNARY_EDGES[name]
    got = _all_modes(f, x)
    assert_array_equal(got, (value, first, second))


@pytest.mark.parametrize("name", list(UNARY_EDGES))
def test_edge_point_in_an_array(name: str) -> None:
    # The same numbers for the first element of an array (the array rules), in reverse
    # mode (grad of grad) and forward mode (jvp of jvp) along that element.
    f, x, value, first, second = UNARY_EDGES[name]
    xs, e0 = np.array([x, 0.25]), np.array([1.0, 0.0])

    def g(v: Any) -> Any:
        return f(v)[0]

    def jvp0(v: Any) -> Any:
        return ad.jvp(g, (v,), (e0,))[1]

    assert_array_equal(g(xs), value)
    assert_array_equal(ad.grad(g)(xs)[0], first)
    assert_array_equal(jvp0(xs), first)
    assert_array_equal(ad.grad(lambda v: ad.grad(g)(v)[0])(xs)[0], second)
    assert_array_equal(ad.jvp(jvp0, (xs,), (e0,))[1], second)


def test_powers_with_an_array_exponent_of_zero() -> None:
    # x ** [0, 0]: the derivative is 0 where the exponent is 0, even at x = 0 (PyTorch;
    # JAX gives nan at x = 0 for the first derivative, both give nan for the second).
    _, d1, d2 = _all_modes(lambda x: ad.sum(x ** np.array([0.0, 0.0])), np.array([0.0, 1.0]))
    assert_array_equal(d1, [0.0, 0.0])
    assert_array_equal(d2, np.zeros((2, 2)))
    _, d1, d2 = _all_modes(lambda x: ad.sum(x ** np.array([0.0, 2.0])), np.array([0.0, 0.0]))
    assert_array_equal(d1, [0.0, 0.0])
    assert_array_equal(d2, [[0.0, 0.0], [0.0, 2.0]])


def test_x_to_the_x_at_zero() -> None:
    # x ** x at 0: value 1 and derivative 0 as PyTorch (JAX: nan); second derivative 0,
    # from the partials' limits (PyTorch and JAX give nan).
    assert_array_equal(_all_modes(lambda x: x**x, 0.0), (1.0, 0.0, 0.0))


def test_relu_at_zero_in_arrays_is_zero_in_both_modes() -> None:
    # relu'(0) = 0 for array inputs too (PyTorch and JAX agree), forward and reverse.
    x = np.array([0.0, -0.0, 1.0, -1.0, 0.0])
    expected = [0.0, 0.0, 1.0, 0.0, 0.0]
    assert_array_equal(ad.grad(lambda x: ad.sum(ad.relu(x)))(x), expected)
    assert_array_equal(ad.jacobian(lambda x: ad.sum(ad.relu(x)), mode="forward")(x), expected)
    assert_array_equal(np.diag(ad.jacobian(ad.relu, mode="forward")(x)), expected)
    assert_array_equal(np.diag(ad.jacobian(ad.relu, mode="reverse")(x)), expected)
    _, tangent = ad.jvp(ad.relu, (x,), (np.ones(5),))
    assert_array_equal(tangent, expected)
    v = Variable(x)
    v.relu().sum().backward()
    assert_array_equal(v.grad, expected)


def test_hinge_loss_exactly_at_the_margin() -> None:
    # margin - y·s = 0: relu'(0) = 0, so no gradient (PyTorch's relu and JAX's agree;
    # torch.clamp(min=0) would give 1 there).
    s = np.array([1.0, -1.0, 0.5])
    y = np.array([1.0, -1.0, 1.0])
    expected = [0.0, 0.0, -1.0 / 3.0]

    def loss(s: Any) -> Any:
        return ad.nn.hinge_loss(s, y)

    assert ad.nn.hinge_loss(s, y) == pytest.approx(0.5 / 3.0)
    assert_allclose(ad.grad(loss)(s), expected, rtol=1e-15)
    assert_allclose(ad.jacobian(loss, mode="forward")(s), expected, rtol=1e-15)
    v = Variable(s)
    ad.nn.hinge_loss(v, y).backward()
    assert_allclose(v.grad, expected, rtol=1e-15)


# --------------------------------------------------------------------------------------
# where: the branch not taken


WHERE_EDGES: dict[str, tuple[Callable[[Any], Any], float, float, float, float]] = {
    # name: (f, x, value, forward f', reverse f'); PyTorch and JAX give the same pairs:
    # forward mode selects the tangent, reverse mode sends 0 into the other branch,
    # whose own rule may make 0 · inf = nan of it.
    "where(x < 0 or x > 0, 1/x, x) at 0": (
        lambda x: ad.where((x < 0) | (x > 0), 1.0 / x, x), 0.0, 0.0, 1.0, nan,
    ),
    "where(x > 0, log x, x) at 0": (
        lambda x: ad.where(x > 0, ad.log(x), x), 0.0, 0.0, 1.0, nan,
    ),
    "where(x >= 0, sqrt x, 0) at -1": (
        lambda x: ad.where(x >= 0, ad.sqrt(x), 0.0), -1.0, 0.0, 0.0, nan,
    ),
    "where(x > 0, x, exp(1000 x)) at 1": (
        lambda x: ad.where(x > 0, x, ad.exp(1000.0 * x)), 1.0, 1.0, 1.0, nan,
    ),
    "where(x > 0, x, inf) at 1": (lambda x: ad.where(x > 0, x, inf), 1.0, 1.0, 1.0, 1.0),
    "the double-where fix": (
        lambda x: ad.where(x > 0, ad.log(ad.where(x > 0, x, 1.0)), x), 0.0, 0.0, 1.0, 1.0,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(WHERE_EDGES))
def test_where_with_a_bad_branch_not_taken(name: str) -> None:
    f, x, value, forward, reverse = WHERE_EDGES[name]
    assert_array_equal(ad.value_and_grad(f)(x), (value, reverse))
    assert_array_equal(ad.jvp(f, (x,), (1.0,)), (value, forward))
    assert_array_equal(ad.derivative(f)(x), forward)
    # the same in arrays, through the batched rules of a forward Jacobian
    xs = np.array([x, x])
    assert_array_equal(np.diag(ad.jacobian(f, mode="forward")(xs)), [forward, forward])
    assert_array_equal(np.diag(ad.jacobian(f, mode="reverse")(xs)), [reverse, reverse])


def test_where_with_broadcast_branches() -> None:
    c = np.array([[True, False, True], [False, False, True]])
    x, y = np.array([1.0, 2.0, 3.0]), np.array([[10.0], [20.0]])

    def f(x: Any, y: Any) -> Any:
        return ad.sum(ad.where(c, x, y) ** 2)

    gx, gy = ad.grad(f, argnums=(0, 1))(x, y)
    assert_array_equal(gx, [2.0, 0.0, 12.0])
    assert_array_equal(gy, [[20.0], [80.0]])
    assert ad.check_grad(f, x, y) < 1e-6


# --------------------------------------------------------------------------------------
# max at ties: the first maximum (torch.max(x, dim); torch.amax and JAX share ties)


def test_max_at_ties_goes_to_the_first_maximum() -> None:
    cases: list[tuple[Any, Any, Any]] = [
        ([1.0, 1.0, 0.0], None, [1.0, 0.0, 0.0]),  # JAX and torch.amax: [0.5, 0.5, 0]
        ([3.0, 3.0, 3.0], None, [1.0, 0.0, 0.0]),  # JAX and torch.amax: a third each
        ([1.0, inf, inf], None, [0.0, 1.0, 0.0]),
        ([1.0, nan, 2.0], None, [0.0, 1.0, 0.0]),  # a nan is the maximum (JAX: all nan)
        ([[1.0, 1.0], [0.0, 2.0]], 1, [[1.0, 0.0], [0.0, 1.0]]),
    ]
    for values, axis, expected in cases:

        def f(x: Any, axis: Any = axis) -> Any:
            return ad.sum(ad.max(x, axis=axis))

        x = np.array(values)
        assert_array_equal(ad.grad(f)(x), expected)
        assert_array_equal(ad.jacobian(f, mode="forward")(x), expected)


# --------------------------------------------------------------------------------------
# Empty arrays


@pytest.mark.parametrize(
    ("f", "shape", "value"),
    [
        (ad.sum, (0,), 0.0),
        (ad.mean, (0,), nan),  # NumPy, PyTorch and JAX: nan
        (lambda x: ad.sum(ad.sum(x, axis=1)), (2, 0), 0.0),
        (lambda x: ad.sum(ad.mean(x, axis=1)), (2, 0), nan),
        (lambda x: ad.sum(ad.mean(x, axis=0)), (2, 0), 0.0),
        (lambda x: ad.sum(ad.max(x, axis=0)), (2, 0), 0.0),  # PyTorch and JAX: 0
        (lambda x: ad.sum(ad.matmul(x, np.zeros((0, 3)))), (2, 0), 0.0),
        (lambda x: ad.sum(ad.transpose(x) * 2.0), (2, 0), 0.0),
        (lambda x: ad.sum(ad.exp(x)), (0,), 0.0),
    ],
)
def test_empty_arrays(f: Callable[[Any], Any], shape: tuple[int, ...], value: float) -> None:
    # The gradient of anything over no elements is an empty array of the input's shape.
    x = np.zeros(shape)
    v, g = ad.value_and_grad(f)(x)
    assert_array_equal(v, value)
    assert g.shape == shape
    assert ad.jacobian(f, mode="forward")(x).shape == shape
    assert ad.hessian(f)(x).shape == shape + shape


# --------------------------------------------------------------------------------------
# softmax, log_softmax and cross_entropy with masked (-inf) logits


def test_softmax_with_a_masked_logit() -> None:
    # PyTorch and JAX agree on every number here.
    w = np.array([1.0, 2.0, 3.0])
    value, g, h = _all_modes(lambda x: ad.sum(ad.nn.softmax(x) * w), np.array([0.0, -inf, 1.0]))
    assert value == pytest.approx(2.4621171572600098, rel=1e-15)
    assert_allclose(g, [-0.3932238664829637, 0.0, 0.3932238664829637], rtol=1e-14)
    assert np.all(np.isfinite(h))
    _, g, _ = _all_modes(lambda x: ad.sum(ad.nn.softmax(x) * w[:2]), np.array([0.0, -inf]))
    assert_array_equal(g, [0.0, 0.0])


def test_log_softmax_with_a_masked_logit() -> None:
    x = np.array([0.0, -inf])
    value, g, h = _all_modes(lambda x: ad.nn.log_softmax(x)[0], x)
    assert value == 0.0
    assert_array_equal(g, [0.0, 0.0])
    assert_array_equal(h, np.zeros((2, 2)))
    value, g, h = _all_modes(lambda x: ad.nn.log_softmax(x)[1], x)
    assert value == -inf
    assert_array_equal(g, [-1.0, 1.0])
    assert_array_equal(h, np.zeros((2, 2)))


def test_softmax_of_a_fully_masked_or_infinite_row_is_nan_as_in_torch_and_jax() -> None:
    for x in (np.array([-inf, -inf]), np.array([inf, 0.0])):
        v, g = ad.value_and_grad(lambda x: ad.nn.softmax(x)[0])(x)
        assert np.isnan(v)
        assert np.all(np.isnan(g))


@pytest.mark.parametrize(
    ("logits", "target", "value", "gradient"),
    [
        ([[0.0, -inf]], [0], 0.0, [[0.0, 0.0]]),
        ([[0.0, -inf]], [1], inf, [[1.0, -1.0]]),
        (
            [[1.0, -inf, 2.0]],
            [2],
            0.31326168751822286,
            [[0.2689414213699951, 0.0, -0.2689414213699951]],
        ),
        ([1.0, -inf, 2.0], 2, 0.31326168751822286, [0.2689414213699951, 0.0, -0.2689414213699951]),
    ],
)
def test_cross_entropy_with_masked_logits(
    logits: Any, target: Any, value: float, gradient: Any
) -> None:
    # PyTorch and JAX (optax) give these numbers; the mask used to make the loss nan.
    x, t = np.array(logits), np.array(target)

    def loss(x: Any) -> Any:
        return ad.nn.cross_entropy(x, t)

    v, g = ad.value_and_grad(loss)(x)
    assert v == pytest.approx(value, rel=1e-15)
    assert_allclose(g, gradient, rtol=1e-15, atol=0)
    assert_allclose(ad.jacobian(loss, mode="forward")(x), gradient, rtol=1e-15, atol=0)
    assert np.all(np.isfinite(ad.hessian(loss)(x)))


# --------------------------------------------------------------------------------------
# binary_cross_entropy_with_logits at infinite logits


@pytest.mark.parametrize(
    ("z", "t", "value", "gradient"),
    [
        # The gradient σ(z) - t is PyTorch's and JAX's. The loss is the limit: PyTorch
        # gives nan where autodiff gives 0 (and at z = -inf, t = 0.5 or 1, where autodiff
        # and JAX give inf); JAX (optax's formula) gives nan for the two 0s.
        (inf, 0.0, inf, 1.0),
        (inf, 0.5, inf, 0.5),
        (inf, 1.0, 0.0, 0.0),
        (-inf, 0.0, 0.0, 0.0),
        (-inf, 0.5, inf, -0.5),
        (-inf, 1.0, inf, -1.0),
    ],
)
def test_binary_cross_entropy_with_infinite_logits(
    z: float, t: float, value: float, gradient: float
) -> None:
    def loss(z: Any) -> Any:
        return ad.nn.binary_cross_entropy_with_logits(z, np.array([t]), reduction="sum")

    value_, first, second = _all_modes(loss, np.array([z]))
    assert_array_equal(value_, value)
    assert_array_equal(first, [gradient])
    assert_array_equal(second, [[0.0]])


def test_binary_cross_entropy_with_mixed_targets_and_infinite_logits() -> None:
    z = np.array([inf, -inf, 0.0, 2.0, -inf])
    t = np.array([1.0, 0.0, 1.0, 0.25, 0.0])
    sig2 = 1.0 / (1.0 + np.exp(-2.0))
    v, g = ad.value_and_grad(lambda z: ad.nn.binary_cross_entropy_with_logits(z, t, "sum"))(z)
    assert v == pytest.approx(
        np.log(2.0) + 0.25 * np.log1p(np.exp(-2.0)) + 0.75 * np.log1p(np.exp(2.0))
    )
    assert_allclose(g, [0.0, 0.0, -0.5, sig2 - 0.25, 0.0], rtol=1e-15, atol=0)
    # a traced target still takes the general formula, and its gradient is -z
    gt = ad.grad(lambda t: ad.nn.binary_cross_entropy_with_logits(np.array([2.0]), t, "sum"))(
        np.array([0.25])
    )
    assert_allclose(gt, [-2.0], rtol=1e-15)


# --------------------------------------------------------------------------------------
# Leaf gradients own their memory (section 5: the no-aliasing test went through sum only,
# which always makes a new array; views come from reshape, transpose and indexing)


def _owned(*arrays: Any, others: tuple[Any, ...] = ()) -> None:
    """No two of ``arrays``, and none of them and any of ``others``, share memory."""
    for i, a in enumerate(arrays):
        assert isinstance(a, np.ndarray)
        for b in arrays[i + 1 :] + others:
            assert not np.shares_memory(a, b)


VIEWS: dict[str, Callable[[Any, Any], Any]] = {
    "reshape": lambda x, z: x.reshape(4) + z.reshape(4),
    "transpose": lambda x, z: ad.transpose(x) + ad.transpose(z),
    "index": lambda x, z: x[0] + z[1],
    "index_all": lambda x, z: x[...] + z[:, :],
    "plain": lambda x, z: x + z,
    "same_leaf_twice": lambda x, z: x.reshape(4) + x.reshape(4) + z.T.reshape(4),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_leaf_gradients_never_share_memory(name: str) -> None:
    f = VIEWS[name]
    x, z = np.arange(4.0).reshape(2, 2), np.ones((2, 2))
    out_shape = np.shape(f(x, z))
    seed = np.arange(1.0, 1.0 + np.prod(out_shape)).reshape(out_shape)

    # vjp: the cotangent is the caller's and must not come back as (a view of) a gradient
    _, pullback = ad.vjp(f, x, z)
    gx, gz = pullback(seed)
    _owned(gx, gz, others=(seed,))
    gx2, gz2 = pullback(seed)  # a second pullback gives new arrays too
    _owned(gx, gz, gx2, gz2, others=(seed,))

    # grad of a scalar made from the views
    gx, gz = ad.grad(lambda x, z: ad.sum(f(x, z) * seed), argnums=(0, 1))(x, z)
    _owned(gx, gz, others=(seed, x, z))

    # backward, with the seed given as the gradient of a non-scalar output
    vx, vz = Variable(x), Variable(z)
    f(vx, vz).backward(seed)
    _owned(vx.grad, vz.grad, others=(seed,))


def test_a_reshape_pullback_returns_a_new_array() -> None:
    x = np.arange(6.0).reshape(2, 3)
    for f in (
        lambda x: ad.reshape(x, (6,)),
        ad.transpose,
        lambda x: x[:, :],
        lambda x: ad.reshape(ad.transpose(x), (6,)),
    ):
        out, pullback = ad.vjp(f, x)
        seed = np.ones(np.shape(out))
        (g,) = pullback(seed)
        _owned(g, others=(seed, x))
        g[...] = 7.0  # writing to the gradient changes neither the seed nor a new pullback
        assert_array_equal(seed, 1.0)
        assert_array_equal(pullback(seed)[0], np.ones((2, 3)))


# --------------------------------------------------------------------------------------
# softmax and the losses: empty inputs and bad arguments


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize(("shape", "axis"), [((2, 0), -1), ((2, 0), 0), ((0, 3), -1)])
def test_softmax_of_an_empty_array_is_empty(name: str, shape: tuple[int, ...], axis: int) -> None:
    # PyTorch returns an empty tensor of the same shape.
    fn = getattr(ad.nn, name)
    x = np.zeros(shape)
    assert fn(x, axis=axis).shape == shape
    v, g = ad.value_and_grad(lambda x: ad.sum(fn(x, axis=axis)))(x)
    assert v == 0.0
    assert g.shape == shape


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_axis_errors_name_the_function(name: str) -> None:
    fn = getattr(ad.nn, name)
    with pytest.raises(
        ValueError, match=f"{name}: axis 1 is out of bounds for array of dimension 1"
    ):
        fn(np.ones(3), axis=1)
    with pytest.raises(TypeError, match=f"{name}: axis must be an int, not float"):
        fn(Variable(np.ones(3)), axis=0.5)
    with pytest.raises(TypeError, match=f"{name}: axis must be an int, not tuple"):
        fn(np.ones((2, 3)), axis=(0, 1))
    assert_allclose(fn(np.zeros((2, 3)), axis=np.int64(0)), fn(np.zeros((2, 3)), axis=0))


@pytest.mark.parametrize(("reduction", "value"), [("mean", nan), ("sum", 0.0)])
def test_losses_of_an_empty_batch(reduction: Any, value: float) -> None:
    # A mean over no samples is nan (PyTorch too); a sum is 0; the gradient is empty.
    t = np.zeros(0, dtype=int)
    v, g = ad.value_and_grad(lambda z: ad.nn.cross_entropy(z, t, reduction))(np.zeros((0, 3)))
    assert_array_equal(v, value)
    assert g.shape == (0, 3)
    v, g = ad.value_and_grad(
        lambda z: ad.nn.binary_cross_entropy_with_logits(z, np.zeros(0), reduction)
    )(np.zeros(0))
    assert_array_equal(v, value)
    assert g.shape == (0,)


def test_hinge_loss_margin_must_be_a_number() -> None:
    with pytest.raises(TypeError, match="hinge_loss: margin must be a real number, not str"):
        ad.nn.hinge_loss(np.ones(2), np.ones(2), margin="1")  # type: ignore[arg-type]


def test_transpose_axes_may_be_an_array_or_a_list() -> None:
    x = np.arange(6.0).reshape(2, 3)
    all_axes: list[Any] = [np.array([1, 0]), [-1, 0], (np.int64(1), 0)]
    for axes in all_axes:
        assert_array_equal(ad.transpose(x, axes), x.T)
        assert_array_equal(ad.grad(lambda x: ad.sum(ad.transpose(x, axes) * W23))(x), W23.T)  # noqa: B023
