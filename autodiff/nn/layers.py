"""The array layers: ``Linear``, ``MLP`` and ``Perceptron``."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from autodiff import primitives as P
from autodiff._arguments import flag, real
from autodiff._random import Seed, as_generator
from autodiff.nn._checks import Activation, mlp_sizes, positive_int
from autodiff.nn.activations import ReLU, Sigmoid, Tanh
from autodiff.nn.init import init_uniform
from autodiff.nn.module import Module, Sequential
from autodiff.tracer import Tracer, as_value, raw, shape_of
from autodiff.variable import Variable

__all__ = ["MLP", "Linear", "Perceptron"]

_ACTIVATION_MODULES: dict[str, type[Module]] = {"tanh": Tanh, "relu": ReLU, "sigmoid": Sigmoid}


class Linear(Module):
    """An affine layer ``y = x Wᵀ + b``, as ``torch.nn.Linear``.

    Parameters
    ----------
    in_features:
        The number of features of each input sample.
    out_features:
        The number of features of each output sample.
    bias:
        Whether to add a learned bias ``b``: ``True`` or ``False``.
    rng:
        Where the initial weights come from: a ``numpy.random.Generator`` (its stream
        continues), a seed, or ``None`` (not reproducible).

    Attributes
    ----------
    weight:
        A ``Variable`` of shape ``(out_features, in_features)``, initialised, as in
        PyTorch, from the uniform distribution ``U(-k, k)`` with ``k = 1/√in_features``
        (see :func:`init_uniform`).
    bias:
        A ``Variable`` of shape ``(out_features,)`` from the same distribution, or
        ``None``.

    Examples
    --------
    >>> import numpy as np
    >>> from autodiff import nn
    >>> layer = nn.Linear(3, 2, rng=0)
    >>> layer
    Linear(in_features=3, out_features=2, bias=True)  # 8 parameters
    >>> x = np.ones((4, 3))  # a batch of 4 samples
    >>> y = layer(x)
    >>> y.shape
    (4, 2)
    >>> np.allclose(y.value, x @ layer.weight.value.T + layer.bias.value)
    True
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        rng: Seed = None,
    ) -> None:
        owner = type(self).__name__
        self.in_features = positive_int(in_features, "in_features", owner)
        self.out_features = positive_int(out_features, "out_features", owner)
        has_bias = flag(bias, owner, "bias")
        gen = as_generator(rng, owner)
        weight, b = init_uniform(gen, self.in_features, self.out_features)
        self.weight = Variable(weight)
        self.bias: Variable | None = Variable(b) if has_bias else None

    def forward(self, x: Any) -> Variable:
        """``x @ weight.T + bias`` for ``x`` of shape ``(..., in_features)``.

        ``x`` may be a plain array (a batch of samples, one per row) or a
        ``Variable``; the result is a ``Variable`` of shape ``(..., out_features)``.
        """
        x = _features(x, self.in_features, type(self).__name__)
        out = P.matmul(x, self.weight.T)
        if self.bias is not None:
            out = out + self.bias
        return out  # type: ignore[no-any-return]

    def extra_repr(self) -> str:
        """``in_features=…, out_features=…, bias=…``."""
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


def _features(x: Any, n: int, owner: str) -> Any:
    """Check that ``x`` is a batch of samples with ``n`` features each."""
    if not isinstance(x, Tracer):
        x = as_value(x, f"{owner} input")
    shape = shape_of(x)
    if not shape or shape[-1] != n:
        raise ValueError(
            f"{owner} expects inputs of shape (batch, {n}) or ({n},), got shape {shape}"
        )
    return x


