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

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from autodiff import primitives as P
from autodiff._arguments import flag, given, integer, real
from autodiff._arguments import sizes as ordered_items
from autodiff._random import Seed, as_generator
from autodiff.primitives._axes import checked_axes
from autodiff.tracer import Tracer, as_value, raw, shape_of
from autodiff.variable import Variable

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

#: The activations :class:`MLP` and :mod:`autodiff.nn.scalar` know by name.
_Activation: TypeAlias = Literal["tanh", "relu", "sigmoid"]
#: How a loss reduces its per-element values: their mean, their sum, or not at all.
_Reduction: TypeAlias = Literal["mean", "sum", "none"]

_ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "tanh": P.tanh,
    "relu": P.relu,
    "sigmoid": P.sigmoid,
}


def _activation_function(name: str, owner: str = "MLP") -> Callable[[Any], Any]:
    """The elementwise function for an activation name (``"tanh"``, ``"relu"``, ``"sigmoid"``)."""
    choices = ", ".join(repr(k) for k in _ACTIVATIONS)
    if not isinstance(name, str):
        raise TypeError(f"{owner}: activation must be a name, one of {choices}, not {given(name)}")
    try:
        return _ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"{owner}: unknown activation {name!r}; choose one of {choices}") from None


def _positive_int(value: Any, what: str, owner: str = "Linear") -> int:
    return integer(value, owner, what, example=16)


# --------------------------------------------------------------------------------------
# Modules


def _mlp_sizes(sizes: Sequence[int], activation: str, owner: str = "MLP") -> list[int]:
    """Check an MLP's ``[in, hidden..., out]`` sizes and its activation's name."""
    items = ordered_items(sizes, owner)
    checked = [_positive_int(n, f"sizes[{i}]", owner) for i, n in enumerate(items)]
    if len(checked) < 2:
        raise ValueError(
            f"{owner} needs at least two sizes [in, ..., out], got {checked}; "
            f"pass e.g. [{checked[0] if checked else 2}, 16, 1]"
        )
    _activation_function(activation, owner)  # check the name
    return checked


