"""`kg serve`: one port with the SPARQL 1.1 Protocol endpoint (/sparql), a query page (/) and
what it asks for (/api/names, /api/saved/<name>), the explorer (/explore), the coverage page
(/coverage, once built) and /healthz.

waitress speaks HTTP (guarded against idle and slow clients by kg.connections); queries,
updates and coverage reports go to kg.workers, which can stop each at its time limit. A query's
size and its SERVICE endpoints are checked here, before any worker sees it. Nothing is sent
until a whole answer exists, so a client never gets a 200 with a cut-off body.
"""

from __future__ import annotations

import json
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote

from kg.endpoint import GRAPH_TYPES, Answer, CoverageRequest, Failure, Request, choose_type
from kg.errors import QueryError
from kg.files import SITE_DIR
from kg.sparql_guard import ServiceRefused, check_service, check_size
from kg.workers import Busy, Stopping, TimedOut, WorkerDied, WorkerPool

__all__ = ["STATIC_DIR", "Settings", "SparqlApp", "explorer_missing", "serve"]

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
log = logging.getLogger("kg.serve")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Headers = list[tuple[str, str]]


class Settings(NamedTuple):
    """What `kg serve` allows; the defaults are the safe ones."""

    allow_update: bool = False
    max_rows: int = 10_000
    max_request_bytes: int = 1_000_000
    cors_origins: tuple[str, ...] = ()
    site_dir: Path = SITE_DIR
    allowed_services: tuple[str, ...] = ()  # hosts SERVICE may reach; "*" for public ones
    max_coverage_bytes: int = 1_000_000
    max_connections: int = 1_000
    read_timeout: float = 10.0  # seconds a client has to send its request


def explorer_missing(site_dir: Path) -> str | None:
    """How to build the explorer page when `site_dir` has none (a wheel ships no page, and
    `kg serve` writes no files); None when it is there."""
    if (site_dir / "index.html").is_file():
        return None
    import shlex

    return (
        f"not built in {site_dir}: run `kg site --out {shlex.quote(str(site_dir))}` "
        "(a few seconds), then reload /explore"
    )


class _Reply(NamedTuple):
    status: int
    headers: Headers
    body: bytes
    note: str = ""


_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}
_PAGE_POLICY = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; frame-ancestors 'none'"
)
_SD = "http://www.w3.org/ns/sparql-service-description#"
_SD_PREFIXES = {
    "sd": _SD,
    "dcterms": "http://purl.org/dc/terms/",
    "formats": "http://www.w3.org/ns/formats/",
}
_UPDATE_REFUSED = (
    "this endpoint is read-only: SPARQL Update is refused unless kg serve is started with "
    "--allow-update"
)


def _text(status: int, message: str, headers: Headers | None = None) -> _Reply:
    body = (message.rstrip("\n") + "\n").encode()
    return _Reply(status, [("Content-Type", "text/plain; charset=utf-8"), *(headers or [])], body)


