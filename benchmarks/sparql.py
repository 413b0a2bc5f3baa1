"""Load time and the time of the whole saved-query suite, side by side in one run, for
rdflib's in-memory store, the project's fast path (kg.store + kg.query) and raw pyoxigraph,
on synthetic graphs of the shipped schema; then `kg query` as a whole process against bare
scripts that parse data/ and run the same query.

Run: python benchmarks/sparql.py [TRIPLES ...]   (default: 10000 100000 1000000)
Targets: at 1M triples the fast path is >= 20x faster than rdflib and within 1.5x of raw
pyoxigraph; `kg query` beats the bare rdflib script and is within 1.5x of the bare pyoxigraph one.
"""

from __future__ import annotations

import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

import kg
from benchmarks.synthetic import parameters, write_graph
from kg.files import GRAPH_FILE, SCHEMA_FILE
from kg.query import bind_params, load_query, run_query, saved_queries
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


BARE_RDFLIB = """
import rdflib
g = rdflib.Graph()
g.parse({schema!r}, format="turtle")
g.parse({graph!r}, format="turtle")
for row in g.query(open({query!r}).read()):
    print(row)
"""
BARE_OXIGRAPH = """
import pyoxigraph
s = pyoxigraph.Store()
s.load(path={schema!r}, format=pyoxigraph.RdfFormat.TURTLE)
s.load(path={graph!r}, format=pyoxigraph.RdfFormat.TURTLE)
for row in s.query(open({query!r}).read()):
    print(row)
"""


def compare_processes(runs: int = 15, name: str = "side-effects") -> None:
    # Bytecode as an installed package has it: an editable install under
    # PYTHONDONTWRITEBYTECODE would otherwise recompile kg's modules on every start.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(kg.__file__).parent)], check=True
    )
    query_file = str(load_query(name).origin)
    paths = {"schema": str(SCHEMA_FILE), "graph": str(GRAPH_FILE), "query": query_file}
    commands = {
        # the console script itself, not a shell shim in front of it
        "kg query": [str(Path(sysconfig.get_path("scripts")) / "kg"), "query", name],
        "bare rdflib script": [sys.executable, "-c", BARE_RDFLIB.format(**paths)],
        "bare pyoxigraph script": [sys.executable, "-c", BARE_OXIGRAPH.format(**paths)],
    }
    medians = {}
    for label, command in commands.items():
        times = [
            _timed(lambda c=command: subprocess.run(c, check=True, capture_output=True))
            for _ in range(runs)
        ]
        medians[label] = statistics.median(times)
    print(f"\n`kg query {name}` on the shipped graph as a whole process (median of {runs} runs)")
    for label, seconds in medians.items():
        print(f"  {label:<26}{seconds * 1000:8.0f} ms")
    print(
        f"  bare rdflib / kg query:   {medians['bare rdflib script'] / medians['kg query']:6.2f}x"
    )
    print(
        f"  kg query / bare pyoxigraph: {medians['kg query'] / medians['bare pyoxigraph script']:6.2f}x"
    )


def export_and_diff(triples: int, folder: Path) -> None:
    """Time every export format and a diff of two versions that differ in one claim's status."""
    from kg.diff import diff_graphs
    from kg.export import EXPORTERS

    graph_file = folder / f"synthetic-{triples}.ttl"
    if not graph_file.exists():
        write_graph(triples, graph_file)
    store = LocalStore(load_store([graph_file]))
    print(f"\nexport and diff at {len(store.store):,} triples")
    for name, exporter in EXPORTERS.items():
        out = folder / f"export-{name}"
        print(
            f"  kg export --format {name:<10}{_timed(lambda e=exporter, o=out: e(store, o)):8.2f} s"
        )
    edited = folder / "edited.ttl"
    edited.write_text(
        graph_file.read_text().replace(
            "tkg:status tkg:established .", "tkg:status tkg:debated .", 1
        )
    )
    other = LocalStore(load_store([edited]))
    changes: list[object] = []
    seconds = _timed(lambda: changes.append(diff_graphs(store, other)))
    print(
        f"  kg diff (one claim changed)   {seconds:8.2f} s, found {len(changes[0].claims)} changed claim(s)"
    )  # type: ignore[attr-defined]


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    with tempfile.TemporaryDirectory() as folder:
        for triples in sizes:
            compare_stores(triples, Path(folder))
        export_and_diff(max(sizes), Path(folder))
    compare_processes()


if __name__ == "__main__":
    main()
