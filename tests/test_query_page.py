"""The query page of `kg serve` in Debian's chromium, over a real server with the network
beyond it blocked: results as people read them, the saved queries under their questions, the
form that binds a saved query's parameters, and a phone's screen."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from playwright.sync_api import Browser, Page

from kg.query import QUERY_GROUPS, bind_params, load_query, run_query, saved_queries
from kg.results import PREFIXES
from kg.store import LocalStore
from tests.browser import Visit, visit
from tests.server import Served, fetch

CONCEPT = PREFIXES["concept"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def seen(browser: Browser, served: Served) -> Iterator[Visit]:
    """The query page, loaded; after the test, nothing it did may have left the origin or
    written an error to the console."""
    visited = visit(browser, served.url, "queryPageReady")
    yield visited
    assert visited.outside == []
    assert visited.errors == []
    visited.page.close()


def _run_saved(page: Page, name: str) -> None:
    page.click(f"button.example[data-name={name}]")
    page.click(".yasqe_queryButton")
    page.wait_for_selector("table.results tbody tr")


def _solutions(store: LocalStore, text: str) -> list[ox.QuerySolution]:
    result = run_query(store, text)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def _sideways_scroll(page: Page) -> int:
    """How many pixels the page is wider than the screen."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_results_show_prefixed_names_linked_to_the_explorer_with_labels(
    seen: Visit, shipped_store: LocalStore
) -> None:
    page = seen.page
    _run_saved(page, "concept-hierarchy")
    expected = _solutions(shipped_store, load_query("concept-hierarchy").text)
    rows = page.locator("table.results tbody tr")
    assert rows.count() == len(expected)
    # concept:ssri's label is not its name, so the label is shown beside it
    row = (
        rows.filter(has_text="selective serotonin reuptake inhibitor")
        .filter(has_text="traditional antidepressant")
        .first
    )
    link = row.locator("td").nth(0).locator("a.iri")
    assert link.inner_text() == "concept:ssri"
    assert link.get_attribute("href") == "explore#concept=selective-serotonin-reuptake-inhibitor"
    assert row.locator("td").nth(0).locator(".label").inner_text() == (
        "selective serotonin reuptake inhibitor"
    )
    # concept:depression says its label already
    depression = page.locator("a.iri", has_text="concept:depression").first
    assert depression.get_attribute("href") == "explore#concept=depression"
    assert depression.locator("xpath=following-sibling::*").count() == 0
    table = page.inner_text("table.results")
    assert CONCEPT not in table and "<http" not in table
    # the link leads to the explorer's page on this server
    assert fetch(page.url + "explore").status == 200


def test_numbers_and_strings_are_plain(seen: Visit, shipped_store: LocalStore) -> None:
    page = seen.page
    _run_saved(page, "concepts-per-category")
    expected = _solutions(shipped_store, load_query("concepts-per-category").text)
    shown = [
        page.locator("table.results tbody tr").nth(i).locator("td").all_inner_texts()
        for i in range(len(expected))
    ]
    assert shown == [[row["category"].value, row["concepts"].value] for row in expected]
    assert ["Side effect", "78"] in shown
    assert "^^" not in page.inner_text("table.results")
    assert page.locator("table.results td .number").count() == len(expected)


def test_saved_queries_are_grouped_with_their_descriptions(seen: Visit) -> None:
    page = seen.page
    headings = page.locator("#examples h3").all_inner_texts()
    assert headings == list(QUERY_GROUPS)
    queries = saved_queries()
    assert page.locator("button.example").count() == len(queries)
    for query in queries:
        group = page.locator(
            "#examples section.group", has=page.locator("h3", has_text=query.group)
        )
        button = group.locator(f"button.example[data-name={query.name}]")
        assert button.inner_text() == query.title
        described_by = button.get_attribute("aria-describedby")
        assert page.inner_text(f"#{described_by}") == query.description
    mechanisms = page.locator("#examples section.group").nth(1)
    assert mechanisms.locator("h3").inner_text() == "Mechanisms"
    assert "Mechanism path from a drug to a concept" in mechanisms.inner_text()


