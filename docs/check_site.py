"""Open the built site in headless Chromium: screenshots and checks of every page.

Run by ``nox -s site`` after the docs build::

    python docs/check_site.py docs/_build/html docs/_build/screenshots --mathjax DIR

Every page is opened in light and in dark mode (furo follows the browser's colour
scheme) and saved as a full-page PNG. A page fails the check when its text shows a
traceback, an error output or a raw object repr in a cell's output (``<graphviz.graphs.Digraph at 0x…>``,
``<Figure size …>``), when its maths did not render, or when a graph or a plot is
missing. MathJax normally comes from a CDN; with ``--mathjax`` the CDN requests are
answered from a local ``node_modules`` folder (``npm install mathjax@4``), so the
maths renders with no network.
"""

from __future__ import annotations

import argparse
import mimetypes
import re
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import Route, sync_playwright

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
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000
        )
        page.evaluate("() => MathJax.startup.promise")
        unrendered = page.evaluate(
            "() => [...document.querySelectorAll('.math')]"
            ".filter(e => !e.querySelector('mjx-container')).length"
        )
        errors = page.evaluate("() => document.querySelectorAll('mjx-merror').length")
        if unrendered or errors:
            problems.append(f"maths: {unrendered} formula(s) not rendered, {errors} error(s)")
    broken = page.evaluate(
        "() => [...document.querySelectorAll('img')]"
        ".filter(i => i.complete && i.naturalWidth === 0).length"
    )
    if broken:
        problems.append(f"{broken} broken image(s)")
    return problems


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
        for scheme in ("light", "dark"):
            context = browser.new_context(
                color_scheme=scheme, viewport={"width": 1280, "height": 900}
            )
            context.route("https://**/*", serve_cdn(args.mathjax))
            page = context.new_page()
            for html in pages:
                name = html.relative_to(args.html).with_suffix("").as_posix()
                page.goto(html.resolve().as_uri(), wait_until="load")
                problems = check_page(page, html)
                shot = args.out / f"{name.replace('/', '--')}-{scheme}.png"
                page.screenshot(path=str(shot), full_page=True)
                status = "ok" if not problems else "FAIL: " + "; ".join(problems)
                print(f"{name} ({scheme}): {status}")
                failures += bool(problems)
            context.close()
        browser.close()
    print(f"{len(pages)} pages x 2 schemes, {failures} failing; screenshots in {args.out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
