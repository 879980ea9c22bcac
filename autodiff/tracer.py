"""The common base of :class:`~autodiff.Dual` and :class:`~autodiff.Variable`.

A *tracer* carries a value through a function while one mode of differentiation watches:
a ``Dual`` carries a tangent along (forward mode), a ``Variable`` records the operation
that made it (reverse mode). Every operator routes through the primitive table, so both
carriers share this one set of operator definitions.

Each tracer has a differentiation *level*. Values built by hand are at level 0; every
call of a transform (``grad``, ``jvp``, ...) opens a fresh, higher level. When an
operation mixes levels, the highest level differentiates and treats the others as
constants. That is what keeps nested derivatives apart (no *perturbation confusion*).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, Self

import numpy as np

from autodiff import dispatch
from autodiff.values import FLOAT64, Traced, as_value, constant, raw, shape_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from autodiff._types import Operand
    from autodiff.primitive import Primitive

__all__ = [
    "FLOAT64",
    "LIVE_LEVELS",
    "NO_PARAMS",
    "Tracer",
    "as_value",
    "check_live",
    "close_level",
    "constant",
    "open_level",
    "raw",
    "shape_of",
]


def _operand(other: Any) -> Any:
    """Coerce the other operand of a binary operator, or ``NotImplemented`` for a type
    that arithmetic with numbers does not know (a ``str``, a ``dict``...)."""
    if isinstance(other, Tracer | float | int):
        return other
    if isinstance(other, np.ndarray | list | tuple | np.generic | complex | str | bytes):
        return constant(other, "an arithmetic operator")  # a str would repeat: refused
    return NotImplemented


def _comparable(other: Any) -> Any:
    """The other side of ``==``, or ``NotImplemented`` for a value that is no number
    (then ``==`` is ``False``, as between a number and a string)."""
    try:
        return _operand(other)
    except TypeError:
        return NotImplemented


#: The differentiation levels in use: 0 (values built by hand) and one per transform
#: call still running. A traced value whose level is not here escaped a transform call
#: that has returned (see :func:`check_live`).
LIVE_LEVELS: set[int] = {0}

# Level 0 belongs to values built by hand; each transform call takes the next number.
_levels = itertools.count(1)


def open_level() -> int:
    """A new differentiation level for one transform call, live until :func:`close_level`.

    >>> level = open_level(); level in LIVE_LEVELS
    True
    >>> close_level(level); level in LIVE_LEVELS
    False
    """
    level = next(_levels)
    LIVE_LEVELS.add(level)
    return level


def close_level(level: int) -> None:
    """End a transform call's level: its traced values may no longer be used."""
    LIVE_LEVELS.discard(level)


def check_live(x: Tracer) -> None:
    """Refuse a traced value that escaped a finished transform call.

    Inside ``grad(f)``, the arguments of ``f`` are traced at that call's own level. If
    one is kept (appended to a list, stored in a global) and used after the call has
    returned, its derivative belongs to a computation that is over: mixed into another
    one, it would be a constant or take over silently. JAX raises an
    ``UnexpectedTracerError`` in the same case.
    """
    if x.level not in LIVE_LEVELS:
        raise TypeError(
            f"a {type(x).__name__} traced by a call of grad, jvp, vjp or another transform "
            "that has already returned was used here: it escaped that call (stored in a "
            "list, a global or an attribute), and its derivative belongs to a finished "
            "computation. Return what you need from the function instead, or keep a plain "
            "number with .value"
        )


#: The parameters of an operation that has none (shared: never changed).
NO_PARAMS: dict[str, Any] = {}


