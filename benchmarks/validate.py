"""Validation time of the shipped graph: `kg.validate` beside plain pySHACL on the same shapes.

kg.validate runs SHACL core through pySHACL and each SPARQL-based constraint once through
Oxigraph; plain pySHACL runs the SPARQL constraints once per focus node through rdflib.
Both must find the same problems. Run: python benchmarks/validate.py [GRAPH.ttl]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph

from kg.files import GRAPH_FILE, SHAPES_FILE
from kg.graph import load_graph
from kg.validate import validate


def main() -> None:
    graph_file = Path(sys.argv[1]) if len(sys.argv) > 1 else GRAPH_FILE
    start = time.perf_counter()
    problems = validate([graph_file])
    ours = time.perf_counter() - start

    start = time.perf_counter()
    conforms, _, _ = shacl_validate(
        load_graph([graph_file]), shacl_graph=Graph().parse(SHAPES_FILE), inference="none"
    )
    plain = time.perf_counter() - start

    print(f"graph: {graph_file}")
    print(
        f"{'kg validate (pySHACL core + Oxigraph SPARQL)':<48}{ours:8.2f} s  valid={not problems}"
    )
    print(f"{'pySHACL, all constraints':<48}{plain:8.2f} s  valid={conforms}")
    print(f"{'ratio (pySHACL / kg validate)':<48}{plain / ours:8.1f} x")


if __name__ == "__main__":
    main()
