"""Write the graph in the formats other tools read: RDF (Turtle, N-Triples, JSON-LD with a
context), GraphML for networkx, Gephi and Cytoscape, CSV nodes and edges for Neo4j, KGX TSV for
the Biolink world, and SSSOM TSV for the external mappings."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.errors import DataError
from kg.files import STDOUT, written_in_place
from kg.query import load_query, run_select
from kg.results import PREFIXES
from kg.store import LocalStore, Store
from kg.tables import Record, graph_tables
from kg.wording import counted

__all__ = ["EXPORTERS", "export_graph"]

ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def _constructed(store: Store) -> list[ox.Triple]:
    result = store.query(ALL_TRIPLES)
    assert isinstance(result, list)
    return result


def _rdf(fmt: ox.RdfFormat) -> Callable[[Store, Path], str]:
    def write(store: Store, out: Path) -> str:
        prefixes = PREFIXES if fmt != ox.RdfFormat.N_TRIPLES else None
        if isinstance(store, LocalStore):
            # pyoxigraph writes its own store without a Python object per triple
            store.store.dump(
                output=str(out), format=fmt, from_graph=ox.DefaultGraph(), prefixes=prefixes
            )
            return counted(_default_graph_size(store.store), "triple")
        triples = _constructed(store)
        ox.serialize(triples, output=str(out), format=fmt, prefixes=prefixes)
        return counted(len(triples), "triple")

    return write


def _default_graph_size(store: ox.Store) -> int:
    if next(iter(store.named_graphs()), None) is None:
        return len(store)
    [row] = run_select(LocalStore(store), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(row["n"] or 0)


def _jsonld(store: Store, out: Path) -> str:
    """JSON-LD compacted with the project's prefixes as its @context."""
    from kg.jsonld import write_jsonld

    fmt = ox.RdfFormat.N_TRIPLES
    if isinstance(store, LocalStore):
        ntriples = store.store.dump(format=fmt, from_graph=ox.DefaultGraph())
    else:
        ntriples = ox.serialize(_constructed(store), format=fmt)
    return counted(write_jsonld(bytes(ntriples or b""), out, PREFIXES), "triple")


GRAPHML_HEADER = """<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns \
http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
"""
# The attributes kg.network.concept_network gives networkx, in GraphML as networkx writes them.
NODE_ATTRIBUTES = ["label", "category", "definition", "synonyms", "identifiers"]
EDGE_ATTRIBUTES = ["predicate", "predicate_iri", "status", "note", "sources"]


def _graphml_data(keys: int, values: list[str]) -> str:
    return "".join(
        f'      <data key="d{keys + i}">{escape(value)}</data>\n'
        if value
        else f'      <data key="d{keys + i}" />\n'
        for i, value in enumerate(values)
    )


def _graphml(store: Store, out: Path) -> str:
    """Concepts as nodes and claims as edges keyed by their IRI, with the attributes of
    kg.network.concept_network (lists joined with ' | '), written as they are read: building
    the networkx graph first took twice as long as the rest."""
    nodes, edges = graph_tables(store)
    with out.open("w", encoding="utf-8") as file:
        file.write(GRAPHML_HEADER)
        for i, name in enumerate(NODE_ATTRIBUTES + EDGE_ATTRIBUTES):
            kind = "node" if i < len(NODE_ATTRIBUTES) else "edge"
            file.write(f'  <key id="d{i}" for="{kind}" attr.name="{name}" attr.type="string" />\n')
        file.write('  <graph edgedefault="directed">\n')
        for n in nodes:
            values = [n["label"], n["category"], n["definition"], " | ".join(n["synonyms"])]
            values.append(" | ".join(i["curie"] for i in n["identifiers"]))
            file.write(
                f"    <node id={quoteattr(n['id'])}>\n{_graphml_data(0, values)}    </node>\n"
            )
        for e in edges:
            sources = " | ".join(s["citation"] for s in _supporting(e))
            values = [e["label"], e["predicate"], e["status"], e["note"], sources]
            ends = f"source={quoteattr(e['from'])} target={quoteattr(e['to'])}"
            data = _graphml_data(len(NODE_ATTRIBUTES), values)
            file.write(f"    <edge {ends} id={quoteattr(e['id'])}>\n{data}    </edge>\n")
        file.write("  </graph>\n</graphml>\n")
    return _nodes_and_edges(len(nodes), len(edges))


