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

from kg.coverage.forms import Rules, shipped_rules
from kg.coverage.guards import Guards

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
_NAME_BREAK = "\x00"
_S, _E = ord("s"), ord("e")
_TAKES_ES = ("s", "x", "z", "ch", "sh")
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
    codes, offsets = _normal_codes(text)
    return codes.tobytes().decode("utf-32-le"), offsets


def _normal_codes(text: str) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    """The normal form as character codes, with its offsets."""
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
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
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
    return normal, offsets


def _key(spelling: str) -> str:
    """The automaton's key for one spelling of a name: its normal form without the marker at
    its end, so that the plural endings can be checked where it is found. Most names are
    plain letters, digits and single spaces, whose normal form needs no numpy."""
    if spelling.isascii() and spelling.replace(" ", "").isalnum():
        return MARK + spelling.lower().replace(" ", MARK)
    return normal_form(spelling)[0].removesuffix(MARK)


def _joins(name: str) -> list[str]:
    """The ways a name can be written: each space (the lexicon's spaces and hyphens, made
    spaces) as written, or left out."""
    gaps = name.count(" ")
    if gaps == 0:
        return [name]
    if gaps == 1:
        return [name, name.replace(" ", "")]
    parts = name.split(" ")
    choices = itertools.product(" _", repeat=gaps) if gaps <= _MOST_VARIANTS else [" " * gaps]
    return [
        parts[0] + "".join(j.strip("_") + p for j, p in zip(chosen, parts[1:], strict=True))
        for chosen in choices
    ]


def _written(names: list[Name]) -> list[str]:
    """Each name in NFC with its separators made single spaces, all in one pass."""
    joined = _NAME_BREAK.join(name for _, name in names)
    if joined.count(_NAME_BREAK) != max(len(names) - 1, 0):
        raise ValueError("a name of the lexicon holds a NUL character")
    joined = _SEPARATORS.sub(" ", unicodedata.normalize("NFC", joined))
    return re.sub(f" ?{_NAME_BREAK} ?", _NAME_BREAK, joined).strip(" ").split(_NAME_BREAK)


class Matcher:
    """An automaton over every spelling of every name; `find` gives the mentions in a text.

    The rules (data/lexicon/rules.tsv unless given) add derived forms, spellings and plurals
    of each name; guards (none unless given) drop mentions whose context says they mean
    something else."""

    def __init__(
        self, names: Iterable[Name], rules: Rules | None = None, guards: Guards | None = None
    ):
        self._names = list(names)
        self._guards = guards
        written = _written(self._names)
        forms = {
            index: [_SEPARATORS.sub(" ", form).strip() for form in others]
            for index, others in (shipped_rules() if rules is None else rules)
            .forms([name for _, name in self._names])
            .items()
        }
        numbers: dict[str, int] = {}
        # per key, by the number the automaton gives back: the names it stands for
        self._owners: list[tuple[int, ...]] = []
        self._exact: dict[int, str] = {}  # name index -> the name without separators
        checked = set()
        for index, (name, plain) in enumerate(zip(self._names, written, strict=True)):
            exact = None
            if 2 <= len(name.name) <= 8 and _is_abbreviation(name.name):
                exact = self._exact[index] = _SEPARATORS.sub("", name.name)
            for form in [plain, *forms[index]] if index in forms else [plain]:
                for spelling in _joins(form):
                    key = _key(spelling)
                    if not key:
                        continue
                    number = numbers.setdefault(key, len(self._owners))
                    if number == len(self._owners):
                        self._owners.append((index,))
                    elif index not in self._owners[number]:
                        self._owners[number] += (index,)
                    if exact:
                        checked.add(number)
        for number, owners in enumerate(self._owners):
            if len(owners) > 1:
                # A name that several concepts share is a mention of the first of them.
                self._owners[number] = tuple(sorted(owners, key=lambda i: self._names[i]))
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for key, number in numbers.items():
            self.automaton.add_word(key, number)
        self.automaton.make_automaton()
        keys = list(numbers)
        self._lengths = np.array([len(key) for key in keys], dtype=np.int64)
        # a key that ends in a letter or digit must be followed by a word's end, or a plural
        self._open = np.array([key[-1].isalnum() for key in keys], dtype=bool)
        self._takes_es = np.array([key.endswith(_TAKES_ES) for key in keys], dtype=bool)
        self._checked = np.zeros(len(keys), dtype=bool)
        self._checked[list(checked)] = True
        self.size = len(keys)

    def find(self, text: str) -> list[Match]:
        """Every mention of a name in `text`, the longest where they overlap, in text order."""
        codes, offsets = _normal_codes(text)
        normal = codes.tobytes().decode("utf-32-le")
        hits = np.array(list(self.automaton.iter(normal)), dtype=np.int64).reshape(-1, 2)
        lasts, numbers = hits[:, 0], hits[:, 1]
        # what follows each hit: a marker (the word ends), or a plural ending and a marker
        after = np.concatenate([codes, np.zeros(3, dtype=np.uint32)])
        first, second, third = after[lasts + 1], after[lasts + 2], after[lasts + 3]
        plural_s = (first == _S) & (second == _MARK_CODE)
        plural_es = self._takes_es[numbers] & (first == _E) & (second == _S) & (third == _MARK_CODE)
        opened = self._open[numbers]
        kept = ~opened | (first == _MARK_CODE) | plural_s | plural_es
        extra = np.where(plural_es, 2, np.where(plural_s, 1, 0)) * opened
        lasts, numbers, extra = lasts[kept], numbers[kept], extra[kept]
        starts = offsets[lasts - self._lengths[numbers] + 1]
        ends = offsets[lasts + extra] + 1
        # the longest first; of two as long, the one written without a plural ending
        order = np.lexsort((extra, -ends, starts))
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
            owners = self._owners[number]
            if check:
                written = text[start:end]
                owners = tuple(i for i in owners if _same_capitals(written, self._exact.get(i)))
            if owners:
                concept, name = self._names[owners[0]]
                reach = end
                if self._guards is None or not self._guards.blocks(text, start, end, concept):
                    mentions.append(Match(concept, start, end, name))
        return mentions


def _same_capitals(written: str, exact: str | None) -> bool:
    bare = _SEPARATORS.sub("", written)
    return exact is None or bare in (exact, exact + "s", exact + "es")
