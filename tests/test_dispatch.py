"""The methods and NumPy functions that the rows give traced values."""

from __future__ import annotations

import ast
import inspect
from typing import Any

import numpy as np
import pytest

import autodiff as ad
from autodiff import dispatch, tracer
from autodiff.tracer import Tracer


def _declared_for_type_checkers() -> set[str]:
    """The methods that ``Tracer`` declares under ``if TYPE_CHECKING:``."""
    tree = ast.parse(inspect.getsource(tracer))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Tracer")
    block = next(
        n
        for n in cls.body
        if isinstance(n, ast.If) and isinstance(n.test, ast.Name) and n.test.id == "TYPE_CHECKING"
    )
    return {n.name for n in block.body if isinstance(n, ast.FunctionDef)}


def test_every_generated_method_is_declared_for_type_checkers() -> None:
    assert _declared_for_type_checkers() == set(dispatch.METHODS)


@pytest.mark.parametrize("name", sorted(dispatch.METHODS))
def test_every_generated_method_is_on_the_tracer(name: str) -> None:
    method = getattr(Tracer, name)
    assert method is dispatch.METHODS[name]
    assert method.__qualname__ == f"Tracer.{name}"
    if not name.startswith("__"):
        assert method.__doc__
        assert ":func:`autodiff." in method.__doc__


@pytest.mark.parametrize("kind", [ad.Dual, ad.Variable])
def test_methods_and_operators_compute_what_the_functions_do(kind: type) -> None:
    x = kind(0.7)
    y = kind(1.3)
    assert (x + y).value == pytest.approx(2.0)
    assert (2.0 - x).value == pytest.approx(1.3)
    assert (x * y).value == pytest.approx(0.91)
    assert (1.0 / x).value == pytest.approx(1 / 0.7)
    assert (2.0**x).value == pytest.approx(2**0.7)
    assert (-x).value == -0.7
    assert abs(kind(-2.0)).value == 2.0
    for name in ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs"):
        assert getattr(x, name)().value == getattr(ad, name)(0.7), name
    v = kind(np.array([[1.0, 5.0], [3.0, 2.0]]))
    assert v.sum(axis=0).value.tolist() == [4.0, 7.0]
    assert v.mean().value == 2.75
    assert v.max(axis=1, keepdims=True).value.tolist() == [[5.0], [3.0]]


def test_numpy_functions_call_the_rows() -> None:
    x = ad.Variable(np.array([0.5, 1.5]))
    y = np.sum(np.sin(x) * np.exp(x))
    y.backward()
    expected = np.cos([0.5, 1.5]) * np.exp([0.5, 1.5]) + np.sin([0.5, 1.5]) * np.exp([0.5, 1.5])
    np.testing.assert_allclose(x.grad, expected)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (np.fft.fft, "numpy.fft.fft"),
        (np.sinc, "numpy.sinc"),
        (np.add.reduce, "numpy.add.reduce"),
        (lambda x: np.sin(x, out=np.zeros(2)), "numpy.sin with the arguments ['out']"),
    ],
)
def test_an_unsupported_numpy_function_is_refused_by_name(call: Any, name: str) -> None:
    x = ad.Variable(np.array([0.5, 1.5]))
    with pytest.raises(TypeError, match="not differentiable by autodiff") as error:
        call(x)
    assert name in str(error.value)
