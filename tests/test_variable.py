"""Reverse mode: the ``Variable`` node type and ``backward()``."""

from __future__ import annotations

import operator
import re
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from catalogue import (
    CATALOGUE,
    UNARY,
    Instance,
    Unary,
    analytic_gradient,
    as_array,
    instances,
    numeric_gradient,
    reverse_gradient,
    unbroadcast,
)
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff import Dual, Variable

INSTANCES = instances(CATALOGUE)
INSTANCE_IDS = [inst.id for inst in INSTANCES]


def grads_of(f: Callable[..., Any], *values: Any, seed: Any = None) -> list[Any]:
    """Run ``f`` on fresh Variables, call ``backward(seed)`` and return their grads."""
    leaves = [Variable(v) for v in values]
    f(*leaves).backward(seed)
    return [leaf.grad for leaf in leaves]


# --------------------------------------------------------------------------------------
# Construction, names, repr.


def test_leaf() -> None:
    x = Variable(3, name="x")
    assert type(x.value) is float
    assert x.value == 3.0
    assert x.name == "x"
    assert x.op == ""
    assert x.parents == ()
    assert x.grad == 0.0


def test_array_leaf_has_a_zero_grad_of_its_shape() -> None:
    x = Variable([[1, 2, 3], [4, 5, 6]])
    assert isinstance(x.value, np.ndarray)
    assert x.value.dtype == np.float64
    assert np.shape(x.grad) == (2, 3)
    assert_allclose(x.grad, np.zeros((2, 3)), rtol=0, atol=0)


@pytest.mark.parametrize(
    ("value", "type_name"),
    [("a", "str"), (object(), "object"), (None, "NoneType"), (1 + 2j, "complex")],
    ids=["str", "object", "None", "complex"],
)
def test_non_numbers_are_rejected_naming_the_type(value: Any, type_name: str) -> None:
    with pytest.raises(TypeError, match=type_name):
        Variable(value)


def test_non_numeric_array_is_rejected_naming_the_dtype() -> None:
    with pytest.raises(TypeError, match="dtype"):
        Variable(np.array(["a"]))


def test_name_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="int"):
        Variable(1.0, name=3)  # type: ignore[arg-type]


def test_auto_names_are_v_k_and_unique() -> None:
    xs = [Variable(float(i)) for i in range(100)]
    ys = [x * 2 for x in xs]
    names = [v.name for v in xs + ys]
    assert all(re.fullmatch(r"v\d+", n) for n in names), names[:5]
    assert len(set(names)) == len(names)


