"""Find the names of a lexicon in text: one Aho-Corasick pass over a normal form of the text in
which every word boundary is marked, so that only whole-word matches come out of the automaton.

The normal form folds case, makes curly quotes and the micro sign plain, drops hyphens (so
"neuro-plasticity" meets "neuroplasticity") and whitespace (a dash counts as whitespace), and
puts one marker character at each word boundary. Names go through the same function, once for
each way of writing their spaces and hyphens (space or nothing) and with their plural endings,
so that an automaton match is already a mention; an offset map from the normal form back to the
text keeps every span pointing into the original characters.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

import ahocorasick
import numpy as np
import numpy.typing as npt

__all__ = ["Match", "Matcher", "Name", "normal_form"]

MARK = "\x01"
_MARK_CODE = ord(MARK)
_SPACE, _HYPHEN = ord(" "), ord("-")
_PLAIN: dict[str, str] = {
    **dict.fromkeys("\u2010\u2011\u2012\u2212\u00ad", "-"),
    # en and em dashes set words apart ("anxiety\u2014hopelessness"), as a space does
    **dict.fromkeys("\u2013\u2014\u2015", " "),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
    **dict.fromkeys("\t\n\r\f\v\x01\u00a0\u2002\u2003\u2009\u200a\u202f\u3000", " "),
    "\u00b5": "\u03bc",  # the micro sign and Greek mu are the same letter to a reader
}
_TABLE = np.arange(0x10000, dtype=np.uint32)
for _char, _plain in _PLAIN.items():
    _TABLE[ord(_char)] = ord(_plain)
_ASCII_WORD = np.array([chr(c).isalnum() for c in range(128)])
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u00ad]+")
# Names that match only in capitals: no spaces, and mostly capital letters (NMDA, BDNF, SSRIs,
# mTOR, TrkB, LHb), so that "trd" or "kap" in running text is not a mention.
_ABBREVIATION = re.compile(r"\S{2,8}")
# A name with more separators than this is written only with all of them, or none.
_MOST_VARIANTS = 8


class Name(NamedTuple):
    """One name of one concept, as the lexicon gives it."""

    concept: str
    name: str


class Match(NamedTuple):
    """A name found in the text: [start, end) are offsets into the original text."""

    concept: str
    start: int
    end: int
    name: str


class _Entry(NamedTuple):
    concept: str
    name: str
    exact: str | None  # the name without separators, case kept, for capitals-only names


def _is_abbreviation(name: str) -> bool:
    upper = sum(c.isupper() for c in name)
    lower = sum(c.islower() for c in name)
    return bool(_ABBREVIATION.fullmatch(name)) and upper >= 2 and upper > lower


def _word_chars(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    """Which characters are letters or digits (Unicode's idea, as str.isalnum)."""
    words = np.zeros(len(codes), dtype=bool)
    ascii_chars = codes < 128
    words[ascii_chars] = _ASCII_WORD[codes[ascii_chars]]
    others = ~ascii_chars
    if others.any():
        unique, inverse = np.unique(codes[others], return_inverse=True)
        words[others] = np.array([chr(c).isalnum() for c in unique.tolist()])[inverse]
    return words


def normal_form(text: str) -> tuple[str, npt.NDArray[np.int64]]:
    """The normal form of `text` and, for each of its characters, the offset in `text` it
    stands for (a marker stands for the character after it).

    >>> normal, offsets = normal_form("Neuro-plasticity\\u2019s rise")
    >>> normal.replace(MARK, "|"), offsets.tolist()[:3]
    ("|neuroplasticity|'|s|rise|", [0, 0, 1])
    """
    folded = text.casefold()
    if len(folded) != len(text):
        # Rare: a character whose folding is longer ("ß", "İ"); fold it on its own.
        pieces = [(char.casefold() or " ", index) for index, char in enumerate(text)]
        folded = "".join(piece[:1] for piece, _ in pieces)
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    basic = codes < 0x10000
    codes = np.where(basic, _TABLE[np.where(basic, codes, 0)], codes)
    hyphens = codes == _HYPHEN
    doubled = hyphens[1:] & hyphens[:-1]  # "--" stands in for a dash
    hyphens[1:] &= ~doubled
    hyphens[:-1] &= ~doubled
    spaces = (codes == _SPACE) | ((codes == _HYPHEN) & ~hyphens)
    kept = np.flatnonzero(~spaces & ~hyphens)
    if not len(kept):
        return "", np.zeros(0, dtype=np.int64)
    chars = codes[kept]
    words = _word_chars(chars)
    spaced = np.cumsum(spaces)[kept]
    gap = np.ones(len(kept) + 1, dtype=bool)  # a boundary before each kept char, and at the end
    gap[1:-1] = spaced[1:] != spaced[:-1]
    before = np.empty(len(kept) + 1, dtype=bool)
    before[:-1] = words
    before[-1] = False
    after = np.empty(len(kept) + 1, dtype=bool)
    after[0] = False
    after[1:] = words
    # a marker where a word starts or ends: beside a letter, and at a space or a non-letter
    marked = (before | after) & (gap | (before != after))
    position = np.arange(len(kept)) + np.cumsum(marked[:-1])
    size = len(kept) + int(marked.sum())
    normal = np.full(size, _MARK_CODE, dtype=np.uint32)
    normal[position] = chars
    offsets = np.full(size, len(text), dtype=np.int64)
    offsets[position] = kept
    starts = np.flatnonzero(marked[:-1])
    offsets[position[starts] - 1] = kept[starts]
    return normal.tobytes().decode("utf-32-le"), offsets


def _spellings(name: str) -> set[str]:
    """The ways a name can be written: each space or hyphen as written, or left out, and with
    a plural ending."""
    parts = _SEPARATORS.split(unicodedata.normalize("NFC", name).strip())
    joins = [" ", ""]
    gaps = len(parts) - 1
    choices = itertools.product(joins, repeat=gaps) if gaps <= _MOST_VARIANTS else [[" "] * gaps]
    spellings = set()
    for chosen in choices:
        spelling = parts[0] + "".join(j + p for j, p in zip(chosen, parts[1:], strict=True))
        spellings.add(spelling)
        if spelling[-1:].isalnum():
            spellings.add(spelling + "s")
            if re.search(r"(s|x|z|ch|sh)$", spelling, re.IGNORECASE):
                spellings.add(spelling + "es")
    return spellings


class Matcher:
    """An automaton over every spelling of every name; `find` gives the mentions in a text."""

    def __init__(self, names: Iterable[Name]):
        entries: dict[str, set[_Entry]] = {}
        for concept, name in names:
            exact = _SEPARATORS.sub("", name) if _is_abbreviation(name) else None
            for spelling in _spellings(name):
                key = normal_form(spelling)[0]
                if key:
                    entries.setdefault(key, set()).add(_Entry(concept, name, exact))
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        # Per key, by the number the automaton gives back: how far back from the automaton's
        # end position the match starts and ends (a trailing marker is not part of the name),
        # and the concepts it names.
        self._reach_back = np.zeros((len(entries), 2), dtype=np.int64)
        self._entries: list[tuple[_Entry, ...]] = []
        for number, (key, found) in enumerate(entries.items()):
            self.automaton.add_word(key, number)
            self._reach_back[number] = (len(key) - 1, int(key.endswith(MARK)))
            self._entries.append(tuple(sorted(found)))
        self.automaton.make_automaton()
        self._checked = np.array([any(e.exact for e in found) for found in self._entries], bool)
        self.size = len(entries)

    def find(self, text: str) -> list[Match]:
        """Every mention of a name in `text`, the longest where they overlap, in text order."""
        normal, offsets = normal_form(text)
        hits = np.array(list(self.automaton.iter(normal)), dtype=np.int64).reshape(-1, 2)
        lasts, numbers = hits[:, 0], hits[:, 1]
        starts = offsets[lasts - self._reach_back[numbers, 0]]
        ends = offsets[lasts - self._reach_back[numbers, 1]] + 1
        order = np.lexsort((-ends, starts))
        mentions: list[Match] = []
        reach = -1
        checked = self._checked[numbers]
        for start, end, number, check in zip(
            starts[order].tolist(),
            ends[order].tolist(),
            numbers[order].tolist(),
            checked[order].tolist(),
            strict=True,
        ):
            if start < reach:
                continue
            entries = self._entries[number]
            if check:
                entries = tuple(e for e in entries if _same_capitals(text[start:end], e.exact))
            if entries:
                # A name that several concepts share is a mention of the first of them.
                mentions.append(Match(entries[0].concept, start, end, entries[0].name))
                reach = end
        return mentions


def _same_capitals(written: str, exact: str | None) -> bool:
    bare = _SEPARATORS.sub("", written)
    return exact is None or bare in (exact, exact + "s", exact + "es")
