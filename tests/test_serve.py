"""`kg serve` over real HTTP on 127.0.0.1: the SPARQL 1.1 Protocol in each form and format,
real clients (SPARQLWrapper, rdflib's SPARQLStore, `kg query --endpoint`), the limits that make
it safe to leave running, and the query page in headless chromium with the network blocked."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from playwright.sync_api import Browser
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from kg.files import GRAPH_FILE
from kg.query import load_query, run_query
from kg.store import LocalStore
from tests.browser import visit
from tests.server import Reply, Served, fetch, get, post_form, post_raw, running_server

TKG = "https://w3id.org/treatment-kg/vocab/"
DRUGS = f"PREFIX tkg: <{TKG}> SELECT ?drug WHERE {{ ?drug a tkg:Drug }} ORDER BY ?drug"
DRUG_GRAPH = f"PREFIX tkg: <{TKG}> CONSTRUCT {{ ?drug a tkg:Drug }} WHERE {{ ?drug a tkg:Drug }}"
# Every triple three times over: about 10^10 rows with this graph, far beyond any time limit.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def drugs_in(shipped_store: LocalStore) -> list[str]:
    result = run_query(shipped_store, DRUGS)
    assert isinstance(result, ox.QuerySolutions)
    return [str(row["drug"].value) for row in result]


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A second server with small limits, updates allowed and one CORS origin."""
    log = tmp_path_factory.mktemp("limited") / "server.log"
    args = ["--max-rows", "5", "--max-request-bytes", "2048", "--allow-update"]
    with running_server(log, *args, "--cors-origin", "https://lab.example.org") as server:
        yield server


# --- the protocol --------------------------------------------------------------------------


def test_health(served: Served, shipped_store: LocalStore) -> None:
    status, health = served.health()
    assert status == 200
    assert health == {
        "status": "ok",
        "triples": len(shipped_store.store),
        "workers": 2,
        "alive_workers": 2,
        "starting_workers": 0,
        "dead_workers": 0,
        "idle_workers": 2,
    }


def test_binds_loopback_by_default(served: Served) -> None:
    assert served.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("form", ["get", "post-form", "post-query"])
def test_each_protocol_form_answers(served: Served, shipped_store: LocalStore, form: str) -> None:
    accept = "application/sparql-results+json"
    reply = {
        "get": lambda: get(served, DRUGS, accept),
        "post-form": lambda: post_form(served, {"query": DRUGS}, accept),
        "post-query": lambda: post_raw(served, "application/sparql-query", DRUGS, accept),
    }[form]()
    assert reply.status == 200
    assert reply.headers["Content-Type"] == accept
    rows = json.loads(reply.body)["results"]["bindings"]
    assert [row["drug"]["value"] for row in rows] == drugs_in(shipped_store)
    assert len(rows) >= 5


@pytest.mark.parametrize(
    ("accept", "results_format"),
    [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_select_in_each_result_format(
    served: Served, shipped_store: LocalStore, accept: str, results_format: ox.QueryResultsFormat
) -> None:
    reply = get(served, DRUGS, accept)
    assert reply.status == 200
    assert reply.headers["Content-Type"].split(";")[0] == accept
    solutions = ox.parse_query_results(reply.body, format=results_format)
    assert isinstance(solutions, ox.QuerySolutions)
    assert [str(row["drug"].value) for row in solutions] == drugs_in(shipped_store)


def test_select_as_csv(served: Served, shipped_store: LocalStore) -> None:
    reply = get(served, DRUGS, "text/csv")
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(reply.text)))
    assert rows[0] == ["drug"]
    assert [row[0] for row in rows[1:]] == drugs_in(shipped_store)


def test_accept_with_qualities_picks_the_best(served: Served) -> None:
    reply = get(served, DRUGS, "text/csv;q=0.4, application/sparql-results+xml;q=0.9, */*;q=0.1")
    assert reply.headers["Content-Type"] == "application/sparql-results+xml"


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_in_each_rdf_format(
    served: Served, shipped_store: LocalStore, accept: str, rdf_format: ox.RdfFormat
) -> None:
    reply = get(served, DRUG_GRAPH, accept)
    assert reply.status == 200
    assert reply.headers["Content-Type"].split(";")[0] == accept
    triples = {str(q.triple) for q in ox.parse(reply.body, format=rdf_format)}
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    assert triples == {f"<{drug}> {rdf_type} <{TKG}Drug>" for drug in drugs_in(shipped_store)}


