"""The table of primitives: every operation, its value rule and its derivative rules.

Each row is a :class:`Primitive`. An elementwise primitive gives one *local partial
derivative* per operand, ``partials[i](out, *args) = ∂out/∂args[i]``, and both modes use
it: forward mode computes ``ṫ_out = Σ partials[i] · ṫ_i`` and reverse mode
``ḡ_i += partials[i] · ḡ_out`` (summed back to the operand's shape when it was
broadcast). A structural primitive (matmul, sum, reshape, indexing...) gives a
Jacobian-vector product ``jvps[i](ṫ_i, out, *args)`` and a vector-Jacobian product
``vjps[i](ḡ, out, *args)`` per operand instead, and usually a *batched* forward rule
``batched_jvps[i]`` that pushes many tangents at once, stacked along a leading axis
(how ``jacobian`` gets all its columns, or in reverse mode all its rows, from one pass).

Rules are written with this module's own functions, so a rule applied to a traced value
is recorded too: that is what makes second derivatives (``grad(grad(f))``, ``hessian``)
work with no extra code.

Adding an operation is one row plus, if it should be public, a one-line function.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, overload

import numpy as np

from autodiff._types import Array, Operand, Value
from autodiff.tracer import FLOAT64, LIVE_LEVELS, Tracer, check_live, constant, raw, shape_of

__all__ = [
    "PRIMITIVES",
    "Primitive",
    "abs",
    "add",
    "apply",
    "broadcast_to",
    "cos",
    "divide",
    "exp",
    "log",
    "logaddexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "minimum",
    "multiply",
    "negative",
    "power",
    "relu",
    "reshape",
    "sigmoid",
    "sin",
    "sqrt",
    "stack",
    "subtract",
    "sum",
    "tan",
    "tanh",
    "transpose",
    "where",
]

Rule = Callable[..., Any]
#: How a trace table writes an operation: a format string or a function of the operands.
Display = str | Callable[..., str]


class Primitive:
    """One row of the primitive table.

    Parameters
    ----------
    name:
        The operation's name, shown as ``Variable.op``, in trace tables and drawings.
    impl:
        The value rule on plain floats and arrays.
    partials:
        For elementwise operations: one rule per operand, ``rule(out, *args)`` returning
        the local partial derivative ``∂out/∂args[i]`` (``None`` for an operand that is
        not differentiable). Used by both modes.
    jvps, vjps:
        For structural operations: per operand, ``jvp(tangent, out, *args, **params)``
        and ``vjp(cotangent, out, *args, **params)``.
    jvp:
        A joint forward rule ``jvp(tangents, out, *args, **params)`` receiving every
        operand's tangent (``None`` for constants), for variadic operations.
    batched_jvps, batched_jvp:
        The same forward rules for a batch of tangents: each tangent has a leading
        batch axis, shape ``(B, *arg.shape)``, and the result has shape
        ``(B, *out.shape)``. Optional: without one, forward mode applies the unbatched
        rule to each tangent of the batch and stacks the results. (Elementwise rows need
        none: their partials serve batches too.)
    display:
        How a trace table writes the operation: a format string with ``{0}``, ``{1}``
        for the operands, or a function of the operands' texts.
    partial_display:
        How a trace table writes each local partial derivative, in the same way.

    Examples
    --------
    >>> from autodiff.primitives import PRIMITIVES
    >>> PRIMITIVES["sin"]
    Primitive('sin')
    >>> PRIMITIVES["mul"].display.format("v₀", "v₁")
    'v₀ × v₁'
    """

    __slots__ = (
        "batched_jvp",
        "batched_jvps",
        "display",
        "impl",
        "jvp",
        "jvps",
        "name",
        "partial_display",
        "partials",
        "vjps",
    )

    def __init__(
        self,
        name: str,
        impl: Rule,
        *,
        partials: Sequence[Rule | None] | None = None,
        jvps: Sequence[Rule | None] | None = None,
        vjps: Sequence[Rule | None] | None = None,
        jvp: Rule | None = None,
        batched_jvps: Sequence[Rule] | None = None,
        batched_jvp: Rule | None = None,
        display: Display,
        partial_display: Sequence[Display] = (),
    ) -> None:
        self.name = name
        self.impl = impl
        self.partials = None if partials is None else tuple(partials)
        self.jvps = None if jvps is None else tuple(jvps)
        self.vjps = vjps
        self.jvp = jvp
        self.batched_jvps = None if batched_jvps is None else tuple(batched_jvps)
        self.batched_jvp = batched_jvp
        self.display = display
        self.partial_display = tuple(partial_display)

    def __repr__(self) -> str:
        return f"Primitive({self.name!r})"

    def __call__(self, *args: Any, **params: Any) -> Any:
        return apply(self, *args, **params)

    def show(self, *operands: str) -> str:
        """The operation written with the given operand texts.

        >>> PRIMITIVES["pow"].show("v₀", "2"), PRIMITIVES["sin"].show("v₀")
        ('v₀²', 'sin v₀')
        """
        return _render(self.display, operands)

    def show_partial(self, i: int, *operands: str) -> str | None:
        """The local partial derivative ``∂out/∂operand_i`` as text, if the row has one.

        >>> PRIMITIVES["mul"].show_partial(0, "v₋₁", "v₀")
        'v₀'
        >>> PRIMITIVES["pow"].show_partial(0, "v₀", "2")
        '2 × v₀'
        """
        if i >= len(self.partial_display):
            return None
        return _render(self.partial_display[i], operands)


def _render(template: Display, operands: Sequence[str]) -> str:
    return template(*operands) if callable(template) else template.format(*operands)


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _number(text: str) -> float | None:
    """The number a display text stands for (``"(−2)"`` is −2), or None for a name."""
    try:
        return float(text.strip("()").replace("−", "-"))
    except ValueError:
        return None


def _exponent(n: float) -> str:
    """``x`` to the power ``n``: a superscript for small integers, else ``^n``."""
    if n == int(n) and builtins.abs(n) < 100:
        return str(int(n)).translate(_SUPERSCRIPTS)
    text = f"{n:g}".replace("-", "−")
    return f"^({text})" if n < 0 else f"^{text}"


def _power_display(x: str, y: str) -> str:
    n = _number(y)
    return f"{x}^{y}" if n is None else x + _exponent(n)


def _power_partial_display(x: str, y: str) -> str:
    n = _number(y)
    if n is None:
        return f"{y} × {x}^({y} − 1)"
    if n == 2:
        return f"2 × {x}"
    return f"{y} × {x}{_exponent(n - 1)}"


#: Every primitive by name.
PRIMITIVES: dict[str, Primitive] = {}


def _row(name: str, impl: Rule, **rules: Any) -> Primitive:
    prim = Primitive(name, impl, **rules)
    PRIMITIVES[name] = prim
    return prim


def apply(prim: Primitive, *args: Any, **params: Any) -> Any:
    """Apply a primitive to operands of any kind: numbers, arrays, ``Dual`` or ``Variable``.

    The operand with the highest differentiation level decides who handles the
    operation; operands of lower levels are constants to it. With no traced operand the
    primitive's value rule runs on the plain values.

    Examples
    --------
    >>> from autodiff import Dual
    >>> apply(PRIMITIVES["mul"], 3.0, 4.0)
    12.0
    >>> apply(PRIMITIVES["mul"], Dual(3.0, 1.0), 4.0)
    Dual(value=12.0, tangent=4.0)
    """
    if len(args) == 1 and not params and isinstance(args[0], Tracer):
        return args[0]._unary(prim)  # the common case, quickly
    top: Tracer | None = None
    plain = True  # every constant operand is a float, an int or a float64 array
    for a in args:
        if isinstance(a, Tracer):
            if a.level not in LIVE_LEVELS:
                check_live(a)
            if top is None or a.level > top.level:
                top = a
            elif a.level == top.level and a.__class__ is not top.__class__:
                raise TypeError(
                    f"{prim.name}: cannot combine a {type(top).__name__} and a "
                    f"{type(a).__name__} at the same differentiation level; nest one "
                    "inside the other (e.g. Variable(Dual(...))) or use the transforms "
                    "(jvp, vjp, grad, hessian), which keep their levels apart"
                )
        elif a.__class__ is not float and a.__class__ is not int:
            plain = plain and a.__class__ is np.ndarray and a.dtype is FLOAT64
    if not plain:  # float64 values only, whichever way they come in
        args = tuple(a if isinstance(a, Tracer) else constant(a, prim.name) for a in args)
    if top is not None:
        return top._apply(prim, args, params)
    try:
        return prim.impl(*args, **params)
    except ValueError as error:
        raise shape_error(prim, args, error) from None


def shape_error(prim: Primitive, args: Sequence[Any], error: ValueError) -> ValueError:
    """The error for operands that do not fit: it names the operation and the shapes."""
    shapes = " and ".join(str(np.shape(a)) for a in args)
    return ValueError(f"{prim.name}: operands of shapes {shapes}: {error}")


# --------------------------------------------------------------------------------------
# Value rules on plain floats and arrays. Python floats take the fast `math` path; where
# `math` raises (log(-1), 1/0, exp(1000)) NumPy gives the IEEE answer with its warning.


def _scalar(x: Any) -> Any:
    """A 0-d result as a Python float; arrays unchanged."""
    if isinstance(x, np.ndarray):
        return float(x) if x.ndim == 0 else x
    if isinstance(x, np.floating | np.integer | np.bool_):
        return float(x)
    return x


def _math(fast: Callable[[float], float], vectorised: np.ufunc) -> Rule:
    def impl(x: Any) -> Any:
        if x.__class__ is float or x.__class__ is int:
            try:
                return fast(x)
            except (ValueError, OverflowError):
                return float(vectorised(np.float64(x)))
        return _scalar(vectorised(x))

    impl.__name__ = vectorised.__name__
    return impl


def _div_impl(x: Any, y: Any) -> Any:
    try:
        return x / y
    except ZeroDivisionError:
        return float(np.float64(x) / y)


def _pow_impl(x: Any, y: Any) -> Any:
    if isinstance(x, float | int) and isinstance(y, float | int):
        try:
            return math.pow(x, y)
        except (ValueError, OverflowError, ZeroDivisionError):
            return float(np.power(np.float64(x), y))
    return _scalar(np.power(x, y))


def _sigmoid_impl(x: Any) -> Any:
    if x.__class__ is float or x.__class__ is int:
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    return _scalar(np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=np.float64))))


def _relu_impl(x: Any) -> Any:
    if x.__class__ is float or x.__class__ is int:
        return x if x > 0 else 0.0
    return _scalar(np.maximum(x, 0.0))


def _abs_impl(x: Any) -> Any:
    if x.__class__ is float or x.__class__ is int:
        return builtins.abs(float(x))
    return _scalar(np.abs(x))


# --------------------------------------------------------------------------------------
# Non-differentiable helpers: masks computed from plain values (constants to every mode).


def _step(x: Any) -> Any:
    """1 where x > 0, else 0 (the derivative of relu, with relu'(0) = 0)."""
    if x.__class__ is float:
        return 1.0 if x > 0 else 0.0
    x = raw(x)
    if isinstance(x, np.ndarray):
        return (x > 0).astype(np.float64)
    return 1.0 if x > 0 else 0.0


def _sign(x: Any) -> Any:
    x = raw(x)
    if isinstance(x, np.ndarray):
        return np.sign(x)
    return float(np.sign(x))


def _share(x: Any, y: Any) -> Any:
    """∂ max(x, y)/∂x: 1 where x > y, 1/2 at ties (as JAX and PyTorch), else 0."""
    x, y = raw(x), raw(y)
    return _scalar(np.where(np.greater(x, y), 1.0, np.where(np.equal(x, y), 0.5, 0.0)))


def _pow_partial_base(out: Any, x: Any, y: Any) -> Any:
    """∂(x^y)/∂x = y x^(y-1), taken as 0 where y = 0 (x^0 is the constant 1), even at x = 0.

    (PyTorch's rule; ``y · x^(y-1)`` would be ``0 · inf = nan`` there.) The operand of the
    unselected branch is replaced too, so no nan comes back through it at second order.
    """
    if y.__class__ is float or y.__class__ is int:
        return 0.0 * x if y == 0 else y * power(x, y - 1)
    zero = np.equal(raw(y), 0)
    if not np.any(zero):
        return y * power(x, y - 1)
    return where(zero, 0.0, y * power(where(zero, 1.0, x), y - 1))


def _pow_partial_exponent(out: Any, x: Any, y: Any) -> Any:
    """∂(x^y)/∂y = x^y ln x, taken as 0 where x = 0 and y >= 0 (the limit; PyTorch's rule)."""
    zero = np.equal(raw(x), 0)
    if not np.any(zero):
        return out * log(x)
    zero = zero & np.greater_equal(raw(y), 0)
    return where(zero, 0.0, out * log(where(zero, 1.0, x)))


# --------------------------------------------------------------------------------------
# Shape helpers for the structural rules. They work on traced values too.


def _normalise_axes(axis: int | tuple[int, ...] | None, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    return tuple(int(a) % ndim if ndim else int(a) for a in axes)


def _checked_axes(axis: Any, ndim: int, who: str) -> tuple[int, ...]:
    """``axis`` (an int, a tuple of ints or None) as non-negative axes of an ``ndim``-array.

    The errors name the function, as NumPy's do the axis and the number of dimensions:
    a ``TypeError`` for an axis that is not an int, a ``ValueError`` for one out of
    bounds or repeated.
    """
    if axis is None:
        return tuple(range(ndim))
    items = tuple(axis) if isinstance(axis, tuple | list) else (axis,)
    axes = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, int | np.integer):
            raise TypeError(
                f"{who}: an axis must be an int (or a tuple of ints), not {type(a).__name__}"
            )
        if not -ndim <= a < ndim:
            raise ValueError(f"{who}: axis {a} is out of bounds for array of dimension {ndim}")
        axes.append(int(a) % ndim)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{who}: axis {axis!r} repeats an axis (array of dimension {ndim})")
    return tuple(axes)


def _keepdims_shape(shape: tuple[int, ...], axis: int | tuple[int, ...] | None) -> tuple[int, ...]:
    axes = _normalise_axes(axis, len(shape))
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``g`` back to ``shape``: the adjoint of NumPy broadcasting.

    Examples
    --------
    >>> import numpy as np
    >>> unbroadcast(np.ones((2, 3)), (3,))
    array([2., 2., 2.])
    >>> unbroadcast(np.ones((2, 3)), (2, 1))
    array([[3.],
           [3.]])
    """
    gshape = shape_of(g)
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1
    )
    if axes:
        g = _sum(g, axes)
    if shape_of(g) != shape:
        g = reshape(g, shape)
    return g


def _argmax_mask(x: Any, axis: int | tuple[int, ...] | None) -> Any:
    """A one-hot float mask of the first maximum of x along ``axis``."""
    x = np.asarray(raw(x), dtype=np.float64)
    if x.ndim == 0:
        return 1.0
    if x.size == 0:  # a maximum over non-empty axes of an empty array: nothing to mask
        return np.zeros_like(x)
    axes = _normalise_axes(axis, x.ndim)
    rest = [i for i in range(x.ndim) if i not in axes]
    moved = np.transpose(x, rest + list(axes))
    flat = moved.reshape((*moved.shape[: len(rest)], -1))
    mask = np.zeros_like(flat)
    np.put_along_axis(mask, np.argmax(flat, axis=-1)[..., None], 1.0, axis=-1)
    return np.transpose(mask.reshape(moved.shape), np.argsort(rest + list(axes)))


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


def _sum_vjp(g: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    shape = shape_of(x)
    if not keepdims and axis is not None:  # put the summed axes back, with size 1
        g = reshape(g, _keepdims_shape(shape, axis))
    return broadcast_to(g, shape)


def _max_vjp(g: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_vjp(g, out, x, axis, keepdims) * _argmax_mask(x, axis)


def _max_jvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum(t * _argmax_mask(x, axis), axis, keepdims)


def _where_jvp(i: int) -> Rule:
    """The tangent of ``where(c, x, y)`` from operand ``i`` (1 for x, 2 for y): selected.

    Selected, not multiplied by a 0/1 mask: a nan or inf tangent of the branch that is
    not taken stays out (``0 · nan`` would be nan), as in PyTorch's and JAX's forward mode.
    """

    def rule(t: Any, out: Any, c: Any, x: Any, y: Any) -> Any:
        picked = where(c, t, 0.0) if i == 1 else where(c, 0.0, t)
        shape = shape_of(out)
        return picked if shape_of(picked) == shape else broadcast_to(picked, shape)

    return rule


def _where_vjp(i: int) -> Rule:
    def rule(g: Any, out: Any, c: Any, x: Any, y: Any) -> Any:
        picked = where(c, g, 0.0) if i == 1 else where(c, 0.0, g)
        return unbroadcast(picked, shape_of(x if i == 1 else y))

    return rule


def _inverse_axes(axes: Sequence[int] | None, ndim: int) -> tuple[int, ...] | None:
    """The permutation that undoes ``axes`` (which may count from the end, as ``-1``)."""
    if axes is None:
        return None
    return tuple(int(i) for i in np.argsort([int(a) % ndim for a in axes]))


def _broadcast_to_impl(x: Any, shape: tuple[int, ...]) -> Any:
    # A float is filled into a new array: quicker than NumPy's read-only broadcast view.
    return np.full(shape, x) if x.__class__ is float else np.broadcast_to(x, shape)


def _scatter_impl(g: Any, index: Any, shape: tuple[int, ...]) -> Array:
    out = np.zeros(shape)
    np.add.at(out, index, g)
    return out


def _stack_jvp(tangents: Sequence[Any], out: Any, *args: Any, axis: int = 0) -> Any:
    return stack(
        [
            t if t is not None else np.zeros(shape_of(a))
            for t, a in zip(tangents, args, strict=True)
        ],
        axis=axis,
    )


def _stack_vjp(i: int) -> Rule:
    def vjp(g: Any, out: Any, *args: Any, axis: int = 0) -> Any:
        nd = len(shape_of(out))
        return g[(slice(None),) * (axis % nd) + (i,)]

    return vjp


class _StackVJPs:
    """``vjps[i]`` for a variadic primitive: picks slice ``i`` of the cotangent."""

    def __getitem__(self, i: int) -> Rule:
        return _stack_vjp(i)


# --------------------------------------------------------------------------------------
# Batched forward rules. A batched tangent has a leading batch axis, shape (B, *x.shape),
# and so has the result, (B, *out.shape): the rules are the unbatched ones with every
# axis shifted by one.


def align(t: Any, ndim: int) -> Any:
    """A batched tangent with size-1 axes after the batch axis, to ``1 + ndim`` axes.

    NumPy broadcasting aligns shapes on the right, so this pairs the tangent's element
    axes with those of an ``ndim``-axis result, and leaves the batch axis in front.

    >>> import numpy as np
    >>> align(np.ones((5, 3)), 2).shape
    (5, 1, 3)
    """
    shape = shape_of(t)
    missing = ndim + 1 - len(shape)
    return reshape(t, (shape[0], *(1,) * missing, *shape[1:])) if missing > 0 else t


def each_tangent(jvp: Rule) -> Rule:
    """A batched rule from an unbatched one: apply it to each tangent and stack them.

    The fallback for a row, or an index form, without a batched rule of its own.
    """

    def batched(t: Any, out: Any, *args: Any, **params: Any) -> Any:
        return stack([jvp(t[k], out, *args, **params) for k in range(shape_of(t)[0])])

    return batched


def _batched_shape(t: Any, out: Any) -> tuple[int, ...]:
    return (shape_of(t)[0], *shape_of(out))


def _sum_bjvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    axes = tuple(a + 1 for a in _normalise_axes(axis, len(shape_of(x))))
    return _sum(t, axes, keepdims) if axes else t


def _max_bjvp(t: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _sum_bjvp(t * _argmax_mask(x, axis), out, x, axis, keepdims)


def _not_differentiated(*args: Any, **params: Any) -> Any:
    """The rule of an operand that is never traced (the condition of ``where``)."""
    raise TypeError("the condition of where is not differentiated")  # pragma: no cover


def _where_bjvp(i: int) -> Rule:
    def rule(t: Any, out: Any, c: Any, x: Any, y: Any) -> Any:
        t = align(t, len(shape_of(out)))
        picked = where(c, t, 0.0) if i == 1 else where(c, 0.0, t)
        shape = _batched_shape(t, out)
        return picked if shape_of(picked) == shape else broadcast_to(picked, shape)

    return rule


def _transpose_bjvp(t: Any, out: Any, x: Any, axes: Sequence[int] | None = None) -> Any:
    nd = len(shape_of(x))
    order = range(nd - 1, -1, -1) if axes is None else axes
    return transpose(t, (0, *(int(a) % nd + 1 for a in order)))


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
        shape = _batched_shape(product, out)
        return product if shape_of(product) == shape else reshape(product, shape)

    return rule


def _index_tuple(index: Any) -> tuple[Any, ...]:
    return index if isinstance(index, tuple) else (index,)


def _batch_stays_first(index: tuple[Any, ...]) -> bool:
    """Whether ``t[(slice(None), *index)]`` keeps the batch axis in front.

    It does, unless the index has arrays (advanced indices) and a slice, ``None`` or
    ``...`` separates two advanced indices: NumPy then moves the advanced indices' axes
    to the front. (Integers count as advanced next to arrays, so they are counted here.)
    """
    basic = [isinstance(i, slice) or i is None or i is Ellipsis for i in index]
    arrays = [
        not b and not (isinstance(i, int | np.integer) and not isinstance(i, bool))
        for i, b in zip(index, basic, strict=True)
    ]
    if not builtins.any(arrays):
        return True
    advanced = [k for k, b in enumerate(basic) if not b]
    return advanced[-1] - advanced[0] + 1 == len(advanced)


def _getitem_jvp(t: Any, out: Any, x: Any, index: Any) -> Any:
    return t[index]


def _getitem_bjvp(t: Any, out: Any, x: Any, index: Any) -> Any:
    index = _index_tuple(index)
    if not _batch_stays_first(index):
        return each_tangent(_getitem_jvp)(t, out, x, index)
    return t[(slice(None), *index)]


def _scatter_jvp(t: Any, out: Any, g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    return _scatter(t, index, shape)


def _scatter_bjvp(t: Any, out: Any, g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    index = _index_tuple(index)
    if not _batch_stays_first(index):
        return each_tangent(_scatter_jvp)(t, out, g, index, shape)
    selected = np.ndim(raw(out)[index])  # g broadcasts to the selected elements
    return _scatter(align(t, selected), (slice(None), *index), _batched_shape(t, out))


def _stack_bjvp(tangents: Sequence[Any], out: Any, *args: Any, axis: int = 0) -> Any:
    n = next(shape_of(t)[0] for t in tangents if t is not None)
    return stack(
        [
            t if t is not None else np.zeros((n, *shape_of(a)))
            for t, a in zip(tangents, args, strict=True)
        ],
        axis=axis % len(shape_of(out)) + 1,
    )


# --------------------------------------------------------------------------------------
# The table.


def one(out: Any, *args: Any) -> float:
    """The partial derivative 1 (``∂(x + y)/∂x``): a *pass-through* operand.

    The engines recognise this rule and pass the tangent or cotangent along as it is,
    rather than multiplying it by 1 (which would copy an array).
    """
    return 1.0


def minus_one(out: Any, *args: Any) -> float:
    """The partial derivative -1 (``∂(x - y)/∂y``): the engines negate, not multiply."""
    return -1.0


def scale(partial: Rule, dot: Any, out: Any, *args: Any) -> Any:
    """``partial(out, *args) · dot``: a tangent or cotangent through one local partial.

    >>> scale(one, 2.0, None), scale(minus_one, 2.0, None), scale(lambda out, x: 3 * x, 2.0, None, 5.0)
    (2.0, -2.0, 30.0)
    """
    if partial is one:
        return dot
    if partial is minus_one:
        return -dot
    return partial(out, *args) * dot


add_p = _row(
    "add", operator.add, partials=(one, one),
    display="{0} + {1}", partial_display=("1", "1"),
)  # fmt: skip
sub_p = _row(
    "sub", operator.sub, partials=(one, minus_one),
    display="{0} − {1}", partial_display=("1", "−1"),
)  # fmt: skip
mul_p = _row(
    "mul", operator.mul,
    partials=(lambda out, x, y: y, lambda out, x, y: x),
    display="{0} × {1}", partial_display=("{1}", "{0}"),
)  # fmt: skip
div_p = _row(
    "div", _div_impl,
    partials=(lambda out, x, y: divide(1.0, y), lambda out, x, y: divide(-out, y)),
    display="{0} / {1}", partial_display=("1 / {1}", "−{0} / {1}²"),
)  # fmt: skip
pow_p = _row(
    "pow", _pow_impl,
    partials=(_pow_partial_base, _pow_partial_exponent),
    display=_power_display,
    partial_display=(_power_partial_display, lambda x, y: f"{_power_display(x, y)} × ln {x}"),
)  # fmt: skip
neg_p = _row(
    "neg", operator.neg, partials=(minus_one,),
    display="−{0}", partial_display=("−1",),
)  # fmt: skip
sin_p = _row(
    "sin", _math(math.sin, np.sin), partials=(lambda out, x: cos(x),),
    display="sin {0}", partial_display=("cos {0}",),
)  # fmt: skip
cos_p = _row(
    "cos", _math(math.cos, np.cos), partials=(lambda out, x: -sin(x),),
    display="cos {0}", partial_display=("−sin {0}",),
)  # fmt: skip
tan_p = _row(
    "tan", _math(math.tan, np.tan), partials=(lambda out, x: 1.0 + out * out,),
    display="tan {0}", partial_display=("1 + tan² {0}",),
)  # fmt: skip
exp_p = _row(
    "exp", _math(math.exp, np.exp), partials=(lambda out, x: out,),
    display="exp {0}", partial_display=("exp {0}",),
)  # fmt: skip
log_p = _row(
    "log", _math(math.log, np.log), partials=(lambda out, x: divide(1.0, x),),
    display="ln {0}", partial_display=("1 / {0}",),
)  # fmt: skip
sqrt_p = _row(
    "sqrt", _math(math.sqrt, np.sqrt), partials=(lambda out, x: divide(0.5, out),),
    display="√{0}", partial_display=("1 / (2 √{0})",),
)  # fmt: skip
tanh_p = _row(
    "tanh", _math(math.tanh, np.tanh), partials=(lambda out, x: 1.0 - out * out,),
    display="tanh {0}", partial_display=("1 − tanh² {0}",),
)  # fmt: skip
sigmoid_p = _row(
    "sigmoid", _sigmoid_impl, partials=(lambda out, x: out * (1.0 - out),),
    display="σ({0})", partial_display=("σ({0}) (1 − σ({0}))",),
)  # fmt: skip
relu_p = _row(
    "relu", _relu_impl, partials=(lambda out, x: _step(x),),
    display="relu {0}", partial_display=("[{0} > 0]",),
)  # fmt: skip
abs_p = _row(
    "abs", _abs_impl, partials=(lambda out, x: _sign(x),),
    display="|{0}|", partial_display=("sign {0}",),
)  # fmt: skip
maximum_p = _row(
    "maximum", lambda x, y: _scalar(np.maximum(x, y)),
    partials=(lambda out, x, y: _share(x, y), lambda out, x, y: _share(y, x)),
    display="max({0}, {1})", partial_display=("[{0} > {1}]", "[{1} > {0}]"),
)  # fmt: skip
minimum_p = _row(
    "minimum", lambda x, y: _scalar(np.minimum(x, y)),
    partials=(lambda out, x, y: _share(y, x), lambda out, x, y: _share(x, y)),
    display="min({0}, {1})", partial_display=("[{0} < {1}]", "[{1} < {0}]"),
)  # fmt: skip
where_p = _row(
    "where", lambda c, x, y: _scalar(np.where(c, x, y)),
    jvps=(None, _where_jvp(1), _where_jvp(2)),
    vjps=(None, _where_vjp(1), _where_vjp(2)),
    batched_jvps=(_not_differentiated, _where_bjvp(1), _where_bjvp(2)),
    display="where({0}, {1}, {2})", partial_display=("", "[{0}]", "[not {0}]"),
)  # fmt: skip
logaddexp_p = _row(
    "logaddexp", lambda x, y: _scalar(np.logaddexp(x, y)),
    # ∂/∂x = e^x / (e^x + e^y) = σ(x - y): also right where x or y is infinite (e^(x - out)
    # would be e^(inf - inf) = nan at logaddexp(inf, 0)).
    partials=(lambda out, x, y: sigmoid(x - y), lambda out, x, y: sigmoid(y - x)),
    display="ln(e^{0} + e^{1})",
    partial_display=("e^{0} / (e^{0} + e^{1})", "e^{1} / (e^{0} + e^{1})"),
)  # fmt: skip

matmul_p = _row(
    "matmul", lambda a, b: _scalar(np.matmul(a, b)),
    jvps=(lambda t, out, a, b: matmul(t, b), lambda t, out, a, b: matmul(a, t)),
    vjps=(_matmul_vjp_lhs, _matmul_vjp_rhs),
    batched_jvps=(_matmul_bjvp(0), _matmul_bjvp(1)),
    display="{0} @ {1}",
)  # fmt: skip
sum_p = _row(
    "sum",
    lambda x, axis=None, keepdims=False: _scalar(
        x.sum(axis, keepdims=keepdims)
        if x.__class__ is np.ndarray
        else np.sum(x, axis, keepdims=keepdims)
    ),
    jvps=(lambda t, out, x, axis=None, keepdims=False: _sum(t, axis, keepdims),),
    vjps=(_sum_vjp,),
    batched_jvps=(_sum_bjvp,),
    display="Σ {0}",
)  # fmt: skip
max_p = _row(
    "max",
    lambda x, axis=None, keepdims=False: _scalar(np.max(x, axis=axis, keepdims=keepdims)),
    jvps=(_max_jvp,), vjps=(_max_vjp,), batched_jvps=(_max_bjvp,),
    display="max {0}",
)  # fmt: skip
reshape_p = _row(
    "reshape", np.reshape,
    jvps=(lambda t, out, x, shape: reshape(t, shape),),
    vjps=(lambda g, out, x, shape: reshape(g, shape_of(x)),),
    batched_jvps=(lambda t, out, x, shape: reshape(t, _batched_shape(t, out)),),
    display="reshape {0}",
)  # fmt: skip
transpose_p = _row(
    "transpose", np.transpose,
    jvps=(lambda t, out, x, axes=None: transpose(t, axes),),
    vjps=(lambda g, out, x, axes=None: transpose(g, _inverse_axes(axes, len(shape_of(x)))),),
    batched_jvps=(_transpose_bjvp,),
    display="{0}ᵀ",
)  # fmt: skip
broadcast_to_p = _row(
    "broadcast_to", _broadcast_to_impl,
    jvps=(lambda t, out, x, shape: broadcast_to(t, shape),),
    vjps=(lambda g, out, x, shape: unbroadcast(g, shape_of(x)),),
    batched_jvps=(
        lambda t, out, x, shape: broadcast_to(align(t, len(shape)), _batched_shape(t, out)),
    ),
    display="broadcast {0}",
)  # fmt: skip
getitem_p = _row(
    "getitem", lambda x, index: _scalar(x[index]),
    jvps=(_getitem_jvp,),
    vjps=(lambda g, out, x, index: _scatter(g, index, shape_of(x)),),
    batched_jvps=(_getitem_bjvp,),
    display="{0}[…]",
)  # fmt: skip
scatter_p = _row(
    "scatter", _scatter_impl,
    jvps=(_scatter_jvp,),
    vjps=(lambda g, out, x, index, shape: g[index],),
    batched_jvps=(_scatter_bjvp,),
    display="scatter {0}",
)  # fmt: skip
stack_p = _row(
    "stack", lambda *xs, axis=0: np.stack(xs, axis=axis),
    jvp=_stack_jvp, vjps=_StackVJPs(), batched_jvp=_stack_bjvp,
    display="stack",
)  # fmt: skip


def _scatter(g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    return apply(scatter_p, g, index=index, shape=shape)


# --------------------------------------------------------------------------------------
# The public functions. Each applies one primitive, so it accepts floats, arrays, Duals
# and Variables alike: one `f` serves plain evaluation and both modes.

#: A float, an array or a tracer: elementwise functions return what they are given.
T = TypeVar("T", bound="float | np.ndarray[Any, Any] | Tracer")


def add(x: Operand, y: Operand) -> Any:
    """``x + y``, elementwise with broadcasting.

    >>> add(1.0, 2.0)
    3.0
    """
    return apply(add_p, x, y)


def subtract(x: Operand, y: Operand) -> Any:
    """``x - y``, elementwise with broadcasting.

    >>> subtract(1.0, 2.0)
    -1.0
    """
    return apply(sub_p, x, y)


def multiply(x: Operand, y: Operand) -> Any:
    """``x * y``, elementwise with broadcasting.

    >>> multiply(3.0, 2.0)
    6.0
    """
    return apply(mul_p, x, y)


def divide(x: Operand, y: Operand) -> Any:
    """``x / y``, elementwise. Division by zero gives ``inf`` or ``nan`` as in NumPy.

    >>> divide(1.0, 4.0)
    0.25
    """
    return apply(div_p, x, y)


def power(x: Operand, y: Operand) -> Any:
    """``x ** y``, elementwise; the exponent may be a number, an array or traced.

    ``x ** 0`` is the constant 1, so its derivatives are 0, even at ``x = 0`` (PyTorch's
    first derivative; PyTorch and JAX give nan for the second). ``∂(x ** y)/∂y`` is
    0 where ``x = 0`` and ``y >= 0``, as in PyTorch and JAX.

    >>> power(2.0, 3)
    8.0
    """
    return apply(pow_p, x, y)


def negative(x: T) -> T:
    """``-x``.

    >>> negative(2.0)
    -2.0
    """
    return apply(neg_p, x)  # type: ignore[no-any-return]


def sin(x: T) -> T:
    """Sine, elementwise. Derivative: ``cos x``.

    >>> from autodiff import Dual
    >>> sin(Dual(0.0, 1.0))
    Dual(value=0.0, tangent=1.0)
    """
    return apply(sin_p, x)  # type: ignore[no-any-return]


def cos(x: T) -> T:
    """Cosine, elementwise. Derivative: ``-sin x``.

    >>> cos(0.0)
    1.0
    """
    return apply(cos_p, x)  # type: ignore[no-any-return]


def tan(x: T) -> T:
    """Tangent, elementwise. Derivative: ``1 + tan² x``.

    >>> tan(0.0)
    0.0
    """
    return apply(tan_p, x)  # type: ignore[no-any-return]


def exp(x: T) -> T:
    """Exponential, elementwise. Derivative: ``exp x``.

    >>> exp(0.0)
    1.0
    """
    return apply(exp_p, x)  # type: ignore[no-any-return]


def log(x: T) -> T:
    """Natural logarithm, elementwise. Derivative: ``1 / x``.

    Follows NumPy for ``x <= 0``: ``nan`` or ``-inf`` with a ``RuntimeWarning``.

    >>> log(1.0)
    0.0
    """
    return apply(log_p, x)  # type: ignore[no-any-return]


def sqrt(x: T) -> T:
    """Square root, elementwise. Derivative: ``1 / (2 sqrt x)``.

    >>> sqrt(9.0)
    3.0
    """
    return apply(sqrt_p, x)  # type: ignore[no-any-return]


def tanh(x: T) -> T:
    """Hyperbolic tangent, elementwise. Derivative: ``1 - tanh² x``.

    >>> tanh(0.0)
    0.0
    """
    return apply(tanh_p, x)  # type: ignore[no-any-return]


def sigmoid(x: T) -> T:
    """The logistic function ``1 / (1 + exp(-x))``, computed stably for any ``x``.

    >>> sigmoid(0.0)
    0.5
    """
    return apply(sigmoid_p, x)  # type: ignore[no-any-return]


def relu(x: T) -> T:
    """``max(x, 0)``, elementwise; its derivative at 0 is taken to be 0.

    >>> relu(-2.0), relu(3.0)
    (0.0, 3.0)
    """
    return apply(relu_p, x)  # type: ignore[no-any-return]


def abs(x: T) -> T:
    """Absolute value, elementwise; its derivative at 0 is taken to be 0.

    That is PyTorch's choice (``sign(0) = 0``); JAX takes 1.

    >>> abs(-2.0)
    2.0
    """
    return apply(abs_p, x)  # type: ignore[no-any-return]


def maximum(x: Operand, y: Operand) -> Any:
    """Elementwise maximum; at ties the gradient is shared equally, as in JAX and PyTorch.

    Against a nan, ``x`` gets no gradient, as in JAX (PyTorch's reverse mode gives it all of it).

    >>> maximum(1.0, 2.0)
    2.0
    """
    return apply(maximum_p, x, y)


def minimum(x: Operand, y: Operand) -> Any:
    """Elementwise minimum; at ties the gradient is shared equally, as in JAX and PyTorch.

    Against a nan, ``x`` gets no gradient, as in JAX (PyTorch's reverse mode gives it all of it).

    >>> minimum(1.0, 2.0)
    1.0
    """
    return apply(minimum_p, x, y)


def where(condition: Any, x: Operand, y: Operand) -> Any:
    """``x`` where ``condition`` holds, else ``y``; the condition is not differentiated.

    The derivative is selected from the branch taken, so in forward mode a nan or inf
    derivative of the other branch does not leak in, as in PyTorch and JAX. In reverse
    mode the branch not taken gets a zero cotangent, and its own rules may still turn
    ``0 · inf`` into nan (``where(x > 0, log(x), 0)`` at ``x = 0``), as in PyTorch and
    JAX: to avoid it, keep the other branch's input finite, ``log(where(x > 0, x, 1))``.

    >>> import numpy as np
    >>> where(np.array([True, False]), 1.0, 2.0)
    array([1., 2.])
    """
    return apply(where_p, raw(condition), x, y)


def logaddexp(x: Operand, y: Operand) -> Any:
    """``log(exp(x) + exp(y))``, elementwise, computed without overflow for any ``x, y``.

    Its partial derivatives are ``exp(x - out)`` and ``exp(y - out)``, the softmax
    weights of ``x`` and ``y``, computed as ``sigmoid(x - y)`` and ``sigmoid(y - x)``;
    ``logaddexp(0, z)`` is the softplus ``log(1 + e^z)``, whose derivative is
    ``sigmoid(z)``. At an infinite operand they are the limits (1 for
    ``logaddexp(inf, 0)``, as in PyTorch and JAX; 0 for the 0 of ``logaddexp(0, inf)``, as
    in PyTorch, where JAX gives 1); with both operands infinite they are nan, as in
    PyTorch.

    >>> logaddexp(0.0, 0.0)  # doctest: +NUMBER
    0.693
    >>> logaddexp(0.0, 1000.0)
    1000.0
    """
    return apply(logaddexp_p, x, y)


def matmul(a: Operand, b: Operand) -> Any:
    """Matrix product ``a @ b`` with NumPy's rules for 1-D and batched operands.

    >>> import numpy as np
    >>> matmul(np.eye(2), np.array([1.0, 2.0]))
    array([1., 2.])
    """
    return apply(matmul_p, a, b)


@overload
def sum(x: float, axis: int | tuple[int, ...] | None = ..., keepdims: bool = ...) -> float: ...
@overload
def sum(x: Array, axis: int | tuple[int, ...] | None = ..., keepdims: bool = ...) -> Value: ...
@overload
def sum(x: T, axis: int | tuple[int, ...] | None = ..., keepdims: bool = ...) -> T: ...
def sum(x: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    """Sum of the elements over ``axis`` (all of them by default).

    >>> import numpy as np
    >>> sum(np.array([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    array([4., 6.])
    >>> sum(np.ones(3), axis=1)
    Traceback (most recent call last):
    ...
    ValueError: sum: axis 1 is out of bounds for array of dimension 1
    """
    if axis is not None:
        axis = _valid_axis(axis, shape_of(x), "sum")
    return apply(sum_p, x, axis=axis, keepdims=keepdims)


def _valid_axis(axis: Any, shape: tuple[int, ...], who: str) -> Any:
    """A checked ``axis`` argument, as given (a list becomes a tuple)."""
    _checked_axes(axis, len(shape), who)
    if isinstance(axis, np.integer):
        return int(axis)
    return tuple(int(a) for a in axis) if isinstance(axis, tuple | list) else axis


def _sum(x: Any, axis: int | tuple[int, ...] | None, keepdims: bool = False) -> Any:
    """:func:`sum` without the check of ``axis``, for the rules (their axes are right)."""
    return apply(sum_p, x, axis=axis, keepdims=keepdims)


def mean(x: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    """Mean of the elements over ``axis`` (all of them by default).

    >>> import numpy as np
    >>> mean(np.array([1.0, 2.0, 6.0]))
    3.0
    """
    shape = shape_of(x)
    count = math.prod(shape[a] for a in _checked_axes(axis, len(shape), "mean"))
    if axis is not None:
        axis = _valid_axis(axis, shape, "mean")
    return divide(_sum(x, axis, keepdims), count)


def max(x: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    """Maximum over ``axis``; the gradient goes to the first maximal element.

    As with ``torch.max(x, dim)`` (a nan counts as the maximum); ``torch.amax`` and JAX
    share it equally between ties instead. A maximum over an axis of length 0 is
    refused, as NumPy, PyTorch and JAX refuse it.

    >>> import numpy as np
    >>> max(np.array([1.0, 5.0, 2.0]))
    5.0
    """
    shape = shape_of(x)
    axes = _checked_axes(axis, len(shape), "max")
    if axis is not None:
        axis = _valid_axis(axis, shape, "max")
    if 0 in shape and builtins.any(shape[a] == 0 for a in axes):
        raise ValueError(
            f"max: no maximum over an axis of length 0 (array of shape {shape}, axis "
            f"{axis}); NumPy, PyTorch and JAX refuse it too"
        )
    return apply(max_p, x, axis=axis, keepdims=keepdims)


def reshape(x: Any, shape: int | tuple[int, ...]) -> Any:
    """The same elements in a new shape (``-1`` infers one dimension).

    >>> import numpy as np
    >>> reshape(np.arange(4.0), (2, 2))
    array([[0., 1.],
           [2., 3.]])
    """
    return apply(reshape_p, x, shape=_shape_argument(shape, "reshape"))


def _shape_argument(shape: Any, who: str) -> tuple[int, ...]:
    """A shape given as an int or a sequence of ints, as a tuple (the rules pass tuples)."""
    if shape.__class__ is tuple:
        return shape
    if isinstance(shape, int | np.integer) and not isinstance(shape, bool):
        return (int(shape),)
    if isinstance(shape, Sequence | np.ndarray) and not isinstance(shape, str):
        items = list(shape)
        if all(isinstance(n, int | np.integer) and not isinstance(n, bool) for n in items):
            return tuple(int(n) for n in items)
    raise TypeError(f"{who}: shape must be an int or a tuple of ints, not {shape!r}")


def transpose(x: Any, axes: Sequence[int] | None = None) -> Any:
    """Permute the axes (reverse them by default).

    ``axes`` is a permutation of ``range(x.ndim)``; an axis may count from the end
    (``-1`` is the last one).

    >>> import numpy as np
    >>> transpose(np.array([[1.0, 2.0]]))
    array([[1.],
           [2.]])
    >>> transpose(np.zeros((2, 3, 4)), (-1, 0, 1)).shape
    (4, 2, 3)
    """
    if axes is None:
        return apply(transpose_p, x, axes=None)
    ndim = len(shape_of(x))
    given: Any = axes  # checked here: callers pass anything
    if not isinstance(given, Sequence | np.ndarray) or isinstance(given, str):
        raise TypeError(
            f"transpose: axes must be a tuple of ints, a permutation of range({ndim}), "
            f"not {type(axes).__name__}"
        )
    perm = _checked_axes(tuple(axes), ndim, "transpose")
    if len(perm) != ndim:
        raise ValueError(
            f"transpose: axes {tuple(axes)} must be a permutation of range({ndim}), one "
            f"entry per axis of the array of shape {shape_of(x)}"
        )
    return apply(transpose_p, x, axes=perm)


def broadcast_to(x: Any, shape: int | tuple[int, ...]) -> Any:
    """Broadcast ``x`` to ``shape``; the gradient is summed back.

    >>> broadcast_to(2.0, (3,))
    array([2., 2., 2.])
    >>> broadcast_to(2.0, 2)  # an int is a 1-D shape, as in NumPy
    array([2., 2.])
    """
    return apply(broadcast_to_p, x, shape=_shape_argument(shape, "broadcast_to"))


def stack(arrays: Sequence[Any], axis: int = 0) -> Any:
    """Join values of the same shape along a new axis.

    >>> stack([1.0, 2.0])
    array([1., 2.])
    """
    return apply(stack_p, *arrays, axis=axis)
