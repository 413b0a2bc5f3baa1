"""Where an article's sentences start, for the mentions that share one and for the clauses that
negation and hedging look within."""

from __future__ import annotations

import re

__all__ = ["sentence_starts"]

# A line shorter than this, followed by a line break, is taken for a heading, not wrapped prose.
HEADING_LENGTH = 50
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n\s*\n")
_LIST_ITEM = re.compile(r"\s*(?:[\u2022\u25cf\u25e6*+\-\u2013]|\d{1,2}[.)])\s+")


def sentence_starts(text: str) -> list[int]:
    """Where sentences start: after . ! or ?, a blank line, or a heading's line break; but the
    items of a list that a line ending in a colon introduces belong to that line's sentence
    ("used to treat conditions such as:" then "- PTSD", "- chronic pain")."""
    starts = {0, *(m.end() for m in _SENTENCE_BREAK.finditer(text))}
    line_start = 0
    for line in text.split("\n")[:-1]:
        line_start += len(line) + 1
        if len(line.strip()) < HEADING_LENGTH:
            starts.add(line_start)
    introduced = False  # whether the lines read so far end in a colon and list items
    last_end = 0
    line_start = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            bullet = _LIST_ITEM.match(line)
            if bullet and introduced:
                starts -= set(range(last_end + 1, line_start + bullet.end() + 1))
            introduced = stripped.endswith(":") or bool(bullet and introduced)
            last_end = line_start + len(line.rstrip())
        line_start += len(line) + 1
    return sorted(starts)
