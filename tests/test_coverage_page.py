"""The coverage page of `kg serve` as a writer uses it, in headless chromium against a real
server: the report follows the draft as it is typed, one request at a time and the last draft
winning; the Markdown download is `kg coverage --format md`; the fact check marks sentences in
colours that keep their contrast; the page fits a phone; nothing leaves the local server."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Browser, Page

from tests.browser import Visit, visit
from tests.conftest import ROOT
from tests.server import Served

CORPUS = ROOT / "tests/corpus"
# Sentences written for these tests; the fact check of the shipped graph gives each verdict.
CONTRADICTED = "Ketamine is approved for PTSD."
SUPPORTED = "Ketamine blocks the NMDA receptor."
UNSUPPORTED = "Esketamine blocks the AMPA receptor."
OVERSTATED = "Ketamine activates the mu-opioid receptor."


def editor(browser: Browser, served: Served) -> Visit:
    return visit(browser, served.url + "coverage", "coveragePageReady")


def settled(page: Page) -> None:
    page.wait_for_function("() => window.coverageDone === true", timeout=30_000)


# the article as the page shows it, without the fact check's numbered links to its entries
ARTICLE_TEXT = """() => { const view = document.querySelector('#result .text').cloneNode(true);
  view.querySelectorAll('.check-ref').forEach((ref) => ref.remove());
  return view.textContent; }"""


def shown_text(page: Page) -> str:
    return page.evaluate(ARTICLE_TEXT)


def shown_marks(page: Page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#result .text mark", "marks => marks.map(m => [m.dataset.concept, m.textContent])"
    )


def cli_marks(kg, text: str) -> list[list[str]]:
    report = json.loads(kg("coverage", "-", "--format", "json", stdin=text).stdout)
    mentions = sorted(
        (start, c["iri"], text[start:end]) for c in report["concepts"] for start, end in c["spans"]
    )
    return [[iri, surface] for _, iri, surface in mentions]


def coverage_requests(page: Page) -> tuple[list[str], list[int]]:
    """The drafts the page posts to /api/coverage, and how many are out after each request
    starts, as the page's own network events say."""
    posted: list[str] = []
    out = [0]
    most: list[int] = []

    def started(request) -> None:  # type: ignore[no-untyped-def]
        if request.url.endswith("/api/coverage"):
            posted.append(json.loads(request.post_data)["text"])
            out[0] += 1
            most.append(out[0])

    def ended(request) -> None:  # type: ignore[no-untyped-def]
        if request.url.endswith("/api/coverage"):
            out[0] -= 1

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    return posted, most


def test_typing_updates_the_highlights_without_pressing_anything(
    kg, browser: Browser, served: Served
) -> None:
    seen = editor(browser, served)
    page = seen.page
    text = "Esketamine is a nasal spray. It blocks the NMDA receptor and raises BDNF."
    page.locator("#draft").press_sequentially(text, delay=10)
    settled(page)
    assert shown_marks(page) == cli_marks(kg, text)
    assert shown_text(page) == text
    assert not page.is_disabled("#download")
    # an edit in the middle: the caret and the text stay as the writer left them while the
    # new report arrives
    page.evaluate("() => document.getElementById('draft').setSelectionRange(28, 28)")
    page.keyboard.type(" Ketamine too.")
    settled(page)
    edited = text[:28] + " Ketamine too." + text[28:]
    assert page.input_value("#draft") == edited
    assert page.evaluate("() => document.getElementById('draft').selectionStart") == 28 + 14
    assert shown_text(page) == edited
    assert shown_marks(page) == cli_marks(kg, edited)
    assert seen.errors == []
    assert seen.outside == []
    page.close()


def test_fast_typing_sends_few_requests_and_the_last_draft_wins(
    browser: Browser, served: Served
) -> None:
    seen = editor(browser, served)
    page = seen.page
    posted, out = coverage_requests(page)
    # every report the page shows, in order, as the article text it highlights
    page.evaluate(
        f"""() => {{ window.shownTexts = []; const text = {ARTICLE_TEXT};
        new MutationObserver(() => window.shownTexts.push(text()))
        .observe(document.getElementById('result'), {{childList: true}}); }}"""
    )
    first = (CORPUS / "news.txt").read_text(encoding="utf-8")
    page.fill("#draft", first)  # pasted: one input event, then a pause that sends it
    page.wait_for_timeout(450)
    typed = "\nKetamine blocks the NMDA receptor, and esketamine is a nasal spray."
    page.locator("#draft").press_sequentially(typed, delay=20)
    settled(page)
    final = first + typed
    keystrokes = 1 + len(typed)
    assert len(posted) < keystrokes / 10, posted
    assert posted[-1] == final
    assert max(out) == 1  # never two requests out at once
    shown = page.evaluate("window.shownTexts")
    assert shown[-1] == final
    # no report of an older draft ever replaced that of a newer one
    assert all(final.startswith(text) for text in shown)
    assert [len(text) for text in shown] == sorted(len(text) for text in shown)
    assert seen.errors == []
    assert seen.outside == []
    page.close()


def test_markdown_download_is_the_cli_report(
    kg, browser: Browser, served: Served, tmp_path: Path
) -> None:
    seen = editor(browser, served)
    page = seen.page
    text = f"{SUPPORTED} {CONTRADICTED}\n\nEsketamine is a nasal spray | used with care.\n"
    page.fill("#draft", text)
    settled(page)
    with page.expect_download() as download_info:
        page.click("#download")
    download = download_info.value
    assert download.suggested_filename == "draft-coverage.md"
    (tmp_path / "draft").write_text(text, encoding="utf-8")
    cli = kg("coverage", "draft", "--format", "md", cwd=tmp_path)
    assert cli.returncode == 0
    assert Path(download.path()).read_text(encoding="utf-8") == cli.stdout
    assert seen.errors == []
    assert seen.outside == []
    page.close()


