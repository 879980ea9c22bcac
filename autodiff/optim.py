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
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from autodiff._arguments import flag, given, real
from autodiff.tracer import Tracer
from autodiff.variable import Variable

__all__ = ["SGD", "Adam", "Optimizer"]

_Array = npt.NDArray[np.float64]


def _params(params: Any, owner: str) -> list[Variable]:
    """The parameter list of an optimiser, or an error that shows the right call."""
    fix = f"pass a list of Variables, e.g. {owner}([w], ...) or {owner}(model.parameters(), ...)"
    if isinstance(params, Tracer):
        raise TypeError(
            f"{owner}: params must be an iterable of Variables, but got a single "
            f"{type(params).__name__} (iterating it would give its elements, new graph "
            f"nodes, not the Variable itself); wrap it in a list: {owner}([w], ...)"
        )
    if callable(getattr(params, "parameters", None)):
        raise TypeError(
            f"{owner}: params must be an iterable of Variables, but got a "
            f"{type(params).__name__}; pass its parameters: {owner}(model.parameters(), ...)"
        )
    if isinstance(params, Mapping):
        raise TypeError(
            f"{owner}: params must be an iterable of Variables, but got a "
            f"{type(params).__name__} (iterating it gives its keys); pass its values: "
            f"{owner}(list(d.values()), ...)"
        )
    if isinstance(params, np.ndarray | str | bytes) or not isinstance(params, Iterable):
        raise TypeError(
            f"{owner}: params must be an iterable of Variables, but got {given(params)}; {fix}"
        )
    checked: list[Variable] = list(params)
    if not checked:
        raise ValueError(
            f"{owner} got an empty parameter list; pass the Variables to optimise, e.g. "
            f"model.parameters() (a Module finds the Variables and Modules held in its "
            f"attributes)"
        )
    seen: set[int] = set()
    for i, p in enumerate(checked):
        if not isinstance(p, Variable):
            raise TypeError(f"{owner}: parameter {i} is {given(p)}, not a Variable; {fix}")
        if p.op:
            raise ValueError(
                f"{owner}: parameter {i} ({p.name}) is not a leaf: it was computed by "
                f"{p.op!r}, so updating it would not change the Variables it came from; "
                f"optimise the Variables you created, e.g. {owner}([w], ...)"
            )
        if id(p) in seen:
            raise ValueError(
                f"{owner}: parameter {i} ({p.name}) appears more than once; list each Variable once"
            )
        seen.add(id(p))
    return checked


