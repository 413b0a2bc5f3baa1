"""The concept graph as a networkx MultiDiGraph, for networkx's algorithms and GraphML."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.site import explorer_data
from kg.store import Store

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["concept_network"]


def _joined(values: list[str]) -> str:
    return " | ".join(values)


def concept_network(store: Store) -> nx.MultiDiGraph[str]:
    """Concepts as nodes (label, category, definition, synonyms, identifiers), claims as edges
    keyed by their IRI (predicate, predicate_iri, status, note, sources). Lists are joined
    with ' | ', since GraphML keeps only plain values."""
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
    return graph
