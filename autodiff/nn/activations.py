"""The elementwise activations as modules: ``Tanh``, ``ReLU`` and ``Sigmoid``."""

from __future__ import annotations

from typing import Any

from autodiff import primitives as P
from autodiff.nn.module import Module

__all__ = ["ReLU", "Sigmoid", "Tanh"]


class Tanh(Module):
    """The activation ``tanh(x)``, elementwise, as a module.

    >>> from autodiff import nn
    >>> nn.Tanh()(0.0)
    0.0
    """

    def forward(self, x: Any) -> Any:
        """``tanh(x)``; see :func:`autodiff.tanh`."""
        return P.tanh(x)


class ReLU(Module):
    """The activation ``max(x, 0)``, elementwise, as a module.

    >>> from autodiff import nn
    >>> nn.ReLU()(-2.0)
    0.0
    """

    def forward(self, x: Any) -> Any:
        """``max(x, 0)``; see :func:`autodiff.relu`."""
        return P.relu(x)


class Sigmoid(Module):
    """The activation ``1 / (1 + exp(-x))``, elementwise, as a module.

    >>> from autodiff import nn
    >>> nn.Sigmoid()(0.0)
    0.5
    """

    def forward(self, x: Any) -> Any:
        """``sigmoid(x)``; see :func:`autodiff.sigmoid`."""
        return P.sigmoid(x)
