"""Linear algebra: the matrix product ``matmul``."""

from __future__ import annotations

from typing import Any

import numpy as np

from autodiff._types import Operand
from autodiff.dispatch import implements
from autodiff.primitive import Rule, _scalar, apply, row, unbroadcast
from autodiff.primitives.shape import reshape, transpose
from autodiff.tracer import Tracer  # noqa: F401  (names the Operand alias for the docs)
from autodiff.values import shape_of

__all__ = ["matmul"]


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
    lambda a, b: _scalar(np.matmul(a, b)),
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
