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
from typing import Any, Literal, NamedTuple

import numpy as np

from autodiff._arguments import choice, given
from autodiff._text import format_value, trace_names
from autodiff.dual import Dual
from autodiff.graph import backpropagate, topological_order
from autodiff.primitive import Primitive
from autodiff.tracer import as_value, close_level, open_level, raw, shape_of
from autodiff.values import zeros
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


def _table_number(value: Any) -> str:
    """A number as a table shows it, with a true minus sign."""
    text = format_value(value)
    return text.replace("-", "−") if not text.startswith("(") else text


def _factor(value: Any) -> str:
    """A number inside an expression: negative numbers get parentheses."""
    text = _table_number(value)
    return f"({text})" if text.startswith("−") else text


def _equation(substituted: str, value: Any) -> str:
    """``= substituted = value``, without repeating a bare number."""
    result = _table_number(value)
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
        """The header and the body: four cells a row, two for each trace."""
        primal = [
            [f"{r.name} = {r.expression}", _equation(r.substituted, r.value)] for r in self.rows
        ]
        if self.mode == "forward":
            tangent = [
                [
                    f"{r.derivative_name} = {r.derivative_expression}",
                    _equation(r.derivative_substituted, r.derivative),
                ]
                for r in self.rows
            ]
            header = ["Primal trace", "", "Tangent trace", ""]
            return header, [p + t for p, t in zip(primal, tangent, strict=True)]
        adjoint = [
            [
                a.line(),
                _equation(a.substituted, a.value)
                + (f", so {a.name} = {_table_number(a.total)}" if a.accumulate else ""),
            ]
            for a in reversed(self.adjoint_rows)
        ]
        # Top-aligned primal rows beside bottom-aligned adjoint steps.
        height = max(len(primal), len(adjoint))
        primal += [["", ""]] * (height - len(primal))
        adjoint = [["", ""]] * (height - len(adjoint)) + adjoint
        header = ["Primal trace ↓", "", "Adjoint trace (runs bottom to top) ↑", ""]
        return header, [p + a for p, a in zip(primal, adjoint, strict=True)]

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
    wrt = _checked_wrt(f, args, mode, wrt)
    recording = _record(f, args, mode, wrt)
    if mode == "forward":
        rows = _rows(_primal_lines(recording), _tangent_lines(recording))
        return TraceTable("forward", rows)
    adjoint_rows, totals = _reverse_pass(recording)
    rows = _rows(_primal_lines(recording), _adjoint_lines(recording, totals))
    return TraceTable("reverse", rows, adjoint_rows)


def _checked_wrt(f: Callable[..., Any], args: tuple[Any, ...], mode: str, wrt: Any) -> int:
    """Check ``trace_table``'s arguments; ``wrt`` as an index from 0."""
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
    return int(wrt) % n


class _Line(NamedTuple):
    """One line of a column: ``name = expression = substituted = value``."""

    name: str
    expression: str
    substituted: str
    value: Any


@dataclass(frozen=True)
class _Recording:
    """``f`` run once: its graph, and the names the table gives its nodes."""

    inputs: list[Variable]  # v₁₋ₙ … v₀, one per argument
    input_names: list[str]  # f's parameter names: x₁, x₂, …
    steps: list[Variable]  # v₁, v₂, …: every operation, in the order it ran
    out: Variable
    output_name: str  # y, as in the paper, unless an input already has that name
    level: int  # the level of the recorded nodes: other values are constants
    names: dict[int, str]  # the v-name of every node, by id

    def name(self, node: Variable) -> str:
        """The node's name in the table: ``v₋₁``, ``v₃``, …."""
        return self.names[id(node)]

    def is_node(self, operand: Any) -> bool:
        """Whether an operand is a recorded node (else it is a constant)."""
        return isinstance(operand, Variable) and operand.level == self.level

    def operands(self, node: Variable) -> tuple[list[str], list[str]]:
        """The node's operands as symbols (``v₀``, or a constant) and as numbers."""
        symbols = [self.name(a) if self.is_node(a) else _factor(a) for a in node.operands]
        numbers = [_factor(raw(a)) for a in node.operands]
        return symbols, numbers


def _record(f: Callable[..., Any], args: tuple[Any, ...], mode: str, wrt: int) -> _Recording:
    """Run ``f`` once on ``Variable`` inputs of a level of its own.

    In forward mode the inputs hold dual numbers, seeded with ``ẋ = 1`` for argument
    ``wrt`` and 0 for the others, so the forward engine computes every tangent.
    """
    n = len(args)
    values = [as_value(a, f"trace_table: argument {k}") for k, a in enumerate(args)]
    input_names = _input_names(f, n)
    output_name = next(name for name in ("y", "f", "out", "y₀") if name not in input_names)

    levels = [open_level() for _ in range(2 if mode == "forward" else 1)]  # live while f runs
    try:
        if mode == "forward":
            seeds = [zeros(shape_of(v)) + (1.0 if k == wrt else 0.0) for k, v in enumerate(values)]
            values = [Dual.at_level(v, t, levels[0]) for v, t in zip(values, seeds, strict=True)]
        level = levels[-1]
        inputs = [Variable.input_at_level(v, level) for v in values]
        out = f(*inputs)
    finally:
        for opened in levels:
            close_level(opened)
    if out is None or isinstance(out, str | bytes | dict) or inspect.isgenerator(out):
        hint = "did you forget `return`?" if out is None else "return a single value"
        raise TypeError(
            f"trace_table: f returned {given(out)}, not a number computed from its inputs; {hint}"
        )
    if not (isinstance(out, Variable) and out.level == level):
        raise ValueError("trace_table: the output does not depend on the inputs")

    steps = [node for node in topological_order(out) if node.op]
    names = dict(zip(map(id, inputs + steps), trace_names(n, len(steps)), strict=True))
    return _Recording(inputs, input_names, steps, out, output_name, level, names)


