"""Build time and time until the explorer is interactive in headless chromium, for the shipped
graph and synthetic graphs of 500, 2,000 and 5,000 nodes, side by side with a plain pyvis page
of the same graph (physics on, as pyvis makes it) and a bare vis-network page with the same
precomputed positions; then the time the explorer takes to select a node (beside the bare page
selecting and zooming to the same node: vis-network's own floor), run a search and
show a route, each up to the end of the redraw that follows.

"Interactive" is the first frame the network has drawn with every node placed; the pyvis page
is counted when its physics has stabilised (stopped after LIMIT seconds). Targets: at 5,000
nodes the explorer is interactive within 1.2x the time of the bare vis-network page, and each
interaction takes under 200 ms.
Run: python -m benchmarks.site [NODES ...]
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from benchmarks.synthetic import (
    CLAIMS_PER_CONCEPT,
    TRIPLES_PER_CLAIM,
    TRIPLES_PER_CONCEPT,
    write_graph,
)
from kg.site import build_site, explorer_data
from kg.site_layout import force_layout
from kg.store import LocalStore, Store, load_store

LIMIT = 60.0
RUNS = 5
VIS = Path(__import__("pyvis").__file__).parent / "templates/lib/vis-9.1.2/vis-network.min.js"
BARE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body,#n{{height:100%;margin:0}}</style>
<script>{vis}</script></head><body><div id="n"></div><script>
const data = {data};
const network = new vis.Network(document.getElementById("n"),
  {{nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)}},
  {{physics: {{enabled: false}}, layout: {{improvedLayout: false}}, edges: {{arrows: "to", smooth: false}},
    nodes: {{shape: "dot"}}}});
network.once("afterDrawing", () => {{ window.ready = true; }});
window.explorer = {{ network, select: (id) => {{ network.selectNodes([id]);
  network.focus(id, {{ scale: 1, animation: false }}); }} }};
</script></body></html>"""


def _pyvis_page(store: Store, out: Path) -> None:
    from pyvis.network import Network

    nodes, edges = explorer_data(store)
    network = Network(height="900px", width="100%", directed=True, cdn_resources="in_line")
    network.nodes = [
        {"id": n["id"], "label": n["label"], "shape": "dot", "size": 10} for n in nodes
    ]
    network.edges = [
        {"from": e["from"], "to": e["to"], "title": e["label"], "arrows": "to"} for e in edges
    ]
    out.write_text(
        network.generate_html().replace(
            "network = new vis.Network(container, data, options);",
            "network = new vis.Network(container, data, options);"
            " network.once('stabilizationIterationsDone', () => { window.ready = true; });"
            " network.once('stabilized', () => { window.ready = true; });",
        )
    )


def _bare_page(store: Store, out: Path) -> None:
    nodes, edges = explorer_data(store)
    positions = force_layout(nodes, edges)
    data = {
        "nodes": [
            {
                "id": n["id"],
                "label": n["label"],
                "x": positions[n["id"]][0],
                "y": positions[n["id"]][1],
            }
            for n in nodes
        ],
        "edges": [{"from": e["from"], "to": e["to"], "label": e["label"]} for e in edges],
    }
    out.write_text(BARE_PAGE.format(vis=VIS.read_text(), data=json.dumps(data)))


