"""Check Turtle files against the schema and the SHACL shapes in data/shapes.ttl.

Each file is checked on its own, with the schema and a context graph (by default the shipped
data/triples.ttl), so a file of extra claims may refer to the concepts and sources defined
there; what is wrong is reported only for the nodes the file itself states something about.

pySHACL checks the core constraints. The SPARQL-based constraints of the same shapes file are
run here by Oxigraph, each once over the whole graph with `$this` as a variable joined to the
shape's targets: pySHACL runs them once per focus node through rdflib, which took 31 s for the
shipped graph against well under a second this way (measured in benchmarks/validate.py).
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import DataError
from kg.files import GRAPH_FILE, SCHEMA_FILE, SHAPES_FILE
from kg.graph import TKG, rdflib_graph
from kg.store import parse_turtle

__all__ = ["Problem", "validate"]

_RDF_TYPE = ox.NamedNode(str(RDF.type))


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


def validate(paths: Sequence[Path], context: Path = GRAPH_FILE) -> list[Problem]:
    """Validate each Turtle file on its own (see the module docstring); an empty list means
    every file is valid. Problems come file by file, in the order given.

    :param context: the graph whose concepts and sources the files may refer to
    """
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    parsed = functools.cache(parse_turtle)  # the context files are read once for all files
    return [problem for path in paths for problem in _validate_file(path, context, shapes, parsed)]


def _validate_file(
    path: Path, context_graph: Path, shapes: Graph, parsed: Callable[[Path], list[ox.Quad]]
) -> list[Problem]:
    # the schema and the context graph, less the file itself
    context_files = [f for f in (SCHEMA_FILE, context_graph) if f.resolve() != path.resolve()]
    try:
        own = parsed(path)
        context = [q for f in context_files for q in parsed(f)]
    except DataError as error:
        if error.path == path:
            return [Problem(str(path), error.line or 0, error.column or 0, error.message)]
        return [Problem(str(path), message=f"cannot be checked: its context {error}")]
    if not own:
        return [Problem(str(path), message="holds no triples: add some, or leave the file out")]
    # A node the file types is the file's own definition: the shipped one must not fill in a
    # label or definition the file lacks, nor count as a second one.
    defined = {q.subject for q in own if q.predicate == _RDF_TYPE}
    quads = own + [q for q in context if q.subject not in defined]
    with _quiet_rdflib():
        graph, stated = rdflib_graph(quads), set(rdflib_graph(own).subjects())
        store = ox.Store()
        store.bulk_extend(quads)
        findings = [*_core_findings(graph, shapes), *_sparql_findings(store, shapes)]
    places = _subject_places(path)
    problems = {
        Problem(str(path), places.get(f.focus, 0), 0, f"{_describe(graph, f.focus)} {f.message}")
        for f in findings
        if f.focus in stated
    }
    return sorted(problems)


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback, or warns, for each ill-typed literal it builds; the WellTyped
    shape reports those literals with their file and line instead."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="rdflib")
            yield
    finally:
        logger.setLevel(level)


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
        if isinstance(value, Literal) and value.ill_typed:
            continue  # the WellTyped shape reports it, naming the datatype it fails
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
    targets = (
        [
            f"{{ ?this a/<{RDFS.subClassOf}>* <{cls}> }}"
            for cls in shapes.objects(shape, SH.targetClass)
        ]
        + [f"{{ ?this <{prop}> [] }}" for prop in shapes.objects(shape, SH.targetSubjectsOf)]
        + [
            f"{{ {shapes.value(target, SH.select)} }}"
            for target in shapes.objects(shape, SH.target)
        ]
    )
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
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    return BNode(term.value) if isinstance(term, ox.BlankNode) else Literal(str(term))


def _describe(graph: Graph, node: Node) -> str:
    """Name a focus node the way a curator reads it: kind, label and IRI."""
    if (node, RDF.type, RDF.Statement) in graph:
        ends = [graph.value(node, part) for part in (RDF.subject, RDF.predicate, RDF.object)]
        return "claim '" + " ".join(_short(graph, end) for end in ends) + f"' <{node}>"
    kinds = {
        TKG.Source: "source",
        TKG.MechanismPath: "mechanism path",
        TKG.DosingRegimen: "dosing regimen",
        TKG.PharmacokineticValue: "pharmacokinetic value",
        TKG.Trial: "trial",
    }
    kind = next((name for cls, name in kinds.items() if (node, RDF.type, cls) in graph), "concept")
    if any((node, RDF.type, cls) in graph for cls in (TKG.RegulatoryEvent, TKG.HistoricalEvent)):
        kind = "event"
    label = _label(graph, node)
    return f"{kind} '{label}' <{node}>" if label else f"{kind} <{node}>"


def _short(graph: Graph, node: Node | None) -> str:
    if node is None:
        return "(nothing)"
    if isinstance(node, Literal):
        return f"'{node}'"
    return _label(graph, node) or f"<{node}>"


def _label(graph: Graph, node: Node) -> str | None:
    """The node's label, unless it has none or only a blank one (which a shape reports)."""
    label = graph.value(node, RDFS.label)
    return str(label) if label is not None and str(label).strip() else None


_PREFIX = re.compile(r"@prefix\s+([\w.-]*):\s*<([^>]*)>\s*\.", re.IGNORECASE)
_SUBJECT = re.compile(r"^(<[^>]*>|[\w.-]*:[^\s;,]*)\s")


def _subject_places(path: Path) -> dict[Node, int]:
    """The line where each subject's statements start, read from lines that open with one."""
    places: dict[Node, int] = {}
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
        places.setdefault(URIRef(iri), number)
    return places
