"""`kg query` on the local graph without loading the command-line framework.

Importing click (and the typing machinery it pulls in) costs `kg query` more than parsing the
shipped graph and answering the query. Plain `kg query NAME|FILE.rq|-e SPARQL` with --param,
--format and --data is answered here; anything else, and every mistake, goes to the click
command in kg/cli.py, which does the work again and speaks with its usual words. Only what
this module can answer as that command would is answered here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from kg.errors import DataError, QueryError
from kg.files import default_graph
from kg.query import SavedQuery, bind_params, load_query, parse_query, run_query
from kg.results import GRAPH_FORMATS, PREFIXES, SOLUTION_FORMATS, format_result
from kg.store import Store, open_store

__all__ = ["answer", "query_command"]

# options that take a value, as the click command names them
_VALUED = {"-e": "expression", "--expression": "expression", "--param": "param"}
_VALUED |= {"--format": "format", "--data": "data"}


def answer(
    target: Store,
    saved: SavedQuery,
    params: Mapping[str, str],
    output_format: str | None,
    prefixes: Mapping[str, str],
) -> str:
    """What `kg query` prints: `saved` run on `target` with `params` bound, as `output_format`
    (None for the default), where the query may use `prefixes` without PREFIX lines."""
    text = bind_params(target, saved, dict(params))
    result = run_query(target, text, saved.origin, prefixes)
    return format_result(result, output_format).rstrip("\n")


def _parsed(args: Sequence[str]) -> dict[str, list[str]] | None:
    """The arguments of `kg query` by option, or None for anything this module leaves to
    click: other options, help, an option without its value, a value that looks like an
    option, `--`."""
    given: dict[str, list[str]] = {"name": [], "expression": [], "param": [], "format": []}
    given["data"] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        option, equals, value = arg.partition("=")
        if option in _VALUED and option.startswith("--") and equals:
            given[_VALUED[option]].append(value)
        elif arg in _VALUED:
            if not rest or rest[0].startswith("-"):
                return None
            given[_VALUED[arg]].append(rest.pop(0))
        elif arg.startswith("-"):
            return None
        else:
            given["name"].append(arg)
    return given


def _plain(given: dict[str, list[str]]) -> bool:
    """Whether the arguments are ones the click command would accept without a word."""
    return (
        len(given["name"]) + len(given["expression"]) == 1
        and len(given["format"]) <= 1
        and set(given["format"]) <= {*SOLUTION_FORMATS, *GRAPH_FORMATS}
        and all("=" in pair and not pair.startswith("=") for pair in given["param"])
        and all(Path(file).is_file() for file in given["data"])
    )


def query_command(args: Sequence[str]) -> bool:
    """Answer `kg query ARGS` and return True, or return False having printed nothing, when
    the click command must answer (it does for every mistake, to say what is wrong)."""
    given = _parsed(args)
    if given is None or not _plain(given) or (sys.stdout.encoding or "").lower() != "utf-8":
        return False
    try:
        # typed at the prompt, a query may leave out the graph's PREFIX lines; a saved one
        # may not, for it is shared with tools that do not know them
        if given["expression"]:
            saved = parse_query("expression", given["expression"][0], "query")
            prefixes: Mapping[str, str] = PREFIXES
        else:
            saved, prefixes = load_query(given["name"][0]), {}
        files = [Path(f) for f in given["data"]] or [default_graph()]
        params = {}
        for pair in given["param"]:
            name, _, value = pair.partition("=")
            params[name.strip().lstrip("?")] = value
        target = open_store("memory", None, None, files)
        output_format = given["format"][0] if given["format"] else None
        text = answer(target, saved, params, output_format, prefixes)
    except (DataError, QueryError):
        return False
    if "\x1b" in text:
        return False  # click strips terminal escapes from output that is not a terminal
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`kg query ... | head`): stop quietly, as the click command does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    return True