def test_ask(served: Served) -> None:
    reply = get(served, f"ASK {{ ?d a <{TKG}Drug> }}", "application/sparql-results+json")
    assert json.loads(reply.body) == {"head": {}, "boolean": True}


def test_unacceptable_format_gets_406(served: Served) -> None:
    reply = get(served, DRUGS, "image/png")
    assert reply.status == 406
    assert "application/sparql-results+json" in reply.text


def test_service_description(served: Served) -> None:
    reply = fetch(served.endpoint, headers={"Accept": "text/turtle"})
    assert reply.status == 200
    graph = rdflib.Graph().parse(data=reply.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(served.endpoint)
    assert (service, sd.endpoint, service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Update) not in graph


def test_malformed_query_gets_400_with_line_and_column(served: Served) -> None:
    reply = get(served, "SELECT ?s\nWHERE { ?s ?p }")
    assert reply.status == 400
    assert reply.text.startswith(
        "query:2:15: a triple pattern needs a subject, a predicate and an object (the parser "
        "expected one of"
    )


def test_update_sent_as_a_query_gets_a_hint(served: Served) -> None:
    reply = get(served, f"PREFIX tkg: <{TKG}>\nINSERT DATA {{ <urn:x> a tkg:Drug }}")
    assert reply.status == 400
    assert reply.text.startswith("query:2:")
    assert "INSERT is SPARQL Update, not a query" in reply.text
    assert "send it as an update, update= to an endpoint" in reply.text


def test_default_graph_uri_selects_the_dataset(served: Served) -> None:
    qs = urllib.parse.urlencode(
        {"query": "ASK { ?s ?p ?o }", "default-graph-uri": "https://example.org/empty"}
    )
    reply = fetch(f"{served.endpoint}?{qs}", headers={"Accept": "application/sparql-results+json"})
    assert json.loads(reply.body)["boolean"] is False


def test_wrong_content_type_gets_415(served: Served) -> None:
    reply = post_raw(served, "text/plain", DRUGS)
    assert reply.status == 415
    assert "application/sparql-query" in reply.text


def test_unknown_path_gets_404(served: Served) -> None:
    assert fetch(served.url + "static/../../kg/cli.py").status == 404
    assert fetch(served.url + "nothing-here").status == 404


# --- real clients --------------------------------------------------------------------------


def test_sparqlwrapper_client(served: Served, shipped_store: LocalStore) -> None:
    client = SPARQLWrapper(served.endpoint)
    client.setQuery(DRUGS)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index, call-overload]
    assert [row["drug"]["value"] for row in rows] == drugs_in(shipped_store)
    client.setQuery(DRUG_GRAPH)
    client.setReturnFormat(TURTLE)
    turtle = client.queryAndConvert()
    assert len(rdflib.Graph().parse(data=turtle, format="turtle")) == len(drugs_in(shipped_store))


def test_rdflib_sparqlstore_client(served: Served, shipped_store: LocalStore) -> None:
    graph = rdflib.Graph(store=SPARQLStore(served.endpoint))
    assert [str(row[0]) for row in graph.query(DRUGS)] == drugs_in(shipped_store)
    drug = rdflib.URIRef(f"{TKG}Drug")
    assert len(list(graph.triples((None, rdflib.RDF.type, drug)))) == len(drugs_in(shipped_store))


def test_kg_query_against_kg_serve(kg, served: Served) -> None:
    local = kg("query", "drug-targets", "--format", "csv")
    remote = kg("query", "drug-targets", "--format", "csv", "--endpoint", served.endpoint)
    assert remote.returncode == 0, remote.stderr
    assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines())


# --- safe to leave running -----------------------------------------------------------------


def test_update_is_refused_by_default(served: Served) -> None:
    update = f"INSERT DATA {{ <urn:x> a <{TKG}Drug> }}"
    for reply in (
        post_raw(served, "application/sparql-update", update),
        post_form(served, {"update": update}),
    ):
        assert reply.status == 403
        assert "read-only" in reply.text
        assert "--allow-update" in reply.text
    assert fetch(f"{served.endpoint}?update=CLEAR%20ALL").status == 405
    assert "urn:x" not in get(served, DRUGS, "text/csv").text


