"""``Module``, the base class of layers and networks, and ``Sequential``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from autodiff._arguments import given
from autodiff.variable import Variable

__all__ = ["Module", "Sequential"]


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
        if isinstance(value, Variable) and value.op and not old.op:
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
    """Modules applied one after the other; they are named ``"0"``, ``"1"`` and so on.

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
