"""Evaluation traces: Baydin et al. (2018) Tables 2 and 3, generated from a recorded graph."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import numpy as np
import pytest
from catalogue import ELEMENTWISE, STRUCTURAL, Instance, instances
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff import Dual, TraceTable, Variable, topological_order, trace_table
from autodiff.primitives import PRIMITIVES, Primitive, apply
from autodiff.tables import AdjointRow, TraceRow

# --------------------------------------------------------------------------------------
# Helpers.


def baydin(x1: Any, x2: Any) -> Any:
    """Baydin et al. (2018), eq. (3): f(x₁, x₂) = ln x₁ + x₁·x₂ − sin x₂."""
    return ad.log(x1) + x1 * x2 - ad.sin(x2)


def seed(x: Any, a: Any, b: Any) -> Any:
    """The seed notebook's example: x·a / (x² + b)."""
    return x * a / (x**2 + b)


def _cells(line: str) -> list[str]:
    """The cells of a GFM table row, split on unescaped pipes, with ``\\|`` unescaped."""
    assert line.startswith("| "), line
    assert line.endswith(" |"), line
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line[1:-1])]


def _gfm(markdown: str) -> tuple[list[str], list[list[str]]]:
    """Check that ``markdown`` is one GFM table; return its header and body cells."""
    lines = markdown.split("\n")
    assert len(lines) >= 3
    header = _cells(lines[0])
    assert re.fullmatch(r"\|(\s*:?-{3,}:?\s*\|)+", lines[1]), lines[1]
    assert lines[1].count("|") - 1 == len(header)
    body = [_cells(line) for line in lines[2:]]
    for row in body:
        assert len(row) == len(header), row
    return header, body


