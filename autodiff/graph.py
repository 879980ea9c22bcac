"""The recorded graph: a deterministic, iterative topological order and backpropagation."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from autodiff.primitive import one, unbroadcast
from autodiff.values import shape_of

if TYPE_CHECKING:
    from autodiff.primitive import Primitive
    from autodiff.variable import Variable

__all__ = ["Node", "backpropagate", "topological_order"]


class Node:
    """A node of a recorded graph: the data the reverse sweep reads.

    :class:`~autodiff.Variable` is a node that is also a traced value. A node holds its
    value, the primitive that made it (``None`` for an input) and its operands in order:
    the first in ``_x``, the second in ``_y``, and any others, with the operation's
    parameters, in ``_more``. ``_id`` is its creation number (see :func:`changed`) and
    ``_grad`` the gradient that ``backward()`` accumulates. The slots are read directly by
    the sweep below, its hottest loop.
    """

    __slots__ = ("_grad", "_id", "_more", "_name", "_prim", "_value", "_x", "_y")

    _value: Any
    _prim: Primitive | None
    _x: Any
    _y: Any
    _more: tuple[tuple[Any, ...], dict[str, Any]] | None
    _id: int
    _grad: Any
    _name: str

    @property
    def _args(self) -> tuple[Any, ...]:
        """Every operand, in order (``()`` for an input)."""
        if self._x is None:
            return ()
        if self._y is None:
            return (self._x,)
        if self._more is None:
            return (self._x, self._y)
        return (self._x, self._y, *self._more[0])


def topological_order(output: Variable) -> list[Variable]:
    """Every node that ``output`` depends on, once, inputs first and ``output`` last.

    A node is always created after its operands, so sorting the nodes reached from
    ``output`` by creation order gives a topological order: the order in which the
    program computed them (the evaluation trace). The walk that finds them is
    iterative, so deep graphs do not hit Python's recursion limit, and the order is
    deterministic.

    Examples
    --------
    >>> from autodiff import Variable
    >>> x = Variable(2.0, name="x")
    >>> y = (x * x).sin()
    >>> [(v.name, v.op) for v in topological_order(y)]  # doctest: +ELLIPSIS
    [('x', ''), ('v...', 'mul'), ('v...', 'sin')]
    """
    if getattr(output, "_id", None) is None:  # only a Variable has a creation number
        raise TypeError(
            f"topological_order needs a Variable (a node of a recorded graph), not "
            f"{type(output).__name__}"
        )
    cls, level = output.__class__, output.level
    seen = {output}
    nodes = [output]
    stack = [output]
    while stack:
        node = stack.pop()
        # the operands are in slots (_x, _y, then _more's); None where there are fewer
        for a in (node._x, node._y) if node._more is None else node._args:
            if a.__class__ is cls and a.level == level and a not in seen:
                seen.add(a)
                nodes.append(a)
                stack.append(a)
    nodes.sort(key=_creation)
    return nodes


_creation = operator.attrgetter("_id")


def backpropagate(
    output: Variable,
    seed: Any,
    *,
    store: bool = False,
    on_edge: Callable[[Variable, int, Any], None] | None = None,
    consume: bool = False,
) -> dict[Variable, Any]:
    """Run the reverse pass from ``output`` with cotangent ``seed``.

    Each node's cotangent is the sum of what its users send it; a node sends its cotangent
    to its parents through its primitive's derivative rules. With ``store=True`` every
    node's ``grad`` accumulates its cotangent (what :meth:`autodiff.Variable.backward` does).
    ``on_edge(node, i, contribution)`` is told of every cotangent sent from ``node`` to
    its operand ``i``, in the order they are sent (the reverse trace tables use it).
    With ``consume=True`` the sweep cuts each node from its operands once it is done,
    so a forward value is freed soon after the last rule that needs it, not at the end
    (the transforms use it: their graphs are their own, never walked twice).

    Returns the cotangents of the leaves reached, keyed by leaf (nodes hash by identity).
    A leaf's cotangent is an array of its own: never the seed, a view or another leaf's.

    Examples
    --------
    >>> from autodiff import Variable
    >>> x = Variable(3.0)
    >>> backpropagate(x * x, 1.0)[x]
    6.0
    """
    cls, level = output.__class__, output.level
    pending: dict[Variable, Any] = {output: seed}
    leaves: dict[Variable, Any] = {}
    owned: set[int] = {id(seed)}  # arrays handed out already, or the caller's seed
    nodes = topological_order(output)
    if _last_change > nodes[0]._id:  # some input changed since: maybe one of this graph's
        _check_fresh(nodes)
    for node in _consumed(nodes) if consume else reversed(nodes):
        g = pending.pop(node, None)
        if g is None:
            continue
        prim = node._prim
        if prim is None:  # an input: its gradient is an array of its own
            g = leaves[node] = _own(g, owned)
        if store:
            node._grad = g if node._grad is None else node._grad + g
        if prim is None:
            continue
        out = node._value
        partials = prim.unrolled
        if partials is not None and on_edge is None and node._more is None:
            # The common cases, unrolled: a unary op (its operand is its parent) and a
            # binary op with one or two parents. A pass-through partial (`one`, as in
            # x + y) sends the cotangent on as it is.
            a = node._x
            b = node._y
            if b is None:
                p = partials[0]
                c = g if p is one else p(out, a._value) * g
                if c.__class__ is not float:
                    c = unbroadcast(c, shape_of(a._value))
                prev = pending.get(a)
                pending[a] = c if prev is None else prev + c
                continue
            a_active = a.__class__ is cls and a.level == level
            b_active = b.__class__ is cls and b.level == level
            va = a._value if a_active else a
            vb = b._value if b_active else b
            if a_active:
                p = partials[0]
                c = g if p is one else p(out, va, vb) * g
                if c.__class__ is not float:
                    c = unbroadcast(c, shape_of(va))
                prev = pending.get(a)
                pending[a] = c if prev is None else prev + c
            if b_active:
                p = partials[1]
                c = g if p is one else p(out, va, vb) * g
                if c.__class__ is not float:
                    c = unbroadcast(c, shape_of(vb))
                prev = pending.get(b)
                pending[b] = c if prev is None else prev + c
            continue
        _send(node, prim, g, pending, on_edge)
    return leaves


#: The next creation number, for a new node: ``new_id()``. A count's ``__next__`` is a
#: single C call, atomic under the GIL, so numbers stay unique when threads build graphs.
new_id = itertools.count().__next__

#: The creation number of the last input whose value was set (see :func:`changed`).
_last_change = -1


def changed(node: Variable) -> None:
    """Note that ``node``'s value was just set, and renumber it as if created now.

    A node recorded from the old value then has a smaller number than its operand,
    which no graph recorded in one go can have: that is how :func:`backpropagate`
    recognises a stale graph, as PyTorch does with its version counters.
    """
    global _last_change  # noqa: PLW0603 (one number for the whole process)
    node._id = _last_change = new_id()


def _check_fresh(nodes: list[Variable]) -> None:
    """Refuse a graph with a node recorded before one of its operands last changed.

    The operands checked include Variables of a lower level, which the graph holds as
    constants (a parameter closed over by the function of :func:`~autodiff.vjp`): the
    rules read their values during the sweep too.
    """
    cls = nodes[0].__class__
    stale = {id(a): a for v in nodes for a in v._args if a.__class__ is cls and a._id > v._id}
    if stale:
        names = ", ".join(repr(v.name) for v in stale.values())
        raise RuntimeError(
            f"the value of {names} changed (an optimiser step, or an assignment to .value) "
            "after the graph that uses it was recorded, so its derivatives would mix old "
            "and new values; compute the output again from the current values, then call "
            "backward() on the new output"
        )


def _consumed(nodes: list[Variable]) -> Iterator[Variable]:
    """The nodes, last to first, each cut from its operands once its turn is over.

    Nothing else then holds a node whose users are all done, so its value is freed.
    """
    while nodes:
        node = nodes.pop()
        yield node
        node._x = node._y = node._more = None


def _send(
    node: Variable,
    prim: Primitive,
    g: Any,
    pending: dict[Variable, Any],
    on_edge: Callable[[Variable, int, Any], None] | None,
) -> None:
    """The general case of the sweep: send the cotangent ``g`` of ``node`` (made by
    ``prim``) to every parent."""
    cls, level, out = node.__class__, node.level, node._value
    args = node._args
    vals = [a._value if a.__class__ is cls and a.level == level else a for a in args]
    params = {} if node._more is None else node._more[1]
    reverse = prim.reverse
    for i, a in enumerate(args):
        if a.__class__ is cls and a.level == level:
            c = reverse(i, g, out, vals, params)
            if on_edge is not None:
                on_edge(node, i, c)
            prev = pending.get(a)
            pending[a] = c if prev is None else prev + c


def _own(g: Any, owned: set[int]) -> Any:
    """``g``, or a copy of it if it may be shared: a gradient handed out is the caller's.

    Cotangents pass through sums unchanged and structural rules return views (a
    broadcast, a reshape), so an array may be the seed, read-only, or another node's.
    """
    if g.__class__ is np.ndarray:
        if id(g) in owned or g.base is not None:
            g = g.copy()
        owned.add(id(g))
    return g
