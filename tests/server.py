"""A real `kg serve` process on 127.0.0.1 and a free port, for the endpoint tests."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Served:
    url: str  # the base URL, ending in "/"
    process: subprocess.Popen[str]
    log: Path  # the server's stderr: one line per request

    @property
    def endpoint(self) -> str:
        return self.url + "sparql"

    def log_lines(self) -> list[str]:
        return self.log.read_text().splitlines()


@contextmanager
def running_server(log: Path, *args: str, cwd: Path | None = None) -> Iterator[Served]:
    """Start `kg serve --port 0 ARGS...`, wait for it to print its address, stop it after."""
    from tests.conftest import KG_COMMAND

    assert KG_COMMAND.is_file(), (
        "the kg command is not installed: run `make test`, which installs it"
    )
    executable = str(KG_COMMAND)
    with log.open("w") as errors:
        process = subprocess.Popen(
            [executable, "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            cwd=cwd,
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