class _TableParser(HTMLParser):
    """Collects the tags and the cell texts of an HTML table."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.rows: list[list[str]] = []
        self.headers: list[tuple[str, dict[str, str | None]]] = []
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "th":
                self.headers.append(("", dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell)
            if tag == "td":
                self.rows[-1].append(text)
            else:
                self.headers[-1] = (text, self.headers[-1][1])
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _parse_html(text: str) -> _TableParser:
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    return parser


def _plain_steps(f: Callable[..., Any], args: tuple[Any, ...]) -> list[Variable]:
    """The intermediate nodes of ``f`` recorded on plain ``Variable``\\ s, in order."""
    out = f(*(Variable(a) for a in args))
    assert isinstance(out, Variable)
    return [node for node in topological_order(out) if node.op]


def _basis(args: tuple[Any, ...], i: int) -> tuple[Any, ...]:
    return tuple(1.0 if j == i else 0.0 for j in range(len(args)))


SCALAR_CASES = [inst for inst in instances(ELEMENTWISE) if inst.kind == "scalar"]


# --------------------------------------------------------------------------------------
# Baydin et al. (2018), Table 2: forward mode.

BAYDIN_NAMES = ["v₋₁", "v₀", "v₁", "v₂", "v₃", "v₄", "v₅", "y"]
BAYDIN_EXPRESSIONS = ["x₁", "x₂", "ln v₋₁", "v₋₁ × v₀", "v₁ + v₂", "sin v₀", "v₃ − v₄", "v₅"]
# The primal values as printed in the paper (three decimals).
BAYDIN_VALUES = [2.0, 5.0, 0.693, 10.0, 10.693, -0.959, 11.652, 11.652]


def test_baydin_forward_primal_trace() -> None:
    table = trace_table(baydin, 2.0, 5.0)
    assert table.mode == "forward"
    assert all(isinstance(r, TraceRow) for r in table.rows)
    assert [r.name for r in table.rows] == BAYDIN_NAMES
    assert [r.expression for r in table.rows] == BAYDIN_EXPRESSIONS
    assert [r.substituted for r in table.rows] == [
        "",
        "",
        "ln 2",
        "2 × 5",
        "0.6931 + 10",
        "sin 5",
        "10.69 − (−0.9589)",
        "",
    ]
    for row, paper in zip(table.rows, BAYDIN_VALUES, strict=True):
        assert row.value == pytest.approx(paper, abs=5e-4), row.name
    exact = [2.0, 5.0, math.log(2), 10.0, math.log(2) + 10, math.sin(5)]
    exact += [math.log(2) + 10 - math.sin(5)] * 2
    assert [r.value for r in table.rows] == pytest.approx(exact, rel=1e-15)
    assert table.adjoint_rows == []


def test_baydin_forward_tangent_trace_wrt_x1() -> None:
    table = trace_table(baydin, 2.0, 5.0)
    assert [r.derivative_name for r in table.rows] == [
        "v̇₋₁",
        "v̇₀",
        "v̇₁",
        "v̇₂",
        "v̇₃",
        "v̇₄",
        "v̇₅",
        "ẏ",
    ]
    assert [r.derivative_expression for r in table.rows] == [
        "ẋ₁",
        "ẋ₂",
        "v̇₋₁ / v₋₁",
        "v̇₋₁ × v₀ + v̇₀ × v₋₁",
        "v̇₁ + v̇₂",
        "v̇₀ × cos v₀",
        "v̇₃ − v̇₄",
        "v̇₅",
    ]
    assert [r.derivative_substituted for r in table.rows] == [
        "",
        "",
        "1 / 2",
        "1 × 5 + 0 × 2",
        "0.5 + 5",
        "0 × cos 5",
        "5.5 − 0",
        "",
    ]
    assert [r.derivative for r in table.rows] == pytest.approx(
        [1.0, 0.0, 0.5, 5.0, 5.5, 0.0, 5.5, 5.5], rel=1e-15
    )


def test_baydin_forward_wrt_x2() -> None:
    table = trace_table(baydin, 2.0, 5.0, wrt=1)
    c = math.cos(5)
    assert [r.derivative for r in table.rows] == pytest.approx(
        [0.0, 1.0, 0.0, 2.0, 2.0, c, 2.0 - c, 2.0 - c], rel=1e-15
    )
    assert table.rows[-1].derivative == pytest.approx(1.716, abs=5e-4)
    # a negative index counts from the end, like a list
    again = trace_table(baydin, 2.0, 5.0, wrt=-1)
    assert [r.derivative for r in again.rows] == [r.derivative for r in table.rows]


def test_baydin_forward_markdown() -> None:
    text = trace_table(baydin, 2.0, 5.0).to_markdown()
    lines = text.split("\n")
    assert lines[0] == "| Primal trace | | Tangent trace | |"
    assert lines[1] == "|---|---|---|---|"
    assert "| v₂ = v₋₁ × v₀ | = 2 × 5 = 10 | v̇₂ = v̇₋₁ × v₀ + v̇₀ × v₋₁ | = 1 × 5 + 0 × 2 = 5 |" in (
        lines
    )
    assert "| v₋₁ = x₁ | = 2 | v̇₋₁ = ẋ₁ | = 1 |" in lines
    assert lines[-1] == "| y = v₅ | = 11.65 | ẏ = v̇₅ | = 5.5 |"
    header, body = _gfm(text)
    assert len(header) == 4
    assert len(body) == 8


# --------------------------------------------------------------------------------------
# Baydin et al. (2018), Table 3: reverse mode.

# Every adjoint step of the paper's table: line, value sent, running total.
BAYDIN_ADJOINTS: dict[str, tuple[float, float]] = {
    "v̄₅ = ȳ": (1.0, 1.0),
    "v̄₄ = −v̄₅": (-1.0, -1.0),
    "v̄₃ = v̄₅": (1.0, 1.0),
    "v̄₁ = v̄₃": (1.0, 1.0),
    "v̄₂ = v̄₃": (1.0, 1.0),
    "v̄₀ = v̄₄ × cos v₀": (-0.284, -0.284),
    "v̄₋₁ = v̄₂ × v₀": (5.0, 5.0),
    "v̄₀ += v̄₂ × v₋₁": (2.0, 1.716),
    "v̄₋₁ += v̄₁ / v₋₁": (0.5, 5.5),
    "x̄₁ = v̄₋₁": (5.5, 5.5),
    "x̄₂ = v̄₀": (1.716, 1.716),
}


def _check_schedule(adjoints: list[AdjointRow]) -> None:
    """The steps are a valid reverse pass: an adjoint is sent on only once it is final,
    its first step assigns (``=``) and later ones accumulate (``+=``) with running totals."""
    totals: dict[str, float] = {}
    used: set[str] = set()
    for step in adjoints:
        # the adjoints this step reads must already be complete
        assert step.name not in used, f"{step.name} was sent on before it was complete"
        used.update(re.findall(r"v\u0304[₋₀₁₂₃₄₅₆₇₈₉]+", step.expression))
        assert step.accumulate == (step.name in totals), step.line()
        if step.accumulate:
            assert step.total == pytest.approx(totals[step.name] + step.value, rel=1e-12)
        else:
            assert step.total == pytest.approx(step.value, rel=1e-12)
        totals[step.name] = step.total


def test_baydin_reverse_adjoint_trace() -> None:
    table = trace_table(baydin, 2.0, 5.0, mode="reverse")
    assert table.mode == "reverse"
    steps = table.adjoint_rows
    assert all(isinstance(a, AdjointRow) for a in steps)
    assert sorted(a.line() for a in steps) == sorted(BAYDIN_ADJOINTS)
    for step in steps:
        value, total = BAYDIN_ADJOINTS[step.line()]
        assert step.value == pytest.approx(value, abs=5e-4), step.line()
        assert step.total == pytest.approx(total, abs=5e-4), step.line()
    # the seed first, the input adjoints last, in argument order
    assert steps[0].line() == "v̄₅ = ȳ"
    assert [a.line() for a in steps[-2:]] == ["x̄₁ = v̄₋₁", "x̄₂ = v̄₀"]
    assert steps[-2].total == pytest.approx(1 / 2.0 + 5.0, rel=1e-15)
    assert steps[-1].total == pytest.approx(2.0 - math.cos(5.0), rel=1e-15)
    _check_schedule(steps)
    # v̄₀ is first v̄₄ × cos v₀, then v̄₂ × v₋₁ is added to it
    by_line = {a.line(): a for a in steps}
    first, then = by_line["v̄₀ = v̄₄ × cos v₀"], by_line["v̄₀ += v̄₂ × v₋₁"]
    assert steps.index(first) < steps.index(then)
    assert first.value == pytest.approx(-math.cos(5.0), rel=1e-15)
    assert then.accumulate
    assert then.value == 2.0
    assert by_line["v̄₋₁ += v̄₁ / v₋₁"].accumulate
    assert not by_line["v̄₋₁ = v̄₂ × v₀"].accumulate
    # numbers substituted into the rules
    assert by_line["v̄₀ = v̄₄ × cos v₀"].substituted == "(−1) × cos 5"
    assert by_line["v̄₀ += v̄₂ × v₋₁"].substituted == "1 × 2"
    assert by_line["v̄₋₁ += v̄₁ / v₋₁"].substituted == "1 / 2"
    assert by_line["v̄₄ = −v̄₅"].substituted == "−1"


def test_baydin_reverse_rows() -> None:
    table = trace_table(baydin, 2.0, 5.0, mode="reverse")
    assert [r.name for r in table.rows] == BAYDIN_NAMES
    assert [r.expression for r in table.rows] == BAYDIN_EXPRESSIONS
    assert [r.derivative_name for r in table.rows] == [
        "x̄₁",
        "x̄₂",
        "v̄₁",
        "v̄₂",
        "v̄₃",
        "v̄₄",
        "v̄₅",
        "ȳ",
    ]
    assert [r.derivative for r in table.rows] == pytest.approx(
        [5.5, 2.0 - math.cos(5.0), 1.0, 1.0, 1.0, -1.0, 1.0, 1.0], rel=1e-15
    )


def test_baydin_reverse_markdown() -> None:
    text = trace_table(baydin, 2.0, 5.0, mode="reverse").to_markdown()
    header, body = _gfm(text)
    assert len(header) == 4
    # the primal trace runs down, the adjoint trace up: one line per step
    assert len(body) == 11
    assert [r[0] for r in body[:8]] == [
        f"{n} = {e}" for n, e in zip(BAYDIN_NAMES, BAYDIN_EXPRESSIONS, strict=True)
    ]
    assert body[-1][2:] == ["v̄₅ = ȳ", "= 1"]
    assert ["v̄₀ += v̄₂ × v₋₁", "= 1 × 2 = 2, so v̄₀ = 1.716"] in [r[2:] for r in body]
    assert {r[2] for r in body} == set(BAYDIN_ADJOINTS)


# --------------------------------------------------------------------------------------
# The seed example: x·a / (x² + b) at (24, 22, 2).


def test_seed_example_forward() -> None:
    table = trace_table(seed, 24.0, 22.0, 2.0)
    rows = {r.name: r for r in table.rows}
    assert [r.expression for r in table.rows[:3]] == ["x", "a", "b"]
    assert [r.derivative_expression for r in table.rows[:3]] == ["ẋ", "ȧ", "ḃ"]
    assert rows["v₂"].expression == "v₋₂²"
    assert rows["v₂"].substituted == "24²"
    assert rows["v₂"].derivative_expression == "v̇₋₂ × 2 × v₋₂"
    y = table.rows[-1]
    assert y.value == pytest.approx(24 * 22 / (24**2 + 2), rel=1e-15)
    assert f"{y.derivative:.12f}".startswith("-0.0377988")
    grads = ad.grad(seed, argnums=(0, 1, 2))(24.0, 22.0, 2.0)
    for i, g in enumerate(grads):
        assert trace_table(seed, 24.0, 22.0, 2.0, wrt=i).rows[-1].derivative == pytest.approx(
            g, rel=1e-13
        )


def test_seed_example_reverse() -> None:
    table = trace_table(seed, 24.0, 22.0, 2.0, mode="reverse")
    grads = ad.grad(seed, argnums=(0, 1, 2))(24.0, 22.0, 2.0)
    final = table.adjoint_rows[-3:]
    assert [a.line() for a in final] == ["x̄ = v̄₋₂", "ā = v̄₋₁", "b̄ = v̄₀"]
    for a, r, g in zip(final, table.rows[:3], grads, strict=True):
        assert a.total == pytest.approx(g, rel=1e-13)
        assert r.derivative == pytest.approx(g, rel=1e-13)
    assert f"{final[0].total:.12f}".startswith("-0.0377988")
    # x is used twice (x·a and x²), so its adjoint accumulates
    assert [a.line() for a in table.adjoint_rows if a.accumulate] == ["v̄₋₂ += v̄₁ × v₋₁"]
    _check_schedule(table.adjoint_rows)


# --------------------------------------------------------------------------------------
# Cross-checks with the transforms, on the catalogue.


@pytest.mark.parametrize("inst", SCALAR_CASES, ids=[i.id for i in SCALAR_CASES])
def test_forward_table_matches_jvp(inst: Instance) -> None:
    f, args = inst.case.f, tuple(inst.sample())
    for i in range(len(args)):
        table = trace_table(f, *args, wrt=i)
        out, tangent = ad.jvp(f, args, _basis(args, i))
        assert table.rows[-1].value == pytest.approx(out, rel=1e-13)
        assert table.rows[-1].derivative == pytest.approx(tangent, rel=1e-12, abs=1e-14)
    if len(args) == 1:
        table = trace_table(f, *args)
        expected = ad.derivative(f)(args[0])
        assert table.rows[-1].derivative == pytest.approx(expected, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("inst", SCALAR_CASES, ids=[i.id for i in SCALAR_CASES])
def test_reverse_table_matches_grad(inst: Instance) -> None:
    f, args = inst.case.f, tuple(inst.sample())
    n = len(args)
    table = trace_table(f, *args, mode="reverse")
    grads = ad.grad(f, argnums=tuple(range(n)))(*args)
    assert [a.total for a in table.adjoint_rows[-n:]] == pytest.approx(
        list(grads), rel=1e-12, abs=1e-14
    )
    assert [r.derivative for r in table.rows[:n]] == pytest.approx(
        list(grads), rel=1e-12, abs=1e-14
    )
    _check_schedule(table.adjoint_rows)


@pytest.mark.parametrize("inst", SCALAR_CASES, ids=[i.id for i in SCALAR_CASES])
def test_rows_match_a_plain_evaluation(inst: Instance) -> None:
    f, args = inst.case.f, tuple(inst.sample())
    n = len(args)
    steps = _plain_steps(f, args)
    plain = f(*args)
    for table in (trace_table(f, *args), trace_table(f, *args, mode="reverse")):
        assert len(table.rows) == n + len(steps) + 1
        assert [r.value for r in table.rows[:n]] == list(args)
        for row, node in zip(table.rows[n:-1], steps, strict=True):
            assert row.value == pytest.approx(node.value, rel=1e-15), row.name
            assert isinstance(row.value, float), row.name
        assert table.rows[-1].value == pytest.approx(plain, rel=1e-15)
        assert table.rows[-1].expression == table.rows[-2].name


@pytest.mark.parametrize("inst", SCALAR_CASES, ids=[i.id for i in SCALAR_CASES])
def test_forward_tangents_match_dual_numbers(inst: Instance) -> None:
    """Every row's tangent is the one a hand-made ``Variable(Dual(...))`` pass records."""
    f, args = inst.case.f, tuple(inst.sample())
    n = len(args)
    for i in range(n):
        out = f(*(Variable(Dual(a, t)) for a, t in zip(args, _basis(args, i), strict=True)))
        assert isinstance(out, Variable)
        nodes = [node for node in topological_order(out) if node.op]
        table = trace_table(f, *args, wrt=i)
        for row, node in zip(table.rows[n:-1], nodes, strict=True):
            assert isinstance(node.value, Dual)
            assert row.derivative == pytest.approx(node.value.tangent, rel=1e-13, abs=1e-15)


