"""Matplotlib figures for the docs: inline SVG that follows furo's light and dark mode.

The docs build starts every page's kernel with this IPython extension loaded
(``docs/conf.py`` writes the kernel spec) and with ``MATPLOTLIBRC`` pointing at the
``matplotlibrc`` next to this file. A figure is then shown as an SVG written into the
page itself (not an ``<img>``), so the page's CSS reaches inside it:

- the figure and the axes have no background: the page shows through;
- matplotlib's black (text, spines, tick labels, explicit ``"k"`` lines) and three
  reserved near-black and near-white colours of the ``matplotlibrc`` become furo's
  colour variables, so they change with the theme;
- the data colours (matplotlib's default cycle) are mid-tones that read on both
  backgrounds and are left as they are;
- vector drawing is sharp at any zoom; the few raster parts (an ``imshow`` heatmap)
  are drawn at the ``matplotlibrc``'s 200 dpi.

Nothing here changes what a page's code does: a reader who downloads a page as a
notebook and runs it gets matplotlib's usual figures.
"""

from __future__ import annotations

import html
import io
import itertools
import re
from typing import Any

# The matplotlibrc's reserved colours, and the CSS each one becomes. Black is
# matplotlib's default ink, so a cell that asks for "k" gets the theme's ink too.
# (Text in the default colour carries no fill at all: it takes the svg's `fill`, set
# in custom.css.)
COLOURS = {
    "#000000": "var(--color-foreground-primary)",  # text, explicit black
    "#010101": "var(--color-foreground-secondary)",  # spines, ticks, tick labels
    "#fefefe": "var(--color-background-primary)",  # legend background
    "#fdfdfd": "var(--color-background-border)",  # legend frame, grid
}
_COLOUR = re.compile("|".join(COLOURS))
_DROP = re.compile(
    r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->|<metadata>.*?</metadata>|<style.*?</style>",
    re.DOTALL,
)
_FONT = re.compile(r"font-family: '([^']*)'")
_count = itertools.count(1)


def _describe(figure: Any) -> str:
    """A short text alternative: the titles and axis labels of the figure's plots."""
    parts = []
    if figure._suptitle is not None and figure._suptitle.get_text():
        parts.append(figure._suptitle.get_text())
    for axes in figure.get_axes():
        words = [axes.get_title(), axes.get_ylabel(), axes.get_xlabel()]
        if axes.get_ylabel() and axes.get_xlabel():
            words = [axes.get_title(), f"{axes.get_ylabel()} against {axes.get_xlabel()}"]
        text = ": ".join(w for w in words if w)
        if text:
            parts.append(text)
    return "Plot. " + "; ".join(parts).replace("$", "") if parts else "Plot"


def figure_html(figure: Any) -> str:
    """The figure as an inline SVG in a ``div.autodiff-figure``."""
    import matplotlib as mpl

    buffer = io.StringIO()
    # A salt per figure keeps the ids of clip paths and markers apart when a page
    # holds several figures, and the same from one build to the next.
    with mpl.rc_context({"svg.hashsalt": f"fig{next(_count)}"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = _DROP.sub("", buffer.getvalue()).strip()
    svg = _COLOUR.sub(lambda m: COLOURS[m.group(0)], svg)
    # Verdana, where DejaVu Sans is not installed, has much the same widths.
    svg = _FONT.sub(r"font-family: '\1', Verdana, sans-serif", svg)
    label = html.escape(_describe(figure), quote=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return f'<div class="autodiff-figure">{svg}</div>'


def load_ipython_extension(ipython: Any) -> None:
    """Show figures as :func:`figure_html`, not as PNG images."""
    formatters = ipython.display_formatter.formatters
    # Registered for FigureBase, by name (matplotlib is not imported until a page
    # uses it). The inline backend, once imported, drops every formatter registered
    # for Figure itself; the one for its base class stays and is found through the MRO.
    formatters["text/html"].for_type_by_name("matplotlib.figure", "FigureBase", figure_html)
    # No PNG besides: the inline backend would draw every figure a second time.
    ipython.config.InlineBackend.figure_formats = set()
