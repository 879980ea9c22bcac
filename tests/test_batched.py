"""Batched tangents: one forward pass pushing many tangents, stacked along a leading axis.

A batched ``Dual`` carries tangents of shape ``(B, *value.shape)``. For every row of the
primitive table and every test case of ``tests/test_primitives.py`` (plus extra index,
matmul and shape forms here), a batched forward pass must give what ``B`` separate
unbatched passes give, stacked: the batched rule is the unbatched one, ``B`` times.
"""

from __future__ import annotations

from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from test_primitives import CASES, PrimCase, _rng

import autodiff as ad
from autodiff import Dual
from autodiff.primitives import PRIMITIVES, Primitive, apply
from autodiff.tracer import open_level

B = 3  # tangents per batch

_MASK = np.array([[True, False, True], [False, True, True]])


def _case(label: str, shapes: tuple[tuple[int, ...], ...], **params: Any) -> PrimCase:
    rng = _rng("batched", label)
    args = tuple(float(rng.uniform(-2, 2)) if s == () else rng.uniform(-2, 2, s) for s in shapes)
    return PrimCase(label, args, tuple(range(len(shapes))), params)


#: Forms beyond the generated cases: indices of every kind (NumPy moves the axes of
#: advanced indices separated by a slice to the front), matmul with 1-D, 2-D and batched
#: operands on each side, and more shapes for the other structural rows.
EXTRA: list[tuple[str, PrimCase]] = [
    ("getitem", _case("ellipsis", ((2, 3, 4),), index=(Ellipsis, 1))),
    ("getitem", _case("int_ellipsis_slice", ((2, 3, 4),), index=(0, Ellipsis, slice(1, 3)))),
    ("getitem", _case("newaxis", ((2, 3, 4),), index=(None, slice(None), 1))),
    ("getitem", _case("reversed", ((2, 3),), index=(slice(None, None, -1), slice(0, 2)))),
    ("getitem", _case("array_2d", ((3, 4),), index=np.array([[0, 1], [2, 0]]))),
    ("getitem", _case("list", ((4,),), index=[3, 0, 3])),
    ("getitem", _case("adjacent_arrays", ((2, 3, 4),), index=(slice(None), [0, 2], [1, 3]))),
    ("getitem", _case("int_next_to_array", ((2, 3, 4),), index=(1, np.array([0, 2, 2])))),
    ("getitem", _case("separated_arrays", ((2, 3, 4),), index=([0, 1], slice(None), [1, 3]))),
    ("getitem", _case("separated_int", ((2, 3, 4),), index=(np.array([1, 0]), slice(None), 2))),
    ("getitem", _case("mask_leading", ((2, 3, 4),), index=_MASK)),
    ("getitem", _case("mask_after_slice", ((4, 3),), index=(slice(None), _MASK[1]))),
    ("getitem", _case("mask_ellipsis", ((2, 3),), index=(Ellipsis, _MASK[0]))),
    ("scatter", _case("ellipsis", ((2, 3),), index=(Ellipsis, 1), shape=(2, 3, 4))),
    ("scatter", _case("broadcast", ((4,),), index=0, shape=(2, 3, 4))),
    ("scatter", _case("mask", ((4,),), index=_MASK, shape=(2, 3))),
    ("scatter", _case("array_2d", ((2, 2),), index=np.array([[0, 1], [1, 1]]), shape=(3,))),
    ("scatter", _case("slice", ((3, 2),), index=(slice(None), slice(1, 3)), shape=(3, 4))),
    (
        "scatter",
        _case("separated", ((2, 3),), index=([0, 1], slice(None), [1, 3]), shape=(2, 3, 4)),
    ),
    ("matmul", _case("vec_batched", ((3,), (2, 3, 4)))),
    ("matmul", _case("batched_vec", ((2, 3, 4), (4,)))),
    ("matmul", _case("matrix_batched", ((2, 3), (4, 3, 2)))),
    ("matmul", _case("both_batched", ((5, 2, 3), (5, 3, 2)))),
    ("matmul", _case("broadcast_both", ((2, 1, 2, 3), (1, 4, 3, 2)))),
    ("matmul", _case("one_by_one", ((1, 1), (1,)))),
    ("sum", _case("neg_axes", ((2, 3, 4),), axis=(-1, 0), keepdims=True)),
    ("sum", _case("vector", ((4,),), axis=0)),
    ("max", _case("middle", ((2, 3, 4),), axis=1)),
    ("reshape", _case("to_scalar", ((1, 1),), shape=())),
    ("reshape", _case("infer_first", ((2, 3, 2),), shape=(-1, 4))),
    ("transpose", _case("negative", ((2, 3, 4),), axes=(-1, 0, 1))),
    ("transpose", _case("scalar", ((),), axes=None)),
    ("broadcast_to", _case("inner_and_outer", ((2, 1),), shape=(3, 2, 4))),
    ("broadcast_to", _case("same", ((2, 3),), shape=(2, 3))),
    ("stack", _case("matrices_axis0", ((2, 3), (2, 3)), axis=0)),
    ("stack", _case("negative_axis", ((3,), (3,)), axis=-2)),
    ("max", PrimCase("ties", (np.array([[1.0, 1.0, 0.0], [2.0, 2.0, 2.0]]),), (0,), {"axis": 1})),
    ("max", _case("leading_pair", ((2, 3, 4),), axis=(0, 1), keepdims=True)),
    ("where", PrimCase("broadcast_branches", (_MASK, np.array([1.0, -2.0, 3.0]), 1.5), (1, 2))),
    (
        "where",
        PrimCase("broadcast_condition", (_MASK[0], np.ones((2, 3)), np.ones((2, 1))), (1, 2)),
    ),
    ("where", PrimCase("inf_branch", (_MASK, np.ones((2, 3)), np.full((2, 3), np.inf)), (1, 2))),
]


