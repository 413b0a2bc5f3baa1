"""The Python API: what `import kg` offers, run as a notebook would, and docs/python.md's
examples as doctests."""

from __future__ import annotations

import doctest
import importlib
import json
import subprocess
import sys

import networkx as nx
import pytest

import kg
from tests.conftest import ROOT

PUBLIC = ["Concept", "DataError", "QueryError", "Result", "concept", "coverage", "query",
          "to_networkx"]  # fmt: skip


def test_the_surface_is_exactly_the_public_api() -> None:
    assert dir(kg) == PUBLIC
    assert kg.__all__ == PUBLIC
    # importing the modules of the same names does not replace the functions
    importlib.import_module("kg.coverage")
    importlib.import_module("kg.query")

    assert callable(kg.query) and callable(kg.coverage)


def test_help_shows_the_four_calls() -> None:
    shown = subprocess.run(
        [sys.executable, "-c", "import kg, pydoc; print(pydoc.render_doc(kg, renderer=pydoc.plaintext))"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for name in ("query(", "concept(", "to_networkx(", "coverage("):
        assert name in shown
    assert "load_graph" not in shown


def test_the_package_ships_its_type_hints() -> None:
    assert (ROOT / "kg" / "py.typed").is_file()


def test_documented_examples_run() -> None:
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failed, tried = doctest.testfile(
        str(ROOT / "docs/python.md"), module_relative=False, optionflags=flags, verbose=False
    )
    assert tried > 15
    assert failed == 0


def test_query_rows_are_plain_values() -> None:
    rows = kg.query("drug-targets").to_records()
    ketamine = next(r for r in rows if r["drugLabel"] == "ketamine" and r["action"] == "blocks"
                    and r["targetLabel"] == "NMDA receptor")  # fmt: skip
    assert ketamine["drug"] == "concept:ketamine"
    counts = kg.query("evidence-counts")[0]
    assert isinstance(counts["claimsWithQuote"], int)


def test_query_takes_a_store_built_by_kg_load(kg_command, tmp_path) -> None:
    store = tmp_path / "store"
    assert kg_command("load", "--store", f"oxigraph:{store}").returncode == 0
    assert len(kg.query("drug-targets", store=f"oxigraph:{store}")) == len(kg.query("drug-targets"))


def test_errors_are_the_command_lines(kg_command) -> None:
    with pytest.raises(kg.QueryError) as error:
        kg.query("neighbourhood")
    printed = kg_command("query", "neighbourhood").stderr
    assert printed == f"Error: {error.value}\n"
    with pytest.raises(kg.QueryError, match="has no parameter 'depth'"):
        kg.query("neighbourhood", concept="BDNF", depth="2")
    with pytest.raises(kg.QueryError, match="did you mean SELECT"):
        kg.query("SELEC * WHERE { ?s ?p ?o }")


def test_coverage_is_the_json_report(kg_command) -> None:
    article = ROOT / "tests/corpus/clinic-blog.md"
    printed = json.loads(kg_command("coverage", str(article), "--format", "json").stdout)
    assert kg.coverage(article) == printed
    assert kg.coverage(str(article))["score"] == printed["score"]


def test_to_networkx_is_the_exported_graph(kg_command, tmp_path) -> None:
    exported = tmp_path / "graph.graphml"
    assert kg_command("export", "--format", "graphml", "--out", str(exported)).returncode == 0
    from_file = nx.read_graphml(exported)
    graph = kg.to_networkx()
    assert graph.number_of_nodes() == from_file.number_of_nodes()
    assert graph.number_of_edges() == from_file.number_of_edges()
    assert dict(graph.nodes["https://w3id.org/treatment-kg/concept/bdnf"]) == dict(
        from_file.nodes["https://w3id.org/treatment-kg/concept/bdnf"]
    )


def test_to_pandas_says_how_to_install_pandas_when_missing() -> None:
    script = (
        "import sys; sys.modules['pandas'] = None\n"
        "import kg\n"
        "try:\n    kg.query('drug-targets').to_pandas()\n"
        "except kg.QueryError as error:\n    print(error)\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "pip install 'treatment-kg[pandas]'" in shown.stdout, shown.stderr
