"""autodiff.tree: flattening and rebuilding nested dict/list/tuple containers of values."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import autodiff as ad
from autodiff import Dual, Variable
from autodiff.tree import TreeDef, tree_flatten, tree_leaves, tree_map, tree_unflatten


class Point(NamedTuple):
    x: Any
    y: Any


def test_the_public_names() -> None:
    assert ad.tree_flatten is tree_flatten
    assert ad.tree_unflatten is tree_unflatten
    assert ad.tree_map is tree_map
    assert ad.tree.TreeDef is TreeDef
    for name in ("tree", "tree_flatten", "tree_unflatten", "tree_map"):
        assert name in ad.__all__


@pytest.mark.parametrize(
    "tree",
    [
        1.0,
        np.arange(3.0),
        [1.0, 2.0],
        (1.0, [2.0, {"a": np.ones(2)}]),
        {"W": np.eye(2), "b": np.zeros(2), "layers": [{"W": 1.0}, {"W": 2.0}]},
        Point(1.0, (2.0, 3.0)),
        [],
        {},
        ((),),
        [True, 3, np.float32(1.5), np.int64(2)],
    ],
)
def test_flatten_then_unflatten_gives_the_tree_back(tree: Any) -> None:
    leaves, treedef = tree_flatten(tree)
    assert treedef.num_leaves == len(leaves)
    rebuilt = tree_unflatten(treedef, leaves)
    assert type(rebuilt) is type(tree)
    assert tree_flatten(rebuilt)[1] == treedef
    for a, b in zip(tree_leaves(rebuilt), leaves, strict=True):
        assert a is b


def test_leaves_come_depth_first_and_dicts_by_sorted_key() -> None:
    leaves, treedef = tree_flatten({"b": 1.0, "a": [2.0, (3.0, 4.0)], "C": 5.0})
    assert leaves == [5.0, 2.0, 3.0, 4.0, 1.0]  # "C" < "a" < "b"
    assert repr(treedef) == "TreeDef({'C': *, 'a': [*, (*, *)], 'b': *})"
    # the same keys in another order: the same structure, and a dict with sorted keys
    other = tree_flatten({"C": 0.0, "b": 0.0, "a": [0.0, (0.0, 0.0)]})[1]
    assert other == treedef
    assert hash(other) == hash(treedef)
    assert list(tree_unflatten(treedef, leaves)) == ["C", "a", "b"]


def test_structures_differ_by_container_key_and_length() -> None:
    def structure(t: Any) -> TreeDef:
        return tree_flatten(t)[1]

    assert structure([1.0, 2.0]) != structure((1.0, 2.0))
    assert structure({"a": 1.0}) != structure({"b": 1.0})
    assert structure([1.0]) != structure([1.0, 2.0])
    assert structure([1.0, [2.0]]) != structure([[1.0], 2.0])
    assert structure(Point(1.0, 2.0)) != structure((1.0, 2.0))
    assert structure(np.ones(3)) == structure(2.0)  # a leaf is a leaf, whatever its shape
    assert structure(1.0) != "TreeDef(*)"
    assert repr(structure(Point(1.0, [2.0]))) == "TreeDef(Point(x=*, y=[*]))"
    assert repr(structure((1.0,))) == "TreeDef((*,))"


def test_tracers_are_leaves() -> None:
    v, d = Variable(np.ones(2)), Dual(1.0, 1.0)
    leaves, treedef = tree_flatten({"v": v, "d": [d]})
    assert leaves[0] is d
    assert leaves[1] is v
    assert treedef.num_leaves == 2


def test_paths_name_each_leaf() -> None:
    _, treedef = tree_flatten({"layers": [{"W": 1.0, "b": 2.0}], "p": Point(3.0, 4.0)})
    assert treedef.paths() == ["['layers'][0]['W']", "['layers'][0]['b']", "['p'].x", "['p'].y"]
    assert tree_flatten(1.0)[1].paths() == [""]


@pytest.mark.parametrize(
    ("tree", "path", "what"),
    [
        ({"layers": [{"W": 1.0}, {"W": "1.0"}]}, r"tree\['layers'\]\[1\]\['W'\]", "a str"),
        ([1.0, None], r"tree\[1\]", "None"),
        ({"b": None}, r"tree\['b'\]", "None"),
        ((1.0, object()), r"tree\[1\]", "a object"),
        ([1j], r"tree\[0\]", "a complex"),
        ({"x": np.array(["a"])}, r"tree\['x'\]", "a ndarray of dtype <U1"),
        (Point(1.0, np.complex128(1j)), r"tree\.y", "a complex128 of dtype complex128"),
        ({"s": {1.0, 2.0}}, r"tree\['s'\]", "a set"),
        ("abc", "tree", "a str"),
        (None, "tree", "None"),
    ],
)
def test_a_leaf_that_is_not_a_number_is_refused_with_its_path(
    tree: Any, path: str, what: str
) -> None:
    with pytest.raises(TypeError, match=rf"^{path} is {what}, not a number or an array"):
        tree_flatten(tree)
    with pytest.raises(TypeError, match=rf"^tree_map: {path} is {what}"):
        tree_map(lambda x: x, tree)


def test_none_is_refused_with_a_hint() -> None:
    with pytest.raises(TypeError, match="None is not an empty subtree here"):
        tree_flatten({"bias": None})


def test_dict_keys_that_cannot_be_sorted_are_refused() -> None:
    with pytest.raises(
        TypeError, match=r"the keys of the dict tree\['a'\] cannot be sorted \(int, str\)"
    ):
        tree_flatten({"a": {1: 1.0, "b": 2.0}})


def test_unflatten_checks_its_arguments() -> None:
    treedef = tree_flatten([1.0, 2.0])[1]
    with pytest.raises(
        ValueError, match=r"^tree_unflatten: TreeDef\(\[\*, \*\]\) has 2 leaves, but 3"
    ):
        tree_unflatten(treedef, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"^tree_unflatten takes the TreeDef"):
        tree_unflatten([1.0, 2.0], treedef)  # type: ignore[arg-type]
    assert tree_unflatten(treedef, iter("ab")) == ["a", "b"]  # any leaves, any iterable


def test_tree_map() -> None:
    params = {"W": np.array([1.0, 2.0]), "b": 0.5, "extra": [1.0, (2.0,)]}
    grads = {"W": np.array([10.0, 20.0]), "b": 5.0, "extra": [1.0, (1.0,)]}
    stepped = tree_map(lambda p, g: p - 0.1 * g, params, grads)
    assert_array_equal(stepped["W"], [0.0, 0.0])
    assert stepped["b"] == 0.0
    assert stepped["extra"] == [0.9, (1.9,)]
    assert tree_map(lambda x: x.shape if isinstance(x, np.ndarray) else (), params) == {
        "W": (2,),
        "b": (),
        "extra": [(), ((),)],
    }
    assert tree_map(lambda x: 2 * x, 3.0) == 6.0
    assert tree_map(lambda x: x, []) == []


def test_tree_map_misuse() -> None:
    with pytest.raises(TypeError, match=r"^tree_map takes the function to apply first"):
        tree_map({"a": 1.0}, lambda x: x)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^tree_map: tree 1 has structure TreeDef\(\[\*\]\), but"):
        tree_map(lambda a, b: a + b, [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match=r"^tree_map: tree 2 has structure"):
        tree_map(lambda a, b, c: a, {"a": 1.0}, {"a": 1.0}, {"b": 1.0})
    with pytest.raises(TypeError, match=r"^tree_map: tree 1\[0\] is None"):
        tree_map(lambda a, b: a, [1.0], [None])
