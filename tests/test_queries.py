"""Every shipped saved query runs on the shipped graph and returns the rows it must."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
import pytest

from kg.files import QUERY_DIR
from kg.query import load_query, run_select, saved_queries

Rows = list[dict[str, str | int | float | None]]


def _first(rows: Rows, **where: object) -> dict[str, str | int | float | None]:
    return next(row for row in rows if all(row[k] == v for k, v in where.items()))


# One check per shipped file; a new .rq file without an entry here fails test_every_query_is_checked.
EXPECTATIONS: dict[str, Callable[[Rows], None]] = {
    "concepts-per-category": lambda rows: (
        (
            _first(rows, category="Drug")["concepts"] == 6
            and _first(rows, category="Side effect")["concepts"] == 14
            and sum(int(r["concepts"] or 0) for r in rows) > 80
        )
        or pytest.fail(f"unexpected counts: {rows}")
    ),
    "claims-per-predicate": lambda rows: (
        (
            _first(rows, predicate="approved for")["claims"] == 3
            and sum(int(r["claims"] or 0) for r in rows) > 150
            and sum(int(r["debated"] or 0) for r in rows) >= 10
        )
        or pytest.fail(f"unexpected counts: {rows}")
    ),
    "claims-per-evidence": lambda rows: (
        (
            _first(rows, evidence="seed article claim", status="established")["claims"] > 30
            and _first(rows, evidence="clinical trial", status="debated")["claims"] >= 2
        )
        or pytest.fail(f"unexpected counts: {rows}")
    ),
    "mappings-per-id-system": lambda rows: (
        (
            _first(rows, prefix="MESH")["mappings"] >= 5
            and _first(rows, prefix="HGNC")["concepts"] >= 4
        )
        or pytest.fail(f"unexpected counts: {rows}")
    ),
    "sources": lambda rows: (
        (
            _first(rows, doi="10.1038/nature10130")["citation"] == "Autry et al. 2011, Nature"
            and _first(rows, doi="10.1038/nature10130")["pmid"] == "21677641"
            and int(
                _first(rows, citation="Klarisana 2025, What Ketamine Does to Your Brain")[
                    "supports"
                ]
                or 0
            )
            > 30
            and int(_first(rows, doi="10.1038/s41386-022-01266-9")["contests"] or 0) == 1
        )
        or pytest.fail(f"unexpected rows: {rows}")
    ),
}


def test_every_query_is_checked() -> None:
    assert sorted(q.name for q in saved_queries()) == sorted(EXPECTATIONS)


@pytest.mark.parametrize("path", sorted(QUERY_DIR.glob("*.rq")), ids=lambda p: p.stem)
def test_saved_query_returns_its_rows(shipped_store: ox.Store, path) -> None:
    query = load_query(path.stem)
    assert query.title and query.description, "the header needs # title: and # description:"
    rows = run_select(shipped_store, query.text)
    assert rows
    EXPECTATIONS[path.stem](rows)
