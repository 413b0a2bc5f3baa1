"""The `kg` command: parses arguments, calls the library, prints."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from kg.errors import DataError, QueryError
from kg.files import GRAPH_FILE, STDOUT, default_graph, default_site
from kg.wording import counted

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from kg.stats import Stats
    from kg.store import Store

__all__ = ["main"]

DATA_OPTION = click.option(
    "--data",
    "graph_files",
    multiple=True,
    metavar="GRAPH.ttl",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A Turtle file of the graph to read; repeat for several. [default: data/triples.ttl in "
    "the working folder if it has one, else the graph shipped with kg]",
)
# Graph files were positional arguments up to version 0.1; they keep working for one release.
_OLD_GRAPH_FILES = click.argument(
    "old_graph_files",
    metavar="[GRAPH.ttl]...",
    nargs=-1,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    deprecated="Give each file with --data GRAPH.ttl; files without --data stop working in "
    "the next release.",
)


def GRAPH_FILES(command: Callable[..., None]) -> Callable[..., None]:
    """--data GRAPH.ttl, and the positional files of earlier releases, as `graph_files`."""

    @functools.wraps(command)
    def merged(
        *args: Any, graph_files: Sequence[Path], old_graph_files: Sequence[Path], **kwargs: Any
    ) -> None:
        command(*args, graph_files=(*graph_files, *old_graph_files), **kwargs)

    return DATA_OPTION(_OLD_GRAPH_FILES(merged))


STORE_OPTION = click.option(
    "--store",
    metavar="memory|oxigraph:PATH",
    default="memory",
    show_default=True,
    help="The graph from --data read into memory, or an on-disk Oxigraph store filled by "
    "`kg load`.",
)
# what default_site means, for --help: the path itself differs from machine to machine
SITE_SHOWN = (
    "[default: site/ in the working folder; in the kg checkout when the default graph is the "
    "checkout's]"
)
ENDPOINT_OPTION = click.option(
    "--endpoint", metavar="URL", help="A SPARQL 1.1 endpoint to query instead of a local store."
)
GRAPH_IRI_OPTION = click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    help="The named graph that holds the data at the endpoint.",
)


def STORE_OPTIONS(command: Callable[..., None]) -> Callable[..., None]:
    """The graph to read: Turtle files, an on-disk Oxigraph store, or a SPARQL endpoint."""
    options: list[Callable[[Callable[..., None]], Callable[..., None]]] = [
        GRAPH_FILES,
        STORE_OPTION,
        ENDPOINT_OPTION,
        GRAPH_IRI_OPTION,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _written(path: Path, what: str) -> None:
    """Say what was written where; on standard error when standard output was the target."""
    if path == STDOUT or _same_file(path, sys.stdout):
        click.echo(f"{'standard output' if path == STDOUT else path}: {what}", err=True)
    else:
        click.echo(f"{_shown(path)}: {what}")


def _same_file(path: Path, stream: TextIO) -> bool:
    try:
        return os.path.samestat(path.stat(), os.fstat(stream.fileno()))
    except (OSError, ValueError):
        return False


def _progress(length: int, label: str) -> ProgressBar[int]:
    # shown to people at a terminal; a log or a pipe gets only what the command reports
    return click.progressbar(
        length=length, label=label, file=sys.stderr, show_pos=False, hidden=not sys.stderr.isatty()
    )


class _Group(click.Group):
    """Turns the library's own errors into `Error: ...` and exit code 1; our bugs stay loud."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (DataError, QueryError) as error:
            raise click.ClickException(str(error)) from None
        except BrokenPipeError:
            # the reader of our output went away (`kg export --out - | head`): stop quietly,
            # and keep Python from complaining again when it flushes stdout at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="treatment-kg")
def main() -> None:
    """treatment-kg: a sourced knowledge graph of treatment mechanisms and conditions."""


def _graph_files(
    graph_files: Sequence[Path], store: str = "memory", endpoint: str | None = None
) -> list[Path]:
    """The Turtle files to read: those given with --data, else the default graph."""
    if graph_files and (endpoint or store != "memory"):
        raise click.UsageError(
            "--data reads Turtle files into memory: give it without --store oxigraph:PATH "
            "or --endpoint"
        )
    return list(graph_files) or [default_graph()]


