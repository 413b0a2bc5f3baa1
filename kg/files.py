"""Where the shipped graph, schema, shapes and saved queries live."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = [
    "DATA_DIR",
    "GRAPH_FILE",
    "QUERY_DIR",
    "SCHEMA_FILE",
    "SHAPES_FILE",
    "SITE_DIR",
    "write_atomically",
]

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


def write_atomically(target: Path, text: str) -> Path:
    """Write `text` beside `target` and rename it into place, so that an interrupted run never
    leaves half a file; the folder is made if needed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False) as tmp:
        tmp.write(text)
    umask = os.umask(0)
    os.umask(umask)
    # readable like any other written file, not 0600 as a temporary file is made
    os.chmod(tmp.name, 0o644 & ~umask)
    os.replace(tmp.name, target)
    return target
