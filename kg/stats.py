"""Counts that describe the graph: concepts, claims, evidence, sources and mappings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

from kg.query import load_query, run_select
from kg.store import Store

__all__ = ["Stats", "graph_stats"]


@dataclass(frozen=True)
class Stats:
    """Counts per category, predicate, evidence kind, status and identifier system."""

    concepts_per_category: dict[str, int]
    claims_per_predicate: dict[str, int]
    claims_per_status: dict[str, int]
    claims_per_evidence: dict[str, dict[str, int]]
    sources: int
    mappings_per_system: dict[str, int]
    claims_with_quote: int
    concepts_with_mapping: int

    @property
    def concepts(self) -> int:
        return sum(self.concepts_per_category.values())

    @property
    def claims(self) -> int:
        return sum(self.claims_per_predicate.values())

    @property
    def mappings(self) -> int:
        return sum(self.mappings_per_system.values())

    @property
    def debated(self) -> int:
        return self.claims_per_status["debated"]

    def as_dict(self) -> dict[str, object]:
        """Every count, the totals first: what `kg stats --format json` prints."""
        totals = {"concepts": self.concepts, "claims": self.claims, "debated": self.debated}
        return {**totals, "mappings": self.mappings, **asdict(self)}


def _rows(store: Store, name: str) -> list[dict[str, str | int | float | None]]:
    return run_select(store, load_query(name).text)


def graph_stats(store: Store) -> Stats:
    """Count the graph's contents with the saved statistics queries."""
    predicates = _rows(store, "claims-per-predicate")
    evidence: dict[str, dict[str, int]] = defaultdict(dict)
    for row in _rows(store, "claims-per-evidence"):
        evidence[str(row["evidence"])][str(row["status"])] = int(row["claims"] or 0)
    debated = sum(int(row["debated"] or 0) for row in predicates)
    total = sum(int(row["claims"] or 0) for row in predicates)
    counts = _rows(store, "evidence-counts")[0]
    return Stats(
        concepts_per_category={
            str(r["category"]): int(r["concepts"] or 0)
            for r in _rows(store, "concepts-per-category")
        },
        claims_per_predicate={str(r["predicate"]): int(r["claims"] or 0) for r in predicates},
        claims_per_status={"established": total - debated, "debated": debated},
        claims_per_evidence=dict(evidence),
        sources=len(_rows(store, "sources")),
        mappings_per_system={
            f"{r['system']} ({r['prefix']})": int(r["mappings"] or 0)
            for r in _rows(store, "mappings-per-id-system")
        },
        claims_with_quote=int(counts["claimsWithQuote"] or 0),
        concepts_with_mapping=int(counts["conceptsWithMapping"] or 0),
    )