def _open(
    store: str, endpoint: str | None, graph_iri: str | None, graph_files: Sequence[Path]
) -> Store:
    from kg.store import open_store

    return open_store(store, endpoint, graph_iri, _graph_files(graph_files, store, endpoint))


def _graph_named(
    store: str, endpoint: str | None, graph_iri: str | None, graph_files: Sequence[Path]
) -> str:
    """Which graph a command reads, as `kg stats` names it first."""
    if endpoint:
        return f"<{graph_iri}> at {endpoint}" if graph_iri else endpoint
    if store != "memory":
        return f"the Oxigraph store {store.removeprefix('oxigraph:')}"
    files = _graph_files(graph_files)
    if files == [default_graph()]:
        shipped = files[0].resolve() == GRAPH_FILE.resolve()
        return f"{_shown(files[0])} ({'the shipped graph' if shipped else 'in the working folder'})"
    return ", ".join(_shown(file) for file in files)


@main.command(short_help="Check Turtle files against schema and shapes.")
@GRAPH_FILES
def validate(graph_files: Sequence[Path]) -> None:
    """Check Turtle files against the schema and SHACL shapes (default: the default graph, see
    --data).

    Each file given with --data is checked on its own, with the default graph as context: a
    file of extra claims may refer to the concepts and sources defined there, while a node the
    file gives an rdf:type is read from the file alone. Problems are reported only for the file
    checked, with its name and line.

    Exit code 0 when valid, 1 when not, 2 for unusable arguments.
    """
    from kg.stats import graph_stats
    from kg.validate import validate as validate_files

    files = _graph_files(graph_files)
    problems = validate_files(files, context=default_graph())
    for problem in problems:
        click.echo(str(problem).replace(problem.path, _shown(Path(problem.path)), 1))
    failed = list(dict.fromkeys(problem.path for problem in problems))
    for file in files:
        if str(file) not in failed:
            stats = graph_stats(_open("memory", None, None, [file]))
            counts = ", ".join(
                counted(count, noun)
                for count, noun in [
                    (stats.concepts, "concept"),
                    (stats.claims, "claim"),
                    (stats.sources, "source"),
                ]
            )
            click.echo(f"{_shown(file)}: valid ({counts})")
    if problems:
        names = ", ".join(_shown(Path(name)) for name in failed)
        raise click.ClickException(f"{counted(len(problems), 'problem')} in {names}")


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
        (f"Claims with a quote from their sources: {stats.claims_with_quote}", {}),
        (
            f"External mappings: {stats.mappings} "
            f"({stats.concepts_with_mapping} of {counted(stats.concepts, 'concept')} mapped)",
            stats.mappings_per_system,
        ),
    ]
    width = max((len(name) for _, rows in sections for name in rows), default=0) + 2
    lines = []
    for heading, rows in sections:
        lines.append(heading)
        lines += [f"  {name:<{width}}{count!s:>7}" for name, count in rows.items()]
    return "\n".join(lines)


def _stats_json(stats: Stats) -> str:
    return json.dumps(stats.as_dict(), indent=2, ensure_ascii=False)


STATS_FORMATS: dict[str, Callable[[Stats], str]] = {"text": _stats_text, "json": _stats_json}


@main.command(short_help="Count concepts, claims, sources, mappings.")
@STORE_OPTIONS
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(STATS_FORMATS)),
    default="text",
    show_default=True,
    help="How to print the counts.",
)
def stats(
    graph_files: Sequence[Path],
    store: str,
    endpoint: str | None,
    graph_iri: str | None,
    output_format: str,
) -> None:
    """Count concepts per category, claims per predicate and evidence kind, sources and mappings;
    the text report first names the graph it counted."""
    from kg.stats import graph_stats

    counts = graph_stats(_open(store, endpoint, graph_iri, graph_files))
    if output_format == "text":
        click.echo(f"Graph: {_graph_named(store, endpoint, graph_iri, graph_files)}")
    click.echo(STATS_FORMATS[output_format](counts))


@main.command(short_help="List the saved SPARQL queries.")
def queries() -> None:
    """List the saved queries in queries/ with their descriptions and parameters, under the
    question each answers."""
    from kg.query import grouped, saved_queries

    for number, (group, queries) in enumerate(grouped(saved_queries())):
        click.echo(("\n" if number else "") + click.style(f"{group}:", underline=True))
        for query in queries:
            params = " ".join(f"--param {p.name}=<{p.kind}>" for p in query.params.values())
            usage = f"{query.name}  {params}" if params else query.name
            click.echo("  " + click.style(usage, bold=True))
            click.echo(f"      {query.title}: {query.description}")


