"""`kg serve` against hostile and unlucky clients, over real HTTP on 127.0.0.1: idle and slow
connections, more connections than it takes, SERVICE aimed inside the network, queries nested
deep enough to crash the store, large coverage posts, workers that die, and start-up on a busy
port, an unknown host or a broken saved query. Every loop here is bounded in count and time."""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.files import QUERY_DIR
from kg.query import load_query, run_query
from kg.store import LocalStore
from tests.conftest import KG_COMMAND, ROOT
from tests.server import Reply, Served, fetch, get, post_raw, running_server

TKG = "https://w3id.org/treatment-kg/vocab/"
ASK = f"ASK {{ ?drug a <{TKG}Drug> }}"
DRUGS = f"SELECT ?drug WHERE {{ ?drug a <{TKG}Drug> }} ORDER BY ?drug"
READ_TIMEOUT = 2.0


def federated(endpoint: str) -> str:
    return f"SELECT ?drug WHERE {{ SERVICE <{endpoint}> {{ ?drug a <{TKG}Drug> }} }} ORDER BY ?drug"


def drugs_in(store: LocalStore) -> list[str]:
    result = run_query(store, DRUGS)
    assert isinstance(result, ox.QuerySolutions)
    return [str(row["drug"].value) for row in result]


def wait_for(condition: str, check: Callable[[], bool], seconds: float) -> None:
    """Poll `check()` every 50 ms until it is true; fail naming `condition` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{condition}: not within {seconds} s"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A server that gives each client READ_TIMEOUT seconds to send its request, with the
    default connection cap, SERVICE allowed to 127.0.0.1 and updates allowed."""
    log = tmp_path_factory.mktemp("guarded") / "server.log"
    args = ["--workers", "2", "--timeout", "10", "--read-timeout", str(READ_TIMEOUT)]
    with running_server(log, *args, "--allow-service", "127.0.0.1", "--allow-update") as server:
        yield server


# --- idle and slow clients ------------------------------------------------------------------


@dataclass
class Crowd:
    lifetimes: list[float] = field(default_factory=list)  # how long the server kept each one
    errors: list[str] = field(default_factory=list)


@contextmanager
def idle_crowd(port: int, size: int) -> Iterator[Crowd]:
    """`size` connections that never finish a request, held for as long as the block runs:
    half send nothing, half stop inside their headers. One the server closes is opened again,
    so the crowd stays the same size."""
    crowd = Crowd()
    poller = select.poll()
    held: dict[int, tuple[socket.socket, float, bool]] = {}
    stop = threading.Event()

    def join(partial: bool) -> None:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        if partial:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Never: ")
        sock.setblocking(False)
        held[sock.fileno()] = (sock, time.monotonic(), partial)
        poller.register(sock, select.POLLIN)

    def hold() -> None:
        while not stop.is_set():
            for fd, _ in poller.poll(100):  # readable: the server closed it (or answered)
                sock, opened, partial = held.pop(fd)
                poller.unregister(fd)
                crowd.lifetimes.append(time.monotonic() - opened)
                sock.close()
                try:
                    join(partial)
                except OSError as error:
                    crowd.errors.append(str(error))

    for index in range(size):
        join(partial=index % 2 == 1)
    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    try:
        yield crowd
    finally:
        stop.set()
        holder.join(timeout=10)
        for sock, _, _ in held.values():
            sock.close()


def query_clients(served: Served, clients: int, each: int) -> list[tuple[int, float]]:
    """`clients` threads each sending `each` saved queries over one keep-alive connection;
    (status, seconds) for every request."""
    queries = [load_query(name).text for name in ("concepts", "drug-targets", "lexicon")]

    def client(number: int) -> list[tuple[int, float]]:
        conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60)
        answers = []
        for index in range(each):
            text = queries[(number + index) % len(queries)]
            started = time.monotonic()
            conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": text}))
            response = conn.getresponse()
            response.read()
            answers.append((response.status, time.monotonic() - started))
        conn.close()
        return answers

    with ThreadPoolExecutor(clients) as pool:
        return [answer for answers in pool.map(client, range(clients)) for answer in answers]


def test_idle_connections_do_not_shut_out_real_clients(guarded: Served) -> None:
    clients, each, idle = 16, 30, 500
    with idle_crowd(guarded.port, idle) as crowd:
        started = time.monotonic()
        answers = query_clients(guarded, clients, each)
        seconds = time.monotonic() - started
        # the first crowd is closed by the server after READ_TIMEOUT, whatever the load did
        wait_for("the idle connections were dropped", lambda: len(crowd.lifetimes) >= idle, 10)
    assert [status for status, _ in answers] == [200] * (clients * each)
    assert max(latency for _, latency in answers) < 10  # never stuck behind the crowd
    assert seconds < 60
    assert crowd.errors == []
    assert min(crowd.lifetimes) > READ_TIMEOUT - 0.1
    assert max(crowd.lifetimes) < READ_TIMEOUT + 3
    assert "Traceback" not in guarded.log.read_text()


