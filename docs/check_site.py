"""Open the built site in headless Chromium: screenshots and checks of every page.

Run by ``nox -s site`` after the docs build::

    python docs/check_site.py docs/_build/html docs/_build/screenshots --mathjax DIR

Every page is opened in light and in dark mode (furo follows the browser's colour
scheme) at 1280 px wide, and once more, light, at a phone's 390 px; each view is saved
as a full-page PNG. A page fails the check when its text shows a traceback, an error
output or a raw object repr in a cell's output (``<graphviz.graphs.Digraph at 0x…>``,
``<Figure size …>``), when its maths did not render, when a graph or a plot is
missing, when its plots are PNGs instead of the themed inline SVG, or, at 390 px, when
something sticks out sideways beyond the column instead of scrolling in a box of its
own (a table, a code block, a drawing). MathJax normally comes from a CDN; with
``--mathjax`` the CDN requests are answered from a local ``node_modules`` folder
(``npm install mathjax@4``), so the maths renders with no network.
"""

from __future__ import annotations

import argparse
import mimetypes
import re
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import Route, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CDN = re.compile(
    r"https://cdn\.jsdelivr\.net/npm/(?P<package>(@[^/@]+/)?[^/@]+)(@[^/]+)?/(?P<path>.*)"
)
MATHJAX_TIMEOUT_MS = 60_000
BAD_TEXT = [
    ("a traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("a raw object repr", re.compile(r"<[\w.]+ (object )?at 0x[0-9a-f]+>")),
    ("a raw figure repr", re.compile(r"<Figure size \d+")),
    ("a Python error", re.compile(r"^\w+Error: ", re.MULTILINE)),
]


def serve_cdn(node_modules: Path | None) -> Any:
    def handler(route: Route) -> None:
        match = CDN.match(route.request.url)
        if node_modules is None or match is None:
            route.abort()
            return
        path = node_modules / match["package"] / match["path"]
        if not path.is_file():
            route.fulfill(status=404, body="")
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=path.read_bytes(), content_type=kind)

    return handler


def check_page(page: Any, html: Path) -> list[str]:
    problems = []
    # What the executed cells printed or displayed (not the prose, and not the API
    # reference's docstring examples, which may show an expected traceback).
    text = "\n".join(page.locator("div.cell_output").all_inner_texts())
    for what, pattern in BAD_TEXT:
        found = pattern.search(text)
        if found:
            problems.append(f"{what}: {found.group(0)!r}")
    source = html.read_text(encoding="utf-8")
    if 'class="math' in source:
        try:
            # Generous: on a loaded machine MathJax can take a while to start.
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=MATHJAX_TIMEOUT_MS,
            )
        except PlaywrightTimeoutError:
            return [*problems, f"maths: MathJax did not start in {MATHJAX_TIMEOUT_MS // 1000} s"]
        page.evaluate("() => MathJax.startup.promise")
        unrendered = page.evaluate(
            "() => [...document.querySelectorAll('.math')]"
            ".filter(e => !e.querySelector('mjx-container')).length"
        )
        errors = page.evaluate("() => document.querySelectorAll('mjx-merror').length")
        if unrendered or errors:
            problems.append(f"maths: {unrendered} formula(s) not rendered, {errors} error(s)")
    # A page that plots (`plt` in its code) shows its figures as inline SVG, made by
    # the kernel extension docs/_ext/autodiff_figures.py; without it they are PNGs.
    if '<span class="n">plt</span>' in source and 'class="autodiff-figure"' not in source:
        problems.append("plots drawn as PNG images, not as the themed inline SVG")
    broken = page.evaluate(
        "() => [...document.querySelectorAll('img')]"
        ".filter(i => i.complete && i.naturalWidth === 0).length"
    )
    if broken:
        problems.append(f"{broken} broken image(s)")
    return problems


# The elements that stick out of the content column at the page's width, outermost
# first, except those inside a box of the article that scrolls or clips sideways.
OVERFLOW_JS = """
() => {
  const content = document.querySelector('.content');
  const limit = content.getBoundingClientRect().right + 1;
  const sticking = [];
  for (const e of document.querySelectorAll('article *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= limit) continue;
    let box = e.parentElement, held = false;
    for (; box && box !== content; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== 'visible') { held = true; break; }
    }
    if (!held && !sticking.some(s => s.contains(e))) sticking.push(e);
  }
  return sticking.slice(0, 3).map(e =>
    `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ` +
    `(${Math.round(e.getBoundingClientRect().right - limit)} px too wide)`);
}
"""


def check_narrow(page: Any) -> list[str]:
    """What sticks out sideways at a phone's width, outside a box that scrolls."""
    sticking = page.evaluate(OVERFLOW_JS)
    return [f"sticks out at {NARROW} px: {', '.join(sticking)}"] if sticking else []


NARROW = 390


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("html", type=Path, help="the built site")
    parser.add_argument("out", type=Path, help="where the screenshots go")
    parser.add_argument("--mathjax", type=Path, help="a node_modules folder with mathjax@4")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--pages", default="**/*.html", help="a glob under html")
    args = parser.parse_args()

    pages = sorted(
        p
        for p in args.html.glob(args.pages)
        if not p.name.startswith(("genindex", "search", "py-modindex"))
        and "_static" not in p.parts
        and "_modules" not in p.parts
    )
    args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        views = [("light", 1280, ""), ("dark", 1280, ""), ("light", NARROW, f"-{NARROW}")]
        for scheme, width, suffix in views:
            context = browser.new_context(
                color_scheme=scheme, viewport={"width": width, "height": 900}
            )
            context.route("https://**/*", serve_cdn(args.mathjax))
            page = context.new_page()
            for html in pages:
                name = html.relative_to(args.html).with_suffix("").as_posix()
                page.goto(html.resolve().as_uri(), wait_until="load")
                problems = check_page(page, html)
                if width == NARROW:
                    problems += check_narrow(page)
                shot = args.out / f"{name.replace('/', '--')}-{scheme}{suffix}.png"
                page.screenshot(path=str(shot), full_page=True)
                status = "ok" if not problems else "FAIL: " + "; ".join(problems)
                print(f"{name} ({scheme}, {width} px): {status}")
                failures += bool(problems)
            context.close()
        browser.close()
    print(f"{len(pages)} pages x {len(views)} views, {failures} failing; screenshots in {args.out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
