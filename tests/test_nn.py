"""``autodiff.nn``: modules, layers, losses, the scalar networks, and the three exercises.

Gradients are checked two ways: the parameters' ``.grad`` after ``backward()`` against
central differences, and the layer as a function of its parameters (swapped for traced
values) through ``check_grad``, which compares reverse mode, forward mode and central
differences. Reference values of the losses are written with NumPy alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff import Variable, nn, optim
from autodiff.datasets import make_blobs, make_linear, make_moons
from autodiff.nn import scalar
from autodiff.testing import central_difference

# --------------------------------------------------------------------------------------
# Helpers: a module as a function of its parameters.


def _resolve(module: Any, path: list[str]) -> Any:
    obj = module
    for part in path:
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    return obj


def _swap(module: nn.Module, name: str, value: Any) -> None:
    """Put ``value`` where the parameter called ``name`` is (without renaming anything)."""
    *path, last = name.split(".")
    owner = _resolve(module, path)
    if last.isdigit():
        owner[int(last)] = value
    else:
        object.__setattr__(owner, last, value)


def _output(module: nn.Module, x: Any) -> Any:
    out = module(x)
    return ad.stack(out) if isinstance(out, list) else out


def as_function(module: nn.Module, x: Any, weights: Any) -> Callable[..., Any]:
    """``params ↦ Σ weights · module(x)`` with the module's parameters replaced."""
    names = [name for name, _ in module.named_parameters()]
    originals = module.parameters()

    def f(*params: Any) -> Any:
        try:
            for name, p in zip(names, params, strict=True):
                _swap(module, name, p)
            return ad.sum(weights * _output(module, x))
        finally:
            for name, p in zip(names, originals, strict=True):
                _swap(module, name, p)

    return f


def check_module_gradients(module: nn.Module, x: Any, seed: int = 0) -> None:
    """``backward()`` on the module against central differences and ``check_grad``."""
    rng = np.random.default_rng(seed)
    weights = rng.uniform(-1.0, 1.0, size=np.shape(_output(module, x).value))
    values = [p.value for p in module.parameters()]
    f = as_function(module, x, weights)

    module.zero_grad()
    ad.sum(weights * _output(module, x)).backward()
    numeric = central_difference(f, *values)
    for p, n in zip(module.parameters(), numeric, strict=True):
        assert np.shape(p.grad) == np.shape(p.value)
        assert_allclose(p.grad, n, rtol=1e-6, atol=1e-8, err_msg=p.name)
    assert ad.check_grad(f, *values) < 1e-6


# --------------------------------------------------------------------------------------
# Module: parameters, names, zero_grad, repr.


class Affine(nn.Module):
    def __init__(self, n: int) -> None:
        self.scale = Variable(np.ones(n))
        self.shift = Variable(np.zeros(n))

    def forward(self, x: Any) -> Any:
        return x * self.scale + self.shift


class Net(nn.Module):
    def __init__(self) -> None:
        self.first = Affine(2)
        self.hidden = nn.Linear(2, 3, rng=0)
        self.blocks = [Affine(3), Affine(3)]
        self._cache = Variable(5.0)  # private: not a parameter

    def forward(self, x: Any) -> Any:
        h = self.hidden(self.first(x))
        for block in self.blocks:
            h = block(h)
        return h


def test_every_public_name_is_importable_from_autodiff_nn_with_an_example() -> None:
    # nn/__init__.py only re-exports: each name lives in one of the package's files.
    assert sorted(nn.__all__) == [
        "Linear",
        "MLP",
        "Module",
        "Perceptron",
        "ReLU",
        "Sequential",
        "Sigmoid",
        "Tanh",
        "binary_cross_entropy_with_logits",
        "cross_entropy",
        "hinge_loss",
        "init_uniform",
        "log_softmax",
        "mse_loss",
        "softmax",
    ]
    for name in nn.__all__:
        obj = getattr(nn, name)
        assert obj.__module__.startswith("autodiff.nn."), name
        assert ">>>" in (obj.__doc__ or ""), name


def test_parameters_in_assignment_order_with_dotted_names() -> None:
    net = Net()
    expected = [
        "first.scale",
        "first.shift",
        "hidden.weight",
        "hidden.bias",
        "blocks.0.scale",
        "blocks.0.shift",
        "blocks.1.scale",
        "blocks.1.shift",
    ]
    assert [name for name, _ in net.named_parameters()] == expected
    # the Variables carry the same names (drawings and trace tables show them)
    assert [p.name for p in net.parameters()] == expected
    assert all(isinstance(p, Variable) for p in net.parameters())
    assert net.num_parameters() == 2 + 2 + 6 + 3 + 4 * 3
    # the same order every time
    assert net.parameters() == net.parameters()


