"""The Python API: the command line's main jobs as one-line calls for notebooks and scripts.

Every call works on the shipped graph unless told otherwise, returns plain Python values, raises
the library's own errors (QueryError, DataError) with the command line's messages, and prints
nothing. Heavy libraries load inside the calls, so `import kg` stays cheap.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kg.errors import QueryError

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    import pyoxigraph as ox

    from kg.store import Store

__all__ = ["Concept", "Result", "concept", "coverage", "query", "to_networkx"]

Value = str | int | float | bool | datetime.date | None


# A plain class and a NamedTuple rather than dataclasses: importing dataclasses would cost every
# `kg` command 7 ms at start (`import kg` runs this module).
class Result:
    """The answer to a query: rows of plain Python values, one dict per row.

    A SELECT gives its variables as columns; an ASK one row with `answer`; a CONSTRUCT or
    DESCRIBE one row per triple with `subject`, `predicate` and `object`. IRIs come as
    prefixed names (`concept:ketamine`) where the graph has a prefix for them.
    """

    __slots__ = ("columns", "rows")

    def __init__(self, columns: list[str], rows: list[dict[str, Value]]):
        self.columns, self.rows = columns, rows

    def __repr__(self) -> str:
        return f"<kg.Result: {len(self.rows)} rows of {', '.join(self.columns)}>"

    def __iter__(self) -> Iterator[dict[str, Value]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> dict[str, Value]:
        return self.rows[index]

    def to_records(self) -> list[dict[str, Value]]:
        """The rows as a list of dicts, ready for json, csv.DictWriter or pandas."""
        return [dict(row) for row in self.rows]

    def to_pandas(self) -> pd.DataFrame:
        """The rows as a pandas DataFrame (pandas is an optional extra)."""
        try:
            import pandas as pd
        except ImportError:
            raise QueryError(
                "to_pandas needs pandas, which is not installed: "
                "pip install 'treatment-kg[pandas]' (or pip install pandas)"
            ) from None
        return pd.DataFrame(self.rows, columns=self.columns)


def query(
    name_or_sparql: str,
    *,
    store: str | None = None,
    endpoint: str | None = None,
    graph: str | None = None,
    **params: str,
) -> Result:
    """Run a saved query by name (`"drug-targets"`), a `.rq` file, or SPARQL text.

    Parameters are keyword arguments, resolved as `kg query --param` resolves them: a concept
    by label, synonym, CURIE or IRI. The shipped graph answers unless `store="oxigraph:PATH"`
    or `endpoint=URL` (with `graph=IRI` for its named graph) says otherwise.
    """
    from kg.query import bind_params, load_query, parse_query, run_query
    from kg.results import PREFIXES

    is_text = any(ch.isspace() for ch in name_or_sparql.strip()) or "{" in name_or_sparql
    saved = parse_query("query", name_or_sparql) if is_text else load_query(name_or_sparql)
    target = _store(store, endpoint, graph)
    text = bind_params(target, saved, {name: str(value) for name, value in params.items()})
    # SPARQL text may use the graph's prefixes without PREFIX lines, as `kg query -e` allows
    return _result(run_query(target, text, saved.origin, PREFIXES if is_text else {}))


def to_networkx(*, store: str | None = None, endpoint: str | None = None) -> nx.MultiDiGraph[str]:
    """The concept graph as a networkx MultiDiGraph: concepts as nodes (label, category,
    definition, synonyms, identifiers) and claims as edges (predicate, status, note,
    sources), the same graph `kg export --format graphml` writes."""
    from kg.network import concept_network

    return concept_network(_store(store, endpoint, None))


def coverage(
    text_or_path: str | Path, *, store: str | None = None, endpoint: str | None = None
) -> dict[str, Any]:
    """Which of the graph's concepts and claims an article covers: the report that
    `kg coverage --format json` prints, as a dict. Give the article's text, or a Path (or the
    name of an existing text, Markdown or HTML file)."""
    from kg.coverage import analyse, load_model, read_article

    model = load_model(_store(store, endpoint, None))
    path = Path(text_or_path)
    if isinstance(text_or_path, Path) or (
        "\n" not in text_or_path and len(text_or_path) < 4096 and path.is_file()
    ):
        article = read_article(path)
    else:
        article = read_article(None, str(text_or_path).encode("utf-8"), "text")
    report: dict[str, Any] = analyse(model, article)
    return report


class Concept(NamedTuple):
    """A concept with what the graph says about it; `claims` are dicts with `subject`,
    `predicate`, `object`, `status` and `sources` (citations)."""

    iri: str
    label: str
    category: str
    definition: str
    synonyms: list[str]
    identifiers: list[str]
    claims: list[dict[str, Any]]


def concept(name: str, *, store: str | None = None, endpoint: str | None = None) -> Concept:
    """Look a concept up by label, synonym, CURIE or IRI."""
    from kg.query import bind_params, load_query, resolve_concept, run_select

    target = _store(store, endpoint, None)
    iri = resolve_concept(target, name).value
    rows = run_select(target, bind_params(target, load_query("concept-card"), {"concept": iri}))
    first = rows[0]
    claims: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["claim"] is None:
            continue
        entry = claims.setdefault(
            str(row["claim"]),
            {
                "subject": row["subjectLabel"],
                "predicate": row["predicateLabel"],
                "object": row["objectLabel"],
                "status": row["status"],
                "sources": [],
            },
        )
        if row["citation"] not in entry["sources"]:
            entry["sources"].append(row["citation"])
    return Concept(
        iri=iri,
        label=str(first["label"]),
        category=str(first["category"]),
        definition=str(first["definition"]),
        synonyms=_listed(first["synonyms"]),
        identifiers=_listed(first["identifiers"]),
        claims=list(claims.values()),
    )


def _listed(cell: Value) -> list[str]:
    return [part for part in str(cell or "").split("; ") if part]


def _store(store: str | None, endpoint: str | None, graph: str | None) -> Store:
    from kg.store import open_store

    return open_store(store, endpoint, graph)


def _result(answer: Any) -> Result:
    import pyoxigraph as ox

    if isinstance(answer, list):
        columns = ["subject", "predicate", "object"]
        rows = [dict(zip(columns, map(_value, (t.subject, t.predicate, t.object)), strict=True))
                for t in answer]  # fmt: skip
        return Result(columns, rows)
    if isinstance(answer, ox.QueryBoolean):
        return Result(["answer"], [{"answer": bool(answer)}])
    columns = [variable.value for variable in answer.variables]
    return Result(columns, [{name: _value(row[name]) for name in columns} for row in answer])


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Value:
    """A term as a plain Python value: run_select's numbers and text, and beside them booleans
    and dates as such and IRIs as prefixed names."""
    import pyoxigraph as ox

    from kg.query import plain_value
    from kg.results import PREFIXES

    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and "/" not in term.value[len(namespace) :]:
                return f"{prefix}:{term.value[len(namespace) :]}"
    elif isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype == _XSD + "boolean":
            return term.value in {"true", "1"}
        if datatype == _XSD + "date":
            try:
                return datetime.date.fromisoformat(term.value)
            except ValueError:  # ill-typed in the data: shown as written
                return term.value
    return plain_value(term)


_XSD = "http://www.w3.org/2001/XMLSchema#"
