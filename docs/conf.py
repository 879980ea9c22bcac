"""Sphinx configuration for the autodiff documentation.

Build with ``nox -s docs`` (see the README). The package is imported from the
environment Sphinx runs in, so install it first (``pip install -e ".[docs]"``).
"""

from __future__ import annotations

import autodiff

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

exclude_patterns = ["_build", "jupyter_execute", "_intersphinx", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

# Every cross-reference must resolve: with `-n -W` a broken link fails the build.
nitpicky = True
nitpick_ignore: list[tuple[str, str]] = []

# -- MyST and notebooks (myst-nb) --------------------------------------------------------

myst_enable_extensions = ["amsmath", "colon_fence", "dollarmath"]
myst_heading_anchors = 3

# Execute every notebook on every build, and fail the build on any error in a cell.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 120
nb_merge_streams = True

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


def typehints_fixup_module_name(module: str) -> str:
    """Link graphviz's classes where its docs have them: ``graphviz.Digraph``."""
    return "graphviz" if module.startswith("graphviz.") else module


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

# -- HTML --------------------------------------------------------------------------------

html_theme = "furo"
html_title = f"autodiff {release}"
html_static_path: list[str] = []
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
