"""Linear algebra: the matrix product ``matmul``, and ``inv``, ``solve``, ``det``,
``slogdet``, ``norm``, ``cholesky``.

The last six are public as ``autodiff.linalg.NAME`` (as NumPy's are ``np.linalg.NAME``),
and ``np.linalg.NAME`` calls them on traced values. Their rules are written with
``matmul``, ``solve`` and ``inv`` themselves, so they differentiate again (``hessian``).
They take a square matrix or a stack of them, shape ``(..., n, n)``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autodiff._types import Operand
from autodiff.dispatch import implements
from autodiff.primitive import Rule, align, apply, row, scalar_result, unbroadcast
from autodiff.primitives._axes import checked_axes, valid_axis
from autodiff.primitives.elementwise import abs
from autodiff.primitives.reductions import _sum, _sum_bjvp, _sum_vjp, max, sum
from autodiff.primitives.shape import reshape, transpose
from autodiff.tracer import Tracer  # noqa: F401  (names the Operand alias for the docs)
from autodiff.values import raw, shape_of

__all__ = ["cholesky", "det", "inv", "matmul", "norm", "slogdet", "solve"]


def _matrix_transpose(x: Any) -> Any:
    nd = len(shape_of(x))
    return transpose(x, (*range(nd - 2), nd - 1, nd - 2))


def _as_matrices(a: Any, b: Any) -> tuple[Any, Any, tuple[int, ...]]:
    """Promote 1-D matmul operands to matrices as NumPy does; return the output shape."""
    sa, sb = shape_of(a), shape_of(b)
    a2 = reshape(a, (1, *sa)) if len(sa) == 1 else a
    b2 = reshape(b, (*sb, 1)) if len(sb) == 1 else b
    s2a, s2b = shape_of(a2), shape_of(b2)
    batch = np.broadcast_shapes(s2a[:-2], s2b[:-2])
    return a2, b2, (*batch, s2a[-2], s2b[-1])


def _matmul_jvp_lhs(t: Any, out: Any, a: Any, b: Any) -> Any:
    return matmul(t, b)


def _matmul_jvp_rhs(t: Any, out: Any, a: Any, b: Any) -> Any:
    return matmul(a, t)


def _matmul_vjp_lhs(g: Any, out: Any, a: Any, b: Any) -> Any:
    na, nb = len(shape_of(a)), len(shape_of(b))
    if na == 2 and nb == 2:  # the common cases first: ḡ bᵀ, and outer products
        return matmul(g, transpose(b))
    if na == 2 and nb == 1:
        return reshape(g, (-1, 1)) * b
    if na == 1 and nb == 2:
        return matmul(b, g)
    a2, b2, shape2 = _as_matrices(a, b)
    ga = matmul(reshape(g, shape2), _matrix_transpose(b2))
    return reshape(unbroadcast(ga, shape_of(a2)), shape_of(a))


def _matmul_vjp_rhs(g: Any, out: Any, a: Any, b: Any) -> Any:
    na, nb = len(shape_of(a)), len(shape_of(b))
    if na == 2 and nb <= 2:  # the common cases first: aᵀ ḡ, and an outer product
        return matmul(transpose(a), g)
    if na == 1 and nb == 2:
        return reshape(a, (-1, 1)) * g
    a2, b2, shape2 = _as_matrices(a, b)
    gb = matmul(_matrix_transpose(a2), reshape(g, shape2))
    return reshape(unbroadcast(gb, shape_of(b2)), shape_of(b))


def _matmul_bjvp(i: int) -> Rule:
    """``t @ b`` (i = 0) or ``a @ t`` (i = 1) for a batch of tangents ``t``.

    The operands are promoted to matrices as NumPy does, and the tangents get size-1
    axes after the batch axis so the batch axis broadcasts in front of the other
    operand's batch axes; the product is reshaped back to ``(B, *out.shape)``.
    """

    def rule(t: Any, out: Any, a: Any, b: Any) -> Any:
        a2, b2, shape2 = _as_matrices(a, b)
        operand = shape_of((a2, b2)[i])
        n = shape_of(t)[0]
        lifted = (n, *(1,) * (len(shape2) - len(operand)), *operand)
        if shape_of(t) != lifted:
            t = reshape(t, lifted)
        product = matmul(t, b2) if i == 0 else matmul(a2, t)
        shape = (shape_of(product)[0], *shape_of(out))
        return product if shape_of(product) == shape else reshape(product, shape)

    return rule


matmul_p = row(
    "matmul",
    lambda a, b: scalar_result(np.matmul(a, b)),
    jvps=(_matmul_jvp_lhs, _matmul_jvp_rhs),
    vjps=(_matmul_vjp_lhs, _matmul_vjp_rhs),
    batched_jvps=(_matmul_bjvp(0), _matmul_bjvp(1)),
    display="{0} @ {1}",
)


@implements(np.matmul, operators=("__matmul__", "__rmatmul__"), fast=matmul_p)
def matmul(a: Operand, b: Operand) -> Any:
    """Matrix product ``a @ b`` with NumPy's rules for 1-D and batched operands.

    >>> import numpy as np
    >>> matmul(np.eye(2), np.array([1.0, 2.0]))
    array([1., 2.])
    """
    return apply(matmul_p, a, b)


# -- inv, solve, det, slogdet, cholesky: square matrices, or stacks of them -----------------


def _square(a: Any, who: str, name: str = "a") -> int:
    """The order ``n`` of a square matrix (or stack) ``a``, or a clear error."""
    shape = shape_of(a)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(
            f"{who}: {name} must be a square matrix, or a stack of them (shape (..., n, n)), "
            f"not an array of shape {shape}"
        )
    return shape[-1]


def _inv_jvp(t: Any, out: Any, a: Any) -> Any:
    return -matmul(out, matmul(t, out))


def _inv_vjp(g: Any, out: Any, a: Any) -> Any:
    out_t = _matrix_transpose(out)
    return -matmul(out_t, matmul(g, out_t))


inv_p = row(
    "inv",
    np.linalg.inv,
    jvps=(_inv_jvp,),
    vjps=(_inv_vjp,),
    batched_jvps=(_inv_jvp,),  # t of shape (B, ..., n, n) broadcasts against out
    display="{0}⁻¹",
)


@implements(np.linalg.inv)
def inv(a: Any) -> Any:
    """The inverse matrix: ``d(a⁻¹) = -a⁻¹ (da) a⁻¹``.

    A singular matrix is refused (NumPy's ``LinAlgError``, a ``ValueError``).

    >>> import numpy as np
    >>> inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    _square(a, "inv")
    return apply(inv_p, a)


def _solve(a: Any, b: Any) -> Any:
    """The row: ``b`` is a matrix, or a stack of them (NumPy's rule for ``b.ndim >= 2``)."""
    return apply(solve_p, a, b)


def _solve_jvp_a(t: Any, out: Any, a: Any, b: Any) -> Any:
    return -_solve(a, matmul(t, out))


def _solve_jvp_b(t: Any, out: Any, a: Any, b: Any) -> Any:
    return _solve(a, t)


def _solve_vjp_a(g: Any, out: Any, a: Any, b: Any) -> Any:
    gb = _solve(_matrix_transpose(a), g)
    return unbroadcast(-matmul(gb, _matrix_transpose(out)), shape_of(a))


def _solve_vjp_b(g: Any, out: Any, a: Any, b: Any) -> Any:
    return unbroadcast(_solve(_matrix_transpose(a), g), shape_of(b))


def _solve_bjvp_a(t: Any, out: Any, a: Any, b: Any) -> Any:
    return _solve_jvp_a(align(t, len(shape_of(out))), out, a, b)


def _solve_bjvp_b(t: Any, out: Any, a: Any, b: Any) -> Any:
    return _solve(a, align(t, len(shape_of(out))))


solve_p = row(
    "solve",
    np.linalg.solve,
    jvps=(_solve_jvp_a, _solve_jvp_b),
    vjps=(_solve_vjp_a, _solve_vjp_b),
    batched_jvps=(_solve_bjvp_a, _solve_bjvp_b),
    display="solve({0}, {1})",
)


@implements(np.linalg.solve)
def solve(a: Any, b: Any) -> Any:
    """The solution ``x`` of ``a @ x = b``, for ``b`` a vector or a matrix (or stacks of
    them, broadcast against those of ``a``, as NumPy 2 does: ``b`` is a vector only if it
    is 1-D).

    ``dx = a⁻¹ (db - (da) x)``; reverse mode solves with ``aᵀ`` once per cotangent.

    >>> import numpy as np
    >>> solve(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([1.0, 1.0]))
    array([0.5 , 0.25])
    """
    n = _square(a, "solve")
    shape = shape_of(b)
    rows = shape[0] if len(shape) == 1 else (shape[-2] if len(shape) > 1 else None)
    if rows != n:
        raise ValueError(
            f"solve: b of shape {shape} does not fit a of shape {shape_of(a)}: b must be a "
            f"vector of length {n} or a matrix (or a stack of them) with {n} rows"
        )
    if len(shape) == 1:
        x = _solve(a, reshape(b, (n, 1)))
        return reshape(x, shape_of(x)[:-1])
    return _solve(a, b)


def _inv_transposed(a: Any) -> Any:
    return _matrix_transpose(inv(a))


def _trace_with(m: Any, t: Any) -> Any:
    """``Σ_ij m_ij t_ij`` over the last two axes: ``tr(mᵀ t)`` for each matrix."""
    product = m * t
    nd = len(shape_of(product))
    return _sum(product, (nd - 2, nd - 1))


def _det_jvp(t: Any, out: Any, a: Any) -> Any:
    return out * _trace_with(_inv_transposed(a), t)


def _det_vjp(g: Any, out: Any, a: Any) -> Any:
    return reshape(g * out, (*shape_of(out), 1, 1)) * _inv_transposed(a)


det_p = row(
    "det",
    lambda a: scalar_result(np.linalg.det(a)),
    jvps=(_det_jvp,),
    vjps=(_det_vjp,),
    batched_jvps=(_det_jvp,),
    display="det {0}",
)


@implements(np.linalg.det)
def det(a: Any) -> Any:
    """The determinant: ``d(det a) = det(a) · tr(a⁻¹ da)``.

    The derivative goes through ``a⁻¹``: at a singular matrix it is refused (NumPy's
    ``LinAlgError``), where PyTorch and JAX give the cofactor matrix.

    >>> import numpy as np
    >>> det(np.array([[2.0, 1.0], [1.0, 3.0]]))
    5.0
    """
    _square(a, "det")
    return apply(det_p, a)


def _logabsdet_jvp(t: Any, out: Any, a: Any) -> Any:
    return _trace_with(_inv_transposed(a), t)


def _logabsdet_vjp(g: Any, out: Any, a: Any) -> Any:
    return reshape(g, (*shape_of(out), 1, 1)) * _inv_transposed(a)


logabsdet_p = row(
    "logabsdet",
    lambda a: scalar_result(np.linalg.slogdet(a)[1]),
    jvps=(_logabsdet_jvp,),
    vjps=(_logabsdet_vjp,),
    batched_jvps=(_logabsdet_jvp,),
    display="log |det {0}|",
)


@implements(np.linalg.slogdet)
def slogdet(a: Any) -> tuple[Any, Any]:
    """The sign and the log of the absolute value of the determinant, as a pair
    ``(sign, logabsdet)``; ``det(a) = sign · exp(logabsdet)``, without overflow.

    The sign is a constant (a plain number: it is piecewise constant, its derivative 0,
    as in PyTorch and JAX); ``d logabsdet = tr(a⁻¹ da)``. A singular matrix has sign 0
    and logabsdet ``-inf``; its derivative is refused (``LinAlgError``).

    >>> import numpy as np
    >>> slogdet(np.array([[-2.0, 0.0], [0.0, 3.0]]))
    (-1.0, 1.791759469228055)
    """
    _square(a, "slogdet")
    sign = scalar_result(np.linalg.slogdet(raw(a))[0])
    return sign, apply(logabsdet_p, a)


_INF = math.inf


def _inverse_norm(out: Any) -> Any:
    """``1 / out``, and 0 where ``out = 0``: the derivatives of a norm at 0 are taken to
    be 0 (to every order, as ``abs`` and ``hypot`` at 0). The mask is a constant, and the
    zeros are shifted to 1 before dividing, so no inf or nan comes back through them."""
    zero = np.asarray(raw(out) == 0.0, dtype=np.float64)
    if not zero.any():
        return 1.0 / out
    return scalar_result(1.0 - zero) / (out + scalar_result(zero))


def _norm_jvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum(x * t, axis, keepdims) * _inverse_norm(out)


def _norm_vjp(g: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_vjp(g * _inverse_norm(out), out, x, axis, keepdims) * x


def _norm_bjvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_bjvp(x * t, out, x, axis, keepdims) * _inverse_norm(out)


norm_p = row(
    "norm",
    lambda x, axis=None, keepdims=False: scalar_result(
        np.sqrt(np.sum(np.square(x), axis=axis, keepdims=keepdims))
    ),
    jvps=(_norm_jvp,),
    vjps=(_norm_vjp,),
    batched_jvps=(_norm_bjvp,),
    display="‖{0}‖",
)


@implements(np.linalg.norm)
def norm(
    x: Any,
    ord: float | str | None = None,
    axis: int | tuple[int, int] | None = None,
    keepdims: bool = False,
) -> Any:
    """The norm of a vector (``axis`` an int, or a 1-D ``x``) or a matrix (``axis`` a pair,
    or a 2-D ``x``); by default the 2-norm of all the elements (Frobenius for a matrix).

    ``ord`` may be ``2``, ``1`` or ``inf`` for vectors, ``"fro"`` for matrices; the
    other orders of NumPy are refused. At ``x = 0`` the gradient of the 2-norm (a kink)
    is 0, as in PyTorch (JAX gives nan); that of ``ord=1`` is 0 there too (``sign 0``);
    that of ``ord=inf`` goes to the first element of largest ``|x_i|`` (as :func:`max`;
    PyTorch shares it among ties).

    >>> import numpy as np
    >>> norm(np.array([3.0, 4.0])), norm(np.array([3.0, -4.0]), ord=1)
    (5.0, 7.0)
    """
    shape = shape_of(x)
    axes = tuple(range(len(shape))) if axis is None else checked_axes(axis, len(shape), "norm")
    if axis is not None:
        axis = valid_axis(axis, shape, "norm")
    if ord is None:
        return apply(norm_p, x, axis=axis, keepdims=keepdims)
    if len(axes) == 1:
        if ord == 2:
            return apply(norm_p, x, axis=axis, keepdims=keepdims)
        if ord == 1:
            return sum(abs(x), axis, keepdims)
        if ord == _INF:
            return max(abs(x), axis, keepdims)
        raise ValueError(
            f"norm: ord={ord!r} is not supported for vectors: use None or 2, 1, or inf"
        )
    if len(axes) == 2:
        if ord == "fro":
            return apply(norm_p, x, axis=axis, keepdims=keepdims)
        raise ValueError(
            f"norm: ord={ord!r} is not supported for matrices: use None or 'fro' (Frobenius)"
        )
    raise ValueError(
        f"norm: ord={ord!r} needs one axis (a vector norm) or two (a matrix norm); an array "
        f"of shape {shape} with axis={axis!r} has {len(axes)}"
    )


def _phi(n: int) -> Any:
    """The lower triangle with half the diagonal: ``Φ`` of the Cholesky rules (a constant)."""
    return np.tril(np.ones((n, n))) - 0.5 * np.eye(n)


def _symmetric_part(a: Any) -> Any:
    return (a + _matrix_transpose(a)) * 0.5


def _cholesky_impl(a: Any) -> Any:
    return np.linalg.cholesky((a + np.swapaxes(a, -1, -2)) * 0.5)


def _cholesky_jvp(t: Any, out: Any, a: Any) -> Any:
    # dL = L Φ(L⁻¹ dS L⁻ᵀ), with dS the symmetric part of the tangent
    left = solve(out, _symmetric_part(t))
    middle = solve(out, _matrix_transpose(left))
    return matmul(out, middle * _phi(shape_of(out)[-1]))


def _cholesky_vjp(g: Any, out: Any, a: Any) -> Any:
    # ā = L⁻ᵀ P L⁻¹ with P = sym(Φ(Lᵀ ḡ)) (Murray 2016, symmetrised)
    lt = _matrix_transpose(out)
    p = _symmetric_part(matmul(lt, g) * _phi(shape_of(out)[-1]))
    return solve(lt, _matrix_transpose(solve(lt, p)))


cholesky_p = row(
    "cholesky",
    _cholesky_impl,
    jvps=(_cholesky_jvp,),
    vjps=(_cholesky_vjp,),
    batched_jvps=(_cholesky_jvp,),  # t of shape (B, ..., n, n) broadcasts against L
    display="cholesky {0}",
)


@implements(np.linalg.cholesky)
def cholesky(a: Any) -> Any:
    """The lower-triangular ``L`` with ``L Lᵀ = a``, for ``a`` symmetric positive definite.

    It reads the symmetric part ``(a + aᵀ)/2`` of ``a``, as JAX does (NumPy reads the
    lower triangle only: the same for a symmetric ``a``), so its gradient is symmetric, as
    in PyTorch and JAX. Forward: ``dL = L Φ(L⁻¹ dA L⁻ᵀ)``; reverse:
    ``Ā = L⁻ᵀ sym(Φ(Lᵀ L̄)) L⁻¹`` (Murray 2016), where ``Φ`` keeps the lower triangle
    and halves the diagonal. A matrix that is not positive definite is refused
    (``LinAlgError``).

    >>> import numpy as np
    >>> cholesky(np.array([[4.0, 2.0], [2.0, 5.0]]))
    array([[2., 0.],
           [1., 2.]])
    """
    _square(a, "cholesky")
    return apply(cholesky_p, a)
