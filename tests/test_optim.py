"""``autodiff.optim``: SGD and Adam against hand-computed updates and PyTorch's formulas.

The references below are transcriptions of PyTorch's single-tensor implementations
(``torch/optim/sgd.py`` ``_single_tensor_sgd`` and ``torch/optim/adam.py``
``_single_tensor_adam``, without the options autodiff does not have), written with
NumPy alone.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff import Variable, nn, optim

Array = Any


def torch_sgd(
    params: list[Array],
    grads: list[list[Array]],
    lr: float,
    momentum: float = 0.0,
    weight_decay: float = 0.0,
    dampening: float = 0.0,
    nesterov: bool = False,
) -> list[Array]:
    """``_single_tensor_sgd`` applied for each list of gradients in ``grads``."""
    params = [p.copy() for p in params]
    bufs: list[Array | None] = [None] * len(params)
    for step_grads in grads:
        for i, grad in enumerate(step_grads):
            param = params[i]
            d_p = grad
            if weight_decay != 0:
                d_p = d_p + weight_decay * param  # grad.add(param, alpha=weight_decay)
            if momentum != 0:
                prev = bufs[i]
                # torch.clone(grad).detach(), then buf.mul_(momentum).add_(grad, alpha=1 - d)
                buf = d_p.copy() if prev is None else prev * momentum + (1 - dampening) * d_p
                bufs[i] = buf
                d_p = d_p + momentum * buf if nesterov else buf
            param += -lr * d_p  # param.add_(grad, alpha=-lr), in place
    return params


def torch_adam(
    params: list[Array],
    grads: list[list[Array]],
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> list[Array]:
    """``_single_tensor_adam`` (amsgrad=False, maximize=False) for each step's gradients."""
    beta1, beta2 = betas
    params = [p.copy() for p in params]
    exp_avgs = [np.zeros_like(p) for p in params]
    exp_avg_sqs = [np.zeros_like(p) for p in params]
    for step, step_grads in enumerate(grads, start=1):
        for i, step_grad in enumerate(step_grads):
            param = params[i]
            grad = step_grad
            if weight_decay != 0:
                grad = grad + weight_decay * param
            exp_avgs[i] = exp_avgs[i] + (1 - beta1) * (grad - exp_avgs[i])  # lerp_
            exp_avg_sqs[i] = exp_avg_sqs[i] * beta2 + (1 - beta2) * grad * grad  # addcmul_
            bias_correction1 = 1 - beta1**step
            bias_correction2 = 1 - beta2**step
            step_size = lr / bias_correction1
            bias_correction2_sqrt = math.sqrt(bias_correction2)
            denom = np.sqrt(exp_avg_sqs[i]) / bias_correction2_sqrt + eps
            param += -step_size * (exp_avgs[i] / denom)  # addcdiv_(value=-step_size)
    return params


def _random_gradients(shapes: list[tuple[int, ...]], steps: int, seed: int) -> list[list[Array]]:
    rng = np.random.default_rng(seed)
    return [[rng.normal(size=s) for s in shapes] for _ in range(steps)]


def _run(opt_factory: Any, start: list[Array], grads: list[list[Array]]) -> list[Variable]:
    """Feed the given gradients to an optimiser, as ``backward`` would leave them."""
    params = [Variable(p.copy()) for p in start]
    opt = opt_factory(params)
    for step_grads in grads:
        opt.zero_grad()
        for p, g in zip(params, step_grads, strict=True):
            # what backward() does: the gradient of Σ g · p with respect to p is g
            ad.sum(p * g).backward()
        opt.step()
    return params


