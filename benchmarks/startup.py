"""`kg query` as a whole process against bare scripts that parse data/ and run the same query,
time and peak memory side by side in one run:

- `kg query NAME`, the console script a user runs (answered without click, kg/quick.py);
- the same query through the click command (what `kg query` cost before the quick path);
- a bare pyoxigraph script: parse the schema and the graph, run the query, print the rows
  (target: `kg query` within 1.5x of it);
- the bare pyoxigraph script importing first the standard modules kg cannot start without
  (re, which the console script itself imports, pathlib and typing): the floor of this design;
- a bare rdflib script doing the same.

The commands take turns, many rounds, so that a busy moment of a shared machine falls on all
of them alike; the best time of each is the fairest figure, the median is shown beside it.

Run: python -m benchmarks.startup [NAME] [ROUNDS]   (default: side-effects 30)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import kg.files
from kg.files import GRAPH_FILE, SCHEMA_FILE
from kg.query import load_query

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
CLICK_ONLY = "from kg.cli import main; main(prog_name='kg')"


def _run(command: list[str]) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one run of `command`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(
            f"{command[:3]} failed: {process.stderr.read().decode() if process.stderr else ''}"
        )
    return seconds, usage.ru_maxrss / 1000


def main(name: str, rounds: int) -> None:
    # bytecode as an installed package has it: an editable install under
    # PYTHONDONTWRITEBYTECODE would otherwise compile kg's modules on every start
    package = Path(kg.files.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    paths = {"schema": str(SCHEMA_FILE), "graph": str(GRAPH_FILE), "query": load_query(name).origin}
    commands = {
        f"kg query {name}": [str(Path(sysconfig.get_path("scripts")) / "kg"), "query", name],
        "the same through click": [sys.executable, "-c", CLICK_ONLY, "query", name],
        "bare pyoxigraph script": [sys.executable, "-c", BARE_OXIGRAPH.format(**paths)],
        "bare + re, pathlib, typing": [
            sys.executable,
            "-c",
            "import re, pathlib, typing\n" + BARE_OXIGRAPH.format(**paths),
        ],
        "bare rdflib script": [sys.executable, "-c", BARE_RDFLIB.format(**paths)],
    }
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
    for _ in range(rounds):
        for label, command in commands.items():
            runs[label].append(_run(command))
    print(
        f"`kg query {name}` on the shipped graph as a whole process ({rounds} rounds, taking turns)"
    )
    print(f"  {'':<28}{'best ms':>9}{'median ms':>11}{'peak MB':>9}{'ratio':>8}")
    bare = min(seconds for seconds, _ in runs["bare pyoxigraph script"])
    for label, measured in runs.items():
        best = min(seconds for seconds, _ in measured)
        median = statistics.median(seconds for seconds, _ in measured)
        peak = min(memory for _, memory in measured)
        print(
            f"  {label:<28}{best * 1000:>9.1f}{median * 1000:>11.1f}{peak:>9.0f}{best / bare:>7.2f}x"
        )
    print("  (ratio: best time against the bare pyoxigraph script's; target for kg query <= 1.5x)")


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "side-effects",
        int(sys.argv[2]) if len(sys.argv) > 2 else 30,
    )
