"""The README shows real output: every console session in it is run, and the lines it shows
must appear, in order, in what the command prints today ('...' stands for lines left out)."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SESSIONS = re.findall(r"```console\n(.*?)```", README, re.S)


def _commands() -> list[tuple[str, list[str]]]:
    commands: list[tuple[str, list[str]]] = []
    for session in SESSIONS:
        for line in session.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif line.strip() and commands:
                commands[-1][1].append(line)
    return commands


def test_first_lines_give_the_two_setup_commands() -> None:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert commands == ["make run", "make test"]
    assert "make test" in (ROOT / ".ci/run").read_text()


@pytest.mark.parametrize(("command", "shown"), _commands(), ids=[c for c, _ in _commands()])
def test_console_session_is_real(kg, command: str, shown: list[str]) -> None:
    program, *args = shlex.split(command)
    assert program == "kg"
    result = kg(*args)
    printed = (result.stdout + result.stderr).splitlines()
    position = 0
    for line in shown:
        if line == "...":
            continue
        assert line in printed[position:], (
            f"README shows a line `{command}` no longer prints: {line}"
        )
        position = printed.index(line, position) + 1
