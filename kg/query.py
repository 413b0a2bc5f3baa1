"""Saved SPARQL queries: load them from queries/*.rq, bind their parameters, run them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from kg.errors import QueryError
from kg.files import QUERY_DIR
from kg.results import PREFIXES
from kg.sparql_guard import check_size, declared_prefixes
from kg.store import QueryResult, Store

__all__ = [
    "Param",
    "SavedQuery",
    "bind_params",
    "check_syntax",
    "decode_query",
    "describe_syntax_error",
    "grouped",
    "load_query",
    "parse_query",
    "plain_value",
    "resolve_concept",
    "run_query",
    "run_select",
    "saved_queries",
    "with_prefixes",
]

Value = str | int | float | None
PARAM_KINDS = {
    "concept": "a concept, by label, synonym, CURIE or IRI",
    "string": "a text value",
    "iri": "an IRI",
    "number": "a number",
}
# The questions the saved queries answer, in the order the query page and `kg queries` list
# them; a `# group:` not named here comes after these, and a query without one under OTHER.
QUERY_GROUPS = (
    "Concepts and names",
    "Mechanisms",
    "Treatments and status",
    "Evidence and sources",
    "Curation",
)
OTHER = "Other"


# NamedTuples rather than dataclasses: importing dataclasses costs `kg query` 5 ms at start.
class Param(NamedTuple):
    """A query parameter declared as `# param NAME (KIND): what it means`."""

    name: str
    kind: str
    description: str


class SavedQuery(NamedTuple):
    """A .rq file and its header lines: `# title:`, `# description:`, `# group:` (the question
    it answers, see QUERY_GROUPS) and `# param ...:`."""

    name: str
    text: str
    title: str
    description: str
    params: dict[str, Param]
    origin: str
    group: str = OTHER


_FIELD = re.compile(r"^#\s*(title|description|group)\s*:\s*(.*)$")
_PARAM = re.compile(r"^#\s*param\s+\??(\w+)\s*(?:\((\w+)\))?\s*:\s*(.*)$")


def parse_query(name: str, text: str, origin: str = "query") -> SavedQuery:
    """Read a query's header comment; the text itself is not changed."""
    fields: dict[str, str] = {}
    params: dict[str, Param] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if match := _FIELD.match(line):
            fields[match.group(1)] = match.group(2).strip()
        elif match := _PARAM.match(line):
            param, kind, description = match.group(1), match.group(2) or "string", match.group(3)
            if kind not in PARAM_KINDS:
                raise QueryError(
                    f"{origin}: parameter '{param}' has unknown kind '{kind}'; "
                    f"use one of {', '.join(PARAM_KINDS)}"
                )
            params[param] = Param(param, kind, description.strip())
    return SavedQuery(
        name,
        text,
        fields.get("title", ""),
        fields.get("description", ""),
        params,
        origin,
        fields.get("group") or OTHER,
    )


def saved_queries(folder: Path = QUERY_DIR) -> list[SavedQuery]:
    """All saved queries in `folder`, by name."""
    return [load_query(path.stem, folder) for path in sorted(folder.glob("*.rq"))]


def grouped(queries: list[SavedQuery]) -> list[tuple[str, list[SavedQuery]]]:
    """`queries` under the question each answers: QUERY_GROUPS in order, then any other
    group by name, then OTHER; each group keeps the order it was given."""
    groups: dict[str, list[SavedQuery]] = {}
    for query in queries:
        groups.setdefault(query.group, []).append(query)

    def position(group: str) -> tuple[int, str]:
        if group in QUERY_GROUPS:
            return QUERY_GROUPS.index(group), ""
        return len(QUERY_GROUPS) + (group == OTHER), group

    return [(group, groups[group]) for group in sorted(groups, key=position)]


def load_query(name: str, folder: Path = QUERY_DIR) -> SavedQuery:
    """A saved query by name (`neighbourhood`) or a path to any .rq file."""
    path = Path(name)
    if path.suffix == ".rq" and not path.is_file():
        problem = "is a folder, not a .rq file" if path.is_dir() else "no such file"
        raise QueryError(f"{name}: {problem}")
    if path.suffix != ".rq":
        path = folder / f"{name}.rq"
    if path.is_file():
        return parse_query(path.stem, _read_query_file(path), str(path))
    import difflib

    names = [p.stem for p in sorted(folder.glob("*.rq"))]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `kg queries` lists them"
    raise QueryError(f"no saved query named '{name}'{hint}")


