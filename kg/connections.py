"""The listening socket and the HTTP server of `kg serve`, guarded against clients that hold
connections without finishing a request.

waitress keeps a connection for up to two minutes of silence and stops accepting at 100 open
ones, so a few hundred idle or slow clients shut everyone else out. Here each connection gets
`read_timeout` seconds to send a whole request (the clock starts when it opens, or when its
last answer was sent), a stalled answer the same to make progress, and connections beyond
`max_connections` get an immediate 503 instead of waiting unaccepted. The loop polls rather
than selects, since select() cannot watch descriptors past 1024.
"""

from __future__ import annotations

import errno
import logging
import resource
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any, cast

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

from kg.wording import counted

__all__ = ["CannotServe", "GuardedServer", "listen"]

log = logging.getLogger("kg.serve")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Descriptors the server needs beside its connections: workers' pipes, log, spooled bodies.
_SPARE_FILES = 256


class CannotServe(Exception):
    """kg serve cannot start as asked: the address cannot be used, or the system's limits are
    too low for --max-connections. The message says what to change."""


def listen(host: str, port: int, max_connections: int) -> socket.socket:
    """A socket bound to host:port, and enough open files allowed for `max_connections`.

    Done before the workers start, so that a wrong address fails at once and leaves nothing
    running.
    """
    _allow_open_files(max_connections + _SPARE_FILES)
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as error:
        reason = error.strerror if isinstance(error, socket.gaierror) else str(error)
        raise CannotServe(
            f"cannot listen on {where}: the host name does not resolve ({reason}); give --host "
            "an IP address of this machine, e.g. 127.0.0.1"
        ) from None
    listener = socket.socket(family, kind, proto)
    # a port left in TIME_WAIT by a server that just stopped can be used again at once
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
    except OSError as error:
        listener.close()
        hint = {
            errno.EADDRINUSE: "the port is in use by another program; stop it or choose "
            "another --port (--port 0 picks a free one)",
            errno.EADDRNOTAVAIL: "that address is not one of this machine's; choose another "
            "--host, e.g. 127.0.0.1",
            errno.EACCES: "ports below 1024 need administrator rights; choose a --port of "
            "1024 or more",
        }.get(error.errno or 0, f"{error.strerror}")
        raise CannotServe(f"cannot listen on {where}: {hint}") from None
    return listener


def _allow_open_files(needed: int) -> None:
    """Raise this process's soft limit on open files to `needed` if it is lower."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise CannotServe(
            f"--max-connections {needed - _SPARE_FILES} needs {needed} open files, but this "
            f"system allows {hard} (ulimit -n); lower --max-connections to at most "
            f"{max(1, hard - _SPARE_FILES)} or raise the limit"
        )
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


class _Channel(HTTPChannel):
    """A waitress connection that remembers since when it has been waiting for a request."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.waiting_since = self.creation_time

    def service(self) -> None:
        super().service()
        self.waiting_since = time.time()  # the answer is written: the next request's clock


class GuardedServer(TcpWSGIServer):
    """waitress's server with a read time limit per connection and a cap on connections."""

    channel_class = _Channel

    def __init__(
        self,
        app: WSGIApp,
        listener: socket.socket,
        *,
        threads: int,
        max_connections: int,
        read_timeout: float,
        max_body_bytes: int,
    ):
        self.max_connections, self.read_timeout = max_connections, read_timeout
        self.refused = 0  # since the last maintenance
        self.next_check = 0.0
        self.full_answer = _full_answer(max_connections)
        adjustments = Adjustments(
            threads=threads,
            ident="treatment-kg",
            max_request_body_size=max_body_bytes,
            asyncore_use_poll=True,
            # a client that resets its connection is not news, and waitress would log it
            # with a traceback
            log_socket_errors=False,
        )
        family, kind, proto = listener.family, listener.type, listener.proto
        super().__init__(
            app,
            _sock=listener,
            adj=adjustments,
            bind_socket=False,
            sockinfo=(family, kind, proto, listener.getsockname()),
        )

    def readable(self) -> bool:
        # Always accept, so connections over the cap are answered rather than left waiting.
        now = time.time()
        if now >= self.next_check:
            self.next_check = now + min(1.0, self.read_timeout / 4)
            self.maintenance(now)
        return bool(self.accepting)

    def handle_accept(self) -> None:
        if len(self._channels()) < self.max_connections:
            super().handle_accept()
            return
        try:
            accepted = self.accept()
        except OSError:
            return
        if accepted is not None:
            self._refuse(accepted[0])

    def _refuse(self, conn: socket.socket) -> None:
        """Send the 503 and close; the request, if it has arrived, is read first, since
        closing with unread data would reset the connection before the client reads the
        answer."""
        self.refused += 1
        with conn:
            try:
                conn.setblocking(False)
                conn.send(self.full_answer)
                conn.shutdown(socket.SHUT_WR)
                for _ in range(16):
                    if not conn.recv(65536):
                        break
            except OSError:  # nothing more to read, or the client has gone
                pass

    def maintenance(self, now: float) -> None:
        """Close connections that took longer than read_timeout to send a request, or whose
        answer made no progress for as long; those the application is answering stay."""
        for channel in list(self._channels().values()):
            if channel.requests:
                continue
            since = channel.last_activity if channel.total_outbufs_len else channel.waiting_since
            if now - since > self.read_timeout:
                channel.will_close = True
        if self.refused:
            log.warning(
                "refused %s with a 503: %d open, the most --max-connections allows",
                counted(self.refused, "connection"),
                self.max_connections,
            )
            self.refused = 0

    def _channels(self) -> dict[int, _Channel]:
        # waitress's type stubs say HTTPChannel; it is a dict of them by file descriptor
        return cast("dict[int, _Channel]", self.active_channels)


def _full_answer(max_connections: int) -> bytes:
    body = (
        f"server busy: it has {max_connections} connections open, the most it takes; "
        "try again shortly\n"
    ).encode()
    head = (
        "HTTP/1.1 503 Service Unavailable\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Retry-After: 1\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return head + body
