"""The Markdown report of a benchmark run (``results.md``), from its JSON data."""

from __future__ import annotations

from typing import Any

__all__ = ["format_ratio", "format_seconds", "markdown"]

STATUS_CELL = {"n/a": "n/a", "failed": "failed", "wrong": "**WRONG**"}


def format_seconds(seconds: float) -> str:
    """``1.23 s``, ``45.6 ms``, ``7.89 µs``, ``120 ns``: three significant digits."""
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        text = f"{seconds / scale:.3g}"
        if float(text) >= 1:  # after rounding: 0.9996 s is "1 s", not "1e+03 ms"
            return f"{text} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_ratio(ratio: float) -> str:
    """Two decimals below 10, one below 100, none above."""
    if ratio >= 100:
        return f"{ratio:,.0f}"
    return f"{ratio:.1f}" if ratio >= 10 else f"{ratio:.2f}"


def _cell(result: dict[str, Any] | None, what: str) -> str:
    if result is None:
        return "–"  # not run (a subset was asked for)
    status = str(result.get("status", "failed"))
    if status != "ok":
        reason = str(result.get("reason", ""))
        if reason.startswith("RecursionError"):
            return reason
        return STATUS_CELL.get(status, status)
    if what == "ratio":
        text = format_ratio(result["ratio"])
        return f"{text} (floor)" if result.get("is_floor") else text
    per = result["seconds"] / result.get("units", 1)
    n = result.get("sizes", {}).get("n")
    text = format_seconds(per)
    return f"{text} (n = {n:,})" if result.get("unit") == "node" and n else text


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(data: dict[str, Any], what: str) -> list[str]:
    labels: dict[str, str] = data["libraries"]
    lines = [
        _row(["workload", "floor", *labels.values()]),
        _row(["---"] * (len(labels) + 2)),
    ]
    for w in data["workloads"]:
        floor = w["floor"]
        if what == "time" and w["floor_seconds_per_unit"] is not None:
            unit = "" if w["unit"] == "call" else f"/{w['unit']}"
            floor += f": {format_seconds(w['floor_seconds_per_unit'])}{unit}"
        cells = [_cell(w["results"].get(lib), what) for lib in labels]
        lines.append(_row([f"{w['id']} {w['name']}", floor, *cells]))
    return lines


def _w2_memory(data: dict[str, Any]) -> list[str]:
    chain = next((w for w in data["workloads"] if w["id"] == "W2"), None)
    if chain is None:
        return []
    lines = [
        "## W2: time and memory per node",
        "",
        (
            "Peak memory is the child process's peak resident set size (`ru_maxrss`), "
            "imports included; the growth per node is (peak − resident before the first "
            "run) / nodes. A step of the chain is three nodes (mul, add, tanh)."
        ),
        "",
        _row(["library", "n (steps)", "µs per node", "ratio", "peak memory", "bytes per node"]),
        _row(["---"] * 6),
    ]
    for lib, label in data["libraries"].items():
        r = chain["results"].get(lib)
        if r is None or r.get("is_floor"):
            continue
        if r.get("status") != "ok":
            lines.append(_row([label, "", _cell(r, "time"), "", "", ""]))
            continue
        n, nodes = r["sizes"]["n"], r["sizes"]["nodes"]
        growth = (r["rss_peak_mb"] - r["rss_before_mb"]) * 2**20 / nodes
        lines.append(
            _row(
                [
                    label,
                    f"{n:,}",
                    f"{r['seconds'] / nodes * 1e6:.3g}",
                    format_ratio(r["ratio"]),
                    f"{r['rss_peak_mb']:,.0f} MB",
                    f"{growth:,.0f}",
                ]
            )
        )
    return [*lines, ""]


def markdown(data: dict[str, Any]) -> str:
    """The whole report: summary, ratio and time tables, targets, notes, versions."""
    meta = data["meta"]
    machine = meta["machine"]
    load = meta["load_average_start"]
    load_end = meta["load_average_end"]
    source = meta["source"]
    quick = " (**quick mode**: smaller n, fewer repeats)" if meta["quick"] else ""
    changed = " with uncommitted changes in autodiff/" if source["autodiff_changed"] else ""
    lines = [
        "# Benchmarks: autodiff and its peers",
        "",
        (
            f"Run on {meta['date']}{quick}, {machine['cpu']}, {machine['cores']} cores, "
            f"{machine['memory_gb']} GB, {machine['implementation']} {machine['python']}. "
            f"Load average (1, 5, 15 min) {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} at "
            f"the start, {load_end[0]:.2f}, {load_end[1]:.2f}, {load_end[2]:.2f} at the end, "
            f"at most {meta['load_average_max_seen']:.2f} seen: the machine is shared, which "
            f"is why ratios are reported. The run took {meta['wall_seconds'] / 60:.0f} min, "
            f"on commit {source['commit']}{changed}."
        ),
        "",
        (
            "Every library runs in its own process, single-threaded (`OMP_NUM_THREADS=1`, "
            "`OPENBLAS_NUM_THREADS=1`, `torch.set_num_threads(1)`, XLA without "
            "multi-threaded Eigen), in float64, with the garbage collector on. After a "
            f"warm-up call, each time is the median of {meta['repeats']} repeats, each the "
            f"mean of enough calls to last ≥ {meta['min_sample_seconds']} s, and every "
            "repeat's values are checked against the hand-written reference (relative "
            f"error ≤ {meta['rtol']:g}). The floor is timed in the same process, "
            "interleaved with the library, and each ratio is library / floor from that "
            "process."
        ),
        "",
        "## Workloads",
        "",
        *(f"- **{w['id']}** {w['title']}; floor: {w['floor']}." for w in data["workloads"]),
        "",
        "## Ratio to the floor (lower is better)",
        "",
        *_table(data, "ratio"),
        "",
        "## Median times",
        "",
        "Per call, except W2 (per node: a step of the chain is three) and W4 (per operation).",
        "",
        *_table(data, "time"),
        "",
        *_w2_memory(data),
        "## Targets for autodiff (issue 5)",
        "",
        _row(["workload", "target", "measured", "met"]),
        _row(["---"] * 4),
    ]
    for w in data["workloads"]:
        met = {True: "✅ met", False: "❌ not met", None: "not checked"}[w["target_met"]]
        lines.append(_row([w["id"], w["target"], w["target_measured"], met]))
    lines += ["", "## Notes", ""]
    for w in data["workloads"]:
        for lib, r in w["results"].items():
            label = data["libraries"][lib]
            if r.get("status") != "ok":
                lines.append(f"- {w['id']} {label}: {r['status']}: {r.get('reason', '')}")
            elif r.get("note"):
                lines.append(f"- {w['id']} {label}: {r['note']}")
    lines += [
        "",
        "The issue's own measurements of the peers, on another machine, for comparison:",
        "",
    ]
    lines += [f"- {w['id']}: {w['issue_peers']}" for w in data["workloads"]]
    lines += ["", "## Versions", "", _row(["package", "version"]), _row(["---", "---"])]
    lines += [_row([name, v or "not installed"]) for name, v in data["versions"].items()]
    blas = meta.get("blas")
    if blas:
        pools = "; ".join(
            f"{b['internal_api']} {b['version']} ({b['architecture']}, {b['num_threads']} thread)"
            for b in blas
        )
        lines += ["", f"NumPy's thread pools (threadpoolctl): {pools}."]
    return "\n".join(lines) + "\n"
