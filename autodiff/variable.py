"""Reverse mode: a ``Variable`` records the operation that made it."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from autodiff import primitives as P
from autodiff.graph import backpropagate
from autodiff.tracer import Tracer, as_value, shape_of

__all__ = ["Variable"]

# `next()` on an itertools.count is a single C call: atomic under the GIL, so names
# stay unique when threads build graphs concurrently.
_ids = itertools.count()


class Variable(Tracer):
    """A node of the recorded graph: reverse-mode AD.

    Every operation on a ``Variable`` returns a new ``Variable`` that remembers its
    primitive (:attr:`op`) and its operands (:attr:`parents`, in operand order).
    :meth:`backward` then walks the graph from the output back to the inputs and leaves
    ``∂output/∂node`` in every node's :attr:`grad`.

    Parameters
    ----------
    value:
        A number or an array of numbers (stored as a float or a float64 array).
    name:
        A label for drawings and tables; ``v<k>`` (a unique number) by default.

    Examples
    --------
    >>> x, a, b = Variable(24.0, name="x"), Variable(22.0, name="a"), Variable(2.0, name="b")
    >>> y = x * a / (x**2 + b)
    >>> y.backward()
    >>> x.grad, a.grad, b.grad
    (-0.0377988..., 0.0415224..., -0.00158044...)
    """

    __slots__ = ("_args", "_grad", "_id", "_name", "_params", "_prim", "level", "value")

    def __init__(self, value: Any, name: str | None = None) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Variable name must be a str, not {type(name).__name__}")
        self.value = as_value(value, "Variable")
        self.level = 0
        self._grad: Any = None
        self._id = next(_ids)
        self._name = name
        self._prim: P.Primitive | None = None
        self._args: tuple[Any, ...] = ()
        self._params: dict[str, Any] | None = None

    @classmethod
    def _leaf(cls, value: Any, level: int) -> Variable:
        """An input at a transform's own level."""
        leaf = cls(value)
        leaf.level = level
        return leaf

    def _apply(self, prim: P.Primitive, args: tuple[Any, ...], params: dict[str, Any]) -> Any:
        level = self.level
        if len(args) == 1:  # unary: the operand is this variable's level
            vals: Any = (args[0].value,)
        elif len(args) == 2:
            a, b = args
            vals = (
                a.value if a.__class__ is Variable and a.level == level else a,
                b.value if b.__class__ is Variable and b.level == level else b,
            )
        else:
            vals = [a.value if a.__class__ is Variable and a.level == level else a for a in args]
        for v in vals:
            if v.__class__ is not float and isinstance(v, Tracer):
                value = P.apply(prim, *vals, **params)  # nested: a lower level computes it
                break
        else:
            try:
                value = prim.impl(*vals, **params) if params else prim.impl(*vals)
            except ValueError as error:
                raise P.shape_error(prim, vals, error) from None
        node = object.__new__(Variable)
        node.value = value
        node.level = level
        node._grad = None
        node._id = next(_ids)
        node._name = None
        node._prim = prim
        node._args = args
        node._params = params or None
        return node

    # -- the graph -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The name given at creation or set later, else ``v<k>`` with a unique ``k``.

        >>> y = Variable(2.0) * 3.0
        >>> y.name = "y"; y.name
        'y'
        """
        return self._name if self._name is not None else f"v{self._id}"

    @name.setter
    def name(self, name: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"Variable name must be a str, not {type(name).__name__}")
        self._name = name

    @property
    def op(self) -> str:
        """The name of the primitive that made this node (``""`` for an input)."""
        return "" if self._prim is None else self._prim.name

    @property
    def parents(self) -> tuple[Variable, ...]:
        """The operands that are ``Variable``\\ s, in operand order (``x * x`` has two)."""
        return tuple(a for a in self._args if a.__class__ is Variable and a.level == self.level)

    @property
    def params(self) -> dict[str, Any]:
        """Non-differentiable parameters of the operation (an axis, a shape, an index)."""
        return dict(self._params or {})

    @property
    def operands(self) -> tuple[Any, ...]:
        """Every operand in order, the parent variables and the constants alike."""
        return self._args

    # -- gradients -------------------------------------------------------------------------
    @property
    def grad(self) -> Any:
        """``∂output/∂self`` summed over every :meth:`backward` call so far.

        It has the shape of the value and is zero until the first ``backward``.
        Like PyTorch, gradients *accumulate*: call :meth:`zero_grad` between steps.
        """
        if self._grad is None:
            shape = shape_of(self.value)
            return np.zeros(shape) if shape else 0.0
        return self._grad

    def zero_grad(self) -> None:
        """Reset :attr:`grad` to zero.

        >>> x = Variable(2.0)
        >>> (x * x).backward()
        >>> x.zero_grad(); x.grad
        0.0
        """
        self._grad = None

    def backward(self, gradient: Any = None) -> None:
        """Backpropagate from this node: add ``∂self/∂node`` to every node's :attr:`grad`.

        Gradients accumulate across calls (as in PyTorch) and the graph is kept, so
        ``backward`` may be called again. Nothing is printed.

        Parameters
        ----------
        gradient
            The seed ``∂L/∂self``, with this node's shape. It may be omitted only when
            the value has a single element (the seed is then 1).

        Examples
        --------
        >>> x = Variable(3.0)
        >>> y = x * x
        >>> y.backward(); x.grad
        6.0
        >>> y.backward(); x.grad  # accumulated
        12.0
        """
        shape = shape_of(self.value)
        if gradient is None:
            if int(np.prod(shape)) != 1:
                raise ValueError(
                    f"backward() on an output of shape {shape} needs a seed: pass "
                    f"gradient= with shape {shape} (only a single-element output has "
                    "the implicit seed 1)"
                )
            seed: Any = np.ones(shape) if shape else 1.0
        else:
            seed = as_value(gradient, "backward() gradient")
            if shape_of(seed) != shape:
                raise ValueError(
                    f"backward(): the gradient has shape {shape_of(seed)} but the output "
                    f"has shape {shape}"
                )
        backpropagate(self, seed, store=True)

    def __repr__(self) -> str:
        grad = "" if self._grad is None else f", grad={self._grad!r}"
        op = f", op={self.op!r}" if self._prim is not None else ""
        return f"Variable(value={self.value!r}{grad}, name={self.name!r}{op})"
