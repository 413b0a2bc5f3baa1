"""`kg serve` beside rdflib-endpoint 0.6.3, both serving the shipped graph on 127.0.0.1 and both
under the same load in one run: CLIENTS threads, each sending QUERIES_EACH saved queries over one
keep-alive connection. Prints throughput, p50/p99 latency and errors per server.

Two scenarios: a steady mix of saved queries, and the same mix while one more client sends a
runaway query (kg serve is started with --timeout 5 and answers it with a 503; every other
request should still succeed). Target: zero errors at 16 clients.
Needs the bench extra: pip install -e '.[bench]'. Run: python -m benchmarks.endpoint [CLIENTS]
"""

from __future__ import annotations

import http.client
import socket
import statistics
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from kg.query import bind_params, load_query
from kg.store import LocalStore, load_store

CLIENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 16
QUERIES_EACH = 25
CLIENT_TIMEOUT = 15.0
KG_TIMEOUT = 5
# Saved queries that rdflib also answers in well under a second on this graph.
MIX = [
    "concepts",
    "claims",
    "drug-targets",
    "concepts-per-category",
    "claims-per-predicate",
    "mechanism-chain",
    "lexicon",
]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


class Server(NamedTuple):
    name: str
    host: str
    port: int
    path: str


class Outcome(NamedTuple):
    seconds: float
    latencies: list[float]
    errors: int
    runaway: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def started(command: list[str], ready: str) -> Iterator[None]:
    """Run a server until the block ends; wait for `ready` in what it prints first."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    for line in process.stdout:
        if ready in line:
            break
    threading.Thread(target=process.stdout.read, daemon=True).start()  # keep its pipe drained
    try:
        yield
    finally:
        process.kill()
        process.wait()


def _ask(connection: http.client.HTTPConnection, server: Server, query: str) -> int:
    body = urllib.parse.urlencode({"query": query})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json",
    }
    connection.request("POST", server.path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


def client(server: Server, queries: list[str], latencies: list[float], errors: list[int]) -> None:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=CLIENT_TIMEOUT)
    for index, query in enumerate(queries):
        started_at = time.perf_counter()
        try:
            status = _ask(connection, server, query)
        except (OSError, http.client.HTTPException):
            errors.append(len(queries) - index)  # a timed-out client gives up on the rest
            return
        if status == 200:
            latencies.append(time.perf_counter() - started_at)
        else:
            errors.append(1)
    connection.close()


def load(server: Server, texts: list[str], runaway: bool) -> Outcome:
    latencies: list[float] = []
    errors: list[int] = []
    runaway_status: list[str] = []

    def send_runaway() -> None:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=CLIENT_TIMEOUT)
        try:
            runaway_status.append(str(_ask(connection, server, RUNAWAY)))
        except (OSError, http.client.HTTPException) as error:
            runaway_status.append(f"no answer ({type(error).__name__})")

    threads = [
        threading.Thread(
            target=client,
            args=(
                server,
                [texts[(c + i) % len(texts)] for i in range(QUERIES_EACH)],
                latencies,
                errors,
            ),
        )
        for c in range(CLIENTS)
    ]
    if runaway:
        threads.insert(0, threading.Thread(target=send_runaway))
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Outcome(time.perf_counter() - began, latencies, sum(errors), ", ".join(runaway_status))


def report(name: str, scenario: str, outcome: Outcome) -> None:
    ok = len(outcome.latencies)
    cuts = statistics.quantiles(outcome.latencies, n=100) if ok >= 2 else [float("nan")] * 99
    print(
        f"{name:16} {scenario:9} {ok:5} {outcome.errors:6} {ok / outcome.seconds:8.1f} "
        f"{cuts[49] * 1000:8.0f} {cuts[98] * 1000:8.0f}   {outcome.runaway or '-'}"
    )


def main() -> None:
    store = LocalStore(load_store())
    params = {"drug": "ketamine"}
    texts = []
    for name in MIX:
        query = load_query(name)
        texts.append(bind_params(store, query, {p: params[p] for p in query.params}))
    kg_port, rdflib_port = _free_port(), _free_port()
    kg = str(Path(sysconfig.get_path("scripts")) / "kg")
    servers = [
        (
            Server("kg serve", "127.0.0.1", kg_port, "/sparql"),
            [kg, "serve", "--port", str(kg_port), "--timeout", str(KG_TIMEOUT)],
            "query page",
        ),
        (
            Server("rdflib-endpoint", "127.0.0.1", rdflib_port, "/"),
            [sys.executable, "-m", "benchmarks.rdflib_endpoint_server", str(rdflib_port)],
            "ready",
        ),
    ]
    print(
        f"{CLIENTS} clients x {QUERIES_EACH} queries from {len(MIX)} saved queries, on loopback; "
        f"runaway scenario: one more client sends a query that never ends "
        f"(kg serve --timeout {KG_TIMEOUT}; clients give up after {CLIENT_TIMEOUT:g} s)"
    )
    print(
        f"{'server':16} {'scenario':9} {'ok':>5} {'errors':>6} {'q/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8}   runaway query"
    )
    for server, command, ready in servers:
        with started(command, ready):
            time.sleep(0.5)
            load(server, texts, runaway=False)  # warm-up
            report(server.name, "steady", load(server, texts, runaway=False))
            report(server.name, "runaway", load(server, texts, runaway=True))


if __name__ == "__main__":
    main()
