"""The graph's concepts and claims read in bulk, for the explorer, `kg export` and `kg diff`.

Two unordered queries (queries/concept-table.rq, queries/claim-table.rq) whose answers
pyoxigraph writes as SPARQL CSV and the csv module reads back: at a million triples this takes
a quarter of the time of five ordered queries read a Python object per cell. The explorer page,
the exports and the diff all read the graph this one way.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.heap import without_cycle_collection
from kg.query import load_query, run_query, run_select
from kg.store import Store

__all__ = [
    "Record",
    "claim_records",
    "concept_records",
    "concept_slug",
    "graph_tables",
    "mechanism_paths",
    "source_url",
]


Record = dict[str, Any]


def source_url(row: Record) -> str | None:
    """Where a reader can open a source: its DOI, else its PubMed page, else its own page."""
    if row.get("doi"):
        return f"https://doi.org/{row['doi']}"
    if row.get("pmid"):
        return f"https://pubmed.ncbi.nlm.nih.gov/{row['pmid']}/"
    page = row.get("page")
    return str(page) if page else None


def _rows(store: Store, name: str) -> tuple[dict[str, int], Iterator[list[str]]]:
    """The column of each variable, and the rows, of a saved SELECT query as text; an
    unbound value is empty text."""
    result = run_query(store, load_query(name).text)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"{name}: expected a SELECT query")
    written = bytes(result.serialize(format=ox.QueryResultsFormat.CSV) or b"")
    rows = csv.reader(io.StringIO(written.decode("utf-8"), newline=""))
    return {name: column for column, name in enumerate(next(rows, []))}, rows


@without_cycle_collection
def concept_records(store: Store) -> dict[str, Record]:
    """Every concept by IRI: id, label, category, definition ("" if none), synonyms (sorted)
    and identifiers (curie, url, match; by identifier system, then CURIE)."""
    concepts: dict[str, Record] = {}
    synonyms: dict[str, dict[str, None]] = {}
    identifiers: dict[str, dict[tuple[str, str, str, str], None]] = {}
    column, rows = _rows(store, "concept-table")
    iri, label, category, definition = (
        column[name] for name in ("concept", "label", "category", "definition")
    )
    kind, value, curie, match, system = (
        column[name] for name in ("kind", "value", "curie", "match", "system")
    )
    for row in rows:
        concepts[row[iri]] = {
            "id": row[iri],
            "label": row[label],
            "category": row[category],
            "definition": row[definition],
        }
        if row[kind] == "synonym":
            synonyms.setdefault(row[iri], {})[row[value]] = None
        elif row[kind] == "identifier":
            found = (row[system], row[curie], row[value], row[match])
            identifiers.setdefault(row[iri], {})[found] = None
    for key, concept in concepts.items():
        concept["synonyms"] = sorted(synonyms.get(key, {}))
        concept["identifiers"] = [
            {"curie": shown, "url": url, "match": kind_of_match}
            for _, shown, url, kind_of_match in sorted(identifiers.get(key, {}))
        ]
    return concepts


def _terms(store: Store) -> tuple[dict[str, str], dict[str, str | None]]:
    """Each labelled term's label, and each one's web address as the explorer links it (DOI,
    PubMed or page; None for a term with none)."""
    column, rows = _rows(store, "term-table")
    labels: dict[str, str] = {}
    urls: dict[str, str | None] = {}
    for row in rows:
        term = row[column["term"]]
        labels[term] = row[column["label"]]
        urls[term] = source_url({name: row[column[name]] for name in ("doi", "pmid", "page")})
    return labels, urls


@without_cycle_collection
def claim_records(store: Store) -> list[Record]:
    """Every claim whose predicate and status have labels, by IRI: id, from, to, label (the
    predicate's), predicate, status, note ("" if none) and sources with labels (citation, url,
    role; contesting before supporting, then by citation)."""
    labels, urls = _terms(store)
    claims: dict[str, Record] = {}
    column, rows = _rows(store, "claim-table")
    iri, subject, predicate, obj = (
        column[name] for name in ("claim", "subject", "predicate", "object")
    )
    status, note = column["status"], column["note"]
    for row in rows:
        if row[predicate] in labels and row[status] in labels:
            claims[row[iri]] = {
                "id": row[iri],
                "from": row[subject],
                "to": row[obj],
                "label": labels[row[predicate]],
                "predicate": row[predicate],
                "status": labels[row[status]],
                "note": row[note],
                "sources": [],
            }
    cited: dict[str, dict[tuple[str, str, str], None]] = {}
    column, rows = _rows(store, "claim-source-table")
    iri, role, source = column["claim"], column["role"], column["source"]
    for row in rows:
        if row[iri] in claims and row[source] in labels:
            cited.setdefault(row[iri], {})[(row[role], labels[row[source]], row[source])] = None
    for key, sources in cited.items():
        claims[key]["sources"] = [
            {"citation": citation, "url": urls[s], "role": by}
            for by, citation, s in sorted(sources)
        ]
    return [claims[key] for key in sorted(claims)]


def graph_tables(store: Store) -> tuple[list[Record], list[Record]]:
    """Concepts as nodes (sorted by IRI) and the claims between them as edges."""
    nodes = concept_records(store)
    edges = [e for e in claim_records(store) if e["from"] in nodes and e["to"] in nodes]
    return [nodes[iri] for iri in sorted(nodes)], edges


def mechanism_paths(store: Store) -> list[Record]:
    """Every mechanism path (queries/path-steps.rq), established ones first: its id, label,
    drug, condition and status, and its claims in the order of their steps."""
    paths: dict[str, Record] = {}
    for r in run_select(store, load_query("path-steps").text):
        path = paths.setdefault(
            str(r["path"]),
            {
                "id": str(r["path"]),
                "label": str(r["label"]),
                "drug": str(r["drug"]),
                "condition": str(r["condition"]),
                "status": str(r["status"]),
                "claims": [],
            },
        )
        path["claims"].append((int(str(r["position"])), str(r["claim"])))
    for path in paths.values():
        path["claims"] = [claim for _, claim in sorted(path["claims"])]
    return list(paths.values())


def concept_slug(label: str) -> str:
    """The name of a concept in the explorer's deep links (`#concept=<slug>`) and its focused
    pages, which the query page links to as well.

    >>> concept_slug("(2R,6R)-hydroxynorketamine")
    '2r-6r-hydroxynorketamine'
    """
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "concept"
