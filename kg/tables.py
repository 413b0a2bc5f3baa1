"""The graph's concepts and claims read in bulk, for the explorer, `kg export` and `kg diff`.

Four unordered saved queries (queries/concept-table.rq, claim-table.rq, claim-source-table.rq
and term-table.rq) whose answers pyoxigraph writes as SPARQL CSV and the csv module reads back
into Tables of text rows, several at once (kg.parallel): at a million triples this takes a
quarter of the time of five ordered queries read a Python object per cell. Records (a dict per
concept or claim) are built from those rows, for every key or only for the ones asked for:
`kg diff` compares the rows of two versions and builds records for the keys whose rows differ.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Container, Iterable, Sequence
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.heap import without_cycle_collection
from kg.parallel import in_parallel
from kg.query import load_query, run_query, run_select
from kg.store import Store

__all__ = [
    "GRAPH_TABLES",
    "Record",
    "Table",
    "claim_records",
    "concept_records",
    "concept_slug",
    "graph_tables",
    "mechanism_paths",
    "read_table",
    "read_tables",
    "source_url",
    "term_labels",
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


class Table:
    """A saved SELECT query's answer as SPARQL CSV: the column of each variable, and the rows
    as text (an unbound value is empty text), read from the CSV when first asked for."""

    def __init__(self, written: bytes) -> None:
        self.written = written
        end = written.find(b"\n")
        first_line = (written if end < 0 else written[:end]).decode("utf-8").rstrip("\r")
        header = next(csv.reader([first_line]), [])
        self.columns = {variable: column for column, variable in enumerate(header)}

    @functools.cached_property
    def rows(self) -> list[tuple[str, ...]]:
        rows = csv.reader(io.StringIO(self.written.decode("utf-8"), newline=""))
        next(rows, None)
        return [*map(tuple, rows)]

    def rows_for(self, column: str, only: Container[str] | None) -> list[tuple[str, ...]]:
        """The rows whose `column` is in `only`, every row for None; with `only` empty, none,
        without reading the rows at all."""
        if only is None:
            return self.rows
        if not only:
            return []
        at = self.columns[column]
        return [row for row in self.rows if row[at] in only]

    def keys(self, column: str, rows: Iterable[tuple[str, ...]] | None = None) -> set[str]:
        """The values of `column` in `rows` (default: every row)."""
        at = self.columns[column]
        return {row[at] for row in (self.rows if rows is None else rows)}


def read_table(store: Store, name: str) -> Table:
    """The answer of the saved query `name` (concept-table, claim-table, ...) as a Table."""
    result = run_query(store, load_query(name).text)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"{name}: expected a SELECT query")
    return Table(bytes(result.serialize(format=ox.QueryResultsFormat.CSV) or b""))


def read_tables(store: Store, names: Sequence[str]) -> dict[str, Table]:
    """The answers of several saved queries, read at once (one per core)."""
    return dict(zip(names, in_parallel(lambda name: read_table(store, name), names), strict=True))


@without_cycle_collection
def concept_records(table: Table, only: Container[str] | None = None) -> dict[str, Record]:
    """Every concept of concept-table (or those in `only`) by IRI: id, label, category,
    definition ("" if none), synonyms (sorted) and identifiers (curie, url, match; by
    identifier system, then CURIE)."""
    concepts: dict[str, Record] = {}
    synonyms: dict[str, dict[str, None]] = {}
    identifiers: dict[str, dict[tuple[str, str, str, str], None]] = {}
    column = table.columns
    iri, label, category, definition = (
        column[name] for name in ("concept", "label", "category", "definition")
    )
    kind, value, curie, match, system = (
        column[name] for name in ("kind", "value", "curie", "match", "system")
    )
    for row in table.rows_for("concept", only):
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


def term_labels(terms: Table) -> dict[str, str]:
    """Each labelled term's label, from term-table."""
    term, label = terms.columns["term"], terms.columns["label"]
    return {row[term]: row[label] for row in terms.rows}


def _term_urls(terms: Table, wanted: Container[str]) -> dict[str, str | None]:
    """The web address of each wanted term as the explorer links it (DOI, PubMed or page;
    None for a term with none)."""
    term = terms.columns["term"]
    fields = [(name, terms.columns[name]) for name in ("doi", "pmid", "page")]
    return {
        row[term]: source_url({name: row[at] for name, at in fields})
        for row in terms.rows
        if row[term] in wanted
    }


@without_cycle_collection
def claim_records(
    claims: Table, cited: Table, terms: Table, only: Container[str] | None = None
) -> list[Record]:
    """Every claim of claim-table (or those in `only`) whose predicate and status have labels,
    by IRI: id, from, to, label (the predicate's), predicate, status, note ("" if none) and
    sources with labels from term-table (citation, url, role; contesting before supporting,
    then by citation) from claim-source-table (`cited`)."""
    rows = claims.rows_for("claim", only)
    if not rows:
        return []  # nor any other table read into rows
    labels = term_labels(terms)
    records: dict[str, Record] = {}
    column = claims.columns
    iri, subject, predicate, obj = (
        column[name] for name in ("claim", "subject", "predicate", "object")
    )
    status, note = column["status"], column["note"]
    for row in rows:
        if row[predicate] in labels and row[status] in labels:
            records[row[iri]] = {
                "id": row[iri],
                "from": row[subject],
                "to": row[obj],
                "label": labels[row[predicate]],
                "predicate": row[predicate],
                "status": labels[row[status]],
                "note": row[note],
                "sources": [],
            }
    by_claim: dict[str, dict[tuple[str, str, str], None]] = {}
    iri, role, source = cited.columns["claim"], cited.columns["role"], cited.columns["source"]
    for row in cited.rows:
        if row[iri] in records and row[source] in labels:
            by_claim.setdefault(row[iri], {})[(row[role], labels[row[source]], row[source])] = None
    urls = _term_urls(terms, {s for sources in by_claim.values() for _, _, s in sources})
    for key, sources in by_claim.items():
        records[key]["sources"] = [
            {"citation": citation, "url": urls[s], "role": by}
            for by, citation, s in sorted(sources)
        ]
    return [records[key] for key in sorted(records)]


# the longest first: the two threads of a two-core machine finish at about the same time
GRAPH_TABLES = ("claim-table", "concept-table", "claim-source-table", "term-table")


def graph_tables(store: Store) -> tuple[list[Record], list[Record]]:
    """Concepts as nodes (sorted by IRI) and the claims between them as edges."""
    tables = read_tables(store, GRAPH_TABLES)
    nodes = concept_records(tables["concept-table"])
    claims = claim_records(
        tables["claim-table"], tables["claim-source-table"], tables["term-table"]
    )
    edges = [e for e in claims if e["from"] in nodes and e["to"] in nodes]
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
