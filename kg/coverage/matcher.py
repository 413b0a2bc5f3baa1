"""Find the names of a lexicon in text: one Aho-Corasick pass over a normal form of the text in
which every word boundary is marked, so that only whole-word matches come out of the automaton.

The normal form folds case, makes curly quotes and the micro sign plain, drops whitespace and
hyphens (a hyphen or dash sets words apart as a space does, so "dendritic-spine" meets
"dendritic spine") and puts one marker character at each word boundary. Names go through the
same function, with the forms data/lexicon/rules.tsv gives them, and a name written with
hyphens also closed up ("MK-801" as "MK801"); a plural ending is checked where a name is found.
An offset map from the normal form back to the text keeps every span pointing into the
original characters.
"""

from __future__ import annotations

import bisect
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
_HYPHENS = re.compile(r"[\-\u2010\u2011\u2012\u2212\u00ad]+")
_S, _E = ord("s"), ord("e")
# "-es" follows s, x, z, ch and sh
_ENDS_TAKING_ES = np.array([ord(c) for c in "sxz"], dtype=np.uint32)
_NOT_PLAIN = re.compile("[^a-zA-Z0-9 \n]")


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
    if not _ABBREVIATION.fullmatch(name):
        return False
    upper = sum(map(str.isupper, name))
    return upper >= 2 and upper > sum(map(str.islower, name))


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
    ("|neuro|plasticity|'|s|rise|", [0, 0, 1])
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
    spaces = (codes == _SPACE) | (codes == _HYPHEN)
    kept = np.flatnonzero(~spaces)
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


def _keys(spellings: list[str]) -> list[str]:
    """The automaton's key for each spelling of a name: its normal form without the marker at
    its end, so that plural endings can be checked where a key is found. Spellings of plain
    letters, digits and single spaces, nearly all of them, are keyed in one pass without numpy."""
    joined = "\n".join(spellings)
    keys = (MARK + joined.lower().replace(" ", MARK).replace("\n", "\n" + MARK)).split("\n")
    lines = [m.start() for m in re.finditer("\n", joined)] if _NOT_PLAIN.search(joined) else []
    for found in _NOT_PLAIN.finditer(joined):
        line = bisect.bisect_left(lines, found.start())
        keys[line] = normal_form(spellings[line])[0].removesuffix(MARK)
    return keys


def _written(names: list[str]) -> tuple[list[str], set[int]]:
    """Each name in NFC with its separators made single spaces, all in one pass; and which
    names have a hyphen, to be matched closed up too."""
    joined = _NAME_BREAK.join(names)
    if joined.count(_NAME_BREAK) != max(len(names) - 1, 0):
        raise ValueError("a name of the lexicon holds a NUL character")
    if not joined.isascii():
        joined = unicodedata.normalize("NFC", joined)
    breaks = [m.start() for m in re.finditer(_NAME_BREAK, joined)]
    hyphenated = {bisect.bisect_left(breaks, m.start()) for m in _HYPHENS.finditer(joined)}
    joined = _SEPARATORS.sub(" ", joined)
    written = re.sub(f" ?{_NAME_BREAK} ?", _NAME_BREAK, joined).strip(" ").split(_NAME_BREAK)
    return written, hyphenated


def _spellings(name: str) -> list[str]:
    """A name with its separators made single spaces and, where it has hyphens, closed up."""
    name = unicodedata.normalize("NFC", name)
    spaced = _SEPARATORS.sub(" ", name).strip()
    closed = _SEPARATORS.sub(" ", _HYPHENS.sub("", name)).strip()
    return [spaced, closed] if closed != spaced else [spaced]


def _key_ends(
    keys: list[str],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """For each key: its length, and its last two characters (0 where it has one)."""
    codes = np.frombuffer(("\n" + "\n".join(keys) + "\n").encode("utf-32-le"), dtype=np.uint32)
    breaks = np.flatnonzero(codes == ord("\n"))
    lengths = np.diff(breaks) - 1
    last = codes[breaks[1:] - 1]
    before_last = np.where(lengths > 1, codes[breaks[1:] - 2], 0)
    return lengths, last, before_last


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
        plain_names = [name for _, name in self._names]
        spellings, hyphenated = _written(plain_names)
        forms = (shipped_rules() if rules is None else rules).forms(plain_names)
        owner = list(range(len(spellings)))  # the name of each spelling, by its index
        for index in sorted(hyphenated | forms.keys()):
            found = [
                s for form in (plain_names[index], *forms.get(index, ())) for s in _spellings(form)
            ]
            found = list(dict.fromkeys(found))
            spellings[index] = found[0]
            spellings += found[1:]
            owner += [index] * (len(found) - 1)
        keys = _keys(spellings)
        # A key's number is where it first comes in `keys`; later copies add their names to it.
        first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))
        self._owner = owner  # by key number: the name it stands for
        self._shared: dict[int, tuple[int, ...]] = {}  # keys that stand for several names
        if len(first) < len(keys):
            for position, key in enumerate(keys):
                number = first[key]
                if number != position:
                    shared = self._shared.get(number, (owner[number],))
                    if owner[position] not in shared:
                        self._shared[number] = (*shared, owner[position])
        capitals = [i for i, name in enumerate(plain_names) if not name.islower()]
        self._exact = {  # the name without separators, for names that match only in capitals
            i: _SEPARATORS.sub("", plain_names[i])
            for i in capitals
            if _is_abbreviation(plain_names[i])
        }
        self._checked = np.isin(np.array(owner, dtype=np.int64), list(self._exact))
        for number, owners in self._shared.items():
            # A name that several concepts share is a mention of the first of them.
            self._shared[number] = tuple(sorted(owners, key=lambda i: self._names[i]))
            self._checked[number] = any(i in self._exact for i in owners)
        first.pop(MARK, None)  # a name that is nothing but separators
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for key, number in first.items():
            self.automaton.add_word(key, number)
        self.automaton.make_automaton()
        self._lengths, last, before_last = _key_ends(keys)
        # a key that ends in a letter or digit must be followed by a word's end, or a plural
        self._open = _word_chars(last)
        self._takes_es = np.isin(last, _ENDS_TAKING_ES) | (
            (last == ord("h")) & ((before_last == ord("c")) | (before_last == _S))
        )
        self.size = len(first)

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
            owners = self._shared.get(number) or (self._owner[number],)
            if check:
                written = text[start:end]
                if written.islower() and len(owners) == 1:
                    continue  # the common case: "the" is no mention of THE
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