ARRAY_CASES = [inst for inst in instances(STRUCTURAL) if inst.case.name in ("logsumexp", "gram")]


@pytest.mark.parametrize("inst", ARRAY_CASES, ids=[i.id for i in ARRAY_CASES])
def test_reverse_table_on_arrays_matches_grad(inst: Instance) -> None:
    args = inst.sample()
    table = trace_table(inst.case.f, *args, mode="reverse")
    (g,) = ad.grad(inst.case.f, argnums=(0,))(*args)
    assert np.shape(table.rows[0].derivative) == np.shape(g)
    assert_allclose(table.rows[0].derivative, g, rtol=1e-12)
    # arrays are summarised, never printed in full
    for line in table.to_markdown().split("\n"):
        assert len(line) < 400


def test_forward_table_on_arrays_seeds_ones() -> None:
    x = np.array([0.5, 1.0, 2.0])
    table = trace_table(lambda x: ad.sum(ad.sin(x)), x)
    _, tangent = ad.jvp(lambda x: ad.sum(ad.sin(x)), (x,), (np.ones(3),))
    assert table.rows[-1].derivative == pytest.approx(tangent, rel=1e-14)
    assert_allclose(table.rows[0].derivative, np.ones(3))
    # a structural rule is written as a Jacobian-vector product
    assert table.rows[2].derivative_expression == "J·v̇₁"


