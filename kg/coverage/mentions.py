"""Finding mentions of concepts in an article's text: names of the lexicon, abbreviations the
text defines, whether each is negated, and the sentence it is in."""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from kg.coverage.matcher import Match, Matcher, Name
from kg.coverage.model import CoverageModel

__all__ = ["Mention", "find_mentions", "sentence_starts"]

# A negation cue this many words or fewer before a mention, in the same clause, negates it.
NEGATION_WINDOW = 5
# A line shorter than this, followed by a line break, is taken for a heading, not wrapped prose.
HEADING_LENGTH = 50
_NEGATION = re.compile(r"^(?:not|no|never|without|neither|nor|none|cannot|lacks?|lacking)$|n't$")
# Phrases that begin with a negation word but negate nothing ("not only X but also Y").
_NOT_NEGATING = re.compile(r"\b(?:not only|not just|not least|no doubt|no wonder|no matter)\b")
_CLAUSE_BREAK = re.compile(r"[.;:!?()\[\]]|\n\s*\n|\b(?:but|although|though|however|whereas)\b")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n\s*\n")
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_LIST_ITEM = re.compile(r"\s*(?:[\u2022\u25cf\u25e6*+\-\u2013]|\d{1,2}[.)])\s+")
_DEFINED = re.compile(r"\s*\(\s*([^\s()]{2,10})\s*\)")


class Mention(NamedTuple):
    concept: str
    start: int
    end: int
    surface: str
    negated: bool
    sentence: int


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


def _negated(text: str, start: int) -> bool:
    """A negation cue a few words before `start`, with no clause break in between."""
    before = text[max(0, start - 120) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    newline = text.rfind("\n", start - len(before), start)
    if newline >= 0:  # a heading line ends a clause too
        heading = text[text.rfind("\n", 0, newline) + 1 : newline]
        if len(heading.strip()) < HEADING_LENGTH:
            before = text[newline:start]
    words = _WORD.findall(_NOT_NEGATING.sub(" ", before.lower()))[-NEGATION_WINDOW:]
    return any(_NEGATION.search(word.replace("\u2019", "'")) for word in words)


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
    """Every mention of a concept in `text`, with abbreviations the text defines, negation
    and the sentence it is in."""
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
            _negated(text, m.start),
            bisect.bisect_right(starts, m.start) - 1,
        )
        for m in matches
    ]
