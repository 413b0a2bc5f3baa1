"""The library's own errors, which the CLI reports as `Error: ...` with exit code 1."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DataError", "QueryError"]


class DataError(ValueError):
    """A data file cannot be used; the message names the file, and the line and column if known."""

    def __init__(
        self, path: Path, message: str, line: int | None = None, column: int | None = None
    ):
        self.path, self.message, self.line, self.column = path, message, line, column
        where = ":".join(str(part) for part in (path, line, column) if part is not None)
        super().__init__(f"{where}: {message}")


class QueryError(ValueError):
    """A query cannot be found, parsed or run; the message says which and why."""
