"""Run the benchmarks: ``python -m benchmarks`` (``nox -s bench`` installs the peers first).

Every (workload, library) pair runs in its own child process with one thread for
NumPy's BLAS, PyTorch and XLA; the table, ``results.json`` and ``results.md`` follow.

    python -m benchmarks                     # everything: writes benchmarks/results.*
    python -m benchmarks --quick             # fewer repeats, smaller n: .benchmarks/quick/
    python -m benchmarks --only W1,W4 --libs autodiff,micrograd
    python -m benchmarks --profile W4        # cProfile of autodiff on one workload

The exit status is 1 when any library returned a wrong value, or autodiff failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from benchmarks import WORKLOADS
from benchmarks._child import RESULT_MARK
from benchmarks._libs import HANDWRITTEN, LABELS, LIBRARIES, THREAD_ENV

HERE = Path(__file__).parent.resolve()
ROOT = HERE.parent
QUICK_OUT = ROOT / ".benchmarks" / "quick"
DISTRIBUTIONS = [
    "autodiff-explained",
    "numpy",
    "micrograd",
    "autograd",
    "mygrad",
    "torch",
    "jax",
    "jaxlib",
    "threadpoolctl",
]


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def _machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    memory_gb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 2**20, 1)
                break
    except OSError:  # not Linux
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
    }


def _versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in DISTRIBUTIONS:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def _source() -> dict[str, Any]:
    """The commit measured, and whether autodiff/ had changes not committed yet."""

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return None
        return proc.stdout.strip()

    status = git("status", "--porcelain", "--", "autodiff")
    return {"commit": git("rev-parse", "--short", "HEAD"), "autodiff_changed": bool(status)}


def _run_child(workload: str, lib: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks._child", workload, lib]
    command += ["--repeats", str(args.repeats), "--min-time", str(args.min_time)]
    if args.quick:
        command.append("--quick")
    try:
        proc = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"status": "failed", "reason": f"timed out after {args.timeout:.0f} s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if not lines:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        _say(f"  child exited with {proc.returncode}:\n{tail}")
        return {"status": "failed", "reason": f"the process exited with {proc.returncode}"}
    result: dict[str, Any] = json.loads(lines[-1][len(RESULT_MARK) :])
    if result["status"] in ("wrong", "failed") and proc.stderr.strip():
        _say("\n".join(proc.stderr.strip().splitlines()[-15:]))
    return result


def _describe(result: dict[str, Any]) -> str:
    status = result["status"]
    if status != "ok":
        return f"{status}: {result.get('reason', '')}"
    per = result["seconds"] / result.get("units", 1)
    unit = result.get("unit", "call")
    return f"{result['ratio']:.3g}× the floor, {per * 1e6:,.3g} µs/{unit}"


def run_workload(workload: str, args: argparse.Namespace) -> dict[str, Any]:
    module = importlib.import_module(f"benchmarks.{WORKLOADS[workload]}")
    results: dict[str, dict[str, Any]] = {}
    for lib in LABELS:
        if lib == HANDWRITTEN and module.HANDWRITTEN_IS_FLOOR:
            continue  # filled in from the floors below
        if lib != HANDWRITTEN and lib not in args.libs:
            continue
        if lib in module.NOT_APPLICABLE:
            results[lib] = {"status": "n/a", "reason": module.NOT_APPLICABLE[lib]}
            continue
        started = time.perf_counter()
        result = _run_child(workload, lib, args)
        results[lib] = result
        _say(
            f"{workload} {LABELS[lib]:14} {_describe(result)}  [{time.perf_counter() - started:.0f} s]"
        )
        if result["status"] == "wrong":
            _say(f"!!! {workload} {LABELS[lib]} returned a WRONG result: {result['reason']}")

    timed = [r for r in results.values() if r.get("status") == "ok"]
    floor_per_unit = (
        statistics.median(r["floor_seconds"] / r.get("units", 1) for r in timed) if timed else None
    )
    if module.HANDWRITTEN_IS_FLOOR and floor_per_unit is not None:
        results = {
            HANDWRITTEN: {
                "status": "ok",
                "is_floor": True,
                "seconds": floor_per_unit,
                "units": 1,
                "unit": timed[0].get("unit", "call"),
                "ratio": 1.0,
            },
            **results,
        }
    # The target as a ratio to the floor, for the plot: W2, W4 and W6 set a time.
    target_ratio = getattr(module, "TARGET_RATIO", None)
    if target_ratio is None and floor_per_unit:
        target_ratio = module.TARGET_SECONDS / floor_per_unit
    met, measured = (None, "autodiff not run")
    if "autodiff" in results:
        met, measured = module.target(results, args.quick)
    return {
        "id": workload,
        "name": module.NAME,
        "title": module.TITLE,
        "floor": module.FLOOR,
        "floor_is_handwritten": module.HANDWRITTEN_IS_FLOOR,
        "floor_seconds_per_unit": floor_per_unit,
        "unit": timed[0].get("unit", "call") if timed else "call",
        "target": module.TARGET,
        "target_ratio": target_ratio,
        "target_met": met,
        "target_measured": measured,
        "issue_peers": module.ISSUE_PEERS,
        "results": results,
    }


def _profile(workload: str, calls: int, quick: bool) -> int:
    command = [sys.executable, "-m", "benchmarks._child", workload, "autodiff"]
    command += ["--profile", str(calls)] + (["--quick"] if quick else [])
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="3 repeats, smaller n")
    parser.add_argument("--only", default=",".join(WORKLOADS), help="workloads, e.g. W1,W4")
    parser.add_argument(
        "--libs", default=",".join(LIBRARIES), help="libraries, e.g. autodiff,torch"
    )
    parser.add_argument("--repeats", type=int, help="timed repeats (default 7, quick 3)")
    parser.add_argument("--min-time", type=float, help="seconds per sample (default 0.2)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per child")
    parser.add_argument("--out", type=Path, help="output folder (default benchmarks/)")
    parser.add_argument("--profile", metavar="W", help="cProfile autodiff on workload W")
    parser.add_argument("--calls", type=int, default=5, help="calls to profile")
    args = parser.parse_args(argv)

    # One thread everywhere; the children inherit this (it acts only at import).
    os.environ.update(THREAD_ENV)
    if args.profile:
        return _profile(args.profile, args.calls, args.quick)

    from benchmarks._report import markdown

    args.libs = [lib.strip() for lib in args.libs.split(",")]
    if unknown := set(args.libs) - set(LIBRARIES):
        parser.error(f"unknown libraries {sorted(unknown)}; choose from {LIBRARIES}")
    workloads = [w.strip().upper() for w in args.only.split(",")]
    if unknown := set(workloads) - set(WORKLOADS):
        parser.error(f"unknown workloads {sorted(unknown)}; choose from {list(WORKLOADS)}")
    args.repeats = args.repeats or (3 if args.quick else 7)
    args.min_time = args.min_time or (0.05 if args.quick else 0.2)
    out: Path = args.out or (QUICK_OUT if args.quick else HERE)

    started = time.perf_counter()
    meta: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "repeats": args.repeats,
        "min_sample_seconds": args.min_time,
        "rtol": 1e-8,
        "machine": _machine(),
        "source": _source(),
        "load_average_start": list(os.getloadavg()),
        "threads": THREAD_ENV,
        "gc": "on",
    }
    versions = _versions()
    _say(f"benchmarks: {', '.join(workloads)} on {', '.join(args.libs)}; results in {out}")
    report = [run_workload(w, args) for w in workloads]
    meta["load_average_end"] = list(os.getloadavg())
    meta["load_average_max_seen"] = max(
        [meta["load_average_start"][0], meta["load_average_end"][0]]
        + [
            r["load_average_start"][0]
            for w in report
            for r in w["results"].values()
            if "load_average_start" in r
        ]
    )
    meta["wall_seconds"] = round(time.perf_counter() - started, 1)
    blas = [r["blas"] for w in report for r in w["results"].values() if r.get("blas")]
    meta["blas"] = blas[0] if blas else None
    data = {"meta": meta, "versions": versions, "libraries": LABELS, "workloads": report}

    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    text = markdown(data)
    (out / "results.md").write_text(text)
    sys.stdout.write("\n" + text)
    _say(f"wrote {out / 'results.json'} and {out / 'results.md'} in {meta['wall_seconds']:.0f} s")

    wrong = [
        f"{w['id']} {lib}"
        for w in report
        for lib, r in w["results"].items()
        if r.get("status") == "wrong"
    ]
    broken = [w["id"] for w in report if w["results"].get("autodiff", {}).get("status") == "failed"]
    if wrong:
        _say(f"FAILED: wrong results from {', '.join(wrong)}")
    if broken:
        _say(f"FAILED: autodiff failed on {', '.join(broken)}")
    return 1 if wrong or broken else 0


if __name__ == "__main__":
    sys.exit(main())
