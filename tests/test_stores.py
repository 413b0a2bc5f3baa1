"""The same saved queries give the same answers in memory, in an on-disk Oxigraph store, through
`kg serve`, and in a real Virtuoso server that `kg push` filled."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.query import bind_params, run_query, saved_queries
from kg.store import EndpointStore, LocalStore, QueryResult, Store, open_store
from tests.conftest import FIXTURES, PARAMS
from tests.server import Served
from tests.virtuoso import Virtuoso

GRAPH = "https://w3id.org/treatment-kg/graph"
NUMERIC = {"integer", "int", "long", "decimal", "double", "float"}


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> object:
    """A comparable value: numbers as numbers, text exactly (GROUP_CONCAT lists included, whose
    order the queries fix); an empty GROUP_CONCAT is "" in Virtuoso, unbound in Oxigraph."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        if term.datatype.value.rsplit("#", 1)[-1] in NUMERIC:
            return float(term.value)
        return term.value
    return str(term)


def normalised(result: QueryResult) -> object:
    if isinstance(result, list):
        return sorted(str(triple) for triple in result)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    names = [v.value for v in result.variables]
    return sorted((tuple(_cell(row[name]) for name in names) for row in result), key=repr)


def answers(store: Store) -> dict[str, object]:
    results = {}
    for query in saved_queries():
        values = {name: PARAMS[name] for name in query.params}
        results[query.name] = normalised(run_query(store, bind_params(store, query, values)))
    return results


@pytest.fixture(scope="module")
def oxigraph_store(kg, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("stores") / "oxigraph"
    result = kg("load", "--store", f"oxigraph:{path}")
    assert result.returncode == 0, result.stderr
    return f"oxigraph:{path}"


@pytest.fixture(scope="module")
def virtuoso_graph(kg, virtuoso: Virtuoso) -> EndpointStore:
    result = kg(
        "push",
        "--endpoint",
        virtuoso.update_url,
        "--user",
        virtuoso.user,
        "--password",
        virtuoso.password,
        "--graph",
        GRAPH,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{virtuoso.update_url}: ")
    assert result.stdout.rstrip().endswith(f"triples in <{GRAPH}>")
    return EndpointStore(virtuoso.query_url, GRAPH)


def test_parameters_cover_every_saved_query() -> None:
    assert {name for q in saved_queries() for name in q.params} <= set(PARAMS)


def test_oxigraph_store_answers_like_memory(shipped_store: LocalStore, oxigraph_store: str) -> None:
    on_disk = open_store(oxigraph_store)
    assert answers(on_disk) == answers(shipped_store)


def test_virtuoso_answers_like_memory(
    shipped_store: LocalStore, virtuoso_graph: EndpointStore
) -> None:
    expected, got = answers(shipped_store), answers(virtuoso_graph)
    assert [name for name in expected if expected[name] != got[name]] == []


def test_kg_serve_answers_like_memory(shipped_store: LocalStore, served: Served) -> None:
    expected, got = answers(shipped_store), answers(EndpointStore(served.endpoint))
    assert [name for name in expected if expected[name] != got[name]] == []


def test_query_command_on_each_store(
    kg, oxigraph_store: str, virtuoso_graph: EndpointStore
) -> None:
    outputs = [
        kg("query", "drug-targets", "--format", "csv", *where).stdout.splitlines()
        for where in (
            [],
            ["--store", oxigraph_store],
            ["--endpoint", virtuoso_graph.url, "--graph", GRAPH],
        )
    ]
    assert outputs[0][0] == "drugLabel,action,targetLabel,targetCategory,status,drug,target"
    assert len(outputs[0]) > 5
    assert sorted(outputs[0]) == sorted(outputs[1]) == sorted(outputs[2])


def test_load_shows_progress_at_a_terminal(tmp_path: Path) -> None:
    from tests.conftest import kg_at_terminal

    result, shown = kg_at_terminal("load", "--store", f"oxigraph:{tmp_path / 'store'}")
    assert result.returncode == 0
    assert "Loading 2 files" in shown


def test_load_reports_triples(kg, tmp_path: Path) -> None:
    result = kg(
        "load", "--data", "tests/fixtures/tiny.ttl", "--store", f"oxigraph:{tmp_path / 'tiny'}"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{tmp_path / 'tiny'}: ")
    assert "triples from data/schema.ttl, tests/fixtures/tiny.ttl" in result.stdout
    assert result.stderr == "", "no progress bar in a pipe or a log"
    count = kg(
        "query",
        "-e",
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/treatment-kg/vocab/Drug> }",
        "--store",
        f"oxigraph:{tmp_path / 'tiny'}",
        "--format",
        "csv",
    )
    assert count.stdout.splitlines() == ["n", "1"]


def test_failed_load_keeps_the_existing_store(kg, tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'kept'}"
    assert kg("load", "--data", str(FIXTURES / "tiny.ttl"), "--store", store).returncode == 0
    broken = kg("load", "--data", str(FIXTURES / "broken-missing-dot.ttl"), "--store", store)
    assert broken.returncode == 1
    assert (
        "broken-missing-dot.ttl:29:1: A dot is expected at the end of statements" in broken.stderr
    )
    still = kg("query", "concepts-per-category", "--store", store, "--format", "csv")
    assert still.returncode == 0
    assert "Drug,1" in still.stdout.splitlines()


def test_missing_store_is_explained(kg, tmp_path: Path) -> None:
    result = kg("query", "sources", "--store", f"oxigraph:{tmp_path / 'nothing'}")
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: no Oxigraph store at {tmp_path / 'nothing'}: "
        f"fill it with `kg load --store oxigraph:{tmp_path / 'nothing'}`\n"
    )


def test_unreachable_endpoint_is_explained(kg) -> None:
    result = kg("query", "sources", "--endpoint", "http://127.0.0.1:9/sparql")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "Error: cannot reach the SPARQL endpoint http://127.0.0.1:9/sparql"
    )
    assert "Traceback" not in result.stderr


def test_push_needs_update_rights(kg, virtuoso: Virtuoso) -> None:
    result = kg("push", "--endpoint", virtuoso.query_url, "--graph", GRAPH + "/denied")
    assert result.returncode == 1
    assert f"Error: {virtuoso.query_url} answered 500: " in result.stderr
    assert "No permission" in result.stderr


@pytest.mark.parametrize(
    ("credentials", "said"),
    [
        (
            ["--user", "dba", "--password", "wrong"],
            "refused the credentials of user 'dba' (401): check --user and --password (or "
            "KG_ENDPOINT_PASSWORD)",
        ),
        (
            [],
            "needs a user name and password (401): give kg push --user and --password (or set "
            "KG_ENDPOINT_PASSWORD)",
        ),
    ],
    ids=["wrong password", "none given"],
)
def test_push_says_when_the_endpoint_refuses_the_credentials(
    kg, virtuoso: Virtuoso, credentials: list[str], said: str
) -> None:
    result = kg(
        "push", "--data", "tests/fixtures/tiny.ttl", "--endpoint", virtuoso.update_url,
        "--graph", GRAPH + "/refused", *credentials,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == f"Error: {virtuoso.update_url} {said}\n"


def test_typed_query_uses_the_graph_prefixes_at_an_endpoint(
    kg, virtuoso_graph: EndpointStore
) -> None:
    # Virtuoso knows none of them: kg declares those the query leaves out
    result = kg(
        "query", "-e", "SELECT ?label WHERE { concept:ketamine rdfs:label ?label ; a tkg:Drug }",
        "--endpoint", virtuoso_graph.url, "--graph", GRAPH,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["label", "--------", "ketamine", "(1 row)"]
