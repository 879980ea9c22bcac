"""Graphviz drawings of a recorded graph: nodes, edges, labels, escaping and theme."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import graphviz
import numpy as np
import pytest

import autodiff as ad
from autodiff import Dual, Variable, topological_order
from autodiff.drawing import draw, format_value

# --------------------------------------------------------------------------------------
# Reading a drawing back from its DOT source.


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    attrs: dict[str, str]

    @property
    def is_op(self) -> bool:
        return self.attrs.get("shape") == "ellipse"


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() == "td":
            self._open = True
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "td":
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.cells[-1] += data


def cells(label: str) -> list[str]:
    """The texts of an HTML-like label's table cells, unescaped."""
    parser = _Cells()
    parser.feed(label)
    parser.close()
    return parser.cells


_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')


def nodes(dot: graphviz.Digraph) -> dict[str, Node]:
    out = {}
    for line in dot.source.splitlines():
        m = re.fullmatch(r"\s*(\w+) \[(.*)\]\s*", line)
        if m is None or m.group(1) in ("graph", "node", "edge"):
            continue
        rest = m.group(2)
        label = ""
        html_label = re.match(r"label=<(.*)> (?=\w+=)", rest)
        if html_label is not None:
            label = html_label.group(1)
            rest = rest[html_label.end() :]
        attrs = {k: v.strip('"') for k, v in _ATTR.findall(rest)}
        if "label" in attrs:
            label = attrs.pop("label")
        out[m.group(1)] = Node(m.group(1), label, attrs)
    return out


def edges(dot: graphviz.Digraph) -> list[tuple[str, str]]:
    found = re.findall(r"^\s*(\w+) -> (\w+)\s*$", dot.source, re.MULTILINE)
    return [(a, b) for a, b in found]


def box_cells(dot: graphviz.Digraph) -> list[list[str]]:
    """The label cells of every variable box, in the drawing's order."""
    return [cells(n.label) for n in nodes(dot).values() if not n.is_op]


def baydin() -> Variable:
    """f(x₁, x₂) = ln x₁ + x₁·x₂ − sin x₂ at (2, 5), on named inputs."""
    x1, x2 = Variable(2.0, name="x1"), Variable(5.0, name="x2")
    y = ad.log(x1) + x1 * x2 - ad.sin(x2)
    assert isinstance(y, Variable)
    return y


