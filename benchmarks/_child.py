"""One measurement in a fresh process: one workload, one library.

``python -m benchmarks`` starts one child per (workload, library), with the thread
variables set, so that every library starts from a clean process (its own imports, its
own peak memory, no garbage left by another). The child prints one line
``RESULT {json}`` on stdout.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import traceback
from typing import Any

from benchmarks._libs import check_thread_env

RESULT_MARK = "RESULT "


def _module(workload: str) -> Any:
    from benchmarks import WORKLOADS

    return importlib.import_module(f"benchmarks.{WORKLOADS[workload]}")


def _blas_info() -> list[dict[str, Any]]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover - threadpoolctl is installed by nox -s bench
        return []
    keys = ("user_api", "internal_api", "version", "num_threads", "architecture")
    return [{k: info.get(k) for k in keys} for info in threadpool_info()]


def _profile(workload: str, lib: str, quick: bool, calls: int) -> None:
    import cProfile
    import pstats

    case = _module(workload).case(quick, lib)
    bench = case.impls[lib]()
    bench.run()  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        bench.run()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._child")
    parser.add_argument("workload")
    parser.add_argument("lib")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--min-time", type=float, default=0.2)
    parser.add_argument("--profile", type=int, default=0, metavar="CALLS")
    args = parser.parse_args(argv)
    check_thread_env()  # before NumPy is imported
    if args.profile:
        _profile(args.workload, args.lib, args.quick, args.profile)
        return 0

    from benchmarks._harness import NotApplicable, WrongResult, measure

    load = os.getloadavg()
    result: dict[str, Any] = {"load_average_start": list(load)}
    started = time.perf_counter()
    n: Any = None
    try:
        case = _module(args.workload).case(args.quick, args.lib)
        n = case.sizes.get("n")
        bench = case.impls[args.lib]()
        result.update(
            measure(
                bench,
                case.floor,
                case.expected,
                case.expected if case.floor_expected is None else case.floor_expected,
                repeats=args.repeats,
                min_time=args.min_time,
                label=f"{args.workload} {args.lib}",
            )
        )
        result.update(units=case.units, unit=case.unit, sizes=case.sizes)
        if args.lib in case.notes:
            result["note"] = case.notes[args.lib]
    except NotApplicable as error:
        result.update(status="n/a", reason=str(error))
    except WrongResult as error:
        traceback.print_exc()
        result.update(status="wrong", reason=str(error))
    except RecursionError:
        where = f" at n = {n:,}" if isinstance(n, int) else ""
        result.update(status="failed", reason=f"RecursionError{where}")
    except Exception as error:  # noqa: BLE001  (a peer's failure is a result, not a crash)
        traceback.print_exc()
        result.update(status="failed", reason=f"{type(error).__name__}: {error}"[:300])
    result["wall_seconds"] = time.perf_counter() - started
    if args.lib == "autodiff":
        result["blas"] = _blas_info()
    sys.stdout.write(RESULT_MARK + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
