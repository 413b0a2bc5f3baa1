"""Saved SPARQL queries: load them from queries/*.rq and run them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError
from kg.files import QUERY_DIR

__all__ = ["QueryError", "SavedQuery", "load_query", "run_select", "saved_queries"]

Value = str | int | float | None


@dataclass(frozen=True)
class SavedQuery:
    """A .rq file and its header lines: `# title:`, `# description:`, `# param NAME: meaning`."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    params: dict[str, str] = field(default_factory=dict)


_HEADER = re.compile(r"^#\s*(title|description|param\s+\??(\w+))\s*:\s*(.*)$")


def _parse(name: str, text: str) -> SavedQuery:
    fields: dict[str, str] = {}
    params: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if match := _HEADER.match(line):
            key, param, value = match.groups()
            if param:
                params[param] = value.strip()
            else:
                fields[key] = value.strip()
    return SavedQuery(name, text, fields.get("title", ""), fields.get("description", ""), params)


def saved_queries(folder: Path = QUERY_DIR) -> list[SavedQuery]:
    """All saved queries in `folder`, by name."""
    return [
        _parse(path.stem, path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.rq"))
    ]


def load_query(name: str, folder: Path = QUERY_DIR) -> SavedQuery:
    """A saved query by name (`concepts-per-category`) or a path to any .rq file."""
    path = Path(name)
    if path.suffix == ".rq" and path.is_file():
        return _parse(path.stem, path.read_text(encoding="utf-8"))
    saved = folder / f"{name}.rq"
    if saved.is_file():
        return _parse(name, saved.read_text(encoding="utf-8"))
    names = [p.stem for p in sorted(folder.glob("*.rq"))]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `kg queries` lists them"
    raise QueryError(f"no saved query named '{name}'{hint}")


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Value:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1]
        if datatype in {"integer", "int", "long", "short", "nonNegativeInteger"}:
            return int(term.value)
        if datatype in {"decimal", "double", "float"}:
            return float(term.value)
    return str(term.value) if not isinstance(term, ox.Triple) else str(term)


def run_select(store: ox.Store, text: str) -> list[dict[str, Value]]:
    """Run a SELECT query; rows map variable names to plain Python values."""
    try:
        solutions = store.query(text)
    except SyntaxError as error:
        raise QueryError(f"the query does not parse: {error}") from None
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    names = [variable.value for variable in solutions.variables]
    return [{name: _value(row[name]) for name in names} for row in solutions]
