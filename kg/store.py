"""Where queries run: the embedded graph, an on-disk Oxigraph store, or a SPARQL endpoint.

All three answer with pyoxigraph's own result objects, so every output format works the same
whichever store answered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol
from urllib.parse import urlsplit

import pyoxigraph as ox

from kg.errors import DataError, QueryError
from kg.files import GRAPH_FILE, SCHEMA_FILE

if TYPE_CHECKING:
    from urllib.request import OpenerDirector

__all__ = [
    "DEFAULT_GRAPH_IRI",
    "OXIGRAPH_PREFIX",
    "EndpointStore",
    "LocalStore",
    "QueryResult",
    "Store",
    "StoreError",
    "disk_store_path",
    "fill_store",
    "is_oxigraph_store",
    "load_store",
    "open_store",
    "parse_turtle",
    "push_graph",
    "store_folder",
    "with_schema",
]

QueryResult = ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]
DEFAULT_GRAPH_IRI = "https://w3id.org/treatment-kg/graph"
OXIGRAPH_PREFIX = "oxigraph:"


class StoreError(QueryError):
    """A store cannot be opened or reached, or it refused a request."""


class Store(Protocol):
    """Anything that answers SPARQL 1.1 queries with pyoxigraph result objects."""

    def query(self, text: str) -> QueryResult: ...


def parse_turtle(path: Path) -> list[ox.Quad]:
    """Parse one Turtle file; a syntax error becomes a DataError naming line and column.

    pyoxigraph parses rather than rdflib because its errors point at the offending line and
    column, where rdflib's point at the next statement and name the file `<>`.
    """
    with _reporting(path), path.open("rb") as stream:
        return list(ox.parse(input=stream, format=ox.RdfFormat.TURTLE, base_iri=_base(path)))


def _base(path: Path) -> str:
    return path.resolve().as_uri()


@contextmanager
def _reporting(path: Path) -> Iterator[None]:
    """Turn what goes wrong while reading a Turtle file into a DataError that says where."""
    try:
        yield
    except FileNotFoundError:
        raise DataError(path, "no such file") from None
    except IsADirectoryError:
        raise DataError(path, "is a folder, not a Turtle file") from None
    except PermissionError:
        raise DataError(path, "cannot be read (permission denied)") from None
    except SyntaxError as error:
        message = str(error.msg).split(": ", 1)[-1]
        if "Invalid UTF-8" in message:
            message = "is not UTF-8 text; save it as UTF-8 (or is it not a Turtle file?)"
        raise DataError(path, message, error.lineno, error.offset) from None
    except UnicodeDecodeError as error:
        raise DataError(path, f"is not UTF-8 text ({error.reason} at byte {error.start})") from None


def with_schema(paths: Sequence[Path] | None, schema: bool = True) -> list[Path]:
    """The files to load: the given ones (default data/triples.ttl), the schema first if asked."""
    files = list(paths) if paths else [GRAPH_FILE]
    if schema:
        files = [SCHEMA_FILE, *[f for f in files if f.resolve() != SCHEMA_FILE.resolve()]]
    return files


def load_store(paths: Sequence[Path] | None = None, *, schema: bool = True) -> ox.Store:
    """Load the graph (default data/triples.ttl) and the schema into an in-memory Oxigraph store."""
    store = ox.Store()
    for path in with_schema(paths, schema):
        with _reporting(path):
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=_base(path))
    return store


class LocalStore:
    """An Oxigraph store in this process: in memory, or on disk opened read-only."""

    def __init__(self, store: ox.Store):
        self.store = store

    def query(self, text: str) -> QueryResult:
        try:
            result = self.store.query(text)
            return list(result) if isinstance(result, ox.QueryTriples) else result
        except OSError as error:  # e.g. a SERVICE endpoint that cannot be reached
            raise QueryError(f"the query failed while running: {error}") from None


class EndpointStore:
    """A SPARQL 1.1 endpoint reached over HTTP (SPARQL 1.1 Protocol, POST form-encoded)."""

    def __init__(
        self,
        url: str,
        graph: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
    ):
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise StoreError(
                f"'{url}' is not an endpoint URL: give one that starts with http:// or "
                "https:// and names a host, e.g. http://localhost:8890/sparql"
            )
        self.url, self.graph, self.timeout = url, graph, timeout
        self.user, self.password = user, password

    def query(self, text: str) -> QueryResult:
        form = _query_form(text)
        accept = "application/n-triples" if form == "graph" else "application/sparql-results+json"
        fields = {"query": text, **({"default-graph-uri": self.graph} if self.graph else {})}
        body = self._post(fields, accept)
        if form == "graph":
            return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)

    def update(self, text: str) -> None:
        self._post({"update": text}, "*/*")

    def _post(self, fields: dict[str, str], accept: str) -> bytes:
        import urllib.error  # here, so that local queries do not pay for the HTTP client
        import urllib.parse
        import urllib.request

        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
        try:
            with _opener(self).open(request, timeout=self.timeout) as response:
                payload: bytes = response.read()
                if response.headers.get("X-SPARQL-MaxRows"):
                    raise StoreError(
                        f"{self.url} cut the result at {response.headers['X-SPARQL-MaxRows']} rows "
                        "(its ResultSetMaxRows setting); raise that limit to get every row"
                    )
                return payload
        except urllib.error.HTTPError as error:
            if error.code == 401:
                raise StoreError(self._refused()) from None
            detail = error.read().decode("utf-8", "replace").strip().splitlines()[:3]
            said = " ".join(detail) or str(error.reason)
            raise StoreError(f"{self.url} answered {error.code}: {said}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise StoreError(f"cannot reach the SPARQL endpoint {self.url}: {reason}") from None

    def _refused(self) -> str:
        """What a 401 means: the endpoint took none of the credentials we sent, or we sent none
        (its body is an empty page or an HTML one, which says less)."""
        if self.user is None:
            return (
                f"{self.url} needs a user name and password (401): give kg push --user and "
                "--password (or set KG_ENDPOINT_PASSWORD)"
            )
        return (
            f"{self.url} refused the credentials of user '{self.user}' (401): check --user "
            "and --password (or KG_ENDPOINT_PASSWORD)"
        )


def _opener(endpoint: EndpointStore) -> OpenerDirector:
    """Answers a 401 with Basic or Digest credentials, whichever the endpoint asks for
    (Virtuoso's authenticated endpoint asks for Digest)."""
    import urllib.request

    if endpoint.user is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, endpoint.url, endpoint.user, endpoint.password or "")
    return urllib.request.build_opener(
        urllib.request.HTTPBasicAuthHandler(passwords),
        urllib.request.HTTPDigestAuthHandler(passwords),
    )


