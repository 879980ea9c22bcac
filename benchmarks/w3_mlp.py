"""W3: an MLP 784-256-256-10, tanh, batch 128, MSE, forward and backward.

Big matrix products dominate, so a library's own overhead should vanish: the target is
to stay within 10 % of NumPy backpropagated by hand.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from benchmarks import _libs
from benchmarks._harness import Bench, Case

ID = "W3"
NAME = "MLP 784-256-256-10"
TITLE = "MLP 784-256-256-10, tanh, batch 128, MSE, fwd+bwd"
FLOOR = "hand-written NumPy backprop"
HANDWRITTEN_IS_FLOOR = True
TARGET = "≤ 1.10× the floor"
TARGET_RATIO = 1.10
ISSUE_PEERS = "jax.jit 1.00, MyGrad 1.16, autograd 1.29, torch 1.37, jax eager 3.1"
NOT_APPLICABLE = {"micrograd": "scalars only, no arrays"}

SIZES = (784, 256, 256, 10)
BATCH = 128


def make_data() -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Inputs, targets and the parameters ``[W1, b1, W2, b2, W3, b3]``."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(BATCH, SIZES[0]))
    y = rng.normal(size=(BATCH, SIZES[-1]))
    params: list[np.ndarray] = []
    for n_in, n_out in itertools.pairwise(SIZES):
        params += [rng.normal(size=(n_in, n_out)) / np.sqrt(n_in), rng.normal(size=n_out) * 0.1]
    return x, y, params


def numpy_floor(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray]
) -> tuple[float, list[np.ndarray]]:
    """The floor: the loss and the six gradients, backpropagated by hand in NumPy."""
    w1, b1, w2, b2, w3, b3 = params
    h1 = np.tanh(x @ w1 + b1)
    h2 = np.tanh(h1 @ w2 + b2)
    d = h2 @ w3 + b3 - y
    loss = float(np.mean(d * d))
    g = d * (2.0 / d.size)
    g_w3, g_b3 = h2.T @ g, g.sum(axis=0)
    g = (g @ w3.T) * (1.0 - h2 * h2)
    g_w2, g_b2 = h1.T @ g, g.sum(axis=0)
    g = (g @ w2.T) * (1.0 - h1 * h1)
    g_w1, g_b1 = x.T @ g, g.sum(axis=0)
    return loss, [g_w1, g_b1, g_w2, g_b2, g_w3, g_b3]


def mse(params: list[Any], x: Any, y: Any, tanh: Any, mean: Any) -> Any:
    """The loss, for any library whose arrays have ``@`` and broadcasting ``+``."""
    w1, b1, w2, b2, w3, b3 = params
    h1 = tanh(x @ w1 + b1)
    h2 = tanh(h1 @ w2 + b2)
    d = h2 @ w3 + b3 - y
    return mean(d * d)


def target(results: dict[str, Any], quick: bool) -> tuple[bool | None, str]:
    """≤ 1.10× the hand-written NumPy backprop."""
    ours = results["autodiff"]
    if ours.get("status") != "ok":
        return False, f"autodiff {ours.get('status')}"
    return ours["ratio"] <= TARGET_RATIO, f"{ours['ratio']:.2f}× the floor"


def case(quick: bool, lib: str) -> Case:
    x, y, params = make_data()

    def autodiff() -> Bench:
        import autodiff as ad

        step = ad.value_and_grad(
            lambda *p: mse(list(p), x, y, ad.tanh, ad.mean), argnums=tuple(range(len(params)))
        )
        return Bench(lambda: step(*params), lambda out: (out[0], list(out[1])))

    def autograd() -> Bench:
        import autograd.numpy as anp
        from autograd import value_and_grad

        step = value_and_grad(lambda p: mse(p, x, y, anp.tanh, anp.mean))
        return Bench(lambda: step(params), lambda out: (float(out[0]), list(out[1])))

    def mygrad() -> Bench:
        import mygrad as mg

        tensors = [mg.tensor(p) for p in params]

        def run() -> Any:
            loss = mse(tensors, x, y, mg.tanh, mg.mean)
            loss.backward()
            return loss, [t.grad for t in tensors]

        return Bench(run, lambda out: (float(out[0]), out[1]))

    def torch() -> Bench:
        torch = _libs.torch()
        tensors = [torch.tensor(p, requires_grad=True) for p in params]
        xt, yt = torch.tensor(x), torch.tensor(y)

        def run() -> Any:
            for t in tensors:
                t.grad = None
            loss = mse(tensors, xt, yt, torch.tanh, torch.mean)
            loss.backward()
            return loss, [t.grad for t in tensors]

        return Bench(run, lambda out: (out[0].item(), [g.numpy() for g in out[1]]))

    def jax_bench(jit: bool) -> Bench:
        jax = _libs.jax()
        import jax.numpy as jnp

        step = jax.value_and_grad(lambda p, x, y: mse(p, x, y, jnp.tanh, jnp.mean))
        if jit:
            step = jax.jit(step)
        arrays = [jnp.asarray(p) for p in params]
        xj, yj = jnp.asarray(x), jnp.asarray(y)
        return Bench(
            lambda: jax.block_until_ready(step(arrays, xj, yj)),
            lambda out: (float(out[0]), [np.asarray(g) for g in out[1]]),
            compiles=jit,
        )

    return Case(
        floor=Bench(lambda: numpy_floor(x, y, params)),
        expected=numpy_floor(x, y, params),
        impls={
            "autodiff": autodiff,
            "autograd": autograd,
            "mygrad": mygrad,
            "torch": torch,
            "jax": lambda: jax_bench(jit=False),
            "jax.jit": lambda: jax_bench(jit=True),
        },
        sizes={"layers": "784-256-256-10", "batch": BATCH},
        not_applicable=NOT_APPLICABLE,
    )
