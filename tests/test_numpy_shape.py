"""The shape functions against NumPy: values, gradients (both modes, central
differences), NumPy's dispatch and methods on traced values, and misuse.

The reference values are NumPy's own (these functions only move elements, so NumPy is
exact); the gradient of a linear function is the transpose, checked by ``check_grad``
and by a dot-product test (``<J v, w> = <v, Jᵀ w>``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

import autodiff as ad

_RNG = np.random.default_rng(7)
X = _RNG.uniform(-2.0, 2.0, (2, 3))
Y = _RNG.uniform(-2.0, 2.0, (3, 1, 2))
V = _RNG.uniform(-2.0, 2.0, (4,))
AD: Any = ad  # the misuse tests pass arguments of the wrong types on purpose

#: (name, the autodiff function of one array, the NumPy function, the input)
CASES: list[tuple[str, Callable[[Any], Any], Callable[[Any], Any] | None, Any]] = [
    ("concatenate", lambda x: ad.concatenate([x, 2 * x], axis=-1), None, X),
    ("concatenate_none", lambda x: ad.concatenate([x, x[0]], axis=None), None, X),
    ("vstack_vectors", lambda x: ad.vstack([x, 2 * x]), None, V),
    ("vstack_mixed", lambda x: ad.vstack([x, x[0]]), None, X),
    ("hstack_vectors", lambda x: ad.hstack([x, x[1:], 3.0]), None, V),
    ("hstack_matrices", lambda x: ad.hstack([x, x[:, :1]]), None, X),
    ("squeeze_all", ad.squeeze, np.squeeze, Y),
    ("squeeze_axis", lambda x: ad.squeeze(x, axis=-2), lambda x: np.squeeze(x, axis=-2), Y),
    ("expand_dims", lambda x: ad.expand_dims(x, 1), lambda x: np.expand_dims(x, 1), X),
    ("expand_dims_tuple", lambda x: ad.expand_dims(x, (0, -1)), None, X),
    ("ravel", ad.ravel, np.ravel, Y),
    ("repeat_flat", lambda x: ad.repeat(x, 2), lambda x: np.repeat(x, 2), X),
    ("repeat_axis", lambda x: ad.repeat(x, [0, 2, 1], axis=-1), None, X),
    ("repeat_counts_array", lambda x: ad.repeat(x, np.array([3, 1]), axis=0), None, X),
    ("tile_int", lambda x: ad.tile(x, 2), lambda x: np.tile(x, 2), X),
    ("tile_more_reps", lambda x: ad.tile(x, (2, 1, 3)), lambda x: np.tile(x, (2, 1, 3)), X),
    ("tile_fewer_reps", lambda x: ad.tile(x, 2), lambda x: np.tile(x, 2), Y),
    ("tile_scalar", lambda x: ad.tile(x, (2, 2)), lambda x: np.tile(x, (2, 2)), 1.5),
    ("roll_flat", lambda x: ad.roll(x, 4), lambda x: np.roll(x, 4), X),
    ("roll_axis", lambda x: ad.roll(x, -1, axis=1), lambda x: np.roll(x, -1, axis=1), X),
    ("roll_axes", lambda x: ad.roll(x, (1, 5), axis=(0, -1)), None, X),
    ("roll_same_axis", lambda x: ad.roll(x, (1, 1), axis=(1, 1)), None, X),
    ("flip_all", ad.flip, np.flip, X),
    ("flip_axis", lambda x: ad.flip(x, -1), lambda x: np.flip(x, -1), Y),
    ("flip_axes", lambda x: ad.flip(x, (0, 2)), lambda x: np.flip(x, (0, 2)), Y),
    ("pad_int", lambda x: ad.pad(x, 1), lambda x: np.pad(x, 1), X),
    ("pad_pairs", lambda x: ad.pad(x, ((0, 1), (2, 0)), constant_values=-3.0), None, X),
    ("pad_pair", lambda x: ad.pad(x, (1, 2)), lambda x: np.pad(x, (1, 2)), V),
    ("moveaxis", lambda x: ad.moveaxis(x, 0, -1), lambda x: np.moveaxis(x, 0, -1), Y),
    ("moveaxis_many", lambda x: ad.moveaxis(x, (0, 1), (2, 0)), None, Y),
    ("swapaxes", lambda x: ad.swapaxes(x, 0, -1), lambda x: np.swapaxes(x, 0, -1), Y),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize(("name", "fn", "ref", "x"), CASES, ids=IDS)
def test_value_matches_numpy(name: str, fn: Any, ref: Any, x: Any) -> None:
    if ref is None:  # checked in test_values_without_a_reference_function
        return
    out, expected = fn(x), ref(x)
    assert np.shape(out) == np.shape(expected)
    assert_allclose(out, expected, rtol=0, atol=0)


def test_values_without_a_reference_function() -> None:
    assert_allclose(ad.concatenate([X, 2 * X], axis=-1), np.concatenate([X, 2 * X], axis=-1))
    assert_allclose(ad.concatenate([X, X[0]], axis=None), np.concatenate([X, X[0]], axis=None))
    assert_allclose(ad.vstack([V, 2 * V]), np.vstack([V, 2 * V]))
    assert_allclose(ad.vstack([X, X[0]]), np.vstack([X, X[0]]))
    assert_allclose(ad.hstack([V, V[1:], 3.0]), np.hstack([V, V[1:], 3.0]))
    assert_allclose(ad.hstack([X, X[:, :1]]), np.hstack([X, X[:, :1]]))
    assert ad.expand_dims(X, (0, -1)).shape == np.expand_dims(X, (0, -1)).shape
    assert_allclose(ad.repeat(X, [0, 2, 1], axis=-1), np.repeat(X, [0, 2, 1], axis=-1))
    assert_allclose(ad.repeat(X, np.array([3, 1]), axis=0), np.repeat(X, [3, 1], axis=0))
    assert_allclose(ad.roll(X, (1, 5), axis=(0, -1)), np.roll(X, (1, 5), axis=(0, -1)))
    assert_allclose(ad.roll(X, (1, 1), axis=(1, 1)), np.roll(X, (1, 1), axis=(1, 1)))
    assert_allclose(
        ad.pad(X, ((0, 1), (2, 0)), constant_values=-3.0),
        np.pad(X, ((0, 1), (2, 0)), constant_values=-3.0),
    )
    assert_allclose(ad.moveaxis(Y, (0, 1), (2, 0)), np.moveaxis(Y, (0, 1), (2, 0)))


@pytest.mark.parametrize(("name", "fn", "ref", "x"), CASES, ids=IDS)
def test_numpy_dispatch_and_plain_values_agree(name: str, fn: Any, ref: Any, x: Any) -> None:
    if ref is None:
        return
    traced = ref(ad.Variable(x))  # NumPy's function on a traced value calls autodiff's
    assert isinstance(traced, ad.Variable)
    assert_allclose(traced.value, ref(x), rtol=0, atol=0)


@pytest.mark.parametrize(("name", "fn", "ref", "x"), CASES, ids=IDS)
def test_gradients_both_modes_and_finite_differences(name: str, fn: Any, ref: Any, x: Any) -> None:
    w = np.random.default_rng(len(name)).uniform(-1.0, 1.0, np.shape(fn(x)))

    def loss(x: Any) -> Any:
        out = fn(x)
        return ad.sum(w * out + 0.5 * out * out)

    assert ad.check_grad(loss, x) < 1e-7
    # a linear map's second derivative of ½|f(x)|² is JᵀJ: check the Hessian's symmetry
    if np.ndim(x):
        h = ad.hessian(loss)(x)
        n = np.size(x)
        assert_allclose(np.reshape(h, (n, n)), np.reshape(h, (n, n)).T, atol=1e-12)


@pytest.mark.parametrize(("name", "fn", "ref", "x"), CASES, ids=IDS)
def test_jacobian_forward_equals_reverse(name: str, fn: Any, ref: Any, x: Any) -> None:
    forward = ad.jacobian(fn, mode="forward")(x)
    reverse = ad.jacobian(fn, mode="reverse")(x)
    assert_allclose(forward, reverse, rtol=0, atol=0)
    # the Jacobian of a function that moves (or doubles) elements holds small integers
    assert set(np.unique(forward)) <= {0.0, 1.0, 2.0}


def test_methods_where_ndarray_has_them() -> None:
    for kind in (ad.Dual, ad.Variable):
        y = kind(Y)
        assert y.squeeze().shape == (3, 2)
        assert y.squeeze(axis=1).shape == (3, 2)
        assert_allclose(y.ravel().value, Y.ravel())
        assert_allclose(y.flatten().value, Y.flatten())
        assert_allclose(y.repeat(2, axis=0).value, Y.repeat(2, axis=0))
        assert_allclose(y.swapaxes(0, 2).value, Y.swapaxes(0, 2))


def test_gradient_of_repeat_sums_the_copies() -> None:
    g = ad.grad(lambda x: ad.sum(ad.repeat(x, [1, 3, 0]) * np.arange(4.0)))(np.ones(3))
    assert_allclose(g, [0.0, 6.0, 0.0])


def test_padding_is_a_constant() -> None:
    g = ad.grad(lambda x: ad.sum(ad.pad(x, 2, constant_values=7.0)))(V)
    assert_allclose(g, np.ones(4))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: AD.concatenate([V, 2.0]), ValueError, "concatenate: operand 1 is a scalar"),
        (lambda: AD.concatenate([X, V]), ValueError, "concatenate: operands of shapes"),
        (lambda: AD.concatenate([X, X], axis=2), ValueError, "concatenate: axis 2 is out"),
        (lambda: AD.concatenate([X, X], axis=1.0), TypeError, "concatenate: an axis must be"),
        (lambda: AD.concatenate([]), TypeError, "concatenate: arrays must be a non-empty"),
        (lambda: AD.concatenate(X), TypeError, "concatenate: arrays must be a non-empty"),
        (lambda: AD.vstack(V), TypeError, "vstack: arrays must be"),
        (lambda: AD.hstack([X, V]), ValueError, "concatenate: operands of shapes"),
        (lambda: AD.squeeze(X, axis=0), ValueError, "squeeze: cannot remove axis 0 of length 2"),
        (lambda: AD.squeeze(X, axis=3), ValueError, "squeeze: axis 3 is out of bounds"),
        (lambda: AD.expand_dims(X, 3), ValueError, "expand_dims: axis 3 is out of bounds"),
        (lambda: AD.expand_dims(X, None), TypeError, "expand_dims: axis must be"),
        (lambda: AD.expand_dims(X, (0, 0)), ValueError, "expand_dims: axis .* repeats"),
        (lambda: AD.repeat(X, 1.5), TypeError, "repeat: repeats must be an int"),
        (lambda: AD.repeat(X, -1), ValueError, "repeat: repeats must not be negative"),
        (lambda: AD.repeat(X, [1, 2], axis=1), ValueError, "repeat: repeats has 2 entries"),
        (lambda: AD.repeat(X, 2, axis=2), ValueError, "repeat: axis 2 is out of bounds"),
        (lambda: AD.tile(X, 1.5), TypeError, "tile: reps must be an int"),
        (lambda: AD.tile(X, (2, -1)), ValueError, "tile: reps must not be negative"),
        (lambda: AD.roll(X, 1.0), TypeError, "roll: shift must be an int"),
        (lambda: AD.roll(X, (1, 2)), ValueError, "roll: with axis=None, shift must be one"),
        (lambda: AD.roll(X, (1, 2, 3), axis=(0, 1)), ValueError, "roll: shift .* lengths"),
        (lambda: AD.roll(X, 1, axis=2), ValueError, "roll: axis 2 is out of bounds"),
        (lambda: AD.flip(X, 2), ValueError, "flip: axis 2 is out of bounds"),
        (lambda: AD.pad(X, 1, mode="reflect"), ValueError, "pad: only mode='constant'"),
        (lambda: AD.pad(X, 1, constant_values=(1, 2)), TypeError, "pad: constant_values must"),
        (lambda: AD.pad(X, -1), ValueError, "pad: pad_width must not be negative"),
        (lambda: AD.pad(X, (1, 2, 3)), ValueError, "pad: pad_width .* does not fit"),
        (lambda: AD.pad(X, 1.5), TypeError, "pad: pad_width must be an int"),
        (lambda: AD.moveaxis(X, (0, 1), 0), ValueError, "moveaxis: source .* same number"),
        (lambda: AD.moveaxis(X, 0, 5), ValueError, "moveaxis: axis 5 is out of bounds"),
        (lambda: AD.swapaxes(X, 0, 2), ValueError, "swapaxes: axis 2 is out of bounds"),
        (lambda: AD.swapaxes(X, 0, "1"), TypeError, "swapaxes: an axis must be an int"),
    ],
)
def test_misuse_is_refused_by_name(call: Callable[[], Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()


def test_misuse_on_traced_values_too() -> None:
    x = ad.Variable(X)
    with pytest.raises(ValueError, match="squeeze: cannot remove axis 1 of length 3"):
        x.squeeze(1)
    with pytest.raises(ValueError, match="pad: only mode='constant'"):
        np.pad(x, 1, mode="edge")
    with pytest.raises(ValueError, match="concatenate: operands of shapes"):
        np.concatenate([x, ad.Variable(V)])
