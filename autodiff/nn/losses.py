"""Softmax and the losses: mean squared error, logistic, cross-entropy and hinge."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

import numpy as np

from autodiff import primitives as P
from autodiff.primitives._axes import checked_axes
from autodiff.tracer import Tracer, as_value, raw, shape_of

__all__ = [
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge_loss",
    "log_softmax",
    "mse_loss",
    "softmax",
]

#: How a loss reduces its per-element values: their mean, their sum, or not at all.
_Reduction: TypeAlias = Literal["mean", "sum", "none"]


def _shifted(x: Any, axis: int, owner: str = "softmax") -> Any:
    """``x`` minus its maximum along ``axis``, the maximum taken as a constant.

    An empty ``x`` is returned as it is: its softmax is empty too (as in PyTorch).
    """
    if not isinstance(x, Tracer):
        x = as_value(x, f"{owner} input")
    shape = shape_of(x)
    if not shape:
        raise ValueError("softmax and log_softmax need an array of at least one dimension")
    if isinstance(axis, bool) or not isinstance(axis, int | np.integer):
        raise TypeError(f"{owner}: axis must be an int, not {type(axis).__name__}")
    (a,) = checked_axes(axis, len(shape), owner)
    if 0 in shape:
        return x
    return x - np.max(raw(x), axis=a, keepdims=True)


def softmax(x: Any, axis: int = -1) -> Any:
    """``exp(x) / Σ exp(x)`` along ``axis``, computed stably.

    The maximum along ``axis`` is subtracted first, as a constant: ``softmax(x - c)`` is
    ``softmax(x)`` for every constant ``c``, so neither the value nor any derivative
    changes, and ``exp`` never overflows.

    >>> import numpy as np
    >>> softmax(np.array([0.0, 1000.0]))
    array([0., 1.])
    >>> softmax(np.array([[1.0, 1.0], [0.0, np.log(3.0)]]))
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    shifted = _shifted(x, axis, "softmax")
    if 0 in shape_of(shifted):
        return shifted
    e = P.exp(shifted)
    return e / P.sum(e, axis=axis, keepdims=True)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """``x - log Σ exp(x)`` along ``axis``, computed stably for logits of any size.

    With ``m`` the maximum along ``axis``, this is ``(x - m) - log Σ exp(x - m)``: every
    exponent is at most 0 and the largest is exactly 0, so nothing overflows and the log
    never sees 0. ``m`` is a constant to the gradient, which is exact and cheaper than
    differentiating through :func:`autodiff.max`: the result does not depend on the
    shift at all (its derivative with respect to ``m`` is ``-1 + Σ softmax = 0``), so
    treating ``m`` as a constant changes no derivative of any order, while a traced
    ``max`` would add a node and send contributions that only cancel up to rounding.

    >>> import numpy as np
    >>> log_softmax(np.array([0.0, 0.0]))  # doctest: +NUMBER
    array([-0.693, -0.693])
    >>> log_softmax(np.array([1000.0, -1000.0]))
    array([    0., -2000.])
    """
    shifted = _shifted(x, axis, "log_softmax")
    if 0 in shape_of(shifted):
        return shifted
    return shifted - P.log(P.sum(P.exp(shifted), axis=axis, keepdims=True))


