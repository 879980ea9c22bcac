"""Small toy datasets and mini-batches, written with NumPy alone.

Every function that draws random numbers takes ``rng``: a
``numpy.random.Generator``, an integer seed, or ``None`` (fresh entropy, not
reproducible). With a seed the data are the same on every run and every machine.

Every argument is checked when the function is called: a count must be a positive
``int``, a number a finite real number (not a string or a bool), a flag ``True`` or
``False``. A value of the wrong kind raises a ``TypeError`` and one out of range a
``ValueError``, whose message names the function, the argument and a valid value.

Features come as float64 arrays of shape ``(n_samples, n_features)``, one sample per
row, ready for :class:`autodiff.nn.Linear`; class labels as int64 arrays of 0s and 1s.

Examples
--------
>>> from autodiff.datasets import batches, make_moons
>>> X, y = make_moons(100, noise=0.1, rng=0)
>>> X.shape, y.shape, int(y.sum())
((100, 2), (100,), 50)
>>> [len(yb) for Xb, yb in batches(X, y, batch_size=32, rng=0)]
[32, 32, 32, 4]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from autodiff._arguments import flag, given, integer, real, real_array
from autodiff._random import Seed, as_generator
from autodiff.tracer import Tracer

__all__ = ["batches", "make_blobs", "make_linear", "make_moons"]

Floats = npt.NDArray[np.float64]
#: Class labels: int64 in practice, annotated as integers (NumPy documents ``int64`` as an alias).
Labels = npt.NDArray[np.integer[Any]]

#: How many rounds of draws :func:`make_blobs` makes before it gives up: each draw is
#: kept with probability above 1/2, so reaching this bound takes a margin equal to half
#: the distance between the centres up to rounding.
_MAX_ROUNDS = 100


def _count(n: Any, owner: str, what: str = "n_samples", example: int = 100) -> int:
    return integer(n, owner, what, example=example)


def _non_negative(x: Any, owner: str, what: str, example: str = "0.1") -> float:
    return real(x, owner, what, example=example)


def make_moons(
    n_samples: int = 100, noise: float = 0.0, rng: Seed = None, shuffle: bool = True
) -> tuple[Floats, Labels]:
    """Two interleaving half circles, the classic non-linearly-separable toy problem.

    The same shapes as scikit-learn's ``make_moons``: class 0 on the upper half of the
    unit circle, class 1 on a lower half circle shifted to ``(1, 0.5)``; ``n_samples //
    2`` points in class 0 and the rest in class 1, evenly spaced along each arc, then
    shuffled (if ``shuffle``), then moved by Gaussian noise of standard deviation
    ``noise``.

    Parameters
    ----------
    n_samples:
        The number of points.
    noise:
        The standard deviation of the Gaussian noise added to every coordinate.
    rng:
        The source of the shuffle and the noise: a generator, a seed or ``None``.
    shuffle:
        Whether to shuffle the points (else class 0 comes first, in arc order).

    Returns
    -------
    X, y:
        The points, shape ``(n_samples, 2)``, and their labels in {0, 1}.

    Examples
    --------
    >>> X, y = make_moons(6, shuffle=False)
    >>> X.round(2)
    array([[ 1. ,  0. ],
           [ 0. ,  1. ],
           [-1. ,  0. ],
           [ 0. ,  0.5],
           [ 1. , -0.5],
           [ 2. ,  0.5]])
    >>> y
    array([0, 0, 0, 1, 1, 1])
    >>> make_moons(10, noise="a")
    Traceback (most recent call last):
    ...
    TypeError: make_moons: noise must be a real number, not str 'a'; pass a number, e.g. noise=0.1
    """
    n = _count(n_samples, "make_moons")
    noise = _non_negative(noise, "make_moons", "noise")
    shuffle = flag(shuffle, "make_moons", "shuffle")
    gen = as_generator(rng, "make_moons")
    n_out = n // 2
    n_in = n - n_out
    outer = np.linspace(0.0, np.pi, n_out)
    inner = np.linspace(0.0, np.pi, n_in)
    X = np.concatenate(
        [
            np.stack([np.cos(outer), np.sin(outer)], axis=1),
            np.stack([1.0 - np.cos(inner), 0.5 - np.sin(inner)], axis=1),
        ]
    )
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    if shuffle:
        order = gen.permutation(n)
        X, y = X[order], y[order]
    if noise:
        X = X + gen.normal(scale=noise, size=X.shape)
    return X, y


def make_linear(
    n_samples: int,
    w: float | Sequence[float] | npt.ArrayLike,
    b: float = 0.0,
    noise: float = 0.0,
    rng: Seed = None,
) -> tuple[Floats, Floats]:
    """A noisy linear regression problem: ``y = X @ w + b + noise · ε``.

    The inputs are drawn uniformly from ``[-1, 1]``, one column per entry of ``w`` (a
    single column for a number), and ``ε`` from the standard normal distribution.

    Parameters
    ----------
    n_samples:
        The number of samples.
    w:
        The true weights: a finite number (one feature) or a sequence of them (one per
        feature).
    b:
        The true intercept, a finite number.
    noise:
        The standard deviation of the noise added to each target.
    rng:
        The source of the inputs and the noise: a generator, a seed or ``None``.

    Returns
    -------
    X, y:
        The inputs, shape ``(n_samples, len(w))``, and the targets, shape
        ``(n_samples,)``.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = make_linear(50, w=2.0, b=-1.0, rng=0)
    >>> X.shape, y.shape
    ((50, 1), (50,))
    >>> np.allclose(y, 2.0 * X[:, 0] - 1.0)  # no noise: exactly on the line
    True
    >>> X, y = make_linear(50, w=[1.0, -3.0], noise=0.1, rng=0)
    >>> X.shape
    (50, 2)
    """
    n = _count(n_samples, "make_linear")
    noise = _non_negative(noise, "make_linear", "noise")
    weights = np.atleast_1d(real_array(w, "make_linear", "w", "pass e.g. w=2.0 or w=[1.0, -3.0]"))
    if weights.ndim != 1 or weights.size == 0:
        raise ValueError(
            f"make_linear: w must be a number or a 1-D sequence of numbers, not shape "
            f"{weights.shape}; pass e.g. w=2.0 or w=[1.0, -3.0]"
        )
    intercept = real(b, "make_linear", "b", low=-np.inf, example="0.5")
    gen = as_generator(rng, "make_linear")
    X = gen.uniform(-1.0, 1.0, size=(n, weights.size))
    y = X @ weights + intercept
    if noise:
        y = y + gen.normal(scale=noise, size=n)
    return X, y


def make_blobs(
    n_samples: int = 100,
    centers: Sequence[Sequence[float]] | npt.ArrayLike = ((-1.0, -1.0), (1.0, 1.0)),
    cluster_std: float = 0.5,
    margin: float = 0.25,
    rng: Seed = None,
) -> tuple[Floats, Labels]:
    """Two Gaussian blobs that are always linearly separable.

    Class ``k`` is drawn around ``centers[k]`` with standard deviation
    ``cluster_std``; ``n_samples // 2`` points are in class 0 and the rest in class 1,
    in random order. A point closer than ``margin`` to the hyperplane halfway between
    the centres (or on the wrong side of it) is drawn again, so that hyperplane
    separates the classes with a gap of at least ``2 · margin``: the perceptron rule is
    guaranteed to converge on these data.

    Parameters
    ----------
    n_samples:
        The number of points.
    centers:
        The centres of class 0 and class 1: two points of the same dimension, with
        finite coordinates (NaN or infinity is refused: no point could be drawn).
    cluster_std:
        The standard deviation of each blob along every axis.
    margin:
        Half the width of the empty band between the classes.
    rng:
        The source of the points and their order: a generator, a seed or ``None``.

    Returns
    -------
    X, y:
        The points, shape ``(n_samples, d)`` with ``d`` the dimension of the centres,
        and their labels in {0, 1}.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = make_blobs(200, rng=0)
    >>> X.shape, np.bincount(y)
    ((200, 2), array([100, 100]))
    >>> side = X @ np.array([1.0, 1.0]) / np.sqrt(2)  # signed distance to x + y = 0
    >>> bool(np.all(side[y == 1] >= 0.25) and np.all(side[y == 0] <= -0.25))
    True
    >>> make_blobs(10, centers=[[0, 0], [np.nan, 1]])
    Traceback (most recent call last):
    ...
    ValueError: make_blobs: centers must hold finite numbers, not nan or inf; ...

    Points are drawn in rounds and a point inside the band is drawn again; each draw
    lands outside it with probability above 1/2, so a few rounds suffice. After 100
    rounds (reached only when ``margin`` is half the distance between the centres up to
    rounding) a ``RuntimeError`` says so instead of looping forever.
    """
    n = _count(n_samples, "make_blobs")
    std = _non_negative(cluster_std, "make_blobs", "cluster_std", "0.5")
    gap = _non_negative(margin, "make_blobs", "margin", "0.25")
    fix = "pass two points of the same dimension, e.g. centers=[[-1, -1], [1, 1]]"
    c = real_array(centers, "make_blobs", "centers", fix)
    if c.ndim != 2 or c.shape[0] != 2 or c.shape[1] < 1:
        raise ValueError(
            f"make_blobs: centers must be two points, not an array of shape {c.shape}; {fix}"
        )
    normal = c[1] - c[0]
    with np.errstate(over="ignore"):
        distance = float(np.linalg.norm(normal))
    if not np.isfinite(distance):
        raise ValueError(
            f"make_blobs: the centres are too far apart to compute their distance (it "
            f"overflows float64); {fix}"
        )
    if distance <= 2 * gap:
        raise ValueError(
            f"make_blobs: the centres are {distance:g} apart: they must be more than "
            f"2 · margin = {2 * gap:g} apart; pass a smaller margin or centres farther apart"
        )
    normal /= distance
    midpoint = (c[0] + c[1]) / 2
    gen = as_generator(rng, "make_blobs")
    counts = (n // 2, n - n // 2)
    parts = []
    for k, count in enumerate(counts):
        sign = 1.0 if k == 1 else -1.0
        points = np.empty((0, c.shape[1]))
        # Each draw lands on the right side with probability above 1/2 (the centre is
        # more than `margin` from the boundary), so a few rounds suffice. A bounded loop
        # still guards against rounding when the margin is half the distance to within
        # a few ulps, with cluster_std = 0 for instance.
        for _ in range(_MAX_ROUNDS):
            if len(points) >= count:
                break
            draw = c[k] + std * gen.standard_normal(size=(count, c.shape[1]))
            keep = sign * ((draw - midpoint) @ normal) >= gap
            points = np.concatenate([points, draw[keep]])
        else:
            if len(points) < count:
                raise RuntimeError(
                    f"make_blobs: after {_MAX_ROUNDS} rounds of {count} draws, only "
                    f"{len(points)} points of class {k} fell at least margin={gap:g} from "
                    f"the boundary (the centres are {distance:g} apart and "
                    f"cluster_std={std:g}); pass a smaller margin"
                )
        parts.append(points[:count])
    X = np.concatenate(parts)
    y = np.concatenate([np.full(count, k, dtype=np.int64) for k, count in enumerate(counts)])
    order = gen.permutation(n)
    return X[order], y[order]


def batches(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    batch_size: int,
    rng: Seed = None,
    shuffle: bool = True,
) -> Iterator[tuple[Any, Any]]:
    """Mini-batches ``(X_batch, y_batch)`` covering every sample once (one epoch).

    With ``shuffle`` the samples are visited in a random order drawn from ``rng``
    when ``batches`` is called; otherwise in order. The last batch is smaller when
    ``batch_size`` does not divide the number of samples.

    The arguments are checked when ``batches`` is called, not when the first batch is
    drawn, so a mistake shows up on the line that made it.

    Parameters
    ----------
    X, y:
        The features and the targets: arrays with the same number of samples (first
        axis), at least one.
    batch_size:
        The number of samples per batch, a positive int.
    rng:
        The source of the shuffle: a generator, a seed or ``None``.
    shuffle:
        Whether to visit the samples in a random order: ``True`` or ``False``.

    Returns
    -------
    Iterator[tuple[X_batch, y_batch]]:
        The rows of ``X`` and ``y`` of each batch in turn, for one pass over the data.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [yb.tolist() for _, yb in batches(X, y, batch_size=2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    >>> sorted(int(i) for _, yb in batches(X, y, batch_size=2, rng=0) for i in yb)
    [0, 1, 2, 3, 4]
    >>> batches(X, y, batch_size=0)
    Traceback (most recent call last):
    ...
    ValueError: batches: batch_size must be a positive int, not 0
    """
    xs, ys = _samples(X, "X"), _samples(y, "y")
    size = _count(batch_size, "batches", "batch_size", 32)
    if len(xs) != len(ys):
        raise ValueError(
            f"batches: X and y must have the same number of samples (first axis), got "
            f"shapes {xs.shape} and {ys.shape}; pass one target per row of X"
        )
    n = len(xs)
    if n == 0:
        raise ValueError("batches: X and y hold no samples; an epoch over them would be empty")
    shuffle = flag(shuffle, "batches", "shuffle")
    order = as_generator(rng, "batches").permutation(n) if shuffle else np.arange(n)
    # Checked above, at the call; the batches themselves come one at a time.
    return _batches(xs, ys, order, size)


def _samples(data: Any, name: str) -> Any:
    """``data`` as an array with a first axis of samples."""
    if isinstance(data, Tracer):
        raise TypeError(
            f"batches: {name} must be data (an array), not a {type(data).__name__}; pass its .value"
        )
    array = np.asarray(data)
    if array.ndim == 0:
        raise ValueError(
            f"batches: {name} must be an array of samples (one per row), not {given(data)}"
        )
    return array


def _batches(xs: Any, ys: Any, order: Any, size: int) -> Iterator[tuple[Any, Any]]:
    for start in range(0, len(order), size):
        index = order[start : start + size]
        yield xs[index], ys[index]
