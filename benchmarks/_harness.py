"""Timing, checking and the shape of a workload: what every benchmark child shares.

A *case* is one workload at one size: the hand-written floor (the denominator of every
ratio), the reference values that every result is checked against, and, per library,
a factory that builds the timed function. Libraries are imported inside the factories,
so a child process imports only the library it measures.
"""

from __future__ import annotations

import gc
import math
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "Bench",
    "Case",
    "NotApplicable",
    "WrongResult",
    "assert_close",
    "measure",
    "peak_rss_mb",
]

#: Relative tolerance of the value checks: float64 results of different summation
#: orders agree to ~1e-13, a wrong gradient is off by far more.
RTOL = 1e-8


class WrongResult(AssertionError):
    """A library returned a value that disagrees with the hand-written reference."""


class NotApplicable(Exception):
    """The library cannot express the workload; the message says why."""


@dataclass
class Bench:
    """A timed function and the conversion of its output for the check.

    ``run`` does the whole measured work (forward and backward) and returns the
    library's own objects; ``result`` turns them into floats and NumPy arrays, outside
    the timed region.
    """

    run: Callable[[], Any]
    result: Callable[[Any], Any] = field(default=lambda out: out)
    #: The first call compiles (jax.jit): it is not a guide to the time of the others.
    compiles: bool = False


@dataclass
class Case:
    """One workload at one size.

    ``floor`` is the denominator of the ratios; ``expected`` the reference values (from
    a hand-written implementation; ``floor_expected`` for the floor's own output when
    it is a forward pass only); ``impls`` maps a library key to a factory of its
    :class:`Bench`. ``units`` converts seconds per call to the reported unit (e.g. the
    number of nodes for W2, so the report shows µs per node).
    """

    floor: Bench
    expected: Any
    impls: dict[str, Callable[[], Bench]]
    #: What the floor returns, when it computes less than the libraries (W4, W5).
    floor_expected: Any = None
    units: float = 1.0
    unit: str = "call"
    sizes: dict[str, Any] = field(default_factory=dict)
    not_applicable: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def _leaves(x: Any) -> Iterable[Any]:
    """The arrays and numbers in nested lists, tuples and dicts; a list of numbers is one."""
    if isinstance(x, list | tuple) and x and all(isinstance(v, int | float) for v in x):
        yield np.asarray(x, dtype=np.float64)
    elif isinstance(x, list | tuple):
        for item in x:
            yield from _leaves(item)
    elif isinstance(x, dict):
        for key in sorted(x):
            yield from _leaves(x[key])
    else:
        yield x


def assert_close(actual: Any, expected: Any, what: str, rtol: float = RTOL) -> float:
    """Check every leaf of ``actual`` against ``expected``; return the worst relative error.

    The error of an element is measured against the largest magnitude of its leaf, so
    elements near zero do not blow up the relative error. Raises :class:`WrongResult`.
    """
    got, want = list(_leaves(actual)), list(_leaves(expected))
    if len(got) != len(want):
        raise WrongResult(f"{what}: {len(got)} results, expected {len(want)}")
    worst = 0.0
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        g_arr = np.asarray(g, dtype=np.float64)
        w_arr = np.asarray(w, dtype=np.float64)
        if g_arr.shape != w_arr.shape:
            if g_arr.size == w_arr.size == 1:
                g_arr, w_arr = g_arr.reshape(()), w_arr.reshape(())
            else:
                raise WrongResult(f"{what}[{k}]: shape {g_arr.shape}, expected {w_arr.shape}")
        if not np.all(np.isfinite(g_arr)):
            raise WrongResult(f"{what}[{k}]: not finite")
        scale = float(np.max(np.abs(w_arr), initial=0.0)) or 1.0
        err = float(np.max(np.abs(g_arr - w_arr), initial=0.0)) / scale
        if not err <= rtol:
            raise WrongResult(
                f"{what}[{k}]: relative error {err:.3g} > {rtol:g} (shape {w_arr.shape})"
            )
        worst = max(worst, err)
    return worst


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MB (Linux: ru_maxrss in KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 2**20


def _sample(bench: Bench, number: int) -> tuple[float, Any]:
    """Seconds per call over ``number`` calls, and the last call's output. GC stays on."""
    run = bench.run
    start = time.perf_counter()
    for _ in range(number):
        out = run()
    return (time.perf_counter() - start) / number, out


def measure(
    bench: Bench,
    floor: Bench,
    expected: Any,
    floor_expected: Any,
    *,
    repeats: int,
    min_time: float,
    label: str,
) -> dict[str, Any]:
    """Time ``bench`` and ``floor`` interleaved, every repeat checked against ``expected``.

    One warm-up call of each (the library's peak memory is read after its own warm-up),
    then ``repeats`` samples of each, alternating floor and library, so both see the
    same machine load. A sample is the mean over enough calls to last ``min_time``;
    each floor sample follows one untimed floor call.
    """
    rss_before = peak_rss_mb()
    t_first, out = _sample(bench, 1)
    rss_peak = peak_rss_mb()
    worst = assert_close(bench.result(out), expected, f"{label} (warm-up)")
    t_floor_first, out = _sample(floor, 1)
    assert_close(floor.result(out), floor_expected, "floor (warm-up)")

    # A warm-up call of seconds is its own calibration; a shorter one (it may include
    # one-off set-up), or one that compiled, is followed by a second call to calibrate.
    t_call = t_first
    if bench.compiles or t_first < max(min_time, 2.0):
        t_call, out = _sample(bench, 1)
        assert_close(bench.result(out), expected, label)
    t_floor_call = t_floor_first
    if t_floor_first < max(min_time, 2.0):
        t_floor_call, _ = _sample(floor, 1)
    number = max(1, math.ceil(min_time / max(t_call, 1e-9)))
    number_floor = max(1, math.ceil(min_time / max(t_floor_call, 1e-9)))

    times: list[float] = []
    floor_times: list[float] = []
    for r in range(repeats):
        gc.collect()
        # One untimed call first: the first floor call after a library that freed GBs
        # (PyTorch in W2) pays for faulting the memory back in, up to 20× its time here.
        floor.run()
        t, out = _sample(floor, number_floor)
        assert_close(floor.result(out), floor_expected, f"floor (repeat {r})")
        floor_times.append(t)
        gc.collect()
        t, out = _sample(bench, number)
        worst = max(worst, assert_close(bench.result(out), expected, f"{label} (repeat {r})"))
        times.append(t)
    return {
        "status": "ok",
        "seconds": statistics.median(times),
        "floor_seconds": statistics.median(floor_times),
        "ratio": statistics.median(times) / statistics.median(floor_times),
        "times": times,
        "floor_times": floor_times,
        "number": number,
        "number_floor": number_floor,
        "first_call_seconds": t_first,
        "floor_first_call_seconds": t_floor_first,
        "rss_before_mb": rss_before,
        "rss_peak_mb": rss_peak,
        "max_rel_error": worst,
    }