def _param(values: Sequence[str]) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, given = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"'{value}' is not NAME=VALUE", param_hint="--param")
        pairs[name.strip().lstrip("?")] = given
    return pairs


def _format_names() -> list[str]:
    from kg.results import GRAPH_FORMATS, SOLUTION_FORMATS

    return [*SOLUTION_FORMATS, *GRAPH_FORMATS]


@main.command(short_help="Run a SPARQL query on the graph.")
@click.argument("name", required=False, metavar="[NAME|FILE.rq]")
@click.option("-e", "--expression", metavar="SPARQL", help="Run this query text instead.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a parameter; a concept may be named by label, synonym, CURIE or IRI.",
)
@click.option(
    "--format",
    "output_format",
    metavar="FORMAT",
    help="table, md, json, xml, csv or tsv for SELECT/ASK (default table); "
    "turtle, ntriples or jsonld for CONSTRUCT/DESCRIBE (default turtle).",
)
@DATA_OPTION
@STORE_OPTION
@ENDPOINT_OPTION
@GRAPH_IRI_OPTION
def query(
    name: str | None,
    expression: str | None,
    params: Sequence[str],
    output_format: str | None,
    graph_files: Sequence[Path],
    store: str,
    endpoint: str | None,
    graph_iri: str | None,
) -> None:
    """Run a saved query (by name), a .rq file, a query given with -e, or one read from stdin.
    A query given with -e or on stdin may use the graph's prefixes (tkg:, concept:, claim:,
    source:, path:, event:, dosing:, pk:, trial:, rdf:, rdfs:, skos:, dcterms:, xsd:, bibo:, foaf:,
    owl:) without PREFIX lines.

    \b
    kg query neighbourhood --param concept=BDNF
    kg query treatments-for-condition --param condition=PTSD --format md
    kg query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --store oxigraph:store
    """
    from kg.query import decode_query, load_query, parse_query
    from kg.quick import answer
    from kg.results import PREFIXES

    if output_format and output_format not in _format_names():
        raise click.BadParameter(
            f"'{output_format}' is not one of {', '.join(_format_names())}", param_hint="--format"
        )
    if name and expression:
        raise click.UsageError("give a query NAME or -e SPARQL, not both")
    # typed at the prompt, a query may leave out the graph's PREFIX lines; a saved one may not,
    # for it is shared with tools that do not know them
    prefixes: Mapping[str, str] = PREFIXES
    if expression is not None:
        saved = parse_query("expression", expression, "query")
    elif name:
        saved, prefixes = load_query(name), {}
    elif not sys.stdin.isatty():
        saved = parse_query("stdin", decode_query(sys.stdin.buffer.read(), "stdin"), "stdin")
    else:
        raise click.UsageError("give a saved query NAME, a FILE.rq, -e SPARQL, or a query on stdin")
    target = _open(store, endpoint, graph_iri, graph_files)
    click.echo(answer(target, saved, _param(params), output_format, prefixes))


@main.command(short_help="Build an on-disk Oxigraph store.")
@GRAPH_FILES
@click.option(
    "--store",
    required=True,
    metavar="oxigraph:PATH",
    help="Where to build the on-disk Oxigraph store.",
)
def load(graph_files: Sequence[Path], store: str) -> None:
    """Fill an on-disk Oxigraph store with the graph and the schema, for fast repeated queries."""
    from kg.store import OXIGRAPH_PREFIX, fill_store, store_folder, with_schema

    if not store.startswith(OXIGRAPH_PREFIX):
        raise click.BadParameter(f"'{store}' is not oxigraph:PATH", param_hint="--store")
    files = with_schema(_graph_files(graph_files))
    path = store_folder(Path(store.removeprefix(OXIGRAPH_PREFIX)))
    size = sum(f.stat().st_size for f in files)
    with _progress(size, f"Loading {counted(len(files), 'file')}") as bar:
        count = fill_store(path, files, bar.update)
    shown = ", ".join(_shown(f) for f in files)
    click.echo(f"{_shown(path)}: {counted(count, 'triple')} from {shown}")


