"""Write query results in the formats researchers ask for.

SELECT and ASK results: a terminal table, Markdown, and the W3C SPARQL 1.1 result formats
(JSON, XML, CSV, TSV) as pyoxigraph writes them. CONSTRUCT and DESCRIBE results: Turtle,
N-Triples or JSON-LD.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from kg.errors import QueryError
from kg.store import QueryResult
from kg.wording import counted

__all__ = ["GRAPH_FORMATS", "PREFIXES", "SOLUTION_FORMATS", "format_result"]

# The graph's own prefixes (data/triples.ttl declares them all) and owl from the schema: results
# are printed with them, and a query given with -e or on stdin may use them undeclared.
PREFIXES = {
    "tkg": "https://w3id.org/treatment-kg/vocab/",
    "concept": "https://w3id.org/treatment-kg/concept/",
    "claim": "https://w3id.org/treatment-kg/claim/",
    "source": "https://w3id.org/treatment-kg/source/",
    "path": "https://w3id.org/treatment-kg/path/",
    "event": "https://w3id.org/treatment-kg/event/",
    "dosing": "https://w3id.org/treatment-kg/dosing/",
    "pk": "https://w3id.org/treatment-kg/pk/",
    "trial": "https://w3id.org/treatment-kg/trial/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "bibo": "http://purl.org/ontology/bibo/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
}
_CELL_WIDTH = 60

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None


def _short(term: Term) -> str:
    """A cell as people read it: prefixed names for our IRIs, literal values without quotes."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace):
                return f"{prefix}:{term.value.removeprefix(namespace)}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _rows(result: ox.QuerySolutions) -> tuple[list[str], list[list[str]]]:
    names = [v.value for v in result.variables]
    return names, [[_short(row[name]) for name in names] for row in result]


def _table(result: ox.QuerySolutions) -> str:
    names, rows = _rows(result)
    rows = [[c if len(c) <= _CELL_WIDTH else c[: _CELL_WIDTH - 1] + "…" for c in r] for r in rows]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    header = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()
    return "\n".join([header, line, *body, f"({counted(len(rows), 'row')})"])


def _markdown(result: ox.QuerySolutions) -> str:
    names, rows = _rows(result)

    def cells(values: list[str]) -> str:
        return "| " + " | ".join(v.replace("|", "\\|").replace("\n", " ") for v in values) + " |"

    return "\n".join([cells(names), cells(["---"] * len(names)), *(cells(r) for r in rows)])


def _standard(fmt: ox.QueryResultsFormat) -> Callable[[ox.QuerySolutions], str]:
    def write(result: ox.QuerySolutions) -> str:
        return bytes(result.serialize(format=fmt) or b"").decode("utf-8")

    return write


SOLUTION_FORMATS: dict[str, Callable[[ox.QuerySolutions], str]] = {
    "table": _table,
    "md": _markdown,
    "json": _standard(ox.QueryResultsFormat.JSON),
    "xml": _standard(ox.QueryResultsFormat.XML),
    "csv": _standard(ox.QueryResultsFormat.CSV),
    "tsv": _standard(ox.QueryResultsFormat.TSV),
}

GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def format_result(result: QueryResult, output_format: str | None = None) -> str:
    """Write a result in `output_format` (default: table for solutions, Turtle for graphs)."""
    if isinstance(result, list):
        fmt = output_format or "turtle"
        if fmt not in GRAPH_FORMATS:
            choices = ", ".join(GRAPH_FORMATS)
            raise QueryError(f"a CONSTRUCT or DESCRIBE result is a graph: use --format {choices}")
        prefixes = PREFIXES if fmt != "ntriples" else None
        written = ox.serialize(result, format=GRAPH_FORMATS[fmt], prefixes=prefixes)
        return bytes(written or b"").decode("utf-8")
    fmt = output_format or "table"
    if fmt not in SOLUTION_FORMATS:
        raise QueryError(
            f"a SELECT or ASK result is a table: use --format {', '.join(SOLUTION_FORMATS)}"
        )
    if isinstance(result, ox.QueryBoolean):
        if fmt in {"table", "md"}:
            return "yes" if bool(result) else "no"
        written = result.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
        return bytes(written or b"").decode("utf-8")
    try:
        return SOLUTION_FORMATS[fmt](result)
    except OSError as error:
        # pyoxigraph evaluates as the rows are read: a SERVICE it cannot reach fails only here
        raise QueryError(f"the query failed while running: {error}") from None
