"""Products: ``einsum`` (a row), and ``dot``, ``inner``, ``outer``, ``tensordot``,
``trace``, ``diag``, ``triu``, ``tril`` written with it and the other rows.

``einsum`` is linear in each operand, so its tangent is the sum of ``einsum``\\ s with one
operand replaced by its tangent, and each operand's cotangent is again an ``einsum``, of
the output's cotangent with the other operands.
"""

from __future__ import annotations

import builtins
import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from autodiff._types import Operand
from autodiff.dispatch import implements
from autodiff.primitive import apply, row, scalar_result
from autodiff.primitives._axes import checked_axes
from autodiff.primitives.elementwise import multiply, where
from autodiff.primitives.linalg import matmul
from autodiff.primitives.reductions import sum
from autodiff.primitives.shape import reshape, scatter
from autodiff.tracer import Tracer  # noqa: F401  (names the Operand alias for the docs)
from autodiff.values import shape_of

__all__ = ["diag", "dot", "einsum", "inner", "outer", "tensordot", "trace", "tril", "triu"]


def _parse(spec: str) -> tuple[list[str], str]:
    """The operands' and the output's subscripts of a checked, explicit ``spec``."""
    inputs, output = spec.split("->")
    return inputs.split(","), output


def _fresh(spec: str, n: int) -> list[str]:
    """``n`` letters that ``spec`` does not use."""
    return [c for c in string.ascii_letters if c not in spec][:n]


def _einsum_jvp(tangents: Sequence[Any], out: Any, *args: Any, spec: str) -> Any:
    total: Any = None
    for i, t in enumerate(tangents):
        if t is not None:
            term = apply(einsum_p, *args[:i], t, *args[i + 1 :], spec=spec)
            total = term if total is None else total + term
    return total


def _einsum_bjvp(tangents: Sequence[Any], out: Any, *args: Any, spec: str) -> Any:
    """The same with a batch letter in front of the tangent's and the output's subscripts."""
    inputs, output = _parse(spec)
    (b,) = _fresh(spec, 1)
    total: Any = None
    for i, t in enumerate(tangents):
        if t is not None:
            subs = [b + s if k == i else s for k, s in enumerate(inputs)]
            batched = ",".join(subs) + "->" + b + output
            term = apply(einsum_p, *args[:i], t, *args[i + 1 :], spec=batched)
            total = term if total is None else total + term
    return total


def _einsum_vjp(i: int, g: Any, out: Any, *args: Any, spec: str) -> Any:
    """Operand ``i``'s cotangent: the einsum of ``g`` and the other operands, to operand
    ``i``'s subscripts.

    A letter of operand ``i`` found in no other operand nor the output was summed over:
    a vector of ones spreads ``g`` back along it. A letter repeated in operand ``i``
    (``"ii->i"``, a diagonal) gets a fresh letter and an identity matrix that puts the
    cotangent back on the diagonal.
    """
    inputs, output = _parse(spec)
    subs = [s for k, s in enumerate(inputs) if k != i] + [output]
    operands = [a for k, a in enumerate(args) if k != i] + [g]
    present = set("".join(subs))
    target = inputs[i]
    fresh = iter(_fresh(spec, len(target)))
    result = ""
    seen: set[str] = set()
    for c, n in zip(target, shape_of(args[i]), strict=True):
        if c in seen:
            d = next(fresh)
            subs.append(c + d)
            operands.append(np.eye(n))
            result += d
            continue
        seen.add(c)
        result += c
        if c not in present:
            subs.append(c)
            operands.append(np.ones(n))
    return apply(einsum_p, *operands, spec=",".join(subs) + "->" + result)


einsum_p = row(
    "einsum",
    lambda *xs, spec: scalar_result(np.einsum(spec, *xs)),
    jvp=_einsum_jvp,
    vjp=_einsum_vjp,
    batched_jvp=_einsum_bjvp,
    display=lambda *xs: f"einsum({', '.join(xs)})",
)


def _explicit(subscripts: Any, operands: Sequence[Any]) -> str:
    """``subscripts`` checked against the operands, in the explicit form ``"ij,jk->ik"``."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a str, not {type(subscripts).__name__}")
    spec = subscripts.replace(" ", "")
    if "..." in spec:
        raise ValueError("einsum: ellipses ('...') are not supported; name every axis")
    if spec.count("->") > 1:
        raise ValueError(f"einsum: {subscripts!r} has more than one '->'")
    inputs, _, output = spec.partition("->")
    if "->" not in spec:  # implicit: the letters seen once, in alphabetical order
        letters = inputs.replace(",", "")
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise ValueError(
            f"einsum: {subscripts!r} names {len(terms)} operand(s), but {len(operands)} given"
        )
    for term, x in zip(terms, operands, strict=True):
        if not builtins.all(c in string.ascii_letters for c in term):
            raise ValueError(f"einsum: subscripts must be letters, not {term!r}")
        if len(term) != len(shape_of(x)):
            raise ValueError(
                f"einsum: {term!r} names {len(term)} axes of an operand of shape {shape_of(x)}"
            )
    if not builtins.all(c in string.ascii_letters for c in output) or len(set(output)) != len(
        output
    ):
        raise ValueError(f"einsum: the output {output!r} must be distinct letters")
    missing = set(output) - set("".join(terms))
    if missing:
        raise ValueError(f"einsum: the output letter(s) {sorted(missing)} name no operand axis")
    return ",".join(terms) + "->" + output


@implements(np.einsum)
def einsum(subscripts: str, *operands: Operand) -> Any:
    """Einstein summation, as ``numpy.einsum``: ``einsum("ij,jk->ik", a, b)``.

    Explicit (``"ij,jk->ik"``) and implicit (``"ij,jk"``) subscripts, with any number of
    operands, repeated letters (``"ii->i"``, a diagonal) and letters summed away. Not
    supported: ellipses (``"...ij"``) and NumPy's ``optimize`` and ``out`` arguments.
    Each operand's derivative is itself an ``einsum``, so second derivatives work.

    >>> import numpy as np
    >>> einsum("ij,j->i", np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0]))
    array([3., 7.])
    >>> einsum("ii", np.array([[1.0, 2.0], [3.0, 4.0]]))  # the trace
    5.0
    """
    return apply(einsum_p, *operands, spec=_explicit(subscripts, operands))


def _axes_of(axes: Any, ndim: int, who: str) -> tuple[int, ...]:
    items = tuple(axes) if isinstance(axes, Sequence | np.ndarray) else (axes,)
    return checked_axes(items, ndim, who)


@implements(np.tensordot)
def tensordot(a: Operand, b: Operand, axes: Any = 2) -> Any:
    """Sum of products over ``axes``, as ``numpy.tensordot``.

    ``axes`` is an int ``n`` (the last ``n`` axes of ``a`` with the first ``n`` of ``b``)
    or a pair of sequences of axes, ``([1, 0], [0, 1])``. Computed as an :func:`einsum`.

    >>> import numpy as np
    >>> tensordot(np.ones((2, 3)), np.ones((3, 4)), axes=1).shape
    (2, 4)
    >>> tensordot(np.ones((2, 3)), np.ones((3, 2)), axes=([0, 1], [1, 0]))
    6.0
    """
    na, nb = len(shape_of(a)), len(shape_of(b))
    if isinstance(axes, int | np.integer) and not isinstance(axes, bool):
        n = int(axes)
        if not 0 <= n <= builtins.min(na, nb):
            raise ValueError(
                f"tensordot: axes={n} needs 0 <= axes <= {builtins.min(na, nb)} for operands "
                f"of shapes {shape_of(a)} and {shape_of(b)}"
            )
        ax_a, ax_b = tuple(range(na - n, na)), tuple(range(n))
    elif isinstance(axes, Sequence) and not isinstance(axes, str) and len(axes) == 2:
        ax_a, ax_b = _axes_of(axes[0], na, "tensordot"), _axes_of(axes[1], nb, "tensordot")
    else:
        raise TypeError(f"tensordot: axes must be an int or a pair of sequences, not {axes!r}")
    if len(ax_a) != len(ax_b):
        raise ValueError(f"tensordot: axes {axes!r} pair {len(ax_a)} axes with {len(ax_b)}")
    for i, j in zip(ax_a, ax_b, strict=True):
        if shape_of(a)[i] != shape_of(b)[j]:
            raise ValueError(
                f"tensordot: axis {i} of a (shape {shape_of(a)}) and axis {j} of b (shape "
                f"{shape_of(b)}) differ in length"
            )
    letters = string.ascii_letters
    sa = letters[:na]
    sb = "".join(sa[ax_a[ax_b.index(j)]] if j in ax_b else letters[na + j] for j in range(nb))
    output = "".join(c for i, c in enumerate(sa) if i not in ax_a)
    output += "".join(c for j, c in enumerate(sb) if j not in ax_b)
    return apply(einsum_p, a, b, spec=f"{sa},{sb}->{output}")


@implements(np.dot, method="dot")
def dot(a: Operand, b: Operand) -> Any:
    """Dot product, as ``numpy.dot``: :func:`~autodiff.matmul` for vectors and matrices, a
    product with a scalar, and for more axes a sum over the last axis of ``a`` and the
    second-to-last of ``b``.

    >>> import numpy as np
    >>> dot(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    11.0
    """
    na, nb = len(shape_of(a)), len(shape_of(b))
    if na == 0 or nb == 0:
        return multiply(a, b)
    k = builtins.max(nb - 2, 0)
    if shape_of(a)[-1] != shape_of(b)[k]:
        raise ValueError(
            f"dot: the last axis of a (shape {shape_of(a)}) and axis {k} of b (shape "
            f"{shape_of(b)}) differ in length"
        )
    if na <= 2 and nb <= 2:
        return matmul(a, b)
    return tensordot(a, b, ([-1], [k]))


@implements(np.inner)
def inner(a: Operand, b: Operand) -> Any:
    """Inner product over the last axes, as ``numpy.inner`` (a product with a scalar).

    >>> import numpy as np
    >>> inner(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0]))
    array([3., 7.])
    """
    if not shape_of(a) or not shape_of(b):
        return multiply(a, b)
    return tensordot(a, b, ([-1], [-1]))


@implements(np.outer)
def outer(a: Operand, b: Operand) -> Any:
    """Outer product ``a[i] * b[j]`` of the flattened operands, as ``numpy.outer``.

    >>> import numpy as np
    >>> outer(np.array([1.0, 2.0]), np.array([1.0, 10.0, 100.0]))
    array([[  1.,  10., 100.],
           [  2.,  20., 200.]])
    """
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


def _diagonal(shape: tuple[int, ...], k: int, who: str) -> tuple[Any, Any]:
    """The row and column indices of the ``k``-th diagonal of a matrix of ``shape``."""
    if len(shape) != 2:
        raise ValueError(f"{who}: expected a matrix (2 axes), not an array of shape {shape}")
    n = builtins.max(0, builtins.min(shape[0] + builtins.min(k, 0), shape[1] - builtins.max(k, 0)))
    steps = np.arange(n)
    return steps + builtins.max(-k, 0), steps + builtins.max(k, 0)


def _offset(k: Any, who: str) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise TypeError(f"{who}: the diagonal offset must be an int, not {type(k).__name__}")
    return int(k)


@implements(np.trace, method="trace")
def trace(x: Operand, offset: int = 0) -> Any:
    """Sum of the diagonal of a matrix (of the diagonal ``offset`` above it, below if < 0).

    >>> import numpy as np
    >>> trace(np.array([[1.0, 2.0], [3.0, 4.0]])), trace(np.array([[1.0, 2.0], [3.0, 4.0]]), 1)
    (5.0, 2.0)
    """
    rows, cols = _diagonal(shape_of(x), _offset(offset, "trace"), "trace")
    return sum(x[rows, cols])  # type: ignore[index]


@implements(np.diag)
def diag(x: Operand, k: int = 0) -> Any:
    """The ``k``-th diagonal of a matrix, or a matrix with a vector on it, as ``numpy.diag``.

    >>> import numpy as np
    >>> diag(np.array([1.0, 2.0]))
    array([[1., 0.],
           [0., 2.]])
    >>> diag(np.array([[1.0, 2.0], [3.0, 4.0]]), k=1)
    array([2.])
    """
    k = _offset(k, "diag")
    shape = shape_of(x)
    if len(shape) == 1:
        n = shape[0] + builtins.abs(k)
        return scatter(x, _diagonal((n, n), k, "diag"), (n, n))
    if len(shape) != 2:
        raise ValueError(f"diag: expected a vector or a matrix, not an array of shape {shape}")
    return x[_diagonal(shape, k, "diag")]  # type: ignore[index]


def _triangle(x: Operand, k: Any, who: str) -> Any:
    k = _offset(k, who)
    shape = shape_of(x)
    if not shape:
        raise ValueError(f"{who}: expected an array of at least 1 axis, not a scalar")
    m, n = (shape[-1], shape[-1]) if len(shape) == 1 else shape[-2:]
    lower = np.tri(m, n, k if who == "tril" else k - 1, dtype=bool)
    return where(lower, x, 0.0) if who == "tril" else where(lower, 0.0, x)


@implements(np.triu)
def triu(x: Operand, k: int = 0) -> Any:
    """The upper triangle (from diagonal ``k`` up) of the last two axes; zeros below.

    A vector is a row repeated into a square matrix first, as in NumPy.

    >>> import numpy as np
    >>> triu(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([[1., 2.],
           [0., 4.]])
    """
    return _triangle(x, k, "triu")


@implements(np.tril)
def tril(x: Operand, k: int = 0) -> Any:
    """The lower triangle (from diagonal ``k`` down) of the last two axes; zeros above.

    >>> import numpy as np
    >>> tril(np.array([[1.0, 2.0], [3.0, 4.0]]), k=-1)
    array([[0., 0.],
           [3., 0.]])
    """
    return _triangle(x, k, "tril")
