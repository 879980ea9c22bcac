"""``autodiff.datasets``: the toy datasets and mini-batches, and seeded randomness."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

from autodiff._random import as_generator
from autodiff.datasets import batches, make_blobs, make_linear, make_moons


@pytest.mark.parametrize(
    "make",
    [
        lambda rng: make_moons(40, noise=0.1, rng=rng),
        lambda rng: make_linear(40, w=[1.0, 2.0], b=0.5, noise=0.1, rng=rng),
        lambda rng: make_blobs(40, rng=rng),
        lambda rng: tuple(
            np.concatenate(part)
            for part in zip(*batches(*make_moons(9, rng=0), 4, rng=rng), strict=True)
        ),
    ],
    ids=["moons", "linear", "blobs", "batches"],
)
def test_same_seed_same_data(make: Any) -> None:
    first, second, other = make(3), make(3), make(4)
    for a, b in zip(first, second, strict=True):
        assert_allclose(a, b, rtol=0, atol=0)
    assert not all(np.array_equal(a, c) for a, c in zip(first, other, strict=True))
    # a generator is used as it is: its stream continues from one call to the next
    g = np.random.default_rng(3)
    assert all(np.array_equal(a, b) for a, b in zip(make(g), first, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(make(g), first, strict=True))


def test_seeds_are_checked() -> None:
    assert isinstance(as_generator(None), np.random.Generator)
    assert isinstance(as_generator(np.int64(3)), np.random.Generator)  # type: ignore[arg-type]
    bad: Any
    for bad in ("0", 1.5, True):
        with pytest.raises(
            TypeError, match=r"rng must be a numpy\.random\.Generator, an int seed or None"
        ):
            make_moons(10, rng=bad)


def test_make_moons_geometry() -> None:
    X, y = make_moons(101, shuffle=False)
    assert X.shape == (101, 2)
    assert X.dtype == np.float64
    assert y.dtype == np.int64
    assert np.bincount(y).tolist() == [50, 51]
    outer, inner = X[y == 0], X[y == 1]
    assert_allclose(np.hypot(outer[:, 0], outer[:, 1]), 1.0)
    assert np.all(outer[:, 1] >= 0)
    assert_allclose(np.hypot(inner[:, 0] - 1.0, inner[:, 1] - 0.5), 1.0)
    assert np.all(inner[:, 1] <= 0.5)
    # shuffling permutes the same points; noise moves them by about `noise`
    Xs, ys = make_moons(101, rng=0)
    order = np.lexsort((Xs[:, 1], Xs[:, 0]))
    ref = np.lexsort((X[:, 1], X[:, 0]))
    assert_allclose(Xs[order], X[ref])
    assert_allclose(ys[order], y[ref])
    Xn, yn = make_moons(2000, noise=0.1, rng=0)
    Xc, yc = make_moons(2000, rng=0)
    assert_allclose(yn, yc)
    assert np.std(Xn - Xc) == pytest.approx(0.1, rel=0.05)
    with pytest.raises(ValueError, match="n_samples must be a positive int"):
        make_moons(0)
    with pytest.raises(ValueError, match="make_moons: noise must be a finite number >= 0"):
        make_moons(10, noise=-0.1)


def test_make_linear() -> None:
    X, y = make_linear(500, w=[1.0, -2.0, 0.5], b=3.0, rng=0)
    assert X.shape == (500, 3)
    assert y.shape == (500,)
    assert np.all(np.abs(X) <= 1.0)
    assert_allclose(y, X @ [1.0, -2.0, 0.5] + 3.0)
    X1, y1 = make_linear(10, w=2.0, rng=0)
    assert X1.shape == (10, 1)
    assert_allclose(y1, 2.0 * X1[:, 0])
    Xn, yn = make_linear(4000, w=2.0, b=1.0, noise=0.5, rng=1)
    assert np.std(yn - (2.0 * Xn[:, 0] + 1.0)) == pytest.approx(0.5, rel=0.05)
    with pytest.raises(ValueError, match="w must be a number or a 1-D sequence"):
        make_linear(10, w=[[1.0]])
    with pytest.raises(ValueError, match="w must be a number or a 1-D sequence"):
        make_linear(10, w=[])


@pytest.mark.parametrize("seed", range(5))
def test_make_blobs_is_linearly_separable(seed: int) -> None:
    centers = np.array([[0.0, 0.0, 1.0], [1.0, 2.0, 1.0]])
    X, y = make_blobs(301, centers=centers, cluster_std=0.8, margin=0.3, rng=seed)
    assert X.shape == (301, 3)
    assert np.bincount(y).tolist() == [150, 151]
    normal = (centers[1] - centers[0]) / np.linalg.norm(centers[1] - centers[0])
    side = (X - centers.mean(axis=0)) @ normal
    assert np.all(side[y == 1] >= 0.3)
    assert np.all(side[y == 0] <= -0.3)
    # the classes are shuffled, not in two runs
    assert np.count_nonzero(np.diff(y)) > 50


def test_make_blobs_defaults_and_errors() -> None:
    X, y = make_blobs(rng=0)
    assert X.shape == (100, 2)
    assert_allclose(X[y == 0].mean(axis=0), [-1.0, -1.0], atol=0.2)
    assert_allclose(X[y == 1].mean(axis=0), [1.0, 1.0], atol=0.2)
    with pytest.raises(ValueError, match="more than 2 · margin"):
        make_blobs(10, centers=[[0.0, 0.0], [0.1, 0.0]], margin=0.1)
    with pytest.raises(ValueError, match="make_blobs: centers must be two points"):
        make_blobs(10, centers=[[0.0, 0.0], [1.0, 0.0], [2.0, 2.0]])
    with pytest.raises(ValueError, match="make_blobs: cluster_std must be a finite number >= 0"):
        make_blobs(10, cluster_std=-1.0)


def test_batches() -> None:
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    ordered = list(batches(X, y, batch_size=4, shuffle=False))
    assert [yb.tolist() for _, yb in ordered] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    for Xb, yb in ordered:
        assert_allclose(Xb, X[yb])
    shuffled = list(batches(X, y, batch_size=3, rng=0))
    assert [len(yb) for _, yb in shuffled] == [3, 3, 3, 1]
    seen = np.concatenate([yb for _, yb in shuffled])
    assert sorted(seen.tolist()) == list(range(10))
    assert seen.tolist() != list(range(10))
    for Xb, yb in shuffled:
        assert_allclose(Xb, X[yb])  # pairs stay together
    assert len(list(batches(X, y, batch_size=100, rng=0))) == 1
    with pytest.raises(ValueError, match="same number of samples"):
        next(batches(X, y[:5], batch_size=2))
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        next(batches(X, y, batch_size=0))
