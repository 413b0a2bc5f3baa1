"""Worker processes that run SPARQL and can be stopped at a time limit.

pyoxigraph cannot cancel a running query and a Python thread cannot be killed, so each query
runs in a worker process: when it outlives its time limit the process is killed, a fresh one
takes its place, and the other workers go on serving. Updates (when allowed) are kept in a
journal that every worker replays before its next request, so all copies of an in-memory graph
stay the same, and a replacement worker starts from the same state.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kg.endpoint import Answer, Failure, Request, answer
from kg.errors import DataError
from kg.store import StoreError

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    import pyoxigraph as ox

__all__ = ["Busy", "Source", "Stopping", "TimedOut", "WorkerDied", "WorkerPool"]

log = logging.getLogger("kg.serve")


class Source(NamedTuple):
    """What each worker opens: Turtle files loaded into memory, or an on-disk Oxigraph store."""

    files: tuple[Path, ...] = ()
    disk: Path | None = None


class TimedOut(Exception):
    """The query ran past its time limit; its worker was stopped."""


class Busy(Exception):
    """Every worker stayed busy for the whole time limit."""


class Stopping(Exception):
    """The server is stopping; the request's worker was stopped with the others."""


class WorkerDied(Exception):
    """The request's worker process ended without answering (out of memory, a crash)."""


def _open(source: Source) -> ox.Store:
    import pyoxigraph as ox

    from kg.store import load_store

    if source.disk is not None:
        return ox.Store.read_only(str(source.disk))
    return load_store(list(source.files) or None)


def _work(conn: Connection, source: Source, journal: list[str]) -> None:
    """A worker's life: open the store, replay the updates so far, then answer requests."""
    # Ctrl-C and SIGTERM reach the whole process group; the server decides when workers stop
    # (it kills them), so that a query running at that moment is answered cleanly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        store = _open(source)
        for update in journal:
            store.update(update)
    except (DataError, OSError, SyntaxError) as error:
        conn.send(Failure(500, str(error)))
        return
    conn.send(len(store))
    while True:
        try:
            request = conn.recv()
        except EOFError:  # the server has gone
            return
        conn.send(answer(store, request))


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection, applied: int):
        self.process, self.conn, self.applied = process, conn, applied


class WorkerPool:
    """`size` worker processes, each holding the graph, each request given `timeout` seconds."""

    def __init__(self, source: Source, size: int, timeout: float):
        self.source, self.size, self.timeout = source, size, timeout
        self.triples = 0
        self._context = multiprocessing.get_context("spawn")  # forking a threaded server is unsafe
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._journal: list[str] = []
        self._updating = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False

    def start(self, advance: Callable[[int], None] = lambda _: None) -> int:
        """Start every worker and wait until each has the graph; returns its triple count.
        `advance` is told of each worker that is ready, for a progress bar."""
        try:
            for worker in [self._spawn() for _ in range(self.size)]:
                self._ready(worker)
                advance(1)
        except BaseException:
            self.close()
            raise
        return self.triples

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        journal = list(self._journal)
        process = self._context.Process(
            target=_work, args=(child, self.source, journal), daemon=True, name="kg-sparql"
        )
        process.start()
        child.close()
        worker = _Worker(process, parent, len(journal))
        self._workers.add(worker)
        return worker

    def _ready(self, worker: _Worker) -> None:
        try:
            greeting = worker.conn.recv()
        except EOFError:
            greeting = Failure(500, "a worker process died while opening the store")
        if isinstance(greeting, Failure):
            raise StoreError(greeting.message)
        self.triples = greeting
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start another in the background; the server keeps answering."""
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self._workers.discard(worker)
        if self._closed:
            return

        def restart() -> None:
            try:
                self._ready(self._spawn())
            except StoreError as error:
                if not self._closed:
                    log.error("a replacement worker could not start: %s", error)

        threading.Thread(target=restart, daemon=True).start()

    def run(self, request: Request) -> Answer | Failure:
        """Answer a request on the first free worker, within the time limit.

        Raises Busy when no worker came free in time, TimedOut when the request ran too long.
        """
        if request.operation == "update":
            with self._updating:
                return self._on_worker(request, record=True)
        return self._on_worker(request, record=False)

    def _on_worker(self, request: Request, record: bool) -> Answer | Failure:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise Busy(f"all {self.size} workers stayed busy for {self.timeout:g} s") from None
        try:
            for update in self._journal[worker.applied :]:
                self._ask(worker, Request("update", update))
                worker.applied += 1
            reply = self._ask(worker, request)
        except (EOFError, OSError):
            self._replace(worker)
            if self._closed:
                raise Stopping("the server is stopping") from None
            code = worker.process.exitcode
            raise WorkerDied(
                f"its worker process ended without answering (exit code {code})"
            ) from None
        except BaseException:
            self._replace(worker)
            raise
        if record and isinstance(reply, Answer):
            self._journal.append(request.text)
            worker.applied = len(self._journal)
        self._idle.put(worker)
        return reply

    def _ask(self, worker: _Worker, request: Request) -> Answer | Failure:
        worker.conn.send(request)
        if not worker.conn.poll(self.timeout):
            raise TimedOut(f"stopped after the time limit of {self.timeout:g} s")
        reply: Answer | Failure = worker.conn.recv()
        return reply

    def query(self, text: str) -> ox.QuerySolutions | ox.QueryBoolean:
        """Run a SELECT or ASK on a worker, so the pool can stand in for a store."""
        import pyoxigraph as ox

        try:
            reply = self.run(Request("query", text, "application/sparql-results+json", 10**9))
        except (Busy, TimedOut, Stopping, WorkerDied) as error:
            raise StoreError(str(error)) from None
        if isinstance(reply, Failure):
            raise StoreError(reply.message)
        return ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.JSON)

    def idle(self) -> int:
        """How many workers are free right now."""
        return self._idle.qsize()

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for worker in list(self._workers):
            worker.process.kill()
            worker.process.join()
        self._workers.clear()