class Optimizer:
    """Base class: the parameter list, :meth:`~autodiff.optim.Optimizer.zero_grad` and the in-place update.

    Parameters
    ----------
    params:
        The ``Variable``\\ s to optimise, each once (e.g. ``model.parameters()``): a
        list, a tuple or any other iterable of leaf ``Variable``\\ s. A single
        ``Variable`` is refused with a ``TypeError`` (iterating an array ``Variable``
        gives its elements, new graph nodes, which an optimiser would update to no
        effect): wrap it in a list. So are a ``Module`` (pass its ``parameters()``), an
        array, a string, a dict and anything that is not a ``Variable`` inside; a
        ``Variable`` computed from others (not a leaf) is refused with a ``ValueError``,
        as PyTorch refuses a non-leaf tensor.

    Examples
    --------
    >>> import numpy as np
    >>> import autodiff as ad
    >>> from autodiff import optim
    >>> w = ad.Variable(np.ones(3), name="w")
    >>> optim.SGD([w], lr=0.1).params == [w]
    True
    >>> optim.SGD(w, lr=0.1)
    Traceback (most recent call last):
    ...
    TypeError: SGD: params must be an iterable of Variables, but got a single Variable (...); wrap it in a list: SGD([w], ...)
    """

    def __init__(self, params: Iterable[Variable]) -> None:
        self.params: list[Variable] = _params(params, type(self).__name__)
        self._shapes = [np.shape(p.value) for p in self.params]  # what the state fits

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

    def _gradient(self, i: int, p: Variable) -> _Array | None:
        """A float64 copy of ``p.grad``, or ``None`` if no gradient reached ``p``."""
        if not p.has_grad:
            return None
        g = np.array(p.grad, dtype=np.float64)
        if g.shape != self._shapes[i]:
            raise ValueError(
                f"{type(self).__name__}: parameter {i} ({p.name}) now has shape {g.shape}, "
                f"but had shape {self._shapes[i]} when the optimiser was made, so its state "
                "no longer fits; make a new optimiser after changing a parameter's shape"
            )
        return g

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
        The ``Variable``\\ s to optimise (see :class:`Optimizer`).
    lr:
        The learning rate, ``>= 0``.
    momentum:
        The momentum factor, ``>= 0`` (0: plain gradient descent).
    weight_decay:
        The L2 penalty factor, ``>= 0``.
    dampening:
        Dampening of the momentum, ``>= 0``.
    nesterov:
        Use Nesterov momentum (needs ``momentum > 0`` and ``dampening = 0``): ``True``
        or ``False``.

    Raises
    ------
    TypeError
        For ``params`` that are not an iterable of Variables, and for a setting of the
        wrong kind: every number must be a finite real number (an ``int``, a ``float``
        or a NumPy number), not a string or a bool.
    ValueError
        For a setting out of its range, NaN or infinite.

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
    ValueError: SGD: lr must be a finite number >= 0, not -1.0; pass e.g. lr=0.01
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
        self.lr = real(lr, "SGD", "lr", example="0.01")
        self.momentum = real(momentum, "SGD", "momentum", example="0.9")
        self.weight_decay = real(weight_decay, "SGD", "weight_decay", example="1e-4")
        self.dampening = real(dampening, "SGD", "dampening", example="0.0")
        self.nesterov = flag(nesterov, "SGD", "nesterov")
        if self.nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError(
                f"SGD: nesterov momentum needs momentum > 0 and dampening = 0, got "
                f"momentum={self.momentum:g} and dampening={self.dampening:g}; pass e.g. "
                f"momentum=0.9, dampening=0"
            )
        self._buffers: list[_Array | None] = [None] * len(self.params)

    def step(self) -> None:
        """Apply one update to every parameter that has a gradient."""
        for i, p in enumerate(self.params):
            g = self._gradient(i, p)
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
        The ``Variable``\\ s to optimise (see :class:`Optimizer`).
    lr:
        The learning rate, ``>= 0``.
    betas:
        The decay rates ``(β₁, β₂)`` of the two averages, each in ``[0, 1)``: a tuple
        or list of two numbers (a single number is refused).
    eps:
        Added to the denominator, ``>= 0``.
    weight_decay:
        The L2 penalty factor, ``>= 0`` (added to the gradient, as in ``Adam``; not
        the decoupled decay of ``AdamW``).

    Raises
    ------
    TypeError
        For ``params`` that are not an iterable of Variables, and for a setting of the
        wrong kind, as for :class:`SGD`.
    ValueError
        For a setting out of its range, NaN or infinite.

    Examples
    --------
    >>> import autodiff as ad
    >>> from autodiff import optim
    >>> w = ad.Variable(1.0)
    >>> opt = optim.Adam([w], lr=0.1)
    >>> opt.zero_grad(); (w * w).backward(); opt.step()
    >>> w.value  # the first step has length lr whatever the gradient's size
    0.9000000005
    >>> optim.Adam([w], betas=0.9)
    Traceback (most recent call last):
    ...
    TypeError: Adam: betas must be a pair (beta1, beta2), not float 0.9; pass two numbers, e.g. betas=(0.9, 0.999)
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
        self.lr = real(lr, "Adam", "lr", example="1e-3")
        pair: Any = betas
        fix = "pass two numbers, e.g. betas=(0.9, 0.999)"
        if isinstance(pair, np.ndarray) and pair.ndim == 1:
            pair = pair.tolist()
        if not isinstance(pair, tuple | list):
            raise TypeError(f"Adam: betas must be a pair (beta1, beta2), not {given(pair)}; {fix}")
        if len(pair) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), not {betas!r}; {fix}")
        self.betas = (
            real(pair[0], "Adam", "betas[0]", high=1.0, fix=fix),
            real(pair[1], "Adam", "betas[1]", high=1.0, fix=fix),
        )
        self.eps = real(eps, "Adam", "eps", example="1e-8")
        self.weight_decay = real(weight_decay, "Adam", "weight_decay", example="1e-4")
        n = len(self.params)
        self._steps = [0] * n
        self._m: list[_Array | None] = [None] * n
        self._v: list[_Array | None] = [None] * n

    def step(self) -> None:
        """Apply one update to every parameter that has a gradient."""
        beta1, beta2 = self.betas
        for i, p in enumerate(self.params):
            g = self._gradient(i, p)
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