class Module:
    """Base class of layers and networks: parameters, ``zero_grad`` and calling.

    A subclass defines :meth:`forward` and stores its parameters and sub-modules as
    public attributes. Every public attribute holding a :class:`~autodiff.Variable`
    is a parameter, every one holding a ``Module`` (or a list or tuple of them, or of
    ``Variable``\\ s) is a sub-module; :meth:`parameters` lists them in the order the
    attributes were first assigned, depth first. Assigning one also names its
    parameters after the attribute path (``"fc1.weight"``), which is what drawings and
    trace tables show.

    As in PyTorch, a parameter can only be replaced by another ``Variable`` (or
    ``None``), and a sub-module by another ``Module`` (or ``None``): ``layer.weight =
    array`` would drop the weight from :meth:`parameters`, so it raises a
    ``TypeError``; so does ``layer.weight = layer.weight - lr * layer.weight.grad``,
    which would make the weight a node of a graph that grows at every step. Change a
    parameter's numbers through its value (``layer.weight.value -= lr * g``) or with an
    optimiser.

    Examples
    --------
    >>> import numpy as np
    >>> import autodiff as ad
    >>> from autodiff import nn
    >>> class Affine(nn.Module):
    ...     def __init__(self):
    ...         self.scale = ad.Variable(np.ones(2))
    ...         self.shift = ad.Variable(np.zeros(2))
    ...     def forward(self, x):
    ...         return x * self.scale + self.shift
    >>> class Net(nn.Module):
    ...     def __init__(self):
    ...         self.first = Affine()
    ...         self.second = Affine()
    ...     def forward(self, x):
    ...         return self.second(self.first(x))
    >>> net = Net()
    >>> [name for name, p in net.named_parameters()]
    ['first.scale', 'first.shift', 'second.scale', 'second.shift']
    >>> net.parameters()[0].name
    'first.scale'
    >>> net(np.array([1.0, 2.0])).value
    array([1., 2.])
    >>> net
    Net(  # 8 parameters
      (first): Affine()
      (second): Affine()
    )
    >>> net.first.scale = net.first.scale * 2.0
    Traceback (most recent call last):
    ...
    TypeError: Affine: cannot assign the result of 'mul' to the parameter 'scale': ...
    """

    # Modules list their sub-modules in ``repr``; a module with very many identical
    # children (the scalar ``Layer``) turns that off.
    _repr_children: bool = True

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; subclasses define it and callers use ``module(x)``."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("_"):
            old = self.__dict__.get(name)
            if old is not None and old is not value:
                _check_replacement(self, name, old, value)
        object.__setattr__(self, name, value)
        if not name.startswith("_"):
            _name_parameters(name, value)

    def _members(self) -> Iterator[tuple[str, Variable | Module]]:
        """The parameters and sub-modules held directly, with their relative names."""
        for name, value in vars(self).items():
            if name.startswith("_"):
                continue
            if isinstance(value, Variable | Module):
                yield name, value
            elif isinstance(value, list | tuple):
                for i, item in enumerate(value):
                    if isinstance(item, Variable | Module):
                        yield f"{name}.{i}", item

    def named_parameters(self) -> list[tuple[str, Variable]]:
        """Every parameter with its dotted path, in a deterministic order, each once.

        >>> from autodiff import nn
        >>> [name for name, _ in nn.MLP([2, 3, 1], rng=0).named_parameters()]
        ['0.weight', '0.bias', '2.weight', '2.bias']
        """
        out: list[tuple[str, Variable]] = []
        self._collect("", out, set())
        return out

    def _collect(self, prefix: str, out: list[tuple[str, Variable]], seen: set[int]) -> None:
        for name, member in self._members():
            if isinstance(member, Variable):
                if id(member) not in seen:
                    seen.add(id(member))
                    out.append((prefix + name, member))
            else:
                member._collect(f"{prefix}{name}.", out, seen)

    def parameters_dict(self) -> dict[str, Any]:
        """Every parameter's current value by its dotted name: a pytree for the transforms.

        The values are copies (floats or arrays), so the dict is a snapshot: changing
        it leaves the model alone, and an optimiser step leaves it alone. This is the
        JAX way to differentiate a model by its parameters' names: write the loss as
        a function of the dict, and :func:`~autodiff.grad` returns a dict of gradients
        with the same names, ready for an update through :meth:`named_parameters`.

        >>> import numpy as np
        >>> import autodiff as ad
        >>> from autodiff import nn
        >>> model = nn.Linear(3, 1, rng=0)
        >>> params = model.parameters_dict()
        >>> {name: value.shape for name, value in params.items()}
        {'weight': (1, 3), 'bias': (1,)}
        >>> X, y = np.ones((4, 3)), np.zeros((4, 1))
        >>> def loss_fn(params, X, y):
        ...     prediction = X @ params["weight"].T + params["bias"]
        ...     return nn.mse_loss(prediction, y)
        >>> grads = ad.grad(loss_fn)(params, X, y)
        >>> sorted(grads)
        ['bias', 'weight']
        >>> loss = nn.mse_loss(model(X), y); loss.backward()  # the same as backward()
        >>> bool(np.allclose(grads["weight"], model.weight.grad))
        True
        >>> for name, p in model.named_parameters():  # a gradient-descent step
        ...     p.value -= 0.1 * grads[name]
        """
        return {
            name: np.copy(p.value) if isinstance(p.value, np.ndarray) else p.value
            for name, p in self.named_parameters()
        }

    def parameters(self) -> list[Variable]:
        """Every parameter, in the order of :meth:`named_parameters`.

        >>> from autodiff import nn
        >>> [p.shape for p in nn.Linear(3, 2, rng=0).parameters()]
        [(2, 3), (2,)]
        """
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        """The number of trainable numbers: the sizes of all parameters added up.

        >>> from autodiff import nn
        >>> nn.MLP([2, 16, 16, 1], rng=0).num_parameters()
        337
        """
        return sum(p.size for p in self.parameters())

    def zero_grad(self) -> None:
        """Reset the gradient of every parameter (gradients accumulate otherwise).

        >>> import numpy as np
        >>> from autodiff import nn
        >>> layer = nn.Linear(2, 1, rng=0)
        >>> layer(np.ones((1, 2))).sum().backward()
        >>> layer.bias.grad
        array([1.])
        >>> layer.zero_grad(); layer.bias.grad
        array([0.])
        """
        for p in self.parameters():
            p.zero_grad()

    def named_children(self) -> list[tuple[str, Module]]:
        """The sub-modules held directly, with their names.

        >>> from autodiff import nn
        >>> [(name, type(m).__name__) for name, m in nn.MLP([2, 3, 1]).named_children()]
        [('0', 'Linear'), ('1', 'Tanh'), ('2', 'Linear')]
        """
        return [(name, m) for name, m in self._members() if isinstance(m, Module)]

    def extra_repr(self) -> str:
        """The settings shown inside the parentheses of the ``repr`` (none by default)."""
        return ""

    def _repr(self) -> str:
        head = f"{type(self).__name__}({self.extra_repr()}"
        children = self.named_children() if self._repr_children else []
        if not children:
            return head + ")"
        lines = [head]
        for name, child in children:
            text = child._repr().replace("\n", "\n  ")
            lines.append(f"  ({name}): {text}")
        return "\n".join([*lines, ")"])

    def __repr__(self) -> str:
        text = self._repr()
        n = self.num_parameters()
        count = f"  # {n} parameter{'' if n == 1 else 's'}"
        first, newline, rest = text.partition("\n")
        return first + count + newline + rest


