"""Optimisers: update parameters from their gradients, as ``torch.optim`` does.

An optimiser holds a list of parameters (:class:`~autodiff.Variable`\\ s, e.g.
``model.parameters()``). A training step is::

    loss = loss_function(model(X), y)
    opt.zero_grad()   # gradients accumulate, so clear last step's
    loss.backward()   # fill p.grad for every parameter
    opt.step()        # move every p.value

:meth:`~Optimizer.step` works on the plain values, in place: it builds no graph
nodes. It follows PyTorch's update formulas (written out in each class), so a learning
rate that works there works here; a parameter whose gradient was never computed since
the last :meth:`~Optimizer.zero_grad` is skipped, as in PyTorch.

Examples
--------
>>> import autodiff as ad
>>> from autodiff import optim
>>> x = ad.Variable(3.0)
>>> opt = optim.SGD([x], lr=0.25)
>>> for _ in range(3):
...     opt.zero_grad()
...     (x * x).backward()  # gradient 2x
...     opt.step()          # x ← x - 0.25 · 2x = x / 2
>>> x.value
0.375
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from autodiff.variable import Variable

__all__ = ["SGD", "Adam", "Optimizer"]

_Array = npt.NDArray[np.float64]


def _check(value: Any, name: str, low: float = 0.0, high: float = math.inf) -> float:
    """``value`` as a float in ``[low, high)``, else a ValueError naming the argument."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}") from None
    if not low <= x < high or math.isnan(x):
        where = f"in [{low:g}, {high:g})" if math.isfinite(high) else f">= {low:g}"
        raise ValueError(f"{name} must be {where}, got {value!r}")
    return x