def test_parameter_form_binds_mechanism_path_through_the_concept_picker(
    seen: Visit, shipped_store: LocalStore
) -> None:
    page = seen.page
    assert page.is_hidden("#params")
    page.click("button.example[data-name=mechanism-path]")
    assert page.locator("#param-fields label").all_inner_texts() == ["drug", "target"]
    # a synonym finds its concept: Ketalar is a name of ketamine
    page.locator("#param-drug").press_sequentially("Ketal")
    option = page.locator("#param-fields .suggestion").first
    assert option.locator(".suggestion-label").inner_text() == "ketamine"
    assert option.locator(".suggestion-synonym").inner_text() == "Ketalar"
    option.click()
    assert page.input_value("#param-drug") == "ketamine"
    page.locator("#param-target").press_sequentially("neuroplas")
    assert page.get_attribute("#param-target", "aria-expanded") == "true"
    page.keyboard.press("Enter")  # takes the first suggestion; a second Enter runs the query
    assert page.input_value("#param-target") == "neuroplasticity"
    page.keyboard.press("Enter")
    page.wait_for_selector("table.results tbody tr")
    saved = load_query("mechanism-path")
    bound = bind_params(shipped_store, saved, {"drug": "ketamine", "target": "neuroplasticity"})
    assert page.evaluate("yasgui.getTab().getQuery()") == bound
    expected = _solutions(shipped_store, bound)
    rows = page.locator("table.results tbody tr")
    assert rows.count() == len(expected)
    first_path = [
        (row["subjectLabel"].value, row["objectLabel"].value)
        for row in expected
        if row["path"] == expected[0]["path"]
    ]
    shown = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(len(first_path))]
    assert shown == [subject for subject, _ in first_path]
    assert shown[:4] == ["ketamine", "NMDA receptor", "glutamate surge", "AMPA receptor"]


def test_parameter_form_says_which_name_it_does_not_know(seen: Visit) -> None:
    page = seen.page
    page.click("button.example[data-name=neighbourhood]")
    page.fill("#param-concept", "ketamin")
    page.click("#params button[type=submit]")
    page.wait_for_selector("#notice.error:not([hidden])")
    assert page.inner_text("#notice") == (
        "no concept is named 'ketamin'; close names: ketamine, S-ketamine, R-ketamine"
    )
    # the browser's own line for the refused request, and nothing else
    assert seen.errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    seen.errors.clear()


def test_phone_has_no_sideways_scroll_and_a_usable_editor(seen: Visit) -> None:
    page = seen.page
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_function("() => window.queryPageReady === true")
    assert _sideways_scroll(page) == 0
    page.click("button.example[data-name=mechanism-path]")
    assert _sideways_scroll(page) == 0
    editor = page.locator(".CodeMirror").first
    box = editor.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 150
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nLIMIT 3")
    assert page.evaluate("yasgui.getTab().getQuery()").endswith("\nLIMIT 3")
    for name, typed in [("drug", "ketamine"), ("target", "depression")]:
        page.fill(f"#param-{name}", typed)  # the picker's list fits the screen
        option = page.locator(f"#param-{name} + .suggestions .suggestion").first
        box = option.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]
        option.click()
    assert page.input_value("#param-target") == "depression"
    page.click("#params button[type=submit]")
    page.wait_for_selector("table.results tbody tr")
    assert _sideways_scroll(page) == 0  # a wide table scrolls inside its own box


def test_names_api_gives_labels_and_the_explorer_slugs(served: Served) -> None:
    reply = fetch(served.url + "api/names")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    names = json.loads(reply.body)
    assert names["labels"][CONCEPT + "ptsd"] == "post-traumatic stress disorder"
    assert names["labels"][PREFIXES["tkg"] + "blocks"] == "blocks"
    ptsd = next(c for c in names["concepts"] if c["iri"] == CONCEPT + "ptsd")
    assert ptsd["slug"] == "post-traumatic-stress-disorder"
    assert ptsd["category"] == "Condition"
    assert "PTSD" in ptsd["synonyms"]
    ketamine = next(c for c in names["concepts"] if c["iri"] == CONCEPT + "ketamine")
    assert "Ketalar" in ketamine["synonyms"]


@pytest.mark.parametrize(
    ("address", "status", "message"),
    [
        ("api/saved/mechanism-path?drug=ketamine", 400, "query 'mechanism-path' needs --param"),
        ("api/saved/neighbourhood?concept=nothing-like-this", 400, "no concept is named"),
        ("api/saved/neighbourhood?concept=BDNF&concept=TrkB", 400, "give each parameter once"),
        ("api/saved/neighbourhood?colour=red", 400, "has no parameter 'colour'"),
        ("api/saved/..%2F..%2Fetc%2Fpasswd", 404, "no saved query named '../../etc/passwd'"),
    ],
)
def test_saved_api_refuses_what_it_cannot_bind(
    served: Served, address: str, status: int, message: str
) -> None:
    reply = fetch(served.url + address)
    assert reply.status == status
    assert message in reply.text


def test_saved_api_binds_as_kg_query_does(served: Served, shipped_store: LocalStore) -> None:
    reply = fetch(served.url + "api/saved/neighbourhood?concept=Ketalar")
    assert reply.status == 200
    expected = bind_params(shipped_store, load_query("neighbourhood"), {"concept": "ketamine"})
    assert json.loads(reply.body) == {"name": "neighbourhood", "query": expected}
    assert fetch(served.url + "api/saved/neighbourhood", method="POST", data=b"").status == 405
