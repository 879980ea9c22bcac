"""NumPy's reductions and products on traced values: prod, min, var, std, cumsum, argmax,
argmin, logsumexp, einsum, dot, inner, outer, tensordot, trace, diag, triu, tril.

The generated tests of ``tests/test_primitives.py`` check the rows (prod, min, cumsum,
logsumexp, einsum) in both modes and at second order; here: values and derivatives
against PyTorch at generic and edge points (zeros, ties, -inf, zero variance), the
functions composed of rows (checked by ``check_grad``, forward against reverse), NumPy's
dispatch and the methods, and misuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff import Dual, Variable

INF, NAN = float("inf"), float("nan")

# Reference values computed once with PyTorch 2.13.0 (CPU build, float64): torch.prod,
# torch.min(x, dim), torch.var/std(correction=ddof), torch.cumsum, torch.logsumexp,
# torch.einsum, torch.tensordot, torch.outer, torch.inner, torch.trace, torch.diagonal,
# torch.triu/tril, torch.diag; gradients by torch.autograd.grad of the weighted sums
# below, Hessians by torch.autograd.functional.hessian. Inputs:
W = [0.3, -1.2, 0.7, 2.0]
M = [[1.5, 0.0, -2.0], [0.0, 0.0, 0.5], [0.3, 1.1, -0.9]]
WM = [[0.3, -1.2, 0.7], [2.0, 0.1, -0.4], [1.0, 0.5, -2.0]]
X = [1.0, 2.5, -0.5, 4.0]
A = [[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]]
B = [[1.0, 0.2], [-0.4, 0.9], [0.6, -1.3]]
C = [0.8, -0.5]
S = [[1.0, 2.0, -0.5], [0.3, -1.1, 0.8], [2.2, 0.4, -0.6]]
W2 = [[0.3, -1.2], [0.7, 2.0]]
TA = np.arange(24.0).reshape(2, 3, 4) / 10 - 1
TB = np.arange(60.0).reshape(4, 3, 5) / 20 - 1
WT = np.linspace(-1, 1, 10).reshape(2, 5)
TORCH: dict[str, dict[str, Any]] = {
    "prod_generic": {
        "x": [1.5, -0.7, 2.0, 0.3],
        "value": -0.6299999999999999,
        "grad": [
            -0.41999999999999993,
            0.8999999999999999,
            -0.31499999999999995,
            -2.0999999999999996,
        ],
        "hess": [
            [5.551115123125783e-17, 0.5999999999999999, -0.20999999999999996, -1.3999999999999997],
            [0.5999999999999999, 0.0, 0.44999999999999996, 2.9999999999999996],
            [-0.20999999999999996, 0.44999999999999996, 0.0, -1.0499999999999998],
            [-1.4, 3.0, -1.0499999999999998, 0.0],
        ],
    },
    "prod_one_zero": {
        "x": [1.5, 0.0, 2.0, -0.3],
        "value": -0.0,
        "grad": [-0.0, -0.8999999999999999, -0.0, 0.0],
        "hess": [
            [0.0, -0.6, 0.0, 0.0],
            [-0.6, 0.0, -0.44999999999999996, 3.0],
            [0.0, -0.44999999999999996, 0.0, 0.0],
            [0.0, 3.0, 0.0, 0.0],
        ],
    },
    "prod_two_zeros": {
        "x": [0.0, 1.5, 0.0, 2.0],
        "value": 0.0,
        "grad": [0.0, 0.0, 0.0, 0.0],
        "hess": [
            [0.0, 0.0, 3.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [3.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
        ],
    },
    "prod_three_zeros": {
        "x": [0.0, 1.5, 0.0, 0.0],
        "value": 0.0,
        "grad": [0.0, 0.0, 0.0, 0.0],
        "hess": [
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
        ],
    },
    "prod_rows": {
        "x": [[1.5, 0.0, -2.0], [0.0, 0.0, 0.5], [0.3, 1.1, -0.9]],
        "grad": [
            [-0.0, -0.8999999999999999, 0.0],
            [-0.0, -0.0, -0.0],
            [-0.6930000000000001, -0.189, 0.23099999999999998],
        ],
        "value": [-0.0, 0.0, -0.29700000000000004],
    },
    "min_generic": {
        "x": [2.0, 0.5, 1.0, 3.0],
        "value": 0.5,
        "grad": [0.0, 1.0, 0.0, 0.0],
        "index": 1,
    },
    "min_tie": {"x": [2.0, 1.0, 1.0, 3.0], "value": 1.0, "grad": [0.0, 1.0, 0.0, 0.0], "index": 1},
    "var_ddof0": {
        "x": [1.0, 2.5, -0.5, 4.0],
        "value": 2.8125,
        "grad": [-0.375, 0.375, -1.125, 1.125],
        "hess": [
            [0.375, -0.125, -0.125, -0.125],
            [-0.125, 0.375, -0.125, -0.125],
            [-0.125, -0.125, 0.375, -0.125],
            [-0.125, -0.125, -0.125, 0.375],
        ],
    },
    "std_ddof0": {
        "x": [1.0, 2.5, -0.5, 4.0],
        "value": 1.6770509831248424,
        "grad": [
            -0.1118033988749895,
            0.1118033988749895,
            -0.33541019662496846,
            0.33541019662496846,
        ],
        "hess": [
            [0.1043498389499902, -0.0298142396999972, -0.0596284793999944, -0.0149071198499986],
            [-0.0298142396999972, 0.1043498389499902, -0.0149071198499986, -0.0596284793999944],
            [-0.0596284793999944, -0.0149071198499986, 0.0447213595499958, 0.0298142396999972],
            [-0.0149071198499986, -0.0596284793999944, 0.0298142396999972, 0.0447213595499958],
        ],
    },
    "var_ddof1": {
        "x": [1.0, 2.5, -0.5, 4.0],
        "value": 3.75,
        "grad": [-0.5, 0.5, -1.5, 1.5],
        "hess": [
            [0.5, -0.16666666666666666, -0.16666666666666666, -0.16666666666666666],
            [-0.16666666666666666, 0.5, -0.16666666666666666, -0.16666666666666666],
            [-0.16666666666666666, -0.16666666666666666, 0.5, -0.16666666666666666],
            [-0.16666666666666666, -0.16666666666666666, -0.16666666666666666, 0.5],
        ],
    },
    "std_ddof1": {
        "x": [1.0, 2.5, -0.5, 4.0],
        "value": 1.9364916731037085,
        "grad": [
            -0.12909944487358055,
            0.12909944487358055,
            -0.38729833462074165,
            0.38729833462074165,
        ],
        "hess": [
            [0.12049281521534184, -0.03442651863295481, -0.06885303726590962, -0.01721325931647741],
            [-0.03442651863295481, 0.12049281521534184, -0.01721325931647741, -0.06885303726590962],
            [
                -0.06885303726590962,
                -0.017213259316477412,
                0.05163977794943224,
                0.034426518632954796,
            ],
            [
                -0.017213259316477412,
                -0.06885303726590962,
                0.034426518632954796,
                0.05163977794943224,
            ],
        ],
    },
    "var_axis0_keepdims": {
        "x": [[1.5, 0.0, -2.0], [0.0, 0.0, 0.5], [0.3, 1.1, -0.9]],
        "value": [[0.63, 0.4033333333333334, 1.57]],
        "grad": [
            [2.9699999999999998, 0.21999999999999997, 2.0400000000000005],
            [-1.9799999999999998, 0.21999999999999997, -2.21],
            [-0.9899999999999999, -0.43999999999999995, 0.17000000000000018],
        ],
    },
    "std_constant": {"x": [2.0, 2.0, 2.0], "value": 0.0, "grad": [0.0, 0.0, 0.0]},
    "cumsum": {
        "x": [1.0, -2.0, 0.5, 3.0],
        "value": [1.0, -1.0, -0.5, 2.5],
        "grad": [1.8000000000000003, 1.5000000000000002, 2.7, 2.0],
    },
    "cumsum_axis1": {
        "x": [[1.5, 0.0, -2.0], [0.0, 0.0, 0.5], [0.3, 1.1, -0.9]],
        "value": [[1.5, 1.5, -0.5], [0.0, 0.0, 0.5], [0.3, 1.4000000000000001, 0.5000000000000001]],
        "grad": [[-0.2, -0.5, 0.7], [1.7, -0.30000000000000004, -0.4], [-0.5, -1.5, -2.0]],
    },
    "logsumexp_generic": {
        "x": [0.5, -1.0, 2.0, 0.1],
        "value": 2.3524059381034306,
        "grad": [0.156859318145836, 0.03500004477865389, 0.7029946917148745, 0.10514594536063579],
        "hess": [
            [0.13225447245665942, -0.005490083159053377, -0.1102712680025374, -0.01649312129506866],
            [
                -0.005490083159053377,
                0.03377504164414612,
                -0.024604845689176594,
                -0.0036801127959161482,
            ],
            [-0.1102712680025374, -0.024604845689176594, 0.20879315513558305, -0.0739170414438692],
            [
                -0.01649312129506866,
                -0.0036801127959161482,
                -0.0739170414438692,
                0.09409027553485398,
            ],
        ],
    },
    "logsumexp_wide": {
        "x": [1000.0, 999.0, -1000.0, 1000.5],
        "value": 1001.1041306053368,
        "grad": [0.33149896042407984, 0.12195165230972457, 0.0, 0.5465493872661604],
        "hess": [
            [0.22160739966183418, -0.04042684596267253, 0.0, -0.18118055369915],
            [-0.04042684596267253, 0.10707944680865263, 0.0, -0.06665260084597581],
            [0.0, 0.0, 0.0, 0.0],
            [-0.18118055369915, -0.06665260084597581, 0.0, 0.24783315454514504],
        ],
    },
    "logsumexp_neg_inf": {
        "x": [-INF, 0.0, 1.0, -INF],
        "value": 1.3132616875182228,
        "grad": [0.0, 0.2689414213699951, 0.7310585786300049, 0.0],
    },
    "logsumexp_all_neg_inf": {"x": [-INF, -INF, -INF], "value": -INF, "grad": [NAN, NAN, NAN]},
    "logsumexp_rows": {
        "x": [[1.5, 0.0, -2.0], [0.0, 0.0, 0.5], [0.3, 1.1, -0.9]],
        "value": [1.7258020492315995, 1.2943767694176431, 1.5603725535673185],
        "grad": [
            [0.2393628078620977, 0.05340906165184771, 0.007228130486054518],
            [-0.3288823428734364, -0.3288823428734364, -0.5422353142531272],
            [0.19848385890403994, 0.44173395163606494, 0.059782189459895003],
        ],
    },
    "einsum_ij_jk_k": {
        "value": [3.3800000000000003, 0.028000000000000025],
        "ga": [[0.21, -0.231, 0.33899999999999997], [-0.84, 0.924, -1.3559999999999999]],
        "gb": [[-1.3199999999999998, 0.825], [-0.528, 0.32999999999999996], [1.152, -0.72]],
        "gc": [-0.5219999999999999, -2.7960000000000003],
    },
    "einsum_diag": {"grad": [[0.3, 0.0, 0.0], [0.0, -1.2, 0.0], [0.0, 0.0, 0.7]]},
    "einsum_sq_hess": {
        "hess": [
            [
                [
                    [2.5999999999999996, 4.0, -1.0],
                    [0.6, -0.20000000000000018, 1.6],
                    [4.4, 0.8, 0.7999999999999999],
                ],
                [[4.0, -1.4000000000000001, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 4.0]],
                [[-1.0, 0.0, -1.4000000000000001], [0.0, -1.0, 0.0], [0.0, 0.0, -1.0]],
            ],
            [
                [[0.6, 0.0, 0.0], [-1.4000000000000001, 0.6, 0.0], [0.0, 0.0, 0.6]],
                [
                    [-0.20000000000000018, 4.0, -1.0],
                    [0.6, -5.800000000000001, 1.6],
                    [4.4, 0.8, -3.4000000000000004],
                ],
                [[1.6, 0.0, 0.0], [0.0, 1.6, -1.4000000000000001], [0.0, 0.0, 1.6]],
            ],
            [
                [[4.4, 0.0, 0.0], [0.0, 4.4, 0.0], [-1.4000000000000001, 0.0, 4.4]],
                [[0.8, 0.0, 0.0], [0.0, 0.8, 0.0], [0.0, -1.4000000000000001, 0.8]],
                [[0.8, 4.0, -1.0], [0.6, -3.4, 1.6], [4.4, 0.8, -3.8]],
            ],
        ]
    },
    "tensordot": {
        "value": [
            [-0.09999999999999998, -0.37, -0.64, -0.9099999999999997, -1.1799999999999997],
            [5.299999999999999, 5.749999999999998, 6.200000000000001, 6.6499999999999995, 7.1],
        ],
        "ga": [
            [
                [2.611111111111111, 0.5277777777777778, -1.5555555555555556, -3.6388888888888893],
                [1.9166666666666667, -0.16666666666666674, -2.2500000000000004, -4.333333333333333],
                [1.2222222222222223, -0.8611111111111113, -2.944444444444444, -5.027777777777778],
            ],
            [
                [-2.3888888888888893, -0.3055555555555556, 1.7777777777777777, 3.861111111111111],
                [-1.6944444444444446, 0.38888888888888884, 2.4722222222222223, 4.555555555555555],
                [-1.0, 1.0833333333333335, 3.166666666666667, 5.25],
            ],
        ],
        "gb": [
            [
                [
                    1.0222222222222221,
                    0.8444444444444444,
                    0.6666666666666666,
                    0.48888888888888893,
                    0.3111111111111111,
                ],
                [
                    0.6666666666666667,
                    0.6666666666666667,
                    0.6666666666666667,
                    0.6666666666666667,
                    0.6666666666666667,
                ],
                [
                    0.3111111111111111,
                    0.48888888888888893,
                    0.6666666666666666,
                    0.8444444444444444,
                    1.0222222222222221,
                ],
            ],
            [
                [
                    0.9333333333333333,
                    0.8,
                    0.6666666666666667,
                    0.5333333333333334,
                    0.4000000000000001,
                ],
                [
                    0.5777777777777778,
                    0.6222222222222222,
                    0.6666666666666667,
                    0.711111111111111,
                    0.7555555555555555,
                ],
                [
                    0.22222222222222227,
                    0.44444444444444453,
                    0.6666666666666667,
                    0.888888888888889,
                    1.1111111111111112,
                ],
            ],
            [
                [
                    0.8444444444444446,
                    0.7555555555555555,
                    0.6666666666666666,
                    0.5777777777777777,
                    0.4888888888888888,
                ],
                [
                    0.48888888888888893,
                    0.5777777777777778,
                    0.6666666666666667,
                    0.7555555555555555,
                    0.8444444444444446,
                ],
                [
                    0.13333333333333341,
                    0.4000000000000001,
                    0.6666666666666667,
                    0.9333333333333335,
                    1.2000000000000002,
                ],
            ],
            [
                [
                    0.7555555555555555,
                    0.711111111111111,
                    0.6666666666666667,
                    0.6222222222222222,
                    0.5777777777777778,
                ],
                [
                    0.4000000000000001,
                    0.5333333333333333,
                    0.6666666666666667,
                    0.7999999999999999,
                    0.9333333333333332,
                ],
                [
                    0.0444444444444444,
                    0.3555555555555555,
                    0.6666666666666666,
                    0.9777777777777777,
                    1.2888888888888888,
                ],
            ],
        ],
    },
    "dot": {
        "ga": [[0.06, -1.2000000000000002, 1.74], [1.1, 1.52, -2.18]],
        "gb": [[1.1999999999999997, 2.4], [-0.09, 1.7999999999999998], [0.11000000000000004, -3.8]],
    },
    "outer": {"ga": [2.1299999999999994, -0.19000000000000017], "gb": [-3.7, -1.4, 1.5]},
    "inner": {
        "value": [[0.44999999999999996, 3.0], [2.7755575615628914e-17, -2.75]],
        "ga": [[1.23, -0.54, -2.31], [-1.93, 1.14, 4.21]],
        "gb": [[1.1999999999999997, -0.09, 0.11000000000000004], [2.4, 1.7999999999999998, -3.8]],
    },
    "trace_sq": {
        "value": 0.4900000000000001,
        "grad": [
            [-1.4000000000000001, 0.0, 0.0],
            [0.0, -1.4000000000000001, 0.0],
            [0.0, 0.0, -1.4000000000000001],
        ],
    },
    "trace_offset_sq_grad": {"value": 1.49, "grad": [[0.0, -2.0, 0.0], [0.0, 0.0, -1.4]]},
    "triu1": {"grad": [[0.0, -4.8, -0.7], [0.0, 0.0, -0.6400000000000001], [0.0, 0.0, 0.0]]},
    "tril-1": {"grad": [[0.0, 0.0, 0.0], [1.2, 0.0, 0.0], [4.4, 0.4, 0.0]]},
    "diag_vec": {"grad": [0.6, -0.4, -2.0]},
}


def close(actual: Any, desired: Any, tol: float = 1e-12) -> None:
    assert np.shape(actual) == np.shape(desired)
    assert_allclose(np.asarray(actual, dtype=float), desired, rtol=tol, atol=tol)


def arr(x: Any) -> Any:
    return np.array(x, dtype=np.float64)


# -- against PyTorch -----------------------------------------------------------------------


@pytest.mark.parametrize("case", ["generic", "one_zero", "two_zeros", "three_zeros"])
def test_prod_against_pytorch(case: str) -> None:
    ref = TORCH[f"prod_{case}"]
    x = arr(ref["x"])
    close(ad.prod(x), ref["value"])
    close(ad.grad(ad.prod)(x), ref["grad"])
    close(ad.jacobian(ad.prod, mode="forward")(x), ref["grad"])
    close(ad.hessian(ad.prod)(x), ref["hess"])


def test_prod_rows_with_zeros_against_pytorch() -> None:
    ref = TORCH["prod_rows"]
    w = arr([0.3, -1.2, 0.7])
    close(ad.prod(arr(M), axis=1), ref["value"])
    close(ad.grad(lambda x: ad.sum(w * ad.prod(x, axis=1)))(arr(M)), ref["grad"])


@pytest.mark.parametrize("case", ["generic", "tie"])
def test_min_against_pytorch(case: str) -> None:
    ref = TORCH[f"min_{case}"]
    x = arr(ref["x"])
    assert ad.min(x) == ref["value"]
    assert ad.argmin(x) == ref["index"]
    close(ad.grad(lambda v: ad.min(v, axis=0))(x), ref["grad"])  # the first minimum


@pytest.mark.parametrize("ddof", [0, 1])
@pytest.mark.parametrize("fn", ["var", "std"])
def test_var_std_against_pytorch(fn: str, ddof: int) -> None:
    ref = TORCH[f"{fn}_ddof{ddof}"]
    f: Callable[[Any], Any] = lambda x: getattr(ad, fn)(x, ddof=ddof)  # noqa: E731
    close(f(arr(X)), ref["value"])
    close(ad.grad(f)(arr(X)), ref["grad"])
    close(ad.hessian(f)(arr(X)), ref["hess"])


def test_var_axis_keepdims_against_pytorch() -> None:
    ref = TORCH["var_axis0_keepdims"]
    close(ad.var(arr(M), axis=0, ddof=1, keepdims=True), ref["value"])
    grad = ad.grad(lambda x: ad.sum(arr(WM) * ad.var(x, axis=0, ddof=1, keepdims=True)))
    close(grad(arr(M)), ref["grad"])


def test_std_at_zero_variance_has_gradient_zero_as_pytorch() -> None:
    ref = TORCH["std_constant"]
    x = arr(ref["x"])
    assert ad.std(x) == 0.0
    close(ad.grad(ad.std)(x), ref["grad"])
    close(ad.jacobian(ad.std, mode="forward")(x), ref["grad"])
    close(ad.hessian(ad.std)(x), np.zeros((3, 3)))  # no nan at second order either


def test_cumsum_against_pytorch() -> None:
    ref = TORCH["cumsum"]
    x = arr(ref["x"])
    close(ad.cumsum(x), ref["value"])
    close(ad.grad(lambda v: ad.sum(arr(W) * ad.cumsum(v)))(x), ref["grad"])
    ref = TORCH["cumsum_axis1"]
    close(ad.cumsum(arr(M), axis=1), ref["value"])
    close(ad.grad(lambda v: ad.sum(arr(WM) * ad.cumsum(v, axis=-1)))(arr(M)), ref["grad"])


@pytest.mark.parametrize("case", ["generic", "wide", "neg_inf"])
def test_logsumexp_against_pytorch(case: str) -> None:
    ref = TORCH[f"logsumexp_{case}"]
    x = arr(ref["x"])
    close(ad.logsumexp(x), ref["value"])
    close(ad.grad(ad.logsumexp)(x), ref["grad"])
    close(ad.jacobian(ad.logsumexp, mode="forward")(x), ref["grad"])
    if "hess" in ref:
        close(ad.hessian(ad.logsumexp)(x), ref["hess"])


def test_logsumexp_of_only_minus_infinity_has_gradient_zero() -> None:
    # PyTorch gives nan here (TORCH["logsumexp_all_neg_inf"]), and so does JAX; we give
    # 0, the limit of the softmax weights times a zero total: no nan from -inf inputs.
    x = arr([-INF, -INF, -INF])
    assert ad.logsumexp(x) == TORCH["logsumexp_all_neg_inf"]["value"] == -INF
    close(ad.grad(ad.logsumexp)(x), [0.0, 0.0, 0.0])
    close(ad.jacobian(ad.logsumexp, mode="forward")(x), [0.0, 0.0, 0.0])


def test_logsumexp_rows_against_pytorch() -> None:
    ref = TORCH["logsumexp_rows"]
    w = arr([0.3, -1.2, 0.7])
    close(ad.logsumexp(arr(M), axis=1), ref["value"])
    close(ad.grad(lambda x: ad.sum(w * ad.logsumexp(x, axis=1)))(arr(M)), ref["grad"])


def test_einsum_against_pytorch() -> None:
    ref = TORCH["einsum_ij_jk_k"]
    w = arr([0.3, -1.2])
    close(ad.einsum("ij,jk,k->i", arr(A), arr(B), arr(C)), ref["value"])
    grads = ad.grad(
        lambda a, b, c: ad.sum(w * ad.einsum("ij,jk,k->i", a, b, c)), argnums=(0, 1, 2)
    )(arr(A), arr(B), arr(C))
    for g, name in zip(grads, ("ga", "gb", "gc"), strict=True):
        close(g, ref[name])
    diag = ad.grad(lambda x: ad.sum(arr([0.3, -1.2, 0.7]) * ad.einsum("ii->i", x)))(arr(S))
    close(diag, TORCH["einsum_diag"]["grad"])
    hess = ad.hessian(lambda x: ad.einsum("ij,ij->", x, x) * ad.einsum("ii->", x))(arr(S))
    close(hess, TORCH["einsum_sq_hess"]["hess"])


def test_tensordot_against_pytorch() -> None:
    ref = TORCH["tensordot"]
    axes = ([1, 2], [1, 0])
    close(ad.tensordot(TA, TB, axes), ref["value"])
    ga, gb = ad.grad(lambda a, b: ad.sum(WT * ad.tensordot(a, b, axes)), argnums=(0, 1))(TA, TB)
    close(ga, ref["ga"])
    close(gb, ref["gb"])


def test_dot_inner_outer_against_pytorch() -> None:
    def grads(f: Callable[..., Any], *args: Any) -> Any:
        return ad.grad(f, argnums=(0, 1))(*args)

    ga, gb = grads(lambda a, b: ad.sum(arr(W2) * ad.dot(a, b)), arr(A), arr(B))
    close(ga, TORCH["dot"]["ga"])
    close(gb, TORCH["dot"]["gb"])
    w = arr(WM[:2])
    ga, gb = grads(lambda a, b: ad.sum(w * ad.outer(a, b)), arr([1.0, -2.0]), arr([0.5, 0.1, 3.0]))
    close(ga, TORCH["outer"]["ga"])
    close(gb, TORCH["outer"]["gb"])
    other = arr([[0.1, 0.2, 0.3], [-1.0, 0.5, 2.0]])
    close(ad.inner(arr(A), other), TORCH["inner"]["value"])
    ga, gb = grads(lambda a, b: ad.sum(arr(W2) * ad.inner(a, b)), arr(A), other)
    close(ga, TORCH["inner"]["ga"])
    close(gb, TORCH["inner"]["gb"])


def test_trace_diag_triangles_against_pytorch() -> None:
    close(ad.grad(lambda x: ad.trace(x) ** 2)(arr(S)), TORCH["trace_sq"]["grad"])
    close(
        ad.grad(lambda x: ad.trace(x * x, offset=1))(arr(A)), TORCH["trace_offset_sq_grad"]["grad"]
    )
    close(ad.grad(lambda x: ad.sum(arr(WM) * ad.triu(x, 1) ** 2))(arr(S)), TORCH["triu1"]["grad"])
    close(ad.grad(lambda x: ad.sum(arr(WM) * ad.tril(x, -1) ** 2))(arr(S)), TORCH["tril-1"]["grad"])
    close(
        ad.grad(lambda x: ad.sum(arr(WM) * ad.diag(x) ** 2))(arr([1.0, -2.0, 0.5])),
        TORCH["diag_vec"]["grad"],
    )


# -- values as NumPy's, check_grad, forward against reverse ---------------------------------

RNG = np.random.default_rng(7)
P = RNG.uniform(-2.0, 2.0, size=(3, 4))
Q = RNG.uniform(-2.0, 2.0, size=(4, 2))
R3 = RNG.uniform(-2.0, 2.0, size=(2, 3, 4))

#: (name, our function, NumPy's, arguments): the functions composed of rows, and others.
COMPOSED: list[tuple[str, Callable[..., Any], Callable[..., Any], tuple[Any, ...]]] = [
    ("var", ad.var, np.var, (P,)),
    (
        "var_axis_ddof",
        lambda x: ad.var(x, axis=-1, ddof=1),
        lambda x: np.var(x, axis=-1, ddof=1),
        (P,),
    ),
    (
        "var_tuple_keepdims",
        lambda x: ad.var(x, axis=(0, 2), keepdims=True),
        lambda x: np.var(x, axis=(0, 2), keepdims=True),
        (R3,),
    ),
    ("std", ad.std, np.std, (P,)),
    ("std_axis", lambda x: ad.std(x, axis=0, ddof=1), lambda x: np.std(x, axis=0, ddof=1), (P,)),
    ("dot_matrix", ad.dot, np.dot, (P, Q)),
    ("dot_vector", ad.dot, np.dot, (P[0], P[1])),
    ("dot_scalar", ad.dot, np.dot, (1.5, P)),
    ("dot_nd", ad.dot, np.dot, (R3, RNG.uniform(-2, 2, size=(2, 4, 3)))),
    ("dot_nd_vector", ad.dot, np.dot, (R3, P[0])),
    ("inner", ad.inner, np.inner, (P, Q.T)),
    ("outer", ad.outer, np.outer, (P[0], Q[:, 0])),
    ("outer_flattens", ad.outer, np.outer, (Q, P[0])),
    (
        "tensordot_int",
        lambda a, b: ad.tensordot(a, b, 1),
        lambda a, b: np.tensordot(a, b, 1),
        (P, Q),
    ),
    (
        "tensordot_zero",
        lambda a, b: ad.tensordot(a, b, 0),
        lambda a, b: np.tensordot(a, b, 0),
        (P[0], Q[0]),
    ),
    (
        "tensordot_pairs",
        lambda a, b: ad.tensordot(a, b, ([0, 2], [1, 0])),
        lambda a, b: np.tensordot(a, b, ([0, 2], [1, 0])),
        (R3, RNG.uniform(-2, 2, size=(4, 2, 5))),
    ),
    (
        "einsum_implicit",
        lambda a, b: ad.einsum("ij,jk", a, b),
        lambda a, b: np.einsum("ij,jk", a, b),
        (P, Q),
    ),
    (
        "einsum_three",
        lambda a, b, c: ad.einsum("ij,jk,kl->il", a, b, c),
        lambda a, b, c: np.einsum("ij,jk,kl->il", a, b, c),
        (P, Q, Q.T),
    ),
    ("trace", ad.trace, np.trace, (P,)),
    ("trace_offset", lambda x: ad.trace(x, -1), lambda x: np.trace(x, -1), (P,)),
    ("diag_vector", lambda x: ad.diag(x, 1), lambda x: np.diag(x, 1), (P[0],)),
    ("diag_matrix", lambda x: ad.diag(x, -1), lambda x: np.diag(x, -1), (P,)),
    ("triu", ad.triu, np.triu, (P,)),
    ("triu_vector", ad.triu, np.triu, (P[0],)),
    ("tril_batch", lambda x: ad.tril(x, 1), lambda x: np.tril(x, 1), (R3,)),
    ("prod", lambda x: ad.prod(x, axis=(0, 2)), lambda x: np.prod(x, axis=(0, 2)), (R3,)),
    (
        "min",
        lambda x: ad.min(x, axis=-1, keepdims=True),
        lambda x: np.min(x, axis=-1, keepdims=True),
        (P,),
    ),
    ("cumsum", lambda x: ad.cumsum(x, axis=1), lambda x: np.cumsum(x, axis=1), (R3,)),
    (
        "logsumexp",
        lambda x: ad.logsumexp(x, axis=(0, 1)),
        lambda x: np.log(np.sum(np.exp(x), axis=(0, 1))),
        (R3,),
    ),
]
IDS = [c[0] for c in COMPOSED]


@pytest.mark.parametrize(("name", "f", "reference", "args"), COMPOSED, ids=IDS)
def test_value_is_numpys(
    name: str, f: Callable[..., Any], reference: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    close(f(*args), reference(*args), tol=1e-12)
    if np.shape(reference(*args)) == ():
        assert isinstance(f(*args), float)


@pytest.mark.parametrize(("name", "f", "reference", "args"), COMPOSED, ids=IDS)
def test_check_grad_and_both_modes(
    name: str, f: Callable[..., Any], reference: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    weights = RNG.uniform(-1.0, 1.0, size=np.shape(reference(*args)))

    def loss(*a: Any) -> Any:
        out = f(*a)
        return ad.sum(weights * out + 0.5 * out * out)

    assert ad.check_grad(loss, *args) < 1e-6
    for k in range(len(args)):
        forward = ad.jacobian(f, mode="forward", argnums=k)(*args)
        reverse = ad.jacobian(f, mode="reverse", argnums=k)(*args)
        close(forward, reverse, tol=1e-12)
    if len(args) == 1:  # second order: the Hessian by forward-over-reverse, checked
        assert ad.check_grad(lambda x: ad.sum(ad.grad(loss)(x) * weights.mean()), *args) < 1e-6


# -- NumPy's functions and the methods ------------------------------------------------------


@pytest.mark.parametrize("kind", [Dual, Variable])
def test_numpy_functions_and_methods_on_traced_values(kind: Any) -> None:
    x = kind(arr(S))
    v = kind(arr([1.0, -2.0, 0.5]))
    pairs: list[tuple[Any, Any]] = [
        (np.prod(x, axis=0), ad.prod(arr(S), axis=0)),
        (x.prod(), ad.prod(arr(S))),
        (np.min(x, axis=1), np.min(arr(S), axis=1)),
        (np.amin(x), np.min(arr(S))),
        (x.min(axis=0, keepdims=True), np.min(arr(S), axis=0, keepdims=True)),
        (np.var(x, axis=0, ddof=1), np.var(arr(S), axis=0, ddof=1)),
        (x.var(), np.var(arr(S))),
        (np.std(x, 1), np.std(arr(S), 1)),
        (x.std(ddof=1), np.std(arr(S), ddof=1)),
        (np.cumsum(x), np.cumsum(arr(S))),
        (x.cumsum(axis=0), np.cumsum(arr(S), axis=0)),
        (np.einsum("ij,j->i", x, v), arr(S) @ arr([1.0, -2.0, 0.5])),
        (np.dot(x, v), arr(S) @ arr([1.0, -2.0, 0.5])),
        (x.dot(v), arr(S) @ arr([1.0, -2.0, 0.5])),
        (np.inner(v, v), 5.25),
        (np.outer(v, v), np.outer([1.0, -2.0, 0.5], [1.0, -2.0, 0.5])),
        (np.tensordot(x, x, 2), np.sum(arr(S) ** 2)),
        (np.trace(x), np.trace(arr(S))),
        (x.trace(1), np.trace(arr(S), 1)),
        (np.diag(v), np.diag([1.0, -2.0, 0.5])),
        (np.diag(x), np.diag(arr(S))),
        (np.triu(x, 1), np.triu(arr(S), 1)),
        (np.tril(x), np.tril(arr(S))),
    ]
    for got, want in pairs:
        assert isinstance(got, kind)
        close(got.value, want)


@pytest.mark.parametrize("kind", [Dual, Variable])
def test_argmax_argmin_are_plain_integers(kind: type) -> None:
    x = kind(arr([[1.0, 5.0, 5.0], [4.0, 3.0, 4.0]]))
    first: Any = np.argmax(x)  # NumPy's stubs say np.intp; on a traced value, an int
    assert first == 1
    assert type(first) is int
    assert x.argmin() == 0
    assert type(x.argmin()) is int
    index = np.argmax(x, axis=1)
    assert isinstance(index, np.ndarray)
    assert index.dtype.kind == "i"
    assert index.tolist() == [1, 0]  # the first maximum, as max's gradient
    assert x.argmin(axis=0, keepdims=True).tolist() == [[0, 1, 1]]
    assert ad.argmax(Variable(Dual(arr([1.0, 3.0])))) == 1  # nested: the plain values


def test_nested_hessian_through_reductions() -> None:
    def f(x: Any) -> Any:
        return ad.logsumexp(ad.cumsum(x) * ad.prod(x)) + ad.std(x) + ad.min(x)

    x = arr([0.5, -1.0, 1.5])
    hess = ad.hessian(f)(x)
    assert ad.check_grad(lambda v: ad.sum(ad.grad(f)(v) * arr([1.0, 2.0, 3.0])), x) < 1e-6
    close(hess, hess.T, tol=1e-12)


# -- misuse ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ad.prod(np.ones(3), axis=1), ValueError, "prod: axis 1 is out of bounds"),
        (
            lambda: ad.min(np.ones((2, 0)), axis=1),
            ValueError,
            "min: no minimum over an axis of length 0",
        ),
        (lambda: ad.min(np.ones(3), axis=1.0), TypeError, "min: an axis must be an int"),  # type: ignore[arg-type]
        (lambda: ad.var(np.ones(3), axis=(0, 0)), ValueError, "var: axis .* repeats"),
        (lambda: ad.var(np.ones(3), ddof=0.5), TypeError, "var: ddof must be an int"),  # type: ignore[arg-type]
        (lambda: ad.std(np.ones(3), axis=2), ValueError, "var: axis 2 is out of bounds"),
        (
            lambda: ad.cumsum(np.ones((2, 2)), axis=(0, 1)),  # type: ignore[arg-type]
            TypeError,
            "cumsum: axis must be an int or None",
        ),
        (lambda: ad.cumsum(np.ones(2), axis=-2), ValueError, "cumsum: axis -2 is out of bounds"),
        (lambda: ad.argmax(np.ones(3), axis=1), ValueError, "argmax: axis 1 is out of bounds"),
        (lambda: ad.argmin(np.ones(0)), ValueError, "argmin: no minimum in an empty array"),
        (
            lambda: ad.logsumexp(np.ones(3), axis="0"),  # type: ignore[arg-type]
            TypeError,
            "logsumexp: an axis must be an int",
        ),
        (lambda: ad.einsum(3, np.ones(2)), TypeError, "einsum: subscripts must be a str"),  # type: ignore[arg-type]
        (
            lambda: ad.einsum("ij->i", np.ones(2)),
            ValueError,
            "einsum: 'ij' names 2 axes of an operand of shape \\(2,\\)",
        ),
        (lambda: ad.einsum("i,i->i", np.ones(2)), ValueError, "einsum: 'i,i->i' names 2 operand"),
        (lambda: ad.einsum("...i->i", np.ones(2)), ValueError, "einsum: ellipses"),
        (lambda: ad.einsum("i->j", np.ones(2)), ValueError, "einsum: the output letter"),
        (lambda: ad.einsum("i->ii", np.ones(2)), ValueError, "einsum: the output 'ii'"),
        (lambda: ad.einsum("1->", np.ones(2)), ValueError, "einsum: subscripts must be letters"),
        (
            lambda: ad.einsum("i,i->", np.ones(2), np.ones(3)),
            ValueError,
            "einsum: operands of shapes",
        ),
        (lambda: ad.tensordot(np.ones(2), np.ones(2), 2), ValueError, "tensordot: axes=2 needs"),
        (lambda: ad.tensordot(np.ones(2), np.ones(2), "x"), TypeError, "tensordot: axes must be"),
        (
            lambda: ad.tensordot(np.ones((2, 3)), np.ones(3), ([0], [0])),
            ValueError,
            "tensordot: axis 0 of a",
        ),
        (
            lambda: ad.tensordot(np.ones(2), np.ones(2), ([0], [])),
            ValueError,
            "tensordot: axes .* pair 1 axes with 0",
        ),
        (
            lambda: ad.tensordot(np.ones(2), np.ones(2), ([3], [0])),
            ValueError,
            "tensordot: axis 3 is out of bounds",
        ),
        (lambda: ad.dot(np.ones(2), np.ones(3)), ValueError, "dot: the last axis of a"),
        (lambda: ad.trace(np.ones(3)), ValueError, "trace: expected a matrix"),
        (
            lambda: ad.trace(np.ones((2, 2)), offset=0.5),  # type: ignore[arg-type]
            TypeError,
            "trace: the diagonal offset must be an int",
        ),
        (lambda: ad.diag(np.ones((2, 2, 2))), ValueError, "diag: expected a vector or a matrix"),
        (lambda: ad.triu(2.0), ValueError, "triu: expected an array of at least 1 axis"),
        (
            lambda: ad.tril(np.ones((2, 2)), k=None),  # type: ignore[arg-type]
            TypeError,
            "tril: the diagonal offset must be an int",
        ),
    ],
)
def test_misuse_is_refused_by_name(call: Callable[[], Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()
