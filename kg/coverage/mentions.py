"""Finding mentions of concepts in an article's text: names of the lexicon, abbreviations the
text defines, whether each is negated or hedged, and the sentence it is in."""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from kg.coverage.context import hedged, negated
from kg.coverage.matcher import Match, Matcher, Name
from kg.coverage.model import CoverageModel
from kg.coverage.sentences import sentence_starts

__all__ = ["Mention", "find_mentions", "sentence_starts"]

_DEFINED = re.compile(r"\s*\(\s*([^\s()]{2,10})\s*\)")


class Mention(NamedTuple):
    concept: str
    start: int
    end: int
    surface: str
    negated: bool
    hedged: bool
    sentence: int


def _defined_abbreviations(text: str, matches: list[Match]) -> dict[Name, int]:
    """Abbreviations the text defines for a concept it names, "... factor (BDNF)", each with
    where its definition ends: it stands for the concept from there on."""
    defined: dict[Name, int] = {}
    for match in matches:
        found = _DEFINED.match(text, match.end)
        if found and sum(c.isupper() for c in found.group(1)) >= 2:
            defined.setdefault(Name(match.concept, found.group(1)), found.end())
    return defined


def find_mentions(model: CoverageModel, text: str) -> list[Mention]:
    """Every mention of a concept in `text`, with abbreviations the text defines, negation,
    hedging and the sentence it is in."""
    matches = model.matcher.find(text)
    known = set(model.names)
    defined = {n: end for n, end in _defined_abbreviations(text, matches).items() if n not in known}
    if defined:
        # matches do not overlap and come in text order, so their ends are sorted too
        taken_starts, taken_ends = [m.start for m in matches], [m.end for m in matches]

        def free(match: Match) -> bool:
            first_after = bisect.bisect_right(taken_ends, match.start)
            return first_after == len(taken_starts) or taken_starts[first_after] >= match.end

        later = [
            m
            for m in Matcher(defined).find(text)
            if m.start >= defined[Name(m.concept, m.name)] and free(m)
        ]
        matches = sorted([*matches, *later], key=lambda m: m.start)
    starts = sentence_starts(text)
    return [
        Mention(
            m.concept,
            m.start,
            m.end,
            text[m.start : m.end],
            negated(text, m.start, m.end),
            hedged(text, m.start, m.end),
            bisect.bisect_right(starts, m.start) - 1,
        )
        for m in matches
    ]
