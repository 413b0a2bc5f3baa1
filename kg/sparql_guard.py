"""Checks on SPARQL text made before any parser sees it.

pyoxigraph's parser and evaluator recurse once per nested group and once per chained operator,
so a query nested a few thousand levels deep (`{{{{...}}}}`, `((((...))))`) or chaining
thousands of operators (`1+1+1...`, `{} UNION {} UNION ...`) overflows the stack and kills the
process with a segmentation fault. The limits below are far beyond any real query and far below
the depths that crash (about 2,000 nested groups and 5,000 chained operators on an 8 MB stack).

`SERVICE` (and, in an update, `LOAD`) makes the store fetch a URL on the querying client's
behalf; `check_service` finds those URLs and refuses them unless the server's operator allowed
them.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from kg.errors import QueryError

__all__ = [
    "MAX_NESTING",
    "MAX_OPERATORS",
    "ServiceRefused",
    "Token",
    "check_service",
    "check_size",
    "declared_prefixes",
    "position",
    "tokens",
]

MAX_NESTING = 128
MAX_OPERATORS = 1_000

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)
                |'(?:[^'\\\n]|\\.)*'?|"(?:[^"\\\n]|\\.)*"?)
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    | (?P<var>[?$]\w+)
    | (?P<name>(?:[A-Za-z_][\w.-]*)?:(?:[\w.:%-]|\\.)*|[A-Za-z_][\w-]*)
    | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
    | (?P<open>[({\[])
    | (?P<close>[)}\]])
    | (?P<operator>&&|\|\||[/|+*!^-])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CHAINING_WORDS = {"UNION", "OPTIONAL", "MINUS"}
# An IRI may spell any character as \uXXXX or \UXXXXXXXX, and the store reads it so.
_IRI_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class Token(NamedTuple):
    """One token of a query: its kind (a group name of _TOKEN), text and offset."""

    kind: str
    text: str
    offset: int


def tokens(text: str) -> list[Token]:
    """The query's tokens, without spaces and comments: strings and IRIs are single tokens,
    so brackets and keywords inside them do not count."""
    return [
        Token(match.lastgroup or "other", match.group(), match.start())
        for match in _TOKEN.finditer(text)
        if match.lastgroup not in {"space", "comment"}
    ]


def position(text: str, offset: int) -> str:
    """`line:column` of a character offset, both counted from 1."""
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def check_size(text: str, origin: str = "query") -> None:
    """Raise a QueryError, naming where, if `text` nests groups, parentheses or brackets more
    than MAX_NESTING deep or chains more than MAX_OPERATORS operators."""
    depth = operators = 0
    for token in tokens(text):
        if token.kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(
                    f"{origin}:{position(text, token.offset)}: the query nests brackets more than "
                    f"{MAX_NESTING} levels deep; flatten it (e.g. join the groups with UNION or "
                    "VALUES)"
                )
        elif token.kind == "close":
            depth = max(0, depth - 1)
        elif token.kind == "operator" or (
            token.kind == "name" and token.text.upper() in _CHAINING_WORDS
        ):
            operators += 1
            if operators > MAX_OPERATORS:
                raise QueryError(
                    f"{origin}:{position(text, token.offset)}: the query chains more than "
                    f"{MAX_OPERATORS} operators (UNION, OPTIONAL, +, /, ...); split it into "
                    "several queries or use VALUES"
                )


def declared_prefixes(text: str) -> dict[str, str]:
    """The prefixes `text` declares with PREFIX lines, read from its tokens (so a PREFIX in a
    string or comment does not count).

    >>> declared_prefixes("PREFIX ex: <http://example.org/> ASK { ?s ?p 'PREFIX no: <x:>' }")
    {'ex': 'http://example.org/'}
    """
    return _declared(tokens(text))


def _declared(found: list[Token]) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for index, token in enumerate(found):
        following = found[index + 1 : index + 3]
        if (
            token.kind == "name"
            and token.text.upper() == "PREFIX"
            and len(following) == 2
            and following[1].kind == "iri"
        ):
            prefixes[following[0].text.rstrip(":")] = _iri(following[1].text)
    return prefixes


def _fetched(text: str) -> list[tuple[str, str | None]]:
    """What `text` makes the store fetch: ("SERVICE" or "LOAD", the absolute IRI) in order; the
    IRI is None for a variable, and the token itself when it is neither IRI nor name."""
    found = tokens(text)
    prefixes = _declared(found)
    base = ""
    targets: list[tuple[str, str | None]] = []
    for index, token in enumerate(found):
        word = token.text.upper() if token.kind == "name" else ""
        following = found[index + 1 : index + 3]
        if word == "BASE" and following and following[0].kind == "iri":
            base = _iri(following[0].text)
        elif word in {"SERVICE", "LOAD"}:
            if following and following[0].text.upper() == "SILENT":
                following = found[index + 2 : index + 3]
            target = following[0] if following else None
            if target is None or target.kind == "var":
                targets.append((word, None))
            elif target.kind == "iri":
                targets.append(
                    (word, urljoin(base, _iri(target.text)) if base else _iri(target.text))
                )
            elif target.kind == "name" and ":" in target.text:
                prefix, _, local = target.text.partition(":")
                # a local name may escape punctuation with a backslash: ex:a\/b is ex:a/b
                local = re.sub(r"\\(.)", r"\1", local)
                targets.append((word, prefixes.get(prefix, f"{prefix}:") + local))
            else:  # not what the store would read as an endpoint: refused, never guessed at
                targets.append((word, target.text))
    return targets


def _iri(token: str) -> str:
    """The IRI an IRI token spells, escapes decoded."""
    return _IRI_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), token[1:-1])


class ServiceRefused(QueryError):
    """A SERVICE clause (or LOAD) names an endpoint the server's operator has not allowed."""


def check_service(text: str, allowed: Collection[str]) -> None:
    """Raise ServiceRefused unless every SERVICE endpoint (and LOAD source) in `text` is
    allowed.

    `allowed` holds host names, or `*` for any public host. Without it no SERVICE runs. Hosts
    that are or resolve to loopback, private, link-local or otherwise reserved addresses run
    only when named in `allowed` themselves, so a visitor cannot make the server reach into
    the network it stands in.
    """
    for keyword, target in _fetched(text):
        if target is None:
            raise ServiceRefused(
                f"{keyword} with a variable endpoint is not allowed on this server"
            )
        parts = urlsplit(target)
        host = (parts.hostname or "").lower()
        if parts.scheme not in {"http", "https"} or not host:
            raise ServiceRefused(f"{keyword} <{target}>: only http and https endpoints are allowed")
        if host in {name.lower() for name in allowed}:
            continue
        if "*" not in allowed:
            hint = (
                "this server fetches nothing for its clients"
                if not allowed
                else f"it allows only {', '.join(sorted(allowed))}"
            )
            raise ServiceRefused(
                f"{keyword} <{target}>: {hint} (its operator can allow the host with "
                f"--allow-service {host})"
            )
        if _is_internal(host):
            raise ServiceRefused(
                f"{keyword} <{target}>: {host} is a loopback, private or link-local address; "
                f"the server's operator must name it with --allow-service {host}"
            )


def _is_internal(host: str) -> bool:
    """Whether `host` is, or resolves to, an address outside the public internet."""
    import ipaddress  # here: only kg serve checks hosts, and every kg command imports this module
    import socket

    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return True  # what cannot be resolved cannot be shown to be public
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            return True
    return False