@main.command(short_help="Upload the graph to a SPARQL endpoint.")
@GRAPH_FILES
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The endpoint's SPARQL Update URL (e.g. Virtuoso's /sparql-auth).",
)
@GRAPH_IRI_OPTION
@click.option("--user", metavar="NAME", help="User name, if the endpoint needs one.")
@click.option(
    "--password",
    metavar="SECRET",
    envvar="KG_ENDPOINT_PASSWORD",
    help="Password (or set KG_ENDPOINT_PASSWORD).",
)
def push(
    graph_files: Sequence[Path],
    endpoint: str,
    graph_iri: str | None,
    user: str | None,
    password: str | None,
) -> None:
    """Upload the graph and the schema to a SPARQL endpoint, replacing its named graph."""
    from kg.store import DEFAULT_GRAPH_IRI, EndpointStore, parse_turtle, push_graph, with_schema

    quads = [q for f in with_schema(_graph_files(graph_files)) for q in parse_turtle(f)]
    graph = graph_iri or DEFAULT_GRAPH_IRI
    with _progress(len(quads), f"Uploading to <{graph}>") as bar:
        push_graph(EndpointStore(endpoint, graph, user, password), quads, graph, bar.update)
    click.echo(f"{endpoint}: {counted(len(quads), 'triple')} in <{graph}>")


@main.command(short_help="Build the interactive explorer page.")
@STORE_OPTIONS
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=default_site,
    help="The page to write (FILE.html, or - for standard output), or the folder for it: "
    f"index.html for the whole graph, focus-CONCEPT.html with --focus. {SITE_SHOWN}",
)
@click.option(
    "--focus",
    metavar="CONCEPT",
    help="Only this concept's neighbourhood (label, synonym, CURIE or IRI).",
)
@click.option(
    "--depth",
    type=click.IntRange(0, 20),
    default=2,
    show_default=True,
    help="How many steps around --focus to include (only with --focus).",
)
def site(
    graph_files: Sequence[Path],
    store: str,
    endpoint: str | None,
    graph_iri: str | None,
    out: Path,
    focus: str | None,
    depth: int,
) -> None:
    """Build the explorer page: an offline HTML file with search, filters, details and routes."""
    from kg.site import build_site

    given = click.get_current_context().get_parameter_source("depth")
    if focus is None and given is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--depth counts the steps around --focus CONCEPT: give both")
    report = build_site(_open(store, endpoint, graph_iri, graph_files), out, focus, depth)
    made = f"{counted(report.concepts, 'concept')}, {counted(report.claims, 'claim')}"
    _written(report.path, made)


@main.command(short_help="Write the graph for other tools.")
@STORE_OPTIONS
@click.option(
    "--format",
    "output_format",
    metavar="FORMAT",
    required=True,
    help="turtle, ntriples or jsonld (RDF); graphml (networkx, Gephi, Cytoscape); csv "
    "(nodes.csv and edges.csv for Neo4j or Cytoscape, into the --out folder); kgx (Biolink "
    "nodes.tsv and edges.tsv, into the --out folder); sssom (the mappings as SSSOM TSV).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="The file to write, or - for standard output (a folder for csv and kgx).",
)
def export(
    graph_files: Sequence[Path],
    store: str,
    endpoint: str | None,
    graph_iri: str | None,
    output_format: str,
    out: Path,
) -> None:
    """Export the graph as RDF, GraphML, CSV, KGX or SSSOM."""
    from kg.export import EXPORTERS, export_graph

    if output_format not in EXPORTERS:
        choices = ", ".join(EXPORTERS)
        raise click.BadParameter(
            f"'{output_format}' is not one of {choices}", param_hint="--format"
        )
    # at a million triples loading takes seconds and writing as long
    with _progress(2, f"Exporting as {output_format}") as bar:
        graph = _open(store, endpoint, graph_iri, graph_files)
        bar.update(1)
        made = export_graph(graph, output_format, out)
        bar.update(1)
    _written(out, made)


