"""Negation and hedging of a span of an article, in the manner of ConText (Harkema et al.
2009): trigger phrases, read from data/lexicon/context.tsv, govern the words within their
scope, forward or backward to the end of the clause.

- `negated(text, start, end)`: an odd number of negations govern the span ("not true that it
  carries no risk" affirms the risk);
- `hedged(text, start, end)`: a hedge governs it ("may", "is thought to", "some researchers
  argue that ...").

The rules for clauses, lists and double negation are in docs/coverage.md."""

from __future__ import annotations

import bisect
import csv
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from kg.coverage.sentences import sentence_starts
from kg.errors import DataError
from kg.files import DATA_DIR

__all__ = ["RULES_FILE", "hedged", "negated", "read_rules"]

RULES_FILE = DATA_DIR / "lexicon" / "context.tsv"
CATEGORIES = ("negation", "pseudo-negation", "hedge", "terminator")
DIRECTIONS = ("forward", "backward", "both")
# A comma piece this many words or fewer can be an item of a list a negation governs.
LIST_ITEM_WORDS = 5

# Brackets break a clause, except inside a name: "(2R,6R)-HNK", "(R)-ketamine".
_CLAUSE_BREAK = re.compile(r"[;:\[\]\u2014]|\((?![^()\s]*\)[\w-])|\)(?![\w-])|\s[\u2013-]\s")
_COORDINATOR = re.compile(r"\b(?:or|nor)\b", re.IGNORECASE)
_ANY_COORDINATOR = re.compile(r"\s(?:and|or|nor)\b", re.IGNORECASE)
# A negation in the clause a "that" opens ("it is not true that it carries no risk") is
# governed by the negation before it; otherwise a later negation starts a scope of its own.
_THAT = re.compile(r"\bthat\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")


class Rule(NamedTuple):
    phrase: str
    category: str
    direction: str


class _Trigger(NamedTuple):
    start: int
    end: int
    category: str
    direction: str

    def looks(self, direction: str) -> bool:
        return self.direction in (direction, "both")


class _Reading(NamedTuple):
    """What every question about one text needs: its sentences, clause breaks and triggers."""

    sentences: list[int]
    break_starts: list[int]
    break_ends: list[int]
    triggers: list[_Trigger]
    trigger_starts: list[int]


