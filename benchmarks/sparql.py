"""Load time and the time of the whole saved-query suite, side by side in one run, for
rdflib's in-memory store, the project's fast path (kg.store + kg.query) and raw pyoxigraph,
on synthetic graphs of the shipped schema. `kg query` as a whole process is measured by
benchmarks/startup.py, the exports and `kg diff` by benchmarks/export.py.

Run: python benchmarks/sparql.py [TRIPLES ...]   (default: 10000 100000 1000000)
Targets: at 1M triples the fast path is >= 20x faster than rdflib and within 1.5x of raw
pyoxigraph.
"""

from __future__ import annotations

import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from benchmarks.synthetic import parameters, write_graph
from kg.files import SCHEMA_FILE
from kg.query import bind_params, run_query, saved_queries
from kg.store import LocalStore, load_store

# rdflib takes minutes on some queries; each is stopped here, so its totals are lower bounds.
RDFLIB_QUERY_LIMIT = 30


class _TimeUp(Exception):
    pass


def _time_up(signum: int, frame: object) -> None:
    raise _TimeUp


signal.signal(signal.SIGALRM, _time_up)


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _suite(graph_file: Path, triples: int) -> list[str]:
    """Every saved query with its parameters bound for this graph (as `kg query` would)."""
    store = LocalStore(load_store([graph_file]))
    values = parameters(triples)
    return [bind_params(store, q, {p: values[p] for p in q.params}) for q in saved_queries()]


def compare_stores(triples: int, folder: Path) -> None:
    graph_file = folder / f"synthetic-{triples}.ttl"
    write_graph(triples, graph_file)
    texts = _suite(graph_file, triples)

    rdflib_graph = Graph()
    rdflib_load = _timed(
        lambda: [rdflib_graph.parse(f, format="turtle") for f in (SCHEMA_FILE, graph_file)]
    )
    failed: list[str] = []

    def rdflib_suite() -> None:
        for query, text in zip(saved_queries(), texts, strict=True):
            signal.alarm(RDFLIB_QUERY_LIMIT)
            try:
                list(rdflib_graph.query(text))
            except _TimeUp:
                failed.append(f"{query.name} (stopped at {RDFLIB_QUERY_LIMIT} s)")
            except Exception as error:
                failed.append(f"{query.name} ({type(error).__name__})")
            finally:
                signal.alarm(0)

    rdflib_queries = _timed(rdflib_suite)

    fast: list[LocalStore] = []
    fast_load = _timed(lambda: fast.append(LocalStore(load_store([graph_file]))))
    fast_queries = _timed(lambda: [list(run_query(fast[0], t)) for t in texts])  # type: ignore[call-overload]

    raw = ox.Store()
    raw_load = _timed(
        lambda: [
            raw.load(path=str(f), format=ox.RdfFormat.TURTLE) for f in (SCHEMA_FILE, graph_file)
        ]
    )
    raw_queries = _timed(lambda: [list(raw.query(t)) for t in texts])  # type: ignore[call-overload]

    size = len(raw)
    print(f"\n{size:,} triples, {len(texts)} saved queries")
    print(f"  {'':<22}{'load s':>9}{'queries s':>11}{'total s':>10}")
    rows = [
        ("rdflib in-memory", rdflib_load, rdflib_queries),
        ("kg fast path", fast_load, fast_queries),
        ("raw pyoxigraph", raw_load, raw_queries),
    ]
    for name, load, queries in rows:
        print(f"  {name:<22}{load:>9.2f}{queries:>11.2f}{load + queries:>10.2f}")
    bound = ">=" if failed else ""
    print(
        f"  rdflib / kg fast path:  {bound}{(rdflib_load + rdflib_queries) / (fast_load + fast_queries):6.1f}x "
        f"(queries alone {bound}{rdflib_queries / fast_queries:.1f}x)"
    )
    print(
        f"  kg fast path / raw:       {(fast_load + fast_queries) / (raw_load + raw_queries):6.2f}x"
    )
    if failed:
        print(f"  rdflib did not finish: {', '.join(failed)}")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    with tempfile.TemporaryDirectory() as folder:
        for triples in sizes:
            compare_stores(triples, Path(folder))


if __name__ == "__main__":
    main()