def test_nothing_in_a_draft_reaches_beyond_the_server(browser: Browser, served: Served) -> None:
    seen = editor(browser, served)
    page = seen.page
    page.select_option("#kind", "html")
    page.fill(
        "#draft",
        '<p>Ketamine <img src="https://example.org/pixel.png"> blocks the NMDA receptor.</p>'
        '<link rel="stylesheet" href="https://example.org/s.css">'
        '<script src="https://example.org/x.js"></script><a href="https://example.org/">more</a>',
    )
    settled(page)
    assert page.locator("#result .text mark").count() == 2
    assert page.locator("#result img, #result script, #result link").count() == 0
    page.wait_for_timeout(300)
    assert seen.errors == []
    assert seen.outside == []
    page.close()


def test_fact_check_marks_sentences(browser: Browser, served: Served) -> None:
    seen = editor(browser, served)
    page = seen.page
    page.fill("#draft", f"{SUPPORTED} {CONTRADICTED}")
    settled(page)
    report = page.evaluate("window.coverageReport")
    contradicted = [c for c in report["checks"] if c["verdict"] == "contradicted"]
    assert [c["sentence"] for c in contradicted] == [CONTRADICTED]
    assert page.locator("#result .text .check.verdict-contradicted").all_text_contents() == [
        CONTRADICTED
    ]
    number = report["checks"].index(contradicted[0]) + 1
    entry = page.locator(f"#check-{number}")
    assert entry.get_attribute("data-verdict") == "contradicted"
    graph_claim = contradicted[0]["graph_claims"][0]
    assert f"{graph_claim['subject']} {graph_claim['predicate']}" in entry.inner_text()
    assert [a.get_attribute("href") for a in entry.locator("a").all()] == [
        s["url"] for c in contradicted[0]["graph_claims"] for s in c["sources"] if s["url"]
    ]
    page.click(f"#result sup a[href='#check-{number}']")
    assert page.evaluate("location.hash") == f"#check-{number}"
    assert seen.errors == []
    assert seen.outside == []
    page.close()


# WCAG 2.1 relative luminance and contrast ratio, from the colours chromium computed
CONTRAST = """() => {
  const rgb = (css) => css.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const lum = (c) => { const [r, g, b] = c.map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const texts = [...document.querySelectorAll('#result *, #result')].filter((el) =>
    [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
  const text = texts.map((el) => [el.className || el.tagName, el.textContent.slice(0, 30),
    ratio(rgb(getComputedStyle(el).color).slice(0, 3), background(el))]);
  const lines = [...document.querySelectorAll('#result .check')].map((el) => [el.className,
    el.textContent.slice(0, 30), ratio(rgb(getComputedStyle(el).textDecorationColor).slice(0, 3),
    background(el))]);
  return {text, lines};
}"""


def test_colours_keep_wcag_aa_contrast(browser: Browser, served: Served) -> None:
    seen = editor(browser, served)
    page = seen.page
    page.fill("#draft", f"{SUPPORTED} {CONTRADICTED} {UNSUPPORTED} {OVERSTATED}")
    settled(page)
    verdicts = {c["verdict"] for c in page.evaluate("window.coverageReport.checks")}
    assert verdicts == {"supported", "contradicted", "unsupported", "overstated"}
    # every grade's badge, drawn by the page's own style sheet
    page.evaluate(
        """() => document.querySelector('#result .score').insertAdjacentHTML('beforeend',
        ['A', 'B', 'C', 'D', 'E', 'F'].map(g => `<span class="grade grade-${g}">${g}</span>`)
        .join(''))"""
    )
    measured = page.evaluate(CONTRAST)
    low_text = [m for m in measured["text"] if m[2] < 4.5]
    low_lines = [m for m in measured["lines"] if m[2] < 3]
    assert low_text == []
    assert low_lines == []
    assert len(measured["lines"]) >= 8  # the legend's four and the article's sentences
    page.close()


def test_fits_a_phone(browser: Browser, served: Served) -> None:
    seen = editor(browser, served)
    page = seen.page
    page.set_viewport_size({"width": 375, "height": 812})
    page.set_input_files("#file", str(CORPUS / "clinic-blog.md"))
    settled(page)
    assert page.locator("#result .text mark").count() > 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    editor_box = page.locator("#draft").bounding_box()
    result_box = page.locator("#result").bounding_box()
    assert editor_box is not None and result_box is not None
    assert result_box["y"] >= editor_box["y"] + editor_box["height"]  # stacked, not beside
    assert result_box["width"] <= 375
    assert seen.outside == []
    page.close()


def test_standalone_report_marks_the_fact_check(kg, browser: Browser, tmp_path: Path) -> None:
    article = tmp_path / "claims.txt"
    article.write_text(f"{SUPPORTED} {CONTRADICTED}\n\n<b>More</b> to come.\n", encoding="utf-8")
    out = tmp_path / "claims.html"
    assert kg("coverage", str(article), "--format", "html", "--out", str(out)).returncode == 0
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url == out.as_uri() else outside.append(r.url))
    page.goto(out.as_uri())
    assert page.locator(".text .check.verdict-contradicted").all_text_contents() == [CONTRADICTED]
    assert page.locator(".checks li[data-verdict=contradicted] q").all_text_contents() == [
        CONTRADICTED
    ]
    assert page.locator(".text b").count() == 0  # the article's markup is shown, not obeyed
    assert "<b>More</b> to come." in page.inner_text(".text")
    assert outside == []
    page.close()