def _luminance(color: str) -> float:
    r, g, b = (int(color[k : k + 2], 16) / 255 for k in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# --------------------------------------------------------------------------------------
# Nodes and labels.


def test_one_box_per_variable_and_one_oval_per_operation() -> None:
    y = baydin()
    dot = draw(y)
    assert isinstance(dot, graphviz.Digraph)
    order = topological_order(y)
    drawn = nodes(dot)
    boxes = [n for n in drawn.values() if not n.is_op]
    ovals = [n for n in drawn.values() if n.is_op]
    assert len(boxes) == len(order) == 7
    assert all(n.attrs["shape"] == "box" for n in boxes)
    assert len(ovals) == sum(1 for node in order if node.op) == 5
    # every edge joins drawn nodes
    for a, b in edges(dot):
        assert a in drawn
        assert b in drawn
    # the operations' names label the ovals
    assert Counter(n.label for n in ovals) == Counter(node.op for node in order if node.op)


def test_a_box_shows_name_and_value() -> None:
    y = baydin()
    order = topological_order(y)
    labels = box_cells(draw(y))
    assert len(labels) == len(order)
    for label, node in zip(labels, order, strict=True):
        assert label[1:] == ["value", format_value(node.value)]
        assert label[0]  # every node has a name
    by_name = {label[0]: label for label in labels}
    assert by_name["x1"] == ["x1", "value", "2"]
    assert by_name["x2"] == ["x2", "value", "5"]
    # the output's value, as in Baydin et al. (2018), Table 2
    assert labels[-1][2] == "11.65"


def test_every_box_has_a_distinct_name() -> None:
    x = Variable(3.0, name="x")
    unused = Variable(0.0, name="unused")
    y = (x * 2).sin() + x
    labels = box_cells(draw(y))
    assert labels[0][0] == "x"
    assert len(labels) == 4
    assert len({label[0] for label in labels}) == 4
    assert all(label[0] != unused.name for label in labels)  # not in the graph


def test_gradients_after_backward() -> None:
    y = baydin()
    before = box_cells(draw(y))
    assert all("grad" not in label for label in before)
    y.backward()
    order = topological_order(y)
    after = box_cells(draw(y))
    for label, node in zip(after, order, strict=True):
        assert label[3:] == ["grad", format_value(node.grad)]
    by_name = {label[0]: label for label in after}
    assert by_name["x1"][-1] == "5.5"
    assert by_name["x2"][-1] == format_value(2.0 - np.cos(5.0)) == "1.716"
    # show_grad=False hides them again
    assert all("grad" not in label for label in box_cells(draw(y, show_grad=False)))


def test_show_grad_before_backward_shows_zeros() -> None:
    x = Variable(np.ones(3), name="x")
    y = ad.sum(x * x)
    labels = box_cells(draw(y, show_grad=True))
    assert labels[0] == ["x", "value", "(3,) [1, 1, 1]", "grad", "(3,) [0, 0, 0]"]
    assert labels[-1][-2:] == ["grad", "0"]


def test_forward_mode_trace_shows_tangents() -> None:
    x = Variable(Dual(2.0, 1.0), name="x")
    y = ad.sin(x) * x
    order = topological_order(y)
    labels = box_cells(draw(y))
    for label, node in zip(labels, order, strict=True):
        assert isinstance(node.value, Dual)
        assert label[1:] == [
            "value",
            format_value(node.value.value),
            "tangent",
            format_value(node.value.tangent),
        ]
    # d/dx (x sin x) = sin x + x cos x at 2
    assert labels[-1][-1] == format_value(np.sin(2.0) + 2.0 * np.cos(2.0))
    assert labels[0][1:] == ["value", "2", "tangent", "1"]


def test_forward_trace_after_backward_shows_tangent_and_grad() -> None:
    x = Variable(Dual(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 2.0])), name="x")
    y = ad.sum(x * x)
    y.backward()
    labels = box_cells(draw(y))
    assert labels[0] == [
        "x",
        "value",
        "(3,) [1, 2, 3]",
        "tangent",
        "(3,) [0, 1, 2]",
        "grad",
        "(3,) [2, 4, 6]",
    ]
    assert labels[-1][1:] == ["value", "14", "tangent", "16", "grad", "1"]


def test_precision() -> None:
    x = Variable(24.0, name="x")
    y = x * 22.0 / (x**2 + 2.0)
    assert box_cells(draw(y))[-1][2] == "0.9135"
    assert box_cells(draw(y, precision=2))[-1][2] == "0.91"
    assert box_cells(draw(y, precision=8))[-1][2] == "0.91349481"


def test_scalar_constants_label_the_operation() -> None:
    x = Variable(3.0, name="x")
    y = (x + 2.0) * np.ones(3)
    ops = [n.label for n in nodes(draw(ad.sum(y))).values() if n.is_op]
    # scalars are shown, arrays are not
    assert ops == ["add 2", "mul", "sum"]


def test_a_leaf_alone() -> None:
    x = Variable(1.5, name="x")
    dot = draw(x)
    assert list(nodes(dot)) == ["n0"]
    assert box_cells(dot) == [["x", "value", "1.5"]]
    assert edges(dot) == []


# --------------------------------------------------------------------------------------
# Edges: forward (LR, TB) and reverse (RL, BT).


def test_forward_edges_point_from_the_inputs_to_the_output() -> None:
    y = baydin()
    order = topological_order(y)
    index = {id(node): f"n{k}" for k, node in enumerate(order)}
    expected = []
    for node in order:
        if node.op:
            op = index[id(node)] + "op"
            expected.append((op, index[id(node)]))
            expected += [(index[id(p)], op) for p in node.parents]
    for rankdir in ("LR", "TB"):
        dot = draw(y, rankdir)
        assert dot.graph_attr["rankdir"] == rankdir
        assert Counter(edges(dot)) == Counter(expected)
    assert Counter(edges(draw(y))) == Counter(expected)  # LR is the default


