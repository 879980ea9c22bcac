"""W6: the full Hessian of the Rosenbrock function, n = 30.

A second derivative: 30 Hessian-vector products, each tiny, so the per-pass overhead
decides. autodiff computes them forward over reverse in one batched pass (one reverse
pass whose arithmetic runs on dual numbers carrying all 30 tangents), as
torch.func.hessian (jacfwd over jacrev, with vmap) and jax.hessian do; autograd makes
30 reverse passes of a gradient graph. The floor is the analytic (tridiagonal) Hessian
in NumPy. The target is absolute: ≤ 1 ms.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks import _libs
from benchmarks._harness import Bench, Case

ID = "W6"
NAME = "Hessian"
TITLE = "full Hessian of Rosenbrock, n = 30"
FLOOR = "analytic Hessian (NumPy)"
HANDWRITTEN_IS_FLOOR = True
TARGET = "≤ 1 ms"
TARGET_SECONDS = 1e-3
ISSUE_PEERS = "analytic 11 µs; jax.jit 18 µs, autograd 3.6 ms, torch 4.2 ms"
NOT_APPLICABLE = {
    "micrograd": "scalars only, and no second derivatives",
    "mygrad": "no higher-order derivatives",
}

N = 30


def rosenbrock(x: Any, total: Any) -> Any:
    """``Σ 100·(x[i+1] - x[i]²)² + (1 - x[i])²`` for any library's arrays."""
    a, b = x[:-1], x[1:]
    return total(100.0 * (b - a**2) ** 2 + (1.0 - a) ** 2)


def analytic_hessian(x: np.ndarray) -> np.ndarray:
    """The floor: the tridiagonal Hessian from the formula."""
    a, b = x[:-1], x[1:]
    diagonal = np.zeros_like(x)
    diagonal[:-1] = 1200.0 * a**2 - 400.0 * b + 2.0
    diagonal[1:] += 200.0
    off = -400.0 * a
    return np.diag(diagonal) + np.diag(off, 1) + np.diag(off, -1)


def target(results: dict[str, Any], quick: bool) -> tuple[bool | None, str]:
    """≤ 1 ms for the whole Hessian."""
    ours = results["autodiff"]
    if ours.get("status") != "ok":
        return False, f"autodiff {ours.get('status')}"
    ms = ours["seconds"] * 1e3
    return ms <= TARGET_SECONDS * 1e3, f"{ms:.2f} ms ({ours['ratio']:.0f}× the analytic Hessian)"


def case(quick: bool, lib: str) -> Case:
    x = np.random.default_rng(6).uniform(-1.5, 1.5, N)

    def autodiff() -> Bench:
        import autodiff as ad

        hess = ad.hessian(lambda x: rosenbrock(x, ad.sum))
        return Bench(lambda: hess(x))

    def autograd() -> Bench:
        import autograd.numpy as anp
        from autograd import hessian

        hess = hessian(lambda x: rosenbrock(x, anp.sum))
        return Bench(lambda: hess(x))

    def torch() -> Bench:
        torch = _libs.torch()
        from torch.func import hessian

        hess = hessian(lambda x: rosenbrock(x, torch.sum))
        xt = torch.tensor(x)
        return Bench(lambda: hess(xt), lambda out: out.numpy())

    def jax_bench(jit: bool) -> Bench:
        jax = _libs.jax()
        import jax.numpy as jnp

        hess = jax.hessian(lambda x: rosenbrock(x, jnp.sum))
        if jit:
            hess = jax.jit(hess)
        xj = jnp.asarray(x)
        return Bench(
            lambda: jax.block_until_ready(hess(xj)),
            np.asarray,
            compiles=jit,
        )

    return Case(
        floor=Bench(lambda: analytic_hessian(x)),
        expected=analytic_hessian(x),
        impls={
            "autodiff": autodiff,
            "autograd": autograd,
            "torch": torch,
            "jax": lambda: jax_bench(jit=False),
            "jax.jit": lambda: jax_bench(jit=True),
        },
        sizes={"n": N},
        not_applicable=NOT_APPLICABLE,
        notes={"torch": "torch.func.hessian (jacfwd over jacrev)"},
    )
