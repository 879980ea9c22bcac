"""Gradient checking: reverse mode against forward mode against finite differences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autodiff.tracer import as_value, shape_of
from autodiff.transforms import grad, jacobian

__all__ = ["central_difference", "check_grad"]


def central_difference(f: Callable[..., Any], *args: Any, eps: float = 1e-6) -> tuple[Any, ...]:
    """The gradient of a scalar function by central differences, one per argument.

    Each element ``x_k`` is moved by ``h = eps · max(1, |x_k|)`` both ways:
    ``(f(x + h) - f(x - h)) / 2h``. The error is ``O(h²)`` plus rounding.

    Examples
    --------
    >>> central_difference(lambda x, y: x * y, 3.0, 4.0)  # doctest: +NUMBER
    (4.0, 3.0)
    """
    values = [as_value(a, "central_difference") for a in args]
    grads = []
    for i, x in enumerate(values):
        x_arr = np.array(x, dtype=np.float64)
        g = np.zeros_like(x_arr)
        for k in range(x_arr.size):
            h = eps * max(1.0, abs(float(x_arr.flat[k])))
            up, down = x_arr.copy(), x_arr.copy()
            up.flat[k] += h
            down.flat[k] -= h
            plus = list(values)
            minus = list(values)
            plus[i] = float(up) if up.ndim == 0 else up
            minus[i] = float(down) if down.ndim == 0 else down
            g.flat[k] = (float(f(*plus)) - float(f(*minus))) / (2 * h)
        grads.append(float(g) if g.ndim == 0 else g)
    return tuple(grads)


def _forward_gradient(f: Callable[..., Any], values: list[Any]) -> tuple[Any, ...]:
    """The gradient by forward mode: a forward Jacobian (one pass, a tangent per element)."""
    jacobians = jacobian(f, mode="forward", argnums=tuple(range(len(values))))(*values)
    grads = []
    for j, x in zip(jacobians, values, strict=True):
        g = np.reshape(j, shape_of(x))  # a single-element output: drop its axes
        grads.append(float(g) if g.ndim == 0 else g)
    return tuple(grads)


def _relative_error(a: Any, b: Any) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    scale = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    err = np.abs(a - b) / scale
    return float(np.nanmax(np.where(np.isnan(a) != np.isnan(b), np.inf, err)))


def check_grad(f: Callable[..., Any], *args: Any, eps: float = 1e-6) -> float:
    """Check the gradient of a scalar function three ways and return the worst disagreement.

    The gradient with respect to every argument is computed by reverse mode
    (:func:`~autodiff.grad`), by forward mode (a forward :func:`~autodiff.jacobian`:
    one pass carrying a tangent per input element) and by
    :func:`~autodiff.testing.central_difference`. The result is the largest elementwise
    relative error between any two of them, ``|a - b| / max(1, |a|, |b|)`` (gradients
    smaller than 1 are compared absolutely, so the rounding noise of finite differences
    near a zero gradient is not magnified).

    A correct gradient gives about ``1e-9`` with the default ``eps``; anything above
    ``1e-6`` deserves a look.

    Examples
    --------
    >>> import autodiff as ad
    >>> check_grad(lambda x, a, b: x * a / (x**2 + b), 24.0, 22.0, 2.0) < 1e-8
    True
    """
    values = [as_value(a, "check_grad") for a in args]
    reverse = grad(f, argnums=tuple(range(len(values))))(*values)
    forward = _forward_gradient(f, values)
    numeric = central_difference(f, *values, eps=eps)
    return max(
        max(_relative_error(r, fw), _relative_error(r, n), _relative_error(fw, n))
        for r, fw, n in zip(reverse, forward, numeric, strict=True)
    )
