#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2024.10.9"]
# ///
"""Development tasks: ``nox -l`` lists them, ``nox -s NAME`` runs one.

The sessions work with the plain virtualenv backend (no uv needed): ``uv`` is used
only when it is on PATH.

Interpreters are found by running them, not by their names on PATH: a pyenv shim
for a version that pyenv does not have selected is on PATH but cannot run, and a
session on it would be skipped (exit 0) with nothing done.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import nox

nox.needs_version = ">=2024.10.9"
# uv when it is installed, else virtualenv (nox's dependency).
nox.options.default_venv_backend = "uv" if shutil.which("uv") else "virtualenv"


class _QuietWithoutUv(logging.Filter):
    """Drop nox's "uv binary not found." notice: without uv, virtualenv is used."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "uv binary not found."


# nox looks for uv whenever it makes a virtualenv, whichever backend is chosen.
logging.getLogger("nox").addFilter(_QuietWithoutUv())
# Every interpreter a session names was found running (below), so one that nox cannot
# find is an error, never a silent skip; and nox downloads no Python.
nox.options.error_on_missing_interpreters = True
if hasattr(nox.options, "download_python"):  # nox >= 2025.02.09
    nox.options.download_python = "never"

ROOT = Path(__file__).parent.resolve()
DOCS = ROOT / "docs"
DOCS_HTML = DOCS / "_build" / "html"
DIST = ROOT / "dist"
# The docs toolchain, pinned for Python 3.11-3.13: `nox -s lock` writes it.
DOCS_LOCK = ROOT / "constraints" / "docs.txt"

PYTHONS = ["3.11", "3.12", "3.13"]
_RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"  # the Python that runs nox
_PROBE = "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.executable)"