def test_a_slow_client_is_dropped_at_the_read_timeout(guarded: Served) -> None:
    """A client that sends its headers a byte at a time is active, but never finishes."""
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100
    with socket.create_connection(("127.0.0.1", guarded.port), timeout=10) as sock:
        started = time.monotonic()
        sock.setblocking(False)
        for byte in request:  # 0.1 s apart: 15 s at most
            try:
                sock.send(bytes([byte]))
                if sock.recv(1024) == b"":
                    break
            except BlockingIOError:  # nothing to read: still open
                pass
            except OSError:  # reset: closed
                break
            time.sleep(0.1)
        kept = time.monotonic() - started
    assert READ_TIMEOUT - 0.1 < kept < READ_TIMEOUT + 3


def test_connections_over_the_cap_get_an_immediate_503(tmp_path: Path) -> None:
    read_timeout = 3.0
    args = ["--workers", "1", "--max-connections", "20", "--read-timeout", str(read_timeout)]
    with running_server(tmp_path / "server.log", *args) as server, ExitStack() as stack:
        address = ("127.0.0.1", server.port)
        opened = time.monotonic()
        for _ in range(20):
            stack.enter_context(socket.create_connection(address, timeout=10))
        started = time.monotonic()
        refused = fetch(server.url + "healthz")
        seconds = time.monotonic() - started
        assert refused.status == 503
        assert refused.headers["Connection"] == "close"
        assert refused.headers["Retry-After"] == "1"
        assert refused.text == (
            "server busy: it has 20 connections open, the most it takes; try again shortly\n"
        )
        assert seconds < read_timeout / 3  # answered at once, not after the idle ones go
        # the idle connections, still open on this side, are closed by the server in time
        wait_for("a connection came free", lambda: fetch(server.url + "healthz").status == 200, 10)
        assert time.monotonic() - opened > read_timeout - 0.1
    assert any(
        re.search(r"refused \d+ connections? with a 503: 20 open, the most", line)
        for line in server.log_lines()
    )


def test_too_few_open_files_for_the_cap_is_an_error() -> None:
    command = f"ulimit -n 300 && exec {KG_COMMAND} serve --port 0 --max-connections 1000"
    result = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 1
    assert result.stderr == (
        "Error: --max-connections 1000 needs 1256 open files, but this system allows 300 "
        "(ulimit -n); lower --max-connections to at most 44 or raise the limit\n"
    )


# --- SERVICE and queries that would crash the store -----------------------------------------


def test_service_is_refused_by_default(served: Served) -> None:
    endpoint = served.endpoint
    for target in (endpoint, endpoint.replace("127", "\\u0031\\u0032\\u0037")):
        reply = get(served, federated(target))
        assert reply.status == 403
        assert reply.text == (
            f"SERVICE <{endpoint}>: this server fetches nothing for its clients (its operator "
            "can allow the host with --allow-service 127.0.0.1)\n"
        )


def test_service_to_loopback_is_refused_even_with_star(tmp_path: Path, served: Served) -> None:
    with running_server(tmp_path / "log", "--workers", "1", "--allow-service", "*") as server:
        reply = get(server, federated(served.endpoint))
    assert reply.status == 403
    assert reply.text == (
        f"SERVICE <{served.endpoint}>: 127.0.0.1 is a loopback, private or link-local address; "
        "the server's operator must name it with --allow-service 127.0.0.1\n"
    )


def test_service_to_a_named_host_runs(
    guarded: Served, served: Served, shipped_store: LocalStore
) -> None:
    reply = get(guarded, federated(served.endpoint), "application/sparql-results+json")
    assert reply.status == 200, reply.text
    rows = json.loads(reply.body)["results"]["bindings"]
    assert [row["drug"]["value"] for row in rows] == drugs_in(shipped_store)


def test_load_is_held_to_the_same_hosts(guarded: Served) -> None:
    reply = post_raw(guarded, "application/sparql-update", "LOAD <http://10.0.0.1/graph.ttl>")
    assert reply.status == 403
    assert reply.text == (
        "LOAD <http://10.0.0.1/graph.ttl>: it allows only 127.0.0.1 (its operator can allow "
        "the host with --allow-service 10.0.0.1)\n"
    )


