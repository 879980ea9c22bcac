"""The recorded graph: topological order and backpropagation through deep graphs."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff import Variable, topological_order


def _mlp(x: Variable, w: Variable, b: Variable) -> Variable:
    h = ad.tanh(x @ w + b)
    return ad.sum(h * h + ad.sigmoid(h) * x[:, :1])


def _graphs() -> list[tuple[str, Callable[[], tuple[Variable, list[Variable]]]]]:
    def chain() -> tuple[Variable, list[Variable]]:
        x = Variable(0.5, name="x")
        return ad.exp(ad.sin(x) * 2) + 1, [x]

    def diamond() -> tuple[Variable, list[Variable]]:
        x = Variable(0.5, name="x")
        a = x.sin()
        b = x.cos()
        return a * b + a - b, [x]

    def square() -> tuple[Variable, list[Variable]]:
        x = Variable(3.0, name="x")
        return x * x, [x]

    def mlp() -> tuple[Variable, list[Variable]]:
        rng = np.random.default_rng(0)
        x = Variable(rng.normal(size=(4, 3)), name="x")
        w = Variable(rng.normal(size=(3, 2)), name="w")
        b = Variable(rng.normal(size=(2,)), name="b")
        return _mlp(x, w, b), [x, w, b]

    def leaf() -> tuple[Variable, list[Variable]]:
        x = Variable(1.0, name="x")
        return x, [x]

    return [
        ("chain", chain),
        ("diamond", diamond),
        ("square", square),
        ("mlp", mlp),
        ("leaf", leaf),
    ]


GRAPHS = _graphs()


def _reachable(output: Variable) -> set[int]:
    seen = {id(output)}
    todo = [output]
    while todo:
        node = todo.pop()
        for p in node.parents:
            if id(p) not in seen:
                seen.add(id(p))
                todo.append(p)
    return seen


def _signature(order: list[Variable]) -> list[tuple[str, tuple[int, ...]]]:
    """The order as (op, positions of the parents): independent of names and ids."""
    position = {id(v): k for k, v in enumerate(order)}
    return [(v.op, tuple(position[id(p)] for p in v.parents)) for v in order]


@pytest.mark.parametrize(("name", "build"), GRAPHS, ids=[g[0] for g in GRAPHS])
def test_topological_order_properties(
    name: str, build: Callable[[], tuple[Variable, list[Variable]]]
) -> None:
    output, inputs = build()
    order = topological_order(output)
    ids = [id(v) for v in order]
    assert all(isinstance(v, Variable) for v in order)
    assert len(ids) == len(set(ids)), "a node appears twice"
    assert set(ids) == _reachable(output), "not exactly the nodes the output depends on"
    assert order[-1] is output
    position = {id(v): k for k, v in enumerate(order)}
    for v in order:
        for p in v.parents:
            assert position[id(p)] < position[id(v)], "a parent comes after its user"
    for x in inputs:
        assert id(x) in position


@pytest.mark.parametrize(("name", "build"), GRAPHS, ids=[g[0] for g in GRAPHS])
def test_topological_order_is_deterministic(
    name: str, build: Callable[[], tuple[Variable, list[Variable]]]
) -> None:
    output, _ = build()
    first = topological_order(output)
    assert [id(v) for v in topological_order(output)] == [id(v) for v in first]
    other, _ = build()
    assert _signature(topological_order(other)) == _signature(first)


def test_topological_order_of_x_times_x_lists_x_once() -> None:
    x = Variable(3.0)
    y = x * x
    assert topological_order(y) == [x, y]


def test_topological_order_leaves_out_constants_and_unrelated_nodes() -> None:
    x, unrelated = Variable(1.0), Variable(2.0)
    _ = unrelated * x  # another user of x, not part of y
    y = 3.0 * x + np.ones(2)
    assert topological_order(y) == [x, y.parents[0], y]


_SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import autodiff as ad
    from autodiff import Variable, topological_order

    x = Variable(np.arange(3.0), name="x")
    w = Variable(np.ones((3, 2)), name="w")
    h = ad.tanh(x @ w)
    y = ad.sum(h * h + h[0] * x[1] - ad.exp(x).sum())
    print(" ".join(f"{v.name}:{v.op}" for v in topological_order(y)))
    """
)


