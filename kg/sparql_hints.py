"""Plain-language hints for the SPARQL mistakes people make most.

pyoxigraph's parser says what it expected at the furthest point it reached ("expected
CONSTRUCT" for `SELEC`, "expected one of LATERAL, SERVICE, [_]" for a missing object), which
is true but rarely helps. These hints look at the query's tokens instead.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from kg.sparql_guard import Token, position, tokens

__all__ = ["syntax_hint"]

UPDATE_WORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
}
KEYWORDS = {
    word
    for line in (Path(__file__).parent / "sparql-keywords.txt").read_text().splitlines()
    if not line.startswith("#")
    for word in line.split()
}
_TERMS = {"var", "iri", "name", "string", "number"}
_PAIRS = {"(": ")", "{": "}", "[": "]"}


def syntax_hint(text: str, offset: int) -> str | None:
    """A hint for the syntax error the parser reported at character `offset` of `text`."""
    found = tokens(text)
    return (
        _update(found)
        or _misspelt(found)
        or _unbalanced(text, found)
        or _missing_object(found, offset)
    )


def _update(found: list[Token]) -> str | None:
    words = [t.text.upper() for t in found if t.kind == "name" and ":" not in t.text]
    first = next((w for w in words if w not in {"PREFIX", "BASE"}), "")
    if first in UPDATE_WORDS:
        return (
            f"{first} is SPARQL Update, not a query (SELECT, ASK, CONSTRUCT, DESCRIBE): send it "
            "as an update, update= to an endpoint that accepts them (kg serve --allow-update)"
        )
    return None


def _misspelt(found: list[Token]) -> str | None:
    """Bare words in SPARQL are keywords or function names, so any other is a typo."""
    for token in found:
        word = token.text.upper()
        if token.kind != "name" or ":" in word or word in KEYWORDS:
            continue
        close = difflib.get_close_matches(word, KEYWORDS, n=1, cutoff=0.7)
        if close:
            return f"did you mean {close[0]} instead of {token.text}?"
        return f"{token.text} is not a SPARQL keyword or function"
    return None


def _unbalanced(text: str, found: list[Token]) -> str | None:
    opened: list[Token] = []
    for token in found:
        if token.kind == "open":
            opened.append(token)
        elif token.kind == "close":
            if not opened:
                return f"the {token.text} at {position(text, token.offset)} closes nothing"
            innermost = opened.pop()
            if _PAIRS[innermost.text] != token.text:
                return (
                    f"the {innermost.text} opened at {position(text, innermost.offset)} is not "
                    f"closed before the {token.text} at {position(text, token.offset)}"
                )
    if opened:
        last = opened[-1]
        return f"the {last.text} opened at {position(text, last.offset)} is never closed"
    return None


def _missing_object(found: list[Token], offset: int) -> str | None:
    """The last `.` or `}` before the error ends a pattern of only two terms: no object."""
    terms, ended_with = 0, -1
    for token in found:
        if token.offset > offset:
            break
        if token.text == "." or (token.text == "}" and terms):
            ended_with, terms = terms, 0
        elif token.text == "{":
            terms = 0
        elif token.kind in _TERMS and token.text.upper() not in KEYWORDS:
            terms += 1
    return (
        "a triple pattern needs a subject, a predicate and an object" if ended_with == 2 else None
    )
