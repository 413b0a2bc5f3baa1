"""Write the graph in the formats other tools read: RDF (Turtle, N-Triples, JSON-LD with a
context), GraphML for networkx, Gephi and Cytoscape, and CSV nodes and edges for Neo4j."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.results import PREFIXES
from kg.site import explorer_data
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


EXPORTERS: dict[str, Callable[[Store, Path], int]] = {
    "turtle": _rdf(ox.RdfFormat.TURTLE),
    "ntriples": _rdf(ox.RdfFormat.N_TRIPLES),
    "jsonld": _jsonld,
    "graphml": _graphml,
    "csv": _csv,
}


RDF_FORMATS = {"turtle", "ntriples", "jsonld"}


def export_graph(store: Store, output_format: str, out: Path) -> tuple[int, str]:
    """Write the graph to `out` (a folder for csv); says how many of what it wrote: triples for
    the RDF formats, nodes and edges for the others."""
    count = EXPORTERS[output_format](store, out)
    return count, "triples" if output_format in RDF_FORMATS else "nodes and edges"
