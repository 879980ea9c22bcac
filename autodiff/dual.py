"""Forward mode: dual numbers ``value + tangent·ε`` with ``ε² = 0``."""

from __future__ import annotations

from typing import Any

import numpy as np

from autodiff import primitives as P
from autodiff.tracer import Tracer, as_value, raw, shape_of

__all__ = ["Dual"]


class Dual(Tracer):
    """A dual number ``value + tangent·ε`` (with ``ε² = 0``): forward-mode AD.

    Evaluating a function on ``Dual(x, 1.0)`` gives ``Dual(f(x), f'(x))``, because
    ``f(x + ε) = f(x) + f'(x)·ε`` when ``ε² = 0``. Values may be floats or float64
    arrays; the tangent has the value's shape (a scalar tangent is broadcast).

    Parameters
    ----------
    value:
        The primal value: a number or an array of numbers.
    tangent:
        The derivative carried along, ``0.0`` by default (a constant).

    Examples
    --------
    >>> x = Dual(3.0, 1.0)
    >>> x * x + 2 * x
    Dual(value=15.0, tangent=8.0)
    >>> (1 / x).tangent  # d/dx 1/x = -1/x² at 3
    -0.1111111111111111
    """

    __slots__ = ("_batched", "level", "tangent", "value")

    def __init__(self, value: Any, tangent: Any = 0.0) -> None:
        value = as_value(value, "Dual")
        tangent = as_value(tangent, "Dual tangent")
        vshape, tshape = shape_of(value), shape_of(tangent)
        if tshape != vshape and not isinstance(value, Tracer):
            try:
                tangent = np.broadcast_to(tangent, vshape).copy()
            except ValueError:
                raise ValueError(
                    f"Dual: a tangent of shape {tshape} does not fit a value of shape {vshape}"
                ) from None
        self.value = value
        self.tangent = tangent
        self.level = 0
        self._batched = False

    @classmethod
    def at_level(cls, value: Any, tangent: Any, level: int, batched: bool = False) -> Dual:
        """A dual number at a transform's level.

        With ``batched=True`` it carries a batch of tangents stacked along a leading
        axis, shape ``(B, *value.shape)``: ``B`` directional derivatives in one pass
        (how :func:`~autodiff.jacobian` gets every column at once). Every dual number
        of one level is batched, or none is.
        """
        dual = object.__new__(cls)
        dual.value = value
        dual.tangent = tangent
        dual.level = level
        dual._batched = batched
        return dual

    @property
    def batched(self) -> bool:
        """Whether it carries a batch of tangents (see :meth:`at_level`)."""
        return self._batched

    def detach(self) -> Dual:
        """The plain value with a zero tangent: a constant to every level, as
        :meth:`Variable.detach <autodiff.Variable.detach>` and
        :func:`~autodiff.stop_gradient`.

        >>> Dual(2.0, 1.0).detach()
        Dual(value=2.0, tangent=0.0)
        """
        tangent = np.zeros(shape_of(self.tangent)) if shape_of(self.tangent) else 0.0
        return Dual.at_level(raw(self.value), tangent, self.level, self._batched)

    def __repr__(self) -> str:
        if self._batched:
            return f"Dual(value={self.value!r}, tangents={self.tangent!r})"
        return f"Dual(value={self.value!r}, tangent={self.tangent!r})"

    def _apply(self, prim: P.Primitive, args: tuple[Any, ...], params: dict[str, Any]) -> Any:
        level = self.level
        vals = [a.value if a.__class__ is Dual and a.level == level else a for a in args]
        for v in vals:
            if v.__class__ is not float and isinstance(v, Tracer):
                out = P.apply(prim, *vals, **params)  # nested: a lower level computes it
                break
        else:
            try:
                out = prim.impl(*vals, **params)
            except ValueError as error:
                raise P.shape_error(prim, vals, error) from None
        if self._batched:
            tangents = [
                a.tangent if a.__class__ is Dual and a.level == level else None for a in args
            ]
            return Dual.at_level(
                out, prim.forward_batched(tangents, out, vals, params), level, True
            )
        partials = prim.partials
        if partials is not None:  # elementwise: the common case, inline
            tangent: Any = None
            for i, a in enumerate(args):
                if a.__class__ is Dual and a.level == level:
                    t = P.scale(partials[i], a.tangent, out, *vals)
                    tangent = t if tangent is None else tangent + t
            if out.__class__ is not float and shape_of(tangent) != shape_of(out):
                tangent = P.broadcast_to(tangent, shape_of(out))
            return Dual.at_level(out, tangent, level)
        tangents = [a.tangent if a.__class__ is Dual and a.level == level else None for a in args]
        return Dual.at_level(out, prim.forward(tangents, out, vals, params), level)