def _read_query_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise QueryError(f"{path}: cannot be read ({error.strerror or error})") from None
    return decode_query(data, str(path))


def decode_query(data: bytes, origin: str) -> str:
    """A query's text from the bytes of a file or stdin; binary or non-UTF-8 input is refused
    with a message naming `origin`."""
    if b"\x00" in data:
        raise QueryError(f"{origin}: is a binary file, not a SPARQL query")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(
            f"{origin}: is not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8"
        ) from None


_POSITION = re.compile(r"error at (\d+):(\d+): ")
_UNDECLARED = re.compile(r"Prefix not found|prefix .* not (found|declared)", re.IGNORECASE)
# the prefixed name that ends where the parser stopped: its prefix is the undeclared one
_PREFIXED_NAME_END = re.compile(r"([A-Za-z][\w.-]*)?:[\w.%:-]*$")


def check_syntax(text: str, origin: str = "query", prefixes: Mapping[str, str] = {}) -> None:
    """Raise a QueryError naming line, column and what the parser expected there, if `text`
    is not valid SPARQL 1.1 (where `prefixes` may be used undeclared)."""
    if not _COMMENT.sub("", text).strip():
        raise QueryError(f"{origin}: the query is empty")
    check_size(text, origin)
    try:
        ox.Store().query(text, prefixes=dict(prefixes))
    except SyntaxError as error:
        raise QueryError(describe_syntax_error(error, origin, text)) from None


