"""`kg query` answered without click (kg/quick.py) says exactly what the click command says,
for plain queries and for every kind of mistake, which it leaves to the click command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, KG_COMMAND, ROOT

# The click command alone, under the name `kg`: what `kg query` said before the quick path.
CLICK_ONLY = "from kg.cli import main; main(prog_name='kg')"


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def test_a_plain_query_loads_neither_click_nor_rdflib() -> None:
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    result = _run([str(KG_COMMAND), "query", "side-effects"], env)
    assert result.returncode == 0
    assert "esketamine" in result.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert "kg.quick" in imported
    assert not {"click", "rdflib", "networkx", "kg.cli"} & imported


@pytest.mark.parametrize(
    "args",
    [
        ["side-effects"],
        ["neighbourhood", "--param", "concept=BDNF", "--format", "csv"],
        ["neighbourhood", "--param=concept=BDNF", "--format=md"],
        ["neighbourhood", "--param", "?concept=NCBIGene:627", "--format", "json"],
        ["-e", "SELECT ?c WHERE { ?c a tkg:Drug } ORDER BY ?c LIMIT 3"],
        ["--expression", "ASK { concept:ketamine ?p ?o }", "--format", "xml"],
        ["-e", "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c rdfs:label ?l } LIMIT 2"],
        [
            "-e",
            "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c rdfs:label ?l } LIMIT 2",
            "--format",
            "jsonld",
        ],
        ["neighbourhood", "--param", "concept=TrkB", "--data", str(FIXTURES / "tiny.ttl")],
        [str(ROOT / "queries" / "side-effects.rq"), "--format", "tsv"],
        # mistakes, each left to the click command
        ["no-such-query"],
        ["neighbourhood"],
        ["neighbourhood", "--param", "concept=no such thing"],
        ["neighbourhood", "--param", "concept"],
        ["neighbourhood", "--param", "=BDNF"],
        ["side-effects", "--format", "yaml"],
        ["side-effects", "--format", "turtle"],
        ["side-effects", "-e", "ASK {}"],
        ["side-effects", "neighbourhood"],
        ["side-effects", "--data", "no-such-file.ttl"],
        ["side-effects", "--data", str(FIXTURES)],
        ["side-effects", "--format"],
        ["side-effects", "--store", "oxigraph:no-such-store"],
        ["-e", "SELECT ?x WHERE { ?x ?y }"],
        ["-e", "SELECT * WHERE { ?s undeclared:p ?o }"],
        ["--help"],
        [],
    ],
)
def test_says_what_the_click_command_says(args: list[str]) -> None:
    quick = _run([str(KG_COMMAND), "query", *args])
    click = _run([sys.executable, "-c", CLICK_ONLY, "query", *args])
    assert (quick.returncode, quick.stdout, quick.stderr) == (
        click.returncode,
        click.stdout,
        click.stderr,
    )