def _interactive(browser: Browser, page_file: Path, flag: str, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        # abort what would leave the machine; file:// is not intercepted, since Playwright
        # passing a 9 MB page through a route handler took longer than the limit
        page.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
        start = time.perf_counter()
        try:
            page.goto(page_file.as_uri(), wait_until="commit", timeout=LIMIT * 1000)
            page.wait_for_function(
                f"() => window.{flag} === true", timeout=LIMIT * 1000, polling=50
            )
            times.append(time.perf_counter() - start)
        except Exception:
            times.append(LIMIT)
        page.close()
    return statistics.median(times)


# milliseconds for each interaction until the frame after it is painted; the route runs from
# the start of a claim that routes pass along to a concept two such claims ahead
INTERACTIONS = """async () => {
  const explorer = window.explorer;
  const painted = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
  const time = async (action) => {
    await painted();
    const start = performance.now();
    action();
    await painted();
    return performance.now() - start;
  };
  const ids = DATA.nodes.map((n) => n.id);
  const first = DATA.edges.find((e) => e.route && DATA.edges.some((f) => f.route && f.from === e.to));
  const second = first && DATA.edges.find((f) => f.route && f.from === first.to);
  const select = await time(() => explorer.select(ids[Math.floor(ids.length / 2)]));
  const search = await time(() => {
    const box = document.getElementById("search");
    box.value = DATA.nodes[ids.length - 1].label.slice(0, 12);
    box.dispatchEvent(new Event("input"));
  });
  const route = await time(() => explorer.routeBetween(first ? first.from : ids[0],
    second ? second.to : ids[ids.length - 1]));
  return [select, search, route];
}"""


# the same selection on the bare page: vis-network's own floor
BARE_SELECT = """async () => {
  const painted = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
  await painted();
  const start = performance.now();
  window.explorer.select(data.nodes[Math.floor(data.nodes.length / 2)].id);
  await painted();
  return performance.now() - start;
}"""


def _interactions(browser: Browser, page_file: Path, flag: str, script: str) -> Any:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
    page.goto(page_file.as_uri(), timeout=LIMIT * 1000)
    page.wait_for_function(f"() => window.{flag} === true", timeout=LIMIT * 1000)
    page.wait_for_timeout(500)  # idle time after the first view, as a visitor gives it
    times = page.evaluate(script)
    page.close()
    return times


def measure(browser: Browser, name: str, graph_files: list[Path] | None, folder: Path) -> None:
    store = LocalStore(load_store(graph_files))
    start = time.perf_counter()
    report = build_site(store, folder / "explorer")
    build = time.perf_counter() - start
    _pyvis_page(store, folder / "pyvis.html")
    _bare_page(store, folder / "bare.html")
    # our page and the bare one loaded in turn, so that a busy machine slows both alike
    pairs = [
        (
            _interactive(browser, report.path, "explorerReady", runs=1),
            _interactive(browser, folder / "bare.html", "ready", runs=1),
        )
        for _ in range(RUNS)
    ]
    ours = statistics.median(o for o, _ in pairs)
    bare = statistics.median(b for _, b in pairs)
    pyvis = _interactive(browser, folder / "pyvis.html", "ready", runs=1)  # slow: load it once
    select, search, route = _interactions(browser, report.path, "explorerReady", INTERACTIONS)
    bare_select = _interactions(browser, folder / "bare.html", "ready", BARE_SELECT)
    print(
        f"{name:<26}{report.concepts:>7}{report.claims:>8}{build:>9.2f}{ours:>10.2f}{bare:>9.2f}"
        f"{pyvis:>10.2f}{ours / bare:>10.2f}x{select:>10.0f}{bare_select:>10.0f}{search:>10.0f}"
        f"{route:>10.0f}"
    )


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [500, 2000, 5000]
    triples_per_node = TRIPLES_PER_CONCEPT + CLAIMS_PER_CONCEPT * TRIPLES_PER_CLAIM
    print(
        f"{'graph':<26}{'nodes':>7}{'edges':>8}{'build s':>9}{'ours s':>10}{'bare s':>9}"
        f"{'pyvis s':>10}{'ours/bare':>11}{'select ms':>10}{'bare sel':>10}"
        f"{'search ms':>10}{'route ms':>10}"
    )
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        folder = Path(tmp)
        measure(browser, "shipped graph", None, folder)
        for nodes in sizes:
            graph_file = folder / f"synthetic-{nodes}.ttl"
            write_graph(nodes * triples_per_node, graph_file)
            measure(browser, f"synthetic {nodes} nodes", [graph_file], folder)
        browser.close()
    print(
        f"(median of {RUNS} page loads; a page not interactive after {LIMIT:.0f} s counts as {LIMIT:.0f} s)"
    )


if __name__ == "__main__":
    main()