SHAPES = [(3, 2), (2,), (4,)]
START = [np.random.default_rng(99).normal(size=s) for s in SHAPES]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"momentum": 0.9},
        {"momentum": 0.9, "dampening": 0.3},
        {"momentum": 0.8, "nesterov": True},
        {"weight_decay": 0.1},
        {"momentum": 0.5, "weight_decay": 0.01, "nesterov": True},
    ],
    ids=["plain", "momentum", "dampening", "nesterov", "weight-decay", "all"],
)
def test_sgd_matches_pytorch(options: dict[str, Any]) -> None:
    grads = _random_gradients(SHAPES, 6, seed=1)
    params = _run(lambda ps: optim.SGD(ps, lr=0.05, **options), START, grads)
    expected = torch_sgd(START, grads, lr=0.05, **options)
    for p, e in zip(params, expected, strict=True):
        assert_allclose(p.value, e, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"lr": 0.1, "betas": (0.5, 0.9)},
        {"lr": 0.01, "eps": 1e-3},
        {"lr": 0.01, "weight_decay": 0.1},
        {"lr": 0.01, "betas": (0.0, 0.0)},
    ],
    ids=["default", "betas", "eps", "weight-decay", "zero-betas"],
)
def test_adam_matches_pytorch(options: dict[str, Any]) -> None:
    grads = _random_gradients(SHAPES, 6, seed=2)
    params = _run(lambda ps: optim.Adam(ps, **options), START, grads)
    expected = torch_adam(START, grads, **options)
    for p, e in zip(params, expected, strict=True):
        assert_allclose(p.value, e, rtol=1e-14, atol=1e-15)


def test_sgd_by_hand() -> None:
    w = Variable(np.array([1.0, -2.0]))
    opt = optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.5)
    # f = Σ w², g = 2w; with weight decay g + 0.5 w = 2.5 w
    opt.zero_grad()
    ad.sum(w * w).backward()
    opt.step()  # b = 2.5 · [1, −2] = [2.5, −5]; w = [1, −2] − 0.1 b = [0.75, −1.5]
    assert_allclose(w.value, [0.75, -1.5], rtol=1e-15)
    opt.zero_grad()
    ad.sum(w * w).backward()
    opt.step()  # g = 2.5 w = [1.875, −3.75]; b = 0.9 b + g = [4.125, −8.25]
    assert_allclose(w.value, [0.75 - 0.4125, -1.5 + 0.825], rtol=1e-15)


def test_adam_by_hand() -> None:
    w = Variable(np.array([1.0, -3.0]))
    opt = optim.Adam([w], lr=0.1)
    opt.zero_grad()
    ad.sum(w * w).backward()  # g = [2, −6]
    opt.step()
    # m = 0.1 g, v = 0.001 g²; m̂ = g, v̂ = g²: the step is lr · g / (|g| + eps)
    g = np.array([2.0, -6.0])
    assert_allclose(w.value, [1.0, -3.0] - 0.1 * g / (np.abs(g) + 1e-8), rtol=1e-15)
    opt.zero_grad()
    ad.sum(w * w).backward()  # g₂ = 2 w
    g2 = 2 * w.value
    m = 0.9 * 0.1 * g + 0.1 * g2
    v = 0.999 * 0.001 * g**2 + 0.001 * g2**2
    expected = w.value - 0.1 / (1 - 0.9**2) * m / (np.sqrt(v) / np.sqrt(1 - 0.999**2) + 1e-8)
    opt.step()
    assert_allclose(w.value, expected, rtol=1e-14)


def test_steps_work_in_place_and_build_no_graph() -> None:
    model = nn.MLP([2, 3, 1], rng=0)
    arrays = [p.value for p in model.parameters()]
    for opt in (
        optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=0.1),
        optim.Adam(model.parameters(), lr=0.1, weight_decay=0.1),
    ):
        loss = nn.mse_loss(model(np.ones((4, 2))), np.zeros(4))
        opt.zero_grad()
        loss.backward()
        grads = [p.grad.copy() for p in model.parameters()]
        before = [a.copy() for a in arrays]
        opt.step()
        for p, a, b, g in zip(model.parameters(), arrays, before, grads, strict=True):
            assert p.value is a  # updated in place
            assert type(p.value) is np.ndarray
            assert not np.array_equal(a, b)
            assert p.op == ""  # still a leaf: the update built no node
            assert_allclose(p.grad, g, rtol=0, atol=0)  # the gradients are not modified


