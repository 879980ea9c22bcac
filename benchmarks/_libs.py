"""The libraries compared, their labels, and their single-threaded float64 set-up."""

from __future__ import annotations

import contextlib
import os
from typing import Any

__all__ = ["HANDWRITTEN", "LABELS", "LIBRARIES", "THREAD_ENV", "jax", "torch"]

#: The key of the hand-written implementation (the floor, or a column beside it).
HANDWRITTEN = "hand-written"

#: Every column of the table, in order: key -> label.
LABELS: dict[str, str] = {
    HANDWRITTEN: "hand-written",
    "autodiff": "autodiff",
    "micrograd": "micrograd",
    "autograd": "HIPS autograd",
    "mygrad": "MyGrad",
    "torch": "PyTorch",
    "jax": "JAX eager",
    "jax.jit": "jax.jit",
}

#: The libraries timed in child processes (the hand-written column comes with them).
LIBRARIES = [key for key in LABELS if key != HANDWRITTEN]

#: Set before NumPy, PyTorch or JAX is imported: one thread everywhere.
THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "JAX_PLATFORMS": "cpu",
    "JAX_ENABLE_X64": "1",
}


def check_thread_env() -> None:
    """Refuse to run unless the thread variables are set (they act only at import)."""
    missing = [name for name, value in THREAD_ENV.items() if os.environ.get(name) != value]
    if missing:
        raise RuntimeError(
            f"{', '.join(missing)} not set: run the benchmarks with `python -m benchmarks`"
        )


def torch() -> Any:
    """PyTorch on one thread, float64 by default."""
    import torch as _torch

    _torch.set_num_threads(1)
    if _torch.get_num_interop_threads() != 1:
        # RuntimeError: already started; the inter-op pool is unused here anyway
        with contextlib.suppress(RuntimeError):
            _torch.set_num_interop_threads(1)
    _torch.set_default_dtype(_torch.float64)
    return _torch


def jax() -> Any:
    """JAX on the CPU with float64 enabled."""
    import jax as _jax

    _jax.config.update("jax_enable_x64", True)
    _jax.config.update("jax_platforms", "cpu")
    return _jax