def _query_form(text: str) -> str:
    """'graph' for CONSTRUCT/DESCRIBE, 'solutions' for SELECT/ASK; also checks the syntax."""
    result = ox.Store().query(text)
    return "graph" if isinstance(result, ox.QueryTriples) else "solutions"


def open_store(
    store: str | None = None,
    endpoint: str | None = None,
    graph: str | None = None,
    graph_files: Sequence[Path] | None = None,
) -> Store:
    """Open the store a user named: `oxigraph:PATH`, an endpoint URL, or by default the
    embedded graph from `graph_files` (data/triples.ttl) with the schema."""
    if endpoint:
        return EndpointStore(endpoint, graph)
    path = disk_store_path(store)
    if path is None:
        return LocalStore(load_store(graph_files))
    try:
        return LocalStore(ox.Store.read_only(str(path)))
    except OSError as error:
        raise StoreError(f"cannot open the Oxigraph store at {path}: {error}") from None


def disk_store_path(store: str | None) -> Path | None:
    """The folder of an existing `oxigraph:PATH` store; None for `memory` (the embedded graph)."""
    if not store or store == "memory":
        return None
    if not store.startswith(OXIGRAPH_PREFIX):
        raise StoreError(f"unknown store '{store}': use memory or oxigraph:PATH")
    path = Path(store.removeprefix(OXIGRAPH_PREFIX))
    _restore_interrupted(path.absolute())
    if not path.is_dir():
        raise StoreError(f"no Oxigraph store at {path}: fill it with `kg load --store {store}`")
    if not is_oxigraph_store(path):
        raise StoreError(
            f"{path}: is not an Oxigraph store; fill a new folder with `kg load --store "
            "oxigraph:PATH`"
        )
    return path


class _Counting:
    """A binary file that reports how many bytes have been read, to drive a progress bar."""

    def __init__(self, stream: BinaryIO, advance: Callable[[int], None]):
        self.stream, self.advance = stream, advance

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.advance(len(chunk))
        return chunk

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def _batches(quads: Iterable[ox.Quad], size: int = 100_000) -> Iterator[list[ox.Quad]]:
    batch: list[ox.Quad] = []
    for quad in quads:
        batch.append(quad)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def fill_store(path: Path, files: Sequence[Path], advance: Callable[[int], None]) -> int:
    """Fill a new on-disk Oxigraph store at `path` with `files` (Turtle); returns the triple count.

    Only a folder that is an Oxigraph store, is empty or does not exist is replaced: anything
    else is refused untouched. The store is built beside `path` and swapped in only when every
    file has loaded, so a syntax error or an interruption leaves an existing store as it was,
    and the swap itself keeps either the old or the new store whole.
    """
    import shutil  # here, as in _swap and _holding_signals: `kg query` builds no store

    path = store_folder(path)
    building, replaced = _beside(path, "loading"), _beside(path, "replaced")
    _restore_interrupted(path)
    for leftover in (building, replaced):
        _check_replaceable(leftover)
        shutil.rmtree(leftover, ignore_errors=True)
    made = _make_parents(path)
    try:
        count = _build(building, files, advance)
        _swap(building, path, replaced)
        return count
    except OSError as error:
        raise StoreError(
            f"cannot build the Oxigraph store at {path}: {error.strerror or error}"
        ) from None
    finally:
        with _holding_signals():
            shutil.rmtree(building, ignore_errors=True)
            if not path.exists():
                for folder in made:
                    folder.rmdir()


