"""The row type of the primitive table, the shorthands that build rows, and ``apply``.

A :class:`Primitive` is one operation with its value rule and its derivative rules. An
elementwise row gives one *local partial derivative* per operand,
``partials[i](out, *args) = ∂out/∂args[i]``, and both modes use it: forward mode computes
``ṫ_out = Σ partials[i] · ṫ_i`` and reverse mode ``ḡ_i += partials[i] · ḡ_out`` (summed
back to the operand's shape when it was broadcast). A structural row (matmul, sum,
reshape, indexing...) gives a Jacobian-vector product and a vector-Jacobian product per
operand instead, and usually a *batched* forward rule that pushes many tangents at once,
stacked along a leading axis (how ``jacobian`` gets all its columns from one pass).

Whatever form a row is written in, :class:`Primitive` turns it into the same three
rules, so each mode calls one of them: :attr:`~Primitive.forward` (forward mode),
:attr:`~Primitive.forward_batched` (forward mode with a batch of tangents) and
:attr:`~Primitive.reverse` (reverse mode, one operand at a time).

The rows themselves are in :mod:`autodiff.primitives`, written with the shorthands
:func:`unary`, :func:`binary` and :func:`linear`.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autodiff.tracer import LIVE_LEVELS, Tracer, check_live
from autodiff.values import FLOAT64, constant, shape_of

__all__ = [
    "PRIMITIVES",
    "Primitive",
    "align",
    "apply",
    "binary",
    "each_tangent",
    "linear",
    "minus_one",
    "one",
    "scale",
    "shape_error",
    "unary",
    "unbroadcast",
    "zero",
]

Rule = Callable[..., Any]
#: How a trace table writes an operation: a format string or a function of the operands.
Display = str | Callable[..., str]
#: The normalised forward rule: ``forward(tangents, out, args, params)``.
Forward = Callable[[Sequence[Any], Any, Sequence[Any], dict[str, Any]], Any]
#: The normalised reverse rule: ``reverse(i, cotangent, out, args, params)``.
Reverse = Callable[[int, Any, Any, Sequence[Any], dict[str, Any]], Any]

#: Every primitive by name.
PRIMITIVES: dict[str, Primitive] = {}


# --------------------------------------------------------------------------------------
# Local partial derivatives that the engines recognise, so they pass a tangent or a
# cotangent on as it is, negate it, or drop it, rather than multiply it by 1, -1 or 0.


def one(out: Any, *args: Any) -> float:
    """The partial derivative 1 (``∂(x + y)/∂x``): a *pass-through* operand.

    The engines recognise this rule and pass the tangent or cotangent along as it is,
    rather than multiplying it by 1 (which would copy an array).
    """
    return 1.0


def minus_one(out: Any, *args: Any) -> float:
    """The partial derivative -1 (``∂(x - y)/∂y``): the engines negate, not multiply."""
    return -1.0


def zero(out: Any, *args: Any) -> float:
    """The partial derivative 0 of a piecewise-constant operation (``floor``, ``sign``).

    The engines send zeros of the right shape, never ``0 · ḡ`` (which is nan where
    ``ḡ`` is infinite).
    """
    return 0.0


def scale(partial: Rule, dot: Any, out: Any, *args: Any) -> Any:
    """``partial(out, *args) · dot``: a tangent or cotangent through one local partial.

    >>> scale(one, 2.0, None), scale(minus_one, 2.0, None), scale(lambda out, x: 3 * x, 2.0, None, 5.0)
    (2.0, -2.0, 30.0)
    """
    if partial is one:
        return dot
    if partial is minus_one:
        return -dot
    if partial is zero:
        shape = shape_of(dot)
        return np.zeros(shape) if shape else 0.0
    return partial(out, *args) * dot


# --------------------------------------------------------------------------------------
# Shapes in the rules. These call rows by name (sum, reshape, broadcast_to, stack), so
# that this module needs none of them; they work on traced values too.


def _call(name: str, *args: Any, **params: Any) -> Any:
    return apply(PRIMITIVES[name], *args, **params)


def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``g`` back to ``shape``: the transpose of NumPy broadcasting.

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
        g = _call("sum", g, axis=axes, keepdims=False)
    if shape_of(g) != shape:
        g = _call("reshape", g, shape=shape)
    return g


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
    if missing <= 0:
        return t
    return _call("reshape", t, shape=(shape[0], *(1,) * missing, *shape[1:]))


def each_tangent(jvp: Rule) -> Rule:
    """A batched rule from an unbatched one: apply it to each tangent and stack them.

    The fallback for a row, or an index form, without a batched rule of its own.
    """

    def batched(t: Any, out: Any, *args: Any, **params: Any) -> Any:
        return _call("stack", *[jvp(t[k], out, *args, **params) for k in range(shape_of(t)[0])])

    return batched


def _to_shape(t: Any, shape: tuple[int, ...]) -> Any:
    return t if shape_of(t) == shape else _call("broadcast_to", t, shape=shape)


# --------------------------------------------------------------------------------------
# The row type.


class Primitive:
    """One row of the primitive table.

    A row gives its derivative rules in one of three forms: ``partials`` (elementwise);
    ``jvps`` and ``vjps``, one per operand (structural); or ``jvp`` and ``vjp`` over all
    operands at once (for operations that take any number of operands, like ``stack``).
    The constructor turns every form into the same three rules, :attr:`forward`,
    :attr:`forward_batched` and :attr:`reverse`.

    Parameters
    ----------
    name:
        The operation's name, shown as ``Variable.op``, in trace tables and drawings.
    impl:
        The value rule on plain floats and arrays.
    partials:
        For elementwise operations: one rule per operand, ``rule(out, *args)`` returning
        the local partial derivative ``∂out/∂args[i]``. Used by both modes.
    jvps, vjps:
        For structural operations: per operand, ``jvp(tangent, out, *args, **params)``
        and ``vjp(cotangent, out, *args, **params)`` (``None`` for an operand that is
        never differentiated).
    batched_jvps:
        The ``jvps`` for a batch of tangents: each tangent has a leading batch axis,
        shape ``(B, *arg.shape)``, and the result has shape ``(B, *out.shape)``.
        Optional: without them, the unbatched rule runs once per tangent.
    jvp, vjp, batched_jvp:
        For operations with any number of operands: ``jvp(tangents, out, *args,
        **params)`` receives every operand's tangent (``None`` for a constant), and
        ``vjp(i, cotangent, out, *args, **params)`` gives operand ``i``'s cotangent.
    display:
        How a trace table writes the operation: a format string with ``{0}``, ``{1}``
        for the operands, or a function of the operands' texts.
    partial_display:
        How a trace table writes each local partial derivative, in the same way.

    Examples
    --------
    >>> PRIMITIVES["sin"]
    Primitive('sin')
    >>> PRIMITIVES["mul"].display.format("v₀", "v₁")
    'v₀ × v₁'
    """

    __slots__ = (
        "display",
        "forward",
        "forward_batched",
        "impl",
        "name",
        "partial_display",
        "partials",
        "reverse",
        "rules",
        "unrolled",
    )

    #: The forward rule. ``forward(tangents, out, args, params)`` is the output's
    #: tangent, from the operands' tangents (``None`` for an operand not differentiated).
    forward: Forward
    #: The forward rule for a batch of tangents, each of shape ``(B, *arg.shape)``.
    forward_batched: Forward
    #: The reverse rule. ``reverse(i, cotangent, out, args, params)`` is operand ``i``'s
    #: cotangent.
    reverse: Reverse

    def __init__(
        self,
        name: str,
        impl: Rule,
        *,
        partials: Sequence[Rule] | None = None,
        jvps: Sequence[Rule | None] | None = None,
        vjps: Sequence[Rule | None] | None = None,
        batched_jvps: Sequence[Rule | None] | None = None,
        jvp: Rule | None = None,
        vjp: Rule | None = None,
        batched_jvp: Rule | None = None,
        display: Display,
        partial_display: Sequence[Display] = (),
    ) -> None:
        self.name = name
        self.impl = impl
        self.display = display
        self.partial_display = tuple(partial_display)
        given = {
            "partials": partials,
            "jvps": jvps,
            "vjps": vjps,
            "batched_jvps": batched_jvps,
            "jvp": jvp,
            "vjp": vjp,
            "batched_jvp": batched_jvp,
        }
        #: The rules as the row gives them (keyword → rule), before normalisation.
        self.rules: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        self.partials = None if partials is None else tuple(partials)
        #: The partials, for the reverse sweep's unrolled loop, which multiplies by them:
        #: ``None`` when one is ``zero`` (its cotangent must be zeros, not ``0 · ḡ``).
        self.unrolled = None if self.partials is None or zero in self.partials else self.partials
        if self.partials is not None:
            if set(self.rules) != {"partials"}:
                raise TypeError(f"{name}: a row with partials needs no other rule")
            self.forward = _forward_from_partials(self.partials)
            self.forward_batched = _batched_from_partials(self.partials)
            self.reverse = _reverse_from_partials(self.partials)
        elif jvps is not None and vjps is not None:
            self.forward = _forward_from_jvps(tuple(jvps))
            batched = tuple(
                b if b is not None else (None if j is None else each_tangent(j))
                for j, b in zip(jvps, batched_jvps or [None] * len(jvps), strict=True)
            )
            self.forward_batched = _forward_from_jvps(batched)
            self.reverse = _reverse_from_vjps(tuple(vjps))
        elif jvp is not None and vjp is not None:
            self.forward = _forward_joint(jvp)
            self.forward_batched = _forward_joint(batched_jvp or _each_joint(jvp))
            self.reverse = _reverse_indexed(vjp)
        else:
            raise TypeError(f"{name}: a row needs partials, or jvps and vjps, or jvp and vjp")

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


def _forward_from_partials(partials: tuple[Rule, ...]) -> Forward:
    def forward(tangents: Sequence[Any], out: Any, args: Sequence[Any], params: Any) -> Any:
        tangent: Any = None
        for partial, t in zip(partials, tangents, strict=True):
            if t is not None:
                c = scale(partial, t, out, *args)
                tangent = c if tangent is None else tangent + c
        return tangent if out.__class__ is float else _to_shape(tangent, shape_of(out))

    return forward


def _batched_from_partials(partials: tuple[Rule, ...]) -> Forward:
    # A partial has (at most) the output's shape, so each batch of tangents gets size-1
    # axes after its batch axis to line up with it.
    def forward(tangents: Sequence[Any], out: Any, args: Sequence[Any], params: Any) -> Any:
        ndim = len(shape_of(out))
        tangent: Any = None
        for partial, t in zip(partials, tangents, strict=True):
            if t is not None:
                c = scale(partial, align(t, ndim), out, *args)
                tangent = c if tangent is None else tangent + c
        return _to_shape(tangent, (shape_of(tangent)[0], *shape_of(out)))

    return forward


def _reverse_from_partials(partials: tuple[Rule, ...]) -> Reverse:
    def reverse(i: int, g: Any, out: Any, args: Sequence[Any], params: Any) -> Any:
        c = scale(partials[i], g, out, *args)
        return c if c.__class__ is float else unbroadcast(c, shape_of(args[i]))

    return reverse


def _forward_from_jvps(jvps: tuple[Rule | None, ...]) -> Forward:
    def forward(tangents: Sequence[Any], out: Any, args: Sequence[Any], params: Any) -> Any:
        tangent: Any = None
        for jvp, t in zip(jvps, tangents, strict=True):
            if t is not None:
                c = jvp(t, out, *args, **params)  # type: ignore[misc]
                tangent = c if tangent is None else tangent + c
        return tangent

    return forward


def _reverse_from_vjps(vjps: tuple[Rule | None, ...]) -> Reverse:
    def reverse(i: int, g: Any, out: Any, args: Sequence[Any], params: Any) -> Any:
        return vjps[i](g, out, *args, **params)  # type: ignore[misc]

    return reverse


def _forward_joint(jvp: Rule) -> Forward:
    def forward(tangents: Sequence[Any], out: Any, args: Sequence[Any], params: Any) -> Any:
        return jvp(tangents, out, *args, **params)

    return forward


def _each_joint(jvp: Rule) -> Rule:
    def batched(tangents: Sequence[Any], out: Any, *args: Any, **params: Any) -> Any:
        n = next(shape_of(t)[0] for t in tangents if t is not None)
        columns = [
            jvp([None if t is None else t[k] for t in tangents], out, *args, **params)
            for k in range(n)
        ]
        return _call("stack", *columns)

    return batched


def _reverse_indexed(vjp: Rule) -> Reverse:
    def reverse(i: int, g: Any, out: Any, args: Sequence[Any], params: Any) -> Any:
        return vjp(i, g, out, *args, **params)

    return reverse


# --------------------------------------------------------------------------------------
# Applying a row.


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
    """The error for operands that do not fit: it names the operation and the shapes.

    A ``LinAlgError`` (a singular matrix) keeps its type, so ``except LinAlgError`` works.
    """
    if isinstance(error, np.linalg.LinAlgError):
        return np.linalg.LinAlgError(f"{prim.name}: {error}")
    shapes = " and ".join(str(np.shape(a)) for a in args)
    return ValueError(f"{prim.name}: operands of shapes {shapes}: {error}")


# --------------------------------------------------------------------------------------
# The shorthands that write rows.


def row(name: str, impl: Rule, **rules: Any) -> Primitive:
    """A new row of the table, registered in :data:`~autodiff.primitive.PRIMITIVES` under
    ``name``."""
    if name in PRIMITIVES:
        raise ValueError(f"a primitive named {name!r} is in the table already")
    prim = Primitive(name, impl, **rules)
    PRIMITIVES[name] = prim
    return prim


def scalar_result(x: Any) -> Any:
    """A 0-d result as a Python float; arrays unchanged."""
    if isinstance(x, np.ndarray):
        return float(x) if x.ndim == 0 else x
    if isinstance(x, np.floating | np.integer | np.bool_):
        return float(x)
    return x


def vectorised(ufunc: Callable[..., Any], fast: Callable[..., float] | None = None) -> Rule:
    """A value rule from a NumPy function, with a quick path through ``fast`` (a function
    of ``math``) for Python numbers. Where ``math`` raises (``log(-1)``, ``exp(1000)``),
    NumPy gives the IEEE answer with its warning. A 0-d result is a Python float.

    >>> import math
    >>> vectorised(np.sin, math.sin)(0.0), vectorised(np.hypot)(3.0, 4.0)
    (0.0, 5.0)
    """
    if fast is None:

        def plain(*args: Any) -> Any:
            return scalar_result(ufunc(*args))

        plain.__name__ = getattr(ufunc, "__name__", "impl")
        return plain

    def impl(x: Any) -> Any:
        if x.__class__ is float or x.__class__ is int:
            try:
                return fast(x)
            except (ValueError, OverflowError):
                return float(ufunc(np.float64(x)))
        return scalar_result(ufunc(x))

    impl.__name__ = getattr(ufunc, "__name__", "impl")
    return impl


def unary(
    name: str,
    impl: Callable[..., Any],
    *,
    d: Rule,
    show: tuple[Display, Display],
    fast: Callable[[float], float] | None = None,
) -> Primitive:
    """An elementwise row of one operand: ``d(out, x)`` is its derivative.

    ``impl`` is a NumPy function (with ``fast`` from ``math`` for Python numbers) or a
    value rule of its own; ``show`` is the display of the operation and of its
    derivative.
    """
    rule = vectorised(impl, fast) if isinstance(impl, np.ufunc) else impl
    return row(name, rule, partials=(d,), display=show[0], partial_display=(show[1],))


def binary(
    name: str,
    impl: Callable[..., Any],
    *,
    d: tuple[Rule, Rule],
    show: tuple[Display, tuple[Display, Display]],
) -> Primitive:
    """An elementwise row of two operands (broadcast together): ``d`` holds the two
    partial derivatives ``d[i](out, x, y)``."""
    rule = vectorised(impl) if isinstance(impl, np.ufunc) else impl
    return row(name, rule, partials=d, display=show[0], partial_display=show[1])


def linear(
    name: str,
    impl: Rule,
    *,
    transpose: Rule,
    batched: Rule | None = None,
    show: Display,
    variadic: bool = False,
) -> Primitive:
    """A row that is linear in its operands (reshape, sum, indexing, stack...).

    Its tangent is the operation itself applied to the tangent, so only its transpose
    is written: ``transpose(g, out, x, **params)`` (or, with ``variadic=True``,
    ``transpose(i, g, out, *xs, **params)``). ``batched`` is the forward rule for a batch
    of tangents, if the operation can do a whole batch at once.
    """
    if variadic:

        def joint(tangents: Sequence[Any], out: Any, *args: Any, **params: Any) -> Any:
            filled = [
                t if t is not None else np.zeros(shape_of(a))
                for t, a in zip(tangents, args, strict=True)
            ]
            return apply(prim, *filled, **params)

        prim = row(name, impl, jvp=joint, vjp=transpose, batched_jvp=batched, display=show)
        return prim

    def jvp(t: Any, out: Any, x: Any, **params: Any) -> Any:
        return apply(prim, t, **params)

    prim = row(
        name,
        impl,
        jvps=(jvp,),
        vjps=(transpose,),
        batched_jvps=None if batched is None else (batched,),
        display=show,
    )
    return prim


# --------------------------------------------------------------------------------------
# Texts for the trace tables.

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def number_in(text: str) -> float | None:
    """The number a display text stands for (``"(−2)"`` is −2), or None for a name.

    >>> number_in("(−2)"), number_in("v₀")
    (-2.0, None)
    """
    try:
        return float(text.strip("()").replace("−", "-"))
    except ValueError:
        return None


def exponent(n: float) -> str:
    """``x`` to the power ``n``: a superscript for small integers, else ``^n``.

    >>> exponent(2), exponent(0.5)
    ('²', '^0.5')
    """
    if n == int(n) and builtins.abs(n) < 100:
        return str(int(n)).translate(_SUPERSCRIPTS)
    text = f"{n:g}".replace("-", "−")
    return f"^({text})" if n < 0 else f"^{text}"
