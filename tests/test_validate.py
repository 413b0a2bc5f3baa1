"""`kg validate`: the shipped graph is valid, and each kind of broken file gets a precise message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.files import GRAPH_FILE
from kg.validate import validate
from tests.conftest import FIXTURES

CONCEPT = "https://w3id.org/treatment-kg/concept/"
CLAIM = "https://w3id.org/treatment-kg/claim/"
SOURCE = "https://w3id.org/treatment-kg/source/"


def test_shipped_graph_is_valid() -> None:
    assert validate([GRAPH_FILE]) == []


def test_valid_file_reports_its_counts(kg) -> None:
    result = kg("validate", "--data", "tests/fixtures/tiny.ttl")
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
        "63: claim 'ketamine used off-label for post-traumatic stress disorder' "
        f"<{CLAIM}ketamine--usedOffLabelFor--ptsd> has no source: "
        "add dcterms:source naming the seed article or a publication"
    ),
    "broken-wrong-domain.ttl": (
        "63: claim 'NMDA receptor treats post-traumatic stress disorder' "
        f"<{CLAIM}nmda-receptor--treats--ptsd> uses 'treats' from a Receptor, "
        "but 'treats' expects one of: Therapy, Drug"
    ),
    "broken-bad-id.ttl": (
        f"24: concept 'BDNF' <{CONCEPT}bdnf> maps to <http://identifiers.org/ncbigene/BDNF>, "
        "but 'BDNF' is not a well-formed NCBI Gene identifier"
    ),
    "broken-empty-label.ttl": (
        f"24: concept <{CONCEPT}bdnf> has an empty label, synonym or definition: "
        "write the text or remove it"
    ),
    "broken-empty-title.ttl": (
        f"39: source 'Autry et al. 2011, Nature' <{SOURCE}autry-2011> has an empty label or "
        "title: write the citation or title, or remove it"
    ),
    "broken-ill-typed-year.ttl": (
        f"39: source 'Autry et al. 2011, Nature' <{SOURCE}autry-2011> has "
        '<http://purl.org/dc/terms/issued> "c. 2011", which is not a well-formed xsd:gYear: '
        "correct the value or its datatype"
    ),
    "broken-no-claim-node.ttl": (
        f"13: concept 'ketamine' <{CONCEPT}ketamine> states blocks 'BDNF' as a plain triple "
        "without a claim node: add a rdf:Statement with its source"
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_gets_exact_message(kg, name: str) -> None:
    result = kg("validate", "--data", f"tests/fixtures/{name}")
    assert result.returncode == 1
    assert result.stdout == f"tests/fixtures/{name}:{BROKEN[name]}\n"
    assert result.stderr == f"Error: 1 problem in tests/fixtures/{name}\n"
    assert "Traceback" not in result.stderr


def test_every_broken_fixture_is_covered() -> None:
    assert sorted(p.name for p in FIXTURES.glob("broken-*.ttl")) == sorted(BROKEN)


def test_missing_file_is_a_usage_error(kg) -> None:
    result = kg("validate", "--data", "no/such/file.ttl")
    assert result.returncode == 2
    assert "File 'no/such/file.ttl' does not exist" in result.stderr


def test_non_utf8_file_is_reported(kg, tmp_path: Path) -> None:
    binary = tmp_path / "binary.ttl"
    binary.write_bytes(b'@prefix ex: <http://example.org/> .\nex:a ex:b "\xff\xfe" .\n')
    result = kg("validate", "--data", str(binary))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{binary}:")
    assert "Traceback" not in result.stderr


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    text = (FIXTURES / "broken-no-definition.ttl").read_text()
    # the off-label claim loses its source and the citation that quotes it
    text = re.sub(
        r"    dcterms:source source:seed ;\n    tkg:citation .*\n(    tkg:evidence tkg:seed-article ;\n    tkg:status tkg:debated ;)",
        r"\1",
        text,
    )
    both = tmp_path / "both.ttl"
    both.write_text(text)
    messages = [problem.message for problem in validate([both])]
    assert len(messages) == 2
    assert any("has no definition" in m for m in messages)
    assert any("has no source" in m for m in messages)


def test_a_name_shared_by_two_concepts_is_reported_on_both(tmp_path: Path) -> None:
    text = (FIXTURES / "tiny.ttl").read_text()
    shared = tmp_path / "shared.ttl"
    shared.write_text(text.replace('skos:altLabel "NMDAR" ;', 'skos:altLabel "NMDAR", "Bdnf" ;'))
    assert sorted(str(problem) for problem in validate([shared])) == [
        f"{shared}:19: concept 'NMDA receptor' <{CONCEPT}nmda-receptor> shares the name 'Bdnf' "
        "with concept 'BDNF': a name must point at one concept",
        f"{shared}:24: concept 'BDNF' <{CONCEPT}bdnf> shares the name 'BDNF' "
        "with concept 'NMDA receptor': a name must point at one concept",
    ]


def test_files_are_validated_each_on_its_own(kg) -> None:
    # Merged, tiny.ttl's label for BDNF hid the one missing here, the problem was blamed on
    # tiny.ttl, and tiny.ttl beside data/triples.ttl gave every shared concept two definitions.
    result = kg(
        "validate",
        "--data",
        "tests/fixtures/tiny.ttl",
        "--data",
        "tests/fixtures/broken-no-label.ttl",
        "--data",
        "data/triples.ttl",
    )
    assert result.returncode == 1
    assert result.stdout == (
        f"tests/fixtures/broken-no-label.ttl:24: concept <{CONCEPT}bdnf> has no label: "
        "give it one rdfs:label\n"
        "tests/fixtures/tiny.ttl: valid (4 concepts, 3 claims, 2 sources)\n"
        "data/triples.ttl: valid (304 concepts, 761 claims, 481 sources)\n"
    )
    assert result.stderr == "Error: 1 problem in tests/fixtures/broken-no-label.ttl\n"


def test_extra_claims_may_refer_to_the_shipped_graph(kg) -> None:
    result = kg("validate", "--data", "tests/fixtures/extra-claims.ttl")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        result.stdout == "tests/fixtures/extra-claims.ttl: valid (0 concepts, 1 claim, 0 sources)\n"
    )


def test_problem_in_extra_claims_is_reported_in_that_file(kg, tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        re.sub(
            r"    dcterms:source source:seed ;\n    tkg:citation .*\n",
            "",
            (FIXTURES / "extra-claims.ttl").read_text(),
        )
    )
    result = kg("validate", "--data", str(extra))
    assert result.returncode == 1
    assert result.stdout == (
        f"{extra}:12: claim 'arketamine studied for treatment-resistant depression' "
        f"<{CLAIM}arketamine--studiedFor--treatment-resistant-depression> has no source: "
        "add dcterms:source naming the seed article or a publication\n"
    )


ILL_TYPED = [
    ("abc", "integer"),
    ("1,5", "decimal"),
    ("yes", "boolean"),
    ("not-a-year", "gYear"),
    ("2019-02-30", "date"),
    ("2019-03-05 10:00", "dateTime"),
]


@pytest.mark.parametrize(("lexical", "datatype"), ILL_TYPED)
def test_ill_typed_literal_is_reported(kg, tmp_path: Path, lexical: str, datatype: str) -> None:
    graph = tmp_path / "typed.ttl"
    graph.write_text(
        (FIXTURES / "tiny.ttl").read_text()
        + f'concept:ketamine dcterms:modified "{lexical}"^^xsd:{datatype} .\n'
    )
    result = kg("validate", "--data", str(graph))
    assert result.returncode == 1
    assert result.stdout == (
        f"{graph}:13: concept 'ketamine' <{CONCEPT}ketamine> has "
        f'<http://purl.org/dc/terms/modified> "{lexical}", which is not a well-formed '
        f"xsd:{datatype}: correct the value or its datatype\n"
    )
    assert "Traceback" not in result.stderr
    assert result.stderr == f"Error: 1 problem in {graph}\n"


def test_well_typed_literals_pass(tmp_path: Path) -> None:
    graph = tmp_path / "typed.ttl"
    graph.write_text(
        (FIXTURES / "tiny.ttl").read_text()
        + 'concept:ketamine dcterms:modified "2019-03-05"^^xsd:date, "-12"^^xsd:integer, '
        '"1.5"^^xsd:decimal, "true"^^xsd:boolean, "2019-03-05T10:00:00Z"^^xsd:dateTime .\n'
    )
    assert validate([graph]) == []


@pytest.mark.parametrize(
    "text", ["", " \n\n\t\n", "# nothing yet\n@prefix ex: <http://e.org/> .\n"]
)
def test_file_without_triples_is_reported(kg, tmp_path: Path, text: str) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text(text)
    result = kg("validate", "--data", str(empty))
    assert result.returncode == 1
    assert result.stdout == f"{empty}: holds no triples: add some, or leave the file out\n"
    assert result.stderr == f"Error: 1 problem in {empty}\n"


def test_help_says_each_file_is_checked_with_the_default_graph_as_context(kg) -> None:
    result = kg("validate", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "Each file given with --data is checked on its own, with the default graph as" in text
    assert "Problems are reported only for the file checked" in text
