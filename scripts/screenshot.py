"""Take the README's screenshot from the real explorer page (site/index.html) in Debian's
chromium: ketamine selected, with its details open.

Run: python scripts/screenshot.py [OUT.png]   (default docs/explorer.png)
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from kg.files import SITE_DIR

CONCEPT = "https://w3id.org/treatment-kg/concept/"


def main() -> None:
    out = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parent.parent / "docs/explorer.png"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 820})
        page.route(
            "**/*",
            lambda route, request: (
                route.continue_() if request.url.startswith("file://") else route.abort()
            ),
        )
        page.goto((SITE_DIR / "index.html").as_uri())
        page.wait_for_function("window.explorerReady === true")
        page.fill("#route-from", "ketamine")
        page.fill("#route-to", "neuroplasticity")
        page.click("#route-button")
        page.evaluate(f"window.explorer.showDetails('{CONCEPT}ketamine')")
        page.screenshot(path=str(out))
        browser.close()
    print(out)


if __name__ == "__main__":
    main()