def _primitive(node: Variable) -> Primitive:
    """The primitive that computed ``node``: its display templates write the rows."""
    return node.primitive  # type: ignore[return-value]


def _primal_lines(r: _Recording) -> list[_Line]:
    """The primal trace: ``v₋₁ = x₁ = 2``, ``v₁ = ln v₋₁ = ln 2 = 0.6931``, …, ``y = v₅``."""
    lines = [
        _Line(r.name(leaf), name, "", raw(leaf.value))
        for leaf, name in zip(r.inputs, r.input_names, strict=True)
    ]
    for node in r.steps:
        prim = _primitive(node)
        symbols, numbers = r.operands(node)
        lines.append(_Line(r.name(node), prim.show(*symbols), prim.show(*numbers), raw(node.value)))
    lines.append(_Line(r.output_name, r.name(r.out), "", raw(r.out.value)))
    return lines


def _tangent_lines(r: _Recording) -> list[_Line]:
    """The tangent trace, one line per primal line: ``v̇₂ = v̇₋₁ × v₀ + v̇₀ × v₋₁``, …."""

    def tangent(node: Variable) -> Any:
        return raw(node.value.tangent)

    lines = [
        _Line(_accent(r.name(leaf), _DOT), _accent(name, _DOT), "", tangent(leaf))
        for leaf, name in zip(r.inputs, r.input_names, strict=True)
    ]
    for node in r.steps:
        prim = _primitive(node)
        symbols, numbers = r.operands(node)
        symbol_terms, number_terms = [], []
        for i, a in enumerate(node.operands):
            if r.is_node(a):  # a constant has no tangent
                symbol_terms.append(_term(_accent(r.name(a), _DOT), prim.show_partial(i, *symbols)))
                number_terms.append(_term(_factor(tangent(a)), prim.show_partial(i, *numbers)))
        lines.append(
            _Line(
                _accent(r.name(node), _DOT),
                _sum_of(symbol_terms),
                _sum_of(number_terms),
                tangent(node),
            )
        )
    lines.append(
        _Line(_accent(r.output_name, _DOT), _accent(r.name(r.out), _DOT), "", tangent(r.out))
    )
    return lines


def _reverse_pass(r: _Recording) -> tuple[list[AdjointRow], dict[int, Any]]:
    """Backpropagate from ``ȳ = 1``, one :class:`AdjointRow` per adjoint sent along an edge.

    The steps run from the seed ``v̄ₖ = ȳ`` to the inputs' final ``x̄ = v̄``. Also
    returns every node's final adjoint, by id (a node that gets none is absent).
    """
    shape = shape_of(r.out.value)
    if int(np.prod(shape)) != 1:
        raise ValueError(
            f"trace_table: reverse mode needs a single-element output, not shape {shape}"
        )
    seed = np.ones(shape) if shape else 1.0
    totals: dict[int, Any] = {id(r.out): seed}
    steps = [_assignment(_accent(r.name(r.out), _BAR), _accent(r.output_name, _BAR), seed)]

    def on_edge(node: Variable, i: int, contribution: Any) -> None:
        parent = node.operands[i]
        prim = _primitive(node)
        symbols, numbers = r.operands(node)
        accumulate = id(parent) in totals
        totals[id(parent)] = totals[id(parent)] + contribution if accumulate else contribution
        steps.append(
            AdjointRow(
                name=_accent(r.name(parent), _BAR),
                accumulate=accumulate,
                expression=_sum_of(
                    [_term(_accent(r.name(node), _BAR), prim.show_partial(i, *symbols))]
                ),
                substituted=_sum_of(
                    [_term(_factor(totals[id(node)]), prim.show_partial(i, *numbers))]
                ),
                value=contribution,
                total=totals[id(parent)],
            )
        )

    backpropagate(r.out, seed, on_edge=on_edge)
    for leaf, name in zip(r.inputs, r.input_names, strict=True):
        total = totals.get(id(leaf), zeros(shape_of(leaf.value)))
        steps.append(_assignment(_accent(name, _BAR), _accent(r.name(leaf), _BAR), total))
    return steps, totals


def _assignment(name: str, source: str, value: Any) -> AdjointRow:
    """The step ``name = source``, a copy: the seed ``v̄ₖ = ȳ`` or an input's ``x̄ = v̄``."""
    return AdjointRow(
        name, accumulate=False, expression=source, substituted="", value=value, total=value
    )


def _adjoint_lines(r: _Recording, totals: dict[int, Any]) -> list[_Line]:
    """The final adjoint of every primal line: ``x̄₁ = v̄₋₁ = 5.5``, ``v̄₁ = 1``, …, ``ȳ = 1``."""

    def total(node: Variable) -> Any:
        return totals.get(id(node), zeros(shape_of(node.value)))

    lines = [
        _Line(_accent(name, _BAR), _accent(r.name(leaf), _BAR), "", total(leaf))
        for leaf, name in zip(r.inputs, r.input_names, strict=True)
    ]
    lines += [_Line(_accent(r.name(node), _BAR), "", "", total(node)) for node in r.steps]
    lines.append(_Line(_accent(r.output_name, _BAR), "", "", totals[id(r.out)]))
    return lines


def _rows(primal: list[_Line], derivative: list[_Line]) -> list[TraceRow]:
    """Each primal line beside its tangent or adjoint line."""
    return [
        TraceRow(
            name=p.name,
            expression=p.expression,
            substituted=p.substituted,
            value=p.value,
            derivative_name=d.name,
            derivative_expression=d.expression,
            derivative_substituted=d.substituted,
            derivative=d.value,
        )
        for p, d in zip(primal, derivative, strict=True)
    ]
