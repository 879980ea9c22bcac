"""Graphviz drawings of a recorded graph, forward (left to right) or reverse."""

from __future__ import annotations

import html
from typing import Literal

import graphviz
import numpy as np

from autodiff._arguments import choice, given, integer
from autodiff._text import format_value, trace_names
from autodiff.dual import Dual
from autodiff.graph import topological_order
from autodiff.tracer import shape_of
from autodiff.variable import Variable

__all__ = ["draw", "format_value"]  # format_value lives in autodiff._text

# Mid-tone edges and light fills with dark text read well on a white page and on a dark
# one (furo's dark mode), so the drawings have a transparent background.
_EDGE = "#8c8c8c"
_TEXT = "#1a1a1a"
_VARIABLE_FILL = "#dbe9f6"
_INPUT_FILL = "#d5f0dc"
_OP_FILL = "#fdf1c7"
_FONT = "Helvetica,Arial,sans-serif"


def _row(label: str, text: str) -> str:
    return (
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">{label}</FONT></TD>'
        f'<TD ALIGN="RIGHT">{html.escape(text)}</TD></TR>'
    )


def _label(node: Variable, name: str, precision: int, show_grad: bool) -> str:
    rows = [
        f'<TR><TD COLSPAN="2"><B>{html.escape(name)}</B></TD></TR>',
        _row("value", format_value(node.value, precision)),
    ]
    if isinstance(node.value, Dual):
        rows.append(_row("tangent", format_value(node.value.tangent, precision)))
    if show_grad:
        rows.append(_row("grad", format_value(node.grad, precision)))
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
        + "".join(rows)
        + "</TABLE>>"
    )


def draw(
    output: Variable,
    rankdir: Literal["LR", "RL", "TB", "BT"] = "LR",
    *,
    show_grad: bool | None = None,
    precision: int = 4,
    max_nodes: int = 500,
) -> graphviz.Digraph:
    """Draw the graph that computed ``output``.

    Every ``Variable`` becomes a box with its name, value and, once :meth:`~autodiff.Variable.backward`
    has run (or with ``show_grad=True``), its gradient; a value that is a
    :class:`~autodiff.Dual` (a forward-mode trace) also shows its tangent. Every
    operation becomes an oval between its operands and its result. Arrays show their
    shape and a short summary. A node shows the name it was given; unnamed nodes are
    numbered as in an evaluation trace (:func:`~autodiff.trace_table`): inputs
    ``v₁₋ₙ … v₀``, then ``v₁, v₂, …`` in the order they were computed.

    Parameters
    ----------
    output:
        The node to draw the graph of.
    rankdir:
        ``"LR"`` draws the forward pass, inputs on the left. ``"RL"`` draws the reverse
        pass: the output on the right and the edges pointing back to the inputs, the
        way adjoints flow.
    show_grad:
        Whether to show gradients (``True`` or ``False``); by default, when ``output``
        has one.
    precision:
        Significant digits of the numbers shown, a positive int.
    max_nodes:
        The largest graph to draw, counted in ``Variable``\\ s (boxes; each operation
        adds an oval). A larger graph raises a ``ValueError`` that says how many nodes
        it has, instead of returning a source that Graphviz takes minutes to lay out
        (about 6 s for 4,000 nodes, over a minute for 10,000). Raise the limit to draw
        it anyway, e.g. ``draw(y, max_nodes=5000)``, or draw a smaller graph: fewer
        samples, a smaller model, or array operations instead of scalar ones.

    Examples
    --------
    >>> from autodiff import Variable
    >>> x = Variable(24.0, name="x")
    >>> y = x * x
    >>> dot = draw(y)
    >>> [line.strip() for line in dot.source.splitlines() if "->" in line]
    ['n1op -> n1', 'n0 -> n1op', 'n0 -> n1op']

    ``x * x`` has two edges from ``x``: one per operand.

    A graph with more than ``max_nodes`` nodes is refused, with the way to draw it
    anyway:

    >>> import autodiff as ad
    >>> z = ad.Variable(0.5, name="z")
    >>> for _ in range(300):
    ...     z = ad.sin(z) * z
    >>> draw(z)
    Traceback (most recent call last):
    ...
    ValueError: draw: the graph has 601 nodes, more than max_nodes=500; ...
    >>> draw(z, max_nodes=601).source.count("->")  # 300 × (sin: 2 edges, ×: 3)
    1500
    """
    if not isinstance(output, Variable):
        raise TypeError(
            f"draw needs a Variable (the result of a computation on Variables), not {given(output)}"
        )
    choice(rankdir, "draw", "rankdir", ("LR", "RL", "TB", "BT"))
    if show_grad is not None and not isinstance(show_grad, bool | np.bool_):
        raise TypeError(
            f"draw: show_grad must be True, False or None (show gradients once backward "
            f"has run), not {given(show_grad)}"
        )
    precision = integer(precision, "draw", "precision", example=4)
    limit = integer(max_nodes, "draw", "max_nodes", example=1000)
    order = topological_order(output)
    if len(order) > limit:
        raise ValueError(
            f"draw: the graph has {len(order)} nodes, more than max_nodes={limit}; "
            f"Graphviz would take a long time to lay it out (seconds for a few thousand "
            f"nodes, minutes for ten thousand). Draw a smaller graph, or raise the "
            f"limit: draw(y, max_nodes={len(order)})"
        )
    if show_grad is None:
        show_grad = output.has_grad
    show_grad = bool(show_grad)
    reverse = rankdir in ("RL", "BT")
    dot = graphviz.Digraph(
        graph_attr={"rankdir": rankdir, "bgcolor": "transparent", "nodesep": "0.25"},
        node_attr={"fontname": _FONT, "fontsize": "12", "fontcolor": _TEXT},
        edge_attr={"color": _EDGE, "arrowsize": "0.7", "penwidth": "1.2"},
    )
    index = {id(node): k for k, node in enumerate(order)}
    leaves = [node for node in order if not node.op]
    steps = [node for node in order if node.op]
    names = dict(zip(map(id, leaves + steps), trace_names(len(leaves), len(steps)), strict=True))
    for k, node in enumerate(order):
        leaf = not node.op
        name = (node.name if node.has_name else "") or names[id(node)]  # "" draws as unnamed
        dot.node(
            f"n{k}",
            label=_label(node, name, precision, show_grad),
            shape="box",
            style="rounded,filled",
            color=_EDGE,
            fillcolor=_INPUT_FILL if leaf else _VARIABLE_FILL,
        )
        if leaf:
            continue
        op = f"n{k}op"
        constants = [a for a in node.operands if not isinstance(a, Variable)]
        text = node.op + "".join(
            f" {format_value(c, precision)}" for c in constants if shape_of(c) == ()
        )
        dot.node(
            op,
            label=html.escape(text),
            shape="ellipse",
            style="filled",
            color=_EDGE,
            fillcolor=_OP_FILL,
            fontsize="11",
        )
        if reverse:
            dot.edge(f"n{k}", op)
        else:
            dot.edge(op, f"n{k}")
        for parent in node.parents:
            p = f"n{index[id(parent)]}"
            if reverse:
                dot.edge(op, p)
            else:
                dot.edge(p, op)
    return dot