def test_runaway_query_is_stopped_while_others_are_served(served: Served) -> None:
    runaway: list[Reply] = []
    started = time.monotonic()
    worker = threading.Thread(target=lambda: runaway.append(get(served, RUNAWAY)))
    worker.start()
    time.sleep(0.5)
    quick_started = time.monotonic()
    quick = get(served, DRUGS, "text/csv")
    quick_seconds = time.monotonic() - quick_started
    worker.join(timeout=30)
    assert quick.status == 200
    assert quick_seconds < 1.5, "a second client waited for the runaway query"
    [stopped] = runaway
    assert stopped.status == 503
    assert stopped.text == "query stopped after the time limit of 3 s\n"
    assert 2.5 < time.monotonic() - started < 15
    # the stopped worker is replaced: both workers come back
    for _ in range(100):
        if json.loads(fetch(served.url + "healthz").body)["idle_workers"] == 2:
            break
        time.sleep(0.1)
    assert json.loads(fetch(served.url + "healthz").body)["idle_workers"] == 2


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopping_answers_the_running_query_and_exits_cleanly(
    tmp_path: Path, stop: signal.Signals
) -> None:
    with running_server(tmp_path / "server.log", "--workers", "1", "--timeout", "60") as server:
        running: list[Reply] = []
        client = threading.Thread(target=lambda: running.append(get(server, RUNAWAY)))
        client.start()
        for _ in range(100):
            if json.loads(fetch(server.url + "healthz").body)["idle_workers"] == 0:
                break
            time.sleep(0.1)
        server.process.send_signal(stop)
        client.join(timeout=30)
        assert server.process.wait(timeout=30) == 0
        [reply] = running
        assert reply.status == 503
        assert reply.text == "query not answered: the server is stopping\n"
        assert server.process.stdout is not None
        assert server.process.stdout.read().splitlines()[-1] == "Stopped"
        assert "Traceback" not in server.log.read_text()


def test_row_limit_is_reported(limited: Served) -> None:
    reply = get(limited, DRUGS, "text/csv")
    assert reply.status == 200
    assert reply.headers["X-SPARQL-MaxRows"] == "5"
    assert len(reply.text.splitlines()) == 1 + 5
    graph = get(limited, DRUG_GRAPH, "application/n-triples")
    assert graph.headers["X-SPARQL-MaxRows"] == "5"
    assert len(graph.text.splitlines()) == 5
    small = get(limited, f"ASK {{ ?d a <{TKG}Drug> }}")
    assert "X-SPARQL-MaxRows" not in small.headers
    assert "(cut at the row limit)" in limited.log_lines()[-3]


def test_kg_query_refuses_a_cut_result(kg, limited: Served) -> None:
    result = kg("query", "drug-targets", "--endpoint", limited.endpoint)
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {limited.endpoint} cut the result at 5 rows (its ResultSetMaxRows setting); "
        "raise that limit to get every row\n"
    )


def test_request_size_is_capped(limited: Served) -> None:
    query = "#" + "x" * 3000 + "\n" + DRUGS
    reply = post_raw(limited, "application/sparql-query", query)
    assert reply.status == 413
    assert reply.text == f"the request has {len(query)} bytes; this server takes at most 2048\n"


def test_updates_when_allowed_reach_every_worker(limited: Served) -> None:
    before = hashlib.sha256(GRAPH_FILE.read_bytes()).hexdigest()
    reply = post_raw(
        limited, "application/sparql-update", f'INSERT DATA {{ <urn:new> <{TKG}note> "added" }}'
    )
    assert reply.status == 200, reply.text
    ask = f'ASK {{ <urn:new> <{TKG}note> "added" }}'
    answers = {json.loads(get(limited, ask).body)["boolean"] for _ in range(6)}
    assert answers == {True}
    assert hashlib.sha256(GRAPH_FILE.read_bytes()).hexdigest() == before
    bad = post_raw(limited, "application/sparql-update", "INSERT DATA { <urn:a> }")
    assert bad.status == 400
    assert bad.text.startswith("update:1:")


