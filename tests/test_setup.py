"""A new user's first steps, in a fresh clone: `make run` on a Python that refuses installs
outside a virtual environment (as stock Debian and Ubuntu do), then the README's examples,
after which `git status` is as clean as the clone was."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
# Examples that need a server of their own (Virtuoso, or a running `kg serve`), or that would
# run until stopped, are tried by tests/test_stores.py and tests/test_serve.py instead.
NEEDS_A_SERVER = ("kg push", "kg serve", "--endpoint", "curl ")


def readme_examples() -> list[str]:
    """Every `kg` command the README shows, in its console sessions and its shell blocks."""
    commands = []
    for block in re.findall(r"```(?:sh|console)\n(.*?)```", README, re.S):
        for line in block.splitlines():
            command = line.removeprefix("$ ").split("  #")[0].strip()
            if command.startswith("kg ") and not any(n in command for n in NEEDS_A_SERVER):
                commands.append(command)
    return commands


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh clone of the committed project."""
    folder = tmp_path_factory.mktemp("fresh") / "treatment-kg"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True)
    return folder


def _status(folder: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--ignored=no"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_run_works_where_pip_refuses_to_install_outside_a_venv(clone: Path) -> None:
    venv_bin = str(ROOT / ".venv" / "bin")
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != venv_bin)
    environment = {**os.environ, "PATH": path, "PIP_REQUIRE_VIRTUALENV": "true"}
    environment.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        ["make", "run"], cwd=clone, env=environment, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "data/triples.ttl: valid (" in result.stdout
    assert re.search(r"site/index\.html: \d+ concepts", result.stdout)
    assert (clone / ".venv" / "bin" / "kg").is_file()
    assert _status(clone) == ""


def test_readme_examples_leave_the_clone_clean(clone: Path) -> None:
    kg = clone / ".venv" / "bin" / "kg"
    if not kg.is_file():
        pytest.fail("make run did not install kg into the clone's .venv")
    examples = readme_examples()
    assert len(examples) >= 8
    for command in examples:
        args = shlex.split(command)[1:]
        result = subprocess.run(
            [str(kg), *args], cwd=clone, capture_output=True, text=True, timeout=300
        )
        assert "Traceback" not in result.stderr, command
        assert _status(clone) == "", f"`{command}` left files behind"
