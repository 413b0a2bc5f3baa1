"""Shared fixtures: the shipped files, the hand-checkable tiny graph, and the real `kg` command."""

from __future__ import annotations

import os
import pty
import subprocess
import sysconfig
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from kg.store import LocalStore, load_store
from tests.browser import launched_chromium
from tests.server import Served, running_server
from tests.virtuoso import Virtuoso, running_virtuoso

ROOT = Path(__file__).resolve().parent.parent
# The `kg` installed beside the Python running the tests (the project's .venv), whether or not
# that environment is activated.
KG_COMMAND = Path(sysconfig.get_path("scripts")) / "kg"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# A value for every parameter of the saved queries, for the tests that run them all.
PARAMS = {
    "concept": "BDNF",
    "drug": "ketamine",
    "condition": "PTSD",
    "name": "Spravato",
    "target": "depression",
    "first": "esketamine",
    "second": "ketamine",
}


@pytest.fixture(scope="session")
def shipped_store() -> LocalStore:
    """The shipped graph (data/triples.ttl) with the schema, in an in-memory Oxigraph store."""
    return LocalStore(load_store())


@pytest.fixture(scope="session")
def tiny_store() -> LocalStore:
    """The hand-checkable fixture graph: four concepts, three claims, two sources."""
    return LocalStore(load_store([FIXTURES / "tiny.ttl"]))


@pytest.fixture(scope="session")
def kg() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed `kg` command, as a user would, and capture what it prints."""
    assert KG_COMMAND.is_file(), (
        "the kg command is not installed: run `make test`, which installs it"
    )
    executable = str(KG_COMMAND)

    def run(
        *args: str, stdin: str | None = None, cwd: Path = ROOT
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [executable, *args], input=stdin, capture_output=True, text=True, cwd=cwd, timeout=120
        )

    return run


def kg_at_terminal(*args: str, cwd: Path = ROOT) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run `kg` with standard error at a terminal (a pty) and standard output to a pipe, as in
    `kg diff A B > report.txt`: what it printed, and what the terminal showed."""
    terminal, their_end = pty.openpty()
    result = subprocess.run(
        [str(KG_COMMAND), *args],
        stdout=subprocess.PIPE,
        stderr=their_end,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    os.close(their_end)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # EIO: the other end is closed and all it wrote has been read
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    return result, shown.decode()


@pytest.fixture(scope="session")
def kg_command(
    kg: Callable[..., subprocess.CompletedProcess[str]],
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """The `kg` fixture under another name, for tests that also `import kg`."""
    return kg


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A real Virtuoso on 127.0.0.1, started for this test session and stopped after it."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, for the page tests."""
    with launched_chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A real `kg serve` of the shipped graph on 127.0.0.1: read-only, 2 workers, queries
    stopped after 3 s."""
    log = tmp_path_factory.mktemp("served") / "server.log"
    with running_server(log, "--workers", "2", "--timeout", "3") as server:
        yield server


def _git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
    ).stdout


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_STATUS_BEFORE] = _git_status()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Tests write into temporary folders only: a run that changed `git status` fails."""
    before = session.config.stash.get(_STATUS_BEFORE, None)
    if before is None:
        return
    changed = sorted(set(_git_status().splitlines()) ^ set(before.splitlines()))
    if changed:
        print("\nThe tests changed the checkout (git status):\n  " + "\n  ".join(changed))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_STATUS_BEFORE = pytest.StashKey[str]()
