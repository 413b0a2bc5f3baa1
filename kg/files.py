"""Where the shipped graph, schema, shapes and saved queries live."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DATA_DIR", "GRAPH_FILE", "QUERY_DIR", "SCHEMA_FILE", "SHAPES_FILE", "SITE_DIR"]

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    """The folder `name` beside the package in a checkout, or the copy inside a built wheel."""
    in_checkout = _PACKAGE.parent / name
    return in_checkout if in_checkout.is_dir() else _PACKAGE / "_shipped" / name


DATA_DIR = _shipped("data")
QUERY_DIR = _shipped("queries")
GRAPH_FILE = DATA_DIR / "triples.ttl"
SCHEMA_FILE = DATA_DIR / "schema.ttl"
SHAPES_FILE = DATA_DIR / "shapes.ttl"
SITE_DIR = _PACKAGE.parent / "site"
