"""`kg validate`: the shipped graph is valid, and each kind of broken file gets a precise message."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.files import GRAPH_FILE
from kg.validate import validate
from tests.conftest import FIXTURES

CONCEPT = "https://w3id.org/treatment-kg/concept/"
CLAIM = "https://w3id.org/treatment-kg/claim/"


def test_shipped_graph_is_valid() -> None:
    assert validate([GRAPH_FILE]) == []


def test_valid_file_reports_its_counts(kg) -> None:
    result = kg("validate", "tests/fixtures/tiny.ttl")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "tests/fixtures/tiny.ttl: valid (4 concepts, 3 claims, 2 sources)\n"


def test_default_is_the_shipped_graph(kg) -> None:
    result = kg("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("data/triples.ttl: valid (")


BROKEN = {
    "broken-missing-dot.ttl": "29:1: A dot is expected at the end of statements",
    "broken-unknown-prefix.ttl": "29:16: The prefix tkgx: has not been declared",
    "broken-no-label.ttl": f"24: concept <{CONCEPT}bdnf> has no label: give it one rdfs:label",
    "broken-no-definition.ttl": (
        f"24: concept 'BDNF' <{CONCEPT}bdnf> has no definition: "
        "add a skos:definition in your own words"
    ),
    "broken-no-source.ttl": (
        "58: claim 'ketamine used off-label for post-traumatic stress disorder' "
        f"<{CLAIM}ketamine--usedOffLabelFor--ptsd> has no source: "
        "add dcterms:source naming the seed article or a publication"
    ),
    "broken-wrong-domain.ttl": (
        "58: claim 'NMDA receptor treats post-traumatic stress disorder' "
        f"<{CLAIM}nmda-receptor--treats--ptsd> uses 'treats' from a Receptor, "
        "but 'treats' expects one of: Therapy, Drug"
    ),
    "broken-bad-id.ttl": (
        f"24: concept 'BDNF' <{CONCEPT}bdnf> maps to <http://identifiers.org/ncbigene/BDNF>, "
        "but 'BDNF' is not a well-formed NCBI Gene identifier"
    ),
    "broken-no-claim-node.ttl": (
        f"13: concept 'ketamine' <{CONCEPT}ketamine> states blocks 'BDNF' as a plain triple "
        "without a claim node: add a rdf:Statement with its source"
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_gets_exact_message(kg, name: str) -> None:
    result = kg("validate", f"tests/fixtures/{name}")
    assert result.returncode == 1
    assert result.stdout == f"tests/fixtures/{name}:{BROKEN[name]}\n"
    assert result.stderr == f"Error: 1 problem(s) in tests/fixtures/{name}\n"
    assert "Traceback" not in result.stderr


def test_every_broken_fixture_is_covered() -> None:
    assert sorted(p.name for p in FIXTURES.glob("broken-*.ttl")) == sorted(BROKEN)


def test_missing_file_is_a_usage_error(kg) -> None:
    result = kg("validate", "no/such/file.ttl")
    assert result.returncode == 2
    assert "File 'no/such/file.ttl' does not exist" in result.stderr


def test_non_utf8_file_is_reported(kg, tmp_path: Path) -> None:
    binary = tmp_path / "binary.ttl"
    binary.write_bytes(b'@prefix ex: <http://example.org/> .\nex:a ex:b "\xff\xfe" .\n')
    result = kg("validate", str(binary))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{binary}:")
    assert "Traceback" not in result.stderr


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    text = (FIXTURES / "broken-no-definition.ttl").read_text()
    text = text.replace(
        "    dcterms:source source:seed ;\n    tkg:evidence tkg:seed-article ;\n    tkg:status tkg:debated ;",
        "    tkg:evidence tkg:seed-article ;\n    tkg:status tkg:debated ;",
    )
    both = tmp_path / "both.ttl"
    both.write_text(text)
    messages = [problem.message for problem in validate([both])]
    assert len(messages) == 2
    assert any("has no definition" in m for m in messages)
    assert any("has no source" in m for m in messages)