@pytest.mark.parametrize("rankdir", ["RL", "BT"])
def test_reverse_edges_point_from_the_output_back_to_the_inputs(rankdir: Any) -> None:
    y = baydin()
    forward = edges(draw(y))
    dot = draw(y, rankdir)
    assert dot.graph_attr["rankdir"] == rankdir
    backward = edges(dot)
    assert Counter(backward) == Counter((b, a) for a, b in forward)
    # the output only sends, the inputs only receive
    output, inputs = "n6", {"n0", "n1"}
    assert any(a == output for a, _ in backward)
    assert not any(b == output for _, b in backward)
    for leaf in inputs:
        assert any(b == leaf for _, b in backward)
        assert not any(a == leaf for a, _ in backward)
    # every node is reached from the output by following the arrows
    reached, todo = {output}, [output]
    while todo:
        here = todo.pop()
        for a, b in backward:
            if a == here and b not in reached:
                reached.add(b)
                todo.append(b)
    assert reached == set(nodes(dot))


def test_square_draws_two_edges_from_x() -> None:
    x = Variable(24.0, name="x")
    y = x * x
    assert Counter(edges(draw(y)))[("n0", "n1op")] == 2
    assert Counter(edges(draw(y, "RL")))[("n1op", "n0")] == 2
    assert len(edges(draw(y))) == 3


# --------------------------------------------------------------------------------------
# Escaping user-supplied names.

NAMES = ["x|<a>{}", "a&b\"c'd", "x]]>", "\\", "é∂ x₁", '[label="evil"]', "a\\nb", "<B>bold</B>"]


def _svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [el.text or "" for el in root.iter("{http://www.w3.org/2000/svg}text")]


def test_special_characters_are_escaped() -> None:
    x = Variable(3.0, name="x|<a>{}")
    y = x * 2.0
    y.backward()
    for rankdir in ("LR", "RL"):
        dot = draw(y, rankdir)
        assert "x|&lt;a&gt;{}" in dot.source
        assert box_cells(dot)[0][0] == "x|<a>{}"
        svg = dot.pipe(format="svg").decode()
        assert "x|&lt;a&gt;{}" in svg
        assert "x|<a>{}" in _svg_texts(svg)


@pytest.mark.parametrize("name", NAMES)
def test_a_name_renders_as_its_text(name: str) -> None:
    x = Variable(3.0, name=name)
    dot = draw(ad.exp(x))
    assert box_cells(dot)[0][0] == name
    svg = dot.pipe(format="svg").decode()
    assert name in _svg_texts(svg)


def test_an_empty_name_renders() -> None:
    """``Variable(..., name="")`` is allowed, so its drawing must render."""
    x = Variable(3.0, name="")
    dot = draw(x * 2.0)
    svg = dot.pipe(format="svg").decode()
    assert "<svg" in svg


# --------------------------------------------------------------------------------------
# Arrays.


def test_a_large_array_is_summarised() -> None:
    w = Variable(np.arange(10000.0).reshape(100, 100), name="w")
    y = ad.sum(ad.tanh(w * 0.001))
    y.backward()
    dot = draw(y)
    labels = box_cells(dot)
    assert labels[0][:3] == ["w", "value", "(100, 100) [[0, 1, …, 98, 99], …]"]
    for label in labels:
        for text in label:
            assert len(text) <= 60, text
    assert len(dot.source) < 4000
    assert "(100, 100)" in labels[0][4]  # the gradient too
    dot.pipe(format="svg")


# --------------------------------------------------------------------------------------
# Light and dark mode: transparent background, filled nodes, dark text on light fills.


