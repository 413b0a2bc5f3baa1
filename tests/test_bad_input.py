"""Bad input through the real `kg` command: every command, every kind of bad path, encoding,
permission, size and nesting. Each case must end with exit code 1 or 2 and one `Error:` line
that names the file or argument, print no traceback and no partial output, and leave every
file that was there before exactly as it was, with nothing new beside them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import KG_COMMAND, ROOT

TINY = (ROOT / "tests/fixtures/tiny.ttl").read_text()
DEEP_BRACES = "SELECT * WHERE " + "{" * 10_000 + "?s ?p ?o" + "}" * 10_000
DEEP_PARENS = "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"
LONG_UNION = "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }"
LONG_SUM = "SELECT (" + "+".join(["1"] * 10_000) + " AS ?n) WHERE {}"
LONG_PATH = "SELECT * WHERE { ?s " + "/".join(["<http://x/p>"] * 10_000) + " ?o }"


def _workspace(folder: Path) -> None:
    """The files a careless or unlucky user might point `kg` at."""
    files: dict[str, bytes | str] = {
        "tiny.ttl": TINY,
        "binary.ttl": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "latin1.ttl": "@prefix x: <http://example.org/> .\nx:caf\xe9 x:p x:q .\n".encode("latin-1"),
        "broken.ttl": "@prefix x: <http://example.org/> .\nx:a x:b .\n",
        "empty.rq": "",
        "binary.rq": b"SELECT\x00\x01\x02",
        "latin1.rq": "SELECT * WHERE { ?s ?p 'caf\xe9' }".encode("latin-1"),
        "locked.rq": "SELECT * WHERE { ?s ?p ?o }",
        "locked.ttl": TINY,
        "article.txt": "Ketamine blocks the NMDA receptor.",
        "binary.txt": b"\x00\x01\x02 ketamine",
        "latin1.md": "La k\xe9tamine bloque le r\xe9cepteur NMDA.".encode("latin-1"),
        "draft.docx": b"PK\x03\x04\x14\x00\x06\x00word/document.xml",
        "paper.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        "mine.ttl": "# a user's own file, which no failed command may touch\n",
        "notes/notes.txt": "my notes",
        "notes/sub/draft.md": "draft",
    }
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    (folder / "folder.ttl").mkdir()
    (folder / "folder.rq").mkdir()
    (folder / "locked.rq").chmod(0)
    (folder / "locked.ttl").chmod(0)


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    seen: dict[str, tuple[int, bytes | None]] = {}
    for path in sorted(folder.rglob("*")):
        mode = path.lstat().st_mode
        readable = path.is_file() and os.access(path, os.R_OK) and mode & 0o444
        seen[str(path.relative_to(folder))] = (mode, path.read_bytes() if readable else None)
    return seen


class Case(NamedTuple):
    args: tuple[str, ...]
    names: str  # what the one `Error:` line (or kg validate's report) must contain
    stdin: bytes | None = None
    locked: bool = False  # run without root's right to read every file


def case(*args: str, names: str, stdin: bytes | None = None, locked: bool = False) -> Case:
    return Case(args, names, stdin, locked)


# kg validate's result is its list of problems, each naming file and line, on stdout; its
# `Error:` line counts them
REPORTS = {"validate"}


UNREACHABLE = "http://127.0.0.1:9/sparql"
BAD_ENDPOINTS = [
    ("localhost:8890/sparql", "'localhost:8890/sparql' is not an endpoint URL"),
    ("file:///etc/passwd", "'file:///etc/passwd' is not an endpoint URL"),
    ("ftp://example.org/sparql", "'ftp://example.org/sparql' is not an endpoint URL"),
    ("http://", "'http://' is not an endpoint URL"),
]
BAD_GRAPH_FILES = [
    ("missing.ttl", "missing.ttl"),
    ("folder.ttl", "folder.ttl"),
    ("binary.ttl", "binary.ttl"),
    ("latin1.ttl", "latin1.ttl"),
    ("broken.ttl", "broken.ttl:2:"),
]

CASES: dict[str, Case] = {}
for command in ("validate", "stats", "site", "load", "push"):
    for file, names in BAD_GRAPH_FILES:
        extra = {
            "load": ("--store", "oxigraph:store"),
            "push": ("--endpoint", UNREACHABLE),
            "site": ("--out", "page.html"),
        }.get(command, ())
        CASES[f"{command} {file}"] = case(command, "--data", file, *extra, names=names)
    CASES[f"{command} unreadable file"] = case(
        command,
        "--data",
        "locked.ttl",
        *{"load": ("--store", "oxigraph:store"), "push": ("--endpoint", UNREACHABLE)}.get(
            command, ()
        ),
        names="locked.ttl",
        locked=True,
    )
for command in (
    "stats",
    "query side-effects",
    "site --out page.html",
    "export --format turtle --out out.ttl",
    "coverage article.txt",
):
    words = tuple(command.split())
    for endpoint, names in BAD_ENDPOINTS:
        CASES[f"{command} --endpoint {endpoint}"] = case(
            *words, "--endpoint", endpoint, names=names
        )
    CASES[f"{command} --endpoint unreachable"] = case(
        *words, "--endpoint", UNREACHABLE, names=UNREACHABLE
    )
    CASES[f"{command} --store missing"] = case(
        *words, "--store", "oxigraph:nowhere", names="nowhere"
    )
    CASES[f"{command} --store unknown kind"] = case(
        *words, "--store", "sqlite:x.db", names="sqlite:x.db"
    )
    CASES[f"{command} --store not a store"] = case(
        *words, "--store", "oxigraph:notes", names="notes"
    )
for endpoint, names in BAD_ENDPOINTS:
    CASES[f"push --endpoint {endpoint}"] = case("push", "--endpoint", endpoint, names=names)

CASES.update(
    {
        # kg query: names, files, stdin, nesting and size, syntax, parameters, formats
        "query unknown name": case("query", "neighbourhod", names="neighbourhod"),
        "query missing file": case("query", "missing.rq", names="missing.rq"),
        "query empty file": case("query", "empty.rq", names="empty.rq"),
        "query folder": case("query", "folder.rq", names="folder.rq"),
        "query binary file": case("query", "binary.rq", names="binary.rq"),
        "query non-UTF-8 file": case("query", "latin1.rq", names="latin1.rq"),
        "query unreadable file": case("query", "locked.rq", names="locked.rq", locked=True),
        "query binary stdin": case("query", names="stdin", stdin=b"SELECT \x00\xff"),
        "query non-UTF-8 stdin": case("query", names="stdin", stdin=b"SELECT * { ?s ?p '\xe9' }"),
        "query empty stdin": case("query", names="stdin", stdin=b""),
        "query 10,000 nested braces": case("query", "-e", DEEP_BRACES, names="query:1:"),
        "query 10,000 nested parentheses": case("query", "-e", DEEP_PARENS, names="query:1:"),
        "query 10,000 UNIONs": case("query", names="stdin:1:", stdin=LONG_UNION.encode()),
        "query 10,000 additions": case("query", "-e", LONG_SUM, names="query:1:"),
        "query 10,000-step path": case("query", "-e", LONG_PATH, names="query:1:"),
        "query nested braces on stdin": case("query", names="stdin:1:", stdin=DEEP_BRACES.encode()),
        "query misspelt keyword": case(
            "query", "-e", "SELEC * WHERE { ?s ?p ?o }", names="did you mean SELECT"
        ),
        "query missing object": case(
            "query",
            "-e",
            "SELECT * WHERE { ?s ?p }",
            names="needs a subject, a predicate and an object",
        ),
        "query unclosed brace": case(
            "query", "-e", "SELECT * WHERE { ?s ?p ?o", names="is never closed"
        ),
        "query update": case(
            "query", "-e", "INSERT DATA { <x:a> <x:b> <x:c> }", names="INSERT is SPARQL Update"
        ),
        "query undeclared prefix": case(
            "query", "-e", "SELECT * WHERE { ?s foo:p ?o }", names="undeclared prefix"
        ),
        "query unreachable SERVICE": case(
            "query",
            "-e",
            f"SELECT * WHERE {{ SERVICE <{UNREACHABLE}> {{ ?s ?p ?o }} }}",
            names="the query failed while running",
        ),
        "query unresolvable SERVICE": case(
            "query",
            "-e",
            "SELECT * WHERE { SERVICE <http://no-such-host.invalid/> { ?s ?p ?o } }",
            names="the query failed while running",
        ),
        "query unknown --param": case(
            "query",
            "neighbourhood",
            "--param",
            "concept=BDNF",
            "--param",
            "depth=2",
            names="'depth'",
        ),
        "query --param without =": case(
            "query", "neighbourhood", "--param", "concept", names="'concept' is not NAME=VALUE"
        ),
        "query missing --param": case("query", "neighbourhood", names="--param concept="),
        "query unknown concept": case(
            "query", "neighbourhood", "--param", "concept=bdfn", names="'bdfn'"
        ),
        "query bad --format": case("query", "sources", "--format", "yaml", names="'yaml'"),
        "query graph as table": case(
            "query",
            "subgraph",
            "--param",
            "concept=BDNF",
            "--format",
            "csv",
            names="--format turtle",
        ),
        "query name and -e": case("query", "sources", "-e", "ASK {}", names="not both"),
        "query --data missing": case(
            "query", "sources", "--data", "missing.ttl", names="missing.ttl"
        ),
        "query --data binary": case("query", "sources", "--data", "binary.ttl", names="binary.ttl"),
        "query --data broken": case(
            "query", "sources", "--data", "broken.ttl", names="broken.ttl:2:"
        ),
        # kg load: where the store may not go
        "load into a folder of notes": case("load", "--store", "oxigraph:notes", names="notes"),
        "load into a file": case("load", "--store", "oxigraph:mine.ttl", names="mine.ttl"),
        "load into an empty path": case("load", "--store", "oxigraph:", names="oxigraph:PATH"),
        "load into .": case("load", "--store", "oxigraph:.", names="oxigraph:PATH"),
        "load into ..": case("load", "--store", "oxigraph:..", names=".."),
        "load into /dev/null": case("load", "--store", "oxigraph:/dev/null", names="/dev/null"),
        "load into a read-only place": case(
            "load", "--store", "oxigraph:/proc/kg-store", names="/proc/kg-store"
        ),
        "load without oxigraph:": case("load", "--store", "store", names="'store'"),
        "load broken into a missing folder": case(
            "load",
            "--data",
            "broken.ttl",
            "--store",
            "oxigraph:new/parent/store",
            names="broken.ttl:2:",
        ),
        # kg site
        "site unknown focus": case("site", "--focus", "bdfn", "--out", "page.html", names="'bdfn'"),
        "site depth out of range": case(
            "site", "--focus", "BDNF", "--depth", "99", names="--depth"
        ),
        "site depth without focus": case("site", "--depth", "1", names="--focus"),
        "site out is a file": case("site", "--out", "mine.ttl", names="mine.ttl"),
        "site out is read-only": case(
            "site", "--out", "/proc/kg-page.html", names="/proc/kg-page.html"
        ),
        # kg export
        "export unknown format": case("export", "--format", "yaml", "--out", "x", names="'yaml'"),
        "export file into a folder": case(
            "export", "--format", "turtle", "--out", "notes", names="notes"
        ),
        "export folder onto a file": case(
            "export", "--format", "csv", "--out", "mine.ttl", names="mine.ttl"
        ),
        "export folder to stdout": case("export", "--format", "kgx", "--out", "-", names="kgx"),
        "export to a read-only place": case(
            "export", "--format", "turtle", "--out", "/proc/kg.ttl", names="/proc/kg.ttl"
        ),
        "export broken graph": case(
            "export",
            "--data",
            "broken.ttl",
            "--format",
            "turtle",
            "--out",
            "out.ttl",
            names="broken.ttl:2:",
        ),
        "export without --out": case("export", "--format", "turtle", names="--out"),
        # kg diff
        "diff option as revision": case(
            "diff", "--", "--output=stolen.txt", names="--output=stolen.txt"
        ),
        "diff unknown revision": case("diff", "no-such-revision", names="no-such-revision"),
        "diff missing file": case("diff", "missing.ttl", "tiny.ttl", names="missing.ttl"),
        "diff binary file": case("diff", "binary.ttl", "tiny.ttl", names="binary.ttl"),
        "diff non-UTF-8 file": case("diff", "latin1.ttl", "tiny.ttl", names="latin1.ttl"),
        "diff broken file": case("diff", "tiny.ttl", "broken.ttl", names="broken.ttl:2:"),
        # kg coverage
        "coverage URL": case("coverage", "https://example.org/ketamine", names="https://"),
        "coverage missing file": case("coverage", "missing.txt", names="missing.txt"),
        "coverage binary file": case("coverage", "binary.txt", names="binary.txt"),
        "coverage non-UTF-8 file": case("coverage", "latin1.md", names="latin1.md"),
        "coverage docx": case("coverage", "draft.docx", names="draft.docx"),
        "coverage pdf": case("coverage", "paper.pdf", names="paper.pdf"),
        "coverage binary stdin": case("coverage", "-", names="stdin", stdin=b"\x00\x01ketamine"),
        "coverage bad --format": case("coverage", "article.txt", "--format", "pdf", names="'pdf'"),
        "coverage --fail-under over 100": case(
            "coverage", "article.txt", "--fail-under", "150", names="--fail-under"
        ),
        "coverage out is read-only": case(
            "coverage", "article.txt", "--out", "/proc/kg-report.txt", names="/proc/kg-report.txt"
        ),
        "coverage out is a folder": case(
            "coverage", "article.txt", "--out", "notes", names="notes"
        ),
        # kg serve: what it refuses before it starts
        "serve port out of range": case("serve", "--port", "70000", names="--port"),
        "serve zero timeout": case("serve", "--timeout", "0", names="--timeout"),
        "serve update on a disk store": case(
            "serve", "--store", "oxigraph:notes", "--allow-update", names="notes"
        ),
        "serve broken graph": case(
            "serve", "--data", "broken.ttl", "--port", "0", names="broken.ttl:2:"
        ),
        "serve binary graph": case(
            "serve", "--data", "binary.ttl", "--port", "0", names="binary.ttl"
        ),
        # the graph's files: with a store that reads none, and in the form of earlier releases
        "stats --data with --endpoint": case(
            "stats", "--data", "tiny.ttl", "--endpoint", UNREACHABLE, names="--data"
        ),
        "stats positional broken file": case("stats", "broken.ttl", names="broken.ttl:2:"),
        "coverage --data broken": case(
            "coverage", "article.txt", "--data", "broken.ttl", names="broken.ttl:2:"
        ),
        # the command line itself
        "unknown command": case("qeury", names="qeury"),
        "unknown option": case("stats", "--fromat", "json", names="--fromat"),
    }
)


def test_the_suite_is_large_enough() -> None:
    assert len(CASES) >= 100


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_gets_one_clear_line(tmp_path: Path, name: str) -> None:
    args, names, stdin, locked = CASES[name]
    work = tmp_path / "work"
    work.mkdir()
    _workspace(work)
    # the process runs as `nobody` in a user namespace of its own for the permission cases:
    # root reads every file, whatever its mode
    prefix = ["unshare", "--user"] if locked else []
    before = _snapshot(work)
    result = subprocess.run(
        [*prefix, str(KG_COMMAND), *args],
        cwd=work,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=120,
    )
    out, err = result.stdout.decode(errors="replace"), result.stderr.decode(errors="replace")
    assert result.returncode in (1, 2), f"exit {result.returncode}\n{out}\n{err}"
    assert "Traceback" not in out + err, err
    errors = [line for line in err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, err
    if args[0] in REPORTS:
        assert names in out + errors[0], out
    else:
        assert names in errors[0], err
        assert out == "", "no partial output"
    assert _snapshot(work) == before, "files changed or appeared"
    assert not (ROOT / "stolen.txt").exists()