def _one_operand_at_a_time() -> list[tuple[str, PrimCase]]:
    """Cases with several differentiated operands, with only one of them differentiated."""
    return [
        (name, PrimCase(f"{case.label}-only{i}", case.args, (i,), case.params))
        for name, case in CASES
        if len(case.diff) > 1
        for i in case.diff
    ]


ALL = CASES + EXTRA + _one_operand_at_a_time()


def _tangents(case: PrimCase) -> list[Any]:
    rng = _rng("tangents", case.label)
    return [rng.standard_normal((B, *np.shape(a))) for a in case.diff_args]


def _batched_pass(prim: Primitive, case: PrimCase, tangents: list[Any]) -> tuple[Any, Any]:
    level = open_level()  # a live level, left open: the test owns it
    duals = tuple(
        Dual.at_level(a, t, level, batched=True)
        for a, t in zip(case.diff_args, tangents, strict=True)
    )
    out = apply(prim, *case.with_diff(duals), **case.params)
    assert isinstance(out, Dual)
    assert out.level == level
    return out.value, out.tangent


def _stacked_passes(prim: Primitive, case: PrimCase, tangents: list[Any]) -> Any:
    """B unbatched passes (the rules everything else is tested against), stacked."""
    columns = []
    for k in range(B):
        level = open_level()  # a live level, left open: the test owns it
        duals = []
        for a, t in zip(case.diff_args, tangents, strict=True):
            tk = float(t[k]) if np.shape(a) == () else t[k]
            duals.append(Dual.at_level(a, tk, level))
        out = apply(prim, *case.with_diff(tuple(duals)), **case.params)
        assert isinstance(out, Dual)
        columns.append(np.broadcast_to(out.tangent, np.shape(out.value)))
    return np.stack(columns)


def _without_batched_rules(prim: Primitive) -> Primitive:
    """The row as it would be with only unbatched rules: forward mode falls back."""
    rules = {k: v for k, v in prim.rules.items() if not k.startswith("batched")}
    return Primitive(prim.name, prim.impl, **rules, display=prim.display)


#: Each case with the table's rules, and structural ones also with the fallback.
RUNS = [(name, case, "batched") for name, case in ALL] + [
    (name, case, "fallback") for name, case in ALL if PRIMITIVES[name].partials is None
]
RUN_IDS = [f"{name}-{case.label}-{rules}" for name, case, rules in RUNS]


