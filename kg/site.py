"""Build the explorer: one offline HTML page with the graph laid out here (kg/site_layout.py)
and drawn by vis-network (shipped with pyvis), opening on the mechanism paths, with views of
treatments and of everything, search, group filters, a legend, details, routes, deep links
and a list view as a text alternative."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import NamedTuple

import networkx as nx

from kg.files import SITE_DIR, STDOUT, write_atomically
from kg.query import resolve_concept
from kg.site_groups import VOCAB, load_groups
from kg.site_layout import FONT_SIZE, NODE_SIZE, force_layout, mechanism_layout, treatment_layout
from kg.store import Store
from kg.tables import Record, concept_slug, graph_tables, mechanism_paths
from kg.wording import counted

__all__ = [
    "TEMPLATE_DIR",
    "SiteReport",
    "build_site",
    "explorer_data",
    "page_data",
    "render_page",
]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# the claims the treatments view shows: what a treatment is for, or was tried for
TREATMENT_PREDICATES = {
    VOCAB + p for p in ("treats", "approvedFor", "usedOffLabelFor", "studiedFor")
}


class SiteReport(NamedTuple):
    """What `build_site` wrote."""

    path: Path
    concepts: int
    claims: int


def explorer_data(store: Store) -> tuple[list[Record], list[Record]]:
    """The page's nodes (concepts with names, definition and identifiers) and edges (claims with
    status, note and sources), read in bulk by kg.tables as the exports and diff read them."""
    return graph_tables(store)


def _neighbourhood(nodes: list[Record], edges: list[Record], centre: str, depth: int) -> set[str]:
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(n["id"] for n in nodes)
    graph.add_edges_from((e["from"], e["to"]) for e in edges)
    return set(nx.ego_graph(graph, centre, radius=depth).nodes)


def _mechanism_paths(store: Store, edges: list[Record]) -> list[Record]:
    """The mechanism paths whose claims the page holds: established first, then those of the
    drug with the most paths, so the best-supported account of the best-studied drug leads."""
    known = {e["id"] for e in edges}
    result = [p for p in mechanism_paths(store) if all(c in known for c in p["claims"])]
    per_drug = Counter(p["drug"] for p in result)
    return sorted(
        result, key=lambda p: (p["status"] != "established", -per_drug[p["drug"]], p["label"])
    )


def _views(nodes: list[Record], edges: list[Record], paths: list[Record]) -> Record:
    """The mechanism and treatments views: their positions (x, y, label above) by node and the
    claims they draw; the mechanism view one drug at a time, by drug IRI (forty paths drawn at
    once cross each other into a tangle; the page opens on the drug of the first path). The
    everything view draws all, at the nodes' own x and y."""
    labels = {n["id"]: n["label"] for n in nodes}
    edge = {e["id"]: e for e in edges}
    by_drug: dict[str, list[Record]] = {}
    for path in paths:
        by_drug.setdefault(path["drug"], []).append(path)
    treatments = [e for e in edges if e["predicate"] in TREATMENT_PREDICATES]
    return {
        "mechanism": {
            drug: {
                "positions": mechanism_layout(
                    [
                        [edge[p["claims"][0]]["from"], *(edge[c]["to"] for c in p["claims"])]
                        for p in drug_paths
                    ],
                    labels,
                ),
                "edges": sorted({c for p in drug_paths for c in p["claims"]}),
            }
            for drug, drug_paths in by_drug.items()
        },
        "treatments": {
            "positions": treatment_layout([(e["from"], e["to"]) for e in treatments], labels),
            "edges": [e["id"] for e in treatments],
        },
    }


# what only the details, the search and the list view read: sent apart, as JSON the page parses
# when first needed, so that a large graph draws without compiling it
NODE_DETAILS = ("definition", "synonyms", "identifiers")
EDGE_DETAILS = ("note", "sources")


def page_data(store: Store, nodes: list[Record], edges: list[Record]) -> Record:
    """Everything the page shows: nodes with slug, group and force-layout position, edges with
    their predicate group and whether routes follow them, the groups, the mechanism paths and
    the positions of the other views; and apart, under "details", the nodes' definitions,
    names and identifiers and the claims' notes and sources."""
    concept_groups, claim_groups = load_groups()
    positions = force_layout(nodes, edges)
    paths = _mechanism_paths(store, edges) if nodes else []
    views = _views(nodes, edges, paths)
    return {
        "nodes": [
            {
                "id": n["id"],
                "label": n["label"],
                "category": n["category"],
                "group": concept_groups.group_of(n["category"]),
                "slug": concept_slug(n["label"]),
                "x": positions[n["id"]][0],
                "y": positions[n["id"]][1],
            }
            for n in nodes
        ],
        "edges": [
            {
                "id": e["id"],
                "from": e["from"],
                "to": e["to"],
                "label": e["label"],
                "status": e["status"],
                "group": claim_groups.group_of(e["predicate"]),
                "route": e["predicate"] in claim_groups.routed,
            }
            for e in edges
        ],
        "groups": [g._asdict() for g in concept_groups.groups],
        "claimGroups": claim_groups.names,
        "paths": paths,
        "views": views,
        "font": FONT_SIZE,
        "nodeSize": NODE_SIZE,
        "details": {
            "nodes": {n["id"]: {k: n[k] for k in NODE_DETAILS} for n in nodes},
            "edges": {e["id"]: {k: e[k] for k in EDGE_DETAILS} for e in edges},
        },
    }


def render_page(data: Record, title: str) -> str:
    """The page's HTML: our template with vis-network (from pyvis) and all data inline."""
    import pyvis
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

    vis_templates = Path(pyvis.__file__).parent / "templates"
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATE_DIR), FileSystemLoader(vis_templates)]),
        autoescape=select_autoescape(default=True),
    )
    graph = {k: v for k, v in data.items() if k != "details"}
    return environment.get_template("explorer.html").render(
        heading=title, graph=graph, details=data["details"]
    )


def build_site(
    store: Store, out: Path = SITE_DIR, focus: str | None = None, depth: int = 2
) -> SiteReport:
    """Write the explorer page for the whole graph, or for the neighbourhood of `focus`.

    `out` is the page (a `.html` file, or `-` for standard output) or the folder it goes in:
    there the whole graph is `index.html` and a focused page `focus-<concept>.html`, so that a
    focused page never replaces the whole one.
    """
    nodes, edges = explorer_data(store)
    title, name = "treatment-kg explorer", "index.html"
    if focus is not None:
        centre = resolve_concept(store, focus).value
        keep = _neighbourhood(nodes, edges, centre, depth)
        nodes = [n for n in nodes if n["id"] in keep]
        edges = [e for e in edges if e["from"] in keep and e["to"] in keep]
        label = next(n["label"] for n in nodes if n["id"] == centre)
        title = f"treatment-kg explorer: {label} and {counted(depth, 'step')} around it"
        name = f"focus-{concept_slug(label)}.html"
    html = render_page(page_data(store, nodes, edges), title)
    is_page = out == STDOUT or out.suffix.lower() in {".html", ".htm"}
    target = write_atomically(out if is_page else out / name, html)
    return SiteReport(target, len(nodes), len(edges))
