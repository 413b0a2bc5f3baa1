"""The `kg` command as a whole: help for every command, version, and a fast start."""

from __future__ import annotations

import click
import pytest

from kg.cli import main


def test_every_command_has_help() -> None:
    assert isinstance(main, click.Group)
    for name, command in main.commands.items():
        assert command.help and len(command.help.split()) >= 4, name


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_help_runs(kg, name: str) -> None:
    result = kg(name, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"Usage: kg {name}")


def test_version(kg) -> None:
    result = kg("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("kg, version ")


def test_unknown_command(kg) -> None:
    result = kg("frobnicate")
    assert result.returncode == 2
    assert "No such command 'frobnicate'" in result.stderr
