"""A real `kg serve` process on 127.0.0.1 and a free port, and the HTTP calls the endpoint
tests make to it."""

from __future__ import annotations

import json
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any


@dataclass
class Served:
    url: str  # the base URL, ending in "/"
    process: subprocess.Popen[str]
    log: Path  # the server's stderr: one line per request

    @property
    def endpoint(self) -> str:
        return self.url + "sparql"

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rsplit(":", 1)[1])

    def log_lines(self) -> list[str]:
        return self.log.read_text().splitlines()

    def health(self) -> tuple[int, dict[str, Any]]:
        reply = fetch(self.url + "healthz")
        return reply.status, json.loads(reply.body)

    def worker_pids(self) -> set[int]:
        """The server's worker processes, read from /proc: its children started by
        multiprocessing's spawn (its resource tracker is a child too, and is left out)."""
        pids = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                cmdline = (stat.parent / "cmdline").read_bytes()
            except OSError:  # it ended while we looked
                continue
            if int(fields[1]) == self.process.pid and b"spawn_main" in cmdline:
                pids.add(int(stat.parent.name))
        return pids


def _ctrl_c_as_at_a_terminal() -> None:
    """The server starts with Ctrl-C as a terminal gives it. A suite run as a background job
    (`make test &`) inherits SIGINT ignored, and kg serve, rightly, keeps ignoring it then, so
    the test of stopping with Ctrl-C would fail for a reason that is not the server's."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def running_server(
    log: Path,
    *args: str,
    cwd: Path | None = None,
    command: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> Iterator[Served]:
    """Start `kg serve --port 0 ARGS...` (or `COMMAND serve ...`, in `env`), wait for it to
    print its address, stop it after."""
    from tests.conftest import KG_COMMAND

    assert KG_COMMAND.is_file(), (
        "the kg command is not installed: run `make test`, which installs it"
    )
    with log.open("w") as errors:
        process = subprocess.Popen(
            [*(command or [str(KG_COMMAND)]), "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            cwd=cwd,
            env=env,
            preexec_fn=_ctrl_c_as_at_a_terminal,
        )
    try:
        assert process.stdout is not None
        url = ""
        for line in process.stdout:
            if line.strip().startswith("query page"):
                url = line.split()[-1]
                break
        assert url, f"kg serve did not start: {log.read_text()}"
        yield Served(url, process, log)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


class Reply:
    """A response; `headers` looks names up case-insensitively, as HTTP says."""

    def __init__(self, status: int, headers: Message, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(
    url: str,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> Reply:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


def get(served: Served, query: str, accept: str = "") -> Reply:
    qs = urllib.parse.urlencode({"query": query})
    return fetch(f"{served.endpoint}?{qs}", headers={"Accept": accept} if accept else {})


def post_form(served: Served, fields: dict[str, str], accept: str = "") -> Reply:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return fetch(served.endpoint, data=urllib.parse.urlencode(fields).encode(), headers=headers)


def post_raw(served: Served, content_type: str, text: str, accept: str = "") -> Reply:
    headers = {"Content-Type": content_type, **({"Accept": accept} if accept else {})}
    return fetch(served.endpoint, data=text.encode(), headers=headers)