@cache
def read_rules(path: Path = RULES_FILE) -> tuple[Rule, ...]:
    """The trigger rules of the file, checked: a bad line is named with what is wrong."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as problem:
        raise DataError(path, f"cannot read the negation and hedging rules: {problem}") from None
    rules = []
    header_seen = False
    for number, row in enumerate(csv.reader(lines, delimiter="\t"), start=1):
        if not row or not "".join(row).strip() or row[0].startswith("#"):
            continue
        if not header_seen:
            if row != ["phrase", "category", "direction"]:
                raise DataError(path, "the header must be phrase, category, direction", number)
            header_seen = True
            continue
        if len(row) != 3:
            raise DataError(path, f"expected 3 tab-separated fields, found {len(row)}", number)
        phrase, category, direction = (field.strip() for field in row)
        if not _WORD.search(phrase):
            raise DataError(path, f"the phrase {phrase!r} has no word", number)
        if category not in CATEGORIES:
            raise DataError(
                path, f"unknown category {category!r} (one of {', '.join(CATEGORIES)})", number
            )
        if direction not in DIRECTIONS:
            raise DataError(
                path, f"unknown direction {direction!r} (one of {', '.join(DIRECTIONS)})", number
            )
        rules.append(Rule(phrase.lower(), category, direction))
    return tuple(rules)


@cache
def _trigger_pattern() -> tuple[re.Pattern[str], dict[str, Rule]]:
    """One expression for every phrase, longest first, so the longest wins where two start."""
    by_phrase = {rule.phrase: rule for rule in read_rules()}
    alternatives = [
        r"[\s\-]+".join(re.escape(word).replace("'", "['\u2019]") for word in phrase.split())
        for phrase in sorted(by_phrase, key=len, reverse=True)
    ]
    words = "|".join(alternatives)
    return re.compile(rf"(?<![^\W_])(?:{words})(?![^\W_])", re.IGNORECASE), by_phrase


def _phrase_of(found: str) -> str:
    return " ".join(re.split(r"[\s\-]+", found.lower().replace("\u2019", "'")))


@lru_cache(maxsize=16)
def _read(text: str) -> _Reading:
    pattern, by_phrase = _trigger_pattern()
    sentences = sentence_starts(text)
    triggers = []
    for found in pattern.finditer(text):
        word = found.group()
        # "May 2019" is a month and "No" inside a title a name: a capitalised trigger counts
        # only where a sentence starts (or in capitals for emphasis, "NOT an opioid").
        capitalised = word[0].isupper() and not word.isupper()
        if capitalised and not _starts_sentence(text, sentences, found.start()):
            continue
        rule = by_phrase[_phrase_of(word)]
        triggers.append(_Trigger(found.start(), found.end(), rule.category, rule.direction))
    breaks = list(_CLAUSE_BREAK.finditer(text))
    return _Reading(
        sentences,
        [b.start() for b in breaks],
        [b.end() for b in breaks],
        triggers,
        [t.start for t in triggers],
    )


def _starts_sentence(text: str, sentences: list[int], offset: int) -> bool:
    sentence = sentences[bisect.bisect_right(sentences, offset) - 1]
    return not text[sentence:offset].strip(" \t\n\"'\u201c\u2018*#>-")


class _Clause(NamedTuple):
    start: int
    end: int
    triggers: list[_Trigger]  # those of the clause, outside the span asked about


def _clause(text: str, start: int, end: int) -> tuple[_Reading, _Clause]:
    """The clause around a span: within its sentence, between clause breaks and terminators."""
    reading = _read(text)
    index = bisect.bisect_right(reading.sentences, start) - 1
    first = reading.sentences[index]
    last = reading.sentences[index + 1] if index + 1 < len(reading.sentences) else len(text)
    clause_start, clause_end = first, last
    before = bisect.bisect_right(reading.break_ends, start) - 1
    if before >= 0:
        clause_start = max(first, reading.break_ends[before])
    after = bisect.bisect_left(reading.break_starts, end)
    if after < len(reading.break_starts):
        clause_end = min(last, reading.break_starts[after])
    lo = bisect.bisect_left(reading.trigger_starts, clause_start)
    hi = bisect.bisect_left(reading.trigger_starts, clause_end)
    triggers: list[_Trigger] = []
    for trigger in reading.triggers[lo:hi]:
        if trigger.end > clause_end or (trigger.start < end and trigger.end > start):
            continue
        if trigger.category == "terminator":
            if trigger.end <= start:
                clause_start, triggers = trigger.end, []
                continue
            clause_end = trigger.start
            break
        triggers.append(trigger)
    return reading, _Clause(clause_start, clause_end, triggers)


def negated(text: str, start: int, end: int) -> bool:
    """Whether the span `text[start:end]` is negated: an odd number of negations govern it."""
    _, clause = _clause(text, start, end)
    negations = [t for t in clause.triggers if t.category == "negation"]
    governing = 0
    for index, trigger in enumerate(negations):
        if trigger.end <= start and trigger.looks("forward"):
            governing += start < _forward_end(text, trigger, negations[index + 1 :], clause.end)
        elif trigger.start >= end and trigger.looks("backward"):
            governing += start >= _backward_start(text, trigger, negations[:index], clause.start)
    return governing % 2 == 1


def hedged(text: str, start: int, end: int) -> bool:
    """Whether the span `text[start:end]` is hedged: a hedge of its clause governs it."""
    _, clause = _clause(text, start, end)
    return any(
        trigger.category == "hedge"
        and (
            (trigger.end <= start and trigger.looks("forward"))
            or (trigger.start >= end and trigger.looks("backward"))
        )
        for trigger in clause.triggers
    )


def _forward_end(text: str, trigger: _Trigger, later: list[_Trigger], clause_end: int) -> int:
    """Where a forward negation's scope ends: at a later negation that starts a scope of its
    own, or at the first comma unless the comma is in a list closed by "or" or "nor"."""
    limit = clause_end
    if later and not _THAT.search(text, trigger.end, later[0].start):
        limit = later[0].start
    first, *rest = text[trigger.end : limit].split(",")
    if not rest:
        return limit
    position = trigger.end + len(first) + 1
    for piece in rest:
        if _COORDINATOR.search(piece):
            return position + len(piece)
        if len(_WORD.findall(piece)) > LIST_ITEM_WORDS:
            break
        position += len(piece) + 1
    return trigger.end + len(first)


def _backward_start(
    text: str, trigger: _Trigger, earlier: list[_Trigger], clause_start: int
) -> int:
    """Where a backward negation's scope starts: after an earlier negation that has a scope of
    its own, or at the last comma unless the words before it are a list ("psychosis, mania
    and bipolar disorder were excluded")."""
    limit = clause_start
    if earlier and not _THAT.search(text, earlier[-1].end, trigger.start):
        limit = earlier[-1].end
    *rest, last = text[limit : trigger.start].split(",")
    start = trigger.start - len(last)
    opens_with_coordinator = _ANY_COORDINATOR.match(" " + last.lstrip())
    if rest and _ANY_COORDINATOR.search(last) and not opens_with_coordinator:
        for piece in reversed(rest):
            if len(_WORD.findall(piece)) > LIST_ITEM_WORDS:
                break
            start -= len(piece) + 1
    return start