class SparqlApp:
    """The WSGI application behind `kg serve`."""

    def __init__(self, pool: WorkerPool, settings: Settings, threads: int):
        """`threads`: how many requests waitress answers at once."""
        self.pool, self.settings = pool, settings
        # A coverage request holds one of waitress's threads while it waits for a worker; at
        # most half of them may, so that a burst of large articles cannot keep queries out.
        self.coverage_room = max(1, threads // 2)
        self._coverage_admitted = threading.BoundedSemaphore(self.coverage_room)
        from kg.query_page import saved_examples
        from kg.results import PREFIXES

        examples = saved_examples()
        self.saved_names = {query["name"] for group in examples for query in group["queries"]}
        self.query_page = _render_page("query.html", groups=examples, prefixes=PREFIXES)
        self.coverage_page = _render_page("coverage.html")
        self.static = {
            path.relative_to(STATIC_DIR).as_posix(): path
            for path in STATIC_DIR.rglob("*")
            if path.is_file()
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO") or "/"
        try:
            reply = self._route(method, path, environ)
        except Exception:  # a bug of ours: the client gets a 500, the log the traceback
            log.exception("%s %s failed", method, path)
            reply = _text(500, "internal error: the server's log has the details")
        headers = [
            *reply.headers,
            *self._cors(environ, path),
            ("Content-Length", str(len(reply.body))),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ]
        start_response(f"{reply.status} {HTTPStatus(reply.status).phrase}", headers)
        elapsed = (time.perf_counter() - started) * 1000
        note = f" {reply.note}" if reply.note else ""
        log.info(
            '%s "%s %s" %d %d B %.0f ms%s',
            environ.get("REMOTE_ADDR", "-"),
            method,
            path,
            reply.status,
            len(reply.body),
            elapsed,
            note,
        )
        return [b""] if method == "HEAD" else [reply.body]

    def _route(self, method: str, path: str, environ: dict[str, Any]) -> _Reply:
        pages: dict[str, Callable[[], _Reply]] = {
            "/": lambda: _Reply(200, self._page_headers(".html"), self.query_page),
            "/healthz": self._health,
            "/explore": self._explorer,
            "/coverage": lambda: _Reply(200, self._page_headers(".html"), self.coverage_page),
        }
        if path == "/sparql":
            if method == "OPTIONS":
                return _Reply(204, [("Allow", "GET, POST, OPTIONS")], b"")
            if method not in {"GET", "HEAD", "POST"}:
                return _text(405, f"{method} is not allowed here", [("Allow", "GET, POST")])
            return self._sparql(method, environ)
        if path == "/api/names" or path.startswith("/api/saved/"):
            if method not in {"GET", "HEAD"}:
                return _text(405, f"{method} is not allowed here", [("Allow", "GET")])
            if path == "/api/names":
                return self._names()
            return self._saved(unquote(path.removeprefix("/api/saved/")), environ)
        if path == "/api/coverage":
            if method != "POST":
                return _text(405, 'POST the article as JSON: {"text": ...}', [("Allow", "POST")])
            return self._coverage(environ)
        if path in pages or path.startswith("/static/"):
            if method not in {"GET", "HEAD"}:
                return _text(405, f"{method} is not allowed here", [("Allow", "GET")])
            if path in pages:
                return pages[path]()
            return self._static(path.removeprefix("/static/"))
        return _text(404, f"nothing at {path}: try / (query page), /sparql, /explore or /healthz")

    def _page_headers(self, suffix: str) -> Headers:
        return [("Content-Type", _CONTENT_TYPES[suffix]), ("Content-Security-Policy", _PAGE_POLICY)]

    def _health(self) -> _Reply:
        """ok with every worker alive, degraded with some, and a 503 when none can answer."""
        health = self.pool.health()
        status = "ok" if health.alive == self.pool.size else "degraded" if health.alive else "down"
        report = {
            "status": status,
            "triples": self.pool.triples,
            "workers": self.pool.size,
            "alive_workers": health.alive,
            "starting_workers": health.starting,
            "dead_workers": health.dead,
            "idle_workers": health.idle,
        }
        body = (json.dumps(report) + "\n").encode()
        code = 503 if status == "down" else 200
        return _Reply(code, [("Content-Type", "application/json")], body)

    def _explorer(self) -> _Reply:
        missing = explorer_missing(self.settings.site_dir)
        if missing is not None:
            return _text(404, f"The explorer page is {missing}.")
        page = self.settings.site_dir / "index.html"
        return _Reply(200, [("Content-Type", _CONTENT_TYPES[".html"])], page.read_bytes())

    def _static(self, name: str) -> _Reply:
        path = self.static.get(name)
        if path is None:
            return _text(404, f"no file /static/{name}")
        content_type = _CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        return _Reply(200, [("Content-Type", content_type)], path.read_bytes())

    def _cors(self, environ: dict[str, Any], path: str) -> Headers:
        """CORS only for origins named by --cors-origin, and never with credentials."""
        origin = environ.get("HTTP_ORIGIN")
        allowed = self.settings.cors_origins
        if path != "/sparql" or not origin or not ({origin, "*"} & set(allowed)):
            return []
        return [
            ("Access-Control-Allow-Origin", "*" if "*" in allowed else origin),
            ("Access-Control-Allow-Methods", "GET, POST"),
            ("Access-Control-Allow-Headers", "Content-Type, Accept"),
            ("Access-Control-Expose-Headers", "X-SPARQL-MaxRows"),
            ("Access-Control-Max-Age", "600"),
            ("Vary", "Origin"),
        ]

    def _sparql(self, method: str, environ: dict[str, Any]) -> _Reply:
        request = self._read_request(method, environ)
        if isinstance(request, _Reply):
            return request
        if request is None:
            return _service_description(environ, self.settings.allow_update)
        if request.operation == "update" and not self.settings.allow_update:
            return _text(403, _UPDATE_REFUSED)
        # pyoxigraph crashes on queries nested a few thousand deep, and SERVICE would fetch
        # whatever URL a visitor names: both are stopped before a worker sees the text
        try:
            check_size(request.text, request.operation)
            check_service(request.text, self.settings.allowed_services)
        except ServiceRefused as refused:
            return _text(403, str(refused))
        except QueryError as error:
            return _text(400, str(error))
        reply = self._on_worker(request, request.operation)
        return reply if isinstance(reply, _Reply) else _answered(reply)

    def _on_worker(self, request: Request | CoverageRequest, what: str) -> Answer | _Reply:
        """The worker's answer, or the reply that says why there is none."""
        try:
            reply = self.pool.run(request)
        except (TimedOut, Busy, Stopping, WorkerDied) as error:
            return _unanswered(error, what)
        if isinstance(reply, Failure):
            return _text(reply.status, reply.message)
        return reply

    def _names(self) -> _Reply:
        """The labels the query page shows beside IRIs and the concepts its picker offers."""
        from kg.query_page import PoolStore, page_names

        try:
            names = page_names(PoolStore(self.pool))
        except (TimedOut, Busy, Stopping, WorkerDied) as error:
            return _unanswered(error, "look-up of names")
        body = json.dumps(names, ensure_ascii=False).encode()
        return _Reply(200, [("Content-Type", "application/json")], body)

    def _saved(self, name: str, environ: dict[str, Any]) -> _Reply:
        """A saved query's text with the parameters in the address bound, as by `kg query
        --param`: `/api/saved/mechanism-path?drug=ketamine&target=neuroplasticity`."""
        from kg.query_page import PoolStore, bound_query

        if name not in self.saved_names:
            return _text(404, f"no saved query named '{name}'; the query page lists them")
        fields = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if any(len(given) > 1 for given in fields.values()):
            return _text(400, "give each parameter once")
        values = {param: given[0] for param, given in fields.items()}
        try:
            text = bound_query(PoolStore(self.pool), name, values)
        except (TimedOut, Busy, Stopping, WorkerDied) as error:
            return _unanswered(error, "binding of parameters")
        except QueryError as error:
            return _text(400, str(error))
        body = json.dumps({"name": name, "query": text}, ensure_ascii=False).encode()
        return _Reply(200, [("Content-Type", "application/json")], body)

    def _coverage(self, environ: dict[str, Any]) -> _Reply:
        """A coverage report of the posted article: {"text", "name", "kind"} in, the JSON
        report and its HTML out, from the same code as `kg coverage`, made in a worker."""
        body = self._read_body(environ, self.settings.max_coverage_bytes)
        if isinstance(body, _Reply):
            return body
        try:
            posted = json.loads(body)
            text, name = str(posted["text"]), str(posted.get("name") or "draft")
            kind = posted.get("kind") if posted.get("kind") in {"text", "md", "html"} else None
        except (ValueError, KeyError, TypeError):
            return _text(400, 'post JSON with the article as "text" (and "name", "kind")')
        if not self._coverage_admitted.acquire(blocking=False):
            return _text(
                503,
                f"server busy: {self.coverage_room} coverage reports are being made or waiting "
                "already; try again shortly",
                [("Retry-After", "1")],
            )
        try:
            reply = self._on_worker(CoverageRequest(text, name, kind), "coverage report")
        finally:
            self._coverage_admitted.release()
        if isinstance(reply, _Reply):
            return reply
        headers = [("Content-Type", reply.media_type)]
        return _Reply(200, headers, reply.body, f"concepts={reply.rows}")

    def _read_request(self, method: str, environ: dict[str, Any]) -> Request | _Reply | None:
        """The query or update in a request, in any of the protocol's three forms; None for a
        GET without one (the service description)."""
        fields = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if method == "POST":
            body = self._read_body(environ, self.settings.max_request_bytes)
            if isinstance(body, _Reply):
                return body
            content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
            if content_type == "application/x-www-form-urlencoded":
                fields = parse_qs(body, keep_blank_values=True)
            elif content_type in {"application/sparql-query", "application/sparql-update"}:
                operation = content_type.removeprefix("application/sparql-")
                fields = {**fields, operation: [body]}
            else:
                return _text(
                    415,
                    f"POST a query as application/sparql-query, an update as "
                    f"application/sparql-update, or either as a form; not '{content_type}'",
                )
        elif "update" in fields:
            return _text(405, "SPARQL Update must be sent by POST", [("Allow", "POST")])
        given = [name for name in ("query", "update") if name in fields]
        if not given:
            return None
        if len(given) > 1 or len(fields[given[0]]) > 1:
            return _text(400, "send exactly one query or one update per request")
        operation = given[0]
        return Request(
            operation,
            fields[operation][0],
            environ.get("HTTP_ACCEPT", ""),
            self.settings.max_rows,
            tuple(fields.get("default-graph-uri", [])),
            tuple(fields.get("named-graph-uri", [])),
        )

    def _read_body(self, environ: dict[str, Any], limit: int) -> str | _Reply:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _text(400, "Content-Length is not a number")
        if length > limit:
            return _text(413, f"the request has {length} bytes; this server takes at most {limit}")
        try:
            return str(environ["wsgi.input"].read(length).decode("utf-8"))
        except UnicodeDecodeError as error:
            return _text(400, f"the request body is not UTF-8 (byte {error.start})")


def _unanswered(error: TimedOut | Busy | Stopping | WorkerDied, what: str) -> _Reply:
    """Why the workers gave no answer, as the reply to send."""
    if isinstance(error, TimedOut):
        return _text(503, f"{what} {error}", [("Retry-After", "1")])
    if isinstance(error, Busy):
        return _text(503, f"server busy: {error}", [("Retry-After", "1")])
    if isinstance(error, Stopping):
        return _text(503, f"{what} not answered: {error}")
    return _text(500, f"the {what} failed: {error}")


def _answered(reply: Answer) -> _Reply:
    headers = [("Content-Type", reply.media_type)]
    note = f"rows={reply.rows}"
    if reply.truncated:
        headers.append(("X-SPARQL-MaxRows", str(reply.rows)))
        note += " (cut at the row limit)"
    return _Reply(200, headers, reply.body, note)


def _service_description(environ: dict[str, Any], allow_update: bool) -> _Reply:
    """The SPARQL 1.1 Service Description of this endpoint, in the RDF format asked for."""
    from wsgiref.util import request_uri

    import pyoxigraph as ox

    media_type = choose_type(environ.get("HTTP_ACCEPT", ""), list(GRAPH_TYPES))
    if media_type is None:
        return _text(406, f"the service description can be sent as: {', '.join(GRAPH_TYPES)}")
    endpoint = request_uri(environ, include_query=False)
    template = (TEMPLATE_DIR / "service-description.ttl").read_text(encoding="utf-8")
    triples = [q.triple for q in ox.parse(template, ox.RdfFormat.TURTLE, base_iri=endpoint)]
    if allow_update:
        language = ox.NamedNode(f"{_SD}supportedLanguage")
        triples.append(
            ox.Triple(ox.NamedNode(endpoint), language, ox.NamedNode(f"{_SD}SPARQL11Update"))
        )
    body = ox.serialize(triples, format=GRAPH_TYPES[media_type], prefixes=_SD_PREFIXES)
    return _Reply(200, [("Content-Type", media_type)], bytes(body or b""))


def _render_page(template: str, **values: Any) -> bytes:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(template).render(**values).encode()


def serve(
    pool: WorkerPool,
    settings: Settings,
    listener: socket.socket,
    threads: int,
    on_ready: Callable[[str], None],
) -> None:
    """Serve on `listener` (from kg.connections.listen) until Ctrl-C or SIGTERM; `on_ready`
    gets the base URL once connections are accepted."""
    from kg.connections import GuardedServer

    server = GuardedServer(
        SparqlApp(pool, settings, threads),
        listener,
        threads=threads,
        max_connections=settings.max_connections,
        read_timeout=settings.read_timeout,
        # waitress reads a body before the app sees it; its own cap is the backstop for bodies
        # sent without a length, and ours (with a clearer message) answers the rest
        max_body_bytes=2 * max(settings.max_request_bytes, settings.max_coverage_bytes),
    )

    def stop(*_: object) -> None:
        # Stopping the workers first ends the queries still running, so waitress's threads
        # answer them ("the server is stopping") and finish before the sockets close.
        pool.close()
        raise KeyboardInterrupt  # waitress's loop ends on this and waits for its threads

    signal.signal(signal.SIGTERM, stop)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # a background job ignores Ctrl-C
        signal.signal(signal.SIGINT, stop)
    host, port = listener.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    try:
        on_ready(f"http://{shown}:{port}/")
        server.run()
    except KeyboardInterrupt:  # before the loop ran; inside it, waitress catches its own
        pass
    finally:
        server.close()
