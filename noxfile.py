#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2024.10.9"]
# ///
"""Development tasks: ``nox -l`` lists them, ``nox -s NAME`` runs one.

The sessions work with the plain virtualenv backend (no uv needed): ``uv`` is used
only when it is on PATH.
"""

from __future__ import annotations

import shutil
import tarfile
import zipfile
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"

ROOT = Path(__file__).parent.resolve()
DOCS = ROOT / "docs"
DOCS_HTML = DOCS / "_build" / "html"
DIST = ROOT / "dist"

PYTHONS = ["3.11", "3.12", "3.13"]
# The docs build with Python 3.13, as on Read the Docs (.readthedocs.yaml), when it is
# installed; otherwise with the Python that runs nox, so the README's command works on
# any machine with Python and pip.
DOCS_PYTHON = "3.13" if shutil.which("python3.13") else None


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite and the doctests: ``nox -s tests-3.13 -- -k dual``.

    The install is editable so that pytest's ``--doctest-modules`` (configured in
    pyproject.toml) imports the same ``autodiff`` files as the tests do.
    """
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session(python=DOCS_PYTHON)
def docs(session: nox.Session) -> None:
    """Build the docs site (every notebook executed) into docs/_build/html.

    Warnings are errors. ``nox -s docs -- --serve`` serves it instead, rebuilding
    and reloading the page whenever a file in docs/ or autodiff/ changes.
    """
    session.install("-e", ".[docs]")
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


@nox.session(python=DOCS_PYTHON, default=False)
def rtd(session: nox.Session) -> None:
    """Build the docs the way Read the Docs does (non-editable install, its command)."""
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


@nox.session(python=DOCS_PYTHON, default=False)
def site(session: nox.Session) -> None:
    """Open the built site in headless Chromium: screenshots and checks, light and dark.

    Run ``nox -s docs`` first. Needs Debian's ``chromium`` and ``npm`` (MathJax is
    installed from npm so that the maths renders with no network). Screenshots land in
    docs/_build/screenshots; ``-- --pages 'tutorial/*.html'`` checks some pages only.
    """
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
    """Time autodiff against its peers (issue 5): ``nox -s bench``.

    Prints a Markdown table and writes benchmarks/results.json and results.md (the
    Performance page reads the JSON). ``nox -s bench -- --quick`` is a fast run with
    fewer repeats and smaller sizes, written to .benchmarks/quick/ instead;
    ``-- --only W1,W4 --libs autodiff,torch`` runs a subset. The install is
    editable, so ``.nox/bench/bin/python -m benchmarks`` measures the working tree.
    """
    session.install("-e", ".", *BENCH_PEERS)
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and check the formatting with Ruff."""
    session.install("ruff")
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the package and the tests with mypy (strict)."""
    session.install("-e", ".[test]", "mypy")
    session.run("mypy", *session.posargs)


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