def _build(folder: Path, files: Sequence[Path], advance: Callable[[int], None]) -> int:
    store = ox.Store(str(folder))
    try:
        for file in files:
            with _reporting(file), file.open("rb") as stream:
                store.bulk_load(
                    input=_Counting(stream, advance),  # type: ignore[arg-type]
                    format=ox.RdfFormat.TURTLE,
                    base_iri=_base(file),
                )
        store.flush()
        store.optimize()
        return len(store)
    finally:
        # closes the database now, even on the way out of an exception whose traceback would
        # keep it open: its background threads could go on writing files into the folder
        del store


_STORE_FILE = re.compile(
    r"CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|(MANIFEST|OPTIONS)-\d+|\d+\.(sst|log|blob)"
)


def is_oxigraph_store(folder: Path) -> bool:
    """Whether `folder` holds an Oxigraph (RocksDB) store and nothing else."""
    names = [entry.name for entry in folder.iterdir()]
    return "CURRENT" in names and all(_STORE_FILE.fullmatch(name) for name in names)


def store_folder(path: Path) -> Path:
    """The absolute folder `oxigraph:PATH` names, if `kg load` may put a store there."""
    if not path.parts:
        raise StoreError("--store oxigraph:PATH needs a folder, e.g. oxigraph:store")
    path = path.absolute()
    if path.resolve() == Path.cwd().resolve() or path.resolve() in Path.cwd().resolve().parents:
        raise StoreError(
            f"{path}: is the working folder or holds it; give a folder of its own for the store"
        )
    _check_replaceable(path)
    return path


def _check_replaceable(path: Path) -> None:
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise StoreError(f"{path}: is not a folder; give a new or empty folder for the store")
    if not path.is_dir():
        return
    try:
        if any(path.iterdir()) and not is_oxigraph_store(path):
            raise StoreError(
                f"{path}: holds files that are not an Oxigraph store; they are left untouched "
                "(give a new or empty folder, or an earlier `kg load` store)"
            )
    except PermissionError:
        raise StoreError(f"{path}: cannot be read (permission denied)") from None


def _beside(path: Path, role: str) -> Path:
    return path.with_name(f".{path.name}.{role}")


def _make_parents(path: Path) -> list[Path]:
    """Make the folders above `path` that are missing; returns them, deepest first."""
    missing = [folder for folder in path.parents if not folder.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    return missing


def _swap(new: Path, path: Path, old: Path) -> None:
    """Put the folder `new` at `path`; the store there before moves aside until it is gone.

    A process killed between the renames leaves the old store at `old`, which the next
    `kg load` or query puts back.
    """
    import shutil

    with _holding_signals():
        if path.exists():
            path.rename(old)
        new.rename(path)
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _holding_signals() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done: a swap or a clean-up is never left
    half-way (unlinking a store's few files is quick)."""
    import signal

    deferred = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, deferred)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, deferred)


def _restore_interrupted(path: Path) -> None:
    """Put back the store a killed `kg load` had moved aside and not yet replaced."""
    replaced = _beside(path, "replaced")
    if not path.exists() and replaced.is_dir() and is_oxigraph_store(replaced):
        replaced.rename(path)


SKOLEM_PREFIX = "https://w3id.org/treatment-kg/.well-known/genid/"


def _skolem(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
    """A blank node (a claim's citation, a path's step) as a skolem IRI (RDF 1.1, 3.5):
    Virtuoso refuses blank nodes in INSERT DATA."""
    return ox.NamedNode(SKOLEM_PREFIX + term.value) if isinstance(term, ox.BlankNode) else term


def push_graph(
    endpoint: EndpointStore,
    quads: Sequence[ox.Quad],
    graph: str,
    advance: Callable[[int], None],
    batch_size: int = 1_000,
) -> None:
    """Replace the named graph `graph` at a SPARQL endpoint with `quads`, by SPARQL Update.

    The triples go in INSERT DATA batches to a staging graph that then replaces `graph`, so a
    failed upload leaves the published graph as it was; `advance` is told how many triples went.
    """
    target, staging = ox.NamedNode(graph), ox.NamedNode(f"{graph}/.loading")
    endpoint.update(f"DROP SILENT GRAPH {staging}")
    for batch in _batches(quads, batch_size):
        triples = "\n".join(
            f"{_skolem(q.subject)} {q.predicate} {_skolem(q.object)} ." for q in batch
        )
        endpoint.update(f"INSERT DATA {{ GRAPH {staging} {{\n{triples}\n}} }}")
        advance(len(batch))
    endpoint.update(f"MOVE SILENT GRAPH {staging} TO GRAPH {target}")
