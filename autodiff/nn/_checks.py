"""Argument checks shared by the array layers and the scalar ones (private)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeAlias

from autodiff import primitives as P
from autodiff._arguments import given, integer
from autodiff._arguments import sizes as ordered_items

#: The activations :class:`~autodiff.nn.MLP` and :mod:`autodiff.nn.scalar` know by name.
Activation: TypeAlias = Literal["tanh", "relu", "sigmoid"]

_ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "tanh": P.tanh,
    "relu": P.relu,
    "sigmoid": P.sigmoid,
}


def activation_function(name: str, owner: str = "MLP") -> Callable[[Any], Any]:
    """The elementwise function for an activation name (``"tanh"``, ``"relu"``, ``"sigmoid"``)."""
    choices = ", ".join(repr(k) for k in _ACTIVATIONS)
    if not isinstance(name, str):
        raise TypeError(f"{owner}: activation must be a name, one of {choices}, not {given(name)}")
    try:
        return _ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"{owner}: unknown activation {name!r}; choose one of {choices}") from None


def positive_int(value: Any, what: str, owner: str = "Linear") -> int:
    """A size: an int ``>= 1`` (a layer's number of features, say)."""
    return integer(value, owner, what, example=16)


def mlp_sizes(sizes: Sequence[int], activation: str, owner: str = "MLP") -> list[int]:
    """Check an MLP's ``[in, hidden..., out]`` sizes and its activation's name."""
    items = ordered_items(sizes, owner)
    checked = [positive_int(n, f"sizes[{i}]", owner) for i, n in enumerate(items)]
    if len(checked) < 2:
        raise ValueError(
            f"{owner} needs at least two sizes [in, ..., out], got {checked}; "
            f"pass e.g. [{checked[0] if checked else 2}, 16, 1]"
        )
    activation_function(activation, owner)  # check the name
    return checked
