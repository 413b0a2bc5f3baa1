"""Debian's chromium driven by Playwright, with every request that would leave the page's own
origin aborted and recorded, so a test proves a page works offline."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, Request, Route, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")


@contextmanager
def launched_chromium() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@dataclass
class Visit:
    page: Page
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def visit(browser: Browser, url: str, ready: str) -> Visit:
    """Open `url`, wait until the page sets `window[ready]`, and record console errors and any
    request to another origin (aborted)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    seen = Visit(page)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    home = _origin(url)

    def guard(route: Route, request: Request) -> None:
        if _origin(request.url) == home:
            route.continue_()
        else:
            seen.outside.append(request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(url)
    page.wait_for_function(f"() => window.{ready} === true", timeout=30_000)
    return seen
