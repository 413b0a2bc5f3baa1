"""Matching speed of `kg coverage`: a synthetic lexicon of 50,000 names against about 5 MB of
text, measured side by side in one run:

- raw pyahocorasick: one automaton of the lower-cased names, every match of the lower-cased text
  collected, nothing else (no word boundaries, plurals, abbreviations or longest match);
- kg's Matcher: the same automaton kind plus normal form with offset map, word boundaries,
  plurals, capitals-only abbreviations and longest match (target: within 2x of raw), built
  with the derivation and spelling rules of data/lexicon/rules.tsv (target: building it
  within 3x of building the raw automaton);
- one regular expression per name (\\b...\\b, case-insensitive), timed on a sample of names and
  scaled to all of them (target: kg at least 20x faster).

Run: python -m benchmarks.coverage [TERMS] [MEGABYTES]
"""

from __future__ import annotations

import random
import re
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import ahocorasick

from kg.coverage.forms import shipped_rules
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


def peak_memory(run: Callable[[], object]) -> float:
    """The most memory (MB) that Python and the libraries it traces held during one run."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1_000_000
    finally:
        tracemalloc.stop()


def main() -> None:
    rng = random.Random(11)
    names = lexicon(TERMS, rng)
    body = text(names, MEGABYTES, rng)
    megabytes = len(body.encode("utf-8")) / 1_000_000
    print(f"{len(names):,} names, {megabytes:.1f} MB of text (best of 3 runs)")
    lexicon_names = [Name(str(i), n) for i, n in enumerate(names)]
    shipped_rules()  # read once, as `kg coverage` does before it builds

    def raw_build() -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for name in names:
            automaton.add_word(name.lower(), len(name))
        automaton.make_automaton()
        return automaton

    raw_built, raw = timed(raw_build)
    built, matcher = timed(lambda: Matcher(lexicon_names))

    def raw_matches() -> list[tuple[int, int]]:
        return [(end - length + 1, end + 1) for end, length in raw.iter(body.lower())]

    raw_seconds, raw_found = timed(raw_matches)
    kg_seconds, kg_found = timed(lambda: matcher.find(body))
    memory = {
        "raw": (peak_memory(raw_build), peak_memory(raw_matches)),
        "kg": (
            peak_memory(lambda: Matcher(lexicon_names)),
            peak_memory(lambda: matcher.find(body)),
        ),
    }

    sample = rng.sample(names, REGEX_SAMPLE)
    patterns = [re.compile(r"\b" + re.escape(n) + r"\b", re.IGNORECASE) for n in sample]
    regex_sample_seconds, _ = timed(
        lambda: [m.span() for p in patterns for m in p.finditer(body)], 1
    )
    regex_seconds = regex_sample_seconds * len(names) / REGEX_SAMPLE

    print(
        f"  {'':32} {'build':>8} {'match':>10} {'':>12} {'found':>10} {'peak MB build / match':>23}"
    )
    rows = [
        ("raw pyahocorasick (all matches)", raw_built, raw_seconds, len(raw_found), memory["raw"]),
        ("kg Matcher (mentions)", built, kg_seconds, len(kg_found), memory["kg"]),
    ]
    for label, build, seconds, found, (build_mb, match_mb) in rows:
        print(
            f"  {label:32} {build:6.2f} s {seconds:8.2f} s {megabytes / seconds:7.1f} MB/s"
            f" {found:>10,} {build_mb:11.1f} / {match_mb:.1f}"
        )
    print(f"  kg's automaton holds {matcher.size:,} keys for {len(names):,} names")
    print(
        f"  {'one regex per name (scaled)':32} {'':8} {regex_seconds:8.0f} s"
        f" {megabytes / regex_seconds:7.3f} MB/s   ({REGEX_SAMPLE} names took {regex_sample_seconds:.1f} s)"
    )
    print(f"  build, kg / raw:             {built / raw_built:6.2f}x  (target <= 3x)")
    print(f"  match, kg / raw:             {kg_seconds / raw_seconds:6.2f}x  (target <= 2x)")
    kg_mb, raw_mb = memory["kg"], memory["raw"]
    print(
        f"  peak memory, kg / raw:       {kg_mb[0] / raw_mb[0]:6.2f}x build, {kg_mb[1] / raw_mb[1]:.2f}x match"
    )
    print(f"  regex per name / kg:         {regex_seconds / kg_seconds:6.0f}x  (target >= 20x)")


if __name__ == "__main__":
    main()
