"""How a command is told which graph to read, which one it reads when told nothing, and what
its help and its counts say: through the real `kg` command."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import click
import pytest

from kg.cli import main
from kg.files import GRAPH_FILE
from tests.conftest import FIXTURES, ROOT

TINY = str(FIXTURES / "tiny.ttl")
# Commands that read no graph of their own: `queries` lists files, `diff` compares two versions
READS_NO_GRAPH = {"queries", "diff"}


def test_every_command_that_reads_the_graph_takes_data() -> None:
    assert isinstance(main, click.Group)
    for name, command in main.commands.items():
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        assert ("--data" in options) == (name not in READS_NO_GRAPH), name


@pytest.mark.parametrize(
    ("args", "shows"),
    [
        (["stats"], "Concepts: 4"),
        (["validate"], "valid (4 concepts, 3 claims, 2 sources)"),
        (["query", "concepts", "--format", "csv"], "concept,label,category,definition"),
        (["export", "--format", "csv", "--out", "{tmp}/csv"], "4 nodes, 3 edges"),
        (["site", "--out", "{tmp}/page.html"], "4 concepts, 3 claims"),
        (["load", "--store", "oxigraph:{tmp}/store"], "tests/fixtures/tiny.ttl"),
        (["coverage", "{tmp}/article.txt"], "Whole graph: 2 of 4 concepts (50.0%), 1 of 3 claims"),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else "",
)
def test_data_names_the_graph(kg, tmp_path: Path, args: list[str], shows: str) -> None:
    (tmp_path / "article.txt").write_text("Ketamine blocks the NMDA receptor.")
    result = kg(*[a.format(tmp=tmp_path) for a in args], "--data", TINY)
    assert result.returncode == 0, result.stderr
    assert shows in result.stdout
    if args[0] == "query":
        assert len(result.stdout.splitlines()) == 1 + 4


def test_positional_graph_files_still_work_for_one_release(kg) -> None:
    result = kg("stats", TINY)
    assert result.returncode == 0
    assert "Concepts: 4" in result.stdout.splitlines()
    assert result.stderr == (
        "DeprecationWarning: The argument '[GRAPH.ttl]...' is deprecated. Give each file with "
        "--data GRAPH.ttl; files without --data stop working in the next release.\n"
    )


def test_data_with_another_store_is_refused(kg) -> None:
    result = kg("stats", "--data", TINY, "--endpoint", "http://127.0.0.1:9/sparql")
    assert result.returncode == 2
    assert result.stderr.endswith(
        "Error: --data reads Turtle files into memory: give it without --store oxigraph:PATH "
        "or --endpoint\n"
    )


def test_stats_names_the_shipped_graph(kg, tmp_path: Path) -> None:
    assert kg("stats").stdout.splitlines()[0] == "Graph: data/triples.ttl (the shipped graph)"
    elsewhere = kg("stats", cwd=tmp_path).stdout.splitlines()[0]
    assert elsewhere == f"Graph: {GRAPH_FILE} (the shipped graph)"


def test_a_graph_in_the_working_folder_wins(kg, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    shutil.copy(FIXTURES / "tiny.ttl", tmp_path / "data/triples.ttl")
    page_before = (ROOT / "site/index.html").read_bytes()
    stats = kg("stats", cwd=tmp_path)
    assert stats.stdout.splitlines()[:2] == [
        "Graph: data/triples.ttl (in the working folder)",
        "Concepts: 4",
    ]
    validated = kg("validate", cwd=tmp_path)
    assert validated.stdout == "data/triples.ttl: valid (4 concepts, 3 claims, 2 sources)\n"
    site = kg("site", cwd=tmp_path)
    assert site.stdout == "site/index.html: 4 concepts, 3 claims\n"
    assert (tmp_path / "site/index.html").is_file()
    assert (ROOT / "site/index.html").read_bytes() == page_before


@pytest.mark.parametrize("name", sorted(main.commands))
def test_help_shows_no_path_of_this_machine(kg, tmp_path: Path, name: str) -> None:
    for folder in (ROOT, tmp_path):
        text = kg(name, "--help", cwd=folder).stdout
        assert str(ROOT) not in text and str(tmp_path) not in text, text


def test_site_depth_without_focus_is_refused(kg, tmp_path: Path) -> None:
    result = kg("site", "--depth", "1", "--out", str(tmp_path / "page.html"))
    assert result.returncode == 2
    assert result.stderr.endswith(
        "Error: --depth counts the steps around --focus CONCEPT: give both\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("query", "count"),
    [("SELECT ?x WHERE { BIND(1 AS ?x) }", "(1 row)"), ("SELECT ?x WHERE { }", "(1 row)"),
     ("SELECT ?x WHERE { FILTER(false) }", "(0 rows)")],
)  # fmt: skip
def test_row_count_is_singular_for_one(kg, query: str, count: str) -> None:
    assert kg("query", "-e", query).stdout.splitlines()[-1] == count


def test_one_of_a_kind_is_singular(kg, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    result = kg("site", "--data", TINY, "--focus", "ketamine", "--depth", "0", "--out", str(page))
    assert result.stdout == f"{page}: 1 concept, 0 claims\n"


def test_no_count_is_hedged_with_parenthesised_s() -> None:
    """ "1 problem(s)" reads as unfinished: kg.wording.counted says "1 problem", "2 problems"."""
    # in words, not in http(s) or a call
    hedged = re.compile(r"""\b(?!https?\()[a-z]+\(s\)(?=[\s"'`])""")
    files = [*ROOT.glob("kg/*.py"), *ROOT.glob("kg/templates/*"), *ROOT.glob("kg/static/*.*")]
    files.remove(ROOT / "kg/wording.py")  # it names the habit it replaces
    found = [f"{f.name}: {m.group()}" for f in files for m in hedged.finditer(f.read_text())]
    assert found == []
