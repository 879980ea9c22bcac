"""NumPy's elementwise functions (square, the hyperbolic and inverse functions, log1p,
expm1, log2, log10, exp2, softplus, hypot, arctan2, mod, sign, floor, ceil, round, clip):
reference values, edge points, NumPy dispatch and methods, and misuse.

The generated tests of ``tests/test_primitives.py`` check every row in both modes
against central differences; here they are checked against another library. The
numbers below were computed once with PyTorch 2.13.0 (CPU, float64) by
``torch.autograd.grad`` (``create_graph=True`` for the second derivatives), and the
conventions at edge points compared with JAX 0.10.2 (``jax_enable_x64``); the comment on
each test says which library gave what.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import autodiff as ad
from autodiff import Dual, Variable

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

inf, nan = np.inf, np.nan


def _close(actual: Any, desired: Any, atol: float = 1e-300) -> None:
    """Equal to rounding (``atol=1e-15`` for second derivatives: ~1e-16 where PyTorch
    has 0)."""
    assert_allclose(actual, desired, rtol=1e-11, atol=atol)


# PyTorch 2.13.0, float64: (x, f(x), f'(x), f''(x)); softplus with threshold=1000 (the
# formula itself; PyTorch's default threshold 20 returns x above 20).
UNARY: dict[str, list[tuple[float, float, float, float]]] = {
    "square": [
        (-1.5, 2.25, -3.0, 2.0),
        (0.0, 0.0, 0.0, 2.0),
        (2.5, 6.25, 5.0, 2.0),
    ],
    "sinh": [
        (-2.0, -3.626860407847019, 3.7621956910836314, -3.626860407847019),
        (0.0, 0.0, 1.0, 0.0),
        (1.3, 1.698382437292616, 1.9709142303266285, 1.698382437292616),
    ],
    "cosh": [
        (-2.0, 3.7621956910836314, -3.626860407847019, 3.7621956910836314),
        (0.0, 1.0, 0.0, 1.0),
        (1.3, 1.9709142303266285, 1.698382437292616, 1.9709142303266285),
    ],
    "arcsin": [
        (-0.6, -0.6435011087932844, 1.25, -1.171875),
        (0.0, 0.0, 1.0, 0.0),
        (0.95, 1.253235897503375, 3.202563076101742, 31.204460741504136),
    ],
    "arccos": [
        (-0.6, 2.214297435588181, -1.25, 1.171875),
        (0.0, 1.5707963267948966, -1.0, -0.0),
        (0.95, 0.3175604292915215, -3.202563076101742, -31.204460741504136),
    ],
    "arctan": [
        (-3.0, -1.2490457723982544, 0.1, 0.06),
        (0.0, 0.0, 1.0, -0.0),
        (0.7, 0.6107259643892086, 0.6711409395973155, -0.6306022251249943),
    ],
    "arcsinh": [
        (-3.0, -1.8184464592320668, 0.31622776601683794, 0.09486832980505139),
        (0.0, 0.0, 1.0, -0.0),
        (0.7, 0.6526665660823557, 0.8192319205190405, -0.3848740566196835),
    ],
    "arccosh": [
        (1.1, 0.4435682543851154, 2.1821789023599227, -11.430460917123394),
        (2.0, 1.3169578969248166, 0.5773502691896258, -0.3849001794597507),
        (10.0, 2.993222846126381, 0.10050378152592121, -0.010151897123830427),
    ],
    "arctanh": [
        (-0.6, -0.6931471805599453, 1.5625, -2.9296875),
        (0.0, 0.0, 1.0, 0.0),
        (0.95, 1.8317808230648227, 10.256410256410254, 199.86850756081512),
    ],
    "log1p": [
        (-0.5, -0.6931471805599453, 2.0, -4.0),
        (1e-10, 9.999999999500001e-11, 0.9999999999, -0.9999999998),
        (3.0, 1.3862943611198906, 0.25, -0.0625),
    ],
    "expm1": [
        (1e-10, 1.00000000005e-10, 1.0000000001, 1.0000000001),
        (2.0, 6.38905609893065, 7.38905609893065, 7.38905609893065),
    ],
    "log2": [
        (0.25, -2.0, 5.7707801635558535, -23.083120654223414),
        (1.0, 0.0, 1.4426950408889634, -1.4426950408889634),
        (7.0, 2.807354922057604, 0.20609929155556622, -0.02944275593650946),
    ],
    "log10": [
        (0.25, -0.6020599913279624, 1.7371779276130075, -6.948711710452029),
        (1.0, 0.0, 0.43429448190325187, -0.4342944819032518),
        (7.0, 0.8450980400142568, 0.0620420688433217, -0.008863152691903102),
    ],
    "exp2": [
        (-3.0, 0.125, 0.08664339756999316, 0.060056626739775174),
        (0.0, 1.0, 0.6931471805599453, 0.4804530139182014),
        (2.5, 5.656854249492381, 3.921032573874189, 2.7178526734645994),
    ],
    "softplus": [
        (-50.0, 1.9287498479639178e-22, 1.9287498479639178e-22, 1.928749847963918e-22),
        (-1.0, 0.31326168751822286, 0.2689414213699951, 0.19661193324148185),
        (0.0, 0.6931471805599453, 0.5, 0.25),
        (1.0, 1.3132616875182228, 0.7310585786300049, 0.19661193324148185),
        (15.0, 15.000000305902274, 0.9999996940977731, 3.0590213341738715e-07),
    ],
    "sign": [
        (-1.5, -1.0, 0.0, 0.0),
        (0.0, 0.0, 0.0, 0.0),
        (2.0, 1.0, 0.0, 0.0),
    ],
    "floor": [
        (-1.5, -2.0, 0.0, 0.0),
        (-1.0, -1.0, 0.0, 0.0),
        (0.3, 0.0, 0.0, 0.0),
        (2.0, 2.0, 0.0, 0.0),
    ],
    "ceil": [
        (-1.5, -1.0, 0.0, 0.0),
        (-1.0, -1.0, 0.0, 0.0),
        (0.3, 1.0, 0.0, 0.0),
        (2.0, 2.0, 0.0, 0.0),
    ],
    "round": [
        (-2.5, -2.0, 0.0, 0.0),
        (-1.5, -2.0, 0.0, 0.0),
        (-0.5, -0.0, 0.0, 0.0),
        (0.5, 0.0, 0.0, 0.0),
        (1.5, 2.0, 0.0, 0.0),
        (2.5, 2.0, 0.0, 0.0),
        (0.7, 1.0, 0.0, 0.0),
    ],
}
BINARY: dict[str, list[Any]] = {
    "hypot": [
        ((3.0, 4.0), 5.0, (0.6, 0.8), ((0.128, -0.096), (-0.096, 0.07200000000000001))),
        (
            (-1.0, 2.0),
            2.23606797749979,
            (-0.4472135954999579, 0.8944271909999159),
            (
                (0.35777087639996635, 0.17888543819998315),
                (0.17888543819998315, 0.08944271909999163),
            ),
        ),
        ((0.0, 2.0), 2.0, (0.0, 1.0), ((0.5, -0.0), (-0.0, 0.0))),
    ],
    "arctan2": [
        ((1.0, 1.0), 0.7853981633974483, (0.5, -0.5), ((-0.5, 0.0), (0.0, 0.5))),
        (
            (-1.0, -2.0),
            -2.677945044588987,
            (-0.4, 0.2),
            ((-0.16000000000000003, -0.12000000000000005), (-0.12, 0.16000000000000003)),
        ),
        (
            (2.0, -0.5),
            1.8157749899217608,
            (-0.11764705882352941, -0.47058823529411764),
            (
                (0.11072664359861592, 0.20761245674740486),
                (0.20761245674740486, -0.11072664359861592),
            ),
        ),
        ((0.0, -1.0), 3.141592653589793, (-1.0, -0.0), ((0.0, -1.0), (-1.0, -0.0))),
    ],
    "mod": [
        ((5.5, 2.0), 1.5, (1.0, -2.0), ((0.0, 0.0), (0.0, 0.0))),
        ((-1.0, 3.0), 2.0, (1.0, 1.0), ((0.0, 0.0), (0.0, 0.0))),
        ((5.0, -3.0), -1.0, (1.0, 2.0), ((0.0, 0.0), (0.0, 0.0))),
        ((-7.5, -2.0), -1.5, (1.0, -3.0), ((0.0, 0.0), (0.0, 0.0))),
        ((6.0, 2.0), 0.0, (1.0, -3.0), ((0.0, 0.0), (0.0, 0.0))),
    ],
}
ROUND_DECIMALS_1 = ((1.25, 1.2), (1.35, 1.4), (-0.04, -0.0), (2.71828, 2.7))


def _derivatives(f: Any, x: float) -> tuple[float, float, float, float, float]:
    """f(x), f'(x) by reverse and by forward mode, f''(x) reverse-over-reverse and
    forward-over-forward."""
    return (
        f(x),
        ad.grad(f)(x),
        ad.derivative(f)(x),
        ad.grad(ad.grad(f))(x),
        ad.derivative(ad.derivative(f))(x),
    )


@pytest.mark.parametrize(
    ("name", "point"),
    [(name, p) for name, points in UNARY.items() for p in points],
    ids=[f"{name}-{p[0]}" for name, points in UNARY.items() for p in points],
)
def test_unary_against_pytorch(name: str, point: tuple[float, float, float, float]) -> None:
    x, value, d1, d2 = point
    f = getattr(ad, name)
    v, rev, fwd, rev2, fwd2 = _derivatives(f, x)
    assert isinstance(v, float)
    _close(v, value)
    _close([rev, fwd], [d1, d1])
    _close([rev2, fwd2], [d2, d2])


@pytest.mark.parametrize(
    ("name", "point"),
    [(name, p) for name, points in BINARY.items() for p in points],
    ids=[f"{name}-{p[0]}" for name, points in BINARY.items() for p in points],
)
def test_binary_against_pytorch(name: str, point: Any) -> None:
    (x, y), value, grad, hess = point
    f = getattr(ad, name)
    _close(f(x, y), value)
    _close(ad.grad(f, argnums=(0, 1))(x, y), grad)
    xy = np.array([x, y])

    def g(v: Any) -> Any:
        return f(v[0], v[1])

    _close(ad.jacobian(g, mode="forward")(xy), grad)
    _close(ad.hessian(g)(xy), hess, atol=1e-15)
    _close(ad.jacobian(ad.jacobian(g, mode="forward"), mode="forward")(xy), hess, atol=1e-15)


def test_arrays_against_pytorch() -> None:
    """The same numbers through arrays, in one call per function (reverse mode)."""
    for name, points in UNARY.items():
        xs = np.array([p[0] for p in points])
        f = getattr(ad, name)
        _close(f(xs), [p[1] for p in points])
        _close(ad.grad(lambda v, f=f: ad.sum(f(v)))(xs), [p[2] for p in points])


def test_round_with_decimals_against_pytorch() -> None:
    # torch.round(x, decimals=1): halves to even after scaling, as NumPy
    for x, expected in ROUND_DECIMALS_1:
        assert ad.round(x, 1) == expected
        assert ad.grad(lambda v: ad.round(v, decimals=1))(x) == 0.0
    assert ad.round(1234.5, -2) == 1200.0


# --------------------------------------------------------------------------------------
# Edge points: the conventions, stated in the docstrings.


def test_hypot_at_the_origin_is_zero_to_second_order() -> None:
    # PyTorch: torch.hypot gives nan for both partials at (0, 0), and
    # torch.linalg.vector_norm gives (0.0, 0.0); JAX's jnp.hypot gives (0.5, 0.5) and a
    # zero Hessian. autodiff takes 0, the subgradient, and a zero Hessian.
    assert ad.grad(ad.hypot, argnums=(0, 1))(0.0, 0.0) == (0.0, 0.0)

    def g(v: Any) -> Any:
        return ad.hypot(v[0], v[1])

    assert_array_equal(ad.hessian(g)(np.zeros(2)), np.zeros((2, 2)))
    assert_array_equal(ad.jacobian(g, mode="forward")(np.zeros(2)), [0.0, 0.0])
    # hypot(x, 0) = |x|, with abs'(0) = 0 here
    assert ad.grad(lambda x: ad.hypot(x, 0.0))(0.0) == ad.grad(ad.abs)(0.0) == 0.0
    assert ad.grad(lambda x: ad.hypot(x, 0.0))(-2.0) == -1.0
    # only the elements at the origin are replaced
    x = np.array([0.0, 3.0])
    y = np.array([0.0, 4.0])
    gx, gy = ad.grad(lambda a, b: ad.sum(ad.hypot(a, b)), argnums=(0, 1))(x, y)
    assert_allclose(gx, [0.0, 0.6])
    assert_allclose(gy, [0.0, 0.8])


def test_hypot_does_not_overflow() -> None:
    big = 1e200
    assert ad.hypot(big, big) == pytest.approx(big * math.sqrt(2), rel=1e-15)
    assert ad.grad(ad.hypot)(big, big) == pytest.approx(1 / math.sqrt(2), rel=1e-15)
    tiny = 1e-200  # the squares would underflow to 0
    assert ad.grad(ad.hypot)(tiny, tiny) == pytest.approx(1 / math.sqrt(2), rel=1e-15)
    assert ad.grad(ad.arctan2)(tiny, tiny) == pytest.approx(0.5 / tiny, rel=1e-15)


def test_arctan2_at_the_origin() -> None:
    # PyTorch 2.13: first derivatives (0.0, -0.0) at (0, 0), second derivatives nan;
    # JAX: nan for both. autodiff takes 0 for both orders.
    assert ad.grad(ad.arctan2, argnums=(0, 1))(0.0, 0.0) == (0.0, 0.0)

    def g(v: Any) -> Any:
        return ad.arctan2(v[0], v[1])

    assert_array_equal(ad.hessian(g)(np.zeros(2)), np.zeros((2, 2)))
    # on the cut y = 0, x < 0: the value is π, the derivatives those of the formula
    # (PyTorch: value 3.141592653589793, gradient (-1.0, -0.0))
    assert ad.arctan2(0.0, -1.0) == math.pi
    assert ad.grad(ad.arctan2, argnums=(0, 1))(0.0, -1.0) == (-1.0, 0.0)


def test_clip_gradient_at_and_between_the_bounds() -> None:
    # PyTorch 2.13 torch.clamp(x, lo, hi) with tensor bounds at x = [-2, -1, 0, 1, 2],
    # lo = -1, hi = 1: the bounds themselves pass the gradient to x (JAX's jnp.clip
    # gives 0.5 at a bound instead).
    x = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    lo, hi = np.full(5, -1.0), np.full(5, 1.0)
    value = ad.clip(x, lo, hi)
    assert_array_equal(value, [-1.0, -1.0, 0.0, 1.0, 1.0])
    dx, dlo, dhi = ad.grad(lambda a, b, c: ad.sum(ad.clip(a, b, c)), argnums=(0, 1, 2))(x, lo, hi)
    assert_array_equal(dx, [0.0, 1.0, 1.0, 1.0, 0.0])
    assert_array_equal(dlo, [1.0, 0.0, 0.0, 0.0, 0.0])
    assert_array_equal(dhi, [0.0, 0.0, 0.0, 0.0, 1.0])
    # forward mode agrees
    assert_array_equal(ad.jacobian(lambda a: ad.clip(a, -1.0, 1.0), mode="forward")(x), np.diag(dx))
    # scalar bounds are summed back to scalars
    assert ad.grad(lambda b: ad.sum(ad.clip(x, b, 1.0)))(-1.0) == 1.0


def test_clip_with_the_lower_bound_above_the_upper_one() -> None:
    # NumPy gives a_max everywhere; PyTorch 2.13 (clamp, x = [-2, 0, 2], lo = 1, hi = -1)
    # gives the value -1 and the gradients x: 0, lo: 0, hi: 1, as JAX does.
    x = np.array([-2.0, 0.0, 2.0])
    assert_array_equal(ad.clip(x, 1.0, -1.0), np.clip(x, 1.0, -1.0))
    dx, dlo, dhi = ad.grad(lambda a, b, c: ad.sum(ad.clip(a, b, c)), argnums=(0, 1, 2))(
        x, np.ones(3), -np.ones(3)
    )
    assert_array_equal(dx, [0.0, 0.0, 0.0])
    assert_array_equal(dlo, [0.0, 0.0, 0.0])
    assert_array_equal(dhi, [1.0, 1.0, 1.0])


def test_clip_with_one_bound() -> None:
    x = np.array([-2.0, 0.5, 3.0])
    assert_array_equal(ad.clip(x, None, 1.0), [-2.0, 0.5, 1.0])
    assert_array_equal(ad.clip(x, a_min=0.0), [0.0, 0.5, 3.0])
    assert_array_equal(ad.clip(x, max=1.0), [-2.0, 0.5, 1.0])
    assert_array_equal(ad.clip(x), x)  # as NumPy: no bound, no change
    assert_array_equal(ad.grad(lambda v: ad.sum(ad.clip(v, 0.0)))(x), [0.0, 1.0, 1.0])
    assert_array_equal(ad.grad(lambda v: ad.sum(ad.clip(v, max=1.0)))(x), [1.0, 1.0, 0.0])


def test_clip_of_nan_is_nan_with_no_gradient() -> None:
    # PyTorch: nan, gradient 0 (a nan is neither >= lo nor <= hi)
    assert math.isnan(ad.clip(nan, 0.0, 1.0))
    assert ad.grad(lambda v: ad.clip(v, 0.0, 1.0))(nan) == 0.0


def test_softplus_is_stable_for_large_inputs() -> None:
    # JAX's jax.nn.softplus: (1.9287498479639178e-22, 1.9287498479639178e-22) at -50,
    # (50.0, 1.0) at 50.
    assert ad.softplus(1000.0) == 1000.0
    assert ad.softplus(-1000.0) == 0.0
    assert ad.grad(ad.softplus)(1000.0) == 1.0
    assert ad.grad(ad.softplus)(-1000.0) == 0.0
    assert ad.softplus(-50.0) == pytest.approx(1.9287498479639178e-22, rel=1e-14)
    assert_array_equal(ad.softplus(np.array([-1000.0, 1000.0])), [0.0, 1000.0])
    assert ad.softplus(np.array(-50.0)) == pytest.approx(1.9287498479639178e-22, rel=1e-14)
    assert ad.softplus(inf) == inf
    assert ad.grad(ad.softplus)(inf) == 1.0
    assert ad.grad(ad.softplus)(-inf) == 0.0


def test_accuracy_of_log1p_expm1_and_arcsinh() -> None:
    # exp(-40), which out + 1 = expm1(-40) + 1 would lose (PyTorch's rule gives 0.0)
    assert ad.grad(ad.expm1)(-40.0) == pytest.approx(math.exp(-40.0), rel=1e-15)
    assert ad.grad(ad.log1p)(1e-17) == 1.0
    # 1 / sqrt(x² + 1) at 1e200 is 1e-200 (PyTorch's formula overflows, giving 0.0)
    assert ad.grad(ad.arcsinh)(1e200) == pytest.approx(1e-200, rel=1e-15)
    assert ad.grad(ad.arccosh)(1e200) == pytest.approx(1e-200, rel=1e-15)


def test_inverse_functions_at_the_ends_of_their_domains() -> None:
    # PyTorch and JAX: inf derivatives at the ends, nan outside
    assert ad.grad(ad.arcsin)(1.0) == inf
    assert ad.grad(ad.arccos)(-1.0) == -inf
    assert ad.grad(ad.arccosh)(1.0) == inf
    assert ad.grad(ad.arctanh)(1.0) == inf
    assert ad.arctanh(1.0) == inf
    assert math.isnan(ad.arcsin(1.5))
    assert math.isnan(ad.arccosh(0.5))


def test_piecewise_constant_functions() -> None:
    x = np.array([-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5])
    assert_array_equal(ad.round(x), np.round(x))  # halves to even
    assert_array_equal(ad.floor(x), np.floor(x))
    assert_array_equal(ad.ceil(x), np.ceil(x))
    assert_array_equal(ad.sign(x), np.sign(x))
    for f in (ad.round, ad.floor, ad.ceil, ad.sign):
        assert_array_equal(ad.grad(lambda v, f=f: ad.sum(f(v)))(x), np.zeros(7))
        assert_array_equal(ad.jacobian(f, mode="forward")(x), np.zeros((7, 7)))
    # the zero partial sends zeros, never 0 · g: an infinite cotangent gives no nan
    assert ad.grad(lambda v: ad.exp(1000.0 * ad.floor(v)) * 0.0 + ad.floor(v))(1.5) == 0.0
    assert ad.grad(lambda v: ad.sign(v) * v)(0.0) == 0.0


def test_mod_follows_the_sign_of_the_divisor() -> None:
    # NumPy and PyTorch (remainder): the result has the divisor's sign; ∂/∂y = -floor(x/y)
    assert ad.mod(-1.0, 3.0) == 2.0
    assert ad.mod(1.0, -3.0) == -2.0
    assert ad.grad(ad.mod, argnums=(0, 1))(-1.0, 3.0) == (1.0, 1.0)
    x = np.array([5.5, -1.0, 5.0, -7.5, 6.0])
    y = np.array([2.0, 3.0, -3.0, -2.0, 2.0])
    assert_array_equal(ad.mod(x, y), np.mod(x, y))
    gx, gy = ad.grad(lambda a, b: ad.sum(ad.mod(a, b)), argnums=(0, 1))(x, y)
    assert_array_equal(gx, np.ones(5))
    assert_array_equal(gy, [-2.0, 1.0, 2.0, -3.0, -3.0])  # PyTorch 2.13's numbers
    assert math.isnan(ad.mod(1.0, 0.0))


# --------------------------------------------------------------------------------------
# Forward mode, reverse mode and finite differences on a composition of all of them.


def _everything(x: Any, y: Any) -> Any:
    terms = [
        ad.square(x),
        ad.sinh(x),
        ad.cosh(y),
        ad.arcsin(0.3 * x),
        ad.arccos(0.3 * y),
        ad.arctan(x),
        ad.arcsinh(y),
        ad.arccosh(2.0 + x * x),
        ad.arctanh(0.4 * y),
        ad.log1p(x * x),
        ad.expm1(y),
        ad.log2(1.5 + y),
        ad.log10(1.5 + x),
        ad.exp2(x),
        ad.softplus(3.0 * y),
        ad.hypot(x, y),
        ad.arctan2(y, x),
        ad.mod(x, 0.7),
        ad.mod(3.3, 1.0 + y),
        ad.clip(x * y, -0.5, 0.5),
        ad.clip(x, y, 0.9),
        ad.floor(x) * y + ad.ceil(y) * x + ad.round(x * 3.0) + ad.sign(y) * x,
    ]
    total: Any = 0.0
    for t in terms:
        total = total + ad.sum(t)
    return total


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_check_grad_of_a_composition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-0.9, 0.9, size=(2, 3))
    y = rng.uniform(-0.9, 0.9, size=(3,))
    assert ad.check_grad(_everything, x, y) < 1e-6

    def projected(a: Any, b: Any) -> Any:
        ga, gb = ad.grad(_everything, argnums=(0, 1))(a, b)
        return ad.sum(ga * x) + ad.sum(gb * y)

    assert ad.check_grad(projected, x, y) < 1e-6


# --------------------------------------------------------------------------------------
# NumPy's own functions and the methods on traced values.

UFUNCS: dict[str, Any] = {
    "square": np.square,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "arcsin": np.arcsin,
    "arccos": np.arccos,
    "arctan": np.arctan,
    "arcsinh": np.arcsinh,
    "arccosh": np.arccosh,
    "arctanh": np.arctanh,
    "log1p": np.log1p,
    "expm1": np.expm1,
    "log2": np.log2,
    "log10": np.log10,
    "exp2": np.exp2,
    "sign": np.sign,
    "floor": np.floor,
    "ceil": np.ceil,
    "round": np.round,
}


@pytest.mark.parametrize("kind", [Dual, Variable])
@pytest.mark.parametrize("name", sorted(UFUNCS))
def test_numpy_functions_call_the_rows(kind: type[Dual | Variable], name: str) -> None:
    x = np.array([0.3, 0.6]) + (1.0 if name == "arccosh" else 0.0)
    out = UFUNCS[name](kind(x))
    assert isinstance(out, kind)
    assert_allclose(out.value, getattr(ad, name)(x), rtol=0, atol=0)
    if isinstance(out, Variable):
        assert out.op == name


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (np.hypot, "hypot"),
        (np.arctan2, "arctan2"),
        (np.mod, "mod"),
        (np.remainder, "mod"),
        (lambda x, y: np.clip(x, -0.4, y), "clip"),
        (lambda x, y: np.clip(x, a_min=y, a_max=0.9), "clip"),
        (lambda x, y: np.around(x, 1), "round"),
        (lambda x, y: x.clip(-0.4, y), "clip"),
        (lambda x, y: x.clip(max=y), "clip"),
        (lambda x, y: x.round(), "round"),
        (lambda x, y: x.round(decimals=1), "round"),
    ],
)
def test_numpy_functions_and_methods_with_two_operands(call: Any, name: str) -> None:
    x = Variable(np.array([-0.52, 0.37]))
    y = Variable(np.array([0.81, 0.3]))
    out = call(x, y)
    assert isinstance(out, Variable)
    assert out.op == name
    assert_allclose(out.value, call(x.value, y.value), rtol=0, atol=0)


def test_second_derivative_through_numpy_functions() -> None:
    def f(x: Any) -> Any:
        return np.sinh(x) * np.arctan(x) + np.hypot(x, 2.0)

    def expected(x: float) -> Any:
        s, c, a = math.sinh(x), math.cosh(x), math.atan(x)
        d_atan, dd_atan = 1 / (1 + x * x), -2 * x / (1 + x * x) ** 2
        return s * a + 2 * c * d_atan + s * dd_atan + 4 / (x * x + 4) ** 1.5

    assert ad.grad(ad.grad(f))(0.7) == pytest.approx(expected(0.7), rel=1e-13)
    assert ad.hessian(f)(0.7) == pytest.approx(expected(0.7), rel=1e-13)


# --------------------------------------------------------------------------------------
# Misuse: the errors name the function.


@pytest.mark.parametrize("decimals", [1.5, "1", None, True])
def test_round_refuses_decimals_that_are_not_ints(decimals: Any) -> None:
    with pytest.raises(TypeError, match="round: decimals must be an int"):
        ad.round(1.25, decimals)
    with pytest.raises(TypeError, match="round: decimals must be an int"):
        Variable(1.25).round(decimals)


def test_clip_refuses_a_bound_given_twice() -> None:
    with pytest.raises(TypeError, match="clip: give the lower bound once"):
        ad.clip(1.0, 0.0, min=0.0)
    with pytest.raises(TypeError, match="clip: give the upper bound once"):
        np.clip(Variable(np.ones(2)), 0.0, 1.0, max=1.0)


def test_clip_refuses_bounds_that_are_no_numbers() -> None:
    with pytest.raises(TypeError, match="clip"):
        ad.clip(Variable(1.0), "0", 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="clip"):
        ad.clip(Variable(1.0), 0.0, 1j)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda x: ad.clip(x, np.zeros(2), 1.0), "clip"),
        (lambda x: ad.hypot(x, np.ones(4)), "hypot"),
        (lambda x: ad.arctan2(np.ones(4), x), "arctan2"),
        (lambda x: ad.mod(x, np.ones((2, 2))), "mod"),
    ],
)
def test_operands_that_do_not_broadcast_are_refused_by_name(call: Any, name: str) -> None:
    for x in (np.ones(3), Variable(np.ones(3)), Dual(np.ones(3))):
        with pytest.raises(ValueError, match=f"{name}: operands of shapes"):
            call(x)


def test_numpy_arguments_that_are_not_supported_are_refused() -> None:
    x = Variable(np.array([0.5, 1.5]))
    with pytest.raises(TypeError, match=r"numpy\.hypot with the arguments"):
        np.hypot(x, 1.0, out=np.zeros(2))
    with pytest.raises(TypeError, match=r"numpy\.hypot\.reduce"):
        np.hypot.reduce(x)
    with pytest.raises(TypeError, match="out"):
        np.clip(x, 0.0, 1.0, out=np.zeros(2))


def test_softplus_is_not_a_numpy_function_nor_a_method() -> None:
    assert not hasattr(np, "softplus")
    assert not hasattr(Variable(1.0), "softplus")
    assert ad.softplus(Variable(0.0)).op == "softplus"


@pytest.mark.parametrize("kind", [ad.Dual, ad.Variable])
def test_percent_and_floor_division_operators(kind: Any) -> None:
    x = kind(7.5)
    assert (x % 2.0).value == 1.5
    assert (8.0 % kind(3.0)).value == 2.0
    assert (x // 2.0).value == 3.0
    assert (20.0 // kind(3.0)).value == 6.0
    assert ad.grad(lambda v: v % 0.7)(2.0) == 1.0
    assert ad.grad(lambda v: 5.0 % v)(2.0) == -2.0  # -floor(5 / 2)
    assert ad.grad(lambda v: v // 0.7 + v)(2.0) == 1.0
