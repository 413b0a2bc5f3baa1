"""Check the graph's Turtle files against the schema and the SHACL shapes in data/shapes.ttl.

pySHACL checks the core constraints. The SPARQL-based constraints of the same shapes file are
run here by Oxigraph, each once over the whole graph with `$this` as a variable joined to the
shape's targets: pySHACL runs them once per focus node through rdflib, which took 31 s for the
shipped graph against well under a second this way (measured in benchmarks/validate.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import DataError
from kg.files import SHAPES_FILE
from kg.graph import TKG, rdflib_graph
from kg.store import parse_turtle, with_schema

__all__ = ["Problem", "validate"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located by file, line and column where known."""

    path: str
    line: int = 0
    column: int = 0
    message: str = ""

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.path, self.line, self.column) if part)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class _Finding:
    focus: Node
    message: str


def validate(paths: Sequence[Path]) -> list[Problem]:
    """Validate Turtle files together with the schema; an empty list means the data is valid."""
    quads: list[ox.Quad] = []
    syntax: list[Problem] = []
    for path in with_schema(paths):
        try:
            quads += parse_turtle(path)
        except DataError as error:
            syntax.append(Problem(str(path), error.line or 0, error.column or 0, error.message))
    if syntax:
        return syntax
    graph = rdflib_graph(quads)
    store = ox.Store()
    store.bulk_extend(quads)
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    findings = [*_core_findings(graph, shapes), *_sparql_findings(store, shapes)]
    places = _subject_places(paths)
    problems = {
        Problem(
            *places.get(f.focus, (str(paths[0]), 0)), 0, f"{_describe(graph, f.focus)} {f.message}"
        )
        for f in findings
    }
    return sorted(problems)


def _core_findings(graph: Graph, shapes: Graph) -> Iterator[_Finding]:
    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    conforms, results, _ = shacl_validate(graph, shacl_graph=core, inference="none")
    if conforms:
        return
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        message = str(results.value(result, SH.resultMessage) or "is not valid")
        if value is not None:
            message = message.replace("{?value}", _short(graph, value))
        if focus is not None:
            yield _Finding(focus, message)


def _sparql_findings(store: ox.Store, shapes: Graph) -> Iterator[_Finding]:
    for shape, constraint in shapes.subject_objects(SH.sparql):
        select = str(shapes.value(constraint, SH.select)).replace("$this", "?this")
        template = str(shapes.value(constraint, SH.message))
        prefixes = "".join(
            f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
            for declarer in shapes.objects(constraint, SH.prefixes)
            for d in shapes.objects(declarer, SH.declare)
        )
        query = f"{prefixes}SELECT * WHERE {{ {{ {select} }} {_target_pattern(shapes, shape)} }}"
        for row in store.query(query):  # type: ignore[union-attr]
            yield _Finding(_from_ox(row["this"]), _fill(template, row))


def _target_pattern(shapes: Graph, shape: Node) -> str:
    targets = [
        f"{{ ?this a/<{RDFS.subClassOf}>* <{cls}> }}"
        for cls in shapes.objects(shape, SH.targetClass)
    ] + [f"{{ ?this <{prop}> [] }}" for prop in shapes.objects(shape, SH.targetSubjectsOf)]
    if not targets:
        raise ValueError(f"shape {shape} has SPARQL constraints but no target this validator reads")
    return "FILTER EXISTS { " + " UNION ".join(targets) + " }"


_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


def _fill(template: str, row: ox.QuerySolution) -> str:
    def value(match: re.Match[str]) -> str:
        term = row[match.group(1)]
        return term.value if term is not None else ""

    return _PLACEHOLDER.sub(value, template)


def _from_ox(term: object) -> Node:
    return URIRef(term.value) if isinstance(term, ox.NamedNode) else Literal(str(term))


def _describe(graph: Graph, node: Node) -> str:
    """Name a focus node the way a curator reads it: kind, label and IRI."""
    if (node, RDF.type, RDF.Statement) in graph:
        ends = [graph.value(node, part) for part in (RDF.subject, RDF.predicate, RDF.object)]
        return "claim '" + " ".join(_short(graph, end) for end in ends) + f"' <{node}>"
    kind = "source" if (node, RDF.type, TKG.Source) in graph else "concept"
    label = graph.value(node, RDFS.label)
    return f"{kind} '{label}' <{node}>" if label else f"{kind} <{node}>"


def _short(graph: Graph, node: Node | None) -> str:
    if node is None:
        return "(nothing)"
    if isinstance(node, Literal):
        return f"'{node}'"
    label = graph.value(node, RDFS.label)
    return str(label) if label else f"<{node}>"


_PREFIX = re.compile(r"@prefix\s+([\w.-]*):\s*<([^>]*)>\s*\.", re.IGNORECASE)
_SUBJECT = re.compile(r"^(<[^>]*>|[\w.-]*:[^\s;,]*)\s")


def _subject_places(paths: Sequence[Path]) -> dict[Node, tuple[str, int]]:
    """Where each subject's statements start, read from lines that open with a subject."""
    places: dict[Node, tuple[str, int]] = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        prefixes = dict(_PREFIX.findall(text))
        for number, line in enumerate(text.splitlines(), start=1):
            match = _SUBJECT.match(line)
            if not match:
                continue
            token = match.group(1)
            prefix, _, local = token.partition(":")
            if token.startswith("<"):
                iri = token[1:-1]
            elif prefix in prefixes:
                iri = prefixes[prefix] + local
            else:
                continue
            places.setdefault(URIRef(iri), (str(path), number))
    return places
