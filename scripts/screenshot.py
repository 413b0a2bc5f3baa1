"""Take the README's screenshots from the real pages in Debian's chromium:

- docs/explorer.png: the explorer (site/index.html) as it opens, on the mechanism paths;
- docs/explorer-route.png: the explorer's route from ketamine to neuroplasticity;
- docs/coverage.png: the coverage page of `kg serve` checking tests/corpus/clinic-blog.md.

Run: python scripts/screenshot.py [OUT_DIR]   (default docs/)
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

from playwright.sync_api import Browser, Page, Route, sync_playwright

from kg.files import SITE_DIR

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "tests/corpus/clinic-blog.md"


def new_page(browser: Browser, allowed: str) -> Page:
    """A page that may load only URLs starting with `allowed`: proof that it works offline."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})

    def only_allowed(route: Route) -> None:
        route.continue_() if route.request.url.startswith(allowed) else route.abort()

    page.route("**/*", only_allowed)
    return page


def explorer(browser: Browser, first_view: Path, route: Path) -> None:
    page = new_page(browser, "file://")
    page.goto((SITE_DIR / "index.html").as_uri())
    page.wait_for_function("() => window.explorerReady === true")
    page.screenshot(path=str(first_view))
    page.fill("#route-from", "ketamine")
    page.fill("#route-to", "neuroplasticity")
    page.click("#route-button")
    page.screenshot(path=str(route))


def coverage(browser: Browser, out: Path) -> None:
    server = subprocess.Popen(
        [str(Path(sysconfig.get_path("scripts")) / "kg"), "serve", "--port", "0", "--workers", "1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = next(line.split()[-1] for line in server.stdout if "query page" in line)
        page = new_page(browser, url)
        page.goto(url + "coverage")
        page.wait_for_function("() => window.coveragePageReady === true")
        page.set_input_files("#file", str(ARTICLE))
        page.wait_for_function("() => window.coverageDone === true")
        page.evaluate("document.querySelector('#result').scrollIntoView()")
        page.screenshot(path=str(out))
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        explorer(browser, out_dir / "explorer.png", out_dir / "explorer-route.png")
        coverage(browser, out_dir / "coverage.png")
        browser.close()
    print(out_dir / "explorer.png", out_dir / "explorer-route.png", out_dir / "coverage.png")


if __name__ == "__main__":
    main()
