"""kg/tables.py reads in bulk exactly the nodes and edges that the explorer reads through the
ordered saved queries, so `kg export` and `kg diff` say what the explorer shows."""

from __future__ import annotations

from kg.site import explorer_data
from kg.store import LocalStore
from kg.tables import graph_tables


def test_same_nodes_and_edges_as_the_explorer_on_the_shipped_graph(
    shipped_store: LocalStore,
) -> None:
    nodes, edges = graph_tables(shipped_store)
    assert (nodes, edges) == explorer_data(shipped_store)
    assert len(nodes) > 80 and len(edges) > 150
    assert any(e["sources"] and e["sources"][0]["role"] == "contests" for e in edges)


def test_same_nodes_and_edges_as_the_explorer_on_the_tiny_graph(tiny_store: LocalStore) -> None:
    assert graph_tables(tiny_store) == explorer_data(tiny_store)