def test_scalar_parameters_stay_floats() -> None:
    w = Variable(3.0)
    for opt in (optim.SGD([w], lr=0.25, momentum=0.5), optim.Adam([w], lr=0.1)):
        opt.zero_grad()
        (w * w).backward()
        opt.step()
        assert type(w.value) is float
    assert w.value == pytest.approx(1.5 - 0.1 / (1 + 1e-8 / 3.0))


def test_parameters_without_a_gradient_are_skipped() -> None:
    a, b = Variable(np.ones(2)), Variable(np.ones(2))
    for opt in (
        optim.SGD([a, b], lr=0.1, weight_decay=1.0, momentum=0.9),
        optim.Adam([a, b], lr=0.1, weight_decay=1.0),
    ):
        opt.zero_grad()
        ad.sum(a * a).backward()
        opt.step()
        assert_allclose(b.value, [1.0, 1.0])  # untouched, even by the weight decay
        assert not np.allclose(a.value, [1.0, 1.0])


def test_zero_grad() -> None:
    w = Variable(np.ones(3))
    opt = optim.Adam([w])
    ad.sum(w * w).backward()
    assert_allclose(w.grad, [2.0, 2.0, 2.0])
    opt.zero_grad()
    assert_allclose(w.grad, [0.0, 0.0, 0.0])


def test_a_training_loop_decreases_the_loss() -> None:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    for make in (
        lambda ps: optim.SGD(ps, lr=0.1),
        lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
        lambda ps: optim.Adam(ps, lr=0.05),
    ):
        model = nn.Linear(3, 1, rng=0)
        opt = make(model.parameters())
        losses = []
        for _ in range(50):
            loss = nn.mse_loss(model(X), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.value)
        assert losses[-1] < 0.8 * losses[0]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ps: optim.SGD(ps, lr=-0.1), r"SGD: lr must be a finite number >= 0, not -0\.1"),
        (lambda ps: optim.SGD(ps, lr=0.1, momentum=-1), "momentum must be a finite number >= 0"),
        (
            lambda ps: optim.SGD(ps, lr=0.1, weight_decay=-1),
            "weight_decay must be a finite number >= 0",
        ),
        (lambda ps: optim.SGD(ps, lr=0.1, dampening=-1), "dampening must be a finite number >= 0"),
        (lambda ps: optim.SGD(ps, lr=0.1, nesterov=True), "nesterov momentum needs"),
        (
            lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
            "nesterov momentum needs",
        ),
        (lambda ps: optim.SGD(ps, lr=float("nan")), "lr must be"),
        (lambda ps: optim.Adam(ps, lr=-1e-3), "lr must be a finite number >= 0"),
        (
            lambda ps: optim.Adam(ps, betas=(1.0, 0.999)),
            r"betas\[0\] must be a finite number in \[0, 1\)",
        ),
        (
            lambda ps: optim.Adam(ps, betas=(0.9, -0.1)),
            r"betas\[1\] must be a finite number in \[0, 1\)",
        ),
        (lambda ps: optim.Adam(ps, betas=(0.9,)), "betas must be a pair"),  # type: ignore[arg-type]
        (lambda ps: optim.Adam(ps, eps=-1.0), "eps must be a finite number >= 0"),
        (lambda ps: optim.Adam(ps, weight_decay=-1.0), "weight_decay must be a finite number >= 0"),
    ],
)
def test_arguments_are_validated(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make([Variable(1.0)])


def test_parameter_lists_are_validated() -> None:
    w = Variable(1.0, name="w")
    with pytest.raises(ValueError, match="SGD got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match=r"Adam: parameter 1 \(w\) appears more than once"):
        optim.Adam([w, w])
    with pytest.raises(
        TypeError, match=r"parameter 0 is ndarray of shape \(2,\) and dtype float64, not a Variable"
    ):
        optim.SGD([np.ones(2)], lr=0.1)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="lr must be a real number"):
        optim.SGD([w], lr="fast")  # type: ignore[arg-type]
    # a generator of parameters is fine (it is read once)
    assert optim.SGD((p for p in [w]), lr=0.1).params == [w]
    with pytest.raises(NotImplementedError, match="does not define step"):
        optim.Optimizer([w]).step()
