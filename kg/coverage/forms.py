"""Ways of writing a concept that the lexicon does not list, kept in data/lexicon/ and applied
when the matcher is built:

- `rules.tsv`: derivation, spelling and plural rules, so "dissociation" also matches
  "dissociative", "anaesthetic" also "anesthetic" and "subanaesthetic", "hippocampus" also
  "hippocampi" (`Rules.forms`);
- `paraphrases.tsv`: everyday phrasings of effects and side effects ("throwing up" for
  vomiting), written with a small alternation syntax that `alternatives` expands:
  "(feeling|felt) (sleepy|drowsy)" is four phrases, and "(|a bit )" makes words optional.

Each file is a tab-separated table with a header; lines starting with `#` document it.
"""

from __future__ import annotations

import bisect
import csv
import functools
import itertools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import ahocorasick

from kg.errors import DataError
from kg.files import DATA_DIR

__all__ = [
    "CONCEPT",
    "LEXICON_DIR",
    "Paraphrase",
    "Rules",
    "alternatives",
    "load_paraphrases",
    "load_rules",
    "read_table",
    "shipped_rules",
]

LEXICON_DIR = DATA_DIR / "lexicon"
CONCEPT = "https://w3id.org/treatment-kg/concept/"
KINDS = ("derived", "spelling", "plural")
# More forms than this for one name means the rules feed on each other: keep the first ones.
MOST_FORMS = 64
_GROUP = re.compile(r"\(([^()]*)\)")
_STAR = "*"


def read_table(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a tab-separated table, each with its line number; `#` lines are comments."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(path, f"cannot be read: {error}") from error
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and line[0] != "#"]
    if not numbered or tuple(numbered[0][1].split("\t")) != columns:
        first = numbered[0][0] if numbered else None
        raise DataError(path, f"needs the header {'<tab>'.join(columns)}", first)
    rows = []
    for number, line in numbered[1:]:
        cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) != len(columns) or not all(cells[:-1]):
            raise DataError(path, f"needs {len(columns)} cells, the last may be empty", number)
        rows.append((number, dict(zip(columns, cells, strict=True))))
    return rows


def alternatives(pattern: str) -> list[str]:
    """Every phrase a pattern stands for: "(a|b) c" is "a c" and "b c"; an empty choice makes
    the words optional, and double spaces it leaves are closed.

    >>> alternatives("(feeling|felt) (|very )sleepy")
    ['feeling sleepy', 'feeling very sleepy', 'felt sleepy', 'felt very sleepy']
    """
    if re.search(r"[()|]", _GROUP.sub("", pattern)):
        raise ValueError(f"unbalanced brackets or '|' outside brackets: {pattern!r}")
    pieces = _GROUP.split(pattern)  # text, choices, text, choices, ..., text
    options = [[p] if i % 2 == 0 else p.split("|") for i, p in enumerate(pieces)]
    return [" ".join("".join(chosen).split()) for chosen in itertools.product(*options)]


class _Rule(NamedTuple):
    pattern: re.Pattern[str]
    replacement: str
    literal: str  # what the pattern needs to find, to pick out names worth trying
    ends_word: bool  # whether the literal ends a word where the rule applies

    def give(self, form: str) -> str | None:
        """The form the rule gives, or None where it does not apply."""
        if self.literal not in form or not self.pattern.search(form):
            return None
        return self.pattern.sub(self.replacement, form)


def _rule(kind: str, written: str, also: str) -> _Rule:
    """A rule as a regular expression: derived rules take the whole name, plural rules its
    last word, spelling rules any word."""
    stem = r"(\S*)"
    body = stem.join(re.escape(part) for part in written.split(_STAR))
    start, end = {
        "derived": ("^", "$"),
        "plural": (r"(?<!\S)", "$"),
        "spelling": (r"(?<!\S)", r"(?!\S)"),
    }[kind]
    groups = iter(range(1, written.count(_STAR) + 1))
    replacement = re.sub(r"\*", lambda _: f"\\g<{next(groups)}>", also.replace("\\", r"\\"))
    literal = max(written.split(_STAR), key=len)
    ends_word = not written.endswith(_STAR) and written.endswith(literal)
    return _Rule(re.compile(start + body + end), replacement, literal, ends_word)


