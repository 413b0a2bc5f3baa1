"""Load the treatment graph from Turtle files into one rdflib graph."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.store import parse_turtle, with_schema

__all__ = ["CLAIM", "CONCEPT", "SOURCE", "TKG", "load_graph", "rdflib_graph"]

TKG = Namespace("https://w3id.org/treatment-kg/vocab/")
CONCEPT = Namespace("https://w3id.org/treatment-kg/concept/")
CLAIM = Namespace("https://w3id.org/treatment-kg/claim/")
SOURCE = Namespace("https://w3id.org/treatment-kg/source/")

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"RDF-star triple terms are not part of the data model: {term}")


def rdflib_graph(quads: Sequence[ox.Quad]) -> Graph:
    """Turn parsed quads into an rdflib graph with the project's prefixes bound."""
    graph = Graph()
    for prefix, namespace in {
        "tkg": TKG,
        "concept": CONCEPT,
        "claim": CLAIM,
        "source": SOURCE,
    }.items():
        graph.bind(prefix, namespace)
    for q in quads:
        graph.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    return graph


def load_graph(paths: Sequence[Path] | None = None, *, schema: bool = True) -> Graph:
    """Load the graph (default data/triples.ttl) and the schema into one rdflib graph."""
    return rdflib_graph([q for path in with_schema(paths, schema) for q in parse_turtle(path)])
