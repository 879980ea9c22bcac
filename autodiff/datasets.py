"""Small toy datasets and mini-batches, written with NumPy alone.

Every function that draws random numbers takes ``rng``: a
``numpy.random.Generator``, an integer seed, or ``None`` (fresh entropy, not
reproducible). With a seed the data are the same on every run and every machine.

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

from autodiff._random import Seed, as_generator

__all__ = ["batches", "make_blobs", "make_linear", "make_moons"]

Floats = npt.NDArray[np.float64]
#: Class labels: int64 in practice, annotated as integers (NumPy documents ``int64`` as an alias).
Labels = npt.NDArray[np.integer[Any]]


def _count(n: Any, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"{what} must be a positive int, not {n!r}")
    return int(n)


def _non_negative(x: Any, what: str) -> float:
    if not np.isfinite(x) or x < 0:
        raise ValueError(f"{what} must be a non-negative number, not {x!r}")
    return float(x)


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
    """
    n = _count(n_samples, "n_samples")
    noise = _non_negative(noise, "noise")
    gen = as_generator(rng)
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
        The true weights: a number (one feature) or a sequence (one per feature).
    b:
        The true intercept.
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
    n = _count(n_samples, "n_samples")
    noise = _non_negative(noise, "noise")
    weights = np.atleast_1d(np.asarray(w, dtype=np.float64))
    if weights.ndim != 1 or weights.size == 0:
        raise ValueError(
            f"w must be a number or a 1-D sequence of numbers, not shape {weights.shape}"
        )
    gen = as_generator(rng)
    X = gen.uniform(-1.0, 1.0, size=(n, weights.size))
    y = X @ weights + float(b)
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
        The centres of class 0 and class 1: two points of the same dimension.
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
    """
    n = _count(n_samples, "n_samples")
    std = _non_negative(cluster_std, "cluster_std")
    gap = _non_negative(margin, "margin")
    c = np.asarray(centers, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] != 2 or c.shape[1] < 1:
        raise ValueError(f"centers must be two points of the same dimension, not shape {c.shape}")
    normal = c[1] - c[0]
    distance = float(np.linalg.norm(normal))
    if distance <= 2 * gap:
        raise ValueError(
            f"the centres are {distance:g} apart: they must be more than 2 · margin = "
            f"{2 * gap:g} apart"
        )
    normal /= distance
    midpoint = (c[0] + c[1]) / 2
    gen = as_generator(rng)
    counts = (n // 2, n - n // 2)
    parts = []
    for k, count in enumerate(counts):
        sign = 1.0 if k == 1 else -1.0
        points = np.empty((0, c.shape[1]))
        while len(points) < count:
            draw = c[k] + std * gen.standard_normal(size=(count, c.shape[1]))
            keep = sign * ((draw - midpoint) @ normal) >= gap
            points = np.concatenate([points, draw[keep]])
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

    With ``shuffle`` the samples are visited in a random order drawn from ``rng``;
    otherwise in order. The last batch is smaller when ``batch_size`` does not divide
    the number of samples.

    Parameters
    ----------
    X, y:
        The features and the targets, with the same number of samples (first axis).
    batch_size:
        The number of samples per batch.
    rng:
        The source of the shuffle: a generator, a seed or ``None``.
    shuffle:
        Whether to visit the samples in a random order.

    Yields
    ------
    X_batch, y_batch:
        The rows of ``X`` and ``y`` of one batch.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [yb.tolist() for _, yb in batches(X, y, batch_size=2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    >>> sorted(int(i) for _, yb in batches(X, y, batch_size=2, rng=0) for i in yb)
    [0, 1, 2, 3, 4]
    """
    xs, ys = np.asarray(X), np.asarray(y)
    size = _count(batch_size, "batch_size")
    if xs.ndim == 0 or ys.ndim == 0 or len(xs) != len(ys):
        raise ValueError(
            f"X and y must have the same number of samples, got shapes {xs.shape} and {ys.shape}"
        )
    n = len(xs)
    order = as_generator(rng).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, size):
        index = order[start : start + size]
        yield xs[index], ys[index]
