"""Worker processes that run SPARQL and can be stopped at a time limit.

pyoxigraph cannot cancel a running query and a Python thread cannot be killed, so each query
runs in a worker process: when it outlives its time limit the process is killed, a fresh one
takes its place, and the other workers go on serving. A worker that dies on its own (killed,
out of memory) is replaced too, and a request it was answering is tried once more on another.
Updates (when allowed) are kept in a journal that every worker replays before its next request,
so all copies of an in-memory graph stay the same, and a replacement worker starts from the
same state. Coverage reports run in the workers as well, under the same time limit.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kg.endpoint import Answer, CoverageRequest, Failure, Request, Responder
from kg.errors import DataError
from kg.store import StoreError
from kg.wording import counted

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    import pyoxigraph as ox

__all__ = ["Busy", "Health", "Source", "Stopping", "TimedOut", "WorkerDied", "WorkerPool"]

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


class Health(NamedTuple):
    """How many workers can answer, how many are opening the store, and how many are missing."""

    alive: int
    starting: int
    dead: int  # ended, or could not start again; a replacement is started for each
    idle: int  # of the alive ones, those free right now


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
    respond = Responder(store)
    while True:
        try:
            request = conn.recv()
        except EOFError:  # the server has gone
            return
        conn.send(respond(request))


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection, applied: int):
        self.process, self.conn, self.applied = process, conn, applied
        self.ready = False  # it has opened the store
        self.idle = False  # it waits in the pool's queue: no request thread is using it


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
        self._lock = threading.Lock()  # guards _workers and each worker's `idle`
        # Coverage reports may take every worker but one, so that queries always find one soon.
        self._coverage_slots = max(1, size - 1)
        self._coverage = threading.BoundedSemaphore(self._coverage_slots)
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
        threading.Thread(target=self._watch, daemon=True, name="kg-watch-workers").start()
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
        with self._lock:
            self._workers.add(worker)
        return worker

    def _ready(self, worker: _Worker) -> None:
        try:
            greeting = worker.conn.recv()
        except EOFError:
            greeting = Failure(500, "a worker process died while opening the store")
        if isinstance(greeting, Failure):
            with self._lock:
                self._workers.discard(worker)
            raise StoreError(greeting.message)
        self.triples = greeting
        worker.ready = True
        self._release(worker)

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            worker.idle = True
        self._idle.put(worker)

    def _take(self) -> _Worker:
        """The first free worker that is still running; Busy if none comes free in time."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                workers = counted(self.size, "worker")
                raise Busy(f"all {workers} stayed busy for {self.timeout:g} s") from None
            with self._lock:
                claimed = not worker.idle  # by the watcher, which is retiring it
                worker.idle = False
            if claimed:
                continue
            if worker.process.is_alive():
                return worker
            self._retire(worker)  # it died idle, before the watcher noticed

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker and start another in the background; the server keeps answering.
        A worker already retired is left alone, so the watcher and a request thread that both
        saw it die start one replacement between them."""
        with self._lock:
            if worker not in self._workers:
                return
            self._workers.discard(worker)
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        if self._closed:
            return

        def restart() -> None:
            try:
                self._ready(self._spawn())
            except StoreError as error:
                if not self._closed:
                    log.error("a replacement worker could not start: %s", error)

        threading.Thread(target=restart, daemon=True).start()

    def _watch(self) -> None:
        """Replace idle workers that die (killed, out of memory) before a request finds them,
        so /healthz soon shows the pool whole again. A worker that dies while answering is
        the request thread's to replace: only that thread may close its pipe."""
        while not self._closed:
            with self._lock:
                idle = {w.process.sentinel: w for w in self._workers if w.idle}
            ended = set(wait(list(idle), timeout=0.5))
            for sentinel, worker in idle.items():
                if sentinel not in ended:
                    continue
                with self._lock:
                    if not worker.idle:  # a request took it meanwhile and will see it died
                        continue
                    worker.idle = False
                self._retire(worker)
                code = worker.process.exitcode
                log.warning("a worker process ended (exit code %s); starting another", code)

    def run(self, request: Request | CoverageRequest) -> Answer | Failure:
        """Answer a request on the first free worker, within the time limit. A request whose
        worker died (not one stopped at the time limit) is tried once more on another worker.

        Raises Busy when no worker came free in time, TimedOut when the request ran too long,
        Stopping when the server stops, WorkerDied when the second worker died as well.
        """
        if isinstance(request, CoverageRequest):
            if not self._coverage.acquire(timeout=self.timeout):
                raise Busy(
                    f"the {counted(self._coverage_slots, 'worker')} that make coverage reports "
                    f"stayed busy for {self.timeout:g} s"
                )
            try:
                return self._retried(request)
            finally:
                self._coverage.release()
        if request.operation == "update":
            with self._updating:
                return self._retried(request)
        return self._retried(request)

    def _retried(self, request: Request | CoverageRequest) -> Answer | Failure:
        try:
            return self._on_worker(request)
        except WorkerDied as died:
            log.warning("a request's worker died: %s; trying once more on another worker", died)
            return self._on_worker(request)

    def _on_worker(self, request: Request | CoverageRequest) -> Answer | Failure:
        worker = self._take()
        try:
            for update in self._journal[worker.applied :]:
                self._ask(worker, Request("update", update))
                worker.applied += 1
            reply = self._ask(worker, request)
        except (EOFError, OSError):
            self._retire(worker)
            if self._closed:
                raise Stopping("the server is stopping") from None
            code = worker.process.exitcode
            raise WorkerDied(
                f"its worker process ended without answering (exit code {code})"
            ) from None
        except BaseException:
            self._retire(worker)
            raise
        updated = isinstance(request, Request) and request.operation == "update"
        if updated and isinstance(reply, Answer):
            self._journal.append(request.text)
            worker.applied = len(self._journal)
        self._release(worker)
        return reply

    def _ask(self, worker: _Worker, request: Request | CoverageRequest) -> Answer | Failure:
        worker.conn.send(request)
        if not worker.conn.poll(self.timeout):
            raise TimedOut(f"stopped after the time limit of {self.timeout:g} s")
        reply: Answer | Failure = worker.conn.recv()
        return reply

    def health(self) -> Health:
        """How many workers are alive, starting and dead right now."""
        with self._lock:
            workers = list(self._workers)
        running = [w for w in workers if w.process.is_alive()]
        alive = [w for w in running if w.ready]
        starting = len(running) - len(alive)
        dead = max(0, self.size - len(alive) - starting)
        return Health(len(alive), starting, dead, sum(w.idle for w in alive))

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.process.kill()
            worker.process.join()
