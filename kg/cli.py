"""The `kg` command: parses arguments, calls the library, prints."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.errors import DataError, QueryError
from kg.files import GRAPH_FILE

if TYPE_CHECKING:
    from kg.stats import Stats

__all__ = ["main"]

GRAPH_FILES = click.argument(
    "graph_files",
    metavar="[GRAPH.ttl]...",
    nargs=-1,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _Group(click.Group):
    """Turns the library's own errors into `Error: ...` and exit code 1; our bugs stay loud."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (DataError, QueryError) as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="treatment-kg")
def main() -> None:
    """treatment-kg: a sourced knowledge graph of treatment mechanisms and conditions."""


@main.command()
@GRAPH_FILES
def validate(graph_files: Sequence[Path]) -> None:
    """Check Turtle files against the schema and SHACL shapes (default: data/triples.ttl).

    Exit code 0 when valid, 1 when not, 2 for unusable arguments.
    """
    from kg.graph import load_store
    from kg.stats import graph_stats
    from kg.validate import validate as validate_files

    files = list(graph_files) or [GRAPH_FILE]
    problems = validate_files(files)
    for problem in problems:
        click.echo(str(problem).replace(str(problem.path), _shown(Path(problem.path)), 1))
    names = ", ".join(_shown(f) for f in files)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {names}")
    stats = graph_stats(load_store(files))
    counts = f"{stats.concepts} concepts, {stats.claims} claims, {stats.sources} sources"
    click.echo(f"{names}: valid ({counts})")


def _stats_text(stats: Stats) -> str:
    per_evidence = {
        name: f"{by.get('established', 0)} / {by.get('debated', 0)}"
        for name, by in stats.claims_per_evidence.items()
    }
    sections: list[tuple[str, Mapping[str, int | str]]] = [
        (f"Concepts: {stats.concepts}", stats.concepts_per_category),
        (
            f"Claims: {stats.claims} ({stats.claims_per_status['debated']} debated)",
            stats.claims_per_predicate,
        ),
        ("Claims per evidence kind (established / debated):", per_evidence),
        (f"Sources: {stats.sources}", {}),
        (f"External mappings: {stats.mappings}", stats.mappings_per_system),
    ]
    width = max(len(name) for _, rows in sections for name in rows) + 2
    lines = []
    for heading, rows in sections:
        lines.append(heading)
        lines += [f"  {name:<{width}}{count!s:>7}" for name, count in rows.items()]
    return "\n".join(lines)


def _stats_json(stats: Stats) -> str:
    return json.dumps(asdict(stats), indent=2, ensure_ascii=False)


STATS_FORMATS: dict[str, Callable[[Stats], str]] = {"text": _stats_text, "json": _stats_json}


@main.command()
@GRAPH_FILES
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(STATS_FORMATS)),
    default="text",
    show_default=True,
    help="How to print the counts.",
)
def stats(graph_files: Sequence[Path], output_format: str) -> None:
    """Count concepts per category, claims per predicate and evidence kind, sources and mappings."""
    from kg.graph import load_store
    from kg.stats import graph_stats

    click.echo(STATS_FORMATS[output_format](graph_stats(load_store(list(graph_files) or None))))
