"""rdflib-endpoint serving the shipped graph, as benchmarks/endpoint.py's point of comparison.
Run: python -m benchmarks.rdflib_endpoint_server PORT"""

from __future__ import annotations

import sys

import rdflib
import uvicorn
from rdflib_endpoint import SparqlEndpoint

from kg.store import with_schema

if __name__ == "__main__":
    port = int(sys.argv[1])
    graph = rdflib.Graph()
    for path in with_schema(None):
        graph.parse(path, format="turtle")
    app = SparqlEndpoint(graph=graph, public_url=f"http://127.0.0.1:{port}/")
    print("ready", flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
