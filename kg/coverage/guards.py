"""Guards for broad names, kept in data/lexicon/guards.tsv: a name the lexicon gives a concept
that, in some contexts, means something else ("a saline infusion in the control arm" is not an
intravenous ketamine infusion; "local anaesthetic" is not general anaesthesia). A mention in
such a context is not a mention of the concept.

Each row names a concept, the written forms it guards (case and hyphens aside) and a context:
words around `_`, the mention, in the alternation syntax of `forms.alternatives`:
"(saline|placebo) _" guards the words right before, "_ (foam|card)" the words right after,
"in _ of" both.
"""

from __future__ import annotations

import re
from collections.abc import Container
from pathlib import Path
from typing import NamedTuple

from kg.coverage.forms import CONCEPT, alternatives, read_table
from kg.errors import DataError

__all__ = ["Guard", "Guards", "load_guards"]

MENTION = "_"
# How far from a mention a context may reach, in characters.
_REACH = 100
_GAP = r"[\s\-\u2010-\u2015]+"


class Guard(NamedTuple):
    concept: str  # IRI
    written: frozenset[str]  # the forms it guards, folded
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    line: int


def _folded(written: str) -> str:
    return " ".join(written.casefold().replace("-", " ").split())


def _side(phrases: set[str], before: bool) -> re.Pattern[str] | None:
    """One pattern for the words on one side of the mention, flush against it."""
    if phrases == {""}:
        return None
    words = sorted((_GAP.join(map(re.escape, p.split())) for p in phrases), key=len, reverse=True)
    either = "|".join(w for w in words if w)
    optional = "?" if "" in phrases else ""
    if before:
        return re.compile(rf"(?:(?<![^\W_])(?:{either}){_GAP}){optional}\Z", re.IGNORECASE)
    return re.compile(rf"(?:{_GAP}(?:{either})(?![^\W_])){optional}", re.IGNORECASE)


class Guards:
    """The guards of a guard table, by concept."""

    def __init__(self, guards: list[Guard]):
        self.guards = guards
        self._by_concept: dict[str, list[Guard]] = {}
        for guard in guards:
            self._by_concept.setdefault(guard.concept, []).append(guard)

    def blocks(self, text: str, start: int, end: int, concept: str) -> bool:
        """Whether the mention text[start:end] of `concept` stands in a guarded context."""
        guards = self._by_concept.get(concept)
        if not guards:
            return False
        written = _folded(text[start:end])
        return any(
            written in guard.written
            and (guard.before is None or guard.before.search(text[max(0, start - _REACH) : start]))
            and (guard.after is None or guard.after.match(text, end, end + _REACH))
            for guard in guards
        )


def load_guards(path: Path, concepts: Container[str] | None = None) -> Guards:
    """The guards of a guard table, for `concepts` only if given; a bad row is reported with
    its file and line."""
    guards = []
    for number, row in read_table(path, ("concept", "written", "context", "note")):
        if not row["concept"].startswith("concept:"):
            raise DataError(path, f"'{row['concept']}' is not a concept:<name> CURIE", number)
        try:
            written = frozenset(_folded(w) for w in alternatives(row["written"]))
            contexts = alternatives(row["context"])
        except ValueError as error:
            raise DataError(path, str(error), number) from error
        befores, afters = set(), set()
        for context in contexts:
            words = context.split()
            if words.count(MENTION) != 1 or len(words) == 1:
                raise DataError(path, f"the context '{context}' needs words around one _", number)
            at = words.index(MENTION)
            befores.add(" ".join(words[:at]))
            afters.add(" ".join(words[at + 1 :]))
        if len(befores) > 1 and len(afters) > 1:
            raise DataError(path, "a context varies on one side of _ only: split the row", number)
        iri = CONCEPT + row["concept"].removeprefix("concept:")
        if concepts is not None and iri not in concepts:
            continue
        guards.append(Guard(iri, written, _side(befores, True), _side(afters, False), number))
    return Guards(guards)