def _check_replacement(module: Module, name: str, old: Any, value: Any) -> None:
    """Refuse to replace a parameter or a sub-module by something that is not one.

    As ``torch.nn.Module`` does: ``layer.weight = array`` would silently drop the weight
    from :meth:`Module.parameters`, and ``layer.weight = layer.weight - lr * g`` would
    make it a node of a graph that grows at every step.
    """
    owner = type(module).__name__
    if isinstance(old, Variable):
        fix = (
            f"to change its numbers, assign its value: {name}.value = ..., or "
            f"{name}.value -= lr * {name}.grad (or use an optimiser from autodiff.optim)"
        )
        if value is not None and not isinstance(value, Variable):
            raise TypeError(
                f"{owner}: cannot assign {given(value)} to the parameter {name!r} (a "
                f"Variable or None expected); {fix}"
            )
        if isinstance(value, Variable) and value._prim is not None and old._prim is None:
            raise TypeError(
                f"{owner}: cannot assign the result of {value.op!r} to the parameter "
                f"{name!r}: it would stop being a parameter and become a node of a graph "
                f"that grows at every update; {fix}"
            )
    elif isinstance(old, Module) and value is not None and not isinstance(value, Module):
        raise TypeError(
            f"{owner}: cannot assign {given(value)} to the sub-module {name!r} (a Module or "
            f"None expected)"
        )


def _name_parameters(prefix: str, value: Any) -> None:
    """Name the parameters held by an attribute after their path from it."""
    if isinstance(value, Variable):
        value.name = prefix
    elif isinstance(value, Module):
        for name, p in value.named_parameters():
            p.name = f"{prefix}.{name}"
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if isinstance(item, Variable | Module):
                _name_parameters(f"{prefix}.{i}", item)


class Sequential(Module):
    """Modules applied one after the other; they are named ``"0"``, ``"1"``, ...

    Parameters
    ----------
    *modules:
        The modules, in the order they are applied.

    Examples
    --------
    >>> import numpy as np
    >>> from autodiff import nn
    >>> net = nn.Sequential(nn.Linear(2, 4, rng=0), nn.ReLU(), nn.Linear(4, 1, rng=1))
    >>> net(np.zeros((5, 2))).shape
    (5, 1)
    >>> len(net), type(net[1]).__name__
    (3, 'ReLU')
    >>> net.parameters()[2].name
    '2.weight'
    """

    def __init__(self, *modules: Module) -> None:
        items: tuple[object, ...] = modules  # checked at run time: callers are not always typed
        for i, m in enumerate(items):
            if not isinstance(m, Module):
                fix = "pass Module instances, e.g. Sequential(nn.Linear(2, 4), nn.ReLU())"
                if isinstance(m, type) and issubclass(m, Module):
                    fix = f"pass an instance, {m.__name__}(...), not the class"
                elif isinstance(m, list | tuple):
                    fix = "pass the modules as separate arguments: Sequential(*modules)"
                raise TypeError(
                    f"Sequential: item {i} is a {type(m).__name__}, not a Module; {fix}"
                )
            _name_parameters(str(i), m)
        self._modules = list(modules)

    def _members(self) -> Iterator[tuple[str, Variable | Module]]:
        for i, m in enumerate(self._modules):
            yield str(i), m

    def forward(self, x: Any) -> Any:
        """Apply each module in turn."""
        for m in self._modules:
            x = m(x)
        return x

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, index: int) -> Module:
        key: object = index  # checked at run time: callers are not always typed
        if isinstance(key, slice):
            return self._modules[key]  # type: ignore[return-value]
        if isinstance(key, bool | np.bool_) or not isinstance(key, int | np.integer):
            raise TypeError(
                f"Sequential indices must be ints (or slices), not {given(index)}; "
                f"e.g. model[0] is the first module"
            )
        n = len(self._modules)
        if not -n <= index < n:
            raise IndexError(f"Sequential index {index} is out of range for {n} module(s)")
        return self._modules[index]

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules)


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


