"""``autodiff.linalg`` against PyTorch: values, gradients and second derivatives at
generic points and at edges, forward mode against reverse mode against central
differences, NumPy's dispatch, and misuse.

The reference numbers below were computed once with PyTorch 2.13.0 (CPU build, float64)
by ``torch.linalg`` and ``torch.autograd.grad`` / ``torch.autograd.functional.hessian``,
for the inputs defined here (the loss of each is named next to its test). Cholesky's
were computed for ``torch.linalg.cholesky((a + a.mT) / 2)``, the function that
``autodiff`` (like JAX) differentiates; PyTorch's plain ``cholesky`` gives the same
gradient at a symmetric input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff import linalg

AD: Any = ad  # the misuse tests pass arguments of the wrong types on purpose

A = np.array([[2.0, 0.5, -0.3], [0.1, 1.5, 0.4], [-0.2, 0.3, 1.8]])
W = np.array([[0.3, -0.7, 0.2], [0.9, 0.1, -0.4], [-0.5, 0.6, 0.8]])
b = np.array([1.0, -2.0, 0.5])
B = np.array([[1.0, 0.0], [-1.0, 2.0], [0.5, 0.5]])
A2 = np.array([[1.3, -0.4], [0.7, 0.9]])
N = A * np.array([[-1.0], [1.0], [1.0]])  # a negative determinant
S = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, -0.2], [0.5, -0.2, 2.0]])
S2 = np.array([[2.0, 0.3], [0.3, 1.5]])
v = np.array([3.0, -4.0, 1.0])

# --- PyTorch 2.13.0, float64 (see the module docstring) -------------------------------
INV = np.array(
    [
        [0.5232204421009937, -0.20077063475968362, 0.13181910363009533],
        [-0.052727641452038135, 0.717907118231596, -0.16832285540458328],
        [0.06692354491989456, -0.1419590346785642, 0.5982559318596634],
    ]
)
INV_GRAD = np.array(
    [
        [-0.12995233636061648, 0.272080815435529, -0.15938260713317318],
        [-0.26003915892901436, -0.130861249263359, 0.23785263610035073],
        [0.18980404536980644, -0.1047117016696154, -0.2794018826670762],
    ]
)
INV_HESS = np.array(
    [
        [
            [[1.3441899329969276, -1.0272579073946564], [0.03031327011470686, -0.3443044560789842]],
            [[-1.0272579073946562, 2.311499955463246], [1.7222009356959962, -2.3818538883414093]],
        ],
        [
            [[0.030313270114706914, 1.7222009356959964], [0.9005755845272249, 0.556949783749316]],
            [[-0.34430445607898413, -2.381853888341409], [0.556949783749316, 5.1066549221596516]],
        ],
    ]
)
SOLVE = np.array([0.9906712634354087, -1.5727033056175217, 0.6499695802068546])
SOLVE_GRAD_A = np.array(
    [
        [-0.20231311342110253, 0.32117465600422723, -0.13273562507976122],
        [0.8494338068961483, -1.3484870363315518, 0.5573050872266438],
        [-0.6077429673275423, 0.9647997362589744, -0.3987341269774356],
    ]
)
SOLVE_GRAD_B = np.array([0.20421821131616305, -0.8574325694585276, 0.6134658284323666])
SOLVE_MATRIX_GRAD_A = np.array(
    [
        [-0.9428706333003276, 1.5063745722305737, -0.4927705376308087],
        [2.029088155585977, -4.24303628991416, 0.826395188532176],
        [-1.0482457240957088, 1.6536115798482092, -0.5527785263030669],
    ]
)
SOLVE_MATRIX_GRAD_B = np.array(
    [
        [0.9847228191961255, -0.4917218803836895],
        [-1.6887396096552214, 2.0711739671222755],
        [1.103852100376393, -0.5253146432325615],
    ]
)
DET = np.array(4.931)
DET_GRAD = np.array(
    [
        [2.58, -0.26, 0.33],
        [-0.99, 3.5399999999999996, -0.7],
        [0.6500000000000001, -0.8300000000000001, 2.95],
    ]
)
DET_HESS = np.array(
    [
        [
            [
                [0.0000000000000000e00, -5.5511151231257827e-17],
                [0.0000000000000000e00, 1.0000000000000000e00],
            ],
            [
                [0.0000000000000000e00, -5.5511151231257827e-17],
                [-1.0000000000000000e00, 1.1102230246251565e-16],
            ],
        ],
        [
            [
                [2.7755575615628914e-17, -1.0000000000000000e00],
                [-1.3877787807814457e-17, 0.0000000000000000e00],
            ],
            [
                [1.0000000000000000e00, 0.0000000000000000e00],
                [0.0000000000000000e00, 0.0000000000000000e00],
            ],
        ],
    ]
)
SLOGDET_SIGN = np.array(-1.0)
SLOGDET_LOG = np.array(1.5955418072419891)
SLOGDET_GRAD = np.array(
    [
        [-0.5232204421009937, 0.052727641452038135, -0.06692354491989455],
        [-0.20077063475968362, 0.717907118231596, -0.1419590346785642],
        [0.13181910363009533, -0.16832285540458328, 0.5982559318596634],
    ]
)
SLOGDET_HESS = np.array(
    [
        [
            [[-0.3852556480380499, 0.29964328180737215], [-0.1712247324613555, 0.1331747919143876]],
            [
                [0.2996432818073721, -0.23305588585017828],
                [-0.5564803804994054, 0.43281807372175973],
            ],
        ],
        [
            [
                [-0.17122473246135553, -0.5564803804994055],
                [-0.07609988109393578, -0.2473246135552913],
            ],
            [[0.1331747919143876, 0.43281807372175973], [-0.2473246135552913, -0.8038049940546969]],
        ],
    ]
)
NORM = np.array(5.0990195135927845)
NORM_GRAD = np.array([0.5883484054145521, -0.7844645405527362, 0.19611613513818404])
NORM_HESS = np.array(
    [
        [0.12822978066727417, 0.09051513929454649, -0.022628784823636623],
        [0.09051513929454649, 0.07542928274545539, 0.030171713098182163],
        [-0.022628784823636623, 0.030171713098182163, 0.18857320686363852],
    ]
)
NORM_GRAD_AT_ZERO = np.array([0.0, 0.0, 0.0])
NORM1_GRAD_WITH_ZERO = np.array([1.0, 0.0, -1.0])
NORMINF_GRAD = np.array([1.0, -0.0, 0.0])
NORMINF_GRAD_TIE_TORCH = np.array([0.5, -0.5, 0.0])
FRO = np.array(3.1827660925679098)
FRO_GRAD = np.array(
    [
        [0.6283842236066949, 0.15709605590167372, -0.09425763354100423],
        [0.03141921118033475, 0.4712881677050212, 0.125676844721339],
        [-0.0628384223606695, 0.09425763354100423, 0.5655458012460254],
    ]
)
NORM_ROWS_GRAD = np.array(
    [
        [0.9600307214746386, 0.24000768036865966, -0.1440046082211958],
        [0.0642824346533225, 0.9642365197998375, 0.25712973861329],
        [-0.10894694214056867, 0.163420413210853, 0.9805224792651179],
    ]
)
CHOL = np.array(
    [[2.0, 0.0, 0.0], [0.5, 1.6583123951777, 0.0], [0.25, -0.19598237397554635, 1.3780750738225074]]
)
CHOL_GRAD = np.array(
    [
        [0.05583501975325491, 0.18420244967136834, -0.2150850573687758],
        [0.18420244967136834, 0.055585073709802174, 0.21521025520944914],
        [-0.2150850573687758, 0.21521025520944914, 0.2902599485313084],
    ]
)
CHOL_GRAD_TORCH_PLAIN = np.array(
    [
        [0.05583501975325491, 0.1842024496713683, -0.2150850573687758],
        [0.18420244967136834, 0.055585073709802174, 0.21521025520944914],
        [-0.21508505736877584, 0.21521025520944917, 0.2902599485313084],
    ]
)
CHOL_HESS = np.array(
    [
        [
            [
                [0.013101337436252004, -0.0434307497858763],
                [-0.0434307497858763, -0.003205000021738446],
            ],
            [
                [-0.043430749785876285, 0.14316666594205177],
                [0.14316666594205177, 0.021366666811589642],
            ],
        ],
        [
            [
                [-0.043430749785876285, 0.14316666594205177],
                [0.14316666594205177, 0.021366666811589642],
            ],
            [
                [-0.0032050000217384456, 0.021366666811589642],
                [0.021366666811589642, -0.14244444541059767],
            ],
        ],
    ]
)
# ---------------------------------------------------------------------------------------


def close(actual: Any, desired: Any, atol: float = 1e-13) -> None:
    """Equal to rounding: PyTorch and autodiff compute the same formulas in float64."""
    assert_allclose(np.asarray(actual), np.asarray(desired), rtol=1e-12, atol=atol)


def _both_modes(f: Callable[[Any], Any], x: Any) -> tuple[Any, Any]:
    """The gradient of a scalar ``f`` by reverse mode and by a forward-mode Jacobian."""
    return ad.grad(f)(x), np.reshape(ad.jacobian(f, mode="forward")(x), np.shape(x))


def _check(f: Callable[[Any], Any], x: Any, value: Any, gradient: Any) -> None:
    close(f(x), value)
    for g in _both_modes(f, x):
        close(g, gradient)
    assert ad.check_grad(f, x) < 1e-8


def test_inv() -> None:
    close(linalg.inv(A), INV)
    _check(lambda a: ad.sum(W * linalg.inv(a)), A, np.sum(W * INV), INV_GRAD)
    hessian = ad.hessian(lambda a: ad.sum(linalg.inv(a) ** 2))(A2)
    close(hessian, INV_HESS)


def test_solve_vector_and_matrix() -> None:
    close(linalg.solve(A, b), SOLVE)
    w = np.array([0.2, -1.0, 0.7])
    loss = lambda a, b: ad.sum(w * linalg.solve(a, b))  # noqa: E731
    grads = ad.grad(loss, argnums=(0, 1))(A, b)
    close(grads[0], SOLVE_GRAD_A)
    close(grads[1], SOLVE_GRAD_B)
    square = lambda a, b: ad.sum(linalg.solve(a, b) ** 2)  # noqa: E731
    grads = ad.grad(square, argnums=(0, 1))(A, B)
    close(grads[0], SOLVE_MATRIX_GRAD_A)
    close(grads[1], SOLVE_MATRIX_GRAD_B)
    assert ad.check_grad(loss, A, b) < 1e-8
    assert ad.check_grad(square, A, B) < 1e-8


def test_solve_stacks_as_numpy_does() -> None:
    rng = np.random.default_rng(3)
    a = rng.uniform(-1, 1, (4, 3, 3)) + 3 * np.eye(3)
    for rhs in (b, B, rng.uniform(-1, 1, (4, 3, 2)), rng.uniform(-1, 1, (2, 1, 3, 2))):
        close(linalg.solve(a, rhs), np.linalg.solve(a, rhs))
        f = lambda a, r: ad.sum(ad.sin(linalg.solve(a, r)))  # noqa: E731
        assert ad.check_grad(f, a, rhs) < 1e-8


def test_det() -> None:
    _check(linalg.det, A, DET, DET_GRAD)
    close(ad.hessian(linalg.det)(A2), DET_HESS)
    stack = np.stack([A, N, 2 * A])
    close(linalg.det(stack), np.linalg.det(stack))
    assert ad.check_grad(lambda a: ad.sum(linalg.det(a)), stack) < 1e-8


def test_slogdet() -> None:
    sign, logabsdet = linalg.slogdet(N)
    assert sign == SLOGDET_SIGN
    close(logabsdet, SLOGDET_LOG)
    _check(lambda a: linalg.slogdet(a)[1], N, SLOGDET_LOG, SLOGDET_GRAD)
    hessian = ad.hessian(lambda a: linalg.slogdet(a)[1])(A2)
    close(hessian, SLOGDET_HESS)
    # the sign is a constant, even of a traced matrix
    sign, _ = linalg.slogdet(ad.Variable(N))
    assert sign == -1.0
    assert isinstance(sign, float)


def test_norm_generic() -> None:
    _check(linalg.norm, v, NORM, NORM_GRAD)
    close(ad.hessian(linalg.norm)(v), NORM_HESS)
    _check(linalg.norm, A, FRO, FRO_GRAD)
    _check(lambda a: linalg.norm(a, "fro"), A, FRO, FRO_GRAD)
    _check(
        lambda a: ad.sum(linalg.norm(a, axis=1)), A, np.linalg.norm(A, axis=1).sum(), NORM_ROWS_GRAD
    )
    _check(lambda x: linalg.norm(x, ord=np.inf), np.array([3.0, -1.0, 2.0]), 3.0, NORMINF_GRAD)


@pytest.mark.parametrize(
    ("ord", "axis", "keepdims"),
    [
        (None, None, False),
        (2, 0, False),
        (1, -1, True),
        (np.inf, 1, False),
        ("fro", (0, 1), True),
        (None, (1, 0), False),
    ],
)
def test_norm_matches_numpy(ord: Any, axis: Any, keepdims: bool) -> None:
    x = np.random.default_rng(5).uniform(-2, 2, (3, 4))
    out = linalg.norm(x, ord, axis, keepdims)
    expected = np.linalg.norm(x, ord, axis, keepdims)
    assert np.shape(out) == np.shape(expected)
    close(out, expected)
    assert ad.check_grad(lambda x: ad.sum(linalg.norm(x, ord, axis, keepdims) ** 3), x) < 1e-8


def test_norm_edges_follow_pytorch() -> None:
    # the 2-norm at 0: PyTorch's subgradient 0 (JAX gives nan), both modes
    for g in _both_modes(linalg.norm, np.zeros(3)):
        assert_allclose(g, NORM_GRAD_AT_ZERO, rtol=0, atol=0)
    assert ad.grad(linalg.norm)(0.0) == 0.0
    rows = ad.grad(lambda a: ad.sum(linalg.norm(a, axis=1)))(np.array([[0.0, 0.0], [3.0, 4.0]]))
    close(rows, [[0.0, 0.0], [0.6, 0.8]])
    # ord=1 with a zero element: sign 0 = 0, as PyTorch
    x = np.array([3.0, 0.0, -1.0])
    for g in _both_modes(lambda x: linalg.norm(x, 1), x):
        assert_allclose(g, NORM1_GRAD_WITH_ZERO, rtol=0, atol=0)


def test_norm_inf_at_a_tie_goes_to_the_first_maximum() -> None:
    # a documented difference: PyTorch shares it (NORMINF_GRAD_TIE_TORCH), as JAX does
    x = np.array([3.0, -3.0, 2.0])
    for g in _both_modes(lambda x: linalg.norm(x, np.inf), x):
        assert_allclose(g, [1.0, 0.0, 0.0], rtol=0, atol=0)
    assert_allclose(np.sum(NORMINF_GRAD_TIE_TORCH * [1.0, -1.0, 0.0]), 1.0)


def test_cholesky() -> None:
    close(linalg.cholesky(S), CHOL)
    close(linalg.cholesky(S), np.linalg.cholesky(S))
    _check(lambda a: ad.sum(W * linalg.cholesky(a)), S, np.sum(W * CHOL), CHOL_GRAD)
    close(CHOL_GRAD, CHOL_GRAD_TORCH_PLAIN)
    f = lambda a: linalg.cholesky(a)[1, 1] + linalg.cholesky(a)[1, 0] ** 2  # noqa: E731
    close(ad.hessian(f)(S2), CHOL_HESS)
    # the symmetric part is what counts: the gradient is symmetric, the value NumPy's
    g = ad.grad(lambda a: ad.sum(W * linalg.cholesky(a)))(
        S + np.triu(np.ones((3, 3)), 1) * 0.1 - np.tril(np.ones((3, 3)), -1) * 0.1
    )
    close(g, g.T)


def test_cholesky_of_a_stack_and_its_tangents() -> None:
    rng = np.random.default_rng(11)
    m = rng.uniform(-1, 1, (2, 3, 3))
    a = m @ np.swapaxes(m, -1, -2) + 3 * np.eye(3)
    close(linalg.cholesky(a), np.linalg.cholesky(a))
    f = lambda a: ad.sum(ad.tanh(linalg.cholesky(a)))  # noqa: E731
    assert ad.check_grad(f, a) < 1e-8
    forward, reverse = _both_modes(f, a)
    close(forward, reverse)


def test_public_namespace_as_numpys() -> None:
    for name in ("inv", "solve", "det", "slogdet", "norm", "cholesky"):
        assert getattr(ad.linalg, name).__name__ == name
        assert name in ad.linalg.__all__
        assert not hasattr(ad, name), "NumPy keeps them in np.linalg only"
    assert "linalg" in ad.__all__


@pytest.mark.parametrize("kind", [ad.Dual, ad.Variable])
def test_numpy_linalg_on_traced_values(kind: type) -> None:
    a = kind(A)
    np_linalg: Any = np.linalg  # NumPy's stubs do not know traced values
    close(np_linalg.inv(a).value, INV)
    close(np_linalg.solve(a, b).value, SOLVE)
    close(np_linalg.det(a).value, DET)
    close(np_linalg.slogdet(kind(N))[1].value, SLOGDET_LOG)
    close(np_linalg.norm(kind(v)).value, NORM)
    close(np_linalg.cholesky(kind(S)).value, CHOL)


def test_gradients_through_numpy_calls() -> None:
    np_linalg: Any = np.linalg
    g = ad.grad(lambda a: np_linalg.det(a) + np_linalg.norm(np_linalg.inv(a)))(A)
    expected = ad.grad(lambda a: linalg.det(a) + linalg.norm(linalg.inv(a)))(A)
    assert_allclose(g, expected, rtol=0, atol=0)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: AD.linalg.inv(np.ones((2, 3))),
            ValueError,
            r"inv: a must be a square matrix.*\(2, 3\)",
        ),
        (lambda: AD.linalg.inv(np.ones(3)), ValueError, "inv: a must be a square matrix"),
        (lambda: AD.linalg.inv(2.0), ValueError, "inv: a must be a square matrix"),
        (lambda: AD.linalg.inv(np.ones((2, 2))), ValueError, "inv: .*Singular matrix"),
        (lambda: AD.linalg.det(np.ones((3, 2))), ValueError, "det: a must be a square"),
        (lambda: AD.linalg.slogdet(np.ones(2)), ValueError, "slogdet: a must be a square"),
        (lambda: AD.linalg.cholesky(np.ones((2, 3))), ValueError, "cholesky: a must be a square"),
        (lambda: AD.linalg.cholesky(-np.eye(2)), ValueError, "cholesky: .*not positive definite"),
        (
            lambda: AD.linalg.solve(A, np.ones(2)),
            ValueError,
            r"solve: b of shape \(2,\) does not fit",
        ),
        (lambda: AD.linalg.solve(A, np.ones((2, 3))), ValueError, "solve: b of shape"),
        (lambda: AD.linalg.solve(A, 1.0), ValueError, r"solve: b of shape \(\)"),
        (lambda: AD.linalg.solve(np.ones((3, 2)), b), ValueError, "solve: a must be a square"),
        (lambda: AD.linalg.norm(v, ord=3), ValueError, "norm: ord=3 is not supported for vectors"),
        (lambda: AD.linalg.norm(A, ord=2), ValueError, "norm: ord=2 is not supported for matrices"),
        (lambda: AD.linalg.norm(A, ord="nuc"), ValueError, "norm: ord='nuc' is not supported"),
        (
            lambda: AD.linalg.norm(np.ones((2, 2, 2)), ord=1),
            ValueError,
            "norm: ord=1 needs one axis",
        ),
        (lambda: AD.linalg.norm(v, axis=1), ValueError, "norm: axis 1 is out of bounds"),
        (lambda: AD.linalg.norm(v, axis=1.0), TypeError, "norm: an axis must be an int"),
    ],
)
def test_misuse_is_refused_by_name(call: Callable[[], Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()


def test_a_singular_matrix_has_no_derivative_here() -> None:
    # documented: det and slogdet differentiate through inv (PyTorch and JAX give the
    # cofactor matrix, which is 0 here)
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert linalg.det(singular) == 0.0
    with pytest.raises(ValueError, match="Singular matrix"):
        ad.grad(linalg.det)(singular)


def test_the_norm_at_zero_has_zero_derivatives_to_every_order() -> None:
    """As abs and hypot at 0 (PyTorch gives nan for the second derivative)."""
    np.testing.assert_array_equal(ad.grad(ad.linalg.norm)(np.zeros(2)), np.zeros(2))
    np.testing.assert_array_equal(ad.hessian(ad.linalg.norm)(np.zeros(2)), np.zeros((2, 2)))
    away = np.array([3.0, 4.0])
    expected = (np.eye(2) - np.outer(away, away) / 25.0) / 5.0
    np.testing.assert_allclose(ad.hessian(ad.linalg.norm)(away), expected, rtol=1e-14)


def test_a_singular_matrix_is_a_linalg_error() -> None:
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(np.linalg.LinAlgError, match="inv"):
        ad.grad(ad.linalg.det)(singular)