class Rules:
    """The rules of rules.tsv, ready to apply to names."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]):
        self.derived: list[_Rule] = []
        self.plural: list[_Rule] = []
        self.spelling: list[tuple[_Rule, _Rule]] = []  # both ways
        for kind, written, also in rows:
            if kind == "spelling":
                # the way with the longer literal first: "anti-*" before "anti*"
                ways = sorted(
                    [_rule(kind, written, also), _rule(kind, also, written)],
                    key=lambda way: -len(way.literal),
                )
                self.spelling.append((ways[0], ways[1]))
            else:
                getattr(self, kind).append(_rule(kind, written, also))
        self._triggers = ahocorasick.Automaton()
        rules = [*self.derived, *self.plural, *itertools.chain(*self.spelling)]
        ends_word = {rule.literal: False for rule in rules if not rule.ends_word}
        for rule in rules:
            ends = ends_word.get(rule.literal, rule.ends_word)
            self._triggers.add_word(rule.literal, (rule.literal, ends))
        if rules:
            self._triggers.make_automaton()

    def forms(self, names: list[str]) -> dict[int, list[str]]:
        """For each name (by its index) that the rules touch, the other forms they give it:
        derived words first, then other spellings of them all, then plurals."""
        if not len(self._triggers):
            return {}
        joined = "\n".join(names) + "\n"
        line_ends = [m.start() for m in re.finditer("\n", joined)]
        touched: dict[int, set[str]] = {}  # name index -> the literals found in it
        for end, (literal, ends_word) in self._triggers.iter(joined):
            if not (ends_word and joined[end + 1].isalnum()):
                touched.setdefault(bisect.bisect_left(line_ends, end), set()).add(literal)
        found = {}
        for index, literals in sorted(touched.items()):
            others = self._forms(names[index], literals)
            if others:
                found[index] = others
        return found

    def _forms(self, name: str, literals: set[str]) -> list[str]:
        """The other forms of a name in which `literals` were found."""
        derived = (r.give(name) for r in self.derived if r.literal in literals)
        forms = dict.fromkeys([name, *filter(None, derived)])
        for forward, backward in self.spelling:
            if len(forms) > 1 or forward.literal in literals or backward.literal in literals:
                for form in list(forms):
                    variant = forward.give(form) or backward.give(form)
                    if variant:
                        forms[variant] = None
        for rule in self.plural:
            if len(forms) > 1 or rule.literal in literals:
                for form in list(forms):
                    variant = rule.give(form)
                    if variant:
                        forms[variant] = None
        return list(forms)[1:MOST_FORMS]


def load_rules(path: Path) -> Rules:
    """The rules of a rules table; a bad row is reported with its file and line."""
    rows = []
    for number, row in read_table(path, ("kind", "written", "also", "note")):
        kind, written, also = row["kind"], row["written"], row["also"]
        if kind not in KINDS:
            raise DataError(path, f"unknown kind '{kind}': use one of {', '.join(KINDS)}", number)
        if written.count(_STAR) != also.count(_STAR) or _STAR not in written:
            raise DataError(path, f"'{written}' and '{also}' need the same number of '*'", number)
        rows.append((kind, written, also))
    return Rules(rows)


@functools.cache
def shipped_rules() -> Rules:
    """The rules of data/lexicon/rules.tsv, read once."""
    return load_rules(LEXICON_DIR / "rules.tsv")


class Paraphrase(NamedTuple):
    concept: str  # IRI
    phrase: str
    line: int


def load_paraphrases(path: Path) -> list[Paraphrase]:
    """Every phrase of a paraphrase table, its alternations expanded."""
    found = []
    for number, row in read_table(path, ("concept", "paraphrase", "note")):
        if not row["concept"].startswith("concept:"):
            raise DataError(path, f"'{row['concept']}' is not a concept:<name> CURIE", number)
        try:
            phrases = alternatives(row["paraphrase"])
        except ValueError as error:
            raise DataError(path, str(error), number) from error
        iri = CONCEPT + row["concept"].removeprefix("concept:")
        found += [Paraphrase(iri, phrase, number) for phrase in phrases]
    return found