_ACTIVATION_MODULES: dict[str, type[Module]] = {"tanh": Tanh, "relu": ReLU, "sigmoid": Sigmoid}


def init_uniform(
    rng: np.random.Generator, in_features: int, out_features: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """PyTorch's default initialisation of a linear layer, drawn from ``rng``.

    The weight, of shape ``(out_features, in_features)``, is drawn first, then the bias,
    of shape ``(out_features,)``, both from ``U(-1/√in_features, 1/√in_features)``.
    :class:`Linear` and the scalar layers of :mod:`autodiff.nn.scalar` both use it, so
    they start from the same numbers when given the same seed.

    >>> import numpy as np
    >>> w, b = init_uniform(np.random.default_rng(0), 4, 3)
    >>> w.shape, b.shape, bool(np.all(np.abs(w) <= 0.5))
    ((3, 4), (3,), True)
    """
    rng = as_generator(rng, "init_uniform")
    in_features = integer(in_features, "init_uniform", "in_features", example=4)
    out_features = integer(out_features, "init_uniform", "out_features", example=3)
    bound = 1.0 / math.sqrt(in_features)
    weight = rng.uniform(-bound, bound, size=(out_features, in_features))
    bias = rng.uniform(-bound, bound, size=out_features)
    return weight, bias


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
        self.in_features = _positive_int(in_features, "in_features", owner)
        self.out_features = _positive_int(out_features, "out_features", owner)
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
        activation: _Activation = "tanh",
        rng: Seed = None,
    ) -> None:
        sizes = _mlp_sizes(sizes, activation)
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


# --------------------------------------------------------------------------------------
# Softmax and losses


def _shifted(x: Any, axis: int, owner: str = "softmax") -> Any:
    """``x`` minus its maximum along ``axis``, the maximum taken as a constant.

    An empty ``x`` is returned as it is: its softmax is empty too (as in PyTorch).
    """
    if not isinstance(x, Tracer):
        x = as_value(x, f"{owner} input")
    shape = shape_of(x)
    if not shape:
        raise ValueError("softmax and log_softmax need an array of at least one dimension")
    if isinstance(axis, bool) or not isinstance(axis, int | np.integer):
        raise TypeError(f"{owner}: axis must be an int, not {type(axis).__name__}")
    (a,) = checked_axes(axis, len(shape), owner)
    if 0 in shape:
        return x
    return x - np.max(raw(x), axis=a, keepdims=True)