@pytest.mark.parametrize(("name", "case", "rules"), RUNS, ids=RUN_IDS)
def test_a_batch_is_the_stack_of_single_tangents(name: str, case: PrimCase, rules: str) -> None:
    prim = PRIMITIVES[name]
    if rules == "fallback":
        prim = _without_batched_rules(prim)
    tangents = _tangents(case)
    value, batched = _batched_pass(prim, case, tangents)
    expected = _stacked_passes(prim, case, tangents)
    assert_allclose(value, apply(PRIMITIVES[name], *case.args, **case.params), rtol=0, atol=0)
    assert np.shape(batched) == (B, *np.shape(value))
    assert_allclose(batched, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_every_structural_row_has_a_batched_rule(name: str) -> None:
    """The fallback (one tangent at a time) is correct but slow; the table avoids it."""
    rules = PRIMITIVES[name].rules
    if "partials" in rules:
        assert set(rules) == {"partials"}
    elif "jvp" in rules:
        assert "batched_jvp" in rules
    else:
        assert len(rules["batched_jvps"]) == len(rules["jvps"])
        differentiated = [j is not None for j in rules["jvps"]]
        assert [b is not None for b in rules["batched_jvps"]] == differentiated


def test_a_batch_through_a_function() -> None:
    """Elementwise, structural and broadcasting rows together, against single passes."""

    def f(x: Any, w: Any) -> Any:
        h = ad.tanh(w @ x + 0.5)  # (2, 3) @ (3,) -> (2,)
        return ad.sum(ad.stack([h * x[0], h**2]), axis=0) + ad.max(x)

    x, w = np.array([0.3, -1.2, 0.8]), np.arange(6.0).reshape(2, 3) / 6
    tangents = _rng("through").standard_normal((4, 3))
    level = open_level()  # a live level, left open: the test owns it
    out = f(Dual.at_level(x, tangents, level, batched=True), w)
    assert isinstance(out, Dual)
    for k in range(4):
        _, column = ad.jvp(lambda x: f(x, w), (x,), (tangents[k],))
        assert_allclose(out.tangent[k], column, rtol=1e-14, atol=1e-15)


def test_a_batched_dual_shows_its_tangents() -> None:
    level = open_level()  # a live level, left open: the test owns it
    dual = Dual.at_level(2.0, np.array([1.0, 0.0]), level, batched=True)
    assert repr(dual) == "Dual(value=2.0, tangents=array([1., 0.]))"
    assert repr(dual * 3.0) == "Dual(value=6.0, tangents=array([3., 0.]))"
    # the public constructor keeps its meaning: one tangent of the value's shape
    assert repr(Dual(2.0, 1.0) * 3.0) == "Dual(value=6.0, tangent=3.0)"


# --------------------------------------------------------------------------------------
# A property over shapes: binary rows with random broadcasting operands.


@pytest.mark.parametrize("name", ["add", "mul", "div", "maximum", "logaddexp", "matmul"])
@given(data=st.data())
def test_a_batch_over_random_shapes(name: str, data: st.DataObject) -> None:
    if name == "matmul":
        n = data.draw(st.integers(1, 3))
        batch = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2))
        lhs = data.draw(st.sampled_from([(n,), (*batch.input_shapes[0], 2, n)]))
        rhs = data.draw(st.sampled_from([(n,), (*batch.input_shapes[1], n, 2)]))
        shapes: tuple[tuple[int, ...], ...] = (lhs, rhs)
    else:
        shapes = data.draw(
            hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3)
        ).input_shapes
    elements = st.floats(0.5, 2.0)
    args = tuple(
        float(a) if a.ndim == 0 else a
        for a in (data.draw(hnp.arrays(np.float64, s, elements=elements)) for s in shapes)
    )
    diff = data.draw(st.sampled_from([(0, 1), (0,), (1,)]))
    case = PrimCase("random", args, diff)
    tangents = [
        data.draw(hnp.arrays(np.float64, (B, *np.shape(a)), elements=elements))
        for a in case.diff_args
    ]
    prim = PRIMITIVES[name]
    _, batched = _batched_pass(prim, case, tangents)
    assert_allclose(batched, _stacked_passes(prim, case, tangents), rtol=1e-12, atol=1e-12)