def _run_python(command: list[str], version: str) -> tuple[str | None, str]:
    """Run ``command`` as Python: its executable if it is Python ``version``, and why not."""
    try:
        result = subprocess.run(
            [*command, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return None, str(exc)
    lines = result.stdout.splitlines()
    if result.returncode == 0 and len(lines) == 2 and lines[0] == version:
        return lines[1], ""
    why = (result.stderr.strip().splitlines() or [f"exit code {result.returncode}"])[0]
    return None, f"{' '.join(command)} does not run ({why})"


def _find_pythons(versions: list[str]) -> tuple[dict[str, str], list[str]]:
    """The interpreters of ``versions`` that run, by version, and notes on those that fail."""
    found: dict[str, str] = {}
    notes: list[str] = []
    for version in versions:
        candidates: list[list[str]] = []
        if version == _RUNNING:
            candidates.append([sys.executable])
        if path := shutil.which(f"python{version}"):
            candidates.append([path])
        if sys.platform == "win32" and (launcher := shutil.which("py")):
            candidates.append([launcher, f"-{version}"])
        for command in candidates:
            executable, why = _run_python(command, version)
            if executable:
                found[version] = executable
                break
            notes.append(why)
    return found, notes


INTERPRETERS, _BROKEN = _find_pythons(PYTHONS)
TEST_PYTHONS = list(INTERPRETERS)
# Python 3.13 as on Read the Docs (.readthedocs.yaml) when it runs; else the Python that
# runs nox (if supported); else the newest supported one that runs.
DOCS_PYTHON: str | None = INTERPRETERS.get("3.13") or (
    sys.executable if _RUNNING in INTERPRETERS else next(reversed(INTERPRETERS.values()), None)
)
# The other tool sessions use the Python that runs nox when it is supported.
TOOLS_PYTHON: str | None = None if _RUNNING in INTERPRETERS else DOCS_PYTHON


def _need_python(session: nox.Session) -> None:
    """Fail, saying what to install, if no supported Python runs here."""
    if INTERPRETERS:
        return
    lines = [
        f"no Python {', '.join(PYTHONS)} runs on this machine (nox runs on {_RUNNING}).",
        *(f"  {note}" for note in _BROKEN),
        "Install one, e.g. Python 3.13 from https://www.python.org/downloads/,",
        "`sudo apt-get install python3.13`, `brew install python@3.13`,",
        "`uv python install 3.13` or `pyenv install 3.13`; with pyenv, make the versions",
        "you have visible with `pyenv global 3.13.0 3.12.1 3.11.7` (your versions)",
    ]
    session.error("\n".join(lines))


def _need_dot(session: nox.Session) -> None:
    """Fail, with the install line for this platform, if Graphviz's ``dot`` is missing."""
    if shutil.which("dot"):
        return
    install = {
        "darwin": "brew install graphviz",
        "win32": "winget install graphviz   (or: choco install graphviz)",
    }.get(
        sys.platform,
        "sudo apt-get install graphviz   (Debian/Ubuntu; Fedora: sudo dnf install graphviz)",
    )
    session.error(
        "Graphviz's `dot` is not on PATH; the docs draw the computational graphs with it.\n"
        f"  Install it: {install}\n"
        "  or with conda: conda install -c conda-forge graphviz\n"
        "then run this command again."
    )


def _docs_install(session: nox.Session, *targets: str) -> None:
    """Install ``targets`` with the docs toolchain pinned by constraints/docs.txt."""
    session.install("-c", str(DOCS_LOCK), *targets)


# With no supported Python the sessions below make no virtualenv: they stop at once
# with a message that says what to install (_need_python).
_NO_PYTHON_BACKEND = None if INTERPRETERS else "none"


@nox.session(python=TEST_PYTHONS or None, venv_backend=_NO_PYTHON_BACKEND)
def tests(session: nox.Session) -> None:
    """Run the test suite and the doctests: ``nox -s tests-3.13 -- -k dual``.

    One session for each of Python 3.11, 3.12 and 3.13 that runs on this machine
    (``nox -l`` lists them); with none, the session fails and says what to install.
    The install is editable so that pytest's ``--doctest-modules`` (configured in
    pyproject.toml) imports the same ``autodiff`` files as the tests do.
    """
    _need_python(session)
    if missing := [version for version in PYTHONS if version not in INTERPRETERS]:
        session.warn(
            f"not testing on Python {', '.join(missing)}: not found running here"
            + "".join(f"; {note}" for note in _BROKEN)
        )
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session(python=DOCS_PYTHON, venv_backend=_NO_PYTHON_BACKEND)
def docs(session: nox.Session) -> None:
    """Build the docs site (every notebook executed) into docs/_build/html.

    Warnings are errors. ``nox -s docs -- --serve`` serves it instead, rebuilding
    and reloading the page whenever a file in docs/ or autodiff/ changes. The docs
    toolchain is pinned by constraints/docs.txt (``nox -s lock`` refreshes it).
    """
    _need_python(session)
    _need_dot(session)
    _docs_install(session, "-e", ".[docs]")
    serve = "--serve" in session.posargs
    args = [arg for arg in session.posargs if arg != "--serve"]
    if serve:
        session.run(
            "sphinx-autobuild",
            "-n",
            "--keep-going",
            "--watch",
            str(ROOT / "autodiff"),
            # myst-nb writes the executed notebooks next to the HTML: not a change
            "--ignore",
            str(DOCS / "_build"),
            *args,
            str(DOCS),
            str(DOCS_HTML),
        )
        return
    # A fresh build every time: an incremental one would stay silent about
    # warnings in pages that did not change.
    shutil.rmtree(DOCS / "_build", ignore_errors=True)
    session.run(
        "sphinx-build",
        "-n",
        "-W",
        "--keep-going",
        "-b",
        "html",
        *args,
        str(DOCS),
        str(DOCS_HTML),
    )
    session.log(f"Docs built: {DOCS_HTML / 'index.html'}")


# What requests says when it cannot reach a host at all: no network, no DNS, a proxy
# that refuses, a timeout. A link that fails this way is reported, not failed.
_UNREACHABLE = re.compile(
    r"NameResolutionError|Failed to resolve|Temporary failure in name resolution"
    r"|Max retries exceeded|Failed to establish a new connection|Network is unreachable"
    r"|Connection refused|ConnectTimeout|ReadTimeout|timed out|ProxyError"
    r"|RemoteDisconnected|Connection aborted|Connection reset"
)


@nox.session(python=DOCS_PYTHON, venv_backend=_NO_PYTHON_BACKEND, default=False)
def linkcheck(session: nox.Session) -> None:
    """Check the docs' links: every internal one must resolve; external ones are tried.

    Sphinx's ``linkcheck`` builder reads every page (the notebooks are not executed:
    cell outputs hold no hand-written links) into docs/_build/linkcheck. The session
    fails on a warning (a cross-reference, a page or an anchor that does not resolve)
    and on an external link that answers with an error (such as 404). An external link
    that cannot be reached at all (no network, a timeout) is listed but does not fail
    the session, so it passes offline. Not part of the default ``nox`` run.
    """
    _need_python(session)
    _docs_install(session, "-e", ".[docs]")
    out = DOCS / "_build" / "linkcheck"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    warnings_file = out / "warnings.txt"
    # Exit code 1 means "some link is broken": sorted out below from output.json.
    session.run(
        "sphinx-build",
        "-b",
        "linkcheck",
        "-n",
        "--keep-going",
        "-D",
        "nb_execution_mode=off",
        # Not executed, a page has no kernel to name its language: no lexer is not a problem.
        "-D",
        "suppress_warnings=myst-nb.lexer,config.cache",
        "-d",
        str(out / "doctrees"),
        "-w",
        str(warnings_file),
        *session.posargs,
        str(DOCS),
        str(out),
        success_codes=[0, 1],
    )
    results_file = out / "output.json"
    if not results_file.exists():
        session.error(f"linkcheck wrote no {results_file.relative_to(ROOT)}: see the log above")
    results = [json.loads(line) for line in results_file.read_text("utf-8").splitlines()]
    broken = [r for r in results if r["status"] == "broken" and not _UNREACHABLE.search(r["info"])]
    unreachable = [
        r
        for r in results
        if r["status"] == "timeout" or (r["status"] == "broken" and _UNREACHABLE.search(r["info"]))
    ]
    working = [r for r in results if r["status"] in ("working", "redirected")]

    def where(r: dict[str, Any]) -> str:
        return f"docs/{r['filename']}:{r['lineno']}: {r['uri']}"

    session.log(
        f"{len(working)} external link(s) working, {len(unreachable)} not reached, "
        f"{len(broken)} broken"
    )
    if unreachable:
        by_uri: dict[str, str] = {}
        for r in unreachable:
            found = _UNREACHABLE.search(r["info"])
            by_uri.setdefault(r["uri"], found.group(0) if found else r["status"])
        session.warn(
            f"{len(by_uri)} external URL(s) not reached (no network?); not a failure:\n"
            + "\n".join(f"  {uri} ({why})" for uri, why in sorted(by_uri.items()))
        )
    for r in results:
        if r["status"] == "redirected":
            session.log(f"redirected: {where(r)} -> {r['info']}")
    warnings = warnings_file.read_text("utf-8").strip() if warnings_file.exists() else ""
    problems = []
    if warnings:
        problems.append(f"warnings (broken internal links or references):\n{warnings}")
    if broken:
        lines = "\n".join(f"  {where(r)}: {r['info']}" for r in broken)
        problems.append(f"broken external links:\n{lines}")
    if problems:
        session.error("\n".join(problems))


@nox.session(python=DOCS_PYTHON, venv_backend=_NO_PYTHON_BACKEND, default=False)
def rtd(session: nox.Session) -> None:
    """Build the docs the way Read the Docs does (its install steps, its command)."""
    _need_python(session)
    _need_dot(session)
    # .readthedocs.yaml: the pinned toolchain first, then the package with its extra.
    session.install("-r", str(DOCS_LOCK))
    session.install(".[docs]")
    out = Path(session.create_tmp()).resolve() / "html"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(DOCS / "_build" / "doctrees", ignore_errors=True)
    session.chdir(DOCS)
    session.run(
        "python",
        "-m",
        "sphinx",
        "-T",
        "-W",
        "--keep-going",
        "-b",
        "html",
        "-d",
        "_build/doctrees",
        "-D",
        "language=en",
        *session.posargs,
        ".",
        str(out),
    )
    session.log(f"Docs built: {out / 'index.html'}")


@nox.session(python=DOCS_PYTHON, venv_backend=_NO_PYTHON_BACKEND, default=False)
def lock(session: nox.Session) -> None:
    """Refresh constraints/docs.txt, the pinned docs toolchain, for Python 3.11-3.13.

    uv resolves the ``docs`` extra of pyproject.toml once for all three versions, to
    the newest releases (where a release needs a newer Python, an environment marker
    pins an older one for the older Pythons); arguments after ``--`` go to
    ``uv pip compile``. Then run ``nox -s docs rtd`` on the Pythons you have, to check
    the new pins before committing them.
    """
    _need_python(session)
    session.install("uv")
    session.run(
        "uv",
        "pip",
        "compile",
        "pyproject.toml",
        "--extra",
        "docs",
        "--universal",
        "--python-version",
        PYTHONS[0],
        "--upgrade",
        "--no-header",
        "--no-annotate",
        "--quiet",
        "--output-file",
        str(DOCS_LOCK),
        *session.posargs,
        env={"UV_CUSTOM_COMPILE_COMMAND": "nox -s lock"},
    )
    text = DOCS_LOCK.read_text(encoding="utf-8")
    DOCS_LOCK.write_text(_LOCK_HEADER + text, encoding="utf-8")
    session.log(f"Wrote {DOCS_LOCK.relative_to(ROOT)}")


_LOCK_HEADER = """\
# The docs toolchain, pinned: `nox -s docs`, `nox -s rtd`, CI and Read the Docs all
# install with it, so an upstream release cannot break the site unnoticed.
# Generated by `nox -s lock` (uv pip compile --universal over the `docs` extra of
# pyproject.toml for Python 3.11-3.13); do not edit by hand.
"""


@nox.session(python=DOCS_PYTHON, venv_backend=_NO_PYTHON_BACKEND, default=False)
def site(session: nox.Session) -> None:
    """Open the built site in headless Chromium: screenshots and checks, light and dark.

    Run ``nox -s docs`` first. Needs Debian's ``chromium`` and ``npm`` (MathJax is
    installed from npm so that the maths renders with no network). Screenshots land in
    docs/_build/screenshots; ``-- --pages 'tutorial/*.html'`` checks some pages only.
    """
    _need_python(session)
    if not (DOCS_HTML / "index.html").exists():
        session.error("no built site: run `nox -s docs` first")
    session.install("playwright")
    mathjax = Path(session.create_tmp()).resolve() / "mathjax"
    if not (mathjax / "node_modules" / "mathjax").exists():
        mathjax.mkdir(parents=True, exist_ok=True)
        session.run(
            "npm", "install", "--silent", "--prefix", str(mathjax), "mathjax@4", external=True
        )
    session.run(
        "python",
        str(DOCS / "check_site.py"),
        str(DOCS_HTML),
        str(DOCS / "_build" / "screenshots"),
        "--mathjax",
        str(mathjax / "node_modules"),
        *session.posargs,
    )


# The peers of `nox -s bench`, pinned so that runs compare like with like. torch is the
# CPU wheel that pip finds on this machine's disk: an unpinned torch would pull a
# multi-GB CUDA build.
BENCH_PEERS = [
    "micrograd==0.1.0",
    "autograd==1.9.1",
    "mygrad==2.5.0",
    "torch==2.13.0",
    "jax==0.10.2",
    "jaxlib==0.10.2",
    "threadpoolctl==3.8.0",
]


# pip, not uv: pip finds the torch wheel on disk (uv would download a CUDA build); the
# torch 2.13.0 wheel is built for Python 3.11.
@nox.session(python="3.11", venv_backend="virtualenv", default=False)
def bench(session: nox.Session) -> None:
    """Time autodiff against its peers : ``nox -s bench``.

    Prints a Markdown table and writes benchmarks/results.json and results.md (the
    Performance page reads the JSON). ``nox -s bench -- --quick`` is a fast run with
    fewer repeats and smaller sizes, written to .benchmarks/quick/ instead;
    ``-- --only W1,W4 --libs autodiff,torch`` runs a subset. The install is
    editable, so ``.nox/bench/bin/python -m benchmarks`` measures the working tree.
    """
    session.install("-e", ".", *BENCH_PEERS)
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session(python=TOOLS_PYTHON, venv_backend=_NO_PYTHON_BACKEND)
def lint(session: nox.Session) -> None:
    """Lint and check the formatting with Ruff."""
    _need_python(session)
    session.install("ruff")
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session(python=TOOLS_PYTHON, venv_backend=_NO_PYTHON_BACKEND)
def typecheck(session: nox.Session) -> None:
    """Type-check with mypy (strict, autodiff/ and tests/) and pyright (autodiff/).

    pyright is what most editors run; it checks against this session's environment
    (NumPy, graphviz installed). Its PyPI package brings Node.js as a wheel and fetches
    pyright itself from the npm registry on first use.
    """
    _need_python(session)
    session.install("-e", ".[test]", "mypy", "pyright[nodejs]")
    session.run("mypy", *session.posargs)
    python = shutil.which("python", path=session.bin)
    session.run("pyright", "--pythonpath", str(python), "autodiff")


@nox.session(python=TOOLS_PYTHON, venv_backend=_NO_PYTHON_BACKEND)
def precommit(session: nox.Session) -> None:
    """Run the pre-commit hooks (.pre-commit-config.yaml) on every file.

    ``nox -s precommit -- --hook-stage manual`` and other arguments go to
    ``pre-commit run``; ``-- codespell`` runs one hook.
    """
    _need_python(session)
    session.install("pre-commit")
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs)


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """Build the sdist and the wheel into dist/ and check them."""
    session.install("build", "twine")
    shutil.rmtree(DIST, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(DIST), str(ROOT))
    files = sorted(str(path) for path in DIST.iterdir())
    session.run("twine", "check", "--strict", *files)

    (wheel,) = DIST.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        wheel_names = set(zf.namelist())
    (sdist,) = DIST.glob("*.tar.gz")
    with tarfile.open(sdist) as tf:
        sdist_names = {name.split("/", 1)[-1] for name in tf.getnames()}
    for archive, names in ((wheel, wheel_names), (sdist, sdist_names)):
        if "autodiff/py.typed" not in names:
            session.error(f"{archive.name} lacks autodiff/py.typed")
    session.log(f"OK: {', '.join(path.name for path in (wheel, sdist))} contain py.typed")


if __name__ == "__main__":
    nox.main()
