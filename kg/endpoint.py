"""Answer one SPARQL 1.1 Protocol request against a store: pick the result format the client
accepts, run the query or update, and cap the rows; or report an article's coverage.

This is the part of `kg serve` that runs inside a worker process (see kg.workers); it knows
nothing about HTTP beyond media types and status codes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pyoxigraph as ox

from kg.errors import DataError
from kg.query import describe_syntax_error
from kg.results import PREFIXES

if TYPE_CHECKING:
    from kg.coverage import CoverageModel

__all__ = [
    "GRAPH_TYPES",
    "SOLUTION_TYPES",
    "Answer",
    "CoverageRequest",
    "Failure",
    "Request",
    "Responder",
    "answer",
    "choose_type",
]

# Media types in the server's order of preference, first being the default.
SOLUTION_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


class Request(NamedTuple):
    """A query or update as the client sent it, with its Accept header."""

    operation: str  # "query" or "update"
    text: str
    accept: str = ""
    max_rows: int = 0
    default_graphs: tuple[str, ...] = ()  # the protocol's default-graph-uri
    named_graphs: tuple[str, ...] = ()  # and named-graph-uri


class CoverageRequest(NamedTuple):
    """An article posted to the coverage page's API."""

    text: str
    name: str  # the file name it came from, or "draft"; says how to read it
    kind: str | None  # "text", "md" or "html"; None to tell from the name


class Answer(NamedTuple):
    """A complete response body: never sent in part."""

    media_type: str
    body: bytes
    rows: int
    truncated: bool


class Failure(NamedTuple):
    """An HTTP error status with a message that says what was wrong."""

    status: int
    message: str


def choose_type(accept: str, offered: Sequence[str]) -> str | None:
    """The offered media type the Accept header ranks highest (ties go to the server's order);
    None when it accepts none of them. No Accept header accepts anything.

    >>> choose_type("text/csv;q=0.5, application/sparql-results+xml", list(SOLUTION_TYPES))
    'application/sparql-results+xml'
    >>> choose_type("text/*", list(GRAPH_TYPES))
    'text/turtle'
    >>> choose_type("image/png", list(GRAPH_TYPES)) is None
    True
    """
    ranges = []
    for part in (accept or "*/*").split(","):
        media_range, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range.lower(), quality))

    def rank(media_type: str) -> tuple[int, float]:
        """(how specific the matching range is, its quality) for the most specific match."""
        kind = media_type.split("/")[0]
        best = (-1, 0.0)
        for media_range, quality in ranges:
            specificity = {media_type: 2, f"{kind}/*": 1, "*/*": 0}.get(media_range, -1)
            if specificity > best[0]:
                best = (specificity, quality)
        return best

    scored = [(rank(t)[1], -i, t) for i, t in enumerate(offered) if rank(t)[0] >= 0]
    scored = [entry for entry in scored if entry[0] > 0]
    return max(scored)[2] if scored else None


def answer(store: ox.Store, request: Request) -> Answer | Failure:
    """Run `request` on `store` and write the whole result in the negotiated format."""
    try:
        if request.operation == "update":
            store.update(request.text)
            return Answer("text/plain; charset=utf-8", b"update done\n", 0, False)
        return _query(store, request)
    except SyntaxError as error:
        # the same plain hints as `kg query` (an update sent as a query, a misspelt keyword)
        return Failure(400, describe_syntax_error(error, request.operation, request.text))
    except (OSError, ValueError, TypeError, RuntimeError) as error:
        return Failure(500, f"the {request.operation} failed: {error}")


class Responder:
    """A worker's store, and the coverage model read from it when first needed."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._model: CoverageModel | None = None

    def __call__(self, request: Request | CoverageRequest) -> Answer | Failure:
        if isinstance(request, CoverageRequest):
            return self._coverage(request)
        if request.operation == "update":
            self._model = None  # the update may change names, claims or cues: read them again
        return answer(self.store, request)

    def _coverage(self, request: CoverageRequest) -> Answer | Failure:
        """The JSON report, its HTML and its Markdown, from the same code as `kg coverage`;
        `rows` of the answer is the number of concepts covered."""
        from kg.coverage import REPORT_FORMATS, analyse, html_fragment, load_model, read_article
        from kg.store import LocalStore

        try:
            article = read_article(Path(request.name), request.text.encode(), request.kind)
        except DataError as error:
            return Failure(400, str(error))
        if self._model is None:
            self._model = load_model(LocalStore(self.store))
        report = analyse(self._model, article)
        body = json.dumps(
            {
                "report": report,
                "html": html_fragment(report, article.text),
                "markdown": REPORT_FORMATS["md"](report, article.text),
            }
        )
        return Answer("application/json", body.encode(), report["score"]["concepts_covered"], False)


def _query(store: ox.Store, request: Request) -> Answer | Failure:
    result = store.query(
        request.text,
        default_graph=[ox.NamedNode(iri) for iri in request.default_graphs] or None,
        named_graphs=[ox.NamedNode(iri) for iri in request.named_graphs] or None,
    )
    if isinstance(result, ox.QueryTriples):
        media_type = choose_type(request.accept, list(GRAPH_TYPES))
        if media_type is None:
            return _not_acceptable("a CONSTRUCT or DESCRIBE result", GRAPH_TYPES)
        triples = list(islice(result, request.max_rows + 1))
        body = ox.serialize(
            triples[: request.max_rows], format=GRAPH_TYPES[media_type], prefixes=PREFIXES
        )
        return _answer(media_type, body, len(triples), request.max_rows)
    media_type = choose_type(request.accept, list(SOLUTION_TYPES))
    if media_type is None:
        return _not_acceptable("a SELECT or ASK result", SOLUTION_TYPES)
    results_format = SOLUTION_TYPES[media_type]
    if isinstance(result, ox.QueryBoolean):
        body = result.serialize(format=results_format)
        return Answer(_charset(media_type), bytes(body or b""), 1, False)
    names = [variable.value for variable in result.variables]
    rows = list(islice(result, request.max_rows + 1))
    capped = _solutions(names, rows[: request.max_rows])
    return _answer(media_type, capped.serialize(format=results_format), len(rows), request.max_rows)


def _answer(media_type: str, body: bytes | None, rows: int, max_rows: int) -> Answer:
    return Answer(_charset(media_type), bytes(body or b""), min(rows, max_rows), rows > max_rows)


def _charset(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def _not_acceptable(what: str, offered: Iterable[str]) -> Failure:
    return Failure(406, f"{what} can be sent as: {', '.join(offered)}")


def _solutions(names: list[str], rows: list[ox.QuerySolution]) -> ox.QuerySolutions:
    """The first rows of a result as a result of their own. pyoxigraph has no constructor for
    QuerySolutions, so the rows go through the SPARQL JSON results format and back."""
    bindings = [
        {name: _json_term(row[name]) for name in names if row[name] is not None} for row in rows
    ]
    document = {"head": {"vars": names}, "results": {"bindings": bindings}}
    solutions = ox.parse_query_results(json.dumps(document), format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        written: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            written["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            written["datatype"] = term.datatype.value
        return written
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }
