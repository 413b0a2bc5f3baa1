"""Where an article's sentences start, for the mentions that share one and for the clauses that
negation and hedging look within."""

from __future__ import annotations

import re

__all__ = ["sentence_starts"]

# A line shorter than this, followed by a line break, is taken for a heading, not wrapped prose.
HEADING_LENGTH = 50
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n\s*\n")


def sentence_starts(text: str) -> list[int]:
    """Where sentences start: after . ! or ?, a blank line, or a heading's line break."""
    starts = {0, *(m.end() for m in _SENTENCE_BREAK.finditer(text))}
    line_start = 0
    for line in text.split("\n")[:-1]:
        line_start += len(line) + 1
        if len(line.strip()) < HEADING_LENGTH:
            starts.add(line_start)
    return sorted(starts)
