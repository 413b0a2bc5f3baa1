"""A real Virtuoso server on 127.0.0.1 for the tests, in a temporary folder of its own.

Debian's virtuoso-opensource package starts no service; `make test` installs it. The packaged
virtuoso.ini is copied with the database moved to the folder, both ports bound to 127.0.0.1,
and the result-row cap raised so that it cannot silently cut a result.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@dataclass(frozen=True)
class Virtuoso:
    """Where the running server answers."""

    query_url: str
    update_url: str
    user: str = "dba"
    password: str = "dba"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _set(ini: str, section: str, key: str, value: str) -> str:
    """Set `key` in `[section]`, whether the packaged file has it active or commented out."""
    pattern = re.compile(
        rf"(^\[{re.escape(section)}\][^\[]*?)^\s*;?\s*{re.escape(key)}\s*=[^\n]*$", re.M | re.S
    )
    updated, count = pattern.subn(lambda m: f"{m.group(1)}{key} = {value}", ini, count=1)
    if not count:
        updated = ini.replace(f"[{section}]\n", f"[{section}]\n{key} = {value}\n", 1)
    return updated


@contextmanager
def running_virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """Start virtuoso-t in `folder`, wait until its SPARQL endpoint answers, stop it after."""
    binary = shutil.which("virtuoso-t")
    assert binary and PACKAGED_INI.exists(), (
        "Virtuoso is not installed: `make test` installs Debian's virtuoso-opensource"
    )
    sql_port, http_port = _free_port(), _free_port()
    ini = PACKAGED_INI.read_text()
    for section, key, value in [
        ("Database", "DatabaseFile", f"{folder}/virtuoso.db"),
        ("Database", "ErrorLogFile", f"{folder}/virtuoso.log"),
        ("Database", "LockFile", f"{folder}/virtuoso.lck"),
        ("Database", "TransactionFile", f"{folder}/virtuoso.trx"),
        ("Database", "xa_persistent_file", f"{folder}/virtuoso.pxa"),
        ("TempDatabase", "DatabaseFile", f"{folder}/virtuoso-temp.db"),
        ("TempDatabase", "TransactionFile", f"{folder}/virtuoso-temp.trx"),
        ("Parameters", "ServerPort", f"127.0.0.1:{sql_port}"),
        ("Parameters", "DirsAllowed", f"., {folder}"),
        ("HTTPServer", "ServerPort", f"127.0.0.1:{http_port}"),
        ("SPARQL", "ResultSetMaxRows", "1000000"),
    ]:
        ini = _set(ini, section, key, value)
    config = folder / "virtuoso.ini"
    config.write_text(ini)
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        [binary, "+configfile", str(config), "+foreground"], cwd=folder, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"Virtuoso did not start: {(folder / 'stdout.log').read_text()[-2000:]}"
                    ) from None
                time.sleep(0.3)
        yield Virtuoso(f"{base}/sparql", f"{base}/sparql-auth")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
