"""Load the treatment graph from Turtle files into one rdflib graph."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.errors import DataError
from kg.files import GRAPH_FILE, SCHEMA_FILE

__all__ = [
    "CLAIM",
    "CONCEPT",
    "SOURCE",
    "TKG",
    "DataError",
    "load_graph",
    "load_store",
    "parse_turtle",
    "rdflib_graph",
    "with_schema",
]

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


def parse_turtle(path: Path) -> list[ox.Quad]:
    """Parse one Turtle file; a syntax error becomes a DataError naming line and column.

    pyoxigraph parses rather than rdflib because its errors point at the offending line and
    column, where rdflib's point at the next statement and name the file `<>`.
    """
    try:
        return list(
            ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        )
    except FileNotFoundError:
        raise DataError(path, "no such file") from None
    except IsADirectoryError:
        raise DataError(path, "is a folder, not a Turtle file") from None
    except SyntaxError as error:
        message = str(error.msg).split(": ", 1)[-1]
        raise DataError(path, message, error.lineno, error.offset) from None
    except UnicodeDecodeError as error:
        raise DataError(path, f"is not UTF-8 text ({error.reason} at byte {error.start})") from None


def with_schema(paths: Sequence[Path] | None, schema: bool = True) -> list[Path]:
    """The files to load: the given ones (default data/triples.ttl), the schema first if asked."""
    files = list(paths) if paths else [GRAPH_FILE]
    if schema:
        files = [SCHEMA_FILE, *[f for f in files if f.resolve() != SCHEMA_FILE.resolve()]]
    return files


def load_store(paths: Sequence[Path] | None = None, *, schema: bool = True) -> ox.Store:
    """Load the graph (default data/triples.ttl) and the schema into an in-memory Oxigraph store."""
    store = ox.Store()
    for path in with_schema(paths, schema):
        store.bulk_extend(parse_turtle(path))
    return store


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