def softmax(x: Any, axis: int = -1) -> Any:
    """``exp(x) / Σ exp(x)`` along ``axis``, computed stably.

    The maximum along ``axis`` is subtracted first, as a constant: ``softmax(x - c)`` is
    ``softmax(x)`` for every constant ``c``, so neither the value nor any derivative
    changes, and ``exp`` never overflows.

    >>> import numpy as np
    >>> softmax(np.array([0.0, 1000.0]))
    array([0., 1.])
    >>> softmax(np.array([[1.0, 1.0], [0.0, np.log(3.0)]]))
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    shifted = _shifted(x, axis, "softmax")
    if 0 in shape_of(shifted):
        return shifted
    e = P.exp(shifted)
    return e / P.sum(e, axis=axis, keepdims=True)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """``x - log Σ exp(x)`` along ``axis``, computed stably for logits of any size.

    With ``m`` the maximum along ``axis``, this is ``(x - m) - log Σ exp(x - m)``: every
    exponent is at most 0 and the largest is exactly 0, so nothing overflows and the log
    never sees 0. ``m`` is a constant to the gradient, which is exact and cheaper than
    differentiating through :func:`autodiff.max`: the result does not depend on the
    shift at all (its derivative with respect to ``m`` is ``-1 + Σ softmax = 0``), so
    treating ``m`` as a constant changes no derivative of any order, while a traced
    ``max`` would add a node and send contributions that only cancel up to rounding.

    >>> import numpy as np
    >>> log_softmax(np.array([0.0, 0.0]))  # doctest: +NUMBER
    array([-0.693, -0.693])
    >>> log_softmax(np.array([1000.0, -1000.0]))
    array([    0., -2000.])
    """
    shifted = _shifted(x, axis, "log_softmax")
    if 0 in shape_of(shifted):
        return shifted
    return shifted - P.log(P.sum(P.exp(shifted), axis=axis, keepdims=True))


def _reduce(values: Any, reduction: _Reduction, owner: str) -> Any:
    if reduction == "mean":
        return P.mean(values)
    if reduction == "sum":
        return P.sum(values)
    if reduction == "none":
        return values
    raise ValueError(f"{owner}: reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


def _match_target(input: Any, target: Any, owner: str) -> Any:
    """The target as a value of the input's shape (size-1 axes may differ)."""
    if not isinstance(target, Tracer):
        target = as_value(target, f"{owner} target")
    shape, target_shape = shape_of(input), shape_of(target)
    if shape == target_shape:
        return target
    if tuple(n for n in shape if n != 1) == tuple(n for n in target_shape if n != 1):
        return P.reshape(target, shape)
    raise ValueError(
        f"{owner}: input of shape {shape} and target of shape {target_shape} do not match"
    )


def mse_loss(input: Any, target: Any, reduction: _Reduction = "mean") -> Any:
    """The mean squared error ``mean((input - target)²)``.

    ``input`` and ``target`` must have the same shape, up to axes of size 1 (so a
    ``(batch, 1)`` output pairs with a ``(batch,)`` target). ``reduction="sum"`` adds
    the squared errors up and ``"none"`` returns them.

    >>> import numpy as np
    >>> from autodiff import Variable
    >>> pred = Variable(np.array([1.0, 2.0]))
    >>> loss = mse_loss(pred, np.array([0.0, 4.0]))
    >>> loss.value
    2.5
    >>> loss.backward(); pred.grad
    array([ 1., -2.])
    """
    diff = input - _match_target(input, target, "mse_loss")
    return _reduce(diff * diff, reduction, "mse_loss")


def binary_cross_entropy_with_logits(
    input: Any, target: Any, reduction: _Reduction = "mean"
) -> Any:
    """The logistic loss of logits ``z`` against targets ``t`` in [0, 1].

    Per element, ``-t log σ(z) - (1 - t) log(1 - σ(z))``, computed as
    ``t · softplus(-z) + (1 - t) · softplus(z)`` with ``softplus(z) = log(1 + e^z) =``
    :func:`logaddexp(0, z) <autodiff.logaddexp>`: finite and accurate for logits of any
    size (no ``σ(z)`` that rounds to 0 or 1 before the log), and its gradient is
    exactly ``σ(z) - t``. A target of exactly 0 or 1 keeps only its own term, so an
    infinite logit gives the limit: loss 0 where it agrees with the target (``z = inf``,
    ``t = 1``), ``inf`` where it does not, and the gradient ``σ(z) - t`` (PyTorch and JAX
    give that gradient, but a nan loss where ``0 · inf`` appears).

    >>> import numpy as np
    >>> from autodiff import Variable
    >>> z = Variable(np.array([1000.0, -1000.0, 0.0]))
    >>> loss = binary_cross_entropy_with_logits(z, np.array([0.0, 0.0, 1.0]), reduction="none")
    >>> loss.value.tolist()  # doctest: +NUMBER
    [1000.0, 0.0, 0.693]
    >>> loss.sum().backward(); z.grad
    array([ 1. ,  0. , -0.5])
    """
    t = _match_target(input, target, "binary_cross_entropy_with_logits")
    if isinstance(t, Tracer):  # a traced target: the general formula
        losses = t * P.logaddexp(0.0, -input) + (1.0 - t) * P.logaddexp(0.0, input)
        return _reduce(losses, reduction, "binary_cross_entropy_with_logits")
    labels = (t == 0.0) | (t == 1.0)
    # Where t is 0 or 1 the loss is softplus(∓z): one term, no 0 · inf at z = ±inf.
    hard = P.logaddexp(0.0, (1.0 - 2.0 * t) * input)
    if np.all(labels):
        losses = hard
    else:
        soft = t * P.logaddexp(0.0, -input) + (1.0 - t) * P.logaddexp(0.0, input)
        losses = P.where(labels, hard, soft) if np.any(labels) else soft
    return _reduce(losses, reduction, "binary_cross_entropy_with_logits")