@pytest.mark.parametrize(
    ("operation", "text", "message"),
    [
        ("query", "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000, "nests brackets"),
        ("query", "ASK { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }", "nests brackets"),
        ("query", "SELECT (" + "1+" * 5_000 + "1 AS ?n) {}", "chains more than 1000 operators"),
        ("update", "INSERT { <urn:a> <urn:b> <urn:c> } WHERE " + "{" * 10_000, "nests brackets"),
    ],
    ids=["braces", "parentheses", "operators", "update"],
)
def test_queries_deep_enough_to_crash_get_400_and_kill_no_worker(
    guarded: Served, operation: str, text: str, message: str
) -> None:
    workers = guarded.worker_pids()
    assert len(workers) == 2
    reply = post_raw(guarded, f"application/sparql-{operation}", text)
    assert reply.status == 400
    assert reply.text.startswith(f"{operation}:1:")
    assert message in reply.text
    assert get(guarded, ASK).status == 200
    assert guarded.worker_pids() == workers
    assert guarded.health()[1]["dead_workers"] == 0


# --- coverage -------------------------------------------------------------------------------


def coverage_post(served: Served, text: str) -> tuple[Reply, float]:
    body = json.dumps({"text": text, "name": "big.txt"}).encode()
    started = time.monotonic()
    reply = fetch(
        served.url + "api/coverage", data=body, headers={"Content-Type": "application/json"}
    )
    return reply, time.monotonic() - started


def test_coverage_has_its_own_cap(tmp_path: Path) -> None:
    args = ["--workers", "1", "--max-request-bytes", "2048", "--max-coverage-bytes", "8192"]
    article = "Ketamine blocks the NMDA receptor. " * 150  # 5 KB: over the cap for queries
    with running_server(tmp_path / "server.log", *args) as server:
        taken, _ = coverage_post(server, article)
        refused, _ = coverage_post(server, article * 2)
    assert taken.status == 200
    assert json.loads(taken.body)["report"]["score"]["concepts_covered"] == 2
    size = len(json.dumps({"text": article * 2, "name": "big.txt"}))
    assert refused.status == 413
    assert refused.text == f"the request has {size} bytes; this server takes at most 8192\n"


def test_queries_stay_prompt_while_large_coverage_reports_run(tmp_path: Path) -> None:
    """16 articles of 900 KB posted at once (in the HTTP threads, this once kept a trivial
    query waiting 45 s): some are answered, the rest told the server is busy, and queries go
    on being answered meanwhile."""
    news = (ROOT / "tests" / "corpus" / "news.txt").read_text()
    article = "\n\n".join([news] * (900_000 // len(news)))
    posts = 16
    with running_server(tmp_path / "server.log", "--workers", "2", "--timeout", "60") as server:
        latencies = []
        with ThreadPoolExecutor(posts) as pool:
            running = [pool.submit(coverage_post, server, article) for _ in range(posts)]
            for _ in range(600):  # 30 s at most
                if all(post.done() for post in running):
                    break
                started = time.monotonic()
                assert get(server, ASK).status == 200
                latencies.append(time.monotonic() - started)
                time.sleep(0.05)
            reports = [post.result() for post in running]
    made = [seconds for reply, seconds in reports if reply.status == 200]
    busy = [reply.text for reply, _ in reports if reply.status != 200]
    assert len(made) + len(busy) == posts
    assert len(made) >= 2
    assert set(busy) <= {
        "server busy: 8 coverage reports are being made or waiting already; try again shortly\n"
    }
    assert len(latencies) >= 5
    # a query never waits for a report: the slowest is far quicker than making one report
    assert max(latencies) < min(made) / 3


# --- workers that die -----------------------------------------------------------------------


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_a_killed_worker_shows_in_healthz_and_is_replaced(tmp_path: Path) -> None:
    seen: list[tuple[int, dict[str, Any]]] = []

    def health_shows(alive: int) -> bool:
        seen.append(server.health())
        return bool(seen[-1][1]["alive_workers"] == alive)

    with running_server(tmp_path / "server.log", "--workers", "2") as server:
        first, second = sorted(server.worker_pids())
        os.kill(first, signal.SIGKILL)
        wait_for("healthz saw the death", lambda: health_shows(1), 5)
        status, health = seen[-1]
        assert status == 200
        assert health["status"] == "degraded"
        assert health["dead_workers"] + health["starting_workers"] == 1
        assert get(server, ASK).status == 200
        wait_for("the worker was replaced", lambda: health_shows(2), 30)
        assert len(server.worker_pids() - {first, second}) == 1
        # with none alive, healthz says so with a 503 until the replacements are up
        for pid in server.worker_pids():
            os.kill(pid, signal.SIGKILL)
        wait_for("healthz saw no worker", lambda: health_shows(0), 5)
        assert seen[-1][0] == 503
        assert seen[-1][1]["status"] == "down"
        assert get(server, ASK).status == 200
        wait_for("both were replaced", lambda: health_shows(2), 30)
    assert "Traceback" not in server.log.read_text()


def test_a_request_whose_worker_dies_is_tried_again(
    tmp_path: Path, shipped_store: LocalStore
) -> None:
    # every definition against every triple: seconds of work, long enough to kill it midway
    slow = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a <http://www.w3.org/2004/02/skos/core#definition> ?c ."
        " ?d ?e ?f FILTER(STR(?c) < STR(?f)) }"
    )
    expected = run_query(shipped_store, slow)
    assert isinstance(expected, ox.QuerySolutions)
    count = next(iter(expected))["n"].value
    args = ["--workers", "1", "--timeout", "60"]
    with running_server(tmp_path / "server.log", *args) as server:
        [worker] = server.worker_pids()
        idle = cpu_ticks(worker)
        replies: list[Reply] = []
        client = threading.Thread(target=lambda: replies.append(get(server, slow, "text/csv")))
        client.start()
        wait_for("the worker started on the query", lambda: cpu_ticks(worker) > idle + 10, 10)
        os.kill(worker, signal.SIGKILL)
        client.join(timeout=60)
        [reply] = replies
        assert reply.status == 200, reply.text
        assert reply.text.splitlines() == ["n", count]
        assert server.worker_pids() != {worker}
    log = server.log.read_text()
    assert "its worker process ended without answering (exit code -9); trying once more" in log
    assert "Traceback" not in log


# --- starting up ----------------------------------------------------------------------------


def processes_in_session(session: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:
            found.append(int(stat.parent.name))
    return found


def _serve_that_fails(*args: str) -> tuple[subprocess.Popen[str], str, str]:
    """Run `kg serve ARGS` in a session of its own, expecting it to stop with exit code 1."""
    process = subprocess.Popen(
        [str(KG_COMMAND), "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stderr
    return process, stdout, stderr


def test_busy_port_is_one_line_and_leaves_nothing_running() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process, stdout, stderr = _serve_that_fails("--port", str(port))
    assert stderr == (
        f"Error: cannot listen on 127.0.0.1:{port}: the port is in use by another program; "
        "stop it or choose another --port (--port 0 picks a free one)\n"
    )
    assert stdout == ""
    assert processes_in_session(process.pid) == []


def test_unresolvable_host_is_one_line_and_leaves_nothing_running() -> None:
    process, _, stderr = _serve_that_fails("--host", "no-such-host.invalid")
    assert stderr.startswith(
        "Error: cannot listen on no-such-host.invalid:8000: the host name does not resolve ("
    )
    assert stderr.endswith("); give --host an IP address of this machine, e.g. 127.0.0.1\n")
    assert stderr.count("\n") == 1
    assert processes_in_session(process.pid) == []


def test_unreadable_saved_queries_are_skipped_with_a_warning(tmp_path: Path) -> None:
    """A copy of the package beside a copy of queries/ with three bad files in it, served
    through `python -m kg`: the package finds its saved queries beside itself."""
    shutil.copytree(ROOT / "kg", tmp_path / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(QUERY_DIR, tmp_path / "queries")
    (tmp_path / "data").symlink_to(ROOT / "data")
    bad = {
        "binary.rq": b"\x00\x01\x02SELECT",
        "latin-1.rq": "SELECT ?s WHERE { ?s ?p 'café' }".encode("latin-1"),
    }
    for name, data in bad.items():
        (tmp_path / "queries" / name).write_bytes(data)
    (tmp_path / "queries" / ".#concepts.rq").symlink_to("root@host.4242:1700000000")  # emacs
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    args = ["--workers", "1"]
    command = [sys.executable, "-m", "kg"]
    with running_server(tmp_path / "log", *args, cwd=tmp_path, command=command, env=env) as server:
        page = fetch(server.url).text
    warnings = [line for line in server.log_lines() if "Warning:" in line]
    assert len(warnings) == 3
    for name in [".#concepts.rq", "binary.rq", "latin-1.rq"]:
        assert sum(f"examples: {tmp_path}/queries/{name}: " in w for w in warnings) == 1
    assert "Traceback" not in server.log.read_text()
    assert 'data-name="side-effects"' in page
