"""Counts as people write them: "1 row", "2 rows", never "1 rows" or "2 row(s)"."""

from __future__ import annotations

__all__ = ["counted"]


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """`count` with the noun in the singular for exactly one, else in the plural (`singular`
    and an s unless `plural` is given).

    >>> counted(1, "row"), counted(0, "row"), counted(2, "query", "queries")
    ('1 row', '0 rows', '2 queries')
    """
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
