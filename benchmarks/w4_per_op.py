"""W4: per-operation overhead: 200 elementwise ops on a 16-element array, sum, backward.

The arrays are so small that the arithmetic costs almost nothing: what is measured is
what a library spends per operation (dispatch, recording the node, the backward step).
Reported in µs per operation; the floor is the same 200 operations in NumPy, forward
only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks import _libs
from benchmarks._harness import Bench, Case

ID = "W4"
NAME = "per-op overhead"
TITLE = "per-op overhead: 200 elementwise ops on a 16-element array, sum, backward"
FLOOR = "NumPy alone (forward)"
HANDWRITTEN_IS_FLOOR = False
TARGET = "≤ 4.5 µs/op"
TARGET_SECONDS = 4.5e-6  # per operation
ISSUE_PEERS = "NumPy 1.1 µs/op; torch 4.95, autograd 9.3, MyGrad 13.9 µs/op"
NOT_APPLICABLE = {"micrograd": "scalars only, no arrays"}

SIZE = 16
STEPS = 50  # four operations a step: 200 in all
OPS = 4 * STEPS


def chain(x: Any, tanh: Any, sin: Any) -> Any:
    """``y ← sin(tanh(y·x + 0.5))``, 50 times from ``y = x``: 200 elementwise operations."""
    y = x
    for _ in range(STEPS):
        y = sin(tanh(y * x + 0.5))
    return y


def numpy_forward(x: np.ndarray) -> float:
    """The floor: the 200 operations and the sum in NumPy, no derivative."""
    return float(np.sum(chain(x, np.tanh, np.sin)))


def handwritten(x: np.ndarray) -> tuple[float, np.ndarray]:
    """The value and the gradient, the backward pass written by hand in NumPy."""
    ys, ts = [], []
    y = x
    for _ in range(STEPS):
        ys.append(y)
        t = np.tanh(y * x + 0.5)
        ts.append(t)
        y = np.sin(t)
    g = np.ones_like(x)  # d sum / d y
    g_x = np.zeros_like(x)
    for y_in, t in zip(reversed(ys), reversed(ts), strict=True):
        g_u = g * np.cos(t) * (1.0 - t * t)
        g_x += g_u * y_in
        g = g_u * x
    return float(np.sum(y)), g_x + g  # y starts as x: its gradient flows into x too


def target(results: dict[str, Any], quick: bool) -> tuple[bool | None, str]:
    """≤ 4.5 µs per operation (forward and backward)."""
    ours = results["autodiff"]
    if ours.get("status") != "ok":
        return False, f"autodiff {ours.get('status')}"
    per_op = ours["seconds"] / OPS * 1e6
    return per_op <= TARGET_SECONDS * 1e6, f"{per_op:.2f} µs/op ({ours['ratio']:.1f}× NumPy alone)"


def case(quick: bool, lib: str) -> Case:
    x = np.random.default_rng(4).uniform(-1.0, 1.0, SIZE)

    def autodiff() -> Bench:
        import autodiff as ad

        def run() -> Any:
            xv = ad.Variable(x)
            s = ad.sum(chain(xv, ad.tanh, ad.sin))
            s.backward()
            return s.value, xv.grad

        return Bench(run)

    def autograd() -> Bench:
        import autograd.numpy as anp
        from autograd import value_and_grad

        step = value_and_grad(lambda x: anp.sum(chain(x, anp.tanh, anp.sin)))
        return Bench(lambda: step(x), lambda out: (float(out[0]), out[1]))

    def mygrad() -> Bench:
        import mygrad as mg

        def run() -> Any:
            xt = mg.tensor(x)
            s = mg.sum(chain(xt, mg.tanh, mg.sin))
            s.backward()
            return s, xt.grad

        return Bench(run, lambda out: (float(out[0]), out[1]))

    def torch() -> Bench:
        torch = _libs.torch()
        x0 = torch.tensor(x)

        def run() -> Any:
            xt = x0.detach().requires_grad_()
            s = torch.sum(chain(xt, torch.tanh, torch.sin))
            s.backward()
            return s, xt.grad

        return Bench(run, lambda out: (out[0].item(), out[1].numpy()))

    def jax_bench(jit: bool) -> Bench:
        jax = _libs.jax()
        import jax.numpy as jnp

        step = jax.value_and_grad(lambda x: jnp.sum(chain(x, jnp.tanh, jnp.sin)))
        if jit:
            step = jax.jit(step)
        xj = jnp.asarray(x)
        return Bench(
            lambda: jax.block_until_ready(step(xj)),
            lambda out: (float(out[0]), np.asarray(out[1])),
            compiles=jit,
        )

    return Case(
        floor=Bench(lambda: numpy_forward(x)),
        expected=handwritten(x),
        floor_expected=numpy_forward(x),
        impls={
            "hand-written": lambda: Bench(lambda: handwritten(x)),
            "autodiff": autodiff,
            "autograd": autograd,
            "mygrad": mygrad,
            "torch": torch,
            "jax": lambda: jax_bench(jit=False),
            "jax.jit": lambda: jax_bench(jit=True),
        },
        units=OPS,
        unit="op",
        sizes={"ops": OPS, "size": SIZE},
        not_applicable=NOT_APPLICABLE,
    )
