"""Matching speed of `kg coverage`: a synthetic lexicon of 50,000 names against about 5 MB of
text, measured side by side in one run:

- raw pyahocorasick: one automaton of the lower-cased names, every match of the lower-cased text
  collected, nothing else (no word boundaries, plurals, abbreviations or longest match);
- kg's Matcher: the same automaton kind plus normal form with offset map, word boundaries,
  plurals, capitals-only abbreviations and longest match (target: within 2x of raw);
- one regular expression per name (\\b...\\b, case-insensitive), timed on a sample of names and
  scaled to all of them (target: kg at least 20x faster).

Run: python -m benchmarks.coverage [TERMS] [MEGABYTES]
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import ahocorasick

from kg.coverage.matcher import Matcher, Name

TERMS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
MEGABYTES = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
REGEX_SAMPLE = 200
T = TypeVar("T")
CORPUS = Path(__file__).resolve().parent.parent / "tests/corpus"
SYLLABLES = [
    "ka",
    "ta",
    "mi",
    "ne",
    "ro",
    "lu",
    "si",
    "po",
    "de",
    "ga",
    "ri",
    "no",
    "ve",
    "zo",
    "pa",
    "ke",
    "mu",
    "la",
]


def lexicon(count: int, rng: random.Random) -> list[str]:
    """Made-up names: one to three words of two to four syllables; one in ten an abbreviation."""
    names: set[str] = set()
    while len(names) < count:
        if rng.random() < 0.1:
            names.add("".join(rng.choice("ABCDEFGHKLMNPRSTV") for _ in range(rng.randint(3, 5))))
            continue
        words = [
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            for _ in range(rng.choice((1, 1, 2, 3)))
        ]
        names.add(" ".join(words))
    return sorted(names)


def text(names: list[str], megabytes: float, rng: random.Random) -> str:
    """Real article prose with lexicon names, some pluralised or hyphenated, spliced in."""
    prose = [
        word for p in sorted(CORPUS.glob("*.txt")) for word in p.read_text(encoding="utf-8").split()
    ]
    words: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        if rng.random() < 0.08:
            name = rng.choice(names)
            word = name.replace(" ", "-") if rng.random() < 0.2 else name
            word += "s" if rng.random() < 0.2 else ""
        else:
            word = rng.choice(prose)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)


def timed(run: Callable[[], T], repeat: int = 3) -> tuple[float, T]:
    """The best time of `repeat` runs, and what the last run returned."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    rng = random.Random(11)
    names = lexicon(TERMS, rng)
    body = text(names, MEGABYTES, rng)
    megabytes = len(body.encode("utf-8")) / 1_000_000
    print(f"{len(names):,} names, {megabytes:.1f} MB of text (best of 3 runs)")

    raw = ahocorasick.Automaton()
    for name in names:
        raw.add_word(name.lower(), len(name))
    raw.make_automaton()

    def raw_matches() -> list[tuple[int, int]]:
        return [(end - length + 1, end + 1) for end, length in raw.iter(body.lower())]

    built, matcher = timed(lambda: Matcher(Name(str(i), n) for i, n in enumerate(names)), 1)
    raw_seconds, raw_found = timed(raw_matches)
    kg_seconds, kg_found = timed(lambda: matcher.find(body))

    sample = rng.sample(names, REGEX_SAMPLE)
    patterns = [re.compile(r"\b" + re.escape(n) + r"\b", re.IGNORECASE) for n in sample]
    regex_sample_seconds, _ = timed(
        lambda: [m.span() for p in patterns for m in p.finditer(body)], 1
    )
    regex_seconds = regex_sample_seconds * len(names) / REGEX_SAMPLE

    print(f"  building kg's matcher            {built:8.2f} s")
    rows = [
        ("raw pyahocorasick (all matches)", raw_seconds, len(raw_found)),
        ("kg Matcher (mentions)", kg_seconds, len(kg_found)),
    ]
    for label, seconds, found in rows:
        print(f"  {label:32} {seconds:8.2f} s {megabytes / seconds:7.1f} MB/s {found:>10,} found")
    print(
        f"  {'one regex per name (scaled)':32} {regex_seconds:8.0f} s {megabytes / regex_seconds:7.3f} MB/s"
        f"   ({REGEX_SAMPLE} names took {regex_sample_seconds:.1f} s)"
    )
    print(f"  kg / raw pyahocorasick:      {kg_seconds / raw_seconds:6.2f}x  (target <= 2x)")
    print(f"  regex per name / kg:         {regex_seconds / kg_seconds:6.0f}x  (target >= 20x)")


if __name__ == "__main__":
    main()
