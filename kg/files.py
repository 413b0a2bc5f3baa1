"""Where the shipped graph, schema, shapes and saved queries live."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import DataError

__all__ = [
    "DATA_DIR",
    "GRAPH_FILE",
    "QUERY_DIR",
    "SCHEMA_FILE",
    "SHAPES_FILE",
    "SITE_DIR",
    "write_atomically",
    "written_in_place",
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


@contextmanager
def written_in_place(target: Path) -> Iterator[Path]:
    """A path beside `target` to write to. When the block ends, what was written there (a
    file, or the files of a folder) moves into place; if it fails, it is removed, so `target`
    is never left half-written. Missing folders are made; a failure to write is a DataError
    naming `target`."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        yield partial
        if partial.is_dir():
            target.mkdir(exist_ok=True)
            for written in partial.iterdir():
                os.replace(written, target / written.name)
        else:
            os.replace(partial, target)
    except OSError as error:
        raise DataError(target, f"cannot be written ({error.strerror or error})") from None
    finally:
        if partial.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.unlink(missing_ok=True)


def write_atomically(target: Path, text: str) -> Path:
    """Write `text` to `target` as UTF-8, all of it or nothing (see written_in_place)."""
    with written_in_place(target) as partial:
        partial.write_text(text, encoding="utf-8")
    return target
