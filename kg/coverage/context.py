"""Whether a span of an article is negated or hedged (interim: the first edition's negation
heuristic; the ConText rules replace it)."""

from __future__ import annotations

import re

from kg.coverage.mentions import _negated

__all__ = ["hedged", "negated"]

_HEDGE = re.compile(
    r"\b(?:may|might|could|possibly|perhaps|thought to|believed to|hypothes\w*|suggest\w*|"
    r"appears? to|seems? to|proposed|some researchers|unclear)\b",
    re.I,
)


def negated(text: str, start: int, end: int) -> bool:
    return _negated(text, start)


def hedged(text: str, start: int, end: int) -> bool:
    sentence_start = max(text.rfind(".", 0, start), text.rfind("\n\n", 0, start)) + 1
    return bool(_HEDGE.search(text, sentence_start, end))