def test_mlp_parameter_order_and_names() -> None:
    model = nn.MLP([3, 4, 2], rng=0)
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias"]
    shapes = [p.shape for p in model.parameters()]
    assert shapes == [(4, 3), (4,), (2, 4), (2,)]
    assert all(p.value.dtype == np.float64 for p in model.parameters())
    # nested in another module, the names get its prefix
    outer = nn.Sequential(nn.Linear(2, 3, rng=0), model)
    assert [p.name for p in outer.parameters()] == [
        "0.weight",
        "0.bias",
        "1.0.weight",
        "1.0.bias",
        "1.2.weight",
        "1.2.bias",
    ]


def test_shared_parameters_are_listed_once() -> None:
    layer = nn.Linear(2, 2, rng=0)
    net = nn.Sequential(layer, nn.Tanh(), layer)
    assert len(net.parameters()) == 2
    assert net.num_parameters() == 6


def test_zero_grad_clears_every_parameter() -> None:
    model = nn.MLP([2, 3, 1], rng=0)
    ad.sum(model(np.ones((4, 2)))).backward()
    assert any(np.any(p.grad != 0) for p in model.parameters())
    model.zero_grad()
    assert all(np.all(p.grad == 0) for p in model.parameters())


def test_call_is_forward_and_forward_is_required() -> None:
    class Bare(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="Bare does not define forward"):
        Bare()(1.0)
    layer = nn.Linear(2, 1, rng=0)
    x = np.ones((3, 2))
    assert_allclose(layer(x).value, layer.forward(x).value)


def test_repr_shows_structure_and_parameter_count() -> None:
    assert repr(nn.MLP([2, 16, 16, 1], rng=0)) == (
        "MLP(  # 337 parameters\n"
        "  (0): Linear(in_features=2, out_features=16, bias=True)\n"
        "  (1): Tanh()\n"
        "  (2): Linear(in_features=16, out_features=16, bias=True)\n"
        "  (3): Tanh()\n"
        "  (4): Linear(in_features=16, out_features=1, bias=True)\n"
        ")"
    )
    assert repr(nn.Linear(3, 1, bias=False, rng=0)) == (
        "Linear(in_features=3, out_features=1, bias=False)  # 3 parameters"
    )
    assert repr(nn.Perceptron(1, rng=0)) == (
        "Perceptron(in_features=1, out_features=1, bias=True)  # 2 parameters"
    )
    assert repr(nn.ReLU()) == "ReLU()  # 0 parameters"
    nested = nn.Sequential(nn.Sequential(nn.Linear(1, 1, rng=0)), nn.Sigmoid())
    assert repr(nested) == (
        "Sequential(  # 2 parameters\n"
        "  (0): Sequential(\n"
        "    (0): Linear(in_features=1, out_features=1, bias=True)\n"
        "  )\n"
        "  (1): Sigmoid()\n"
        ")"
    )


def test_repr_of_a_single_parameter_module_is_singular() -> None:
    class One(nn.Module):
        def __init__(self) -> None:
            self.w = Variable(1.0)

    assert repr(One()) == "One()  # 1 parameter"


def test_sequential_container() -> None:
    a, b = nn.Linear(2, 3, rng=0), nn.Linear(3, 1, rng=1)
    net = nn.Sequential(a, nn.ReLU(), b)
    assert len(net) == 3
    assert net[0] is a
    assert net[2] is b
    assert list(net)[1].__class__ is nn.ReLU
    x = np.random.default_rng(0).normal(size=(5, 2))
    assert_allclose(net(x).value, b(ad.relu(a(x))).value)
    with pytest.raises(TypeError, match="item 1 is a function, not a Module"):
        nn.Sequential(a, ad.relu)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Linear, MLP, Perceptron.


