"""Reverse mode: a ``Variable`` records the operation that made it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

import numpy as np

from autodiff import primitives as P
from autodiff.graph import Node, backpropagate, changed, new_id
from autodiff.tracer import LIVE_LEVELS, NO_PARAMS, Tracer, check_live
from autodiff.values import as_value, raw, shape_of

if TYPE_CHECKING:
    from autodiff._types import Operand

__all__ = ["Variable"]


def _own_value(value: Any, owner: str) -> Any:
    """``value`` checked, and if it is an array, one that the Variable owns.

    The caller's array is copied (as ``torch.tensor`` copies), so an optimiser step,
    which updates a parameter's array in place, never changes the caller's data. A
    Variable made by hand is refused: ``p.value = p - lr * p.grad`` (with ``.value``
    missing on the right) would nest one graph inside another.
    """
    if value.__class__ is Variable and value.level == 0:
        raise TypeError(
            f"{owner} got a Variable ({value.name}): a Variable holds a number or an array. "
            f"Use its .value for the number (for example `p.value = p.value - lr * p.grad`), "
            "or use the Variable itself in your computation"
        )
    v = as_value(value, owner)
    if v.__class__ is np.ndarray and (v is value or v.base is not None):
        v = v.copy()
    return v


class Variable(Node, Tracer):
    """A node of the recorded graph: reverse-mode AD.

    Every operation on a ``Variable`` returns a new ``Variable`` that remembers its
    primitive (:attr:`op`) and its operands (:attr:`parents`, in operand order).
    :meth:`backward` then walks the graph from the output back to the inputs and leaves
    ``∂output/∂node`` in every node's :attr:`grad`.

    A ``Variable`` made by hand is an *input* (a leaf): a parameter, say. It owns its
    value (an array is copied), which an optimiser or ``p.value -= lr * p.grad``
    updates; ``p -= ...`` on it is refused, because Python would rebind the name
    instead of changing the parameter. A graph recorded before such an update refuses
    ``backward()``: compute the output again.

    Parameters
    ----------
    value:
        A number or an array of numbers (stored as a float or a float64 array, a copy
        of the one given).
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

    # The operands live in slots, not in a tuple: a node is then one object for the
    # garbage collector to track instead of two, which halves the time the collector
    # spends walking a large graph. `_x` is None for an input, `_y` None for a unary op;
    # the rare extras (operands after the second, parameters) share one slot, `_more`.
    # `_name` stays empty unless a name is given: the collector follows every slot that
    # is set, and in a graph of millions of nodes its walks take longer than building it.
    # The value lives in the slot `_value`, which the engine reads directly; the public
    # `value` is a property, so that setting it can be checked and noticed (see below).
    __slots__ = ("level",)

    def __init__(self, value: Any, name: str | None = None) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Variable name must be a str, not {type(name).__name__}")
        self._value = _own_value(value, "Variable")
        self.level = 0
        self._grad: Any = None
        self._id = new_id()
        if name is not None:
            self._name = name
        self._prim: P.Primitive | None = None
        self._x: Any = None
        self._y: Any = None
        self._more: tuple[tuple[Any, ...], dict[str, Any]] | None = None

    @classmethod
    def input_at_level(
        cls, value: Any, level: int, owner: str = "an input", *, copy: bool = False
    ) -> Variable:
        """An input at a transform's own level.

        Its value is the caller's argument itself unless ``copy``: a transform never
        changes its inputs, and ``grad`` is done with them when it returns. ``vjp``
        copies, since its pullback runs later and the caller may change the array.
        """
        v = as_value(value, owner)
        if copy and v is value and v.__class__ is np.ndarray:
            v = v.copy()
        return new_node(None, v, level, None, None)

    @property
    def value(self) -> Any:
        """The number or array this node holds.

        Only an input's value (a *leaf*: a Variable made by hand, such as a parameter)
        may be set, to a number or an array that is then copied, as an optimiser step
        does: ``p.value -= lr * p.grad``. A graph recorded before the change still
        refers to the old value, so calling ``backward()`` on it afterwards raises an
        error instead of mixing old and new values; compute the output again first.
        (A change made through an index, ``p.value[0] = 5.0``, cannot be noticed: set
        the value as a whole.)

        >>> w = Variable(1.0)
        >>> w.value = 0.5; w.value
        0.5
        >>> (w * 2.0).value = 3.0
        Traceback (most recent call last):
        ...
        TypeError: cannot set the value of v... = mul(...): it is computed by its operation; only an input Variable's value can be set
        """
        return self._value

    @value.setter
    def value(self, value: Any) -> None:
        if self._prim is not None:
            raise TypeError(
                f"cannot set the value of {self.name} = {self.op}(...): it is computed by "
                "its operation; only an input Variable's value can be set"
            )
        if value is not self._value:  # `p.value -= g` changes the array in place
            self._value = _own_value(value, "Variable.value")
        if getattr(self, "_name", None) is None:
            self._name = f"v{self._id}"  # keep the name it was shown with
        changed(self)  # renumbered: a graph recorded before now is stale

    def _binary(self, prim: P.Primitive, other: Any, reflected: bool) -> Variable:
        # The hot path of `x * y`, `x + 1.0`...: plain values on both sides, so the node is
        # made right here. Anything else (arrays to convert, nested tracers, mixed
        # levels) takes the general route.
        kind = other.__class__
        if kind is Variable and other.level == self.level:
            o = other._value
        elif kind is float or kind is int:
            o = other
        else:
            return super()._binary(prim, other, reflected)
        v = self._value
        if (v.__class__ is not float and v.__class__ is not np.ndarray) or isinstance(o, Tracer):
            return super()._binary(prim, other, reflected)
        try:
            value = prim.impl(o, v) if reflected else prim.impl(v, o)
        except ValueError as error:
            raise P.shape_error(prim, (o, v) if reflected else (v, o), error) from None
        if reflected:
            return new_node(prim, value, self.level, other, self)
        return new_node(prim, value, self.level, self, other)

    def _unary(self, prim: P.Primitive) -> Variable:
        # The hot path of `x.tanh()`, `-x`...: a plain value, so the node is made here.
        v = self._value
        if v.__class__ is not float and v.__class__ is not np.ndarray:
            return self._apply(prim, (self,), NO_PARAMS)  # type: ignore[no-any-return]
        return new_node(prim, prim.impl(v), self.level, self, None)

    def _apply(self, prim: P.Primitive, args: tuple[Any, ...], params: dict[str, Any]) -> Any:
        level = self.level
        first = args[0]
        if len(args) == 1:  # unary: the operand is this variable's level
            vals: Any = (first._value,)
        elif len(args) == 2:
            a, b = args
            vals = (
                a._value if a.__class__ is Variable and a.level == level else a,
                b._value if b.__class__ is Variable and b.level == level else b,
            )
        else:
            vals = [a._value if a.__class__ is Variable and a.level == level else a for a in args]
        for v in vals:
            if v.__class__ is not float and isinstance(v, Tracer):
                value = P.apply(prim, *vals, **params)  # nested: a lower level computes it
                break
        else:
            try:
                value = prim.impl(*vals, **params) if params else prim.impl(*vals)
            except ValueError as error:
                raise P.shape_error(prim, vals, error) from None
        more = (args[2:], params) if len(args) > 2 or params else None
        return new_node(prim, value, level, first, args[1] if len(args) > 1 else None, more)

    def detach(self) -> Variable:
        """A new input holding a copy of the plain value, cut from every graph, as
        PyTorch's ``detach``.

        What is computed from the copy sends no gradient back to this variable, at any
        order: inside nested transforms, no level differentiates through it (as with
        :func:`~autodiff.stop_gradient`, and as PyTorch's double backward does).

        >>> x = Variable(3.0)
        >>> y = x * x.detach()
        >>> y.backward(); x.grad
        3.0
        """
        return Variable.input_at_level(raw(self._value), self.level, "detach", copy=True)

    # -- augmented assignment ----------------------------------------------------------------
    def _in_place(self, prim: P.Primitive, other: Any, symbol: str) -> Self:
        """``self <symbol>= other``: a new node, like ``self = self <symbol> other``, except
        on a Variable made by hand (a parameter), where it is refused.

        On a parameter, ``p -= lr * p.grad`` would silently do the wrong thing: in
        ``for p in model.parameters()`` it rebinds the loop variable and the model never
        changes, and on ``model.weight`` it turns the weight into a node whose graph grows
        at every step.
        """
        if self.level == 0 and self._prim is not None and self._grad is not None:
            raise TypeError(
                f"{self.name} {symbol}= ... after backward(): {self.name} is not an input "
                f"but the result of an operation ({self.op}), so updating it like a "
                "parameter would add to its graph at every step, and each backward() would "
                "walk the whole history. Make the parameter a Variable of its own, for "
                "example `w = Variable(np.random.randn(3) * 0.01)` instead of "
                "`Variable(np.random.randn(3)) * 0.01`, and update it with "
                "`w.value -= lr * w.grad`"
            )
        if self._prim is None and self.level == 0:
            raise TypeError(
                f"{self.name} {symbol}= ...: in-place arithmetic on a Variable made by hand "
                "(a parameter) would not change it; Python would bind the name to a new "
                "graph node instead, so a parameter updated this way never trains (or its "
                f"graph grows at every step). To update its value, as an optimiser step "
                f"does, write `p.value {symbol}= ...` (for example `p.value -= lr * p.grad`) "
                f"or use autodiff.optim; to compute a new node, write `y = p {symbol} ...`"
            )
        return self._binary(prim, other, False)  # type: ignore[return-value]

    def __iadd__(self, other: Operand) -> Self:
        return self._in_place(P.PRIMITIVES["add"], other, "+")

    def __isub__(self, other: Operand) -> Self:
        return self._in_place(P.PRIMITIVES["sub"], other, "-")

    def __imul__(self, other: Operand) -> Self:
        return self._in_place(P.PRIMITIVES["mul"], other, "*")

    def __itruediv__(self, other: Operand) -> Self:
        return self._in_place(P.PRIMITIVES["div"], other, "/")

    def __ipow__(self, other: Operand) -> Self:
        return self._in_place(P.PRIMITIVES["pow"], other, "**")

    def __imatmul__(self, other: Operand) -> Self:
        return self._in_place(P.PRIMITIVES["matmul"], other, "@")

    # -- the graph -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The name given at creation or set later, else ``v<k>`` with a unique ``k``.

        >>> y = Variable(2.0) * 3.0
        >>> y.name = "y"; y.name
        'y'
        """
        name: str | None = getattr(self, "_name", None)  # the slot is empty if none was given
        return name if name is not None else f"v{self._id}"

    @name.setter
    def name(self, name: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"Variable name must be a str, not {type(name).__name__}")
        self._name = name

    @property
    def has_name(self) -> bool:
        """Whether a name was given (at creation or later), rather than made up.

        >>> Variable(1.0, name="x").has_name, Variable(1.0).has_name
        (True, False)
        """
        return getattr(self, "_name", None) is not None

    @property
    def primitive(self) -> P.Primitive | None:
        """The row of the primitive table that made this node (``None`` for an input).

        >>> (Variable(1.0) * 2.0).primitive
        Primitive('mul')
        """
        return self._prim

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
        return {} if self._more is None else dict(self._more[1])

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
            shape = shape_of(self._value)
            return np.zeros(shape) if shape else 0.0
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is not None:
            raise TypeError(
                "Variable.grad is computed by backward(); reset it with zero_grad() (or "
                "`p.grad = None`), and change a parameter through its .value"
            )
        self._grad = None

    @property
    def has_grad(self) -> bool:
        """Whether a :meth:`backward` pass reached this variable since its gradient was
        last reset (:attr:`grad` reads zeros otherwise). Optimisers skip a parameter
        without one, as PyTorch skips a ``None`` gradient.

        >>> x = Variable(1.0); x.has_grad
        False
        >>> (x * x).backward(); x.has_grad
        True
        """
        return self._grad is not None

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
        shape = shape_of(self._value)
        if gradient is None:
            if int(np.prod(shape)) != 1:
                raise ValueError(
                    f"backward() on an output of shape {shape} needs a seed: pass "
                    f"gradient= with shape {shape} (only a single-element output has "
                    "the implicit seed 1)"
                )
            seed: Any = np.ones(shape) if shape else 1.0
        else:
            seed = _own_value(gradient, "backward() gradient")  # stored as self.grad
            if shape_of(seed) != shape:
                raise ValueError(
                    f"backward(): the gradient has shape {shape_of(seed)} but the output "
                    f"has shape {shape}"
                )
        if self.level not in LIVE_LEVELS:
            check_live(self)  # its graph belonged to a transform call that has returned
        backpropagate(self, seed, store=True)

    def __repr__(self) -> str:
        grad = "" if self._grad is None else f", grad={self._grad!r}"
        op = f", op={self.op!r}" if self._prim is not None else ""
        return f"Variable(value={self.value!r}{grad}, name={self.name!r}{op})"


def new_node(
    prim: P.Primitive | None,
    value: Any,
    level: int,
    x: Any,
    y: Any,
    more: tuple[tuple[Any, ...], dict[str, Any]] | None = None,
) -> Variable:
    """A new node: ``value`` made by ``prim`` from the operands ``x, y``, and ``more``:
    None, or the operands after ``y`` and the parameters."""
    node = object.__new__(Variable)
    node._value = value
    node.level = level
    node._grad = None
    node._id = new_id()
    node._prim = prim
    node._x = x
    node._y = y
    node._more = more
    return node
