"""Pytrees: nested ``dict``/``list``/``tuple`` containers of numbers and arrays.

The transforms (:func:`~autodiff.grad`, :func:`~autodiff.jacobian`, ...) accept such
containers wherever they accept an array, and give back results of the same shape, as
``jax.tree_util`` does for JAX: ``grad(loss)({"W": W, "b": b})`` is ``{"W": dW, "b": db}``.
This module takes a tree apart into its *leaves* and its *structure* (a
:class:`TreeDef`), and puts it back together.

- **Containers** (the nodes): ``dict``, ``list``, ``tuple`` and named tuples, nested
  in any way. Any other type is a leaf.
- **Leaves**: numbers, NumPy arrays and scalars of real numbers, and traced values
  (:class:`~autodiff.Dual`, :class:`~autodiff.Variable`). Anything else, a string or
  ``None`` for instance, is refused with a ``TypeError`` that names its path in the
  tree, such as ``params['layers'][1]['W']``.
- **Dict order**: as in JAX, a dict's leaves come in the order of its *sorted* keys,
  so two dicts with the same keys have the same structure however they were built,
  and :func:`~autodiff.tree_unflatten` builds dicts with sorted keys.
- **None** is not a container here (JAX treats it as an empty subtree): inside a tree
  of values to differentiate it is almost always a mistake (a layer's missing bias, a
  function that forgot to ``return``), so it is refused as a leaf. Leave the entry
  out instead.

Examples
--------
>>> import numpy as np
>>> leaves, treedef = tree_flatten({"b": 2.0, "W": np.ones(2), "rest": [3.0, (4.0,)]})
>>> leaves
[array([1., 1.]), 2.0, 3.0, 4.0]
>>> treedef
TreeDef({'W': *, 'b': *, 'rest': [*, (*,)]})
>>> tree_unflatten(treedef, [10.0, 20.0, 30.0, 40.0])
{'W': 10.0, 'b': 20.0, 'rest': [30.0, (40.0,)]}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from autodiff.tracer import Tracer

__all__ = ["TreeDef", "tree_flatten", "tree_leaves", "tree_map", "tree_unflatten"]

_NUMBER_KINDS = frozenset("biuf")

# The kinds of node.
_LEAF, _TUPLE, _LIST, _DICT, _NAMEDTUPLE = range(5)


class TreeDef:
    """The structure of a pytree: its containers and where the leaves go, without them.

    Two trees have equal ``TreeDef``\\ s when they have the same containers with the same
    keys and lengths, nested the same way. ``repr`` shows a leaf as ``*``.

    >>> tree_flatten([1.0, {"a": 2.0}])[1]
    TreeDef([*, {'a': *}])
    >>> tree_flatten((1.0, 2.0))[1] == tree_flatten((np.zeros(3), 5.0))[1]
    True
    """

    __slots__ = ("_children", "_hash", "_kind", "_meta", "num_leaves")

    def __init__(self, kind: int, meta: Any, children: tuple[TreeDef, ...]) -> None:
        self._kind = kind
        self._meta = meta  # the sorted keys of a dict, the class of a named tuple
        self._children = children
        self.num_leaves: int = 1 if kind == _LEAF else sum(c.num_leaves for c in children)
        """How many leaves a tree of this structure has."""
        self._hash = hash((kind, meta, children))

    @property
    def is_leaf(self) -> bool:
        """Whether the tree is a single leaf (no container at all).

        >>> tree_flatten(1.0)[1].is_leaf, tree_flatten([1.0])[1].is_leaf
        (True, False)
        """
        return self._kind == _LEAF

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TreeDef):
            return NotImplemented
        return self is other or (
            self._hash == other._hash
            and self._kind == other._kind
            and self._meta == other._meta
            and self._children == other._children
        )

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"TreeDef({self._show()})"

    def _show(self) -> str:
        kind, children = self._kind, self._children
        if kind == _LEAF:
            return "*"
        parts = [c._show() for c in children]
        if kind == _DICT:
            return (
                "{" + ", ".join(f"{k!r}: {p}" for k, p in zip(self._meta, parts, strict=True)) + "}"
            )
        if kind == _LIST:
            return "[" + ", ".join(parts) + "]"
        if kind == _NAMEDTUPLE:
            fields = self._meta._fields
            inner = ", ".join(f"{f}={p}" for f, p in zip(fields, parts, strict=True))
            return f"{self._meta.__name__}({inner})"
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"

    def paths(self) -> list[str]:
        """The path of every leaf, in the order of the leaves, as Python would index it.

        >>> tree_flatten({"layers": [{"W": 1.0}, {"W": 2.0}], "b": 3.0})[1].paths()
        ["['b']", "['layers'][0]['W']", "['layers'][1]['W']"]
        """
        out: list[str] = []
        self._paths("", out)
        return out

    def _paths(self, prefix: str, out: list[str]) -> None:
        if self._kind == _LEAF:
            out.append(prefix)
            return
        for key, child in zip(self._keys(), self._children, strict=True):
            child._paths(prefix + _step(self._kind, self._meta, key), out)

    def _keys(self) -> Any:
        return self._meta if self._kind == _DICT else range(len(self._children))

    def _build(self, leaves: Iterator[Any]) -> Any:
        kind = self._kind
        if kind == _LEAF:
            return next(leaves)
        items = [c._build(leaves) for c in self._children]
        if kind == _DICT:
            return dict(zip(self._meta, items, strict=True))
        if kind == _LIST:
            return items
        if kind == _NAMEDTUPLE:
            return self._meta(*items)
        return tuple(items)


_LEAF_DEF = TreeDef(_LEAF, None, ())


def _step(kind: int, meta: Any, key: Any) -> str:
    """One step of a path: ``['W']`` into a dict, ``[1]`` into a sequence, ``.W`` into
    a named tuple."""
    if kind == _NAMEDTUPLE:
        return f".{meta._fields[key]}"
    return f"[{key!r}]"


def _flatten(tree: Any, leaves: list[Any], path: str, name: str, who: str) -> TreeDef:
    kind = tree.__class__
    if kind is float or isinstance(tree, Tracer):
        leaves.append(tree)
        return _LEAF_DEF
    if kind is np.ndarray:
        if tree.dtype.kind not in _NUMBER_KINDS:
            raise _refusal(tree, path, name, who)
        leaves.append(tree)
        return _LEAF_DEF
    if kind is dict:
        try:
            keys = tuple(sorted(tree))
        except TypeError:
            raise TypeError(
                f"{_prefix(who)}the keys of the dict {name}{path} cannot be sorted "
                f"({', '.join(sorted({type(k).__name__ for k in tree}))}); a pytree's dict "
                "keys are put in sorted order, so give them one type, all str for instance"
            ) from None
        children = tuple(
            _flatten(tree[k], leaves, path + _step(_DICT, None, k), name, who) for k in keys
        )
        return TreeDef(_DICT, keys, children)
    if kind is list or kind is tuple:
        children = tuple(_flatten(x, leaves, f"{path}[{i}]", name, who) for i, x in enumerate(tree))
        return TreeDef(_LIST if kind is list else _TUPLE, None, children)
    if isinstance(tree, tuple) and hasattr(kind, "_fields"):  # a named tuple
        children = tuple(
            _flatten(x, leaves, f"{path}.{f}", name, who)
            for f, x in zip(kind._fields, tree, strict=True)
        )
        return TreeDef(_NAMEDTUPLE, kind, children)
    if isinstance(tree, int | float | np.generic) and np.asarray(tree).dtype.kind in _NUMBER_KINDS:
        leaves.append(tree)
        return _LEAF_DEF
    raise _refusal(tree, path, name, who)


def _prefix(who: str) -> str:
    return f"{who}: " if who else ""


def _refusal(leaf: Any, path: str, name: str, who: str) -> TypeError:
    if leaf is None:
        what = "None"
        hint = (
            "; None is not an empty subtree here (as it is in JAX): leave the entry out, "
            "or did a function forget to `return`?"
        )
    else:
        kind = type(leaf).__name__
        if isinstance(leaf, np.ndarray | np.generic):
            kind = f"{kind} of dtype {leaf.dtype}"
        what = f"a {kind}"
        hint = "; the containers of a pytree are dict, list and tuple"
    return TypeError(
        f"{_prefix(who)}{name}{path} is {what}, not a number or an array of real "
        f"numbers: the leaves of a pytree must be numbers, arrays or traced values{hint}"
    )


def tree_flatten(tree: Any) -> tuple[list[Any], TreeDef]:
    """The leaves of ``tree``, left to right (a dict by sorted keys), and its structure.

    A tree that is a single number or array is its own single leaf.

    >>> tree_flatten({"W": [1.0, 2.0], "b": 3.0})
    ([1.0, 2.0, 3.0], TreeDef({'W': [*, *], 'b': *}))
    >>> tree_flatten(4.0)
    ([4.0], TreeDef(*))
    >>> tree_flatten({"layers": [{"W": 1.0}, {"W": "1.0"}]})
    Traceback (most recent call last):
    ...
    TypeError: tree['layers'][1]['W'] is a str, not a number or an array of real numbers: ...
    """
    return flatten(tree)


def flatten(tree: Any, name: str = "tree", who: str = "") -> tuple[list[Any], TreeDef]:
    """:func:`~autodiff.tree_flatten`, naming the tree ``name`` (``params``) and the
    function that needs it ``who`` (``grad``) in errors."""
    leaves: list[Any] = []
    treedef = _flatten(tree, leaves, "", name, who)
    return leaves, treedef


def tree_leaves(tree: Any) -> list[Any]:
    """The leaves of ``tree``, in the order of :func:`~autodiff.tree_flatten`.

    >>> tree_leaves([1.0, {"b": 3.0, "a": 2.0}])
    [1.0, 2.0, 3.0]
    """
    return flatten(tree)[0]


def tree_unflatten(treedef: TreeDef, leaves: Any) -> Any:
    """The tree of structure ``treedef`` with these leaves, in the order of
    :func:`~autodiff.tree_flatten`. The leaves may be anything, one per leaf of
    ``treedef``.

    >>> _, treedef = tree_flatten({"W": np.ones(2), "b": 0.0})
    >>> tree_unflatten(treedef, ["dW", "db"])
    {'W': 'dW', 'b': 'db'}
    >>> tree_unflatten(treedef, [1.0])
    Traceback (most recent call last):
    ...
    ValueError: tree_unflatten: TreeDef({'W': *, 'b': *}) has 2 leaves, but 1 were given
    """
    if not isinstance(treedef, TreeDef):
        raise TypeError(
            f"tree_unflatten takes the TreeDef that tree_flatten returned first, not a "
            f"{type(treedef).__name__}: write tree_unflatten(treedef, leaves)"
        )
    leaves = list(leaves)
    if len(leaves) != treedef.num_leaves:
        raise ValueError(
            f"tree_unflatten: {treedef} has {treedef.num_leaves} leaves, but "
            f"{len(leaves)} were given"
        )
    return treedef._build(iter(leaves))


def tree_map(f: Callable[..., Any], tree: Any, *rest: Any) -> Any:
    """The tree of ``f`` applied to each leaf of ``tree`` (and the leaves in the same
    places of each tree of ``rest``, which must have the same structure).

    >>> tree_map(lambda x: 2 * x, {"W": np.ones(2), "b": 1.0})
    {'W': array([2., 2.]), 'b': 2.0}
    >>> params, grads = {"W": np.ones(2), "b": 1.0}, {"W": np.ones(2), "b": 0.5}
    >>> tree_map(lambda p, g: p - 0.1 * g, params, grads)  # a gradient-descent step
    {'W': array([0.9, 0.9]), 'b': 0.95}
    >>> tree_map(lambda p, g: p - g, params, [1.0, 2.0])
    Traceback (most recent call last):
    ...
    ValueError: tree_map: tree 1 has structure TreeDef([*, *]), but the first tree has structure TreeDef({'W': *, 'b': *})
    """
    if not callable(f):
        raise TypeError(
            f"tree_map takes the function to apply first, not a {type(f).__name__}: write "
            "tree_map(f, tree)"
        )
    leaves, treedef = flatten(tree, "tree", "tree_map")
    columns = [leaves]
    for i, other in enumerate(rest, start=1):
        other_leaves, other_def = flatten(other, f"tree {i}", "tree_map")
        if other_def != treedef:
            raise ValueError(
                f"tree_map: tree {i} has structure {other_def}, but the first tree has "
                f"structure {treedef}"
            )
        columns.append(other_leaves)
    return treedef._build(iter([f(*xs) for xs in zip(*columns, strict=True)]))


def leaf_def() -> TreeDef:
    """The structure of a single leaf."""
    return _LEAF_DEF