def with_prefixes(text: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """`text` with a PREFIX line first for each of `prefixes` it does not declare itself, so
    that any store, an endpoint too, reads the prefixed names it uses.

    >>> with_prefixes("PREFIX tkg: <x:> ASK {}", {"tkg": "t:", "claim": "c:"})
    'PREFIX claim: <c:>\\nPREFIX tkg: <x:> ASK {}'
    """
    declared = declared_prefixes(text)
    lines = [f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items() if name not in declared]
    return "".join(lines) + text


def describe_syntax_error(error: SyntaxError, origin: str = "query", text: str = "") -> str:
    """`origin:line:column: what the parser expected` for pyoxigraph's SPARQL syntax errors,
    and a plain-language hint when `text`, the query, shows a common mistake."""
    message = " ".join(str(error).split())
    match = _POSITION.search(message)
    if not match:
        return f"{origin}: {message}"
    line, column = int(match.group(1)), int(match.group(2))
    # pyoxigraph counts the newline into the column on every line after the first
    column = max(1, column - 1) if line > 1 else column
    expected = message[match.end() :]
    lines = text.split("\n")
    offset = sum(len(previous) + 1 for previous in lines[: line - 1]) + column - 1
    if _UNDECLARED.search(expected):
        return f"{origin}:{line}:{column}: {_undeclared(text[: offset + 1].rstrip())}"
    if len(expected) > 120:
        expected = expected[:119] + "…"
    from kg.sparql_hints import syntax_hint  # here: read only when a query has a mistake

    hint = syntax_hint(text, offset) if text else None
    return (
        f"{origin}:{line}:{column}: {hint} (the parser {expected})"
        if hint
        else (f"{origin}:{line}:{column}: {expected}")
    )


def _undeclared(before: str) -> str:
    """What to write for the undeclared prefix of the name that ends `before`."""
    found = _PREFIXED_NAME_END.search(before)
    if found is None:
        return "undeclared prefix: add a PREFIX line for it"
    name = found.group(1) or ""
    return f"undeclared prefix {name}: add PREFIX {name}: <{PREFIXES.get(name, '...')}>"


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_COMMENT = re.compile(r"(^|\s)#[^\n]*")


def _with_values(text: str, values: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Put `VALUES ?name { term }` first in every WHERE group, the subqueries' too: Oxigraph
    does not push a binding from outside into a subquery, which would otherwise sort the whole
    graph before the join. Terms are serialised by pyoxigraph, so a value can never change the
    query's structure."""
    blanked = _COMMENT.sub(lambda m: " " * len(m.group(0)), text)
    ends = [match.end() for match in _WHERE.finditer(blanked)]
    if not ends:
        raise QueryError("a query with parameters needs an explicit WHERE { ... }")
    block = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in values.items())
    for end in reversed(ends):
        text = f"{text[:end]} {block} {text[end:]}"
    return text


def _term(store: Store, param: Param, value: str) -> ox.NamedNode | ox.Literal:
    if param.kind == "concept":
        return resolve_concept(store, value)
    if param.kind == "iri":
        try:
            return ox.NamedNode(value.strip("<>"))
        except ValueError as error:
            raise QueryError(
                f"parameter '{param.name}': '{value}' is not an IRI ({error})"
            ) from None
    if param.kind == "number":
        try:
            float(value)
        except ValueError:
            raise QueryError(f"parameter '{param.name}': '{value}' is not a number") from None
        datatype = "integer" if value.lstrip("+-").isdigit() else "decimal"
        return ox.Literal(
            value, datatype=ox.NamedNode(f"http://www.w3.org/2001/XMLSchema#{datatype}")
        )
    return ox.Literal(value)


def resolve_concept(store: Store, name: str) -> ox.NamedNode:
    """The one concept a name points at: its label, a synonym, its CURIE or its IRI."""
    finder = load_query("find-concept")
    result = run_query(store, _with_values(finder.text, {"name": ox.Literal(name)}))
    assert isinstance(result, ox.QuerySolutions)
    found = {str(row["concept"].value): str(row["label"].value) for row in result}
    if len(found) == 1:
        return ox.NamedNode(next(iter(found)))
    if found:
        choices = ", ".join(f"{label} <{iri}>" for iri, label in sorted(found.items()))
        raise QueryError(f"'{name}' names several concepts: {choices}; give the IRI")
    import difflib

    names = {
        str(row["name"]).lower(): str(row["name"])
        for row in run_select(store, load_query("lexicon").text)
    }
    close = difflib.get_close_matches(name.lower(), names, n=3, cutoff=0.6)
    hint = f"; close names: {', '.join(names[c] for c in close)}" if close else ""
    raise QueryError(f"no concept is named '{name}'{hint}")


def bind_params(store: Store, query: SavedQuery, values: dict[str, str]) -> str:
    """The query's text with each parameter bound to its value (a concept name is resolved).

    A declared parameter takes its kind from the header; an undeclared one binds a string, or
    an IRI when the value is written `<...>`. Every declared parameter must be given.
    """
    unknown = [name for name in values if not _accepts(query, name)]
    if unknown:
        known = query.params or dict.fromkeys(re.findall(r"[?$](\w+)", query.text))
        raise QueryError(
            f"query '{query.name}' has no parameter '{unknown[0]}' "
            f"(it takes {', '.join(known) or 'none'})"
        )
    missing = [p for p in query.params.values() if p.name not in values]
    if missing:
        needs = "; ".join(
            f"--param {p.name}=VALUE ({p.description or PARAM_KINDS[p.kind]})" for p in missing
        )
        raise QueryError(f"query '{query.name}' needs {needs}")
    terms: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, value in values.items():
        if not re.fullmatch(r"\w+", name):
            raise QueryError(f"'{name}' is not a SPARQL variable name")
        kind = "iri" if value.startswith("<") and value.endswith(">") else "string"
        param = query.params.get(name, Param(name, kind, ""))
        terms[name] = _term(store, param, value)
    return _with_values(query.text, terms) if terms else query.text


def _accepts(query: SavedQuery, name: str) -> bool:
    """A declared parameter, or, in a query that declares none, any of its variables."""
    if query.params:
        return name in query.params
    return re.search(rf"[?$]{re.escape(name)}\b", query.text) is not None


def run_query(
    store: Store, text: str, origin: str = "query", prefixes: Mapping[str, str] = {}
) -> QueryResult:
    """Check the syntax of a SPARQL query, then run it on `store`; `prefixes` (e.g. PREFIXES,
    the graph's own) may be used in it without PREFIX lines."""
    check_syntax(text, origin, prefixes)
    return store.query(with_prefixes(text, prefixes) if prefixes else text)


def plain_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Value:
    """A result term as a Python value: integers and decimals as numbers, the rest as text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1]
        if datatype in {"integer", "int", "long", "short", "nonNegativeInteger"}:
            return int(term.value)
        if datatype in {"decimal", "double", "float"}:
            return float(term.value)
    return str(term.value) if not isinstance(term, ox.Triple) else str(term)


def run_select(store: Store, text: str) -> list[dict[str, Value]]:
    """Run a SELECT query; rows map variable names to plain Python values."""
    solutions = run_query(store, text)
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    names = [variable.value for variable in solutions.variables]
    return [{name: plain_value(row[name]) for name in names} for row in solutions]
