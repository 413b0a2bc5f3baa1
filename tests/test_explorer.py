"""The explorer as a visitor meets it, in Debian's chromium at desktop, tablet and phone sizes:
the first view readable, routes along the mechanism paths, deep links, the list view, the
keyboard, and the groups it colours by."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from kg.errors import DataError
from kg.site import build_site
from kg.site_groups import EXPLORER_DIR, load_groups
from kg.store import LocalStore, load_store
from tests.axe import axe_violations
from tests.browser import visit

CONCEPT = "https://w3id.org/treatment-kg/concept/"
DESKTOP, TABLET, PHONE = (1440, 900), (768, 1024), (390, 844)


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(LocalStore(load_store()), tmp_path_factory.mktemp("site")).path


@pytest.fixture
def open_page(browser: Browser, page_file: Path) -> Iterator:
    opened: list[Page] = []

    def at(size: tuple[int, int] = DESKTOP, fragment: str = "") -> Page:
        seen = visit(browser, page_file.as_uri(), "explorerReady")
        page = seen.page
        opened.append(page)
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.evaluate("window.explorerReady = false")
        page.goto(page_file.as_uri() + fragment)
        page.reload()
        page.wait_for_function("() => window.explorerReady === true")
        assert seen.errors == [] and seen.outside == []
        return page

    yield at
    for page in opened:
        page.close()


# label boxes on screen: centre from the network's positions, width measured with the label's
# own font, top and height from where vis-network drew the label (moved by its vadjust)
LABEL_BOXES = """() => {
  const network = window.explorer.network;
  const scale = network.getScale();
  const positions = network.getPositions(network.body.nodeIndices);
  const context = document.createElement("canvas").getContext("2d");
  return network.body.nodeIndices.map((id) => {
    const node = network.body.nodes[id];
    const font = node.labelModule.fontOptions;
    context.font = font.size + "px " + font.face;
    const width = context.measureText(node.options.label).width * scale;
    const centre = network.canvasToDOM(positions[id]);
    const top = network.canvasToDOM({x: 0, y: node.labelModule.size.top + font.vadjust}).y;
    return {label: node.options.label, size: font.size * scale, left: centre.x - width / 2,
            right: centre.x + width / 2, top, bottom: top + node.labelModule.size.height * scale};
  });
}"""


def test_first_view_shows_the_mechanism_paths_with_readable_labels_apart(open_page) -> None:
    page = open_page(DESKTOP)
    assert page.get_attribute('#views [data-view="mechanism"]', "aria-pressed") == "true"
    boxes = page.evaluate(LABEL_BOXES)
    labels = {b["label"] for b in boxes}
    assert {"ketamine", "NMDA receptor", "glutamate surge", "AMPA receptor", "BDNF"} <= labels
    assert {"depression", "(2R,6R)-hydroxynorketamine"} <= labels
    assert "nausea" not in labels and "esketamine" not in labels  # one drug's paths at a time
    assert page.is_visible("#drug") and page.input_value("#drug").endswith("/ketamine")
    assert min(b["size"] for b in boxes) >= 12
    width, height = page.evaluate(
        "[document.querySelector('#network').clientWidth, "
        "document.querySelector('#network').clientHeight]"
    )
    for box in boxes:
        assert box["left"] >= 0 and box["right"] <= width, box
        assert box["top"] >= 0 and box["bottom"] <= height, box
    overlapping = [
        (a["label"], b["label"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]
    assert overlapping == []
    # left to right in the direction the paths run
    x = page.evaluate(
        "Object.fromEntries(Object.entries(window.explorer.network.getPositions())"
        ".map(([id, p]) => [id.split('/').pop(), p.x]))"
    )
    chain = ["ketamine", "nmda-receptor", "glutamate-surge", "ampa-receptor", "bdnf", "depression"]
    assert [x[c] for c in chain] == sorted(x[c] for c in chain)
    assert "How to read this" in (page.text_content("#how-to-read") or "")


def test_each_drug_and_therapy_has_its_own_mechanism_view(open_page) -> None:
    page = open_page(DESKTOP)
    options = page.locator("#drug option").all_text_contents()
    assert len(options) >= 20 and "ketamine (6 paths)" in options
    assert "transcranial magnetic stimulation (2 paths)" in options
    page.select_option("#drug", label="sertraline (1 path)")
    labels = {b["label"] for b in page.evaluate(LABEL_BOXES)}
    assert {"sertraline", "serotonin transporter", "depression"} <= labels
    assert "ketamine" not in labels and "NMDA receptor" not in labels
    x = page.evaluate(
        "Object.fromEntries(Object.entries(window.explorer.network.getPositions())"
        ".map(([id, p]) => [id.split('/').pop(), p.x]))"
    )
    assert x["sertraline"] < x["serotonin-transporter"] < x["depression"]
    # a concept on another drug's paths brings that drug's view
    page = open_page(DESKTOP, "#concept=gaba-a-receptor")
    assert page.get_attribute('#views [data-view="mechanism"]', "aria-pressed") == "true"
    assert page.text_content("#details h2.concept") == "GABA-A receptor"
    assert page.input_value("#drug").rsplit("/", 1)[-1] in {"zuranolone", "brexanolone"}


@pytest.mark.parametrize("size", [DESKTOP, TABLET, PHONE], ids=["desktop", "tablet", "phone"])
def test_the_graph_gets_the_room(open_page, size: tuple[int, int]) -> None:
    page = open_page(size)
    width, height = page.evaluate(
        "(() => { const c = document.querySelector('#network canvas').getBoundingClientRect();"
        " return [c.width, c.height]; })()"
    )
    page.wait_for_timeout(500)
    assert (
        page.evaluate("document.querySelector('#network canvas').getBoundingClientRect().height")
        == height
    )  # the canvas does not grow with each resize of vis-network's
    if size[0] < 900:
        assert width == size[0]
        assert height >= 0.6 * size[1]
        # too narrow for the whole mechanism at a readable size: its start, readable
        boxes = page.evaluate(LABEL_BOXES)
        assert min(b["size"] for b in boxes) >= 12
        shown = {b["label"] for b in boxes if b["right"] > 0 and b["left"] < width}
        assert {"ketamine", "NMDA receptor", "norketamine"} <= shown
        assert page.is_hidden("#tools")  # filters wait in the drawer
        page.click("#drawer-button")
        assert page.is_visible("#route-from")
        page.keyboard.press("Escape")
        assert page.is_hidden("#tools")
        page.fill("#search", "bdnf")
        page.keyboard.press("Enter")
        sheet = page.locator("#details").bounding_box()
        assert sheet is not None and sheet["y"] + sheet["height"] == size[1]  # a bottom sheet
        assert sheet["width"] == size[0]
    else:
        assert width >= 0.75 * size[0] and height >= 0.8 * size[1]
    assert page.evaluate("document.documentElement.scrollWidth") == size[0]


def route_steps(page: Page, route: int = 0) -> list[str]:
    return page.locator("#details ol.route").nth(route).locator("> li").all_text_contents()


def test_route_from_ketamine_to_neuroplasticity_follows_the_mechanism(open_page) -> None:
    page = open_page(DESKTOP)
    page.fill("#route-from", "ketamine")
    page.fill("#route-to", "neuroplasticity")
    page.click("#route-button")
    steps = route_steps(page)
    assert steps[0].startswith("ketamine blocks NMDA receptor · established")
    assert "Autry et al. 2011, Nature" in steps[0]
    order = ["NMDA receptor", "glutamate surge", "AMPA receptor", "BDNF", "neuroplasticity"]
    passed = [s.split(" · ")[0] for s in steps]
    positions = [next(i for i, s in enumerate(passed) if s.endswith(" " + c)) for c in order]
    assert positions == sorted(positions) and len(steps) == 8
    first = page.locator("#details ol.route").first.locator("> li").first
    assert first.locator("a", has_text="Autry").get_attribute("href") == (
        "https://doi.org/10.1038/nature10130"
    )
    direct = page.locator("#details ul.direct > li").all_text_contents()
    assert any(d.startswith("ketamine promotes neuroplasticity") for d in direct)
    assert page.evaluate("location.hash") == "#route=ketamine,neuroplasticity"
    # the rest of the graph dimmed (its pixels paler than the group's colour); Esc clears
    pixel = """id => { const network = window.explorer.network;
      network.redraw();
      const at = network.canvasToDOM(network.getPositions([id])[id]);
      const canvas = document.querySelector('#network canvas');
      const ratio = canvas.width / canvas.clientWidth;
      return [...canvas.getContext('2d').getImageData(at.x * ratio, at.y * ratio, 1, 1).data]; }"""
    page.wait_for_timeout(100)
    assert page.evaluate(f"({pixel})('{CONCEPT}bdnf')")[:3] == [0x1F, 0x5F, 0xA8]
    assert min(page.evaluate(f"({pixel})('{CONCEPT}mu-opioid-receptor')")[:3]) > 200
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)
    assert page.evaluate(f"({pixel})('{CONCEPT}mu-opioid-receptor')")[:3] == [0x1F, 0x5F, 0xA8]
    assert page.is_hidden("#details")
    assert page.evaluate("location.hash") == ""


def test_route_from_ketamine_to_depression_is_found(open_page) -> None:
    page = open_page(DESKTOP)
    page.fill("#route-from", "ketamine")
    page.fill("#route-to", "depression")
    page.click("#route-button")
    assert page.locator("#details ol.route").count() == 5
    for route in range(5):
        assert route_steps(page, route)[-1].startswith(
            "antidepressant effect alleviates depression"
        )
    assert "established" in (page.locator("#details p.note").first.text_content() or "")


def test_route_through_treatment_claims(open_page) -> None:
    page = open_page(DESKTOP)
    page.evaluate(
        f"window.explorer.routeBetween('{CONCEPT}esketamine', '{CONCEPT}mdd-with-suicidal-ideation')"
    )
    assert page.locator("#details ul.direct > li").count() >= 1
    assert "approved for" in (page.text_content("#details ul.direct") or "")


def test_deep_links_open_what_they_name(open_page) -> None:
    page = open_page(DESKTOP, "#concept=bdnf")
    assert page.text_content("#details h2.concept") == "BDNF"
    assert page.evaluate("window.explorer.network.getSelectedNodes()") == [f"{CONCEPT}bdnf"]
    page = open_page(DESKTOP, "#route=ketamine,neuroplasticity")
    assert route_steps(page)[1].startswith("NMDA receptor when blocked, leads to glutamate surge")
    page.click("#details a:text-is('AMPA receptor') >> nth=0")
    assert page.evaluate("location.hash") == "#concept=ampa-receptor"
    page = open_page(DESKTOP, "#concept=nausea")  # not in the first view: shown in everything
    assert page.get_attribute('#views [data-view="everything"]', "aria-pressed") == "true"
    assert page.text_content("#details h2.concept") == "nausea"


def test_list_view_is_a_searchable_text_alternative(open_page) -> None:
    page = open_page(DESKTOP)
    assert "List view" in (page.get_attribute("#network", "aria-label") or "")
    page.click('#views [data-view="list"]')
    assert page.is_hidden("#network")
    # the first 200 of 304 concepts; the filter finds the rest
    assert page.locator("#list > li").count() == 200
    page.fill("#list-filter", "NMDA")
    entry = page.locator("#list > li", has=page.locator("h3 a:text-is('NMDA receptor')"))
    assert entry.count() == 1
    assert entry.locator("a", has_text="when blocked, leads to glutamate surge").count() == 1
    assert "matching “NMDA”" in (page.text_content("#list-count") or "")
    ketamine = page.locator("#list > li", has=page.locator("h3 a:text-is('ketamine')"))
    assert ketamine.locator("a", has_text="Autry et al. 2011, Nature").count() >= 1


def test_keyboard_reaches_the_details_of_a_found_concept_in_three_tabs(open_page) -> None:
    page = open_page(DESKTOP)
    page.focus("#search")
    page.keyboard.type("bdnf")
    assert page.get_attribute("#search", "aria-expanded") == "true"
    active = page.get_attribute("#search", "aria-activedescendant")
    assert page.get_attribute(f"#{active}", "role") == "option"
    page.keyboard.press("Enter")
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.querySelector('#details').contains(document.activeElement)"):
            break
    else:
        pytest.fail("the details were not reached in 3 Tab presses")
    assert page.text_content("#details h2.concept") == "BDNF"


def test_every_control_is_named(open_page) -> None:
    page = open_page(DESKTOP)
    unnamed = page.evaluate(
        """[...document.querySelectorAll('input, select, button')].filter(e =>
          !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
          && !e.textContent.trim()).map(e => e.outerHTML)"""
    )
    assert unnamed == []
    assert page.get_attribute("#suggestions", "aria-label")


def test_views_are_one_click_away(open_page) -> None:
    page = open_page(DESKTOP)
    page.click('#views [data-view="everything"]')
    assert page.evaluate("window.explorer.network.body.nodeIndices.length") == 304
    page.click('#views [data-view="treatments"]')
    page.select_option("#condition", label="treatment-resistant depression")
    shown = page.evaluate(
        "window.explorer.network.body.nodeIndices.map(id => DATA.nodes.find(n => n.id === id).label)"
    )
    assert sorted(shown) == [
        "Stanford neuromodulation therapy",
        "cognitive behavioural therapy",
        "deep brain stimulation",
        "electroconvulsive therapy",
        "esketamine",
        "fluoxetine",
        "intermittent theta-burst stimulation",
        "ketamine",
        "psilocybin",
        "transcranial magnetic stimulation",
        "treatment-resistant depression",
        "vagus nerve stimulation",
    ]


def test_legend_counts_and_only(open_page) -> None:
    page = open_page(DESKTOP)
    page.click('#views [data-view="everything"]')
    label = page.locator("#group-filters label", has_text="drugs and therapies")
    assert label.text_content() == "drugs and therapies (76)"
    page.click('#group-filters button[aria-label="Only drugs and therapies"]')
    assert page.evaluate("window.explorer.network.body.nodeIndices.length") == 76
    page.click('#group-filters button[aria-label="None groups"]')
    assert page.evaluate("window.explorer.network.body.nodeIndices.length") == 0


@pytest.mark.parametrize("size", [DESKTOP, TABLET, PHONE], ids=["desktop", "tablet", "phone"])
def test_axe_finds_nothing_serious(open_page, size: tuple[int, int]) -> None:
    page = open_page(size, "#route=ketamine,neuroplasticity")
    found = axe_violations(page)
    page.keyboard.press("Escape")
    page.fill("#search", "ket")
    found += axe_violations(page)
    page.keyboard.press("Enter")
    found += axe_violations(page)
    if size[0] < 900:
        page.click("#drawer-button")
        found += axe_violations(page)
        page.click("#drawer-close")
    page.click('#views [data-view="list"]')
    page.fill("#list-filter", "nmda")
    found += axe_violations(page)
    assert not found, "\n".join(str(v) for v in found)


def _contrast(colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_groups_are_few_readable_and_cover_every_category(shipped_store: LocalStore) -> None:
    from kg.query import load_query, run_select

    concept_groups, claim_groups = load_groups()
    assert len(concept_groups.groups) <= 8
    assert all(_contrast(g.colour) >= 3 for g in concept_groups.groups)
    assert len({g.shape for g in concept_groups.groups[:-1]}) == len(concept_groups.groups) - 1
    categories = {
        str(r["category"]) for r in run_select(shipped_store, load_query("concepts").text)
    }
    assert categories <= set(concept_groups.of_category)
    predicates = {str(r["predicate"]) for r in run_select(shipped_store, load_query("claims").text)}
    assert predicates <= set(claim_groups.of_predicate)
    assert claim_groups.names == ["mechanism", "treatment and status", "side effects", "other"]


def test_a_bad_group_file_names_its_line(tmp_path: Path) -> None:
    for name in ("groups.tsv", "categories.tsv", "predicates.tsv"):
        (tmp_path / name).write_text((EXPLORER_DIR / name).read_text())
    (tmp_path / "categories.tsv").write_text("Drug\tdrugs\n")
    with pytest.raises(DataError) as raised:
        load_groups(tmp_path)
    assert str(raised.value) == f"{tmp_path / 'categories.tsv'}:1: unknown group 'drugs'"
