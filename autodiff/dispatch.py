"""What NumPy's functions and the methods of traced values map to.

The public functions of :mod:`autodiff.primitives` register themselves here with
:func:`implements`: the NumPy ufuncs and functions they stand for (so ``np.sin(x)`` on a
traced ``x`` calls :func:`autodiff.sin`) and the method of a traced value they give
(``x.sin()``). :class:`~autodiff.Tracer` reads these tables, and receives its methods
from :func:`install`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from autodiff.values import raw, shape_of

__all__ = ["FUNCTIONS", "METHODS", "UFUNCS", "implements", "install", "unsupported"]

F = TypeVar("F", bound=Callable[..., Any])

#: NumPy's ufuncs that traced values support, and the functions they call.
UFUNCS: dict[np.ufunc, Callable[..., Any]] = {}
#: NumPy's other functions that traced values support (``__array_function__``).
FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {}
#: The methods of traced values, by name.
METHODS: dict[str, Callable[..., Any]] = {}


def implements(
    *numpy: Any,
    method: str | tuple[str, ...] = (),
    operators: tuple[str, ...] = (),
    fast: Any = None,
) -> Callable[[F], F]:
    """Register a public function as what ``numpy`` functions (ufuncs or others) call on
    traced values, and as the method ``method`` of a traced value.

    ``operators`` names Python operators (``"__add__"``, with ``"__radd__"`` its reflected
    form) that the function's primitive ``fast`` implements: they call the tracer's
    quick paths directly. With ``fast``, a method of no argument (``x.sin()``) does too.

    >>> from autodiff import Variable
    >>> np.sin in UFUNCS, METHODS["sin"](Variable(0.0)).value
    (True, 0.0)
    """

    def register(fn: F) -> F:
        for f in numpy:
            (UFUNCS if isinstance(f, np.ufunc) else FUNCTIONS)[f] = fn
        for name in operators:
            METHODS[name] = _operator(fast, reflected=name.startswith("__r"), name=name)
        for name in (method,) if isinstance(method, str) else method:
            METHODS[name] = _method(fn, name, fast)
        return fn

    return register


def _operator(prim: Any, reflected: bool, name: str) -> Callable[..., Any]:
    def operator(self: Any, other: Any) -> Any:
        return self._binary(prim, other, reflected)

    operator.__name__ = name
    return operator


def _method(fn: Callable[..., Any], name: str, prim: Any) -> Callable[..., Any]:
    summary = (fn.__doc__ or "").strip().split("\n")[0]
    if prim is not None:

        def unary(self: Any) -> Any:
            return self._unary(prim)

        method = unary
    else:

        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            return fn(self, *args, **kwargs)

        method = call
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"{summary} See :func:`autodiff.{fn.__name__}`."
    return method


def install(cls: type) -> None:
    """Give ``cls`` (:class:`~autodiff.Tracer`) every registered method."""
    for name, method in METHODS.items():
        method.__qualname__ = f"{cls.__name__}.{name}"
        method.__module__ = cls.__module__
        setattr(cls, name, method)


def unsupported(what: str) -> TypeError:
    """The error for a NumPy function that traced values do not support."""
    return TypeError(
        f"{what} is not differentiable by autodiff (yet): it would drop the derivative. "
        "Use the functions of autodiff (see the API reference), or apply it to plain "
        "values (.value) on purpose"
    )


def _compare(ufunc: np.ufunc) -> Callable[..., Any]:
    def compare(x: Any, y: Any) -> Any:
        return ufunc(raw(x), raw(y))

    compare.__name__ = ufunc.__name__
    return compare


# Comparisons have no derivative: they compare the plain values, as the operators do.
for _ufunc in (np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal):
    UFUNCS[_ufunc] = _compare(_ufunc)
UFUNCS[np.positive] = lambda x: x
FUNCTIONS[np.shape] = shape_of
FUNCTIONS[np.ndim] = lambda x: len(shape_of(x))
FUNCTIONS[np.size] = lambda x: int(np.prod(shape_of(x)))
