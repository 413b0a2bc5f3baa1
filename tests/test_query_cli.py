"""`kg query` and `kg queries` through the real command: sources of queries, parameters,
formats, and a clear message for every kind of mistake."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from kg.files import GRAPH_FILE
from kg.results import PREFIXES


def test_queries_lists_every_saved_query_with_its_parameters(kg) -> None:
    result = kg("queries")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "  neighbourhood  --param concept=<concept>" in lines
    assert (
        "      Neighbourhood of a concept: Every claim into or out of a concept, with direction, predicate, the concept at the other end, and the claim's status."
        in lines
    )
    # under the question each answers, the groups in their set order
    headings = [line for line in lines if line and not line.startswith(" ")]
    assert headings == [
        "Concepts and names:",
        "Mechanisms:",
        "Treatments and status:",
        "Evidence and sources:",
        "Curation:",
    ]
    mechanisms = lines[lines.index("Mechanisms:") + 1 : lines.index("Treatments and status:")]
    assert "  mechanism-path  --param drug=<concept> --param target=<concept>" in mechanisms
    assert len([line for line in lines if line.startswith("  ") and line[2] != " "]) >= 12


@pytest.mark.parametrize(
    "name",
    [
        "BDNF",
        "bdnf",
        "brain-derived neurotrophic factor",
        "concept:bdnf",
        "NCBIGene:627",
        "https://w3id.org/treatment-kg/concept/bdnf",
    ],
)
def test_concept_parameter_by_any_name(kg, name: str) -> None:
    result = kg("query", "neighbourhood", "--param", f"concept={name}", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"direction": "out", "predicate": "activates", "otherLabel": "TrkB"}.items() <= rows[
        0
    ].items() or any(
        row["predicate"] == "activates" and row["otherLabel"] == "TrkB" for row in rows
    )
    assert len(rows) == 10


def test_treatments_for_ptsd_keep_use_kinds_apart(kg) -> None:
    result = kg(
        "query", "treatments-for-condition", "--param", "condition=PTSD", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    bindings = json.loads(result.stdout)["results"]["bindings"]
    uses = {
        (b["treatmentLabel"]["value"], b["use"]["value"], b["status"]["value"]) for b in bindings
    }
    # each kind of use of each treatment is a row of its own
    assert {
        ("ketamine", "studied for", "established"),
        ("ketamine", "used off-label for", "established"),
        ("sertraline", "approved for", "established"),
        ("prolonged exposure therapy", "recommended for", "established"),
        ("prolonged exposure therapy", "treats", "established"),
    } <= uses
    assert len(bindings) == len({(b["treatment"]["value"], b["use"]["value"]) for b in bindings})


def test_json_is_sparql_results_json(kg) -> None:
    result = kg("query", "concepts-per-category", "--format", "json")
    document = json.loads(result.stdout)
    assert document["head"]["vars"] == ["category", "concepts"]
    first = document["results"]["bindings"][0]
    assert first["concepts"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_table_and_markdown(kg) -> None:
    table = kg("query", "drug-targets").stdout.splitlines()
    assert table[0].split() == [
        "drugLabel",
        "action",
        "targetLabel",
        "targetCategory",
        "status",
        "drug",
        "target",
    ]
    assert set(table[1]) <= {"-", " "}
    assert table[-1].endswith("rows)")
    markdown = kg("query", "drug-targets", "--format", "md").stdout.splitlines()
    assert (
        markdown[0]
        == "| drugLabel | action | targetLabel | targetCategory | status | drug | target |"
    )
    assert markdown[1] == "| --- | --- | --- | --- | --- | --- | --- |"


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        (
            "turtle",
            lambda out: "@prefix concept: <https://w3id.org/treatment-kg/concept/> ." in out,
        ),
        ("ntriples", lambda out: out.splitlines()[0].endswith(" .") and "@prefix" not in out),
        (
            "jsonld",
            lambda out: json.loads(out)[0]["@id"].startswith("https://w3id.org/treatment-kg/"),
        ),
    ],
)
def test_construct_formats(kg, fmt: str, check) -> None:
    result = kg("query", "subgraph", "--param", "concept=GSK-3", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert check(result.stdout)


def test_query_from_file_expression_and_stdin(kg, tmp_path: Path) -> None:
    text = "SELECT ?label WHERE { ?c a <https://w3id.org/treatment-kg/vocab/Route> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
    query_file = tmp_path / "routes.rq"
    query_file.write_text(text)
    expected = [
        "label",
        "intramuscular injection",
        "intranasal spray",
        "intravenous infusion",
        "oral administration",
        "subcutaneous injection",
        "sublingual administration",
    ]
    for args, stdin in [((str(query_file),), None), (("-e", text), None), ((), text)]:
        result = kg("query", *args, "--format", "csv", stdin=stdin)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == expected


def test_ask_query(kg) -> None:
    assert kg("query", "-e", "ASK { ?s ?p ?o }").stdout == "yes\n"
    assert (
        kg("query", "-e", "ASK { ?s ?p ?o }", "--format", "json").stdout
        == '{"head":{},"boolean":true}\n'
    )


def test_undeclared_parameter_binds_a_string(kg) -> None:
    result = kg(
        "query",
        "-e",
        "SELECT ?c WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
        "--param",
        "label=BDNF",
        "--format",
        "csv",
    )
    assert result.stdout.splitlines() == ["c", "https://w3id.org/treatment-kg/concept/bdnf"]


def test_a_value_cannot_change_the_query(kg) -> None:
    sneaky = 'x" } ?s ?p ?o { "'
    result = kg(
        "query",
        "-e",
        "SELECT ?c WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
        "--param",
        f"label={sneaky}",
        "--format",
        "csv",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["c"]


ERRORS = [
    (
        ("query", "neighbourhod"),
        "Error: no saved query named 'neighbourhod'; did you mean neighbourhood?\n",
    ),
    (
        ("query", "neighbourhood"),
        "Error: query 'neighbourhood' needs --param concept=VALUE (the concept, by label, synonym, CURIE or IRI)\n",
    ),
    (
        ("query", "neighbourhood", "--param", "concept=bdfn"),
        "Error: no concept is named 'bdfn'; close names: BDNF\n",
    ),
    (
        ("query", "neighbourhood", "--param", "concept=depression", "--param", "x=<not an iri>"),
        None,
    ),
    (
        ("query", "-e", "SELECT ?x WHERE {\n  ?x ?y\n}"),
        "Error: query:3:1: a triple pattern needs a subject, a predicate and an object (the parser expected one of LATERAL, SERVICE, [_])\n",
    ),
    (
        ("query", "subgraph", "--param", "concept=BDNF", "--format", "csv"),
        "Error: a CONSTRUCT or DESCRIBE result is a graph: use --format turtle, ntriples, jsonld\n",
    ),
    (
        ("query", "sources", "--format", "turtle"),
        "Error: a SELECT or ASK result is a table: use --format table, md, json, xml, csv, tsv\n",
    ),
]


@pytest.mark.parametrize(("args", "message"), ERRORS, ids=[" ".join(a) for a, _ in ERRORS])
def test_mistakes_get_a_clear_message(kg, args: tuple[str, ...], message: str | None) -> None:
    result = kg(*args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    if message:
        assert result.stderr == message


def test_bad_format_and_param_are_usage_errors(kg) -> None:
    assert kg("query", "sources", "--format", "yaml").returncode == 2
    result = kg("query", "neighbourhood", "--param", "concept")
    assert result.returncode == 2
    assert "'concept' is not NAME=VALUE" in result.stderr


def test_syntax_error_in_a_query_file_names_the_file(kg, tmp_path: Path) -> None:
    broken = tmp_path / "broken.rq"
    broken.write_text("# title: Broken\nSELECT * WHERE {\n  ?s foo:p ?o .\n}\n")
    result = kg("query", str(broken))
    assert result.returncode == 1
    assert result.stderr == f"Error: {broken}:3:10: undeclared prefix foo: add PREFIX foo: <...>\n"


def test_a_saved_query_declares_the_graph_prefixes_it_uses(kg, tmp_path: Path) -> None:
    # a .rq file is shared with tools that know no prefixes of ours: the message gives the line
    saved = tmp_path / "drugs.rq"
    saved.write_text("SELECT ?drug WHERE {\n  ?drug a tkg:Drug\n}\n")
    result = kg("query", str(saved))
    assert result.stderr == (
        f"Error: {saved}:2:18: undeclared prefix tkg: add PREFIX tkg: "
        "<https://w3id.org/treatment-kg/vocab/>\n"
    )


def test_typed_queries_may_use_the_graph_prefixes(kg) -> None:
    typed = "SELECT ?label WHERE { concept:ketamine rdfs:label ?label ; a tkg:Drug }"
    expected = ["label", "--------", "ketamine", "(1 row)"]
    assert kg("query", "-e", typed).stdout.splitlines() == expected
    assert kg("query", stdin=typed).stdout.splitlines() == expected
    # one the query declares itself is its own
    own = "PREFIX tkg: <http://example.org/> SELECT (tkg:x AS ?x) WHERE {}"
    assert kg("query", "-e", own).stdout.splitlines()[2] == "http://example.org/x"


def test_undeclared_prefix_is_named(kg) -> None:
    result = kg("query", "-e", "SELECT * WHERE {\n  ?s foo:p ?o\n}")
    assert result.stderr == "Error: query:2:10: undeclared prefix foo: add PREFIX foo: <...>\n"


def test_the_graph_prefixes_are_all_known_and_named_in_help(kg) -> None:
    declared = dict(
        re.findall(r"^@prefix (\w*): <([^>]*)> \.$", GRAPH_FILE.read_text(), re.MULTILINE)
    )
    assert declared.items() <= PREFIXES.items()
    text = " ".join(kg("query", "--help").stdout.split())
    assert all(f"{name}:" in text for name in PREFIXES), text