def _nodes_and_edges(nodes: int, edges: int) -> str:
    return f"{counted(nodes, 'node')}, {counted(edges, 'edge')}"


def _write_table(
    path: Path,
    header: list[str],
    rows: Iterable[list[Any]],
    delimiter: str = ",",
    preamble: str = "",
) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        file.write(preamble)
        writer = csv.writer(file, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _supporting(edge: Record) -> list[Record]:
    return [s for s in edge["sources"] if s["role"] == "supports"]


CATEGORIES = (
    "PREFIX tkg: <https://w3id.org/treatment-kg/vocab/> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?category ?label WHERE { ?category a tkg:Category ; rdfs:label ?label }"
)


def _csv(store: Store, out: Path) -> str:
    """`out` is a folder: nodes.csv and edges.csv with neo4j-admin import headers; a node's
    labels are Concept and its category's own name (SideEffect for tkg:SideEffect)."""
    nodes, edges = graph_tables(store)
    names = {
        str(r["label"]): str(r["category"]).rsplit("/", 1)[-1]
        for r in run_select(store, CATEGORIES)
    }
    out.mkdir(parents=True, exist_ok=True)
    _write_table(
        out / "nodes.csv",
        [
            "id:ID",
            "name",
            ":LABEL",
            "category",
            "definition",
            "synonyms:string[]",
            "identifiers:string[]",
        ],
        (
            [
                n["id"],
                n["label"],
                "Concept;" + names[n["category"]],
                n["category"],
                n["definition"],
                ";".join(n["synonyms"]),
                ";".join(i["curie"] for i in n["identifiers"]),
            ]
            for n in nodes
        ),
    )
    _write_table(
        out / "edges.csv",
        [
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "claim",
            "predicate",
            "status",
            "note",
            "sources:string[]",
        ],
        (
            [
                e["from"],
                e["to"],
                e["label"].upper().replace(" ", "_").replace("-", "_"),
                e["id"],
                e["label"],
                e["status"],
                e["note"],
                ";".join(s["citation"] for s in _supporting(e)),
            ]
            for e in edges
        ),
    )
    return _nodes_and_edges(len(nodes), len(edges))


BIOLINK = "https://w3id.org/biolink/vocab/"
CLOSENESS = ["exactMatch", "closeMatch", "broadMatch"]


def _biolink(store: Store) -> tuple[dict[str, str], dict[str, str]]:
    """Each category and predicate IRI to its closest Biolink term as a biolink: CURIE, and each
    category label to its IRI."""
    best: dict[str, tuple[int, str]] = {}
    labels: dict[str, str] = {}
    for row in run_select(store, load_query("biolink-alignment").text):
        rank = CLOSENESS.index(str(row["match"]))
        term, curie = str(row["term"]), "biolink:" + str(row["biolink"]).removeprefix(BIOLINK)
        labels[str(row["label"])] = term
        if term not in best or rank < best[term][0]:
            best[term] = (rank, curie)
    return {term: curie for term, (_, curie) in best.items()}, labels


def _publication(source: Record) -> str | None:
    url = source.get("url") or ""
    if url.startswith("https://doi.org/"):
        return "doi:" + url.removeprefix("https://doi.org/")
    if url.startswith("https://pubmed.ncbi.nlm.nih.gov/"):
        return "PMID:" + url.removeprefix("https://pubmed.ncbi.nlm.nih.gov/").strip("/")
    return None  # a web page is no publication identifier


def _kgx(store: Store, out: Path) -> str:
    """`out` is a folder: nodes.tsv and edges.tsv in KGX's TSV layout, with Biolink categories
    and predicates; the project's own predicate stays in original_predicate."""
    nodes, edges = graph_tables(store)
    biolink, category_iris = _biolink(store)
    out.mkdir(parents=True, exist_ok=True)
    _write_table(
        out / "nodes.tsv",
        ["id", "category", "name", "description", "synonym", "xref"],
        (
            [
                n["id"],
                biolink.get(category_iris.get(n["category"], ""), "biolink:NamedThing"),
                n["label"],
                n["definition"],
                "|".join(n["synonyms"]),
                "|".join(i["curie"] for i in n["identifiers"] if i["match"] == "exactMatch"),
            ]
            for n in nodes
        ),
        delimiter="\t",
    )
    _write_table(
        out / "edges.tsv",
        [
            "id",
            "subject",
            "predicate",
            "object",
            "original_predicate",
            "publications",
            "knowledge_level",
            "agent_type",
            "tkg_status",
        ],
        (
            [
                e["id"],
                e["from"],
                biolink.get(e["predicate"], "biolink:related_to"),
                e["to"],
                e["predicate"],
                "|".join(p for s in _supporting(e) if (p := _publication(s))),
                "knowledge_assertion",
                "manual_agent",
                e["status"],
            ]
            for e in edges
        ),
        delimiter="\t",
    )
    return _nodes_and_edges(len(nodes), len(edges))


SSSOM_HEADER = """# curie_map:
#   skos: http://www.w3.org/2004/02/skos/core#
#   semapv: https://w3id.org/semapv/vocab/
#   concept: https://w3id.org/treatment-kg/concept/
{prefixes}# mapping_set_id: https://w3id.org/treatment-kg/mappings.sssom.tsv
"""
ID_SYSTEMS = (
    "PREFIX tkg: <https://w3id.org/treatment-kg/vocab/> "
    "SELECT ?prefix ?iri WHERE { ?s tkg:curiePrefix ?prefix ; tkg:iriPrefix ?iri }"
)


def _sssom(store: Store, out: Path) -> str:
    """The external mappings as an SSSOM table, curated by hand (semapv:ManualMappingCuration)."""
    systems = sorted(run_select(store, ID_SYSTEMS), key=lambda r: str(r["prefix"]))
    prefixes = "".join(f"#   {r['prefix']}: {r['iri']}\n" for r in systems)
    rows = run_select(store, load_query("mappings").text)
    _write_table(
        out,
        ["subject_id", "subject_label", "predicate_id", "object_id", "mapping_justification"],
        (
            [
                "concept:"
                + str(r["concept"]).removeprefix("https://w3id.org/treatment-kg/concept/"),
                r["label"],
                f"skos:{r['match']}",
                r["curie"],
                "semapv:ManualMappingCuration",
            ]
            for r in rows
        ),
        delimiter="\t",
        preamble=SSSOM_HEADER.format(prefixes=prefixes),
    )
    return counted(len(rows), "mapping")


EXPORTERS: dict[str, Callable[[Store, Path], str]] = {
    "turtle": _rdf(ox.RdfFormat.TURTLE),
    "ntriples": _rdf(ox.RdfFormat.N_TRIPLES),
    "jsonld": _jsonld,
    "graphml": _graphml,
    "csv": _csv,
    "kgx": _kgx,
    "sssom": _sssom,
}


FOLDER_FORMATS = {"csv", "kgx"}


def export_graph(store: Store, output_format: str, out: Path) -> str:
    """Write the graph to `out` (a folder for csv and kgx); says how many of what it wrote
    ("3 triples", "4 nodes, 3 edges", "2 mappings"). A failed or interrupted export leaves no
    half-written file behind."""
    if out == STDOUT and output_format in FOLDER_FORMATS:
        raise DataError(out, f"{output_format} writes a folder of files; give --out a folder")
    with written_in_place(out) as partial:
        return EXPORTERS[output_format](store, partial)
