"""Every `kg export` format and `kg diff` on a synthetic graph, time and peak memory side by side
in one run, each against its baseline:

- each export format against the N-Triples export of the same store (target: within 2x),
  and beside them only reading the rows CSV, KGX and GraphML are written from (kg/tables.py):
  what those three cost before they write a line;
- `kg diff` of two versions (the graph, and a copy with one claim's status changed) against
  loading both versions into pyoxigraph one after the other (target: within 2x), and beside
  it loading them at once on two threads, as kg diff does.

Each measurement runs in a fresh process, several times; the best time is shown, with the
peak memory of that process beside it: `peak MB` is the whole process (the loaded graph too),
`extra MB` what the export needed above the loaded graph. The machine may be shared, so the
best of several runs is the fairest figure.

Run: python -m benchmarks.export [TRIPLES] [RUNS]   (default: 1000000 3)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.synthetic import write_graph

if TYPE_CHECKING:
    from kg.store import LocalStore

BASELINE = "ntriples"
FORMATS = [BASELINE, "turtle", "jsonld", "graphml", "csv", "kgx", "sssom"]


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1000
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> None:
    """Start VmHWM again from the present RSS (Linux: 5 > /proc/self/clear_refs)."""
    Path("/proc/self/clear_refs").write_text("5")


def _measured(graph: Path, work: Callable[[LocalStore], object]) -> dict[str, float]:
    """Time and memory of `work` on the graph loaded: the peak of the process, and what the
    work needed above the loaded graph."""
    from kg.store import LocalStore, load_store

    store = LocalStore(load_store([graph]))
    loaded = _rss_mb("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    work(store)
    seconds = time.perf_counter() - start
    peak = _rss_mb("VmHWM")
    return {"seconds": seconds, "peak": peak, "extra": peak - loaded}


def _measure_export(output_format: str, graph: Path, out: Path) -> dict[str, float]:
    from kg.export import export_graph

    return _measured(graph, lambda store: export_graph(store, output_format, out))


def _measure_reading(graph: Path) -> dict[str, float]:
    """Only reading the rows that CSV, KGX and GraphML are made of (kg/tables.py), writing
    nothing: the floor of those formats in this design."""
    from kg.tables import GRAPH_TABLES, read_tables

    return _measured(
        graph, lambda store: [t.rows for t in read_tables(store, GRAPH_TABLES).values()]
    )


def _measure_diff(old: Path, new: Path) -> dict[str, float]:
    from kg.diff import diff_graphs, open_versions

    start = time.perf_counter()
    changes = diff_graphs(*open_versions(str(old), str(new)))
    seconds = time.perf_counter() - start
    assert len(changes.claims) == 1, changes.claims
    return {"seconds": seconds, "peak": _rss_mb("VmHWM"), "extra": 0.0}


def _measure_load_both(old: Path, new: Path, at_once: bool) -> dict[str, float]:
    """Loading both versions into pyoxigraph one after the other (the target's baseline), or
    at once on two threads, as kg diff loads them."""
    import pyoxigraph as ox

    from kg.files import SCHEMA_FILE
    from kg.parallel import in_parallel

    def load(version: Path) -> ox.Store:
        store = ox.Store()
        for file in (SCHEMA_FILE, version):
            store.load(path=str(file), format=ox.RdfFormat.TURTLE)
        return store

    start = time.perf_counter()
    if at_once:
        in_parallel(load, [old, new])
    else:
        for version in (old, new):
            load(version)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak": _rss_mb("VmHWM"), "extra": 0.0}


def _in_fresh_process(runs: int, *args: str) -> dict[str, float]:
    """The best of `runs` runs of a measurement, each in a new Python process."""
    results = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.export", "--measure", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout))
    return min(results, key=lambda r: r["seconds"])


def main(triples: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        graph, edited = Path(folder) / "graph.ttl", Path(folder) / "edited.ttl"
        write_graph(triples, graph)
        edited.write_text(
            graph.read_text().replace("tkg:status tkg:established .", "tkg:status tkg:debated .", 1)
        )
        print(f"kg export and kg diff, a synthetic graph of about {triples:,} triples")
        print(f"(best of {runs} runs, each in a fresh process)\n")
        print(f"  {'':<28}{'seconds':>9}{'ratio':>8}{'peak MB':>10}{'extra MB':>10}")
        exports = {
            name: _in_fresh_process(runs, "export", name, str(graph), str(Path(folder) / name))
            for name in FORMATS
        }
        for name, result in exports.items():
            ratio = result["seconds"] / exports[BASELINE]["seconds"]
            print(
                f"  {'kg export --format ' + name:<28}{result['seconds']:>9.2f}{ratio:>7.2f}x"
                f"{result['peak']:>10.0f}{result['extra']:>10.0f}"
            )
        reading = _in_fresh_process(runs, "read-tables", str(graph))
        print(
            f"  {'reading their rows only':<28}{reading['seconds']:>9.2f}"
            f"{reading['seconds'] / exports[BASELINE]['seconds']:>7.2f}x"
            f"{reading['peak']:>10.0f}{reading['extra']:>10.0f}"
        )
        print(f"  (ratio: against --format {BASELINE}; target within 2x;")
        print("   reading their rows: the four tables CSV, KGX and GraphML are written from)\n")
        load = _in_fresh_process(runs, "load-both", str(graph), str(edited))
        rows = {
            "load both into pyoxigraph": load,
            "load both, two threads": _in_fresh_process(
                runs, "load-both-at-once", str(graph), str(edited)
            ),
            "kg diff (one claim changed)": _in_fresh_process(runs, "diff", str(graph), str(edited)),
        }
        for name, result in rows.items():
            print(
                f"  {name:<28}{result['seconds']:>9.2f}"
                f"{result['seconds'] / load['seconds']:>7.2f}x{result['peak']:>10.0f}"
            )
        print("  (ratio: against loading both versions one after the other; target within 2x.")
        print("   kg diff loads them, and reads their tables, two at a time)")


def _measure(args: list[str]) -> None:
    kind, *rest = args
    if kind == "export":
        result = _measure_export(rest[0], Path(rest[1]), Path(rest[2]))
    elif kind == "read-tables":
        result = _measure_reading(Path(rest[0]))
    elif kind == "diff":
        result = _measure_diff(Path(rest[0]), Path(rest[1]))
    else:
        result = _measure_load_both(Path(rest[0]), Path(rest[1]), kind == "load-both-at-once")
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        _measure(sys.argv[2:])
    else:
        main(
            int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
            int(sys.argv[2]) if len(sys.argv) > 2 else 3,
        )
