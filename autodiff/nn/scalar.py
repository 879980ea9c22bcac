"""The same networks built from scalars, micrograd-style: one ``Variable`` per number.

A :class:`Neuron` holds one scalar :class:`~autodiff.Variable` per weight and computes
``act(Σ wᵢ xᵢ + b)`` with Python arithmetic, so every multiply and add is a node of
the graph: small enough to draw, and plain to read. A :class:`Layer` is a list of
neurons and an :class:`MLP` a list of layers.

Use it to see the mechanics; train with :mod:`autodiff.nn`, whose layers do the same
arithmetic with one array operation per layer. The two agree: with the same ``rng``
they draw the same initial weights (the layout and initialisation of
:class:`autodiff.nn.Linear`), so ``MLP(sizes, rng=s)`` here and
``autodiff.nn.MLP(sizes, rng=s)`` compute the same function and, with the same
optimiser, follow the same loss curve, this one two to three orders of magnitude more
slowly. Both
are :class:`autodiff.nn.Module`\\ s, so :mod:`autodiff.optim` trains either.

Examples
--------
>>> import numpy as np
>>> import autodiff as ad
>>> from autodiff import nn
>>> from autodiff.nn import scalar
>>> X = np.array([[0.5, -1.0], [2.0, 0.0]])
>>> small = scalar.MLP([2, 3, 1], rng=0)
>>> big = nn.MLP([2, 3, 1], rng=0)
>>> scores = ad.stack([small(x)[0] for x in X])  # one sample at a time
>>> np.allclose(scores.value, big(X).value[:, 0])
True
>>> small.num_parameters() == big.num_parameters() == 13
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autodiff._arguments import given, real, real_array
from autodiff._random import Seed, as_generator
from autodiff.nn._checks import Activation, activation_function, mlp_sizes, positive_int
from autodiff.nn.init import init_uniform
from autodiff.nn.module import Module
from autodiff.tracer import Tracer
from autodiff.variable import Variable

__all__ = ["MLP", "Layer", "Neuron"]


class Neuron(Module):
    """One neuron over scalars: ``activation(w · x + b)``, a sum over its inputs.

    Parameters
    ----------
    in_features:
        The number of inputs ``n``.
    activation:
        ``"tanh"``, ``"relu"``, ``"sigmoid"``, or ``None`` for a linear neuron.
    rng:
        The source of the initial weights: ``w`` then ``b`` from ``U(-k, k)`` with
        ``k = 1/√n``, as :class:`autodiff.nn.Linear` with one output.

    Attributes
    ----------
    w:
        The weights, a list of ``n`` scalar ``Variable``\\ s.
    b:
        The bias, a scalar ``Variable``.

    Examples
    --------
    >>> from autodiff.nn.scalar import Neuron
    >>> n = Neuron.from_values([1.0, -2.0], 0.5, activation=None)
    >>> n
    Neuron(in_features=2, activation=None)  # 3 parameters
    >>> y = n([3.0, 1.0])  # 1·3 − 2·1 + 0.5
    >>> y.value
    1.5
    >>> y.backward(); [w.grad for w in n.w], n.b.grad
    ([3.0, 1.0], 1.0)
    """

    def __init__(
        self,
        in_features: int,
        activation: Activation | None = "tanh",
        rng: Seed = None,
    ) -> None:
        n = positive_int(in_features, "in_features", "Neuron")
        weight, bias = init_uniform(as_generator(rng, "Neuron"), n, 1)
        self._init(weight[0], float(bias[0]), activation)

    def _init(self, weights: Any, bias: float, activation: Activation | None) -> None:
        if activation is not None:
            activation_function(activation, "Neuron")  # check the name
        self.w = [Variable(float(wi)) for wi in weights]
        self.b = Variable(float(bias))
        self.activation = activation

    @classmethod
    def from_values(
        cls, weights: Sequence[float], bias: float, activation: Activation | None = "tanh"
    ) -> Neuron:
        """A neuron with the given weights and bias.

        >>> from autodiff.nn.scalar import Neuron
        >>> Neuron.from_values([0.0], 0.0)([1.0]).value  # tanh(0)
        0.0
        """
        fix = "pass e.g. Neuron.from_values([1.0, -2.0], 0.5)"
        w = real_array(weights, "Neuron.from_values", "weights", fix)
        if w.ndim != 1 or w.size == 0:
            raise ValueError(
                f"Neuron.from_values: weights must be a non-empty sequence of numbers, not "
                f"an array of shape {w.shape}; {fix}"
            )
        b = real(bias, "Neuron.from_values", "bias", low=-math.inf, fix=fix)
        neuron = cls.__new__(cls)
        neuron._init(w, b, activation)
        return neuron

    def forward(self, x: Sequence[Any]) -> Variable:
        """``activation(Σ wᵢ xᵢ + b)`` for a sequence of ``n`` numbers or scalar ``Variable``\\ s."""
        return self._forward(_scalars(x, len(self.w), "Neuron"))

    def _forward(self, x: Sequence[Any]) -> Variable:
        out: Any = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        if self.activation is not None:
            out = activation_function(self.activation)(out)
        return out  # type: ignore[no-any-return]

    def extra_repr(self) -> str:
        """``in_features=…, activation=…``."""
        return f"in_features={len(self.w)}, activation={self.activation!r}"


class Layer(Module):
    """A layer of ``out_features`` neurons sharing the same inputs.

    Parameters
    ----------
    in_features:
        The number of inputs of each neuron.
    out_features:
        The number of neurons.
    activation:
        The neurons' activation, or ``None`` for linear neurons.
    rng:
        The source of the initial weights, drawn as :class:`autodiff.nn.Linear` draws
        them (the whole weight matrix, then the biases), so both start equal.

    Examples
    --------
    >>> from autodiff.nn.scalar import Layer
    >>> layer = Layer(2, 3, rng=0)
    >>> layer
    Layer(in_features=2, out_features=3, activation='tanh')  # 9 parameters
    >>> len(layer([1.0, 2.0]))
    3
    >>> layer.parameters()[0].name
    'neurons.0.w.0'
    """

    _repr_children = False

    def __init__(
        self,
        in_features: int,
        out_features: int,
        activation: Activation | None = "tanh",
        rng: Seed = None,
    ) -> None:
        n_in = positive_int(in_features, "in_features", "Layer")
        n_out = positive_int(out_features, "out_features", "Layer")
        if activation is not None:
            activation_function(activation, "Layer")  # check the name
        weight, bias = init_uniform(as_generator(rng, "Layer"), n_in, n_out)
        self.neurons = [
            Neuron.from_values(list(row), float(b), activation)
            for row, b in zip(weight, bias, strict=True)
        ]
        self.in_features = n_in
        self.activation = activation

    def forward(self, x: Sequence[Any]) -> list[Variable]:
        """The output of every neuron, as a list of scalar ``Variable``\\ s."""
        xs = _scalars(x, self.in_features, "Layer")
        return [neuron._forward(xs) for neuron in self.neurons]

    def extra_repr(self) -> str:
        """``in_features=…, out_features=…, activation=…``."""
        return (
            f"in_features={self.in_features}, out_features={len(self.neurons)}, "
            f"activation={self.activation!r}"
        )


class MLP(Module):
    """A multilayer perceptron over scalars: the micrograd version of :class:`autodiff.nn.MLP`.

    Every hidden layer applies the activation and the output layer is linear.

    Parameters
    ----------
    sizes:
        ``[in_features, hidden..., out_features]``.
    activation:
        ``"tanh"``, ``"relu"`` or ``"sigmoid"``.
    rng:
        The source of the initial weights; the same seed gives the same weights as
        ``autodiff.nn.MLP(sizes, activation, rng)``.

    Examples
    --------
    >>> import numpy as np
    >>> from autodiff.nn import scalar
    >>> model = scalar.MLP([2, 16, 16, 1], rng=0)
    >>> model
    MLP(  # 337 parameters
      (layers.0): Layer(in_features=2, out_features=16, activation='tanh')
      (layers.1): Layer(in_features=16, out_features=16, activation='tanh')
      (layers.2): Layer(in_features=16, out_features=1, activation=None)
    )
    >>> [out] = model([0.5, -0.5])
    >>> type(out).__name__, out.shape
    ('Variable', ())
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: Activation = "tanh",
        rng: Seed = None,
    ) -> None:
        sizes = mlp_sizes(sizes, activation, "scalar.MLP")
        gen = as_generator(rng, "scalar.MLP")
        last = len(sizes) - 2
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < last else None, rng=gen)
            for i in range(len(sizes) - 1)
        ]
        self.sizes = sizes

    def forward(self, x: Sequence[Any]) -> list[Variable]:
        """The outputs for one sample (a sequence of numbers), as a list of scalars."""
        out: Sequence[Any] = _scalars(x, self.sizes[0], "scalar.MLP")
        for layer in self.layers:
            out = layer(out)
        return list(out)


def _scalars(x: Sequence[Any], n: int, owner: str) -> list[Any]:
    """The ``n`` inputs of one sample as Python floats (the engine's fast path) and scalar
    tracers, or an error that says what one sample is."""
    if isinstance(x, list) and len(x) == n:
        # the common case, a layer's output: scalar Variables (checked without the
        # `shape` property, which would cost as much as the rest of this function)
        for v in x:
            if not (v.__class__ is Variable and v.value.__class__ is float):
                break
        else:
            return x
    one_sample = f"one sample: a sequence of {n} numbers or scalar Variables"
    data: object = x  # checked at run time: callers are not always typed
    if isinstance(data, str | bytes) or not isinstance(data, Sequence | np.ndarray):
        raise TypeError(f"{owner} takes {one_sample}, not {given(data)}")
    if isinstance(data, np.ndarray) and data.ndim != 1:
        raise ValueError(
            f"{owner} takes {one_sample}, not an array of shape {data.shape}; for a batch, "
            f"loop over its rows: [model(row) for row in X]"
        )
    if len(x) != n:
        raise ValueError(f"{owner} expects {n} inputs, got {len(x)}")
    out: list[Any] = []
    for i, v in enumerate(x):
        if isinstance(v, Tracer):
            if v.shape != ():
                raise ValueError(
                    f"{owner}: input {i} is a {type(v).__name__} of shape {v.shape}; it "
                    f"takes {one_sample} (use autodiff.nn for arrays)"
                )
            out.append(v)
        elif isinstance(v, int | float | np.integer | np.floating) and not isinstance(
            v, bool | np.bool_
        ):
            out.append(float(v))
        else:
            raise TypeError(f"{owner}: input {i} must be a real number, not {given(v)}")
    return out
