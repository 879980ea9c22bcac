"""W5: ``value_and_grad`` of ``sum(tanh(A @ x))``, A 500×500.

The cheap-gradient principle in practice: the value and the whole gradient should cost
a small multiple of the function alone. The ratios are to plain NumPy ``f`` (no
gradient); the hand-written value-and-gradient (one more matrix-vector product) is
the column beside it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks import _libs
from benchmarks._harness import Bench, Case

ID = "W5"
NAME = "value and gradient"
TITLE = "value_and_grad of sum(tanh(A @ x)), A 500×500"
FLOOR = "plain NumPy f (no gradient)"
HANDWRITTEN_IS_FLOOR = False
TARGET = "≤ 2.0× plain NumPy f"
TARGET_RATIO = 2.0
ISSUE_PEERS = "hand-written 1.79, jax.jit 2.28, autograd 3.92, torch 4.10"
NOT_APPLICABLE = {"micrograd": "scalars only, no arrays"}

N = 500


def numpy_f(a: np.ndarray, x: np.ndarray) -> float:
    """The floor: the function alone."""
    return float(np.sum(np.tanh(a @ x)))


def handwritten(a: np.ndarray, x: np.ndarray) -> tuple[float, np.ndarray]:
    """The value and the gradient ``Aᵀ(1 - tanh²(Ax))``, written by hand."""
    t = np.tanh(a @ x)
    return float(np.sum(t)), a.T @ (1.0 - t * t)


def target(results: dict[str, Any], quick: bool) -> tuple[bool | None, str]:
    """≤ 2.0× the time of plain NumPy ``f``."""
    ours = results["autodiff"]
    if ours.get("status") != "ok":
        return False, f"autodiff {ours.get('status')}"
    return ours["ratio"] <= TARGET_RATIO, f"{ours['ratio']:.2f}× plain NumPy f"


def case(quick: bool, lib: str) -> Case:
    rng = np.random.default_rng(5)
    a = rng.normal(size=(N, N)) / np.sqrt(N)
    x = rng.normal(size=N)

    def autodiff() -> Bench:
        import autodiff as ad

        step = ad.value_and_grad(lambda x: ad.sum(ad.tanh(a @ x)))
        return Bench(lambda: step(x))

    def autograd() -> Bench:
        import autograd.numpy as anp
        from autograd import value_and_grad

        step = value_and_grad(lambda x: anp.sum(anp.tanh(anp.dot(a, x))))
        return Bench(lambda: step(x), lambda out: (float(out[0]), out[1]))

    def mygrad() -> Bench:
        import mygrad as mg

        def run() -> Any:
            xt = mg.tensor(x)
            s = mg.sum(mg.tanh(mg.matmul(a, xt)))
            s.backward()
            return s, xt.grad

        return Bench(run, lambda out: (float(out[0]), out[1]))

    def torch() -> Bench:
        torch = _libs.torch()
        at, x0 = torch.tensor(a), torch.tensor(x)

        def run() -> Any:
            xt = x0.detach().requires_grad_()
            s = torch.sum(torch.tanh(at @ xt))
            s.backward()
            return s, xt.grad

        return Bench(run, lambda out: (out[0].item(), out[1].numpy()))

    def jax_bench(jit: bool) -> Bench:
        jax = _libs.jax()
        import jax.numpy as jnp

        step = jax.value_and_grad(lambda x, a: jnp.sum(jnp.tanh(a @ x)))
        if jit:
            step = jax.jit(step)
        xj, aj = jnp.asarray(x), jnp.asarray(a)
        return Bench(
            lambda: jax.block_until_ready(step(xj, aj)),
            lambda out: (float(out[0]), np.asarray(out[1])),
            compiles=jit,
        )

    return Case(
        floor=Bench(lambda: numpy_f(a, x)),
        expected=handwritten(a, x),
        floor_expected=numpy_f(a, x),
        impls={
            "hand-written": lambda: Bench(lambda: handwritten(a, x)),
            "autodiff": autodiff,
            "autograd": autograd,
            "mygrad": mygrad,
            "torch": torch,
            "jax": lambda: jax_bench(jit=False),
            "jax.jit": lambda: jax_bench(jit=True),
        },
        sizes={"A": f"{N}×{N}"},
        not_applicable=NOT_APPLICABLE,
    )