def test_cors_is_off_unless_configured(served: Served, limited: Served) -> None:
    origin = {"Origin": "https://lab.example.org"}
    closed = fetch(f"{served.endpoint}?query=ASK%7B%7D", headers=origin)
    assert "Access-Control-Allow-Origin" not in closed.headers
    opened = fetch(f"{limited.endpoint}?query=ASK%7B%7D", headers=origin)
    assert opened.headers["Access-Control-Allow-Origin"] == "https://lab.example.org"
    assert "Access-Control-Allow-Credentials" not in opened.headers
    other = fetch(
        f"{limited.endpoint}?query=ASK%7B%7D", headers={"Origin": "https://elsewhere.example"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = fetch(limited.endpoint, headers=origin, method="OPTIONS")
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://lab.example.org"


def test_one_log_line_per_request(limited: Served) -> None:
    before = len(limited.log_lines())
    fetch(limited.url + "healthz")
    get(limited, DRUGS, "text/csv")
    get(limited, "SELECT nonsense")
    lines = limited.log_lines()[before:]
    assert len(lines) == 3
    assert lines[0].endswith('127.0.0.1 "GET /healthz" 200 ' + lines[0].split(" 200 ")[1])
    assert '"GET /sparql" 200 ' in lines[1] and lines[1].endswith("rows=5 (cut at the row limit)")
    assert '"GET /sparql" 400 ' in lines[2]


def test_allow_update_needs_the_in_memory_graph(kg, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert kg("load", "--store", f"oxigraph:{store}").returncode == 0
    result = kg("serve", "--store", f"oxigraph:{store}", "--allow-update", "--port", "0")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: --allow-update works on the in-memory graph only")


def test_broken_data_is_reported_before_serving(kg) -> None:
    result = kg("serve", "--data", "tests/fixtures/broken-missing-dot.ttl", "--port", "0")
    assert result.returncode == 1
    assert "broken-missing-dot.ttl:29:1: A dot is expected at the end of statements" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_disk_store_is_served(kg, tmp_path: Path, shipped_store: LocalStore) -> None:
    store = tmp_path / "store"
    assert kg("load", "--store", f"oxigraph:{store}").returncode == 0
    with running_server(tmp_path / "log", "--store", f"oxigraph:{store}") as server:
        reply = get(server, DRUGS, "text/csv")
    assert reply.text.splitlines()[1:] == drugs_in(shipped_store)


# --- pages ---------------------------------------------------------------------------------


def test_query_page_runs_a_saved_query_offline(
    browser: Browser, served: Served, shipped_store: LocalStore
) -> None:
    seen = visit(browser, served.url, "queryPageReady")
    page = seen.page
    page.click("button.example[data-name=side-effects]")
    assert page.evaluate("yasgui.getTab().getQuery()") == load_query("side-effects").text
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.results tbody tr")
    expected = run_query(shipped_store, load_query("side-effects").text)
    assert isinstance(expected, ox.QuerySolutions)
    assert page.locator(".yasr table.results tbody tr").count() == len(list(expected))
    assert page.is_hidden("#notice")
    assert seen.errors == []
    assert seen.outside == []
    page.close()


def test_query_page_says_when_rows_were_cut(browser: Browser, limited: Served) -> None:
    seen = visit(browser, limited.url, "queryPageReady")
    seen.page.click("button.example[data-name=side-effects]")
    seen.page.click(".yasqe_queryButton")
    seen.page.wait_for_selector("#notice:not([hidden])")
    assert "cut this result at 5 rows" in seen.page.inner_text("#notice")
    assert seen.page.locator(".yasr table.results tbody tr").count() == 5
    seen.page.close()


def test_explorer_is_served(browser: Browser, served: Served) -> None:
    seen = visit(browser, served.url + "explore", "explorerReady")
    assert seen.errors == []
    assert seen.outside == []
    seen.page.close()


def test_explorer_not_built_says_how_to_build_it(kg, tmp_path: Path) -> None:
    # as after a wheel install: no page in the site folder, and kg serve builds none itself
    site = tmp_path / "site"
    with running_server(
        tmp_path / "log", "--workers", "1", "--site", str(site), cwd=tmp_path
    ) as server:
        assert server.process.stdout is not None
        lines = [server.process.stdout.readline().rstrip("\n") for _ in range(4)]
        how = (
            f"not built in {site}: run `kg site --out {site}` (a few seconds), then reload /explore"
        )
        assert lines == [
            f"  endpoint    {server.url}sparql",
            f"  explorer    {server.url}explore",
            f"  coverage    {server.url}coverage",
            f"              (the explorer page is {how})",
        ]
        missing = fetch(server.url + "explore")
        assert (missing.status, missing.text) == (404, f"The explorer page is {how}.\n")
        built = kg("site", "--out", str(site), cwd=tmp_path)
        assert built.returncode == 0, built.stderr
        page = fetch(server.url + "explore")
        assert page.status == 200 and page.body == (site / "index.html").read_bytes()