class Tracer(Traced):
    """Base class of :class:`~autodiff.Dual` and :class:`~autodiff.Variable`.

    It holds a ``value`` and a differentiation ``level`` and defines the arithmetic
    operators, the elementwise methods (``x.sin()``...), reductions, indexing and NumPy
    interoperability for both.

    What a tracer refuses, because the result would be silently wrong: conversion to a
    plain number (``float(x)``, ``int(x)``, ``math.sin(x)``, ``np.float64(x)``, use as an
    index), which would drop the derivative, even for values built by hand (read
    ``.value`` for a plain number on purpose; ``f"{x:.3f}"`` works); complex, object
    and string data (values are float64, and ``float32`` constants are converted); and a
    tracer used after the transform call that made it has returned. ``==`` and the
    other comparisons compare values and have no derivative; hashing is by identity.

    Examples
    --------
    >>> from autodiff import Dual, Variable
    >>> isinstance(Dual(1.0), Tracer), isinstance(Variable(1.0), Tracer)
    (True, True)
    """

    __slots__ = ()
    value: Any
    level: int

    # Let NumPy defer to us in `ndarray * tracer` and friends.
    __array_priority__: ClassVar[float] = 1000.0

    def _apply(self, prim: Primitive, args: tuple[Any, ...], params: dict[str, Any]) -> Any:
        raise NotImplementedError  # pragma: no cover - implemented by Dual and Variable

    def _unary(self, prim: Primitive) -> Self:
        """``prim(self)``: every elementwise method (``x.sin()``) and ``-x``."""
        return self._apply(prim, (self,), NO_PARAMS)  # type: ignore[no-any-return]

    def _binary(self, prim: Primitive, other: Any, reflected: bool) -> Self:
        """``self ∘ other`` (or ``other ∘ self`` if ``reflected``): every binary operator."""
        kind = other.__class__
        if kind is float or kind is int or (kind is self.__class__ and other.level == self.level):
            args = (other, self) if reflected else (self, other)
            return self._apply(prim, args, NO_PARAMS)  # type: ignore[no-any-return]
        o = _operand(other)
        if o is NotImplemented:
            return o  # type: ignore[no-any-return]
        return _P.apply(prim, o, self) if reflected else _P.apply(prim, self, o)  # type: ignore[no-any-return]

    # -- shape ---------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the value (``()`` for a scalar)."""
        return shape_of(self.value)

    @property
    def ndim(self) -> int:
        """The number of dimensions of the value."""
        return len(self.shape)

    @property
    def size(self) -> int:
        """The number of elements of the value."""
        return int(np.prod(self.shape))

    def __len__(self) -> int:
        shape = self.shape
        if not shape:
            raise TypeError(f"len() of a scalar {type(self).__name__}")
        return shape[0]

    def __iter__(self) -> Iterator[Self]:
        for i in range(len(self)):
            yield self[i]

    # -- arithmetic: the operators and the elementwise methods (``x.sin()``) are made from
    # the rows of the primitive table (see autodiff.dispatch); declared here for type
    # checkers, and checked against the table by the tests.
    if TYPE_CHECKING:

        def __add__(self, other: Operand) -> Self: ...
        def __radd__(self, other: float) -> Self: ...
        def __sub__(self, other: Operand) -> Self: ...
        def __rsub__(self, other: float) -> Self: ...
        def __mul__(self, other: Operand) -> Self: ...
        def __rmul__(self, other: float) -> Self: ...
        def __truediv__(self, other: Operand) -> Self: ...
        def __rtruediv__(self, other: float) -> Self: ...
        def __pow__(self, other: Operand) -> Self: ...
        def __rpow__(self, other: float) -> Self: ...
        def __matmul__(self, other: Operand) -> Self: ...
        def __rmatmul__(self, other: float) -> Self: ...
        def __mod__(self, other: Operand) -> Self: ...
        def __rmod__(self, other: float) -> Self: ...
        def __floordiv__(self, other: Operand) -> Self: ...
        def __rfloordiv__(self, other: float) -> Self: ...
        def __neg__(self) -> Self: ...
        def __abs__(self) -> Self: ...
        def sin(self) -> Self: ...
        def cos(self) -> Self: ...
        def tan(self) -> Self: ...
        def exp(self) -> Self: ...
        def log(self) -> Self: ...
        def sqrt(self) -> Self: ...
        def tanh(self) -> Self: ...
        def sigmoid(self) -> Self: ...
        def relu(self) -> Self: ...
        def abs(self) -> Self: ...
        def sum(
            self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
        ) -> Self: ...
        def mean(
            self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
        ) -> Self: ...
        def max(
            self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
        ) -> Self: ...
        def clip(
            self,
            a_min: Operand | None = None,
            a_max: Operand | None = None,
            *,
            min: Operand | None = None,
            max: Operand | None = None,
        ) -> Self: ...
        def round(self, decimals: int = 0) -> Self: ...
        # more shape functions
        def squeeze(self, axis: int | tuple[int, ...] | None = None) -> Self: ...
        def ravel(self) -> Self: ...
        def flatten(self) -> Self: ...
        def repeat(
            self, repeats: int | Sequence[int] | np.ndarray[Any, Any], axis: int | None = None
        ) -> Self: ...
        def swapaxes(self, axis1: int, axis2: int) -> Self: ...
        def min(
            self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
        ) -> Self: ...
        def prod(
            self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
        ) -> Self: ...
        def var(
            self,
            axis: int | tuple[int, ...] | None = None,
            *,
            ddof: int = 0,
            keepdims: bool = False,
        ) -> Self: ...
        def std(
            self,
            axis: int | tuple[int, ...] | None = None,
            *,
            ddof: int = 0,
            keepdims: bool = False,
        ) -> Self: ...
        def cumsum(self, axis: int | None = None) -> Self: ...
        def argmax(self, axis: int | None = None, keepdims: bool = False) -> Any: ...
        def argmin(self, axis: int | None = None, keepdims: bool = False) -> Any: ...
        def dot(self, other: Operand) -> Self: ...
        def trace(self, offset: int = 0) -> Self: ...

    def __pos__(self) -> Self:
        return self

    # -- comparisons compare plain values (they have no derivative) --------------------
    def __lt__(self, other: Operand) -> Any:
        return raw(self) < raw(other)

    def __le__(self, other: Operand) -> Any:
        return raw(self) <= raw(other)

    def __gt__(self, other: Operand) -> Any:
        return raw(self) > raw(other)

    def __ge__(self, other: Operand) -> Any:
        return raw(self) >= raw(other)

    def __eq__(self, other: object) -> Any:
        """``==`` compares values, elementwise for arrays, as NumPy does.

        Hashing stays by identity, so tracers can still be dictionary keys.

        >>> from autodiff import Variable
        >>> Variable(1.0) == 1.0, Variable(1.0) != 2.0
        (True, True)
        """
        o = _comparable(other)
        return NotImplemented if o is NotImplemented else raw(self) == raw(o)

    def __ne__(self, other: object) -> Any:
        o = _comparable(other)
        return NotImplemented if o is NotImplemented else raw(self) != raw(o)

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        return bool(raw(self))

    # -- conversions to plain numbers would drop the derivative: refused ------------------
    def _lost(self, what: str) -> NoReturn:
        raise TypeError(
            f"{what} on a {type(self).__name__} would drop its derivative and give a "
            "silently wrong result. For maths, use autodiff's functions (autodiff.sin, "
            "autodiff.exp, ...: not math.sin or numpy.float64); for a plain number on "
            "purpose (to print or log it), use its .value"
        )

    def __float__(self) -> float:
        self._lost("float()")

    def __int__(self) -> int:
        self._lost("int()")

    def __index__(self) -> int:  # noqa: PLE0305 (it always raises)
        self._lost("using it as an integer (an index, range())")

    def __complex__(self) -> complex:
        self._lost("complex()")

    def __format__(self, spec: str) -> str:
        # f"{x:.3f}" formats the plain value; f"{x}" is the repr.
        return format(raw(self), spec) if spec else repr(self)

    # -- shape ----------------------------------------------------------------------------
    def reshape(self, *shape: int | tuple[int, ...]) -> Self:
        """The same elements in a new shape: ``x.reshape(2, 3)`` or ``x.reshape((2, 3))``."""
        new = shape[0] if len(shape) == 1 else shape
        return _P.reshape(self, new)  # type: ignore[arg-type, no-any-return]

    def transpose(self, *axes: Any) -> Self:
        """Permute the axes (reverse them by default), as NumPy's method:
        ``x.transpose(1, 0)`` or ``x.transpose((1, 0))``."""
        one = len(axes) == 1 and (axes[0] is None or isinstance(axes[0], tuple | list))
        order = axes[0] if one else axes
        return _P.transpose(self, order or None)  # type: ignore[no-any-return]

    @property
    def T(self) -> Self:
        """The transpose (axes reversed)."""
        return _P.transpose(self)  # type: ignore[no-any-return]

    def __getitem__(self, index: Any) -> Self:
        if isinstance(index, Tracer) or (
            isinstance(index, tuple) and any(isinstance(i, Tracer) for i in index)
        ):
            raise TypeError("an index must be plain integers, slices or arrays, not traced")
        if not self.shape:
            raise TypeError(f"a scalar {type(self).__name__} cannot be indexed")
        return _P.apply(_GETITEM, self, index=index)  # type: ignore[no-any-return]

    # -- NumPy interoperability -------------------------------------------------------------
    def __array__(self, dtype: Any = None, copy: Any = None) -> NoReturn:
        raise TypeError(
            f"a {type(self).__name__} cannot be converted to a NumPy array without losing "
            "its derivative. To join traced values into one array, use "
            "autodiff.stack(values) (then sum that, or use Python's built-in sum on the "
            "list); for plain numbers on purpose, use .value"
        )

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        fn = dispatch.UFUNCS.get(ufunc)
        if method != "__call__" or fn is None or kwargs:
            what = f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
            if kwargs and fn is not None and method == "__call__":
                what += f" with the arguments {sorted(kwargs)}"
            raise dispatch.unsupported(what)
        return fn(*inputs)

    def __array_function__(
        self,
        func: Callable[..., Any],
        types: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        fn = dispatch.FUNCTIONS.get(func)
        if fn is None:
            module = getattr(func, "__module__", "numpy") or "numpy"
            raise dispatch.unsupported(f"{module}.{getattr(func, '__name__', func)}")
        return fn(*args, **kwargs)


#: PyTorch's names, which a learner tries first, and what to use instead.
_OTHER_NAMES: dict[str, str] = {
    "data": ".value (the number or array; set it on a parameter to update it)",
    "item": ".value (a plain float for a scalar)",
    "numpy": ".value (the float64 array)",
    "tolist": ".value.tolist()",
    "requires_grad": "nothing: every Variable is differentiated, and plain numbers and "
    "arrays are constants",
    "grad_fn": ".op (the name of the operation) and .parents",
    "retain_grad": "nothing: backward() fills .grad on every node",
}


def _other_name(name: str, use: str) -> property:
    def refuse(self: Tracer) -> NoReturn:
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r} (it is PyTorch's "
            f"name); use {use}"
        )

    return property(refuse)


# Properties, not a __getattr__ hook: a class with __getattr__ makes every attribute
# access of its instances slower (the interpreter no longer specialises slot reads), and
# type checkers still flag these names, since they are added at run time.
for _name, _use in _OTHER_NAMES.items():
    setattr(Tracer, _name, _other_name(_name, _use))

from autodiff import primitives as _P  # noqa: E402  (a cycle: the table needs Tracer)

_GETITEM = _P.PRIMITIVES["getitem"]
