"""treatment-kg: a sourced knowledge graph of treatment mechanisms and conditions.

The public API is importable from here; modules load on first use so that the `kg` command
starts without importing rdflib or pySHACL it does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kg.errors import DataError, QueryError

if TYPE_CHECKING:
    from kg.graph import CLAIM, CONCEPT, SOURCE, TKG, load_graph
    from kg.query import SavedQuery, load_query, run_select, saved_queries
    from kg.stats import Stats, graph_stats
    from kg.store import load_store
    from kg.validate import Problem, validate

_LAZY = {
    "CLAIM": "kg.graph",
    "CONCEPT": "kg.graph",
    "SOURCE": "kg.graph",
    "TKG": "kg.graph",
    "load_graph": "kg.graph",
    "load_store": "kg.store",
    "SavedQuery": "kg.query",
    "load_query": "kg.query",
    "run_select": "kg.query",
    "saved_queries": "kg.query",
    "Stats": "kg.stats",
    "graph_stats": "kg.stats",
    "Problem": "kg.validate",
    "validate": "kg.validate",
}

__all__ = [
    "CLAIM",
    "CONCEPT",
    "SOURCE",
    "TKG",
    "DataError",
    "Problem",
    "QueryError",
    "SavedQuery",
    "Stats",
    "graph_stats",
    "load_graph",
    "load_query",
    "load_store",
    "run_select",
    "saved_queries",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