def test_unused_array_input_has_a_zero_adjoint_of_its_shape() -> None:
    """An input the output does not use gets a zero adjoint of its own shape, as in grad."""

    def f(x: Any, w: Any) -> Any:
        return ad.sum(ad.sin(x))

    args = (np.ones(3), np.ones(2))
    table = trace_table(f, *args, mode="reverse")
    _, gw = ad.grad(f, argnums=(0, 1))(*args)
    assert np.shape(table.rows[1].derivative) == np.shape(gw) == (2,)
    assert np.shape(table.adjoint_rows[-1].total) == (2,)


# --------------------------------------------------------------------------------------
# A new primitive shows up in the tables with no extra code.


def _softplus_impl(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return np.logaddexp(0.0, x)
    return math.log1p(math.exp(x))


SOFTPLUS = Primitive(
    "my_softplus",  # not autodiff.softplus: a row of the same formula, not in the table
    _softplus_impl,
    partials=(lambda out, x: ad.sigmoid(x),),
    display=lambda x: f"softplus({x})",
    partial_display=("σ({0})",),
)


def _uses_softplus(x: Any) -> Any:
    return apply(SOFTPLUS, x * 2.0) + x


def test_a_new_primitive_appears_in_both_tables() -> None:
    assert "my_softplus" not in PRIMITIVES  # built, not registered
    x = 0.3
    expected = 2 / (1 + math.exp(-2 * x)) + 1
    forward = trace_table(_uses_softplus, x)
    assert [r.expression for r in forward.rows] == ["x", "v₀ × 2", "softplus(v₁)", "v₂ + v₀", "v₃"]
    row = forward.rows[2]
    assert row.substituted == "softplus(0.6)"
    assert row.value == pytest.approx(math.log1p(math.exp(2 * x)), rel=1e-15)
    assert row.derivative_expression == "v̇₁ × σ(v₁)"
    assert row.derivative_substituted == "2 × σ(0.6)"
    assert forward.rows[-1].derivative == pytest.approx(expected, rel=1e-14)
    assert "softplus(v₁)" in forward.to_markdown()
    assert "σ(v₁)" in forward._repr_html_()

    reverse = trace_table(_uses_softplus, x, mode="reverse")
    assert reverse.rows[2].expression == "softplus(v₁)"
    assert "v̄₁ = v̄₂ × σ(v₁)" in [a.line() for a in reverse.adjoint_rows]
    assert reverse.adjoint_rows[-1].total == pytest.approx(expected, rel=1e-14)
    assert "softplus(v₁)" in reverse.to_markdown()
    assert "v̄₁ = v̄₂ × σ(v₁)" in reverse.to_markdown()
    assert "my_softplus" not in PRIMITIVES


def test_a_primitive_without_partial_display_is_written_as_a_jvp() -> None:
    bare = Primitive("twice", lambda x: 2 * x, partials=(lambda out, x: 2.0,), display="2·{0}")
    forward = trace_table(lambda x: apply(bare, x), 1.5)
    assert forward.rows[1].expression == "2·v₀"
    assert forward.rows[1].derivative_expression == "J·v̇₀"
    assert forward.rows[-1].derivative == 2.0
    reverse = trace_table(lambda x: apply(bare, x), 1.5, mode="reverse")
    assert "v̄₀ = J·v̄₁" in [a.line() for a in reverse.adjoint_rows]
    assert reverse.rows[0].derivative == 2.0


# --------------------------------------------------------------------------------------
# Rendering: Markdown and HTML.


def _tables() -> list[tuple[str, TraceTable]]:
    def absolute(x: Any) -> Any:
        return ad.abs(x) * x

    def minimum(x: Any, z: Any) -> Any:
        return ad.minimum(x, z) * ad.relu(z)

    return [
        ("baydin-forward", trace_table(baydin, 2.0, 5.0)),
        ("baydin-reverse", trace_table(baydin, 2.0, 5.0, mode="reverse")),
        ("abs-forward", trace_table(absolute, -1.5)),
        ("abs-reverse", trace_table(absolute, -1.5, mode="reverse")),
        ("minimum-forward", trace_table(minimum, 0.5, 2.0)),
        ("minimum-reverse", trace_table(minimum, 0.5, 2.0, mode="reverse")),
    ]


TABLES = _tables()


@pytest.mark.parametrize(("name", "table"), TABLES, ids=[t[0] for t in TABLES])
def test_markdown_is_a_gfm_table(name: str, table: TraceTable) -> None:
    text = table.to_markdown()
    header, body = _gfm(text)
    assert len(header) == 4
    assert len(body) >= len(table.rows)
    assert table._repr_markdown_() == text
    # the primal column lists every row, in order
    primal = [f"{r.name} = {r.expression}" for r in table.rows]
    assert [r[0] for r in body[: len(primal)]] == primal


def test_markdown_escapes_pipes() -> None:
    table = trace_table(lambda x: ad.abs(x) * x, -1.5)
    assert table.rows[1].expression == "|v₀|"
    text = table.to_markdown()
    assert "| v₁ = \\|v₀\\| | = \\|(−1.5)\\| = 1.5 |" in text
    _, body = _gfm(text)
    assert body[1][:2] == ["v₁ = |v₀|", "= |(−1.5)| = 1.5"]


@pytest.mark.parametrize(("name", "table"), TABLES, ids=[t[0] for t in TABLES])
def test_html_is_an_escaped_table(name: str, table: TraceTable) -> None:
    text = table._repr_html_()
    assert re.fullmatch(r"(<div[^>]*>)?<table[^>]*>.*</table>(</div>)?", text, re.DOTALL)
    parsed = _parse_html(text)
    # only table markup (and perhaps a wrapper): anything in a cell that looks like a
    # tag was escaped
    assert set(parsed.tags) - {"div"} == {"table", "thead", "tbody", "tr", "th", "td"}
    assert parsed.tags.count("table") == 1
    assert [h[1].get("colspan") for h in parsed.headers] == ["2", "2"]
    _, body = _gfm(table.to_markdown())
    assert parsed.rows == body
    assert [h[0] for h in parsed.headers] == (
        ["Primal trace", "Tangent trace"]
        if table.mode == "forward"
        else ["Primal trace ↓", "Adjoint trace (runs bottom to top) ↑"]
    )


def test_html_escapes_comparison_signs() -> None:
    def f(x: Any, z: Any) -> Any:
        return ad.minimum(x, z)

    table = trace_table(f, 0.5, 2.0)
    assert table.rows[2].derivative_expression == (
        "v̇₋₁ × ([v₋₁ < v₀] + ½ [v₋₁ = v₀]) + v̇₀ × ([v₀ < v₋₁] + ½ [v₋₁ = v₀])"
    )
    text = table._repr_html_()
    assert "[v₋₁ &lt; v₀]" in text
    assert "[v₋₁ < v₀]" not in text


def test_repr() -> None:
    assert repr(trace_table(baydin, 2.0, 5.0)) == "<TraceTable forward: 8 rows>"
    assert repr(trace_table(baydin, 2.0, 5.0, mode="reverse")) == "<TraceTable reverse: 8 rows>"


def test_adjoint_row_line() -> None:
    first = AdjointRow("v̄₀", False, "v̄₁ × v₋₁", "1 × 2", 2.0, 2.0)
    again = AdjointRow("v̄₀", True, "v̄₂", "1", 1.0, 3.0)
    assert first.line() == "v̄₀ = v̄₁ × v₋₁"
    assert again.line() == "v̄₀ += v̄₂"


# --------------------------------------------------------------------------------------
# Input names.


def test_parameter_names_become_input_names() -> None:
    def f(x1: Any, x2: Any, alpha: Any) -> Any:
        return x1 * x2 + alpha

    table = trace_table(f, 1.0, 2.0, 3.0)
    assert [r.expression for r in table.rows[:3]] == ["x₁", "x₂", "alpha"]
    assert [r.derivative_expression for r in table.rows[:3]] == ["ẋ₁", "ẋ₂", "alphȧ"]
    reverse = trace_table(f, 1.0, 2.0, 3.0, mode="reverse")
    assert [a.line() for a in reverse.adjoint_rows[-3:]] == [
        "x̄₁ = v̄₋₂",
        "x̄₂ = v̄₋₁",
        "alphā = v̄₀",
    ]


def test_input_names_without_a_signature() -> None:
    # *args: numbered x₁, x₂, ...
    table = trace_table(lambda *xs: xs[0] * xs[1], 2.0, 3.0)
    assert [r.expression for r in table.rows[:2]] == ["x₁", "x₂"]
    # extra parameters with defaults are not inputs
    table = trace_table(lambda x, k=2.0: x * k, 2.0)
    assert [r.expression for r in table.rows] == ["x", "v₀ × 2", "v₁"]
    # a library function
    table = trace_table(ad.sin, 0.5)
    assert [r.expression for r in table.rows] == ["x", "sin v₀", "v₁"]


def test_a_parameter_named_y_is_not_confused_with_the_output() -> None:
    """The output is called ``y``: an input called ``y`` must get a different name."""

    def f(x: Any, y: Any) -> Any:
        return x * y

    forward = trace_table(f, 2.0, 3.0)
    inputs = {r.expression for r in forward.rows[:2]}
    assert forward.rows[-1].name not in inputs
    assert forward.rows[-1].derivative_name not in {r.derivative_expression for r in forward.rows}
    reverse = trace_table(f, 2.0, 3.0, mode="reverse")
    seed_symbol = reverse.adjoint_rows[0].expression  # v̄₁ = ȳ
    assert seed_symbol not in {a.name for a in reverse.adjoint_rows[-2:]}


def test_the_identity_has_one_row_per_input_and_the_output() -> None:
    forward = trace_table(lambda x: x, 1.5)
    assert [(r.name, r.expression, r.derivative) for r in forward.rows] == [
        ("v₀", "x", 1.0),
        ("y", "v₀", 1.0),
    ]
    reverse = trace_table(lambda x: x, 1.5, mode="reverse")
    assert [a.line() for a in reverse.adjoint_rows] == ["v̄₀ = ȳ", "x̄ = v̄₀"]
    assert reverse.adjoint_rows[-1].total == 1.0


def test_a_negative_integer_power_is_a_superscript() -> None:
    """``x**-2`` is written with pow's display, as ``x**2`` is: ``v₀⁻²``."""
    pow_p = PRIMITIVES["pow"]
    table = trace_table(lambda x: x**-2, 2.0)
    assert table.rows[1].expression == pow_p.show("v₀", "−2") == "v₀⁻²"
    assert "^" not in table.rows[1].derivative_expression
    assert table.rows[-1].derivative == pytest.approx(-2 * 2.0**-3, rel=1e-15)


# --------------------------------------------------------------------------------------
# Errors.


def test_bad_mode() -> None:
    with pytest.raises(ValueError, match="mode"):
        trace_table(baydin, 2.0, 5.0, mode="backward")  # type: ignore[arg-type]


@pytest.mark.parametrize("wrt", [2, 5, -3])
def test_wrt_out_of_range(wrt: int) -> None:
    with pytest.raises(ValueError, match="wrt"):
        trace_table(baydin, 2.0, 5.0, wrt=wrt)


def test_no_arguments() -> None:
    with pytest.raises(ValueError, match="argument"):
        trace_table(lambda: 1.0)


def test_reverse_mode_needs_a_single_element_output() -> None:
    with pytest.raises(ValueError, match="single-element"):
        trace_table(lambda x: x * 2, np.ones(3), mode="reverse")
    # a single element of any shape is fine
    table = trace_table(lambda x: x * 2, np.ones((1, 1)), mode="reverse")
    assert_allclose(table.rows[0].derivative, [[2.0]])
    # forward mode takes any output
    forward = trace_table(lambda x: x * 2, np.ones(3))
    assert_allclose(forward.rows[-1].derivative, 2 * np.ones(3))


_OUTSIDE = Variable(1.0, name="outside")


@pytest.mark.parametrize(
    "f",
    [
        lambda x: 3.0,
        lambda x: np.ones(2),
        lambda x: ad.sin(0.5),
        lambda x: _OUTSIDE * 2,
        lambda x: (x, x),
    ],
    ids=["float", "array", "constant-op", "other-graph", "tuple"],
)
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_output_must_depend_on_the_inputs(f: Callable[[Any], Any], mode: str) -> None:
    with pytest.raises(ValueError, match="does not depend"):
        trace_table(f, 1.0, mode=mode)  # type: ignore[arg-type]
