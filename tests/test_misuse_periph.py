"""Misuse of the modules around the engine: each one works or fails with a clear error.

Issue 10's bar: a wrong argument to an optimiser, a layer, a dataset, ``batches``,
``draw`` or ``trace_table`` either works correctly or raises a ``TypeError`` (a value of
the wrong kind) or a ``ValueError`` (a value out of range) whose message names the
function and the argument, says what was given and how to fix the call. Nothing is
silently wrong and nothing hangs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from autodiff import Variable, nn, optim

# --------------------------------------------------------------------------------------
# autodiff.optim


def test_a_bare_variable_is_refused_with_the_fix() -> None:
    # Iterating an array Variable gives three indexing nodes: an optimiser would update
    # them and leave w as it was. PyTorch refuses a bare tensor the same way.
    w = Variable(np.ones(3), name="w")
    for make in (optim.SGD, optim.Adam):
        with pytest.raises(TypeError, match=r"params must be an iterable of Variables.*\[w\]"):
            make(w, lr=0.1)
    with pytest.raises(TypeError, match=r"got a single Variable.*SGD\(\[w\], \.\.\.\)"):
        optim.SGD(Variable(2.0), lr=0.1)  # a scalar: used to fail with "len() of a scalar"


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        (nn.Linear(2, 1, rng=0), TypeError, r"got a Linear; pass its parameters: SGD\(model"),
        ({"w": Variable(1.0)}, TypeError, r"got a dict .*list\(d\.values\(\)\)"),
        ("abc", TypeError, r"params must be an iterable of Variables, but got str 'abc'"),
        (None, TypeError, r"but got NoneType None; pass a list of Variables"),
        (3, TypeError, r"but got int 3; pass a list of Variables, e\.g\. SGD\(\[w\], \.\.\.\)"),
        (np.ones(3), TypeError, r"but got ndarray of shape \(3,\)"),
        ((i for i in [1, 2]), TypeError, r"parameter 0 is int 1, not a Variable"),
        ([[Variable(1.0)]], TypeError, r"parameter 0 is list .*, not a Variable"),
        ([], ValueError, r"SGD got an empty parameter list; pass the Variables"),
    ],
)
def test_params_that_are_not_an_iterable_of_variables_are_refused(
    params: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        optim.SGD(params, lr=0.1)


def test_a_computed_variable_is_not_a_parameter() -> None:
    w = Variable(np.ones(3), name="w")
    with pytest.raises(
        ValueError, match=r"parameter 0 \(.*\) is not a leaf: it was computed by 'mul'"
    ):
        optim.SGD([w * 2.0], lr=0.1)
    with pytest.raises(ValueError, match="is not a leaf"):
        optim.Adam(list(w))  # what iterating a bare Variable gives


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lr": "0.1"}, TypeError, r"SGD: lr must be a real number, not str '0\.1'; pass a number"),
        ({"lr": True}, TypeError, r"SGD: lr must be a real number, not bool True"),
        ({"lr": None}, TypeError, r"lr must be a real number, not NoneType"),
        ({"lr": 1 + 2j}, TypeError, r"lr must be a real number, not complex"),
        ({"lr": np.array([0.1, 0.2])}, TypeError, r"lr must be a real number, not ndarray"),
        ({"lr": Variable(0.1)}, TypeError, r"not Variable of shape \(\); pass a plain number"),
        ({"lr": float("inf")}, ValueError, r"lr must be a finite number >= 0, not inf"),
        ({"lr": float("nan")}, ValueError, r"lr must be a finite number >= 0, not nan"),
        ({"lr": 0.1, "momentum": "a"}, TypeError, r"momentum must be a real number"),
        ({"lr": 0.1, "momentum": np.nan}, ValueError, r"momentum must be a finite number"),
        ({"lr": 0.1, "weight_decay": np.inf}, ValueError, r"weight_decay must be a finite"),
        ({"lr": 0.1, "dampening": False}, TypeError, r"dampening must be a real number, not bool"),
        ({"lr": 0.1, "nesterov": "yes"}, TypeError, r"nesterov must be True or False, not str"),
        ({"lr": 0.1, "nesterov": 1}, TypeError, r"nesterov must be True or False, not int 1"),
    ],
)
def test_sgd_hyperparameters_are_real_numbers(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        optim.SGD([Variable(1.0)], **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"betas": 0.9}, TypeError, r"betas must be a pair \(beta1, beta2\), not float 0\.9; pass"),
        ({"betas": "ab"}, TypeError, r"betas must be a pair \(beta1, beta2\), not str 'ab'"),
        ({"betas": (0.9, 0.9, 0.9)}, ValueError, r"betas must be a pair"),
        ({"betas": (True, 0.9)}, TypeError, r"betas\[0\] must be a real number, not bool"),
        ({"betas": (0.9, np.nan)}, ValueError, r"betas\[1\] must be a finite number in \[0, 1\)"),
        ({"lr": "0.1"}, TypeError, r"Adam: lr must be a real number, not str"),
        ({"lr": True}, TypeError, r"Adam: lr must be a real number, not bool True"),
        ({"eps": np.nan}, ValueError, r"Adam: eps must be a finite number >= 0, not nan"),
        ({"weight_decay": "0"}, TypeError, r"Adam: weight_decay must be a real number"),
    ],
)
def test_adam_hyperparameters_are_checked(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        optim.Adam([Variable(1.0)], **kwargs)


def test_valid_hyperparameters_of_every_numeric_kind_still_work() -> None:
    w = Variable(1.0)
    numbers: Any = (np.float32(0.5), np.int64(0), np.array(0.25), np.bool_(True))
    assert optim.SGD([w], lr=1).lr == 1.0
    assert optim.SGD([w], lr=numbers[0], momentum=numbers[1]).lr == 0.5
    assert optim.SGD([w], lr=numbers[2]).lr == 0.25
    assert optim.SGD([w], lr=0.1, momentum=0.9, nesterov=numbers[3]).nesterov is True
    pairs: Any = ([0.8, 0.9], np.array([0.8, 0.9]))
    assert optim.Adam([w], betas=pairs[0]).betas == (0.8, 0.9)
    assert optim.Adam([w], betas=pairs[1]).betas == (0.8, 0.9)
    assert optim.SGD({w}, lr=0.1).params == [w]  # any iterable of Variables