def test_linear_initialisation_is_pytorchs_uniform() -> None:
    layer = nn.Linear(16, 64, rng=0)
    bound = 1 / np.sqrt(16)
    for p in (layer.weight, layer.bias):
        assert p is not None
        assert np.all(np.abs(p.value) <= bound)
        assert np.max(np.abs(p.value)) > 0.9 * bound  # spread over the whole interval
    # weight first, then bias, from the generator
    rng = np.random.default_rng(5)
    w = rng.uniform(-bound, bound, size=(64, 16))
    b = rng.uniform(-bound, bound, size=64)
    again = nn.Linear(16, 64, rng=5)
    assert again.bias is not None
    assert_allclose(again.weight.value, w, rtol=0, atol=0)
    assert_allclose(again.bias.value, b, rtol=0, atol=0)


def test_same_seed_same_weights_and_generators_continue() -> None:
    first, second = nn.MLP([2, 5, 1], rng=7), nn.MLP([2, 5, 1], rng=7)
    for p, q in zip(first.parameters(), second.parameters(), strict=True):
        assert_allclose(p.value, q.value, rtol=0, atol=0)
    g = np.random.default_rng(7)
    a, b = nn.Linear(2, 2, rng=g), nn.Linear(2, 2, rng=g)
    assert not np.allclose(a.weight.value, b.weight.value)
    assert not np.allclose(nn.Linear(2, 2, rng=1).weight.value, a.weight.value)
    with pytest.raises(TypeError, match="rng must be"):
        nn.Linear(2, 2, rng="seed")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rng must be"):
        nn.Linear(2, 2, rng=True)


def test_linear_forward_shapes_and_inputs() -> None:
    layer = nn.Linear(3, 2, rng=0)
    assert layer.bias is not None
    x = np.arange(12.0).reshape(4, 3)
    out = layer(x)
    assert isinstance(out, Variable)
    assert out.shape == (4, 2)
    assert_allclose(out.value, x @ layer.weight.value.T + layer.bias.value)
    assert layer(x[0]).shape == (2,)  # one sample
    assert layer(x.tolist()).shape == (4, 2)  # lists and ints are converted
    assert layer(np.ones((4, 3), dtype=np.int64)).shape == (4, 2)
    v = Variable(x)
    layer(v).sum().backward()
    assert_allclose(v.grad, np.ones((4, 2)) @ layer.weight.value)
    no_bias = nn.Linear(3, 2, bias=False, rng=0)
    assert no_bias.bias is None
    assert len(no_bias.parameters()) == 1
    assert_allclose(no_bias(x).value, x @ no_bias.weight.value.T)


def test_linear_rejects_bad_sizes_and_inputs() -> None:
    layer = nn.Linear(3, 2, rng=0)
    with pytest.raises(ValueError, match=r"shape \(batch, 3\).*got shape \(4, 2\)"):
        layer(np.ones((4, 2)))
    with pytest.raises(ValueError, match="got shape"):
        layer(1.0)
    bad: Any
    for bad in (0, -1):
        with pytest.raises(ValueError, match="Linear: in_features must be a positive int"):
            nn.Linear(bad, 2)
    for bad in (2.5, True):
        with pytest.raises(TypeError, match="Linear: in_features must be an int"):
            nn.Linear(bad, 2)


def test_mlp_structure_and_activations() -> None:
    x = np.random.default_rng(0).normal(size=(6, 2))
    for name, fn in (("tanh", np.tanh), ("relu", lambda z: np.maximum(z, 0.0))):
        model = nn.MLP([2, 5, 4, 3], activation=name, rng=1)  # type: ignore[arg-type]
        assert [type(m).__name__ for m in model] == [
            "Linear",
            {"tanh": "Tanh", "relu": "ReLU"}[name],
            "Linear",
            {"tanh": "Tanh", "relu": "ReLU"}[name],
            "Linear",
        ]
        w = [p.value for p in model.parameters()]
        h = fn(x @ w[0].T + w[1])
        h = fn(h @ w[2].T + w[3])
        expected = h @ w[4].T + w[5]  # the output layer is linear
        assert_allclose(model(x).value, expected, rtol=1e-12)
    sig = nn.MLP([2, 3, 1], activation="sigmoid", rng=0)
    assert isinstance(sig[1], nn.Sigmoid)
    assert len(nn.MLP([2, 1], rng=0)) == 1  # no hidden layer: a single Linear
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        nn.MLP([2, 3, 1], activation="gelu")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least two sizes"):
        nn.MLP([2])
    with pytest.raises(ValueError, match=r"MLP: sizes\[1\] must be a positive int, not 0"):
        nn.MLP([2, 0, 1])


