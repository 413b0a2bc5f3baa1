"""What the query page of `kg serve` shows and asks for: the saved queries under the question
each answers, the names it shows beside IRIs and offers in its concept picker, and a saved
query with its parameters bound by the same code as `kg query --param`.

The server process holds no graph: PoolStore sends kg.query's queries to the worker processes,
so concept names are resolved there exactly as `kg query` resolves them.
"""

from __future__ import annotations

import logging
from typing import Any

import pyoxigraph as ox

from kg.endpoint import Failure, Request
from kg.errors import QueryError
from kg.files import QUERY_DIR
from kg.query import bind_params, grouped, load_query, run_select
from kg.store import QueryResult, Store
from kg.tables import concept_slug
from kg.workers import WorkerPool

__all__ = ["PoolStore", "bound_query", "page_names", "saved_examples"]

log = logging.getLogger("kg.serve")
# The page's own look-ups are not visitors' queries: --max-rows does not cut them short.
_ALL_ROWS = 10_000_000


class PoolStore:
    """A Store whose SELECT queries run on kg serve's workers, under their time limit; the
    pool's Busy, TimedOut, Stopping and WorkerDied pass through to the caller."""

    def __init__(self, pool: WorkerPool):
        self.pool = pool

    def query(self, text: str) -> QueryResult:
        reply = self.pool.run(Request("query", text, "application/sparql-results+json", _ALL_ROWS))
        if isinstance(reply, Failure):
            raise QueryError(reply.message)
        return ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.JSON)


def saved_examples() -> list[dict[str, Any]]:
    """The saved queries by group, each group's by title, for the query page. A file that is
    not a readable query is left out with a warning: it must not stop the server starting."""
    queries = []
    for path in sorted(QUERY_DIR.glob("*.rq")):
        try:
            queries.append(load_query(str(path)))
        except (QueryError, OSError) as error:
            reason = str(error) if str(path) in str(error) else f"{path}: {error}"
            log.warning("Warning: left out of the query page's examples: %s", reason)
    queries.sort(key=lambda query: (query.title or query.name).lower())
    return [
        {
            "group": group,
            "queries": [
                {
                    "name": query.name,
                    "title": query.title or query.name,
                    "description": query.description,
                    "params": [param._asdict() for param in query.params.values()],
                    "text": query.text,
                }
                for query in members
            ],
        }
        for group, members in grouped(queries)
    ]


def page_names(store: Store) -> dict[str, Any]:
    """`labels`: each labelled IRI's label; `concepts`: each concept's IRI, label, category,
    synonyms and slug, the name of its deep link in the explorer (`explore#concept=<slug>`).
    Hidden labels are left out: they are forms matched in text, never shown."""
    labels = {str(row["iri"]): str(row["label"]) for row in run_select(store, _text("labels"))}
    concepts: dict[str, dict[str, Any]] = {}
    for row in run_select(store, _text("lexicon")):
        iri, label = str(row["concept"]), str(row["label"])
        concept = concepts.setdefault(
            iri,
            {
                "iri": iri,
                "label": label,
                "category": str(row["category"]),
                "slug": concept_slug(label),
                "synonyms": [],
            },
        )
        if row["kind"] == "synonym":
            concept["synonyms"].append(str(row["name"]))
    return {"labels": labels, "concepts": list(concepts.values())}


def bound_query(store: Store, name: str, values: dict[str, str]) -> str:
    """The saved query `name` with its parameters bound to `values` as `kg query --param`
    binds them: a concept by any of its names, each as a VALUES block the server writes."""
    return bind_params(store, load_query(name), values)


def _text(name: str) -> str:
    return load_query(name).text
