"""Neural networks on reverse mode: modules, layers, activations and losses.

Parameters are :class:`~autodiff.Variable`\\ s holding float64 arrays (one per weight
matrix or bias vector), so a forward pass over a whole batch is a handful of graph
nodes. The names follow PyTorch (``Linear``, ``mse_loss``,
``binary_cross_entropy_with_logits``, ...), and so do the weight layout and the default
initialisation, so a PyTorch recipe carries over.

Use this module to train anything. Its sibling :mod:`autodiff.nn.scalar` builds the
same networks out of one scalar ``Variable`` per number, micrograd-style: it is there
to show the mechanics (every multiply-add is a node you can draw), and with the same
seed it starts from the same weights, so it follows the same loss curve, two to three
orders of magnitude more slowly.

Examples
--------
A perceptron with two hidden layers learns the two moons with Adam:

>>> import numpy as np
>>> from autodiff import nn, optim
>>> from autodiff.datasets import make_moons
>>> X, y = make_moons(100, noise=0.1, rng=0)
>>> model = nn.MLP([2, 16, 16, 1], rng=0)
>>> opt = optim.Adam(model.parameters(), lr=0.05)
>>> for step in range(200):
...     loss = nn.binary_cross_entropy_with_logits(model(X), y)
...     opt.zero_grad()
...     loss.backward()
...     opt.step()
>>> float(np.mean((model(X).value[:, 0] > 0) == y))
1.0
"""

from __future__ import annotations

from autodiff.nn.activations import ReLU, Sigmoid, Tanh
from autodiff.nn.init import init_uniform
from autodiff.nn.layers import MLP, Linear, Perceptron
from autodiff.nn.losses import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    log_softmax,
    mse_loss,
    softmax,
)
from autodiff.nn.module import Module, Sequential

__all__ = [
    "MLP",
    "Linear",
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