def _reduce(values: Any, reduction: _Reduction, owner: str) -> Any:
    if reduction == "mean":
        return P.mean(values)
    if reduction == "sum":
        return P.sum(values)
    if reduction == "none":
        return values
    raise ValueError(f"{owner}: reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


def _match_target(input: Any, target: Any, owner: str) -> Any:
    """The target as a value of the input's shape (size-1 axes may differ)."""
    if not isinstance(target, Tracer):
        target = as_value(target, f"{owner} target")
    shape, target_shape = shape_of(input), shape_of(target)
    if shape == target_shape:
        return target
    if tuple(n for n in shape if n != 1) == tuple(n for n in target_shape if n != 1):
        return P.reshape(target, shape)
    raise ValueError(
        f"{owner}: input of shape {shape} and target of shape {target_shape} do not match"
    )


def mse_loss(input: Any, target: Any, reduction: _Reduction = "mean") -> Any:
    """The mean squared error ``mean((input - target)²)``.

    ``input`` and ``target`` must have the same shape, up to axes of size 1 (so a
    ``(batch, 1)`` output pairs with a ``(batch,)`` target). ``reduction="sum"`` adds
    the squared errors up and ``"none"`` returns them.

    >>> import numpy as np
    >>> from autodiff import Variable
    >>> pred = Variable(np.array([1.0, 2.0]))
    >>> loss = mse_loss(pred, np.array([0.0, 4.0]))
    >>> loss.value
    2.5
    >>> loss.backward(); pred.grad
    array([ 1., -2.])
    """
    diff = input - _match_target(input, target, "mse_loss")
    return _reduce(diff * diff, reduction, "mse_loss")


def binary_cross_entropy_with_logits(
    input: Any, target: Any, reduction: _Reduction = "mean"
) -> Any:
    """The logistic loss of logits ``z`` against targets ``t`` in [0, 1].

    Per element, ``-t log σ(z) - (1 - t) log(1 - σ(z))``, computed as
    ``t · softplus(-z) + (1 - t) · softplus(z)`` with ``softplus(z) = log(1 + e^z) =``
    :func:`logaddexp(0, z) <autodiff.logaddexp>`: finite and accurate for logits of any
    size (no ``σ(z)`` that rounds to 0 or 1 before the log), and its gradient is
    exactly ``σ(z) - t``. A target of exactly 0 or 1 keeps only its own term, so an
    infinite logit gives the limit: loss 0 where it agrees with the target (``z = inf``,
    ``t = 1``), ``inf`` where it does not, and the gradient ``σ(z) - t`` (PyTorch and JAX
    give that gradient, but a nan loss where ``0 · inf`` appears).

    >>> import numpy as np
    >>> from autodiff import Variable
    >>> z = Variable(np.array([1000.0, -1000.0, 0.0]))
    >>> loss = binary_cross_entropy_with_logits(z, np.array([0.0, 0.0, 1.0]), reduction="none")
    >>> loss.value.tolist()  # doctest: +NUMBER
    [1000.0, 0.0, 0.693]
    >>> loss.sum().backward(); z.grad
    array([ 1. ,  0. , -0.5])
    """
    t = _match_target(input, target, "binary_cross_entropy_with_logits")
    if isinstance(t, Tracer):  # a traced target: the general formula
        losses = t * P.logaddexp(0.0, -input) + (1.0 - t) * P.logaddexp(0.0, input)
        return _reduce(losses, reduction, "binary_cross_entropy_with_logits")
    labels = (t == 0.0) | (t == 1.0)
    # Where t is 0 or 1 the loss is softplus(∓z): one term, no 0 · inf at z = ±inf.
    hard = P.logaddexp(0.0, (1.0 - 2.0 * t) * input)
    if np.all(labels):
        losses = hard
    else:
        soft = t * P.logaddexp(0.0, -input) + (1.0 - t) * P.logaddexp(0.0, input)
        losses = P.where(labels, hard, soft) if np.any(labels) else soft
    return _reduce(losses, reduction, "binary_cross_entropy_with_logits")


def cross_entropy(input: Any, target: Any, reduction: _Reduction = "mean") -> Any:
    """The cross-entropy of logits against integer class indices, as PyTorch's.

    ``input`` holds one row of ``C`` logits per sample, shape ``(batch, C)`` (or
    ``(C,)`` for one sample), and ``target`` the class index of each sample, in
    ``0, ..., C-1``. The loss of a sample is ``-log_softmax(logits)[target]``, computed
    with the stable :func:`log_softmax`; its gradient is ``softmax(logits) - onehot``.
    A logit of ``-inf`` (a masked class) is fine: the loss picks the target's log-
    probability, so another class at ``-inf`` adds nothing (not ``0 · -inf``), as in
    PyTorch and JAX.

    >>> import numpy as np
    >>> from autodiff import Variable
    >>> logits = Variable(np.array([[0.0, 0.0], [1000.0, -1000.0]]))
    >>> loss = cross_entropy(logits, np.array([0, 1]), reduction="none")
    >>> loss.value.tolist()  # doctest: +NUMBER
    [0.693, 2000.0]
    >>> loss.sum().backward(); logits.grad
    array([[-0.5,  0.5],
           [ 1. , -1. ]])
    """
    shape = shape_of(input)
    if len(shape) not in (1, 2):
        raise ValueError(f"cross_entropy expects logits of shape (batch, C) or (C,), got {shape}")
    classes = np.asarray(raw(target))
    if classes.dtype.kind not in "iu":
        raise TypeError(
            f"cross_entropy expects integer class indices, not an array of dtype {classes.dtype}"
        )
    if classes.shape != shape[:-1]:
        raise ValueError(
            f"cross_entropy: logits of shape {shape} need targets of shape {shape[:-1]}, "
            f"got {classes.shape}"
        )
    n_classes = shape[-1]
    if np.any((classes < 0) | (classes >= n_classes)):
        raise ValueError(f"cross_entropy: class indices must lie in [0, {n_classes - 1}]")
    log_p = log_softmax(input, axis=-1)
    picked = log_p[int(classes)] if len(shape) == 1 else log_p[np.arange(shape[0]), classes]
    return _reduce(-picked, reduction, "cross_entropy")


def hinge_loss(input: Any, target: Any, margin: float = 1.0, reduction: _Reduction = "mean") -> Any:
    """The hinge loss ``max(0, margin - y · s)`` of scores ``s`` against labels ``y = ±1``.

    Zero for a sample classified correctly with a margin, linear otherwise; the loss of
    a support vector machine and of micrograd's moons demo. Labels in {0, 1} are refused
    (convert them with ``2 * y - 1``).

    >>> import numpy as np
    >>> from autodiff import Variable
    >>> s = Variable(np.array([-2.0, 0.5, -1.0]))
    >>> loss = hinge_loss(s, np.array([-1, 1, 1]))
    >>> loss.value
    0.8333333333333334
    >>> loss.backward(); s.grad  # doctest: +NUMBER
    array([ 0.   , -0.333, -0.333])
    """
    if isinstance(margin, bool) or not isinstance(margin, int | float | np.integer | np.floating):
        raise TypeError(f"hinge_loss: margin must be a real number, not {type(margin).__name__}")
    y = _match_target(input, target, "hinge_loss")
    if not isinstance(y, Tracer) and not np.all(np.abs(np.asarray(y)) == 1.0):
        raise ValueError("hinge_loss needs targets in {-1, +1}; for 0/1 labels pass 2 * y - 1")
    return _reduce(P.relu(margin - y * input), reduction, "hinge_loss")
