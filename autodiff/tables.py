"""Evaluation traces: the tables of Baydin et al. (2018), generated from a recorded graph.

A function is run once on :class:`~autodiff.Variable` inputs to record its elementary
operations. Each operation becomes a row, written with its primitive's display
template, so a new primitive shows up here with no extra code. The inputs are
``v₁₋ₙ … v₀`` and the intermediate results ``v₁, v₂, …``, as in the paper.

- Forward mode: the primal trace beside the tangent trace (Table 2). The recorded
  values are dual numbers, so the tangents are the forward engine's own.
- Reverse mode: the primal trace beside the adjoint trace (Table 3), one line for every
  adjoint an operation sends to an operand, in the order the reverse pass sends them.
"""

from __future__ import annotations

import html
import inspect
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from autodiff._arguments import choice, given
from autodiff._text import format_value, trace_names
from autodiff.dual import Dual
from autodiff.graph import backpropagate, topological_order
from autodiff.primitives import Primitive
from autodiff.tracer import as_value, raw, shape_of
from autodiff.transforms import _close, _open, _zeros
from autodiff.variable import Variable

__all__ = ["AdjointRow", "TraceRow", "TraceTable", "trace_table"]

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_DOT, _BAR = "\u0307", "\u0304"


def _accent(name: str, mark: str) -> str:
    """Put a combining mark on a name's base letter: ``x₁`` → ``ẋ₁``, ``v₋₁`` → ``v̄₋₁``."""
    base = name.rstrip("₋₀₁₂₃₄₅₆₇₈₉")
    return unicodedata.normalize("NFC", base + mark + name[len(base) :])


def _pretty_input(name: str) -> str:
    """``x1`` → ``x₁``: trailing digits of a parameter name become a subscript."""
    base = name.rstrip("0123456789")
    digits = name[len(base) :]
    return base + digits.translate(_SUBSCRIPTS) if base and digits else name


def _number(value: Any) -> str:
    """A number as a table shows it, with a true minus sign."""
    text = format_value(value)
    return text.replace("-", "−") if not text.startswith("(") else text


def _factor(value: Any) -> str:
    """A number inside an expression: negative numbers get parentheses."""
    text = _number(value)
    return f"({text})" if text.startswith("−") else text


def _equation(substituted: str, value: Any) -> str:
    """``= substituted = value``, without repeating a bare number."""
    result = _number(value)
    if not substituted or substituted in (result, f"({result})"):
        return f"= {result}"
    return f"= {substituted} = {result}"


def _term(adjoint_or_tangent: str, partial: str | None) -> tuple[bool, str]:
    """One term ``ṫ × ∂`` of a chain-rule sum, as (negative, text)."""
    t = adjoint_or_tangent
    if partial is None:
        return False, f"J·{t}"
    negative = partial.startswith("−")
    if negative:
        partial = partial[1:]
    if partial == "1":
        return negative, t
    if partial.startswith("1 / "):
        return negative, f"{t} / {partial[4:]}"
    if " + " in partial or " − " in partial:
        partial = f"({partial})"
    return negative, f"{t} × {partial}"


def _sum_of(terms: Sequence[tuple[bool, str]]) -> str:
    text = ""
    for k, (negative, term) in enumerate(terms):
        if k == 0:
            text = f"−{term}" if negative else term
        else:
            text += f" − {term}" if negative else f" + {term}"
    return text


@dataclass(frozen=True)
class TraceRow:
    """One variable of an evaluation trace, with its derivative.

    ``name = expression = substituted = value`` is the primal line, and
    ``derivative_name = derivative_expression = derivative_substituted = derivative``
    the tangent line (forward mode) or the final adjoint (reverse mode).
    """

    name: str
    expression: str
    substituted: str
    value: Any
    derivative_name: str
    derivative_expression: str
    derivative_substituted: str
    derivative: Any


@dataclass(frozen=True)
class AdjointRow:
    """One step of the reverse pass: ``name += expression`` (or ``=`` the first time)."""

    name: str
    accumulate: bool
    expression: str
    substituted: str
    value: Any
    total: Any

    def line(self) -> str:
        """The step as text, e.g. ``v̄₀ += v̄₂ × v₋₁``."""
        return f"{self.name} {'+=' if self.accumulate else '='} {self.expression}"