def test_auto_names_are_unique_across_threads() -> None:
    per_thread = 5_000
    results: list[list[str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        local = []
        for i in range(per_thread):
            x = Variable(float(i))
            local.append(x.name)
            local.append((x + 1.0).name)
        with lock:
            results.append(local)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    names = [n for r in results for n in r]
    assert len(names) == 8 * 2 * per_thread
    assert len(set(names)) == len(names)


def test_an_unnamed_node_holds_no_name_until_given_one() -> None:
    # The name slot stays empty, so the garbage collector has one slot less to follow
    # per node; the name is still there to read, and can be set later.
    y = Variable(2.0) * 3.0
    assert not hasattr(y, "_name")
    assert re.fullmatch(r"v\d+", y.name)
    y.name = "y"
    assert y.name == "y"
    assert Variable(1.0, name="x").name == "x"


def test_operands_and_params_are_recorded_in_order() -> None:
    x = Variable(np.ones((2, 3)))
    s = ad.sum(x, axis=0)
    assert s.params == {"axis": 0, "keepdims": False}
    assert s.operands == (x,)
    assert s.parents == (x,)
    s.params["axis"] = 1  # a copy: the node keeps its own
    assert s.params["axis"] == 0
    a, b = Variable(np.arange(3.0)), Variable(np.ones(3))
    cond = np.array([True, False, True])
    w = ad.where(cond, a, b)  # three operands: the third is kept with the params
    assert w.operands[0] is cond
    assert w.operands[1:] == (a, b)
    assert w.parents == (a, b)
    assert w.params == {}
    w.backward(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(a.grad, [1.0, 0.0, 3.0])
    np.testing.assert_array_equal(b.grad, [0.0, 2.0, 0.0])
    assert (a * 2.0).params == {}
    assert (a * 2.0).operands[1] == 2.0


def test_repr() -> None:
    x = Variable(2.0, name="x")
    assert repr(x) == "Variable(value=2.0, name='x')"
    y = x * x
    text = repr(y)
    assert text.startswith("Variable(value=4.0")
    assert f"name='{y.name}'" in text
    assert "op='mul'" in text
    y.backward()
    assert "grad=4.0" in repr(x)


@pytest.mark.parametrize(
    "f",
    [
        lambda v: v ** "s",
        lambda v: "s" + v,
        lambda v: v * None,
        lambda v: v @ "s",
        lambda v: v / object(),
    ],
    ids=["pow", "radd", "mul_none", "matmul", "div_object"],
)
def test_unsupported_operands_raise_type_error(f: Callable[[Any], Any]) -> None:
    with pytest.raises(TypeError):
        f(Variable(2.0))


@pytest.mark.parametrize(
    ("f", "op", "shapes"),
    [
        (operator.add, "add", ((2,), (3,))),
        (operator.mul, "mul", ((2, 3), (2,))),
        (operator.pow, "pow", ((4,), (3,))),
        (ad.minimum, "minimum", ((2,), (3,))),
        (operator.matmul, "matmul", ((2, 3), (2, 3))),
    ],
    ids=["add", "mul", "pow", "minimum", "matmul"],
)
def test_shape_mismatch_names_both_shapes_and_the_op(
    f: Callable[..., Any], op: str, shapes: tuple[tuple[int, ...], tuple[int, ...]]
) -> None:
    a, b = Variable(np.ones(shapes[0])), Variable(np.ones(shapes[1]))
    with pytest.raises(ValueError, match=op) as info:
        f(a, b)
    assert str(shapes[0]) in str(info.value)
    assert str(shapes[1]) in str(info.value)
    # with a plain array on one side too
    with pytest.raises(ValueError, match=op):
        f(a, np.ones(shapes[1]))


# --------------------------------------------------------------------------------------
# The recorded graph: op and parents.


@pytest.mark.parametrize(
    ("f", "op"),
    [
        (lambda x, y: x + y, "add"),
        (lambda x, y: x - y, "sub"),
        (lambda x, y: x * y, "mul"),
        (lambda x, y: x / y, "div"),
        (lambda x, y: x**y, "pow"),
        (ad.maximum, "maximum"),
        (ad.minimum, "minimum"),
    ],
    ids=["add", "sub", "mul", "div", "pow", "maximum", "minimum"],
)
def test_binary_op_and_parents_in_operand_order(f: Callable[..., Any], op: str) -> None:
    x, y = Variable(2.0, name="x"), Variable(3.0, name="y")
    assert f(x, y).op == op
    assert f(x, y).parents == (x, y)
    assert f(y, x).parents == (y, x)


def test_x_times_x_has_two_parents() -> None:
    x = Variable(3.0)
    y = x * x
    assert y.parents == (x, x)
    y.backward()
    assert x.grad == 6.0


def test_constants_are_not_parents() -> None:
    x = Variable(3.0)
    assert (2 * x).parents == (x,)
    assert (x - np.ones(3)).parents == (x,)
    assert ad.where(np.array([True]), x, 0.0).parents == (x,)


@pytest.mark.parametrize(
    ("f", "op"),
    [
        (lambda x: -x, "neg"),
        (lambda x: x.sin(), "sin"),
        (ad.exp, "exp"),
        (lambda x: x @ np.ones(3), "matmul"),
        (lambda x: x.sum(), "sum"),
        (lambda x: x.max(), "max"),
        (lambda x: x[1:], "getitem"),
        (lambda x: x.reshape(3, 1), "reshape"),
        (lambda x: x.T, "transpose"),
        (lambda x: ad.broadcast_to(x, (2, 3)), "broadcast_to"),
        (lambda x: ad.stack([x, x]), "stack"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_unary_op_names(f: Callable[[Any], Any], op: str) -> None:
    x = Variable(np.array([1.0, 2.0, 3.0]))
    y = f(x)
    assert y.op == op
    assert x in y.parents


# --------------------------------------------------------------------------------------
# backward(): seeds.


def test_backward_on_a_scalar_needs_no_seed() -> None:
    x = Variable(3.0)
    (x**2).backward()
    assert x.grad == 6.0


@pytest.mark.parametrize("shape", [(1,), (1, 1), (1, 1, 1)])
def test_backward_on_a_single_element_array_needs_no_seed(shape: tuple[int, ...]) -> None:
    x = Variable(np.full(shape, 3.0))
    (x * x).backward()
    assert np.shape(x.grad) == shape
    assert_allclose(x.grad, np.full(shape, 6.0), rtol=0)


def test_backward_on_an_array_needs_a_seed() -> None:
    x = Variable(np.ones((2, 3)))
    with pytest.raises(ValueError, match="seed") as info:
        (x * 2).backward()
    assert "(2, 3)" in str(info.value)


def test_backward_with_a_seed() -> None:
    x = Variable(np.array([1.0, 2.0, 3.0]))
    y = x * x
    y.backward(np.array([1.0, 0.0, -1.0]))
    assert_allclose(x.grad, [2.0, 0.0, -6.0], rtol=0)
    x.zero_grad()
    y.backward([1, 1, 1])  # a list is accepted
    assert_allclose(x.grad, [2.0, 4.0, 6.0], rtol=0)


def test_a_scalar_seed_scales_the_gradient() -> None:
    x = Variable(3.0)
    (x * x).backward(gradient=0.5)
    assert x.grad == 3.0


def test_seed_of_the_wrong_shape() -> None:
    x = Variable(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 3\)|\(2, 3\).*\(3,\)"):
        (x * 2).backward(np.ones(3))


def test_backward_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    x = Variable(np.array([1.0, 2.0]), name="x")
    y = ad.sum(ad.tanh(x * x) + ad.exp(x))
    y.backward()
    y.backward()
    assert capsys.readouterr() == ("", "")


# --------------------------------------------------------------------------------------
# Accumulation.


def test_gradients_accumulate_across_backward_calls() -> None:
    x = Variable(3.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 12.0
    assert y.grad == 2.0  # inner nodes too


def test_zero_grad_resets() -> None:
    x = Variable(np.array([1.0, 2.0]))
    y = ad.sum(x * x)
    y.backward()
    x.zero_grad()
    assert_allclose(x.grad, [0.0, 0.0], rtol=0, atol=0)
    assert np.shape(x.grad) == (2,)
    y.backward()
    assert_allclose(x.grad, [2.0, 4.0], rtol=0)


def test_backward_from_two_outputs_sums() -> None:
    x = Variable(2.0)
    (x * 3).backward()
    (x * x).backward()
    assert x.grad == 3.0 + 4.0


def test_unused_input_keeps_a_zero_grad() -> None:
    x, y = Variable(2.0), Variable(np.ones(2))
    (x * 3).backward()
    assert_allclose(y.grad, [0.0, 0.0], rtol=0, atol=0)


def test_a_shared_subexpression_is_counted_once_per_use() -> None:
    x = Variable(1.5)
    s = x.sin()
    y = s * s + s  # s used three times
    y.backward()
    assert x.grad == pytest.approx((2 * np.sin(1.5) + 1) * np.cos(1.5), rel=1e-14)


# --------------------------------------------------------------------------------------
# Broadcasting: gradients are summed back to each operand's shape.

BROADCAST_SHAPES = [
    ((2, 3), (3,)),
    ((2, 3), (1, 3)),
    ((2, 1), (3,)),
    ((2, 3), ()),
    ((), (2, 3)),
    ((4, 1, 3), (2, 1)),
    ((1,), (2, 2)),
]


@pytest.mark.parametrize(("sa", "sb"), BROADCAST_SHAPES, ids=str)
@pytest.mark.parametrize(
    ("op", "da", "db"),
    [
        (operator.add, lambda a, b: 1.0 + 0 * a * b, lambda a, b: 1.0 + 0 * a * b),
        (operator.sub, lambda a, b: 1.0 + 0 * a * b, lambda a, b: -1.0 + 0 * a * b),
        (operator.mul, lambda a, b: b + 0 * a, lambda a, b: a + 0 * b),
        (operator.truediv, lambda a, b: 1 / b + 0 * a, lambda a, b: -a / b**2),
        (operator.pow, lambda a, b: b * a ** (b - 1), lambda a, b: a**b * np.log(a)),
    ],
    ids=["add", "sub", "mul", "div", "pow"],
)
def test_broadcast_gradients_are_summed_back(
    sa: tuple[int, ...],
    sb: tuple[int, ...],
    op: Callable[[Any, Any], Any],
    da: Callable[[Any, Any], Any],
    db: Callable[[Any, Any], Any],
) -> None:
    rng = np.random.default_rng(0)
    a = rng.uniform(0.5, 2.0, size=sa)
    b = rng.uniform(0.5, 2.0, size=sb)
    out_shape = np.broadcast_shapes(sa, sb)
    seed = rng.uniform(-1.0, 1.0, size=out_shape)
    va, vb = Variable(a), Variable(b)
    op(va, vb).backward(seed)
    assert np.shape(va.grad) == sa
    assert np.shape(vb.grad) == sb
    assert_allclose(va.grad, unbroadcast(seed * da(a, b), sa), rtol=1e-13)
    assert_allclose(vb.grad, unbroadcast(seed * db(a, b), sb), rtol=1e-13)


def test_broadcasting_with_a_constant_array() -> None:
    x = Variable(2.0)
    ad.sum(x * np.arange(4.0)).backward()
    assert x.grad == 6.0
    assert isinstance(x.grad, float)


# --------------------------------------------------------------------------------------
# Indexing, slicing, shapes and reductions.

M = np.arange(6.0).reshape(2, 3)
W = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (lambda x: x[1:].sum(), [[0, 0, 0], [1, 1, 1]]),
        (lambda x: x[1].sum(), [[0, 0, 0], [1, 1, 1]]),
        (lambda x: x[1, 2] * 5, [[0, 0, 0], [0, 0, 5]]),
        (lambda x: x[:, ::2].sum(), [[1, 0, 1], [1, 0, 1]]),
        (lambda x: x[:, -1].sum(), [[0, 0, 1], [0, 0, 1]]),
        (lambda x: x[np.array([0, 0, 1])].sum(), [[2, 2, 2], [1, 1, 1]]),
        (lambda x: x[M > 2].sum(), [[0, 0, 0], [1, 1, 1]]),
        (lambda x: ad.sum(x.T * W.T), W),
        (lambda x: ad.sum(x.reshape(3, 2) * W.reshape(3, 2)), W),
        (lambda x: ad.sum(x.reshape((6,)) * W.reshape(6)), W),
        (lambda x: ad.sum(x.reshape(-1, 2) * W.reshape(3, 2)), W),
        (lambda x: x.sum(), np.ones((2, 3))),
        (lambda x: ad.sum(x.sum(axis=0) * W[0]), [W[0], W[0]]),
        (lambda x: ad.sum(x.sum(axis=-1, keepdims=True) * W[:, :1]), W[:, :1] * np.ones(3)),
        (lambda x: x.mean(), np.full((2, 3), 1 / 6)),
        (lambda x: ad.sum(x.mean(axis=1) * W[:, 0]), W[:, :1] * np.ones(3) / 3),
        (lambda x: x.max(), [[0, 0, 0], [0, 0, 1]]),
        (lambda x: x.max(axis=1).sum(), [[0, 0, 1], [0, 0, 1]]),
        (lambda x: x.max(axis=0, keepdims=True).sum(), [[0, 0, 0], [1, 1, 1]]),
        (lambda x: sum(row.sum() for row in x), np.ones((2, 3))),  # iteration
    ],
    ids=[
        "slice",
        "int",
        "element",
        "step",
        "negative",
        "fancy_repeated",
        "mask",
        "T",
        "reshape",
        "reshape_tuple",
        "reshape_infer",
        "sum",
        "sum_axis",
        "sum_keepdims",
        "mean",
        "mean_axis",
        "max",
        "max_axis",
        "max_keepdims",
        "iter",
    ],
)
def test_structural_gradients(f: Callable[[Any], Any], expected: Any) -> None:
    x = Variable(M)
    f(x).backward()
    assert np.shape(x.grad) == M.shape
    assert_allclose(x.grad, np.asarray(expected, dtype=float), rtol=1e-14)


def test_max_subgradient_goes_to_the_first_maximum() -> None:
    x = Variable(np.array([1.0, 3.0, 3.0, 2.0]))
    x.max().backward()
    assert_allclose(x.grad, [0.0, 1.0, 0.0, 0.0], rtol=0)


def test_max_along_an_axis_with_ties() -> None:
    x = Variable(np.array([[1.0, 5.0, 2.0], [1.0, 5.0, 7.0]]))
    x.max(axis=0).sum().backward()
    assert_allclose(x.grad, [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]], rtol=0)
    x.zero_grad()
    x.max(axis=1).sum().backward()
    assert_allclose(x.grad, [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], rtol=0)
    y = Variable(np.full((2, 2), 4.0))  # all equal
    y.max().backward()
    assert_allclose(y.grad, [[1.0, 0.0], [0.0, 0.0]], rtol=0)


def test_maximum_shares_ties_equally() -> None:
    x, y = Variable(2.0), Variable(2.0)
    ad.maximum(x, y).backward()
    assert (x.grad, y.grad) == (0.5, 0.5)


@pytest.mark.parametrize(
    ("fa", "fb", "shape"),
    [
        ((2, 3), (3, 4), (2, 4)),
        ((2, 3), (3,), (2,)),
        ((3,), (3, 2), (2,)),
        ((3,), (3,), ()),
        ((5, 2, 3), (3, 4), (5, 2, 4)),
        ((2, 1, 2, 3), (3, 3, 2), (2, 3, 2, 2)),
    ],
    ids=str,
)
def test_matmul_gradients(fa: tuple[int, ...], fb: tuple[int, ...], shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=fa), rng.normal(size=fb)
    seed = rng.normal(size=shape)
    va, vb = Variable(a), Variable(b)
    out = va @ vb
    assert np.shape(out.value) == shape
    out.backward(float(seed) if shape == () else seed)

    # the reference, by the definition: seed · ∂(a @ b)/∂a_k for every element k
    def directional(x: Any, y: Any) -> float:
        return float(np.sum(seed * np.matmul(x, y)))

    ga, gb = numeric_gradient(directional, [a, b])
    assert_allclose(va.grad, ga, rtol=1e-6, atol=1e-8)
    assert_allclose(vb.grad, gb, rtol=1e-6, atol=1e-8)


def test_len_iter_and_scalar_indexing() -> None:
    x = Variable(np.arange(3.0))
    assert len(x) == 3
    assert [float(v.value) for v in x] == [0.0, 1.0, 2.0]
    with pytest.raises(TypeError, match="scalar"):
        len(Variable(1.0))
    with pytest.raises(TypeError, match="scalar"):
        Variable(1.0)[0]
    with pytest.raises(TypeError, match="index"):
        x[Variable(1.0)]


# --------------------------------------------------------------------------------------
# Comparisons.


def test_comparisons_compare_values() -> None:
    x = Variable(2.0)
    assert x < 3
    assert x <= Variable(2.0)
    assert x > 1.5
    assert x >= 2
    assert not x < 2
    assert_allclose(Variable(np.array([1.0, 3.0])) >= 2, [False, True])
    assert f"{x:.3f}" == "2.000"


# --------------------------------------------------------------------------------------
# Elementwise functions.


@pytest.mark.parametrize("fn", UNARY, ids=[u.name for u in UNARY])
def test_elementwise_functions(fn: Unary) -> None:
    x = np.array(fn.points)
    for f in (getattr(ad, fn.name), lambda v, fn=fn: getattr(v, fn.name)()):
        v = Variable(x)
        out = f(v)
        assert isinstance(out, Variable)
        assert out.op == fn.name
        assert_allclose(out.value, fn.value(x), rtol=1e-14)
        ad.sum(out).backward()
        assert_allclose(v.grad, fn.derivative(x), rtol=1e-13)


# --------------------------------------------------------------------------------------
# NumPy interoperability.


def test_numpy_ufuncs_and_functions_return_variables() -> None:
    x = np.array([[1.0, 4.0], [3.0, 2.0]])
    m = np.array([[1.0, 2.0], [3.0, 4.0]])
    cases: list[tuple[Callable[[Any], Any], Any]] = [
        (lambda v: np.sum(np.sin(v)), np.cos(x)),
        (lambda v: np.sum(np.exp(v)), np.exp(x)),
        (lambda v: np.sum(m @ v), m.T @ np.ones((2, 2))),
        (lambda v: np.sum(v @ m), np.ones((2, 2)) @ m.T),
        (lambda v: np.sum(m * v), m),
        (lambda v: np.sum(m + v), np.ones((2, 2))),
        (lambda v: np.sum(m - v), -np.ones((2, 2))),
        (lambda v: np.sum(m / v), -m / x**2),
        (np.mean, np.full((2, 2), 0.25)),
        (np.max, [[0.0, 1.0], [0.0, 0.0]]),
        (lambda v: np.sum(np.sum(v, axis=0) * np.array([1.0, 2.0])), [[1, 2], [1, 2]]),
        (lambda v: np.sum(np.transpose(v) * m), m.T),
        (lambda v: np.sum(np.reshape(v, (4,)) * m.ravel()), m),
        (lambda v: np.sum(np.maximum(v, 2.5)), [[0, 1], [1, 0]]),
        (lambda v: np.sum(np.where(x > 2, v, 0.0)), [[0, 1], [1, 0]]),
        (lambda v: np.sum(np.negative(v)), -np.ones((2, 2))),
        (lambda v: np.sum(np.stack([v, 2 * v])), 3 * np.ones((2, 2))),
    ]
    for f, expected in cases:
        v = Variable(x)
        out = f(v)
        assert isinstance(out, Variable)
        out.backward()
        assert_allclose(v.grad, np.asarray(expected, dtype=float), rtol=1e-14)


@pytest.mark.parametrize(
    ("f", "name"),
    [
        (np.cumprod, "cumprod"),
        (np.linalg.norm, "norm"),
        (np.log1p, "log1p"),
        (np.nanprod, "nanprod"),
        (np.add.reduce, "reduce"),
    ],
    ids=["cumprod", "norm", "log1p", "nanprod", "add.reduce"],
)
def test_unsupported_numpy_functions_name_the_function(f: Callable[..., Any], name: str) -> None:
    with pytest.raises(TypeError, match=name):
        f(Variable(np.array([1.0, 2.0])))


def test_ufunc_keyword_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match="out"):
        np.sin(Variable(np.ones(2)), out=np.zeros(2))


def test_no_silent_conversion_to_an_array() -> None:
    with pytest.raises(TypeError, match="Variable"):
        np.asarray(Variable(np.ones(2)))


# --------------------------------------------------------------------------------------
# Domain errors follow NumPy.


def test_log_of_a_negative_number() -> None:
    x = Variable(-1.0)
    with pytest.warns(RuntimeWarning, match="invalid value"):
        y = ad.log(x)
    assert np.isnan(y.value)
    y.backward()
    assert x.grad == -1.0


def test_division_by_zero_value() -> None:
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        y = 1 / Variable(0.0)
    assert y.value == np.inf


def test_division_by_zero_in_an_array() -> None:
    x = Variable(np.array([0.0, 2.0]))
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        y = ad.sum(1 / x)
    with np.errstate(divide="ignore", invalid="ignore"):  # -inf / 0 may or may not warn
        y.backward()
    assert y.value == np.inf
    assert_allclose(x.grad, [-np.inf, -0.25])


@pytest.mark.parametrize(
    ("f", "grad"),
    [(lambda x: 1 / x, -np.inf), (ad.log, np.inf), (ad.sqrt, np.inf)],
    ids=["reciprocal", "log", "sqrt"],
)
def test_scalar_singularity_gradient_is_inf(f: Callable[[Any], Any], grad: float) -> None:
    x = Variable(0.0)
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        f(x).backward()
    assert x.grad == grad


# --------------------------------------------------------------------------------------
# Nesting by hand: a Variable carrying Duals is forward-over-reverse.


def test_variable_of_duals() -> None:
    x = Variable(Dual(3.0, 1.0))
    y = x * x * x
    y.backward()
    g = x.grad
    assert isinstance(g, Dual)
    assert g.value == pytest.approx(27.0)  # 3x²
    assert g.tangent == pytest.approx(18.0)  # 6x


# --------------------------------------------------------------------------------------
# The catalogue, on Variables.


@pytest.mark.parametrize("inst", INSTANCES, ids=INSTANCE_IDS)
def test_catalogue_values_match_plain_evaluation(inst: Instance) -> None:
    args = inst.sample()
    out = inst.case.scalar(*[Variable(a) for a in args])
    assert isinstance(out, Variable)
    assert_allclose(as_array(out.value), as_array(inst.case.scalar(*args)), rtol=1e-14)


@pytest.mark.parametrize("inst", INSTANCES, ids=INSTANCE_IDS)
def test_catalogue_reverse_gradient(inst: Instance) -> None:
    args = inst.sample()
    reverse = reverse_gradient(inst.case.scalar, args)
    numeric = numeric_gradient(inst.case.scalar, args)
    for r, n, a in zip(reverse, numeric, args, strict=True):
        assert r.shape == np.shape(a)
        assert_allclose(r, n, rtol=1e-6, atol=1e-6)
    if inst.case.grad is not None:
        for r, e in zip(reverse, analytic_gradient(inst.case, args), strict=True):
            assert_allclose(r, e, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("inst", INSTANCES, ids=INSTANCE_IDS)
def test_catalogue_grad_types_follow_the_inputs(inst: Instance) -> None:
    args = inst.sample()
    leaves = [Variable(a) for a in args]
    inst.case.scalar(*leaves).backward()
    for leaf, a in zip(leaves, args, strict=True):
        if isinstance(a, float):
            assert isinstance(leaf.grad, float)
        else:
            assert isinstance(leaf.grad, np.ndarray)
            assert leaf.grad.shape == a.shape


# Operators on plain values build their node directly (Variable._binary); every other
# kind of operand takes the general route. Both must give the same values and gradients.
@pytest.mark.parametrize(
    "other", [3, 3.0, np.float64(3.0), np.int64(3), True, np.array(3.0), [3.0, 3.0]]
)
@pytest.mark.parametrize(
    "op",
    [
        lambda a, b: a + b, lambda a, b: b + a, lambda a, b: a - b, lambda a, b: b - a,
        lambda a, b: a * b, lambda a, b: b * a, lambda a, b: a / b, lambda a, b: b / a,
        lambda a, b: a**b, lambda a, b: b**a,
    ],
)  # fmt: skip
def test_operators_on_every_kind_of_constant(op: Callable[[Any, Any], Any], other: Any) -> None:
    x = Variable(2.0)
    out = ad.sum(op(x, other))
    out.backward()
    reference = op(2.0, np.asarray(other, dtype=np.float64))
    assert_allclose(out.value, np.sum(reference))
    expected = (
        np.sum(op(2.0 + 1e-6, np.asarray(other, dtype=np.float64)))
        - np.sum(op(2.0 - 1e-6, np.asarray(other, dtype=np.float64)))
    ) / 2e-6
    assert_allclose(x.grad, expected, rtol=1e-6)
