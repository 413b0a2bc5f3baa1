"""`kg stats`: exact counts on the tiny fixture, and the shipped graph's headline numbers."""

from __future__ import annotations

import json

from kg.stats import graph_stats
from kg.store import LocalStore


def test_tiny_counts(tiny_store: LocalStore) -> None:
    stats = graph_stats(tiny_store)
    assert stats.concepts_per_category == {
        "Condition": 1,
        "Drug": 1,
        "Gene or protein": 1,
        "Receptor": 1,
    }
    assert stats.claims_per_predicate == {"blocks": 1, "increases": 1, "used off-label for": 1}
    assert stats.claims_per_status == {"established": 2, "debated": 1}
    assert stats.claims_per_evidence == {
        "seed article claim": {"established": 2, "debated": 1},
        "preclinical study": {"established": 1},
    }
    assert stats.sources == 2
    assert stats.mappings_per_system == {
        "ChEBI (CHEBI)": 1,
        "MeSH (MESH)": 1,
        "NCBI Gene (NCBIGene)": 1,
    }


def test_text_report(kg) -> None:
    result = kg("stats", "--data", "tests/fixtures/tiny.ttl")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Graph: tests/fixtures/tiny.ttl", "Concepts: 4"]
    assert "Claims: 3 (1 debated)" in lines
    assert "Sources: 2" in lines
    assert "External mappings: 3 (2 of 4 concepts mapped)" in lines
    assert any(line.split() == ["seed", "article", "claim", "2", "/", "1"] for line in lines)


def test_json_report_of_shipped_graph(kg) -> None:
    result = kg("stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert sum(report["concepts_per_category"].values()) > 80
    assert sum(report["claims_per_predicate"].values()) > 150
    assert report["claims_per_status"]["debated"] >= 10
    assert report["mappings_per_system"]["MeSH (MESH)"] >= 5
    assert report["sources"] >= 40


def test_bad_format_is_a_usage_error(kg) -> None:
    result = kg("stats", "--format", "xml")
    assert result.returncode == 2
    assert "'xml' is not one of 'text', 'json'" in result.stderr


def test_broken_graph_is_reported_without_traceback(kg) -> None:
    result = kg("stats", "--data", "tests/fixtures/broken-missing-dot.ttl")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: tests/fixtures/broken-missing-dot.ttl:29:1: A dot is expected at the end of statements\n"
    )