def test_topological_order_is_the_same_in_every_process() -> None:
    root = Path(ad.__file__).resolve().parent.parent
    outputs = []
    for hash_seed in ("1", "2", "12345"):
        env = {
            **os.environ,
            "PYTHONHASHSEED": hash_seed,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
        }
        result = subprocess.run(
            [sys.executable, "-c", _SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        outputs.append(result.stdout)
    assert outputs[0].strip()
    assert outputs[0] == outputs[1] == outputs[2]


# --------------------------------------------------------------------------------------
# Deep and wide graphs: no recursion, correct gradients.


def test_deeper_than_the_recursion_limit() -> None:
    depth = 3 * sys.getrecursionlimit() + 17
    x = Variable(0.3)
    y = x
    for _ in range(depth):
        y = ad.tanh(y * 0.5 + 0.25)
    order = topological_order(y)
    assert len(order) == 3 * depth + 1
    y.backward()
    # the same chain by hand: dy/dx is a product of local derivatives
    value, expected = 0.3, 1.0
    for _ in range(depth):
        value = math.tanh(value * 0.5 + 0.25)
        expected *= 0.5 * (1 - value**2)
    assert y.value == pytest.approx(value, rel=1e-12)
    assert x.grad == pytest.approx(expected, rel=1e-9)


def test_deep_second_derivative() -> None:
    depth = 2 * sys.getrecursionlimit()

    def f(x: Any) -> Any:
        for _ in range(depth):
            x = x * 1.001
        return x * x

    c = 1.001**depth
    assert ad.grad(ad.grad(f))(0.7) == pytest.approx(2 * c * c, rel=1e-9)


def test_wide_fan_out() -> None:
    x = Variable(1.5)
    terms = [x * float(k) for k in range(10_000)]
    total: Any = terms[0]
    for t in terms[1:]:
        total = total + t
    total.backward()
    assert x.grad == pytest.approx(sum(range(10_000)), rel=1e-12)


def test_backward_reaches_every_input() -> None:
    output, inputs = GRAPHS[3][1]()  # the MLP
    output.backward()
    rng = np.random.default_rng(0)
    values = [rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    for k, v in enumerate(inputs):
        assert_allclose(v.value, values[k], rtol=0)

    def f(x: Any, w: Any, b: Any) -> Any:
        h = np.tanh(x @ w + b)
        return float(np.sum(h * h + 1 / (1 + np.exp(-h)) * x[:, :1]))

    for k, v in enumerate(inputs):
        numeric = np.zeros_like(values[k])
        for j in range(values[k].size):
            up = [a.copy() for a in values]
            down = [a.copy() for a in values]
            up[k].flat[j] += 1e-6
            down[k].flat[j] -= 1e-6
            numeric.flat[j] = (f(*up) - f(*down)) / 2e-6
        assert_allclose(v.grad, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.slow
def test_million_node_chain() -> None:
    """A chain of 1,000,000 recorded operations: backward without RecursionError."""
    n = 1_000_000
    c = 1.0 + 1e-7
    x = Variable(0.3)
    y = x
    for _ in range(n):
        y = y * c
    y.backward()
    assert x.grad == pytest.approx(c**n, rel=1e-8)  # e^0.1 ≈ 1.105
    assert y.value == pytest.approx(0.3 * c**n, rel=1e-8)
    del y  # freeing the deep chain must not crash either


# -- gradients are arrays of their own ---------------------------------------------------
# A pass-through partial (x + y) sends the cotangent on unchanged, and sum's rule returns
# a read-only broadcast view: neither may leak into what the caller is handed.


def test_pass_through_gradients_do_not_alias_the_seed_or_each_other() -> None:
    x, y = Variable(np.ones(3)), Variable(np.ones(3))
    seed = np.array([1.0, 2.0, 3.0])
    (x + y).backward(seed)
    assert_allclose(x.grad, seed)
    assert_allclose(y.grad, seed)
    assert x.grad is not seed
    assert y.grad is not seed
    assert x.grad is not y.grad
    x.grad[0] = 100.0  # writable, and mutating it changes nothing else
    assert seed[0] == 1.0
    assert y.grad[0] == 1.0


def test_gradient_of_a_sum_is_a_writable_array_of_its_own() -> None:
    x = Variable(np.ones((2, 3)))
    (x - 1.0).sum().backward()
    assert x.grad.flags.writeable
    assert x.grad.base is None
    assert_allclose(x.grad, np.ones((2, 3)))
    g = ad.grad(lambda v: ad.sum(v + 1.0))(np.zeros(4))
    assert g.flags.writeable
    assert g.base is None


def test_a_pullback_does_not_return_the_cotangent_itself() -> None:
    _, pullback = ad.vjp(lambda a, b: a - b, np.ones(2), np.ones(2))
    ct = np.array([1.0, -2.0])
    ga, gb = pullback(ct)
    assert_allclose(ga, ct)
    assert_allclose(gb, -ct)
    assert ga is not ct
    _, identity = ad.vjp(lambda a: a, np.ones(2))
    assert identity(ct)[0] is not ct


def test_grad_frees_the_forward_values_as_the_reverse_sweep_goes() -> None:
    # grad's graph is its own, so its sweep cuts each node from its operands once the
    # node is done: an intermediate value is freed as soon as no rule needs it, as in
    # hand-written backprop (and PyTorch), instead of living to the end of the sweep.
    import weakref

    from autodiff.primitives import Primitive, apply

    refs: list[weakref.ref[Any]] = []
    freed: list[list[bool]] = []

    def probe_partial(out: Any, x: Any) -> float:  # the first op: the sweep's last rule
        freed.append([r() is None for r in refs])
        return 1.0

    probe = Primitive("probe", lambda x: x * 1.0, partials=(probe_partial,), display="{0}")

    def f(x: Any) -> Any:
        a = apply(probe, x) * 2.0
        refs.append(weakref.ref(a.value))
        b = ad.sin(a)
        refs.append(weakref.ref(b.value))
        return ad.sum(b)

    x = np.linspace(0.0, 1.0, 5)
    assert_allclose(ad.grad(f)(x), 2.0 * np.cos(2.0 * x))
    assert freed == [[True, True]]
