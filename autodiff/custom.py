"""Derivatives chosen by hand: ``stop_gradient``, ``custom_vjp``, ``custom_jvp``, ``checkpoint``.

The shapes of the API are JAX's. Each decorated function becomes a
:class:`~autodiff.primitive.Primitive` of its own, named after the function, so it
shows up under its name as ``Variable.op``, in trace tables and in drawings. Its
operands are its positional arguments (floats, arrays or traced values).
"""

from __future__ import annotations

from typing import Any

from autodiff.primitive import Primitive, zero
from autodiff.tracer import Tracer
from autodiff.values import as_value

__all__ = ["stop_gradient"]


def _identity(x: Any) -> Any:
    return x


#: The identity, with the derivative 0 in both modes (not registered in the table of
#: primitives: its derivative is not the identity's).
stop_gradient_p = Primitive(
    "stop_gradient",
    _identity,
    partials=(zero,),
    display="stop_gradient({0})",
    partial_display=("0",),
)


def stop_gradient(x: Any) -> Any:
    """``x`` itself, treated as a constant by every derivative, at every order.

    Its value is ``x``'s; its derivative is zero in forward and reverse mode, so no
    tangent passes through it and no cotangent flows back. It takes a float, an array
    or a traced value (:class:`~autodiff.Dual`, :class:`~autodiff.Variable`, one inside
    the other).

    Examples
    --------
    >>> import autodiff as ad
    >>> ad.grad(lambda x: x * ad.stop_gradient(x))(3.0)  # only the first x is differentiated
    3.0
    >>> ad.stop_gradient(ad.Dual(2.0, 1.0))
    Dual(value=2.0, tangent=0.0)
    """
    if isinstance(x, Tracer):
        return x._unary(stop_gradient_p)
    return as_value(x, "stop_gradient")