class Optimizer:
    """Base class: the parameter list, :meth:`zero_grad` and the in-place update.

    Parameters
    ----------
    params:
        The ``Variable``\\ s to optimise, each once (e.g. ``model.parameters()``).

    Examples
    --------
    >>> import autodiff as ad
    >>> from autodiff import optim
    >>> w = ad.Variable(1.0)
    >>> optim.SGD([w], lr=0.1).params == [w]
    True
    """

    def __init__(self, params: Iterable[Variable]) -> None:
        self.params: list[Variable] = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        seen: set[int] = set()
        for i, p in enumerate(self.params):
            if not isinstance(p, Variable):
                raise TypeError(f"parameter {i} is a {type(p).__name__}, not a Variable")
            if id(p) in seen:
                raise ValueError(f"parameter {i} ({p.name}) appears more than once")
            seen.add(id(p))

    def zero_grad(self) -> None:
        """Reset the gradient of every parameter (call it before each ``backward``).

        >>> import autodiff as ad
        >>> from autodiff import optim
        >>> w = ad.Variable(2.0)
        >>> opt = optim.SGD([w], lr=0.1)
        >>> (w * w).backward(); w.grad
        4.0
        >>> opt.zero_grad(); w.grad
        0.0
        """
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        """Update every parameter from its gradient (each optimiser defines it)."""
        raise NotImplementedError(f"{type(self).__name__} does not define step()")

    @staticmethod
    def _gradient(p: Variable) -> _Array | None:
        """A float64 copy of ``p.grad``, or ``None`` if no gradient reached ``p``."""
        if p._grad is None:
            return None
        return np.array(p._grad, dtype=np.float64)

    @staticmethod
    def _subtract(p: Variable, delta: _Array) -> None:
        """``p.value -= delta``: in place for an array (the Variable owns it), a new
        float for a scalar. Setting ``p.value`` tells ``p`` that it changed, so a graph
        recorded before the step refuses a late ``backward()``."""
        value = p.value
        if isinstance(value, np.ndarray) and value.flags.writeable:
            value -= delta
            p.value = value
        elif isinstance(value, np.ndarray):
            p.value = value - delta
        else:
            p.value = float(value - delta)

    @staticmethod
    def _value(p: Variable) -> _Array:
        return np.asarray(p.value, dtype=np.float64)


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and weight decay.

    For each parameter ``p`` with gradient ``g``, as ``torch.optim.SGD``:

    .. code-block:: text

        g ← g + weight_decay · p
        if momentum ≠ 0:
            b ← g                                  on the first step
            b ← momentum · b + (1 − dampening) · g  afterwards
            g ← g + momentum · b   if nesterov, else   g ← b
        p ← p − lr · g

    Parameters
    ----------
    params:
        The ``Variable``\\ s to optimise.
    lr:
        The learning rate, ``>= 0``.
    momentum:
        The momentum factor, ``>= 0`` (0: plain gradient descent).
    weight_decay:
        The L2 penalty factor, ``>= 0``.
    dampening:
        Dampening of the momentum, ``>= 0``.
    nesterov:
        Use Nesterov momentum (needs ``momentum > 0`` and ``dampening = 0``).

    Examples
    --------
    >>> import numpy as np
    >>> import autodiff as ad
    >>> from autodiff import optim
    >>> w = ad.Variable(np.array([1.0, -2.0]))
    >>> opt = optim.SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     ad.sum(w * w).backward()
    ...     opt.step()
    >>> w.value  # 1 → 0.8 (b = 2) → 0.8 − 0.1 · (0.9 · 2 + 1.6) = 0.46
    array([ 0.46, -0.92])
    >>> optim.SGD([w], lr=-1.0)
    Traceback (most recent call last):
    ...
    ValueError: lr must be >= 0, got -1.0
    """

    def __init__(
        self,
        params: Iterable[Variable],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params)
        self.lr = _check(lr, "lr")
        self.momentum = _check(momentum, "momentum")
        self.weight_decay = _check(weight_decay, "weight_decay")
        self.dampening = _check(dampening, "dampening")
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("nesterov momentum needs momentum > 0 and dampening = 0")
        self._buffers: list[_Array | None] = [None] * len(self.params)

    def step(self) -> None:
        """Apply one update to every parameter that has a gradient."""
        for i, p in enumerate(self.params):
            g = self._gradient(p)
            if g is None:
                continue
            if self.weight_decay != 0:
                g = g + self.weight_decay * self._value(p)
            if self.momentum != 0:
                prev = self._buffers[i]
                # the first step starts the buffer at g itself (as PyTorch)
                buf = g if prev is None else prev * self.momentum + (1.0 - self.dampening) * g
                self._buffers[i] = buf
                g = g + self.momentum * buf if self.nesterov else buf
            self._subtract(p, self.lr * g)


class Adam(Optimizer):
    """Adam: per-parameter steps from running averages of the gradient and its square.

    For each parameter ``p`` with gradient ``g``, at its ``t``-th step (``t = 1, 2,
    ...``), with ``m`` and ``v`` starting at 0, as ``torch.optim.Adam``:

    .. code-block:: text

        g ← g + weight_decay · p
        m ← β₁ · m + (1 − β₁) · g
        v ← β₂ · v + (1 − β₂) · g²
        p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps)

    Parameters
    ----------
    params:
        The ``Variable``\\ s to optimise.
    lr:
        The learning rate, ``>= 0``.
    betas:
        The decay rates ``(β₁, β₂)`` of the two averages, each in ``[0, 1)``.
    eps:
        Added to the denominator, ``>= 0``.
    weight_decay:
        The L2 penalty factor, ``>= 0`` (added to the gradient, as in ``Adam``; not
        the decoupled decay of ``AdamW``).

    Examples
    --------
    >>> import autodiff as ad
    >>> from autodiff import optim
    >>> w = ad.Variable(1.0)
    >>> opt = optim.Adam([w], lr=0.1)
    >>> opt.zero_grad(); (w * w).backward(); opt.step()
    >>> w.value  # the first step has length lr whatever the gradient's size
    0.9000000005
    """

    def __init__(
        self,
        params: Iterable[Variable],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params)
        self.lr = _check(lr, "lr")
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            _check(betas[0], "betas[0]", 0.0, 1.0),
            _check(betas[1], "betas[1]", 0.0, 1.0),
        )
        self.eps = _check(eps, "eps")
        self.weight_decay = _check(weight_decay, "weight_decay")
        n = len(self.params)
        self._steps = [0] * n
        self._m: list[_Array | None] = [None] * n
        self._v: list[_Array | None] = [None] * n

    def step(self) -> None:
        """Apply one update to every parameter that has a gradient."""
        beta1, beta2 = self.betas
        for i, p in enumerate(self.params):
            g = self._gradient(p)
            if g is None:
                continue
            if self.weight_decay != 0:
                g = g + self.weight_decay * self._value(p)
            m = self._m[i]
            v = self._v[i]
            m = np.zeros_like(g) if m is None else m
            v = np.zeros_like(g) if v is None else v
            t = self._steps[i] + 1
            m = m + (1.0 - beta1) * (g - m)
            v = v * beta2 + (1.0 - beta2) * g * g
            self._steps[i], self._m[i], self._v[i] = t, m, v
            step_size = self.lr / (1.0 - beta1**t)
            denom = np.sqrt(v) / math.sqrt(1.0 - beta2**t) + self.eps
            self._subtract(p, step_size * (m / denom))