def test_theme_reads_in_light_and_dark_mode() -> None:
    y = baydin()
    y.backward()
    for rankdir in ("LR", "RL"):
        dot = draw(y, rankdir)
        assert dot.graph_attr["bgcolor"] == "transparent"
        text = dot.node_attr["fontcolor"]
        assert _luminance(text) < 0.2
        edge = dot.edge_attr["color"]
        assert 0.3 < _luminance(edge) < 0.7  # mid-tone: visible on white and on black
        for node in nodes(dot).values():
            assert "filled" in node.attrs["style"].split(","), node
            fill = node.attrs["fillcolor"]
            assert re.fullmatch(r"#[0-9a-fA-F]{6}", fill)
            assert _luminance(fill) > 0.8, node  # light fill under the dark text
            assert node.attrs.get("fontcolor", text) == text
        svg = dot.pipe(format="svg").decode()
        assert 'fill="white"' not in svg


def test_inputs_and_results_have_different_fills() -> None:
    y = baydin()
    drawn = nodes(draw(y))
    fills = {n.id: n.attrs["fillcolor"] for n in drawn.values()}
    assert fills["n0"] == fills["n1"]  # inputs
    assert fills["n2"] != fills["n0"]  # a result
    assert fills["n2op"] not in (fills["n0"], fills["n2"])  # an operation


# --------------------------------------------------------------------------------------
# Errors.


@pytest.mark.parametrize("rankdir", ["lr", "up", "LR ", "", "RLR"])
def test_bad_rankdir(rankdir: str) -> None:
    x = Variable(1.0)
    with pytest.raises(ValueError, match="rankdir"):
        draw(x * 2, rankdir)  # type: ignore[arg-type]


@pytest.mark.parametrize("output", [1.0, np.ones(2), Dual(1.0, 1.0), None, "x"])
def test_not_a_variable(output: Any) -> None:
    with pytest.raises(TypeError, match="Variable"):
        draw(output)


def test_draw_is_exported() -> None:
    import autodiff.drawing

    assert ad.draw is draw  # the function; its module is autodiff.drawing
    assert autodiff.drawing.draw is draw


# --------------------------------------------------------------------------------------
# format_value.


def test_format_value_numbers() -> None:
    assert format_value(0.913494809) == "0.9135"
    assert format_value(0.913494809, precision=2) == "0.91"
    assert format_value(2.0) == "2"
    assert format_value(-1.5) == "-1.5"
    assert format_value(np.float64(2.5)) == "2.5"
    assert format_value(np.array(3.0)) == "3"
    assert format_value(1e20) == "1e+20"
    assert format_value(Dual(2.0, 1.0)) == "2"
    assert format_value(Variable(Dual(0.25, 1.0))) == "0.25"


def test_format_value_arrays() -> None:
    assert format_value(np.arange(100.0).reshape(10, 10)) == "(10, 10) [[0, 1, …, 8, 9], …]"
    assert format_value(np.arange(3.0)) == "(3,) [0, 1, 2]"
    assert format_value(np.array([1.0])) == "(1,) [1]"
    assert format_value(np.arange(10000.0)) == "(10000,) [0, 1, …, 9998, 9999]"
    assert format_value(Variable(np.ones(2))) == "(2,) [1, 1]"


ARRAYS = [
    np.arange(3.0),
    np.ones((2, 2)),
    np.arange(24.0).reshape(2, 3, 4),
    np.random.default_rng(0).normal(size=1000),
    np.random.default_rng(1).normal(size=(50, 50)),
    np.array([1.23456789, -2.3456789, 3.456789, -4.56789, 5.6789, -6.789]),
    np.linspace(-1e6, 1e6, 7),
]


@pytest.mark.parametrize("value", ARRAYS, ids=[str(a.shape) for a in ARRAYS])
def test_format_value_is_short_and_tidy(value: Any) -> None:
    text = format_value(value)
    assert text.startswith(f"{value.shape} [")
    assert len(text) <= 50, text
    assert "..." not in text
    # no padding left over from NumPy's column alignment
    assert "[ " not in text, text
    assert " ]" not in text, text
    assert " ," not in text, text
    # no number cut short: "5…" would read as 5
    assert not re.search(r"[\d.]…", text), text
    if value.ndim > 1:
        assert text.count("[") == text.count("]"), text
