"""Shared fixtures: the shipped files, the hand-checkable tiny graph, and the real `kg` command."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph import load_store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shipped_store() -> ox.Store:
    """The shipped graph (data/triples.ttl) with the schema, in an in-memory Oxigraph store."""
    return load_store()


@pytest.fixture(scope="session")
def tiny_store() -> ox.Store:
    """The hand-checkable fixture graph: four concepts, three claims, two sources."""
    return load_store([FIXTURES / "tiny.ttl"])


@pytest.fixture
def kg() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed `kg` command, as a user would, and capture what it prints."""
    executable = shutil.which("kg")
    assert executable, "the kg command is not installed: run `make test`, which installs it"

    def run(
        *args: str, stdin: str | None = None, cwd: Path = ROOT
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [executable, *args], input=stdin, capture_output=True, text=True, cwd=cwd, timeout=120
        )

    return run
