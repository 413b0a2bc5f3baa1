"""Write the graph in the formats other tools read: RDF (Turtle, N-Triples, JSON-LD with a
context), GraphML for networkx, Gephi and Cytoscape, CSV nodes and edges for Neo4j, KGX TSV for
the Biolink world, and SSSOM TSV for the external mappings."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.query import load_query, run_select
from kg.results import PREFIXES
from kg.site import Record, explorer_data
from kg.store import Store

__all__ = ["EXPORTERS", "export_graph"]

ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def _triples(store: Store) -> list[ox.Triple]:
    result = store.query(ALL_TRIPLES)
    assert isinstance(result, list)
    return result


def _rdf(fmt: ox.RdfFormat) -> Callable[[Store, Path], int]:
    def write(store: Store, out: Path) -> int:
        triples = _triples(store)
        prefixes = PREFIXES if fmt != ox.RdfFormat.N_TRIPLES else None
        ox.serialize(triples, output=str(out), format=fmt, prefixes=prefixes)
        return len(triples)

    return write


def _jsonld(store: Store, out: Path) -> int:
    """JSON-LD compacted with the project's prefixes as its @context (rdflib; pyoxigraph writes
    expanded JSON-LD only)."""
    from rdflib import Graph

    graph = Graph()
    graph.parse(
        data=bytes(ox.serialize(_triples(store), format=ox.RdfFormat.N_TRIPLES) or b""), format="nt"
    )
    graph.serialize(out, format="json-ld", context=PREFIXES, auto_compact=True)
    return len(graph)


def _joined(values: list[str]) -> str:
    return " | ".join(values)


def _graphml(store: Store, out: Path) -> int:
    import networkx as nx

    nodes, edges = explorer_data(store)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for n in nodes:
        graph.add_node(
            n["id"],
            label=n["label"],
            category=n["category"],
            definition=n["definition"],
            synonyms=_joined(n["synonyms"]),
            identifiers=_joined([i["curie"] for i in n["identifiers"]]),
        )
    for e in edges:
        graph.add_edge(
            e["from"],
            e["to"],
            key=e["id"],
            predicate=e["label"],
            predicate_iri=e["predicate"],
            status=e["status"],
            note=e["note"],
            sources=_joined([s["citation"] for s in e["sources"] if s["role"] == "supports"]),
        )
    nx.write_graphml(graph, out)
    return graph.number_of_nodes() + graph.number_of_edges()


def _csv(store: Store, out: Path) -> int:
    """`out` is a folder: nodes.csv and edges.csv with neo4j-admin import headers."""
    nodes, edges = explorer_data(store)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "nodes.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(
            [
                "id:ID",
                "name",
                ":LABEL",
                "category",
                "definition",
                "synonyms:string[]",
                "identifiers:string[]",
            ]
        )
        for n in nodes:
            writer.writerow(
                [
                    n["id"],
                    n["label"],
                    "Concept;" + n["category"].replace(" ", ""),
                    n["category"],
                    n["definition"],
                    ";".join(n["synonyms"]),
                    ";".join(i["curie"] for i in n["identifiers"]),
                ]
            )
    with (out / "edges.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(
            [
                ":START_ID",
                ":END_ID",
                ":TYPE",
                "claim",
                "predicate",
                "status",
                "note",
                "sources:string[]",
            ]
        )
        for e in edges:
            writer.writerow(
                [
                    e["from"],
                    e["to"],
                    e["label"].upper().replace(" ", "_").replace("-", "_"),
                    e["id"],
                    e["label"],
                    e["status"],
                    e["note"],
                    ";".join(s["citation"] for s in e["sources"] if s["role"] == "supports"),
                ]
            )
    return len(nodes) + len(edges)


BIOLINK = "https://w3id.org/biolink/vocab/"
CLOSENESS = ["exactMatch", "closeMatch", "broadMatch"]


def _biolink(store: Store) -> dict[str, str]:
    """Each category and predicate IRI to its closest Biolink term, as a biolink: CURIE."""
    best: dict[str, tuple[int, str]] = {}
    for row in run_select(store, load_query("biolink-alignment").text):
        rank = CLOSENESS.index(str(row["match"]))
        term, curie = str(row["term"]), "biolink:" + str(row["biolink"]).removeprefix(BIOLINK)
        if term not in best or rank < best[term][0]:
            best[term] = (rank, curie)
    return {term: curie for term, (_, curie) in best.items()}


def _publication(source: Record) -> str | None:
    url = source.get("url") or ""
    if url.startswith("https://doi.org/"):
        return "doi:" + url.removeprefix("https://doi.org/")
    if url.startswith("https://pubmed.ncbi.nlm.nih.gov/"):
        return "PMID:" + url.removeprefix("https://pubmed.ncbi.nlm.nih.gov/").strip("/")
    return None  # a web page is no publication identifier


def _kgx(store: Store, out: Path) -> int:
    """`out` is a folder: nodes.tsv and edges.tsv in KGX's TSV layout, with Biolink categories
    and predicates; the project's own predicate stays in original_predicate."""
    nodes, edges = explorer_data(store)
    biolink = _biolink(store)
    categories = {
        str(r["label"]): str(r["term"])
        for r in run_select(store, load_query("biolink-alignment").text)
    }
    out.mkdir(parents=True, exist_ok=True)
    with (out / "nodes.tsv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter="\t", lineterminator="\n")
        writer.writerow(["id", "category", "name", "description", "synonym", "xref"])
        for n in nodes:
            category = biolink.get(categories.get(n["category"], ""), "biolink:NamedThing")
            writer.writerow(
                [
                    n["id"],
                    category,
                    n["label"],
                    n["definition"],
                    "|".join(n["synonyms"]),
                    "|".join(i["curie"] for i in n["identifiers"] if i["match"] == "exactMatch"),
                ]
            )
    with (out / "edges.tsv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter="\t", lineterminator="\n")
        writer.writerow(
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
            ]
        )
        for e in edges:
            publications = [
                p for s in e["sources"] if s["role"] == "supports" if (p := _publication(s))
            ]
            writer.writerow(
                [
                    e["id"],
                    e["from"],
                    biolink.get(e["predicate"], "biolink:related_to"),
                    e["to"],
                    e["predicate"],
                    "|".join(publications),
                    "knowledge_assertion",
                    "manual_agent",
                    e["status"],
                ]
            )
    return len(nodes) + len(edges)


SSSOM_HEADER = """# curie_map:
#   skos: http://www.w3.org/2004/02/skos/core#
#   semapv: https://w3id.org/semapv/vocab/
#   concept: https://w3id.org/treatment-kg/concept/
{prefixes}# mapping_set_id: https://w3id.org/treatment-kg/mappings.sssom.tsv
"""


def _sssom(store: Store, out: Path) -> int:
    """The external mappings as an SSSOM table, curated by hand (semapv:ManualMappingCuration)."""
    systems = run_select(
        store,
        "PREFIX tkg: <https://w3id.org/treatment-kg/vocab/> "
        "SELECT ?prefix ?iri WHERE { ?s tkg:curiePrefix ?prefix ; tkg:iriPrefix ?iri }",
    )
    prefixes = "".join(
        f"#   {r['prefix']}: {r['iri']}\n" for r in sorted(systems, key=lambda r: str(r["prefix"]))
    )
    rows = run_select(store, load_query("mappings").text)
    with out.open("w", newline="", encoding="utf-8") as file:
        file.write(SSSOM_HEADER.format(prefixes=prefixes))
        writer = csv.writer(file, delimiter="\t", lineterminator="\n")
        writer.writerow(
            ["subject_id", "subject_label", "predicate_id", "object_id", "mapping_justification"]
        )
        for r in rows:
            concept = "concept:" + str(r["concept"]).removeprefix(
                "https://w3id.org/treatment-kg/concept/"
            )
            writer.writerow(
                [
                    concept,
                    r["label"],
                    f"skos:{r['match']}",
                    r["curie"],
                    "semapv:ManualMappingCuration",
                ]
            )
    return len(rows)


EXPORTERS: dict[str, Callable[[Store, Path], int]] = {
    "turtle": _rdf(ox.RdfFormat.TURTLE),
    "ntriples": _rdf(ox.RdfFormat.N_TRIPLES),
    "jsonld": _jsonld,
    "graphml": _graphml,
    "csv": _csv,
    "kgx": _kgx,
    "sssom": _sssom,
}


RDF_FORMATS = {"turtle", "ntriples", "jsonld"}


def export_graph(store: Store, output_format: str, out: Path) -> tuple[int, str]:
    """Write the graph to `out` (a folder for csv); says how many of what it wrote: triples for
    the RDF formats, nodes and edges for the others."""
    count = EXPORTERS[output_format](store, out)
    unit = {"sssom": "mappings"}.get(output_format, "nodes and edges")
    return count, "triples" if output_format in RDF_FORMATS else unit