@pytest.mark.parametrize(
    ("module", "x"),
    [
        (nn.Linear(3, 2, rng=0), np.random.default_rng(1).normal(size=(4, 3))),
        (nn.Linear(3, 2, bias=False, rng=0), np.random.default_rng(1).normal(size=(3,))),
        (nn.MLP([2, 4, 3, 2], rng=0), np.random.default_rng(2).normal(size=(5, 2))),
        (
            nn.MLP([2, 3, 1], activation="sigmoid", rng=0),
            np.random.default_rng(3).normal(size=(4, 2)),
        ),
        (nn.MLP([2, 3, 2], activation="relu", rng=3), np.random.default_rng(4).normal(size=(6, 2))),
        (nn.Perceptron(3, rng=0), np.random.default_rng(5).normal(size=(4, 3))),
        (scalar.Neuron(3, rng=0), [0.5, -1.0, 2.0]),
        (scalar.Layer(2, 3, activation="relu", rng=1), [0.7, -0.2]),
        (scalar.MLP([2, 3, 2], rng=0), [0.3, -0.8]),
    ],
    ids=[
        "linear",
        "linear-no-bias-one-sample",
        "mlp-tanh",
        "mlp-sigmoid",
        "mlp-relu",
        "perceptron",
        "scalar-neuron",
        "scalar-layer",
        "scalar-mlp",
    ],
)
def test_layer_gradients(module: nn.Module, x: Any) -> None:
    check_module_gradients(module, x)


def test_gradient_with_respect_to_the_input() -> None:
    model = nn.MLP([3, 4, 2], rng=0)
    w = np.random.default_rng(0).uniform(-1, 1, size=(5, 2))
    x0 = np.random.default_rng(1).normal(size=(5, 3))
    x = Variable(x0)
    ad.sum(w * model(x)).backward()
    # with the parameters as plain arrays (constants), the model is a function of x
    plain = as_function(model, x0, w)
    values = [p.value for p in model.parameters()]

    def of_input(x: Any) -> Any:
        return as_function(model, x, w)(*values)

    assert_allclose(x.grad, central_difference(of_input, x0)[0], rtol=1e-6, atol=1e-8)
    assert ad.check_grad(of_input, x0) < 1e-6
    assert plain(*values) == pytest.approx(float(np.sum(w * model(x0).value)))


def test_perceptron_logit_prediction_and_rule() -> None:
    p = nn.Perceptron(2, rng=0)
    assert isinstance(p, nn.Linear)
    assert p.bias is not None
    p.weight.value[:] = [[1.0, -1.0]]
    p.bias.value[:] = [0.5]
    X = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.5]])
    logits = p(X)
    assert logits.shape == (3,)
    assert_allclose(logits.value, [1.5, -1.5, 0.0])
    assert p(X[0]).shape == ()
    assert p.predict(X).tolist() == [1, 0, 0]  # z = 0 is class 0
    assert p.predict(X).dtype == np.int64
    # one epoch of Rosenblatt's rule: the third sample (label 1, z = 0) is a mistake
    mistakes = p.perceptron_rule(X, np.array([1, 0, 1]), lr=0.5)
    assert mistakes == 1
    assert_allclose(p.weight.value, [[1.0, -0.75]])
    assert_allclose(p.bias.value, [1.0])
    with pytest.raises(ValueError, match="labels in"):
        p.perceptron_rule(X, np.array([1, -1, 1]))
    with pytest.raises(ValueError, match=r"shape \(batch, 2\)"):
        p.perceptron_rule(X[:, :1], np.array([1, 0, 1]))


# --------------------------------------------------------------------------------------
# softmax, log_softmax and the losses.


