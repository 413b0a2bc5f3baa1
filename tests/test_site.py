"""`kg site` and the explorer page, driven in Debian's chromium by Playwright with every request
that would leave the page aborted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from kg.files import SITE_DIR
from kg.site import build_site
from kg.store import LocalStore, load_store
from tests.browser import Visit, visit
from tests.conftest import FIXTURES

CONCEPT = "https://w3id.org/treatment-kg/concept/"


@pytest.fixture(scope="module")
def shipped(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Visit]:
    report = build_site(LocalStore(load_store()), tmp_path_factory.mktemp("site"))
    seen = visit(browser, report.path.as_uri(), "explorerReady")
    yield seen
    seen.page.close()


def test_committed_site_is_built_from_the_shipped_data(tmp_path: Path) -> None:
    """site/ is committed so that the page opens without installing anything; rebuild it with
    `kg site` after changing data/ or kg/."""
    rebuilt = build_site(LocalStore(load_store()), tmp_path).path.read_bytes()
    assert (SITE_DIR / "index.html").read_bytes() == rebuilt, "site/ is stale: run `kg site`"


def test_build_is_deterministic(tmp_path: Path) -> None:
    first = build_site(LocalStore(load_store()), tmp_path / "a").path.read_bytes()
    second = build_site(LocalStore(load_store()), tmp_path / "b").path.read_bytes()
    assert first == second


def test_page_loads_offline_without_errors(shipped: Visit) -> None:
    assert shipped.errors == []
    assert shipped.outside == []


def test_network_holds_every_concept(shipped: Visit, shipped_store: LocalStore) -> None:
    from kg.query import run_select

    [row] = run_select(
        shipped_store,
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ?k . ?k a <https://w3id.org/treatment-kg/vocab/Category> }",
    )
    assert shipped.page.evaluate("window.explorer.nodes.length") == row["n"]
    shipped.page.click('#views [data-view="everything"]')
    assert shipped.page.evaluate("window.explorer.network.body.nodeIndices.length") == row["n"]


def test_search_selects_bdnf(shipped: Visit) -> None:
    page = shipped.page
    page.fill("#search", "bdnf")
    first = page.locator("#suggestions li").first
    assert first.text_content() == "BDNF"
    page.keyboard.press("Enter")
    assert page.evaluate("window.explorer.network.getSelectedNodes()") == [f"{CONCEPT}bdnf"]
    assert page.locator("#details h2.concept").text_content() == "BDNF"


def test_search_finds_synonyms(shipped: Visit) -> None:
    page = shipped.page
    page.fill("#search", "spravato")
    assert page.locator("#suggestions li").first.text_content() == "Spravato (esketamine)"


def test_group_filter_hides_its_nodes(shipped: Visit) -> None:
    page = shipped.page
    page.click('#views [data-view="everything"]')
    before = page.evaluate("window.explorer.nodeView.length")
    side_effects = page.evaluate(
        "DATA.nodes.filter(n => DATA.groups[n.group].name === 'effects and side effects').length"
    )
    assert side_effects == 92  # 78 side effects and 14 effects
    page.uncheck('#group-filters input[data-name="effects and side effects"]')
    assert page.evaluate("window.explorer.nodeView.length") == before - side_effects
    assert page.evaluate("window.explorer.network.body.nodeIndices.length") == before - side_effects
    page.click('#group-filters button[aria-label="All groups"]')
    assert page.evaluate("window.explorer.nodeView.length") == before


def test_hide_debated_claims(shipped: Visit) -> None:
    page = shipped.page
    page.click('#views [data-view="everything"]')
    debated = page.evaluate("DATA.edges.filter(e => e.status === 'debated').length")
    assert debated >= 10
    before = page.evaluate("window.explorer.edgeView.length")
    page.check("#hide-debated")
    assert page.evaluate("window.explorer.edgeView.length") == before - debated
    page.uncheck("#hide-debated")


def test_details_of_ketamine_show_the_source_of_nmda_blockade(shipped: Visit) -> None:
    page = shipped.page
    page.evaluate(f"window.explorer.select('{CONCEPT}ketamine')")
    claim = page.locator("#details ul.claims-out li", has_text="blocks NMDA receptor")
    assert claim.count() == 1
    autry = claim.locator("a", has_text="Autry et al. 2011, Nature")
    assert autry.get_attribute("href") == "https://doi.org/10.1038/nature10130"
    identifiers = page.locator("#details ul.identifiers a", has_text="CHEBI:6121")
    assert identifiers.get_attribute("href") == "http://purl.obolibrary.org/obo/CHEBI_6121"
    assert "dissociative anaesthetic" in (page.locator("#details .definition").text_content() or "")


def test_markup_in_the_data_shows_as_text_and_runs_nothing(
    browser: Browser, tmp_path: Path
) -> None:
    report = build_site(LocalStore(load_store([FIXTURES / "escaping.ttl"])), tmp_path)
    seen = visit(browser, report.path.as_uri(), "explorerReady")
    page = seen.page
    page.evaluate(f"window.explorer.select('{CONCEPT}evil')")
    details = page.locator("#details")
    assert page.locator("#details h2.concept").text_content() == "<img src=x onerror=alert(1)>"
    assert "<script>alert(2)</script>" in (details.text_content() or "")
    assert "</script><script>alert(3)</script> & <b>bold</b>" in (details.text_content() or "")
    assert "<iframe src=javascript:alert(6)></iframe>" in (details.text_content() or "")
    source = details.get_by_text("<img src=x onerror=alert(4)>")
    assert source.evaluate("e => e.tagName") == "SPAN"  # a javascript: page is not made a link
    page.fill("#search", "<scr")
    assert (
        page.locator("#suggestions li").first.text_content()
        == "<script>alert(2)</script> (<img src=x onerror=alert(1)>)"
    )
    assert page.evaluate("document.querySelectorAll('img, iframe, b').length") == 0
    assert seen.dialogs == [] and seen.errors == [] and seen.outside == []
    page.close()


def test_focus_builds_a_neighbourhood(kg, tmp_path: Path) -> None:
    result = kg("site", "--focus", "BDNF", "--depth", "1", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'focus-bdnf.html'}: 11 concepts, 15 claims\n"
    assert "BDNF and 1 step around it" in (tmp_path / "focus-bdnf.html").read_text()
    assert not (tmp_path / "index.html").exists()


def test_unknown_focus_is_explained(kg, tmp_path: Path) -> None:
    result = kg("site", "--focus", "bdfn", "--out", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == "Error: no concept is named 'bdfn'; close names: BDNF\n"
    assert not (tmp_path / "index.html").exists()
