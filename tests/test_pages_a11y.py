"""The query page and the coverage page of a real `kg serve`, on a desktop, a tablet and a phone
screen, as axe-core and a keyboard user find them: no serious or critical accessibility fault,
no sideways scroll, the coverage controls on the first screen, and a query editor that Tab
leaves."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.axe import assert_accessible
from tests.browser import Visit, visit
from tests.conftest import ROOT
from tests.server import Served

VIEWPORTS = {"desktop": (1440, 900), "tablet": (768, 1024), "phone": (390, 844)}
# a label the graph's schema gives and only the results of biolink-alignment show
RESULT_LABEL = "Brain region or network"
EDITOR = "document.querySelector('#yasgui .CodeMirror').CodeMirror"


def opened(browser: Browser, url: str, ready: str, viewport: str) -> Visit:
    seen = visit(browser, url, ready)
    width, height = VIEWPORTS[viewport]
    seen.page.set_viewport_size({"width": width, "height": height})
    return seen


def sideways_overflow(page: Page) -> int:
    """How many pixels the page scrolls sideways; 0 when it fits the screen's width."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def run_saved_query(page: Page, name: str) -> None:
    """Open a saved query and run it with the editor's own shortcut, Ctrl+Enter."""
    page.click(f"button.example[data-name={name}]")
    page.locator("#yasgui .CodeMirror-line").last.click()  # clear of the floating buttons
    page.keyboard.press("Control+Enter")
    page.get_by_text(RESULT_LABEL, exact=True).first.wait_for()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_query_page_is_accessible_and_fits(browser: Browser, served: Served, viewport: str) -> None:
    seen = opened(browser, served.url, "queryPageReady", viewport)
    page = seen.page
    assert_accessible(page)
    assert sideways_overflow(page) == 0
    run_saved_query(page, "biolink-alignment")
    assert_accessible(page)
    assert sideways_overflow(page) == 0
    assert seen.errors == []
    assert seen.outside == []
    page.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_coverage_page_is_accessible_and_its_controls_on_the_first_screen(
    browser: Browser, served: Served, viewport: str
) -> None:
    seen = opened(browser, served.url + "coverage", "coveragePageReady", viewport)
    page = seen.page
    assert_accessible(page)
    page.set_input_files("#file", str(ROOT / "tests/corpus/clinic-blog.md"))
    page.wait_for_function("() => window.coverageDone === true", timeout=30_000)
    assert page.locator("#result .check").count() > 0  # the report and its fact check shown
    assert_accessible(page)
    assert sideways_overflow(page) == 0
    width, height = VIEWPORTS[viewport]
    for control in ("#draft", "#file", "#kind", "#download"):
        box = page.locator(control).bounding_box()
        assert box is not None, control
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, control
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, control
    assert seen.errors == []
    assert seen.outside == []
    page.close()


def test_tab_leaves_the_query_editor_and_shift_tab_comes_back(
    browser: Browser, served: Served
) -> None:
    page = opened(browser, served.url, "queryPageReady", "phone").page
    page.click("button.example[data-name=biolink-alignment]")
    query = page.evaluate(f"{EDITOR}.getValue()")
    page.locator("#yasgui .CodeMirror-line").last.click()  # clear of the floating buttons
    assert page.evaluate(f"{EDITOR}.hasFocus()")

    page.keyboard.press("Tab")
    assert not page.evaluate(f"{EDITOR}.hasFocus()")
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.title]")
    assert focused == ["BUTTON", "Share query"]  # the editor's next control
    assert page.evaluate(f"{EDITOR}.getValue()") == query  # no tab typed into the query

    page.keyboard.press("Shift+Tab")
    assert page.evaluate(f"{EDITOR}.hasFocus()")
    # Ctrl+] still indents the line, for those who used Tab for that
    page.keyboard.press("Control+]")
    assert page.evaluate(f"{EDITOR}.getValue()") != query
    page.close()