class TraceTable:
    """An evaluation trace: primal rows and their tangents or adjoints.

    It shows as a table in notebooks; :meth:`to_markdown` gives the same as text.

    Attributes
    ----------
    mode:
        ``"forward"`` or ``"reverse"``.
    rows:
        One :class:`~autodiff.tables.TraceRow` per variable: inputs, intermediate results, then the
        output ``y``.
    adjoint_rows:
        Reverse mode only: the :class:`~autodiff.tables.AdjointRow` steps in the order they run.
    """

    def __init__(
        self,
        mode: Literal["forward", "reverse"],
        rows: list[TraceRow],
        adjoint_rows: list[AdjointRow] | None = None,
    ) -> None:
        self.mode = mode
        self.rows = rows
        self.adjoint_rows = adjoint_rows or []

    def __repr__(self) -> str:
        return f"<TraceTable {self.mode}: {len(self.rows)} rows>"

    def _columns(self) -> tuple[list[str], list[list[str]]]:
        primal = [
            (f"{r.name} = {r.expression}", _equation(r.substituted, r.value)) for r in self.rows
        ]
        if self.mode == "forward":
            header = ["Primal trace", "", "Tangent trace", ""]
            body = [
                [
                    p[0],
                    p[1],
                    f"{r.derivative_name} = {r.derivative_expression}",
                    _equation(r.derivative_substituted, r.derivative),
                ]
                for p, r in zip(primal, self.rows, strict=True)
            ]
            return header, body
        header = ["Primal trace ↓", "", "Adjoint trace (runs bottom to top) ↑", ""]
        adjoint = [
            (
                a.line(),
                _equation(a.substituted, a.value)
                + (f", so {a.name} = {_number(a.total)}" if a.accumulate else ""),
            )
            for a in reversed(self.adjoint_rows)
        ]
        height = max(len(primal), len(adjoint))
        primal += [("", "")] * (height - len(primal))
        adjoint = [("", "")] * (height - len(adjoint)) + adjoint
        return header, [[p[0], p[1], a[0], a[1]] for p, a in zip(primal, adjoint, strict=True)]

    def to_markdown(self) -> str:
        """The table as GitHub-flavoured Markdown.

        >>> from autodiff import trace_table
        >>> print(trace_table(lambda x: x * x, 3.0).to_markdown())
        | Primal trace | | Tangent trace | |
        |---|---|---|---|
        | v₀ = x | = 3 | v̇₀ = ẋ | = 1 |
        | v₁ = v₀ × v₀ | = 3 × 3 = 9 | v̇₁ = v̇₀ × v₀ + v̇₀ × v₀ | = 1 × 3 + 1 × 3 = 6 |
        | y = v₁ | = 9 | ẏ = v̇₁ | = 6 |
        """
        header, body = self._columns()

        def line(cells: list[str]) -> str:
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

        return "\n".join(
            [line(header).replace("|  |", "| |"), "|" + "---|" * len(header)]
            + [line(r) for r in body]
        )

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        header, body = self._columns()
        head = "".join(f'<th colspan="2">{html.escape(h)}</th>' for h in header[::2])
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in body
        )
        return (
            '<div class="autodiff-trace-wrapper"><table class="autodiff-trace">'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        )


def _input_names(f: Callable[..., Any], n: int) -> list[str]:
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][:n]
    if len(names) < n:
        names = [f"x{k + 1}" for k in range(n)]
    return [_pretty_input(name) for name in names]


def _check_arity(f: Callable[..., Any], n: int) -> None:
    """A ``TypeError`` before tracing if ``f`` cannot take ``n`` positional arguments."""
    try:
        signature = inspect.signature(f)
    except (TypeError, ValueError):
        return  # a builtin without a signature: let the call say
    try:
        signature.bind(*range(n))
    except TypeError as error:
        raise TypeError(
            f"trace_table: f cannot take {n} argument(s) ({error}); pass one value per "
            f"parameter of f"
        ) from None