@main.command(short_help="Show what changed between two versions.")
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "md"]),
    default="text",
    show_default=True,
    help="text for a terminal, md for a pull request comment.",
)
def diff(old: str, new: str | None, output_format: str) -> None:
    """Compare two versions of the graph (Turtle files or git revisions of data/triples.ttl);
    NEW is the default graph (see `kg stats --help`) unless given.

    Exit code 0 when nothing changed, 1 when something did, 2 for unusable arguments.
    """
    from kg.diff import diff_graphs, format_diff, open_versions

    try:
        # at a million triples each version takes seconds to load and the comparison as long
        with _progress(3, "Comparing versions") as bar:
            versions = open_versions(old, new or str(default_graph()), lambda: bar.update(1))
            changes = diff_graphs(*versions)
            bar.update(1)
    except DataError as error:
        raise click.UsageError(str(error)) from None
    click.echo(format_diff(changes, markdown=output_format == "md"))
    sys.exit(1 if changes.changed else 0)


@main.command(short_help="Serve a SPARQL endpoint, a query page and the explorer.")
@GRAPH_FILES
@STORE_OPTION
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 lets every machine that can reach this one in.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds a query, update or coverage report may run; then it is stopped and the "
    "client gets a 503.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Most rows (or triples) in one answer; a longer one is cut and says so in its "
    "X-SPARQL-MaxRows header.",
)
@click.option(
    "--max-request-bytes",
    type=click.IntRange(min=1024),
    default=1_000_000,
    show_default=True,
    help="Largest query or update body accepted; a larger one gets a 413.",
)
@click.option(
    "--max-coverage-bytes",
    type=click.IntRange(min=1024),
    default=1_000_000,
    show_default=True,
    help="Largest article the coverage page takes; a larger one gets a 413.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(1, 100_000),
    default=1_000,
    show_default=True,
    help="Most connections open at once; one more gets an immediate 503 and is closed.",
)
@click.option(
    "--read-timeout",
    type=click.FloatRange(min=0.5),
    default=10.0,
    show_default=True,
    help="Seconds a client has to send its whole request (or, kept alive, its next one); a "
    "slower or idle connection is closed.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Worker processes answering queries, each with its own copy of an in-memory graph "
    "[default: the number of CPUs, at least 2].",
)
@click.option(
    "--allow-update",
    is_flag=True,
    help="Accept SPARQL Update on the in-memory graph (kept until the server stops; "
    "data/triples.ttl is never written).",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Let web pages from ORIGIN (e.g. https://yasgui.example.org, or *) query /sparql; "
    "repeat for several. Off by default; never with credentials.",
)
@click.option(
    "--allow-service",
    "allowed_services",
    multiple=True,
    metavar="HOST",
    help="Let queries use SERVICE (and updates LOAD) to reach HOST; repeat for several. "
    "Default none: federated queries are refused; * allows public hosts; private and loopback "
    "hosts must be named.",
)
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=default_site,
    help=f"Folder with the built explorer page (kg site --out FOLDER), served at /explore. "
    f"{SITE_SHOWN}",
)
def serve(
    graph_files: Sequence[Path],
    store: str,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    max_request_bytes: int,
    max_coverage_bytes: int,
    max_connections: int,
    read_timeout: float,
    workers: int | None,
    allow_update: bool,
    cors_origins: Sequence[str],
    allowed_services: Sequence[str],
    site_dir: Path,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol at /sparql, with a query page at /, the
    explorer at /explore, the coverage page at /coverage and a health check at /healthz.
    Ctrl-C stops it."""
    import logging
    import os

    from kg.connections import CannotServe, listen
    from kg.serve import Settings, explorer_missing
    from kg.serve import serve as run_server
    from kg.store import StoreError, disk_store_path
    from kg.workers import Source, WorkerPool

    disk = disk_store_path(store)
    if disk is not None and allow_update:
        raise StoreError(
            "--allow-update works on the in-memory graph only: every worker opens an on-disk "
            "store read-only (rebuild it with `kg load` instead)"
        )
    try:
        listener = listen(host, port, max_connections)
    except CannotServe as error:
        raise click.ClickException(str(error)) from None
    size = workers or min(64, max(2, os.cpu_count() or 1))
    pool = WorkerPool(Source(tuple(_graph_files(graph_files, store)), disk), size, timeout)
    with _progress(size, f"Starting {counted(size, 'query worker')}") as bar:
        pool.start(bar.update)
    settings = Settings(
        allow_update,
        max_rows,
        max_request_bytes,
        tuple(cors_origins),
        site_dir,
        tuple(allowed_services),
        max_coverage_bytes,
        max_connections,
        read_timeout,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logging.getLogger("kg.serve").addHandler(handler)
    logging.getLogger("kg.serve").setLevel(logging.INFO)
    if host not in {"127.0.0.1", "localhost", "::1"}:
        click.echo(f"Warning: listening on {host}: other machines can query this server", err=True)

    def ready(url: str) -> None:
        mode = "read-write" if allow_update else "read-only"
        limits = f"{mode}, {counted(size, 'worker')}, {timeout:g} s limit"
        click.echo(f"Serving {counted(pool.triples, 'triple')} ({limits})")
        for name, path in [
            ("query page", ""),
            ("endpoint", "sparql"),
            ("explorer", "explore"),
            ("coverage", "coverage"),
        ]:
            click.echo(f"  {name:<11} {url}{path}")
        missing = explorer_missing(site_dir)
        if missing is not None:
            click.echo(f"  {'':<11} (the explorer page is {missing})")
        sys.stdout.flush()

    try:
        run_server(pool, settings, listener, max(16, 4 * size), ready)
    finally:
        pool.close()
    click.echo("Stopped")


@main.command(short_help="Check which concepts and claims an article covers.")
@click.argument("inputs", nargs=-1, required=True, metavar="FILE|DIR|-...")
@DATA_OPTION
@STORE_OPTION
@ENDPOINT_OPTION
@GRAPH_IRI_OPTION
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "md", "json", "html", "csv"]),
    default="text",
    show_default=True,
    help="text for a terminal, md, json (the documented schema), html (the article with its "
    "mentions highlighted), csv (one summary row per article).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Write the report to this file; for several articles, a folder that gets one report "
    "per article and summary.csv and summary.md.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    metavar="PERCENT",
    help="Exit with code 1 if an article's topic score is below PERCENT.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["contradicted", "overstated"]),
    help="Exit with code 1 if the fact check finds a sentence the graph contradicts (or, for "
    "overstated, one it contradicts or holds only as debated), for a content team's CI.",
)
def coverage(
    inputs: Sequence[str],
    graph_files: Sequence[Path],
    store: str,
    endpoint: str | None,
    graph_iri: str | None,
    output_format: str,
    out: Path | None,
    fail_under: float | None,
    fail_on: str | None,
) -> None:
    """Report which of the graph's concepts and claims an article (text, Markdown or HTML)
    covers, which it misses, what to add first, and which of its sentences the graph
    contradicts. Give files, folders, or - for stdin; in a
    folder, files of other kinds are listed as skipped. Web pages are not fetched: save the
    page as HTML and give the file."""
    from kg.coverage import (
        REPORT_FORMATS,
        analyse_all,
        article_paths,
        batch_summary,
        gate_failures,
        load_model,
        write_reports,
    )
    from kg.files import write_atomically

    for given in inputs:
        scheme, sep, _ = given.partition("://")
        if sep and scheme.isalpha():
            raise click.BadParameter(
                f"'{given}' is a web address, and kg coverage reads no pages from the network: "
                "save the page as HTML and give the file",
                param_hint="FILE|DIR|-",
            )
    paths = article_paths(inputs, lambda file, why: click.echo(f"Skipped {file}: {why}", err=True))
    model = load_model(_open(store, endpoint, graph_iri, graph_files))
    read_stdin = sys.stdin.buffer.read
    if len(paths) > 1:
        with _progress(len(paths), f"Checking {len(paths)} articles") as bar:
            done, problems = analyse_all(model, paths, read_stdin, bar.update)
    else:
        done, problems = analyse_all(model, paths, read_stdin)
    reports = [report for _, report in done]
    single = len(inputs) == 1 and (inputs[0] == "-" or not Path(inputs[0]).is_dir())
    if single and done and output_format != "csv":
        article, report = done[0]
        text = REPORT_FORMATS[output_format](report, article.text)
        if out is None:
            click.echo(text)
        else:
            _written(write_atomically(out, text + chr(10)), "coverage report")
    elif done:
        click.echo(batch_summary(reports, output_format))
        if out is not None:
            write_reports(out, done, output_format if output_format in REPORT_FORMATS else "md")
            made = f"{counted(len(done), 'report')}, summary.csv, summary.md"
            click.echo(f"{_shown(out)}: {made}", err=True)
    for problem in problems:
        click.echo(f"Error: {problem}", err=True)
    failed = gate_failures(reports, fail_under, fail_on)
    for failure in failed:
        click.echo(failure, err=True)
    if problems or failed:
        sys.exit(1)