def _np_log_softmax(z: Any, axis: int = -1) -> Any:
    z = np.asarray(z, dtype=np.float64)
    m = np.max(z, axis=axis, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_and_log_softmax(axis: int) -> None:
    rng = np.random.default_rng(axis + 10)
    z = rng.normal(size=(3, 4)) * 3
    s = nn.softmax(z, axis=axis)
    assert_allclose(np.sum(s, axis=axis), 1.0)
    assert_allclose(s, np.exp(z) / np.sum(np.exp(z), axis=axis, keepdims=True))
    assert_allclose(nn.log_softmax(z, axis=axis), np.log(s), atol=1e-12)
    w = rng.uniform(-1, 1, size=z.shape)
    assert ad.check_grad(lambda x: ad.sum(w * nn.softmax(x, axis=axis)), z) < 1e-6
    assert ad.check_grad(lambda x: ad.sum(w * nn.log_softmax(x, axis=axis)), z) < 1e-6


def test_softmax_is_stable_and_the_max_is_a_constant() -> None:
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    assert_allclose(nn.softmax(z), [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    assert_allclose(nn.log_softmax(z), [[0.0, -2000.0, -1000.0], [-np.log(3.0)] * 3])
    # no max node: the shift is a constant, so the graph has none
    v = Variable(z)
    ops = {node.op for node in ad.topological_order(ad.sum(nn.log_softmax(v)))}
    assert "max" not in ops
    with pytest.raises(ValueError, match="at least one dimension"):
        nn.softmax(1.0)


def test_log_softmax_second_derivative() -> None:
    # the Hessian of log Σ exp is diag(p) − p pᵀ; treating the max as a constant keeps it
    z = np.array([0.3, -1.2, 2.0])
    p = np.exp(z) / np.sum(np.exp(z))
    hess = ad.hessian(lambda x: nn.cross_entropy(x, np.array(1)))(z)
    assert_allclose(hess, np.diag(p) - np.outer(p, p), atol=1e-12)


def test_mse_loss() -> None:
    rng = np.random.default_rng(0)
    pred, target = rng.normal(size=(5, 1)), rng.normal(size=5)
    expected = np.mean((pred[:, 0] - target) ** 2)
    assert nn.mse_loss(pred, target) == pytest.approx(expected)  # (5, 1) pairs with (5,)
    assert nn.mse_loss(pred, target, reduction="sum") == pytest.approx(5 * expected)
    assert_allclose(
        nn.mse_loss(pred, target, reduction="none"), (pred[:, 0:1] - target[:, None]) ** 2
    )
    assert ad.check_grad(nn.mse_loss, pred, target[:, None]) < 1e-6
    with pytest.raises(ValueError, match=r"input of shape \(5, 1\) and target of shape \(4,\)"):
        nn.mse_loss(pred, target[:4])
    with pytest.raises(ValueError, match="reduction must be"):
        nn.mse_loss(pred, target, reduction="max")  # type: ignore[arg-type]


def test_binary_cross_entropy_with_logits_matches_the_formula() -> None:
    rng = np.random.default_rng(1)
    z = rng.normal(size=8) * 3
    t = rng.uniform(size=8)  # soft targets too
    s = 1 / (1 + np.exp(-z))
    expected = -(t * np.log(s) + (1 - t) * np.log(1 - s))
    assert_allclose(
        nn.binary_cross_entropy_with_logits(z, t, reduction="none"), expected, rtol=1e-12
    )
    assert nn.binary_cross_entropy_with_logits(z, t) == pytest.approx(np.mean(expected))
    assert ad.check_grad(lambda x: nn.binary_cross_entropy_with_logits(x, t), z) < 1e-6
    assert ad.check_grad(lambda y: nn.binary_cross_entropy_with_logits(z, y), t) < 1e-6
    # gradient σ(z) − t, divided by n for the mean
    v = Variable(z)
    nn.binary_cross_entropy_with_logits(v, t).backward()
    assert_allclose(v.grad, (s - t) / 8, rtol=1e-12)


def test_binary_cross_entropy_with_logits_is_stable() -> None:
    z = Variable(np.array([1000.0, 1000.0, -1000.0, -1000.0, 40.0, -40.0]))
    t = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    loss = nn.binary_cross_entropy_with_logits(z, t, reduction="none")
    # accurate even where 1 − σ(z) underflows: the loss is softplus(∓z)
    assert_allclose(
        loss.value, [0.0, 1000.0, 1000.0, 0.0, np.exp(-40.0), np.exp(-40.0)], rtol=1e-12
    )
    loss.sum().backward()
    assert np.all(np.isfinite(z.grad))
    assert_allclose(
        z.grad, [0.0, 1.0, -1.0, 0.0, -np.exp(-40.0), np.exp(-40.0)], rtol=1e-12, atol=0
    )
    # and at exactly 0, where a |z| formulation would get the gradient wrong
    zero = Variable(np.zeros(2))
    nn.binary_cross_entropy_with_logits(zero, np.array([0.0, 1.0]), reduction="sum").backward()
    assert_allclose(zero.grad, [0.5, -0.5])


def test_cross_entropy_matches_the_formula() -> None:
    rng = np.random.default_rng(2)
    z = rng.normal(size=(6, 4)) * 2
    k = rng.integers(0, 4, size=6)
    expected = -_np_log_softmax(z)[np.arange(6), k]
    assert_allclose(nn.cross_entropy(z, k, reduction="none"), expected, rtol=1e-12)
    assert nn.cross_entropy(z, k) == pytest.approx(np.mean(expected))
    assert nn.cross_entropy(z[0], k[0]) == pytest.approx(expected[0])  # one sample
    assert ad.check_grad(lambda x: nn.cross_entropy(x, k), z) < 1e-6
    v = Variable(z)
    nn.cross_entropy(v, k, reduction="sum").backward()
    onehot = np.eye(4)[k]
    assert_allclose(v.grad, np.exp(_np_log_softmax(z)) - onehot, atol=1e-12)


def test_cross_entropy_is_stable() -> None:
    z = Variable(np.array([[1000.0, -1000.0, 0.0], [1000.0, -1000.0, 0.0], [-1000.0] * 3]))
    k = np.array([0, 1, 2])
    loss = nn.cross_entropy(z, k, reduction="none")
    assert_allclose(loss.value, [0.0, 2000.0, np.log(3.0)])
    loss.sum().backward()
    assert np.all(np.isfinite(z.grad))
    assert_allclose(z.grad, [[0.0, 0.0, 0.0], [1.0, -1.0, 0.0], [1 / 3, 1 / 3, -2 / 3]], atol=1e-15)


def test_cross_entropy_checks_the_targets() -> None:
    z = np.zeros((3, 4))
    with pytest.raises(TypeError, match="integer class indices"):
        nn.cross_entropy(z, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"lie in \[0, 3\]"):
        nn.cross_entropy(z, np.array([0, 1, 4]))
    with pytest.raises(ValueError, match=r"targets of shape \(3,\)"):
        nn.cross_entropy(z, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"logits of shape \(batch, C\)"):
        nn.cross_entropy(np.zeros((2, 3, 4)), np.zeros((2, 3), dtype=int))


def test_hinge_loss() -> None:
    s = np.array([2.0, 0.5, -0.3, -3.0])
    y = np.array([1, 1, 1, -1])
    expected = np.maximum(0.0, 1 - y * s)
    assert_allclose(nn.hinge_loss(s, y, reduction="none"), expected)
    assert nn.hinge_loss(s, y) == pytest.approx(np.mean(expected))
    assert nn.hinge_loss(s, y, margin=3.0, reduction="sum") == pytest.approx(
        np.sum(np.maximum(0.0, 3 - y * s))
    )
    assert ad.check_grad(lambda x: nn.hinge_loss(x, y), s) < 1e-6  # away from the kinks
    with pytest.raises(ValueError, match="targets in"):
        nn.hinge_loss(s, np.array([1, 0, 1, 0]))


def test_losses_at_extreme_scores_are_finite() -> None:
    z = Variable(np.array([1000.0, -1000.0]))
    for loss in (
        nn.hinge_loss(z, np.array([1, 1])),
        nn.mse_loss(z, np.zeros(2)),
        nn.binary_cross_entropy_with_logits(z, np.array([1, 1])),
    ):
        z.zero_grad()
        loss.backward()
        assert np.isfinite(loss.value)
        assert np.all(np.isfinite(z.grad))


# --------------------------------------------------------------------------------------
# The scalar networks agree with the vectorised ones.


def test_scalar_networks_start_from_the_same_weights() -> None:
    sizes = [2, 4, 3, 1]
    small, big = scalar.MLP(sizes, rng=3), nn.MLP(sizes, rng=3)
    assert small.num_parameters() == big.num_parameters()
    for layer, linear in zip(small.layers, list(big)[::2], strict=True):
        assert isinstance(linear, nn.Linear)
        assert linear.bias is not None
        w = np.array([[wi.value for wi in n.w] for n in layer.neurons])
        b = np.array([n.b.value for n in layer.neurons])
        assert_allclose(w, linear.weight.value, rtol=0, atol=0)
        assert_allclose(b, linear.bias.value, rtol=0, atol=0)
    X = np.random.default_rng(0).normal(size=(5, 2))
    scores = ad.stack([small(x)[0] for x in X])
    assert_allclose(scores.value, big(X).value[:, 0], rtol=1e-13)
    neuron = scalar.Neuron(3, activation=None, rng=4)
    linear = nn.Linear(3, 1, rng=4)
    assert_allclose([w.value for w in neuron.w], linear.weight.value[0], rtol=0, atol=0)


def test_scalar_parameters_and_repr() -> None:
    model = scalar.MLP([2, 3, 1], rng=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:4] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert names[-1] == "layers.1.neurons.0.b"
    assert [p.name for p in model.parameters()] == names
    assert all(p.shape == () and isinstance(p.value, float) for p in model.parameters())
    assert repr(model) == (
        "MLP(  # 13 parameters\n"
        "  (layers.0): Layer(in_features=2, out_features=3, activation='tanh')\n"
        "  (layers.1): Layer(in_features=3, out_features=1, activation=None)\n"
        ")"
    )
    with pytest.raises(ValueError, match=r"scalar\.MLP expects 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="unknown activation"):
        scalar.Layer(2, 2, activation="swish")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least two sizes"):
        scalar.MLP([3])


def test_scalar_and_vectorised_training_follow_the_same_loss_curve() -> None:
    X, y = make_moons(30, noise=0.1, rng=0)
    small, big = scalar.MLP([2, 8, 8, 1], rng=0), nn.MLP([2, 8, 8, 1], rng=0)
    opt_small = optim.Adam(small.parameters(), lr=0.05)
    opt_big = optim.Adam(big.parameters(), lr=0.05)
    for _ in range(4):
        loss_small = nn.binary_cross_entropy_with_logits(ad.stack([small(x)[0] for x in X]), y)
        loss_big = nn.binary_cross_entropy_with_logits(big(X), y)
        assert loss_small.value == pytest.approx(loss_big.value, rel=1e-12)
        for opt, loss in ((opt_small, loss_small), (opt_big, loss_big)):
            opt.zero_grad()
            loss.backward()
            opt.step()


# --------------------------------------------------------------------------------------
# Determinism: the same seed trains to the same numbers.


def _train_moons(seed: int, steps: int = 30) -> list[float]:
    X, y = make_moons(50, noise=0.1, rng=seed)
    model = nn.MLP([2, 8, 1], rng=seed)
    opt = optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(steps):
        loss = nn.binary_cross_entropy_with_logits(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.value)
    return losses


def test_same_seed_same_training_run() -> None:
    assert _train_moons(1) == _train_moons(1)
    assert _train_moons(1) != _train_moons(2)


# --------------------------------------------------------------------------------------
# The three exercises, with the thresholds of the exercise pages.


def _lstsq(X: Any, y: Any) -> Any:
    design = np.hstack([X, np.ones((len(X), 1))])
    return np.linalg.lstsq(design, y, rcond=None)[0]


@pytest.mark.parametrize("w", [2.0, [1.5, -3.0, 0.5]], ids=["one-feature", "three-features"])
def test_exercise_linear_regression_with_linear_and_sgd(w: Any) -> None:
    X, y = make_linear(100, w=w, b=-1.0, noise=0.3, rng=0)
    solution = _lstsq(X, y)
    model = nn.Linear(X.shape[1], 1, rng=0)
    opt = optim.SGD(model.parameters(), lr=0.5)
    for _ in range(300):
        loss = nn.mse_loss(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert model.bias is not None
    learned = np.append(model.weight.value[0], model.bias.value)
    assert_allclose(learned, solution, rtol=0, atol=1e-3)
    assert np.max(np.abs(learned - solution)) < 1e-8  # in fact it converges fully


def test_exercise_linear_regression_with_scalar_variables() -> None:
    X, y = make_linear(100, w=2.0, b=-1.0, noise=0.3, rng=0)
    x = X[:, 0]
    w, b = Variable(0.0, name="w"), Variable(0.0, name="b")
    for _ in range(300):
        loss = ad.mean((w * x + b - y) ** 2)
        w.zero_grad()
        b.zero_grad()
        loss.backward()
        w.value -= 0.5 * w.grad
        b.value -= 0.5 * b.grad
    assert_allclose([w.value, b.value], _lstsq(X, y), rtol=0, atol=1e-3)


def test_exercise_perceptron_classic_rule() -> None:
    X, y = make_blobs(100, rng=0)
    p = nn.Perceptron(2, rng=0)
    for epoch in range(1, 101):  # noqa: B007
        if p.perceptron_rule(X, y) == 0:
            break
    assert p.perceptron_rule(X, y) == 0  # converged: an epoch without mistakes
    assert epoch <= 10
    assert np.mean(p.predict(X) == y) == 1.0


def test_exercise_perceptron_sigmoid_and_bce() -> None:
    X, y = make_blobs(100, rng=0)
    p = nn.Perceptron(2, rng=0)
    opt = optim.SGD(p.parameters(), lr=0.5)
    losses = []
    for _ in range(100):
        loss = nn.binary_cross_entropy_with_logits(p(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.value)
    assert np.mean(p.predict(X) == y) == 1.0
    assert np.mean((ad.sigmoid(p(X).value) > 0.5) == y) == 1.0
    assert losses[-1] < 0.05
    assert all(b <= a for a, b in itertools.pairwise(losses))


def _accuracy(model: nn.Module, X: Any, y: Any) -> float:
    return float(np.mean((model(X).value[:, 0] > 0) == y))


@pytest.mark.parametrize(
    ("activation", "loss_name", "make_optimiser"),
    [
        ("tanh", "bce", lambda ps: optim.Adam(ps, lr=0.05)),
        ("relu", "hinge", lambda ps: optim.Adam(ps, lr=0.05)),
        ("tanh", "hinge", lambda ps: optim.SGD(ps, lr=0.2, momentum=0.9)),
    ],
    ids=["tanh-bce-adam", "relu-hinge-adam", "tanh-hinge-sgd-momentum"],
)
def test_exercise_mlp_on_moons(
    activation: Any, loss_name: str, make_optimiser: Callable[[Sequence[Variable]], Any]
) -> None:
    X, y = make_moons(100, noise=0.1, rng=0)
    model = nn.MLP([2, 16, 16, 1], activation=activation, rng=0)
    opt = make_optimiser(model.parameters())
    for _ in range(200):
        scores = model(X)
        if loss_name == "bce":
            loss = nn.binary_cross_entropy_with_logits(scores, y)
        else:
            loss = nn.hinge_loss(scores, 2 * y - 1)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert _accuracy(model, X, y) == 1.0


# --------------------------------------------------------------------------------------
# parameters_dict: the model's parameters as a pytree for the transforms.


def _mlp_loss(params: dict[str, Any], x: Any, y: Any, *, depth: int) -> Any:
    h = x
    for i in range(depth):
        h = h @ params[f"{2 * i}.weight"].T + params[f"{2 * i}.bias"]
        if i < depth - 1:
            h = ad.tanh(h)
    return nn.mse_loss(h, y)


def test_parameters_dict_names_and_copies_every_parameter() -> None:
    model = nn.MLP([2, 4, 1], rng=0)
    params = model.parameters_dict()
    assert list(params) == [name for name, _ in model.named_parameters()]
    for name, p in model.named_parameters():
        assert type(params[name]) is np.ndarray
        assert_allclose(params[name], p.value, rtol=0)
        assert params[name] is not p.value
    params["0.bias"] += 1.0  # a snapshot: the model is unchanged
    assert not np.allclose(params["0.bias"], model.parameters_dict()["0.bias"])


def test_grad_of_a_loss_of_parameters_dict_matches_backward() -> None:
    model = nn.MLP([2, 5, 3, 1], rng=1)
    x, y = np.random.default_rng(2).normal(size=(6, 2)), np.linspace(-1.0, 1.0, 6)[:, None]
    params = model.parameters_dict()
    value, grads = ad.value_and_grad(_mlp_loss)(params, x, y, depth=3)
    loss = nn.mse_loss(model(x), y)
    loss.backward()
    assert value == pytest.approx(loss.value, rel=1e-14)
    assert sorted(grads) == sorted(params)
    for name, p in model.named_parameters():
        assert_allclose(grads[name], p.grad, rtol=1e-12, atol=1e-15)
    # a training step through named_parameters, as the docstring's recipe does
    for name, p in model.named_parameters():
        p.value -= 0.1 * grads[name]
    assert _mlp_loss(model.parameters_dict(), x, y, depth=3) < value


def test_parameters_dict_of_a_shared_parameter_lists_it_once() -> None:
    class Tied(nn.Module):
        def __init__(self) -> None:
            self.a = nn.Linear(2, 2, rng=0)
            self.b = nn.Linear(2, 2, rng=1)
            self.b.weight = self.a.weight

        def forward(self, x: Any) -> Any:
            return self.b(self.a(x))

    assert list(Tied().parameters_dict()) == ["a.weight", "a.bias", "b.bias"]