def trace_table(
    f: Callable[..., Any],
    *args: Any,
    mode: Literal["forward", "reverse"] = "forward",
    wrt: int = 0,
) -> TraceTable:
    """The evaluation trace of ``f`` at ``args``, as in Baydin et al. (2018).

    A wrong argument raises a ``TypeError`` (``f`` not a function, a ``mode`` or ``wrt``
    of the wrong type, a number of arguments that ``f`` cannot take, ``f`` returning
    ``None``) or a ``ValueError`` (an unknown mode, ``wrt`` out of range, an output that
    does not depend on the inputs).

    Parameters
    ----------
    f:
        The function, written with operators and autodiff's functions.
    args:
        The point to evaluate at (floats or arrays).
    mode:
        ``"forward"``: the primal trace beside the tangent trace, seeded with
        ``ẋ = 1`` for argument ``wrt`` and 0 for the others (Table 2).
        ``"reverse"``: the primal trace beside the adjoint trace, seeded with ``ȳ = 1``
        (Table 3); ``f`` must return a single value.
    wrt:
        Forward mode: the index of the argument to differentiate, an ``int`` (negative
        counts from the end). Reverse mode has no use for it (every input gets its
        adjoint), so any value but 0 is refused there.

    Examples
    --------
    >>> import autodiff as ad
    >>> def f(x1, x2):
    ...     return ad.log(x1) + x1 * x2 - ad.sin(x2)
    >>> table = trace_table(f, 2.0, 5.0)
    >>> [(r.name, r.expression) for r in table.rows]  # doctest: +NORMALIZE_WHITESPACE
    [('v₋₁', 'x₁'), ('v₀', 'x₂'), ('v₁', 'ln v₋₁'), ('v₂', 'v₋₁ × v₀'),
     ('v₃', 'v₁ + v₂'), ('v₄', 'sin v₀'), ('v₅', 'v₃ − v₄'), ('y', 'v₅')]
    >>> round(table.rows[-1].derivative, 3)  # ∂y/∂x₁
    5.5
    >>> reverse = trace_table(f, 2.0, 5.0, mode="reverse")
    >>> [a.line() for a in reverse.adjoint_rows][-2:]
    ['x̄₁ = v̄₋₁', 'x̄₂ = v̄₀']
    >>> trace_table(f, 2.0)
    Traceback (most recent call last):
    ...
    TypeError: trace_table: f cannot take 1 argument(s) (missing a required argument: 'x2'); pass one value per parameter of f
    """
    if not callable(f):
        raise TypeError(
            f"trace_table: f must be a function, not {given(f)}; pass the function first, "
            f"then the point: trace_table(f, 2.0, 5.0)"
        )
    choice(mode, "trace_table", "mode", ("forward", "reverse"))
    n = len(args)
    if n == 0:
        raise ValueError(
            "trace_table needs at least one argument: the point to evaluate f at, e.g. "
            "trace_table(f, 2.0)"
        )
    _check_arity(f, n)
    if isinstance(wrt, bool | np.bool_) or not isinstance(wrt, int | np.integer):
        raise TypeError(
            f"trace_table: wrt must be an int, the index of an argument, not {given(wrt)}"
        )
    if not -n <= wrt < n:
        raise ValueError(
            f"trace_table: wrt={wrt} is out of range for {n} argument(s); pass an index "
            f"from 0 to {n - 1}"
        )
    if mode == "reverse" and wrt != 0:
        raise ValueError(
            f"trace_table: wrt={wrt} is for forward mode; reverse mode gives the adjoint "
            f"of every input at once, so drop wrt"
        )
    wrt = int(wrt) % n
    values = [as_value(a, f"trace_table: argument {k}") for k, a in enumerate(args)]
    input_names = _input_names(f, n)
    # The output is y, as in the paper, unless an input already has that name.
    output = next(name for name in ("y", "f", "out", "y₀") if name not in input_names)

    levels = [_open() for _ in range(2 if mode == "forward" else 1)]  # live while f runs
    try:
        if mode == "forward":
            seeds = [_zeros(shape_of(v)) + (1.0 if k == wrt else 0.0) for k, v in enumerate(values)]
            values = [Dual._new(v, t, levels[0]) for v, t in zip(values, seeds, strict=True)]
        level = levels[-1]
        inputs = [Variable._leaf(v, level) for v in values]
        out = f(*inputs)
    finally:
        for opened in levels:
            _close(opened)
    if out is None or isinstance(out, str | bytes | dict) or inspect.isgenerator(out):
        hint = "did you forget `return`?" if out is None else "return a single value"
        raise TypeError(
            f"trace_table: f returned {given(out)}, not a number computed from its inputs; {hint}"
        )
    if not (isinstance(out, Variable) and out.level == level):
        raise ValueError("trace_table: the output does not depend on the inputs")

    steps = [node for node in topological_order(out) if node._prim is not None]
    names = dict(zip(map(id, inputs + steps), trace_names(n, len(steps)), strict=True))

    def is_node(a: Any) -> bool:
        return isinstance(a, Variable) and a.level == level

    def texts(node: Variable) -> tuple[list[str], list[str]]:
        symbols = [names[id(a)] if is_node(a) else _factor(a) for a in node.operands]
        numbers = [_factor(raw(a)) for a in node.operands]
        return symbols, numbers

    def primal(node: Variable) -> Any:
        return raw(node.value)

    def tangent(node: Variable) -> Any:
        return raw(node.value.tangent)

    if mode == "forward":
        rows = [
            TraceRow(
                names[id(leaf)],
                name,
                "",
                primal(leaf),
                _accent(names[id(leaf)], _DOT),
                _accent(name, _DOT),
                "",
                tangent(leaf),
            )
            for leaf, name in zip(inputs, input_names, strict=True)
        ]
        for node in steps:
            prim: Primitive = node._prim  # type: ignore[assignment]
            symbols, numbers = texts(node)
            sym_terms, num_terms = [], []
            for i, a in enumerate(node.operands):
                if is_node(a):
                    sym_terms.append(
                        _term(_accent(names[id(a)], _DOT), prim.show_partial(i, *symbols))
                    )
                    num_terms.append(_term(_factor(tangent(a)), prim.show_partial(i, *numbers)))
            rows.append(
                TraceRow(
                    names[id(node)],
                    prim.show(*symbols),
                    prim.show(*numbers),
                    primal(node),
                    _accent(names[id(node)], _DOT),
                    _sum_of(sym_terms),
                    _sum_of(num_terms),
                    tangent(node),
                )
            )
        last = names[id(out)]
        rows.append(
            TraceRow(
                output,
                last,
                "",
                primal(out),
                _accent(output, _DOT),
                _accent(last, _DOT),
                "",
                tangent(out),
            )
        )
        return TraceTable("forward", rows)

    # Reverse mode: record every adjoint sent along an edge.
    if int(np.prod(shape_of(out.value))) != 1:
        raise ValueError(
            f"trace_table: reverse mode needs a single-element output, not shape "
            f"{shape_of(out.value)}"
        )
    seed = np.ones(shape_of(out.value)) if shape_of(out.value) else 1.0
    totals: dict[int, Any] = {id(out): seed}
    adjoints: list[AdjointRow] = [
        AdjointRow(_accent(names[id(out)], _BAR), False, _accent(output, _BAR), "", seed, seed)
    ]

    def on_edge(node: Variable, i: int, contribution: Any) -> None:
        parent = node.operands[i]
        prim: Primitive = node._prim  # type: ignore[assignment]
        symbols, numbers = texts(node)
        accumulate = id(parent) in totals
        totals[id(parent)] = totals[id(parent)] + contribution if accumulate else contribution
        bar = _accent(names[id(node)], _BAR)
        adjoints.append(
            AdjointRow(
                _accent(names[id(parent)], _BAR),
                accumulate,
                _sum_of([_term(bar, prim.show_partial(i, *symbols))]),
                _sum_of([_term(_factor(totals[id(node)]), prim.show_partial(i, *numbers))]),
                contribution,
                totals[id(parent)],
            )
        )

    backpropagate(out, seed, on_edge=on_edge)
    for leaf, name in zip(inputs, input_names, strict=True):
        total = totals.get(id(leaf), _zeros(shape_of(leaf.value)))
        adjoints.append(
            AdjointRow(_accent(name, _BAR), False, _accent(names[id(leaf)], _BAR), "", total, total)
        )
    rows = [
        TraceRow(
            names[id(leaf)],
            name,
            "",
            primal(leaf),
            _accent(name, _BAR),
            _accent(names[id(leaf)], _BAR),
            "",
            totals.get(id(leaf), _zeros(shape_of(leaf.value))),
        )
        for leaf, name in zip(inputs, input_names, strict=True)
    ]
    for node in steps:
        symbols, numbers = texts(node)
        prim = node._prim  # type: ignore[assignment]
        rows.append(
            TraceRow(
                names[id(node)],
                prim.show(*symbols),
                prim.show(*numbers),
                primal(node),
                _accent(names[id(node)], _BAR),
                "",
                "",
                totals.get(id(node), _zeros(shape_of(node.value))),
            )
        )
    last = names[id(out)]
    rows.append(TraceRow(output, last, "", primal(out), _accent(output, _BAR), "", "", seed))
    return TraceTable("reverse", rows, adjoints)
