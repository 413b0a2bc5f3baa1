"""Where the shipped graph, schema, shapes and saved queries live."""

from __future__ import annotations

import os
import stat
import sys
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
    "STDOUT",
    "default_graph",
    "default_site",
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
# The explorer page is committed in a checkout's site/; an installed package never writes into
# its own folder, so elsewhere the page goes to site/ in the working folder.
IN_CHECKOUT = (_PACKAGE.parent / "pyproject.toml").is_file() and (_PACKAGE.parent / "data").is_dir()
SITE_DIR = _PACKAGE.parent / "site" if IN_CHECKOUT else Path("site")
# `--out -`: standard output
STDOUT = Path("-")
# A folder with a graph of its own is read the way git and make read the folder they run in:
# its data/triples.ttl is the graph, and its site/ gets the explorer page.
LOCAL_GRAPH_FILE = Path("data") / "triples.ttl"


def default_graph() -> Path:
    """The graph a command reads when given none: data/triples.ttl in the working folder if
    there is one, else the shipped graph."""
    return LOCAL_GRAPH_FILE if LOCAL_GRAPH_FILE.is_file() else GRAPH_FILE


def default_site() -> Path:
    """Where the explorer page goes by default: beside the graph that default_graph reads, in
    site/ of the working folder or of the checkout; an installed package's in the working
    folder."""
    return Path("site") if LOCAL_GRAPH_FILE.is_file() else SITE_DIR


@contextmanager
def written_in_place(target: Path) -> Iterator[Path]:
    """A path to write to; when the block ends, what was written there (a file, or the files
    of a folder) goes to `target`. If the block fails, nothing reaches `target`.

    A regular file (or a path that does not exist) is replaced atomically: written beside it,
    then moved into place with its permissions kept. A symlink is followed, never replaced.
    A device, FIFO or socket (`/dev/stdout`, a named pipe) is written into, never replaced.
    `-` is standard output. Missing folders are made; a failure is a DataError naming `target`.
    """
    import shutil  # here: `kg query` imports this module and writes no file

    if target == STDOUT:
        with _written_elsewhere(target) as partial:
            yield partial
        return
    destination = Path(os.path.realpath(target))
    if target.exists() and (
        not (destination.is_file() or destination.is_dir())
        or destination.parts[1:2] in {("dev",), ("proc",)}  # /dev/stdout and the like
    ):
        with _written_elsewhere(target) as partial:
            yield partial
        return
    blocking = next((f for f in destination.parents if f.exists() and not f.is_dir()), None)
    if blocking is not None:
        raise DataError(target, f"cannot be written: {blocking} is a file, not a folder")
    partial = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        yield partial
        if partial.is_dir():
            if destination.exists() and not destination.is_dir():
                raise DataError(target, "is a file; this output is a folder of files")
            destination.mkdir(exist_ok=True)
            for written in partial.iterdir():
                os.replace(written, destination / written.name)
        else:
            if destination.is_dir():
                raise DataError(target, "is a folder; give a file name")
            if destination.exists():
                os.chmod(partial, stat.S_IMODE(destination.stat().st_mode))
            os.replace(partial, destination)
    except OSError as error:
        raise DataError(target, f"cannot be written ({error.strerror or error})") from None
    finally:
        if partial.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.unlink(missing_ok=True)


@contextmanager
def _written_elsewhere(target: Path) -> Iterator[Path]:
    """Write into a private temporary folder, then copy the one file into `target` (standard
    output for `-`), so that a failure half-way sends nothing."""
    import shutil
    import tempfile  # here: most writes go beside their target, and every command imports this

    with tempfile.TemporaryDirectory(prefix="kg-") as folder:
        partial = Path(folder) / "output"
        yield partial
        if partial.is_dir():
            raise DataError(target, "can take one file only; this output is a folder of files")
        try:
            with partial.open("rb") as written:
                if target == STDOUT:
                    shutil.copyfileobj(written, sys.stdout.buffer)
                    sys.stdout.buffer.flush()
                else:
                    with target.open("wb") as special:
                        shutil.copyfileobj(written, special)
        except BrokenPipeError:
            raise  # the reader went away (`| head`): the command line stops quietly
        except OSError as error:
            raise DataError(target, f"cannot be written ({error.strerror or error})") from None


def write_atomically(target: Path, text: str) -> Path:
    """Write `text` to `target` as UTF-8, all of it or nothing (see written_in_place)."""
    with written_in_place(target) as partial:
        partial.write_text(text, encoding="utf-8")
    return target
