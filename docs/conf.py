"""Sphinx configuration for the autodiff documentation.

Build with ``nox -s docs`` (see the README). The package is imported from the
environment Sphinx runs in, so install it first (``pip install -e ".[docs]"``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import types
import typing
import warnings
from pathlib import Path
from typing import Any

import jupytext
import numpy as np
import numpy.typing as npt
from sphinx.application import Sphinx
from sphinx.config import Config

import autodiff

DOCS = Path(__file__).parent
PACKAGE = Path(autodiff.__file__).parent
# The kernels' IPython extension and matplotlib style for the figures (see
# _ext/autodiff_figures.py).
EXT = DOCS / "_ext"

# -- Project -----------------------------------------------------------------------------

project = "autodiff"
author = "the autodiff developers"
copyright = f"2026, {author}"
release = autodiff.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------------------

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",  # before sphinx_autodoc_typehints
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx_autodoc_typehints",
    "sphinx_copybutton",
    "sphinx_design",
]

exclude_patterns = [
    "_build",
    "jupyter_execute",
    "_ext",
    "_intersphinx",
    "_notebooks",
    ".jupyter_cache",
    "Thumbs.db",
    ".DS_Store",
]
templates_path: list[str] = []

# Every cross-reference must resolve: with `-n -W` a broken link fails the build.
nitpicky = True
nitpick_ignore: list[tuple[str, str]] = []

# -- MyST and notebooks (myst-nb) --------------------------------------------------------

myst_enable_extensions = ["amsmath", "colon_fence", "dollarmath"]
myst_heading_anchors = 3

# Every notebook runs at build time and a failing cell fails the build. In CI every
# notebook is executed afresh ("force"). Locally the jupyter-cache skips notebooks whose
# code did not change; since it hashes only the notebook's code, the cache lives in a
# folder named after a hash of the package's sources (and the benchmark results the
# Performance page reads), so any change in autodiff/ starts a new cache and every
# page runs again.


def _package_hash() -> str:
    """A hash of what the pages' outputs depend on besides their own code."""
    digest = hashlib.sha256()
    results = DOCS.parent / "benchmarks" / "results.json"  # read by the Performance page
    figures = sorted(p for p in EXT.iterdir() if p.is_file())  # how figures are drawn
    for path in [*sorted(PACKAGE.rglob("*.py")), results, *figures]:
        if path.exists():
            digest.update(path.relative_to(DOCS.parent).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _quiet_kernel_spec() -> None:
    """Run the pages' ``python3`` kernel with its log level at ERROR, and the figures' style.

    An IPython kernel started over TCP logs "Kernel is running over TCP without
    encryption" at WARNING level, once per page. Jupyter looks for kernel specs in
    ``JUPYTER_PATH`` first, so a ``python3`` spec there, the same as ipykernel's own
    (this Python, ``-m ipykernel_launcher``) plus the log level, replaces it for this
    build and for the kernels it starts.

    The spec also loads the IPython extension ``_ext/autodiff_figures.py`` and points
    matplotlib at ``_ext/matplotlibrc``: every figure becomes an inline SVG that
    follows the light or dark theme, with no code in the pages.
    """
    root = DOCS / ".jupyter_cache" / "jupyter-path"
    spec = {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--IPKernelApp.log_level=ERROR",
            "--ext=autodiff_figures",
        ],
        "env": {
            "PYTHONPATH": os.pathsep.join(
                [str(EXT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
            ),
            "MATPLOTLIBRC": str(EXT / "matplotlibrc"),
        },
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": True},
    }
    kernel = root / "kernels" / "python3" / "kernel.json"
    kernel.parent.mkdir(parents=True, exist_ok=True)
    kernel.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    paths = [str(root), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))


_quiet_kernel_spec()
nb_execution_mode = "force" if os.environ.get("CI") else "cache"
nb_execution_cache_path = str(DOCS / ".jupyter_cache" / _package_hash())
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 120
nb_merge_streams = True
# Markdown that a cell displays (IPython.display.Markdown) is parsed as MyST, so its
# tables and maths render like the page's own.
nb_render_markdown_format = "myst"

# -- API reference (autodoc, napoleon, sphinx-autodoc-typehints) -------------------------

autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_member_order = "bysource"
autosummary_generate = True

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False  # sphinx-autodoc-typehints adds the return type
napoleon_use_param = True

# sphinx-autodoc-typehints renders the annotations into the parameter lists.
typehints_defaults = "comma"
typehints_use_signature = False
typehints_use_signature_return = False
always_use_bars_union = True
always_document_param_types = False


# sphinx-autodoc-typehints 3.6.1, the last release for Python 3.11, calls a Sphinx API
# that Sphinx 9 deprecates, once per docstring: nothing this project can change.
warnings.filterwarnings("ignore", message=r"'sphinx_autodoc_typehints\..*' is deprecated")

# A function-valued setting cannot be pickled into the environment cache; Sphinx < 9.2
# warns about that, which -W would turn into an error. The build is always fresh anyway.
suppress_warnings = ["config.cache"]


def typehints_fixup_module_name(module: str) -> str:
    """Link classes under the public module that documents them.

    graphviz's classes are ``graphviz.Digraph`` in its docs, and NumPy's generator is
    ``numpy.random.Generator`` (sphinx-autodoc-typehints < 3.7 uses the private module).
    """
    if module.startswith("graphviz."):
        return "graphviz"
    return "numpy.random" if module.startswith("numpy.random.") else module


# numpy.typing.ArrayLike is a Union of NumPy's private protocols; evaluated, it is
# flattened into the annotation it appears in. sphinx-autodoc-typehints >= 3.7 (Python
# >= 3.12) keeps the alias; the last release for Python 3.11 (3.6.1) spells out the
# private classes, whose references cannot resolve under -n.
_ARRAY_LIKE = frozenset(typing.get_args(npt.ArrayLike))


def typehints_formatter(annotation: Any, config: Config) -> str | None:
    """Render the NumPy names that the default rendering cannot link, alike on every version."""
    if annotation is np.float64:  # documented as an attribute of numpy, not as a class
        return ":py:obj:`~numpy.float64`"
    args = typing.get_args(annotation)
    if not _ARRAY_LIKE or typing.get_origin(annotation) not in {typing.Union, types.UnionType}:
        return None
    if not set(args) >= _ARRAY_LIKE:
        return None
    from sphinx_autodoc_typehints import format_annotation

    rest = [format_annotation(arg, config) for arg in args if arg not in _ARRAY_LIKE]
    return " | ".join([*rest, ":py:data:`~numpy.typing.ArrayLike`"])


# -- Intersphinx -------------------------------------------------------------------------
# Each project tries the online inventory first and falls back on the small inventory
# committed in _intersphinx/ (made by _intersphinx/make_inventories.py), so the build
# passes with no network. When a fallback is used Sphinx logs it at INFO level only.

intersphinx_mapping = {
    "python": ("https://docs.python.org/3", (None, "_intersphinx/python.inv")),
    "numpy": ("https://numpy.org/doc/stable", (None, "_intersphinx/numpy.inv")),
    "graphviz": ("https://graphviz.readthedocs.io/en/stable", (None, "_intersphinx/graphviz.inv")),
}
intersphinx_timeout = 5

# -- Link check (`nox -s linkcheck`) ----------------------------------------------------
# Cross-references and links between pages are resolved by every build (a broken one is
# a warning); the linkcheck builder also tries each external URL.

linkcheck_timeout = 15
linkcheck_retries = 2
# GitHub draws its anchors with JavaScript, so linkcheck cannot see them.
linkcheck_anchors_ignore_for_url = [r"https://github\.com/"]

# -- HTML --------------------------------------------------------------------------------

html_theme = "furo"
# Read the Docs sets the canonical URL of the version it builds (with a trailing
# slash); each page then names its canonical address in a <link rel="canonical">.
if canonical := os.environ.get("READTHEDOCS_CANONICAL_URL"):
    html_baseurl = canonical
html_title = f"autodiff {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True


# -- Every page as a notebook ------------------------------------------------------------
# Each MyST notebook page is also written as a .ipynb (with jupytext) and offered for
# download under its title.

NOTEBOOKS = DOCS / "_notebooks"


def _is_notebook(path: Path) -> bool:
    head = path.read_text(encoding="utf-8")[:500]
    return head.startswith("---") and "file_format: mystnb" in head


def _write_notebooks(app: Sphinx) -> None:
    for path in sorted(DOCS.rglob("*.md")):
        relative = path.relative_to(DOCS)
        if relative.parts[0].startswith(("_", ".")) or not _is_notebook(path):
            continue
        target = NOTEBOOKS / relative.with_suffix(".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        notebook = jupytext.read(path, fmt="md:myst")
        text = jupytext.writes(notebook, fmt="ipynb")
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")


def _add_download_link(app: Sphinx, docname: str, source: list[str]) -> None:
    notebook = NOTEBOOKS / f"{docname}.ipynb"
    if not notebook.exists():
        return
    lines = source[0].split("\n")
    for k, line in enumerate(lines):
        if line.startswith("# "):
            link = f"[⤓ Download this page as a Jupyter notebook](path:/_notebooks/{docname}.ipynb)"
            lines.insert(k + 1, f"\n:::{{div}} notebook-download\n{link}\n:::\n")
            break
    source[0] = "\n".join(lines)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _write_notebooks)
    app.connect("source-read", _add_download_link)
    return {"parallel_read_safe": True}