class MLP(Sequential):
    """A multilayer perceptron: linear layers with an activation between them.

    ``MLP([2, 16, 16, 1])`` is ``Linear(2, 16)``, the activation, ``Linear(16, 16)``,
    the activation, ``Linear(16, 1)``: every hidden layer applies the activation and
    the output layer is linear (its outputs are scores or logits, to pair with a loss
    such as :func:`binary_cross_entropy_with_logits` or :func:`hinge_loss`).

    Parameters
    ----------
    sizes:
        ``[in_features, hidden..., out_features]``, at least two positive ints, in a
        list, a tuple or a 1-D array (a single int is refused: ``MLP([3, 1])``, not
        ``MLP(3)``).
    activation:
        ``"tanh"``, ``"relu"`` or ``"sigmoid"``.
    rng:
        The source of the initial weights (see :class:`Linear`); the layers draw from
        it in order.

    Examples
    --------
    >>> import numpy as np
    >>> from autodiff import nn
    >>> model = nn.MLP([2, 16, 16, 1], activation="relu", rng=0)
    >>> model
    MLP(  # 337 parameters
      (0): Linear(in_features=2, out_features=16, bias=True)
      (1): ReLU()
      (2): Linear(in_features=16, out_features=16, bias=True)
      (3): ReLU()
      (4): Linear(in_features=16, out_features=1, bias=True)
    )
    >>> model(np.zeros((10, 2))).shape
    (10, 1)
    >>> nn.MLP(3)
    Traceback (most recent call last):
    ...
    TypeError: MLP: sizes must be a list of ints such as [2, 16, 1], not int 3
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: Activation = "tanh",
        rng: Seed = None,
    ) -> None:
        sizes = mlp_sizes(sizes, activation)
        gen = as_generator(rng, "MLP")
        layers: list[Module] = []
        for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            layers.append(Linear(n_in, n_out, rng=gen))
            if i < len(sizes) - 2:
                layers.append(_ACTIVATION_MODULES[activation]())
        super().__init__(*layers)
        self.sizes = sizes
        self.activation = activation


class Perceptron(Linear):
    """A single neuron without activation: ``Linear(in_features, 1)`` returning the logit.

    ``perceptron(x)`` is the score ``z = w·x + b`` of each sample, of shape ``(batch,)``,
    and :meth:`predict` classifies by its sign (class 1 when ``z > 0``). It can learn in
    two ways:

    - the classic rule of Rosenblatt, :meth:`perceptron_rule`: for each misclassified
      sample, ``w += lr · (t - ŷ) · x`` and ``b += lr · (t - ŷ)`` (no gradients at all);
    - by gradient descent on a loss of the logit: ``sigmoid(z)`` is the probability of
      class 1, and :func:`binary_cross_entropy_with_logits` (logistic regression) or
      :func:`hinge_loss` with an optimiser from :mod:`autodiff.optim` trains it.

    On linearly separable data both reach accuracy 1.

    Parameters
    ----------
    in_features:
        The number of features of each sample.
    rng:
        The source of the initial weights (see :class:`Linear`).

    Examples
    --------
    >>> import numpy as np
    >>> from autodiff import nn, optim
    >>> from autodiff.datasets import make_blobs
    >>> X, y = make_blobs(100, rng=0)
    >>> p = nn.Perceptron(2, rng=0)
    >>> epochs = 1
    >>> while p.perceptron_rule(X, y):  # the classic rule, until no mistakes
    ...     epochs += 1
    >>> float(np.mean(p.predict(X) == y))
    1.0

    The same with the logistic loss and gradient descent:

    >>> p = nn.Perceptron(2, rng=0)
    >>> opt = optim.SGD(p.parameters(), lr=0.5)
    >>> for step in range(100):
    ...     loss = nn.binary_cross_entropy_with_logits(p(X), y)
    ...     opt.zero_grad()
    ...     loss.backward()
    ...     opt.step()
    >>> float(np.mean(p.predict(X) == y))
    1.0
    """

    def __init__(self, in_features: int, rng: Seed = None) -> None:
        super().__init__(in_features, 1, rng=rng)

    def forward(self, x: Any) -> Variable:
        """The logit ``w·x + b`` of each sample: shape ``(batch,)`` (``()`` for one sample)."""
        out = super().forward(x)
        return P.reshape(out, shape_of(out)[:-1])  # type: ignore[no-any-return]

    def predict(self, x: Any) -> npt.NDArray[np.integer[Any]]:
        """The predicted class of each sample, 1 where the logit is positive, else 0.

        >>> import numpy as np
        >>> from autodiff import nn
        >>> p = nn.Perceptron(2, rng=0)
        >>> p.weight.value[:] = [[1.0, -1.0]]; p.bias.value[:] = 0.0
        >>> p.predict(np.array([[2.0, 1.0], [1.0, 2.0]]))
        array([1, 0])
        """
        xs = _features(np.asarray(raw(x)), self.in_features, "Perceptron.predict")
        z = xs @ self.weight.value[0]
        if self.bias is not None:
            z = z + self.bias.value[0]
        return (np.asarray(z) > 0).astype(np.int64)

    def perceptron_rule(self, x: Any, target: Any, lr: float = 1.0) -> int:
        """One epoch of the classic perceptron rule; returns the number of mistakes.

        The samples are visited in order. Each one that is misclassified (a label ``t``
        in {0, 1} against the prediction ``ŷ = [w·x + b > 0]``) moves the weights in
        place: ``w += lr · (t - ŷ) · x``, ``b += lr · (t - ŷ)``. No graph is built. On
        linearly separable data the rule stops making mistakes after finitely many
        epochs (Novikoff's theorem). ``lr`` must be a finite number ``> 0`` and ``x``
        finite (a NaN would be misclassified at every epoch).

        >>> import numpy as np
        >>> from autodiff import nn
        >>> p = nn.Perceptron(1, rng=0)
        >>> X, y = np.array([[-1.0], [1.0]]), np.array([0, 1])
        >>> while p.perceptron_rule(X, y):
        ...     pass
        >>> p.predict(X)
        array([0, 1])
        """
        step_size = real(lr, "perceptron_rule", "lr", example="1.0")
        if step_size == 0:
            raise ValueError(
                "perceptron_rule: lr must be positive, not 0 (the weights would never "
                "move); pass e.g. lr=1.0"
            )
        xs = np.asarray(raw(x))
        if xs.dtype.kind not in "iuf":
            raise TypeError(
                f"perceptron_rule: x must be real numbers, not an array of dtype {xs.dtype}"
            )
        xs = xs.astype(np.float64)
        ts = np.asarray(raw(target))
        if xs.ndim != 2 or xs.shape[1] != self.in_features:
            raise ValueError(
                f"perceptron_rule expects inputs of shape (batch, {self.in_features}), "
                f"got shape {xs.shape}"
            )
        if not np.all(np.isfinite(xs)):
            raise ValueError(
                "perceptron_rule: x holds NaN or inf; no weights could classify it (the "
                "rule would never stop making mistakes)"
            )
        if ts.shape != (xs.shape[0],) or not np.all((ts == 0) | (ts == 1)):
            raise ValueError(
                f"perceptron_rule expects {xs.shape[0]} labels in {{0, 1}}, got {ts.shape} "
                f"values; for labels in {{-1, +1}} pass (y + 1) // 2"
            )
        w = self.weight.value[0]
        b = self.bias.value if self.bias is not None else np.zeros(1)
        mistakes = 0
        for xi, ti in zip(xs, ts, strict=True):
            predicted = 1.0 if float(xi @ w + b[0]) > 0 else 0.0
            if predicted != ti:
                step = step_size * (float(ti) - predicted)
                w += step * xi
                b[0] += step
                mistakes += 1
        if mistakes:  # the arrays changed in place: tell the parameters (stale graphs)
            for p in self.parameters():
                p.value = p.value
        return mistakes
