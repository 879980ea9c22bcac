"""Gradient checking: reverse mode against forward mode against finite differences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autodiff.tracer import Tracer, as_value, raw, shape_of
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
    """The largest ``|a - b| / max(1, |a|, |b|)`` over the elements.

    Equal elements (equal infinities, or nan in both) count 0. A nan or an infinity
    against anything else counts ``inf``, so one bad element among finite ones is
    flagged (its error would otherwise be ``nan``, which ``max`` skips).

    >>> import numpy as np
    >>> _relative_error(np.array([1.0, np.nan]), np.array([1.0, 2.0]))
    inf
    >>> _relative_error(np.array([np.inf, 2.0]), np.array([np.inf, 2.5]))
    0.2
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size == 0 and b.size == 0:
        return 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        scale = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
        err = np.abs(a - b) / scale
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    err = np.where(same, 0.0, np.where(np.isnan(err), np.inf, err))
    return float(np.max(err))


def _check_arguments(f: Any, args: tuple[Any, ...], eps: Any) -> list[Any]:
    """The arguments of ``check_grad`` as values, after checking how it is called."""
    if not callable(f):
        raise TypeError(
            f"check_grad needs a function as its first argument, not {type(f).__name__}: "
            "check_grad(f, x, ...)"
        )
    if not args:
        raise TypeError(
            "check_grad needs at least one argument to differentiate at: check_grad(f, x, "
            "...), with f called as f(x, ...)"
        )
    if isinstance(eps, bool) or not isinstance(eps, int | float) or not 0 < eps < 1:
        raise ValueError(f"check_grad: eps must be a float in (0, 1), not {eps!r}")
    values = [as_value(a, "check_grad") for a in args]
    out = f(*values)
    if isinstance(out, Tracer):
        out = raw(out)
    if isinstance(out, bool) or not isinstance(out, int | float | np.ndarray | np.number):
        raise TypeError(
            f"check_grad needs f to return a number, but it returned {type(out).__name__}"
            + (" (did you forget `return`?)" if out is None else "")
        )
    if np.size(out) != 1:
        raise ValueError(
            f"check_grad needs f to return a scalar, but it returned shape {np.shape(out)}; "
            "reduce it (ad.sum(...)) or check one output element at a time"
        )
    return values


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
    ``1e-6`` deserves a look. A ``nan`` or infinite element where another way gives a
    different value makes the result ``inf``.

    ``f`` must take the arguments as given (at least one) and return a scalar: a
    ``TypeError`` or ``ValueError`` says so otherwise.

    Examples
    --------
    >>> import autodiff as ad
    >>> check_grad(lambda x, a, b: x * a / (x**2 + b), 24.0, 22.0, 2.0) < 1e-8
    True
    """
    values = _check_arguments(f, args, eps)
    reverse = grad(f, argnums=tuple(range(len(values))))(*values)
    forward = _forward_gradient(f, values)
    numeric = central_difference(f, *values, eps=eps)
    return max(
        max(_relative_error(r, fw), _relative_error(r, n), _relative_error(fw, n))
        for r, fw, n in zip(reverse, forward, numeric, strict=True)
    )
