"""Misuse of the modules around the engine: each one works or fails with a clear error.

Issue 10's bar: a wrong argument to an optimiser, a layer, a dataset, ``batches``,
``draw`` or ``trace_table`` either works correctly or raises a ``TypeError`` (a value of
the wrong kind) or a ``ValueError`` (a value out of range) whose message names the
function and the argument, says what was given and how to fix the call. Nothing is
silently wrong and nothing hangs.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest

import autodiff as ad
from autodiff import Variable, datasets, nn, optim
from autodiff._text import format_value
from autodiff.datasets import batches, make_blobs
from autodiff.drawing import draw
from autodiff.graph import topological_order
from autodiff.nn import scalar

#: The modules, untyped: the tests pass arguments of the wrong type on purpose.
untyped: Any = datasets
untyped_nn: Any = nn
untyped_scalar: Any = scalar
untyped_trace: Any = ad.trace_table

# --------------------------------------------------------------------------------------
# autodiff.optim


def test_a_bare_variable_is_refused_with_the_fix() -> None:
    # Iterating an array Variable gives three indexing nodes: an optimiser would update
    # them and leave w as it was. PyTorch refuses a bare tensor the same way.
    w = Variable(np.ones(3), name="w")
    for make in (optim.SGD, optim.Adam):
        with pytest.raises(TypeError, match=r"params must be an iterable of Variables.*\[w\]"):
            make(w, lr=0.1)
    with pytest.raises(TypeError, match=r"got a single Variable.*SGD\(\[w\], \.\.\.\)"):
        optim.SGD(Variable(2.0), lr=0.1)  # a scalar: used to fail with "len() of a scalar"


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        (nn.Linear(2, 1, rng=0), TypeError, r"got a Linear; pass its parameters: SGD\(model"),
        ({"w": Variable(1.0)}, TypeError, r"got a dict .*list\(d\.values\(\)\)"),
        ("abc", TypeError, r"params must be an iterable of Variables, but got str 'abc'"),
        (None, TypeError, r"but got NoneType None; pass a list of Variables"),
        (3, TypeError, r"but got int 3; pass a list of Variables, e\.g\. SGD\(\[w\], \.\.\.\)"),
        (np.ones(3), TypeError, r"but got ndarray of shape \(3,\)"),
        ((i for i in [1, 2]), TypeError, r"parameter 0 is int 1, not a Variable"),
        ([[Variable(1.0)]], TypeError, r"parameter 0 is list .*, not a Variable"),
        ([], ValueError, r"SGD got an empty parameter list; pass the Variables"),
    ],
)
def test_params_that_are_not_an_iterable_of_variables_are_refused(
    params: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        optim.SGD(params, lr=0.1)


def test_a_computed_variable_is_not_a_parameter() -> None:
    w = Variable(np.ones(3), name="w")
    with pytest.raises(
        ValueError, match=r"parameter 0 \(.*\) is not a leaf: it was computed by 'mul'"
    ):
        optim.SGD([w * 2.0], lr=0.1)
    with pytest.raises(ValueError, match="is not a leaf"):
        optim.Adam(list(w))  # what iterating a bare Variable gives


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lr": "0.1"}, TypeError, r"SGD: lr must be a real number, not str '0\.1'; pass a number"),
        ({"lr": True}, TypeError, r"SGD: lr must be a real number, not bool True"),
        ({"lr": None}, TypeError, r"lr must be a real number, not NoneType"),
        ({"lr": 1 + 2j}, TypeError, r"lr must be a real number, not complex"),
        ({"lr": np.array([0.1, 0.2])}, TypeError, r"lr must be a real number, not ndarray"),
        ({"lr": Variable(0.1)}, TypeError, r"not Variable of shape \(\); pass a plain number"),
        ({"lr": float("inf")}, ValueError, r"lr must be a finite number >= 0, not inf"),
        ({"lr": float("nan")}, ValueError, r"lr must be a finite number >= 0, not nan"),
        ({"lr": 0.1, "momentum": "a"}, TypeError, r"momentum must be a real number"),
        ({"lr": 0.1, "momentum": np.nan}, ValueError, r"momentum must be a finite number"),
        ({"lr": 0.1, "weight_decay": np.inf}, ValueError, r"weight_decay must be a finite"),
        ({"lr": 0.1, "dampening": False}, TypeError, r"dampening must be a real number, not bool"),
        ({"lr": 0.1, "nesterov": "yes"}, TypeError, r"nesterov must be True or False, not str"),
        ({"lr": 0.1, "nesterov": 1}, TypeError, r"nesterov must be True or False, not int 1"),
    ],
)
def test_sgd_hyperparameters_are_real_numbers(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        optim.SGD([Variable(1.0)], **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"betas": 0.9}, TypeError, r"betas must be a pair \(beta1, beta2\), not float 0\.9; pass"),
        ({"betas": "ab"}, TypeError, r"betas must be a pair \(beta1, beta2\), not str 'ab'"),
        ({"betas": (0.9, 0.9, 0.9)}, ValueError, r"betas must be a pair"),
        ({"betas": (True, 0.9)}, TypeError, r"betas\[0\] must be a real number, not bool"),
        ({"betas": (0.9, np.nan)}, ValueError, r"betas\[1\] must be a finite number in \[0, 1\)"),
        ({"lr": "0.1"}, TypeError, r"Adam: lr must be a real number, not str"),
        ({"lr": True}, TypeError, r"Adam: lr must be a real number, not bool True"),
        ({"eps": np.nan}, ValueError, r"Adam: eps must be a finite number >= 0, not nan"),
        ({"weight_decay": "0"}, TypeError, r"Adam: weight_decay must be a real number"),
    ],
)
def test_adam_hyperparameters_are_checked(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        optim.Adam([Variable(1.0)], **kwargs)


def test_valid_hyperparameters_of_every_numeric_kind_still_work() -> None:
    w = Variable(1.0)
    numbers: Any = (np.float32(0.5), np.int64(0), np.array(0.25), np.bool_(True))
    assert optim.SGD([w], lr=1).lr == 1.0
    assert optim.SGD([w], lr=numbers[0], momentum=numbers[1]).lr == 0.5
    assert optim.SGD([w], lr=numbers[2]).lr == 0.25
    assert optim.SGD([w], lr=0.1, momentum=0.9, nesterov=numbers[3]).nesterov is True
    pairs: Any = ([0.8, 0.9], np.array([0.8, 0.9]))
    assert optim.Adam([w], betas=pairs[0]).betas == (0.8, 0.9)
    assert optim.Adam([w], betas=pairs[1]).betas == (0.8, 0.9)
    assert optim.SGD({w}, lr=0.1).params == [w]  # any iterable of Variables


# --------------------------------------------------------------------------------------
# autodiff.datasets and rng arguments


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: untyped.make_moons(10, noise="a"),
            TypeError,
            r"make_moons: noise must be a real number, not str 'a'",
        ),
        (
            lambda: untyped.make_moons(10, noise=None),
            TypeError,
            r"noise must be a real number, not NoneType",
        ),
        (
            lambda: untyped.make_moons(10, noise=True),
            TypeError,
            r"noise must be a real number, not bool",
        ),
        (
            lambda: untyped.make_moons(10, noise=np.nan),
            ValueError,
            r"noise must be a finite number >= 0, not nan",
        ),
        (
            lambda: untyped.make_moons(10, noise=np.array([0.1, 0.2])),
            TypeError,
            r"noise must be a real number, not ndarray",
        ),
        (
            lambda: untyped.make_moons(10.0),
            TypeError,
            r"n_samples must be an int, not float 10\.0; pass n_samples=10",
        ),
        (lambda: untyped.make_moons(True), TypeError, r"n_samples must be an int, not bool True"),
        (
            lambda: untyped.make_moons(-5),
            ValueError,
            r"make_moons: n_samples must be a positive int, not -5",
        ),
        (
            lambda: untyped.make_moons(10, shuffle="no"),
            TypeError,
            r"shuffle must be True or False, not str 'no'",
        ),
        (
            lambda: untyped.make_moons(10, rng=-1),
            ValueError,
            r"make_moons: rng must be a non-negative int seed, not -1",
        ),
        (
            lambda: untyped.make_moons(10, rng=np.random.RandomState(0)),
            TypeError,
            r"not RandomState; .*np\.random\.default_rng\(seed\)",
        ),
        (
            lambda: untyped.make_linear(10, w="a"),
            TypeError,
            r"make_linear: w must be real numbers, not str 'a'",
        ),
        (
            lambda: untyped.make_linear(10, w=True),
            TypeError,
            r"w must be real numbers, not bool True",
        ),
        (lambda: untyped.make_linear(10, w=[1 + 2j]), TypeError, r"w must be real numbers"),
        (
            lambda: untyped.make_linear(10, w=Variable(1.0)),
            TypeError,
            r"w must be numbers, not a Variable; pass its \.value",
        ),
        (
            lambda: untyped.make_linear(10, w=[1.0, np.nan]),
            ValueError,
            r"w must hold finite numbers",
        ),
        (lambda: untyped.make_linear(10, w=np.inf), ValueError, r"w must hold finite numbers"),
        (
            lambda: untyped.make_linear(10, w=1.0, b="a"),
            TypeError,
            r"make_linear: b must be a real number, not str",
        ),
        (
            lambda: untyped.make_linear(10, w=1.0, b=[1, 2]),
            TypeError,
            r"b must be a real number, not list",
        ),
        (
            lambda: untyped.make_linear(10, w=1.0, b=np.nan),
            ValueError,
            r"b must be a finite number, not nan",
        ),
        (
            lambda: untyped.make_blobs(10, centers=[[0, 0], [1]]),
            TypeError,
            r"make_blobs: centers must be real numbers",
        ),
        (
            lambda: untyped.make_blobs(10, centers="ab"),
            TypeError,
            r"centers must be real numbers, not str",
        ),
        (
            lambda: untyped.make_blobs(10, cluster_std="a"),
            TypeError,
            r"cluster_std must be a real number",
        ),
        (
            lambda: untyped.make_blobs(10, margin=True),
            TypeError,
            r"margin must be a real number, not bool",
        ),
        (
            lambda: untyped.make_blobs(0),
            ValueError,
            r"make_blobs: n_samples must be a positive int, not 0",
        ),
    ],
)
def test_dataset_arguments_are_checked(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_make_blobs_refuses_non_finite_centres_instead_of_looping_forever(bad: float) -> None:
    with pytest.raises(ValueError, match=r"make_blobs: centers must hold finite numbers"):
        make_blobs(10, centers=[[0.0, 0.0], [bad, 1.0]])


def test_make_blobs_refuses_centres_whose_distance_overflows() -> None:
    # finite centres, but |c1 - c0| overflows to inf: the band test would never pass
    with pytest.raises(ValueError, match="too far apart to compute their distance"):
        make_blobs(10, centers=[[0.0, 0.0], [1e308, 1e308]])


def test_make_blobs_stops_after_a_bounded_number_of_rounds() -> None:
    # margin is half the distance up to the last ulp, and cluster_std=0: every point
    # is the centre itself, which rounding puts just inside the band. It used to loop
    # forever; it now gives up after _MAX_ROUNDS rounds with a RuntimeError.
    centers = [
        [-0.45772582566733916, 0.2201951234700494],
        [-1.009618183538736, -0.20917557487171307],
    ]
    with pytest.raises(RuntimeError, match=r"make_blobs: after 100 rounds .*pass a smaller margin"):
        make_blobs(10, centers=centers, margin=0.34962278646826733, cluster_std=0.0, rng=0)


def test_batches_checks_its_arguments_when_called_not_when_iterated() -> None:
    X, y = np.zeros((5, 2)), np.zeros(5)
    # each of these used to return a generator that failed (or yielded nothing) later
    with pytest.raises(ValueError, match=r"batches: batch_size must be a positive int, not 0"):
        batches(X, y, 0)
    with pytest.raises(
        TypeError, match=r"batch_size must be an int, not float 2\.0; pass batch_size=2"
    ):
        batches(X, y, 2.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"batch_size must be an int, not bool True"):
        batches(X, y, True)
    with pytest.raises(ValueError, match=r"same number of samples .*\(5, 2\) and \(4,\)"):
        batches(X, y[:4], 2)
    with pytest.raises(TypeError, match=r"batches: rng must be a numpy\.random\.Generator"):
        batches(X, y, 2, rng="a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"batches: shuffle must be True or False"):
        batches(X, y, 2, shuffle="no")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"X must be an array of samples \(one per row\), not float"
    ):
        batches(5.0, y, 2)
    with pytest.raises(ValueError, match=r"X and y hold no samples"):
        batches([], [], 2)
    with pytest.raises(
        TypeError, match=r"X must be data \(an array\), not a Variable; pass its \.value"
    ):
        batches(Variable(X), y, 2)


def test_batches_still_yields_every_sample_once() -> None:
    X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    it = batches(X, y, np.int64(2), rng=np.random.default_rng(0))  # type: ignore[arg-type]
    assert sorted(int(i) for _, yb in it for i in yb) == [0, 1, 2, 3, 4]


# --------------------------------------------------------------------------------------
# autodiff.draw


def _chain(steps: int) -> Variable:
    """A graph of ``2 * steps + 1`` Variables: ``z ← sin(z) · z``, ``steps`` times."""
    z = Variable(0.5, name="z")
    for _ in range(steps):
        z = ad.sin(z) * z
    return z


def test_draw_refuses_a_graph_over_the_node_limit_and_says_how_to_raise_it() -> None:
    at_limit = _chain(249)  # 499 Variables
    assert len(topological_order(at_limit)) == 499
    assert "n498" in draw(at_limit).source  # under the default limit of 500: drawn
    over = _chain(250)  # 501 Variables
    with pytest.raises(
        ValueError,
        match=r"draw: the graph has 501 nodes, more than max_nodes=500; .*"
        r"raise the limit: draw\(y, max_nodes=501\)",
    ):
        draw(over)
    assert "n500" in draw(over, max_nodes=501).source  # the fix the message gives works
    with pytest.raises(ValueError, match=r"the graph has 3 nodes, more than max_nodes=2"):
        draw(Variable(1.0) * Variable(2.0), max_nodes=2)
    assert draw(Variable(1.0), max_nodes=1).source.count("label=") == 1


def test_a_10000_node_graph_is_refused_at_once() -> None:
    # Graphviz takes over a minute to lay this out; draw refuses it before building it.
    x = Variable(np.arange(5000.0))
    y = ad.sum(ad.stack([x[i] for i in range(5000)]))
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"the graph has 5003 nodes"):
        draw(y)
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"rankdir": "XY"},
            ValueError,
            r"draw: rankdir must be 'LR', 'RL', 'TB' or 'BT', not 'XY'",
        ),
        ({"rankdir": 1}, TypeError, r"draw: rankdir must be 'LR', 'RL', 'TB' or 'BT', not int 1"),
        ({"precision": -1}, ValueError, r"draw: precision must be a positive int, not -1"),
        ({"precision": 0}, ValueError, r"draw: precision must be a positive int, not 0"),
        ({"precision": 2.5}, TypeError, r"draw: precision must be an int, not float 2\.5"),
        ({"precision": True}, TypeError, r"draw: precision must be an int, not bool True"),
        ({"precision": "3"}, TypeError, r"draw: precision must be an int, not str '3'"),
        ({"show_grad": "no"}, TypeError, r"draw: show_grad must be True, False or None"),
        ({"show_grad": 1}, TypeError, r"show_grad must be True, False or None .*not int 1"),
        ({"max_nodes": 0}, ValueError, r"draw: max_nodes must be a positive int, not 0"),
        (
            {"max_nodes": 1e4},
            TypeError,
            r"draw: max_nodes must be an int, not float 10000\.0; pass max_nodes=10000",
        ),
        ({"max_nodes": None}, TypeError, r"draw: max_nodes must be an int, not NoneType"),
    ],
)
def test_draw_arguments_are_checked(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    x = Variable(2.0, name="x")
    with pytest.raises(error, match=message):
        draw(x * x, **kwargs)


def test_draw_refuses_a_non_variable_and_format_value_checks_its_settings() -> None:
    with pytest.raises(TypeError, match=r"draw needs a Variable .*, not float 1\.0"):
        draw(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"format_value: precision must be a positive int, not -1"):
        format_value(1.0, precision=-1)
    with pytest.raises(ValueError, match=r"format_value: width must be a positive int, not 0"):
        format_value(np.ones(3), width=0)
    assert format_value(np.float64(0.5), precision=np.int64(2)) == "0.5"  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# autodiff.nn and autodiff.nn.scalar


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: untyped_nn.MLP(3),
            TypeError,
            r"MLP: sizes must be a list of ints such as \[2, 16, 1\], not int 3",
        ),
        (lambda: untyped_nn.MLP("abc"), TypeError, r"MLP: sizes must be a list of ints .*not str"),
        (
            lambda: untyped_nn.MLP({2: 1, 3: 1}),
            TypeError,
            r"MLP: sizes must be a list of ints .*not dict",
        ),
        (lambda: untyped_nn.MLP({2, 3}), TypeError, r"MLP: sizes must be a list of ints .*not set"),
        (
            lambda: untyped_nn.MLP([2, 3.0, 1]),
            TypeError,
            r"MLP: sizes\[1\] must be an int, not float 3\.0",
        ),
        (
            lambda: untyped_nn.MLP([2, True, 1]),
            TypeError,
            r"MLP: sizes\[1\] must be an int, not bool True",
        ),
        (
            lambda: untyped_nn.MLP([2, -1]),
            ValueError,
            r"MLP: sizes\[1\] must be a positive int, not -1",
        ),
        (
            lambda: untyped_nn.MLP([]),
            ValueError,
            r"MLP needs at least two sizes \[in, \.\.\., out\]",
        ),
        (
            lambda: untyped_nn.MLP([2, 1], activation=None),
            TypeError,
            r"MLP: activation must be a name, one of 'tanh'",
        ),
        (
            lambda: untyped_nn.MLP([2, 1], activation=np.tanh),
            TypeError,
            r"activation must be a name.*not ufunc",
        ),
        (
            lambda: untyped_nn.MLP([2, 1], activation="gelu"),
            ValueError,
            r"MLP: unknown activation 'gelu'; choose one of",
        ),
        (
            lambda: untyped_nn.MLP([2, 1], rng="a"),
            TypeError,
            r"MLP: rng must be a numpy\.random\.Generator",
        ),
        (
            lambda: untyped_nn.Linear(0, 1),
            ValueError,
            r"Linear: in_features must be a positive int, not 0",
        ),
        (
            lambda: untyped_nn.Linear(2, 0),
            ValueError,
            r"Linear: out_features must be a positive int, not 0",
        ),
        (
            lambda: untyped_nn.Linear(2.0, 1),
            TypeError,
            r"Linear: in_features must be an int, not float 2\.0; pass in_features=2",
        ),
        (
            lambda: untyped_nn.Linear(2, 1, bias="no"),
            TypeError,
            r"Linear: bias must be True or False, not str 'no'",
        ),
        (
            lambda: untyped_nn.Linear(2, 1, bias=None),
            TypeError,
            r"Linear: bias must be True or False, not NoneType",
        ),
        (
            lambda: untyped_nn.Linear(2, 1, rng=np.random.RandomState(0)),
            TypeError,
            r"Linear: rng .*not RandomState",
        ),
        (
            lambda: untyped_nn.Perceptron(True),
            TypeError,
            r"Perceptron: in_features must be an int, not bool",
        ),
        (
            lambda: untyped_nn.Sequential(nn.ReLU),
            TypeError,
            r"Sequential: item 0 is a type, not a Module; pass an instance, ReLU\(\.\.\.\)",
        ),
        (
            lambda: untyped_nn.Sequential([nn.ReLU()]),
            TypeError,
            r"item 0 is a list, not a Module; .*Sequential\(\*modules\)",
        ),
        (
            lambda: untyped_nn.Sequential(nn.ReLU())["a"],
            TypeError,
            r"Sequential indices must be ints \(or slices\), not str",
        ),
        (
            lambda: untyped_nn.Sequential(nn.ReLU())[True],
            TypeError,
            r"Sequential indices must be ints",
        ),
        (
            lambda: untyped_nn.Sequential(nn.ReLU())[5],
            IndexError,
            r"Sequential index 5 is out of range for 1 module",
        ),
        (lambda: untyped_nn.init_uniform("a", 2, 2), TypeError, r"init_uniform: rng must be"),
        (
            lambda: untyped_nn.init_uniform(np.random.default_rng(0), 0, 2),
            ValueError,
            r"init_uniform: in_features must be a positive int",
        ),
    ],
)
def test_nn_constructor_arguments_are_checked(
    call: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_valid_nn_arguments_of_every_kind_still_work() -> None:
    assert untyped_nn.MLP(np.array([2, 3, 1]), rng=0).sizes == [2, 3, 1]
    assert nn.MLP((2, 3), rng=0).sizes == [2, 3]
    assert nn.MLP(range(2, 5), rng=0).sizes == [2, 3, 4]
    layer = nn.Linear(np.int64(2), np.int64(1), bias=np.bool_(False), rng=np.int64(0))  # type: ignore[arg-type]
    assert layer.bias is None
    assert nn.init_uniform(0, 2, 1)[0].shape == (1, 2)  # type: ignore[arg-type]
    seq = nn.Sequential(nn.ReLU(), nn.Tanh())
    assert isinstance(seq[np.int64(-1)], nn.Tanh)  # type: ignore[index]
    untyped_seq: Any = seq
    assert untyped_seq[0:1] == seq._modules[0:1]


def test_a_parameter_can_only_be_replaced_by_a_variable() -> None:
    layer = nn.Linear(2, 1, rng=0)
    with pytest.raises(
        TypeError,
        match=r"Linear: cannot assign ndarray .* to the parameter 'weight' \(a Variable or None expected\); .*weight\.value",
    ):
        layer.weight = np.zeros((1, 2))  # type: ignore[assignment]
    assert layer.parameters()[0] is layer.weight  # the weight is still a parameter
    # PyTorch's update idiom outside no_grad: the weight would become a graph node
    with pytest.raises(
        TypeError,
        match=r"cannot assign the result of 'sub' to the parameter 'weight'.*weight\.value -= lr \* weight\.grad",
    ):
        layer.weight = layer.weight - 0.1 * np.ones((1, 2))
    outer = nn.Sequential()
    outer.inner = nn.ReLU()
    with pytest.raises(
        TypeError,
        match=r"Sequential: cannot assign int 3 to the sub-module 'inner' \(a Module or None expected\)",
    ):
        outer.inner = 3
    # replacing a parameter by a new leaf, or removing it, is fine
    layer.weight = Variable(np.ones((1, 2)))
    assert layer.weight.name == "weight"
    layer.bias = None
    assert len(layer.parameters()) == 1


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda p, X, y: p.perceptron_rule(X, y, lr="a"),
            TypeError,
            r"perceptron_rule: lr must be a real number, not str",
        ),
        (
            lambda p, X, y: p.perceptron_rule(X, y, lr=-1.0),
            ValueError,
            r"perceptron_rule: lr must be a finite number >= 0",
        ),
        (
            lambda p, X, y: p.perceptron_rule(X, y, lr=0),
            ValueError,
            r"lr must be positive, not 0 \(the weights would never move\)",
        ),
        (
            lambda p, X, y: p.perceptron_rule(X, y, lr=np.nan),
            ValueError,
            r"lr must be a finite number",
        ),
        (
            lambda p, X, y: p.perceptron_rule(X * np.nan, y),
            ValueError,
            r"perceptron_rule: x holds NaN or inf",
        ),
        (
            lambda p, X, y: p.perceptron_rule(X.astype(str), y),
            TypeError,
            r"perceptron_rule: x must be real numbers, not an array of dtype <U",
        ),
        (
            lambda p, X, y: p.perceptron_rule(X, 2 * y - 1),
            ValueError,
            r"labels in \{0, 1\}.*pass \(y \+ 1\) // 2",
        ),
    ],
)
def test_perceptron_rule_arguments_are_checked(
    call: Any, error: type[Exception], message: str
) -> None:
    X, y = np.array([[-1.0, 0.0], [1.0, 0.0]]), np.array([0, 1])
    with pytest.raises(error, match=message):
        call(nn.Perceptron(2, rng=0), X, y)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: untyped_scalar.Neuron(0),
            ValueError,
            r"Neuron: in_features must be a positive int, not 0",
        ),
        (
            lambda: untyped_scalar.Neuron(2, activation=1),
            TypeError,
            r"Neuron: activation must be a name",
        ),
        (
            lambda: untyped_scalar.Neuron.from_values([1.0], "a"),
            TypeError,
            r"Neuron\.from_values: bias must be a real number, not str",
        ),
        (
            lambda: untyped_scalar.Neuron.from_values(["a"], 0.0),
            TypeError,
            r"Neuron\.from_values: weights must be real numbers",
        ),
        (
            lambda: untyped_scalar.Neuron.from_values([], 0.0),
            ValueError,
            r"weights must be a non-empty sequence of numbers",
        ),
        (
            lambda: untyped_scalar.Neuron.from_values([np.nan], 0.0),
            ValueError,
            r"weights must hold finite numbers",
        ),
        (
            lambda: untyped_scalar.Neuron(2, rng=0)(1.0),
            TypeError,
            r"Neuron takes one sample: a sequence of 2 numbers or scalar Variables, not float",
        ),
        (
            lambda: untyped_scalar.Neuron(2, rng=0)(["a", "b"]),
            TypeError,
            r"Neuron: input 0 must be a real number, not str 'a'",
        ),
        (
            lambda: untyped_scalar.Neuron(2, rng=0)([1.0]),
            ValueError,
            r"Neuron expects 2 inputs, got 1",
        ),
        (
            lambda: untyped_scalar.Layer(2, 3, activation="x"),
            ValueError,
            r"Layer: unknown activation 'x'",
        ),
        (
            lambda: untyped_scalar.Layer(2, 3, rng=0)(["a", "b"]),
            TypeError,
            r"Layer: input 0 must be a real number",
        ),
        (lambda: untyped_scalar.MLP(3), TypeError, r"scalar\.MLP: sizes must be a list of ints"),
        (
            lambda: untyped_scalar.MLP([2, 1], rng=0)(np.zeros((3, 2))),
            ValueError,
            r"not an array of shape \(3, 2\); for a batch, loop over its rows",
        ),
        (
            lambda: untyped_scalar.MLP([2, 1], rng=0)([Variable(np.ones(2)), 1.0]),
            ValueError,
            r"input 0 is a Variable of shape \(2,\)",
        ),
    ],
)
def test_scalar_network_arguments_are_checked(
    call: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_scalar_networks_still_take_numbers_and_scalar_variables() -> None:
    model = scalar.MLP([2, 3, 1], rng=0)
    x = Variable(0.5)
    [a] = model([x, np.float64(-1.0)])
    [b] = model(np.array([0.5, -1.0]))
    [c] = model((0.5, -1))
    assert a.value == b.value == c.value
    n = scalar.Neuron.from_values(np.array([1.0, 2.0]), np.float32(0.5), activation=None)  # type: ignore[arg-type]
    assert n([1, 1]).value == 3.5


# --------------------------------------------------------------------------------------
# autodiff.trace_table


def _f(x1: Any, x2: Any) -> Any:
    return x1 * x2


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: untyped_trace(3.0, 3.0),
            TypeError,
            r"trace_table: f must be a function, not float 3\.0; pass the function first",
        ),
        (
            lambda: untyped_trace(_f, 1.0, 2.0, mode=None),
            TypeError,
            r"trace_table: mode must be 'forward' or 'reverse', not NoneType",
        ),
        (
            lambda: untyped_trace(_f, 1.0, 2.0, mode="sideways"),
            ValueError,
            r"mode must be 'forward' or 'reverse', not 'sideways'",
        ),
        (
            lambda: untyped_trace(_f, 1.0, 2.0, wrt=1.0),
            TypeError,
            r"trace_table: wrt must be an int, the index of an argument, not float",
        ),
        (
            lambda: untyped_trace(_f, 1.0, 2.0, wrt=True),
            TypeError,
            r"wrt must be an int.*not bool True",
        ),
        (
            lambda: untyped_trace(_f, 1.0, 2.0, wrt="0"),
            TypeError,
            r"wrt must be an int.*not str '0'",
        ),
        (
            lambda: untyped_trace(_f, 1.0, 2.0, wrt=2),
            ValueError,
            r"wrt=2 is out of range for 2 argument\(s\); pass an index from 0 to 1",
        ),
        (
            lambda: untyped_trace(_f, 1.0, 2.0, mode="reverse", wrt=1),
            ValueError,
            r"wrt=1 is for forward mode; .*drop wrt",
        ),
        (
            lambda: untyped_trace(_f, 1.0),
            TypeError,
            r"f cannot take 1 argument\(s\) \(missing a required argument: 'x2'\)",
        ),
        (lambda: untyped_trace(lambda x: x, 1.0, 2.0), TypeError, r"f cannot take 2 argument\(s\)"),
        (
            lambda: untyped_trace(lambda x: x, "a"),
            TypeError,
            r"trace_table: argument 0 needs a real number",
        ),
        (
            lambda: untyped_trace(lambda x: None, 1.0),
            TypeError,
            r"f returned NoneType None, .*did you forget `return`\?",
        ),
        (
            lambda: untyped_trace(lambda x: {"y": x}, 1.0),
            TypeError,
            r"f returned dict .*; return a single value",
        ),
        (
            lambda: untyped_trace(lambda x: (x for _ in "a"), 1.0),
            TypeError,
            r"f returned generator",
        ),
        (
            lambda: untyped_trace(lambda x: "x", 1.0, mode="reverse"),
            TypeError,
            r"f returned str 'x'",
        ),
    ],
)
def test_trace_table_arguments_are_checked(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_trace_table_valid_arguments_still_work() -> None:
    assert untyped_trace(_f, 2.0, 5.0, wrt=np.int64(-1)).rows[-1].derivative == 2.0
    assert ad.trace_table(_f, 2.0, 5.0, mode="reverse", wrt=0).rows[-1].derivative == 1.0
    assert ad.trace_table(lambda *xs: xs[0] * xs[1], 2.0, 5.0).rows[-1].derivative == 5.0
