"""W2: a deep chain ``y = (y*0.5 + 0.25).tanh()`` n times, then backward.

Three nodes per step (mul, add, tanh), one long path: it tests the per-node cost of
recording and of the backward walk, the memory each recorded node keeps alive, and
whether the walk is iterative (a recursive one overflows the stack).

Reported per node, a step being three nodes. That is how the issue counts: the peers'
figures it quotes (autograd 24 µs/node, torch 10 µs/node) are a third of their time per
step; this suite's runs measure autograd at 24–28 µs and torch at 8–10 µs per node.

The gradient ``∏ 0.5·(1 - tanhᵢ²)`` underflows to 0 after ~800 steps, so at full size
only the value is a real check; each library is therefore also checked at n = 30,
where the gradient is ~1e-12 and every factor counts.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from benchmarks import _libs
from benchmarks._harness import Bench, Case, assert_close

ID = "W2"
NAME = "deep chain"
TITLE = "deep chain y = (y*0.5 + 0.25).tanh(), n times, backward"
FLOOR = "pure Python"
HANDWRITTEN_IS_FLOOR = True
TARGET = "n = 1e6 works; ≤ 2 µs per node; peak memory < 1 GB"
TARGET_SECONDS = 2e-6  # per node
ISSUE_PEERS = (
    "micrograd: RecursionError at n = 1,000; autograd 24 µs/node, "
    "torch 10 µs/node and 3.3 GB at n = 1e6"
)
NOT_APPLICABLE: dict[str, str] = {}

X0 = 0.3
NODES_PER_STEP = 3  # y*0.5, + 0.25, tanh
N_FULL = 1_000_000
N_QUICK = 10_000
N_CHECK = 30
#: Libraries run at another size than N_FULL (per node, the time hardly depends on n),
#: and why: at 1e6 a peer that takes tens of µs per node would need hours for 8 runs.
N_OTHER = {"micrograd": 1_000, "autograd": 100_000, "mygrad": 100_000, "jax": 10_000}
N_OTHER_QUICK = {"micrograd": 1_000, "jax": 1_000}
N_OTHER_WHY = {
    "micrograd": "its recursive topological sort overflows Python's stack (limit 1,000 frames)",
    "autograd": "about 24 µs per node: 8 runs of 1e6 nodes would take about 3 minutes",
    "mygrad": "about 50 µs per node: 8 runs of 1e6 nodes would take about 6 minutes",
    "jax": "each operation is traced and dispatched eagerly, hundreds of µs per node",
}


def python_floor(x: float, n: int) -> tuple[float, float]:
    """The value and dy/dx in pure Python: the tanh outputs kept, then one backward loop."""
    tanh = math.tanh
    ts = [0.0] * n
    y = x
    for i in range(n):
        y = tanh(y * 0.5 + 0.25)
        ts[i] = y
    g = 1.0
    for t in reversed(ts):
        g *= (1.0 - t * t) * 0.5
    return y, g


def target(results: dict[str, Any], quick: bool) -> tuple[bool | None, str]:
    """n = 1e6 works, ≤ 2 µs per node, peak memory < 1 GB."""
    ours = results["autodiff"]
    if ours.get("status") != "ok":
        return False, f"autodiff {ours.get('reason', ours.get('status'))}"
    n = ours["sizes"]["n"]
    per_node = ours["seconds"] / ours["sizes"]["nodes"] * 1e6
    peak = ours["rss_peak_mb"]
    text = f"n = {n:,}: {per_node:.2f} µs/node ({per_node * NODES_PER_STEP:.2f} µs/step), peak {peak:,.0f} MB"
    if n < N_FULL:
        return None, text + " (n = 1e6 not run in quick mode)"
    return per_node <= TARGET_SECONDS * 1e6 and peak < 1024.0, text


def case(quick: bool, lib: str) -> Case:
    n = (N_OTHER_QUICK if quick else N_OTHER).get(lib, N_QUICK if quick else N_FULL)
    expected = python_floor(X0, n)

    def checked(make: Any) -> Bench:
        """The library's bench at size n, after a check of its gradient at n = 30."""
        small = make(N_CHECK)
        assert_close(small.result(small.run()), python_floor(X0, N_CHECK), f"W2 {lib} n=30")
        return make(n)  # type: ignore[no-any-return]

    def autodiff(n: int) -> Bench:
        import autodiff as ad

        def run() -> Any:
            x = ad.Variable(X0)
            y = x
            for _ in range(n):
                y = (y * 0.5 + 0.25).tanh()
            y.backward()
            return y.value, x.grad

        return Bench(run)

    def micrograd(n: int) -> Bench:
        from micrograd.engine import Value

        def tanh(v: Value) -> Value:
            # micrograd 0.1.0 has no tanh: added as in its lecture, with a closure
            t = math.tanh(v.data)
            out = Value(t, (v,), "tanh")

            def _backward() -> None:
                v.grad += (1.0 - t * t) * out.grad

            out._backward = _backward
            return out

        def run() -> Any:
            x = Value(X0)
            y = x
            for _ in range(n):
                y = tanh(y * 0.5 + 0.25)
            y.backward()
            return y.data, x.grad

        return Bench(run)

    def autograd(n: int) -> Bench:
        import autograd.numpy as anp
        from autograd import value_and_grad

        def chain(x: Any) -> Any:
            y = x
            for _ in range(n):
                y = anp.tanh(y * 0.5 + 0.25)
            return y

        step = value_and_grad(chain)
        return Bench(lambda: step(X0), lambda out: (float(out[0]), float(out[1])))

    def mygrad(n: int) -> Bench:
        import mygrad as mg

        def run() -> Any:
            x = mg.tensor(X0)
            y = x
            for _ in range(n):
                y = mg.tanh(y * 0.5 + 0.25)
            y.backward()
            return y, x.grad

        return Bench(run, lambda out: (float(out[0]), float(out[1])))

    def torch(n: int) -> Bench:
        torch = _libs.torch()

        def run() -> Any:
            x = torch.tensor(X0, requires_grad=True)
            y = x
            for _ in range(n):
                y = (y * 0.5 + 0.25).tanh()
            y.backward()
            return y, x.grad

        return Bench(run, lambda out: (out[0].item(), out[1].item()))

    def jax_eager(n: int) -> Bench:
        jax = _libs.jax()
        import jax.numpy as jnp

        def chain(x: Any) -> Any:
            y = x
            for _ in range(n):
                y = jnp.tanh(y * 0.5 + 0.25)
            return y

        step = jax.value_and_grad(chain)
        x = jnp.asarray(X0)
        return Bench(
            lambda: jax.block_until_ready(step(x)), lambda out: (float(out[0]), float(out[1]))
        )

    def jax_jit(n: int) -> Bench:
        jax = _libs.jax()
        import jax.numpy as jnp

        def chain(x: Any) -> Any:
            def body(y: Any, _: Any) -> tuple[Any, None]:
                return jnp.tanh(y * 0.5 + 0.25), None

            return jax.lax.scan(body, x, None, length=n)[0]

        step = jax.jit(jax.value_and_grad(chain))
        x = jnp.asarray(X0)
        return Bench(
            lambda: jax.block_until_ready(step(x)),
            lambda out: (float(out[0]), float(out[1])),
            compiles=True,
        )

    makers = {
        "autodiff": autodiff,
        "micrograd": micrograd,
        "autograd": autograd,
        "mygrad": mygrad,
        "torch": torch,
        "jax": jax_eager,
        "jax.jit": jax_jit,
    }
    notes = {
        "jax.jit": "written as a lax.scan: a Python loop of 1e6 steps cannot be compiled",
    }
    if lib in (N_OTHER_QUICK if quick else N_OTHER):
        notes[lib] = f"n = {n:,}: {N_OTHER_WHY[lib]}"
    return Case(
        floor=Bench(lambda: python_floor(X0, n)),
        expected=expected,
        impls={key: functools.partial(checked, make) for key, make in makers.items()},
        units=NODES_PER_STEP * n,
        unit="node",
        sizes={"n": n, "nodes": NODES_PER_STEP * n},
        notes=notes,
    )