def cross_entropy(input: Any, target: Any, reduction: _Reduction = "mean") -> Any:
    """The cross-entropy of logits against integer class indices, as PyTorch's.

    ``input`` holds one row of ``C`` logits per sample, shape ``(batch, C)`` (or
    ``(C,)`` for one sample), and ``target`` the class index of each sample, in
    ``0, ..., C-1``. The loss of a sample is ``-log_softmax(logits)[target]``, computed
    with the stable :func:`log_softmax`; its gradient is ``softmax(logits) - onehot``.
    A logit of ``-inf`` (a masked class) is fine: the loss picks the target's log-
    probability, so another class at ``-inf`` adds nothing (not ``0 · -inf``), as in
    PyTorch and JAX.

    >>> import numpy as np
    >>> from autodiff import Variable
    >>> logits = Variable(np.array([[0.0, 0.0], [1000.0, -1000.0]]))
    >>> loss = cross_entropy(logits, np.array([0, 1]), reduction="none")
    >>> loss.value.tolist()  # doctest: +NUMBER
    [0.693, 2000.0]
    >>> loss.sum().backward(); logits.grad
    array([[-0.5,  0.5],
           [ 1. , -1. ]])
    """
    shape = shape_of(input)
    if len(shape) not in (1, 2):
        raise ValueError(f"cross_entropy expects logits of shape (batch, C) or (C,), got {shape}")
    classes = np.asarray(raw(target))
    if classes.dtype.kind not in "iu":
        raise TypeError(
            f"cross_entropy expects integer class indices, not an array of dtype {classes.dtype}"
        )
    if classes.shape != shape[:-1]:
        raise ValueError(
            f"cross_entropy: logits of shape {shape} need targets of shape {shape[:-1]}, "
            f"got {classes.shape}"
        )
    n_classes = shape[-1]
    if np.any((classes < 0) | (classes >= n_classes)):
        raise ValueError(f"cross_entropy: class indices must lie in [0, {n_classes - 1}]")
    log_p = log_softmax(input, axis=-1)
    picked = log_p[int(classes)] if len(shape) == 1 else log_p[np.arange(shape[0]), classes]
    return _reduce(-picked, reduction, "cross_entropy")


def hinge_loss(input: Any, target: Any, margin: float = 1.0, reduction: _Reduction = "mean") -> Any:
    """The hinge loss ``max(0, margin - y · s)`` of scores ``s`` against labels ``y = ±1``.

    Zero for a sample classified correctly with a margin, linear otherwise; the loss of
    a support vector machine and of micrograd's moons demo. Labels in {0, 1} are refused
    (convert them with ``2 * y - 1``).

    >>> import numpy as np
    >>> from autodiff import Variable
    >>> s = Variable(np.array([-2.0, 0.5, -1.0]))
    >>> loss = hinge_loss(s, np.array([-1, 1, 1]))
    >>> loss.value
    0.8333333333333334
    >>> loss.backward(); s.grad  # doctest: +NUMBER
    array([ 0.   , -0.333, -0.333])
    """
    if isinstance(margin, bool) or not isinstance(margin, int | float | np.integer | np.floating):
        raise TypeError(f"hinge_loss: margin must be a real number, not {type(margin).__name__}")
    y = _match_target(input, target, "hinge_loss")
    if not isinstance(y, Tracer) and not np.all(np.abs(np.asarray(y)) == 1.0):
        raise ValueError("hinge_loss needs targets in {-1, +1}; for 0/1 labels pass 2 * y - 1")
    return _reduce(P.relu(margin - y * input), reduction, "hinge_loss")
