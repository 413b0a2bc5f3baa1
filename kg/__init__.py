"""treatment-kg: a sourced knowledge graph of how treatments work and what they treat.

Four calls cover the common cases; each works on the shipped graph unless given `store=` or
`endpoint=`, returns plain Python values and raises QueryError or DataError with the messages
the `kg` command prints:

    kg.query(name_or_sparql, **params)  -> Result (rows; .to_pandas(), .to_records())
    kg.concept(name)                    -> Concept (definition, synonyms, identifiers, claims)
    kg.to_networkx()                    -> networkx.MultiDiGraph of concepts and claims
    kg.coverage(text_or_path)           -> dict, the report of `kg coverage --format json`

docs/python.md walks through a notebook session.
"""

from __future__ import annotations

import sys
import types

__all__ = [
    "Concept",
    "DataError",
    "QueryError",
    "Result",
    "concept",
    "coverage",
    "query",
    "to_networkx",
]

# Each name is read from its module when first used: every `kg` command imports this package,
# and `kg query` would otherwise pay for the API's imports (typing, datetime) before any work.
_HOMES = {
    "Concept": "kg.api",
    "Result": "kg.api",
    "concept": "kg.api",
    "coverage": "kg.api",
    "query": "kg.api",
    "to_networkx": "kg.api",
    "DataError": "kg.errors",
    "QueryError": "kg.errors",
}


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module 'kg' has no attribute '{name}'")
    __import__(_HOMES[name])
    value = getattr(sys.modules[_HOMES[name]], name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


class _Package(types.ModuleType):
    """Keeps `kg.query` and `kg.coverage` the functions above: importing the modules of the
    same names (kg/query.py, kg/coverage.py) would otherwise rebind them on the package."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in __all__ and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
