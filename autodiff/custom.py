"""Derivatives chosen by hand: ``stop_gradient``, ``custom_vjp``, ``custom_jvp``, ``checkpoint``.

The shapes of the API are JAX's. Each decorated function becomes a
:class:`~autodiff.primitive.Primitive` of its own, named after the function, so it
shows up under its name as ``Variable.op``, in trace tables and in drawings. Its
operands are its positional arguments (floats, arrays or traced values).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autodiff.dual import Dual
from autodiff.graph import backpropagate
from autodiff.primitive import Primitive, zero
from autodiff.primitives import stack
from autodiff.tracer import LIVE_LEVELS, Tracer, check_live, close_level, open_level
from autodiff.transforms import vjp
from autodiff.values import as_value, shape_of, zeros
from autodiff.variable import Variable, new_node

__all__ = ["checkpoint", "custom_jvp", "custom_vjp", "stop_gradient"]


def _identity(x: Any) -> Any:
    return x


#: The identity, with the derivative 0 in both modes (not registered in the table of
#: primitives: its derivative is not the identity's).
stop_gradient_p = Primitive(
    "stop_gradient",
    _identity,
    partials=(zero,),
    display="stop_gradient({0})",
    partial_display=("0",),
)


def stop_gradient(x: Any) -> Any:
    """``x`` itself, treated as a constant by every derivative, at every order.

    Its value is ``x``'s; its derivative is zero in forward and reverse mode, so no
    tangent passes through it and no cotangent flows back. It takes a float, an array
    or a traced value (:class:`~autodiff.Dual`, :class:`~autodiff.Variable`, one inside
    the other).

    Examples
    --------
    >>> import autodiff as ad
    >>> ad.grad(lambda x: x * ad.stop_gradient(x))(3.0)  # only the first x is differentiated
    3.0
    >>> ad.stop_gradient(ad.Dual(2.0, 1.0))
    Dual(value=2.0, tangent=0.0)
    """
    if isinstance(x, Tracer):
        return x._unary(stop_gradient_p)
    return as_value(x, "stop_gradient")


# --------------------------------------------------------------------------------------
# What the custom functions share: finding the traced operand that decides the mode.


def _check_callable(f: Any, who: str, what: str) -> None:
    if not callable(f):
        raise TypeError(f"{who} takes {what}, a function, not {type(f).__name__}")


def _name_of(fun: Any) -> str:
    return str(getattr(fun, "__name__", type(fun).__name__))


def _positional(
    fun: Any, args: tuple[Any, ...], kwargs: dict[str, Any], who: str
) -> tuple[Any, ...]:
    """The arguments as positional operands (keywords placed by ``fun``'s signature)."""
    if kwargs:
        try:
            bound = inspect.signature(fun).bind(*args, **kwargs)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{who}: {error}") from None
        if bound.kwargs:
            raise TypeError(
                f"{who}: the keyword arguments {sorted(bound.kwargs)} have no position; "
                "pass every argument positionally"
            )
        args = bound.args
    return tuple(a if isinstance(a, Tracer) else as_value(a, f"{who}: an argument") for a in args)


def _top(args: tuple[Any, ...], who: str) -> Tracer | None:
    """The traced operand of the highest level, which decides the mode (as in ``apply``)."""
    top: Tracer | None = None
    for a in args:
        if isinstance(a, Tracer):
            if a.level not in LIVE_LEVELS:
                check_live(a)
            if top is None or a.level > top.level:
                top = a
            elif a.level == top.level and a.__class__ is not top.__class__:
                raise TypeError(
                    f"{who}: cannot combine a {type(top).__name__} and a {type(a).__name__} "
                    "at the same differentiation level"
                )
    return top


def _values(args: tuple[Any, ...], top: Tracer) -> list[Any]:
    """Each operand's value at ``top``'s level (operands of lower levels as they are)."""
    cls, level = top.__class__, top.level
    return [a.value if a.__class__ is cls and a.level == level else a for a in args]


def _has_dual(x: Any) -> bool:
    while isinstance(x, Tracer):
        if isinstance(x, Dual):
            return True
        x = x.value
    return False


def _single(out: Any, who: str, what: str) -> Any:
    """``out`` checked to be one float, array or traced value."""
    if isinstance(out, Tracer):
        return out
    if isinstance(out, float | int | np.ndarray | np.generic):
        return as_value(out, who)
    raise TypeError(
        f"{who}: {what} must be a float, an array or a traced value, not {type(out).__name__}"
    )


def _not_closed_over(x: Any, level: int, name: str, what: str) -> Any:
    """``x``, refused if it is traced at ``level`` or above: a rule that closed over a
    value traced by the current differentiation (JAX's ``UnexpectedTracerError``)."""
    if isinstance(x, Tracer) and x.level >= level:
        raise TypeError(
            f"{name}: {what} depends on a value traced by the current differentiation that "
            "the function did not receive as an argument (it closed over it, e.g. a "
            "parameter of the outer function); pass that value as an argument instead"
        )
    return x


def _variable(top: Tracer, name: str) -> Variable:
    """``top``, the reverse-mode carrier of the call (the only other kind, ``Dual``, is
    handled before)."""
    if not isinstance(top, Variable):
        raise TypeError(f"{name}: cannot differentiate through a {type(top).__name__}")
    return top


def _no_jvp_rule(name: str) -> TypeError:
    return TypeError(
        f"the custom_jvp function {name} has no rule: call {name}.defjvp(jvp) before calling it"
    )


def _display(name: str) -> Any:
    def show(*operands: str) -> str:
        return f"{name}({', '.join(operands)})"

    return show


def _record(prim: Primitive, out: Any, top: Variable, args: tuple[Any, ...], rule: Any) -> Variable:
    """One node of ``top``'s graph: ``out`` computed by ``prim`` from ``args``; ``rule``
    (kept in the node's parameters) gives the cotangents in the reverse pass."""
    if isinstance(out, Tracer) and out.level >= top.level:
        raise TypeError(
            f"{prim.name}: the function used a value traced by the current differentiation "
            "without receiving it as an argument (it closed over it); pass it as an argument"
        )
    first, *rest = args
    second = rest[0] if rest else None
    return new_node(prim, out, top.level, first, second, (tuple(rest[1:]), {"rule": rule}))


class _Cotangents:
    """The reverse rule of one recorded call: all its operands' cotangents at once.

    The sweep asks for one operand's cotangent at a time, with the same cotangent ``g``
    of the output: the cotangents are computed once per ``g`` and handed out by index.
    """

    __slots__ = ("_g", "_given")

    def __init__(self) -> None:
        self._g: Any = None
        self._given: dict[int, Any] = {}

    def compute(self, g: Any, vals: Sequence[Any]) -> Sequence[Any]:
        raise NotImplementedError  # pragma: no cover - each kind of rule defines it

    def cotangent(self, i: int, g: Any, vals: Sequence[Any]) -> Any:
        if g is not self._g or i not in self._given:
            self._given = dict(enumerate(self.compute(g, vals)))
            self._g = g
        ct = self._given.pop(i)
        if not self._given:
            self._g = None
        return ct


def _reverse_rule(i: int, g: Any, out: Any, *args: Any, rule: _Cotangents) -> Any:
    return rule.cotangent(i, g, args)


def _check_cotangents(cts: Any, vals: Sequence[Any], name: str, who: str) -> list[Any]:
    """One cotangent per operand, each of its operand's shape (``None`` for zeros)."""
    if not isinstance(cts, tuple | list):
        raise TypeError(
            f"{name}: {who} must return a tuple of cotangents, one per positional argument "
            f"({len(vals)}), not {type(cts).__name__}"
        )
    if len(cts) != len(vals):
        raise TypeError(
            f"{name}: {who} returned {len(cts)} cotangent(s) for {len(vals)} positional "
            "argument(s); return one per argument (None for a zero cotangent)"
        )
    checked = []
    for k, (given, v) in enumerate(zip(cts, vals, strict=True)):
        if given is None:
            checked.append(zeros(shape_of(v)))
            continue
        ct = _single(given, name, f"the cotangent of argument {k}")
        if shape_of(ct) != shape_of(v):
            raise ValueError(
                f"{name}: {who} returned a cotangent of shape {shape_of(ct)} for argument {k}, "
                f"which has shape {shape_of(v)}"
            )
        checked.append(ct)
    return checked


# --------------------------------------------------------------------------------------
# custom_vjp


class _VJP(_Cotangents):
    __slots__ = ("bwd", "level", "name", "residuals")

    def __init__(self, name: str, bwd: Callable[..., Any], residuals: Any, level: int) -> None:
        super().__init__()
        self.name, self.bwd, self.residuals, self.level = name, bwd, residuals, level

    def __repr__(self) -> str:
        return f"<the custom VJP of {self.name}>"

    def _cotangents(self, g: Any, vals: Sequence[Any]) -> list[Any]:
        cts = _check_cotangents(self.bwd(self.residuals, g), vals, self.name, "bwd")
        return [_not_closed_over(c, self.level, self.name, "bwd's cotangent") for c in cts]

    def compute(self, g: Any, vals: Sequence[Any]) -> Sequence[Any]:
        if isinstance(g, Dual) and g.batched:
            # A batch of cotangents (jacobian(mode="reverse")): bwd runs once per row, as
            # JAX maps it over the batch, so a bwd that is not linear in g (a clipping)
            # is right, and bwd may be written with NumPy.
            rows = [self._cotangents(g.tangent[k], vals) for k in range(shape_of(g.tangent)[0])]
            firsts = self._cotangents(g.value, vals)
            return [
                Dual.at_level(first, stack([row[i] for row in rows]), g.level, batched=True)
                for i, first in enumerate(firsts)
            ]
        return self._cotangents(g, vals)


def _no_forward(name: str) -> Any:
    def forward(tangents: Any, out: Any, *args: Any, **params: Any) -> Any:
        raise _forward_error(name)

    return forward


def _forward_error(name: str) -> TypeError:
    return TypeError(
        f"can't apply forward-mode autodiff (jvp, Dual, jacobian(mode='forward'), hessian) "
        f"to the custom_vjp function {name}: it has a reverse rule only. Use reverse mode "
        f"(grad, vjp, jacobian(mode='reverse')), or define it with custom_jvp instead"
    )


class custom_vjp:  # JAX's name
    """A function with a reverse-mode derivative written by hand, as in JAX.

    ``f = custom_vjp(fun)`` computes ``fun``; after ``f.defvjp(fwd, bwd)``, reverse mode
    uses the rule instead of differentiating ``fun``'s code:

    - ``fwd(*args)`` returns ``(out, residuals)``: the output, and whatever ``bwd`` needs
      (any object: values, tuples of values);
    - ``bwd(residuals, g)`` returns a tuple of cotangents, one per positional argument
      (``None`` for zero), each of its argument's shape, for the output cotangent ``g``.

    The arguments are floats, arrays or traced values, positional (keywords are placed by
    ``fun``'s signature). ``f`` works with :meth:`~autodiff.Variable.backward`,
    :func:`~autodiff.grad`, :func:`~autodiff.value_and_grad`, :func:`~autodiff.vjp` and
    ``jacobian(mode="reverse")`` (which calls ``bwd`` once per row of the Jacobian, as
    JAX maps it over the rows); nested reverse mode (``grad(grad(f))``) differentiates
    ``fwd`` and ``bwd`` themselves, so write them with autodiff's functions. Forward mode
    (:func:`~autodiff.jvp`, :class:`~autodiff.Dual`, ``jacobian(mode="forward")``,
    :func:`~autodiff.hessian`) raises a ``TypeError``, as in JAX. Calling ``f`` before
    ``defvjp`` raises a ``TypeError`` too (JAX raises at that call as well). Each call is
    one node named ``fun.__name__`` in the graph, the trace tables and the drawings.

    Examples
    --------
    >>> import autodiff as ad
    >>> @ad.custom_vjp
    ... def clip_gradient(x):
    ...     return x
    >>> def fwd(x):
    ...     return x, None
    >>> def bwd(residuals, g):
    ...     return (ad.maximum(ad.minimum(g, 1.0), -1.0),)
    >>> clip_gradient.defvjp(fwd, bwd)
    >>> ad.grad(lambda x: 10.0 * clip_gradient(x))(2.0)
    1.0
    """

    __name__: str

    def __init__(self, fun: Callable[..., Any]) -> None:
        _check_callable(fun, "custom_vjp", "the function to differentiate")
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.fwd: Callable[..., Any] | None = None
        self.bwd: Callable[..., Any] | None = None
        name = _name_of(fun)
        self.primitive = Primitive(
            name, fun, jvp=_no_forward(name), vjp=_reverse_rule, display=_display(name)
        )

    def defvjp(self, fwd: Callable[..., Any], bwd: Callable[..., Any]) -> None:
        """Set the rule: ``fwd(*args) -> (out, residuals)``, ``bwd(residuals, g) -> cotangents``."""
        _check_callable(fwd, "defvjp", "fwd")
        _check_callable(bwd, "defvjp", "bwd")
        self.fwd, self.bwd = fwd, bwd

    def __repr__(self) -> str:
        return f"<custom_vjp {self.primitive.name}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = self.primitive.name
        if self.fwd is None or self.bwd is None:
            raise TypeError(
                f"the custom_vjp function {name} has no rule: call {name}.defvjp(fwd, bwd) "
                "before calling it"
            )
        args = _positional(self.fun, args, kwargs, name)
        top = _top(args, name)
        if top is None:
            return self.fun(*args)
        if isinstance(top, Dual) or any(_has_dual(a) for a in args):
            raise _forward_error(name)
        top = _variable(top, name)
        vals = _values(args, top)
        pair = self.fwd(*vals)
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise TypeError(
                f"{name}: fwd must return a pair (out, residuals), not "
                + (
                    f"a {type(pair).__name__} of {len(pair)}"
                    if isinstance(pair, tuple | list)
                    else type(pair).__name__
                )
            )
        out = _single(pair[0], name, "the output of fwd")
        rule = _VJP(name, self.bwd, pair[1], top.level)
        return _record(self.primitive, out, top, args, rule)


# --------------------------------------------------------------------------------------
# checkpoint


class _Recompute(_Cotangents):
    __slots__ = ("fun", "kwargs", "name")

    def __init__(self, name: str, fun: Callable[..., Any], kwargs: dict[str, Any]) -> None:
        super().__init__()
        self.name, self.fun, self.kwargs = name, fun, kwargs

    def __repr__(self) -> str:
        return f"<the recomputation of {self.name}>"

    def compute(self, g: Any, vals: Sequence[Any]) -> Sequence[Any]:
        _, pullback = vjp(self.fun, *vals, **self.kwargs)
        return pullback(g)


class checkpoint:  # JAX's name
    """``fun`` rematerialised: its inner graph is recomputed in the reverse pass, not kept.

    Under reverse mode, a call of the new function computes ``fun`` on plain values and
    records a single node (named ``fun.__name__``), which holds only the arguments and
    the output. The reverse pass runs ``fun`` again under :func:`~autodiff.vjp` to send
    the cotangents back. The gradients are the same as without ``checkpoint``; the memory
    held between the forward and the reverse pass is that of one node per call instead
    of the whole inner graph, for the price of computing ``fun`` twice. Forward mode and
    plain values just call ``fun``.

    The positional arguments are the differentiated operands (floats, arrays or traced
    values); keyword arguments are passed on and never differentiated. ``fun`` returns a
    single float or array, and must receive every traced value it uses as an argument
    (a traced value it closes over, such as a parameter, raises a ``TypeError``).

    Examples
    --------
    >>> import autodiff as ad
    >>> block = ad.checkpoint(lambda x: ad.sin(x) * ad.sin(x))
    >>> ad.grad(lambda x: block(x))(1.0) == ad.grad(lambda x: ad.sin(x) * ad.sin(x))(1.0)
    True
    """

    __name__: str

    def __init__(self, fun: Callable[..., Any]) -> None:
        _check_callable(fun, "checkpoint", "the function to rematerialise")
        functools.update_wrapper(self, fun)
        self.fun = fun
        name = _name_of(fun)
        self.primitive = Primitive(
            name, fun, jvp=_no_forward(name), vjp=_reverse_rule, display=_display(name)
        )

    def __repr__(self) -> str:
        return f"<checkpoint {self.primitive.name}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = self.primitive.name
        args = tuple(
            a if isinstance(a, Tracer) else as_value(a, f"{name}: an argument") for a in args
        )
        top = _top(args, name)
        if not isinstance(top, Variable):
            return self.fun(*args, **kwargs)
        for key, value in kwargs.items():
            if isinstance(value, Tracer) and value.level >= top.level:
                raise TypeError(
                    f"{name}: the keyword argument {key}= is traced, but checkpoint passes "
                    "keyword arguments on without differentiating them; pass it as a "
                    "positional argument to differentiate it"
                )
        out = _single(self.fun(*_values(args, top), **kwargs), name, "the output")
        return _record(self.primitive, out, top, args, _Recompute(name, self.fun, kwargs))


# --------------------------------------------------------------------------------------
# custom_jvp


def _pair(result: Any, name: str, who: str, what: str) -> tuple[Any, Any]:
    if not isinstance(result, tuple | list) or len(result) != 2:
        got = (
            f"a {type(result).__name__} of {len(result)}"
            if isinstance(result, tuple | list)
            else type(result).__name__
        )
        raise TypeError(f"{name}: {who} must return a pair {what}, not {got}")
    return result[0], result[1]


class _Transposed(_Cotangents):
    """The reverse rule of a custom_jvp call: the JVP rule's tangent output, recorded
    as a function of the tangents at a level of its own, swept backwards (its transpose)."""

    __slots__ = ("level", "name", "tangent", "tangents")

    def __init__(self, name: str, tangent: Any, tangents: list[Any], level: int) -> None:
        super().__init__()
        self.name, self.tangent, self.tangents, self.level = name, tangent, tangents, level

    def __repr__(self) -> str:
        return f"<the transposed JVP of {self.name}>"

    def compute(self, g: Any, vals: Sequence[Any]) -> Sequence[Any]:
        t = self.tangent
        adjoints = {}
        if isinstance(t, Variable) and t.level == self.level:
            adjoints = backpropagate(t, g)
        return [
            adjoints.get(v, zeros(shape_of(a))) for v, a in zip(self.tangents, vals, strict=True)
        ]


class custom_jvp:  # JAX's name
    """A function with a forward-mode derivative written by hand, as in JAX.

    ``f = custom_jvp(fun)`` computes ``fun``; after ``f.defjvp(jvp)``, differentiation
    uses the rule instead of ``fun``'s code: ``jvp(primals, tangents)`` gets two tuples,
    one entry per positional argument (a constant argument's tangent is zeros), and
    returns ``(out, tangent_out)``, the output and its tangent (of the output's shape).
    ``defjvp`` returns the rule, so it can decorate it.

    Forward mode (:func:`~autodiff.jvp`, :class:`~autodiff.Dual`,
    :func:`~autodiff.jacobian`) calls the rule; with a batch of tangents
    (``jacobian(mode="forward")``) it is called once per tangent. Reverse mode uses the
    same rule, as JAX does: ``tangent_out`` is linear in the tangents, so the rule is run
    once on tangents recorded at a level of their own, and the reverse pass sweeps that
    record backwards (its transpose) to get the cotangents. The rule must therefore be
    written with autodiff's functions, and linear in the tangents. Nested transforms
    differentiate the rule itself; for the primal output at lower levels to use the rule
    too, compute it by calling ``f`` inside the rule (as below). Calling ``f`` before
    ``defjvp`` raises a ``TypeError``. Each call is one node named ``fun.__name__`` in
    the graph, the trace tables and the drawings.

    Examples
    --------
    >>> import autodiff as ad
    >>> @ad.custom_jvp
    ... def log1pexp(x):  # log(1 + exp(x)), without overflow
    ...     return ad.logaddexp(0.0, x)
    >>> @log1pexp.defjvp
    ... def log1pexp_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return log1pexp(x), t * ad.sigmoid(x)
    >>> ad.grad(log1pexp)(1000.0), ad.derivative(log1pexp)(1000.0)
    (1.0, 1.0)
    >>> ad.trace_table(lambda x: 2.0 * log1pexp(x), 0.0).rows[1].expression
    'log1pexp(v₀)'
    """

    __name__: str

    def __init__(self, fun: Callable[..., Any]) -> None:
        _check_callable(fun, "custom_jvp", "the function to differentiate")
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.jvp: Callable[..., Any] | None = None
        name = _name_of(fun)

        def forward(tangents: Sequence[Any], out: Any, *args: Any, **params: Any) -> Any:
            filled = [
                zeros(shape_of(a)) if t is None else t for t, a in zip(tangents, args, strict=True)
            ]
            return self._rule(tuple(args), tuple(filled))[1]

        self.primitive = Primitive(
            name, fun, jvp=forward, vjp=_reverse_rule, display=_display(name)
        )

    def defjvp(self, jvp: Callable[..., Any]) -> Callable[..., Any]:
        """Set the rule ``jvp(primals, tangents) -> (out, tangent_out)``; returns it."""
        _check_callable(jvp, "defjvp", "jvp")
        self.jvp = jvp
        return jvp

    def __repr__(self) -> str:
        return f"<custom_jvp {self.primitive.name}>"

    def _rule(
        self, primals: tuple[Any, ...], tangents: tuple[Any, ...], level: int | None = None
    ) -> tuple[Any, Any]:
        """The rule's ``(out, tangent_out)``, checked; with ``level``, also checked not to
        depend on a value traced at that level that the function closed over."""
        name = self.primitive.name
        if self.jvp is None:
            raise _no_jvp_rule(name)
        out, tangent = _pair(self.jvp(primals, tangents), name, "jvp", "(out, tangent_out)")
        out = _single(out, name, "the output of jvp")
        tangent = _single(tangent, name, "the tangent output of jvp")
        if shape_of(tangent) != shape_of(out):
            raise ValueError(
                f"{name}: jvp returned a tangent of shape {shape_of(tangent)} for an output "
                f"of shape {shape_of(out)}"
            )
        if level is not None:
            _not_closed_over(out, level, name, "the output of jvp")
            _not_closed_over(tangent, level, name, "the tangent output of jvp")
        return out, tangent

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = self.primitive.name
        if self.jvp is None:
            raise _no_jvp_rule(name)
        args = _positional(self.fun, args, kwargs, name)
        top = _top(args, name)
        if top is None:
            return self.fun(*args)
        level, vals = top.level, _values(args, top)
        if isinstance(top, Dual):
            active = [a.__class__ is Dual and a.level == level for a in args]
            tangents = [
                a.tangent if on else zeros(shape_of(a)) for a, on in zip(args, active, strict=True)
            ]
            if not top.batched:
                out, tangent = self._rule(tuple(vals), tuple(tangents), level)
                return Dual.at_level(out, tangent, level)
            count = shape_of(top.tangent)[0]
            columns = [
                self._rule(
                    tuple(vals),
                    tuple(t[k] if on else t for t, on in zip(tangents, active, strict=True)),
                    level,
                )
                for k in range(count)
            ]
            return Dual.at_level(columns[0][0], stack([t for _, t in columns]), level, True)
        top = _variable(top, name)
        linear = open_level()
        try:
            inputs = [
                Variable.input_at_level(zeros(shape_of(a)), linear)
                if a.__class__ is Variable and a.level == level
                else None
                for a in args
            ]
            tangents = [
                zeros(shape_of(a)) if t is None else t for t, a in zip(inputs, args, strict=True)
            ]
            out, tangent = self._rule(tuple(vals), tuple(tangents))
        finally:
            close_level(linear)
        if isinstance(out, Tracer) and out.level == linear:
            raise TypeError(f"{name}: the output of jvp depends on the tangents; it must not")
        return _record(self.primitive, out, top, args, _Transposed(name, tangent, inputs, linear))
