"""Negation and hedging: kg's ConText rules (kg/coverage/context.py) against medspaCy's ConText
on the same labelled sentences (tests/corpus/context.tsv), and on the corpus articles, whose
gold lists say which concepts are mentioned and which only under negation.

medspaCy runs as its documentation sets it up: a blank English pipeline with a sentencizer, its
target matcher on the gold surface form, and its ConText component with the default rules. A
target its matcher does not find (its tokens split differently) is given to it as an entity.
Hedged, for medspaCy, is its "uncertain" or "hypothetical" modifier.

Run: python -m benchmarks.negation   (needs the compare extra: pip install -e '.[compare]')
"""

from __future__ import annotations

import csv
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from kg.coverage import find_mentions, load_model, read_article
from kg.coverage.context import hedged, negated, read_rules
from kg.store import LocalStore, load_store
from tests.gold import gold

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests/corpus/context.tsv"
CORPUS = ROOT / "tests/corpus"


class Case(NamedTuple):
    sentence: str
    start: int
    end: int
    negated: bool
    hedged: bool


def cases() -> list[Case]:
    with CASES.open(encoding="utf-8") as rows:
        return [
            Case(
                row["sentence"],
                row["sentence"].index(row["target"]),
                row["sentence"].index(row["target"]) + len(row["target"]),
                row["negated"] == "yes",
                row["hedged"] == "yes",
            )
            for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


class Scores(NamedTuple):
    precision: float
    recall: float
    f1: float
    errors: int


def scores(expected: list[bool], got: list[bool]) -> Scores:
    hits = sum(e and g for e, g in zip(expected, got, strict=True))
    found, wanted = sum(got), sum(expected)
    precision = hits / found if found else 0.0
    recall = hits / wanted if wanted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    errors = sum(e != g for e, g in zip(expected, got, strict=True))
    return Scores(precision, recall, f1, errors)


Judge = Callable[[str, int, int], tuple[bool, bool]]


def kg_judge(text: str, start: int, end: int) -> tuple[bool, bool]:
    return negated(text, start, end), hedged(text, start, end)


# kg's rules as medspaCy rules, to tell its engine from its default rules
MEDSPACY_CATEGORY = {
    "negation": "NEGATED_EXISTENCE",
    "hedge": "POSSIBLE_EXISTENCE",
    "pseudo-negation": "PSEUDO",
    "terminator": "TERMINATE",
}
MEDSPACY_DIRECTION = {"forward": "FORWARD", "backward": "BACKWARD", "both": "BIDIRECTIONAL"}


class MedspacyJudge:
    """medspaCy's ConText on one span: the target matcher first, the span itself if it misses.
    With `kg_rules`, its engine runs on kg's trigger rules instead of its default ones."""

    def __init__(self, kg_rules: bool = False) -> None:
        import spacy
        from medspacy.context import ConTextRule
        from medspacy.target_matcher import TargetRule

        self.rule = TargetRule
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        self.matcher = self.nlp.add_pipe("medspacy_target_matcher")
        self.context = self.nlp.add_pipe(
            "medspacy_context", config={"rules": None if kg_rules else "default"}
        )
        if kg_rules:
            self.context.add(
                [
                    ConTextRule(
                        rule.phrase,
                        MEDSPACY_CATEGORY[rule.category],
                        direction=(
                            MEDSPACY_CATEGORY[rule.category]
                            if rule.category in ("pseudo-negation", "terminator")
                            else MEDSPACY_DIRECTION[rule.direction]
                        ),
                    )
                    for rule in read_rules()
                ]
            )
        self.unmatched = 0

    def __call__(self, text: str, start: int, end: int) -> tuple[bool, bool]:
        self.matcher.add([self.rule(text[start:end], "TARGET")])
        doc = self.nlp(text)
        found = [e for e in doc.ents if e.start_char == start]
        if not found:
            self.unmatched += 1
            doc = self.nlp.get_pipe("sentencizer")(self.nlp.make_doc(text))
            doc.ents = [doc.char_span(start, end, "TARGET", alignment_mode="expand")]
            doc = self.context(doc)
            found = list(doc.ents)
        return self._judged(found[0])

    @staticmethod
    def _judged(entity: Any) -> tuple[bool, bool]:
        modifiers = entity._
        return modifiers.is_negated, modifiers.is_uncertain or modifiers.is_hypothetical

    def mentions(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[bool, bool]]:
        """Judge every span of an article at once, as kg judges the mentions it found."""
        doc = self.nlp.get_pipe("sentencizer")(self.nlp.make_doc(text))
        entities = [doc.char_span(s, e, "TARGET", alignment_mode="expand") for s, e in spans]
        kept, last = [], -1
        for entity in entities:  # two mentions inside one token cannot both be entities
            if entity is not None and entity.start >= last:
                kept.append(entity)
                last = entity.end
        doc.ents = kept
        doc = self.context(doc)
        judged = {(e.start_char, e.end_char): self._judged(e) for e in doc.ents}
        by_token = {e.start_char: judged[(e.start_char, e.end_char)] for e in doc.ents}
        return [
            judged.get((s, e)) or by_token.get(s) or self._nearest(doc, s, judged) for s, e in spans
        ]

    @staticmethod
    def _nearest(doc: Any, start: int, judged: dict[tuple[int, int], tuple[bool, bool]]) -> Any:
        return next(v for (s, e), v in judged.items() if s <= start < e)


def on_cases(judge: Judge, labelled: list[Case]) -> tuple[Scores, Scores, float]:
    began = time.perf_counter()
    got = [judge(c.sentence, c.start, c.end) for c in labelled]
    per_case = (time.perf_counter() - began) / len(labelled)
    negation = scores([c.negated for c in labelled], [g[0] for g in got])
    hedging = scores([c.hedged for c in labelled], [g[1] for g in got])
    return negation, hedging, per_case


def on_corpus(medspacy: MedspacyJudge) -> dict[str, tuple[float, float]]:
    """Precision and recall of the concepts each judge leaves covered (mentioned at least once
    without negation), against the gold lists, with the same mentions for both."""
    model = load_model(LocalStore(load_store()))
    totals = {"kg": [0, 0, 0], "medspaCy": [0, 0, 0]}
    articles = sorted(p for p in CORPUS.iterdir() if p.suffix != ".tsv" and p.name != "README.md")
    for article in articles:
        text = read_article(article).text
        mentions = find_mentions(model, text)
        judged = medspacy.mentions(text, [(m.start, m.end) for m in mentions])
        expected = {iri for iri, status in gold(article).items() if status == "mentioned"}
        for name, negations in (
            ("kg", [m.negated for m in mentions]),
            ("medspaCy", [j[0] for j in judged]),
        ):
            got = {m.concept for m, n in zip(mentions, negations, strict=True) if not n}
            total = totals[name]
            total[0], total[1] = total[0] + len(got), total[1] + len(expected)
            total[2] += len(got & expected)
    return {name: (hits / found, hits / wanted) for name, (found, wanted, hits) in totals.items()}


def main() -> int:
    try:
        import medspacy  # noqa: F401
    except ImportError:
        print(
            "benchmarks/negation.py compares with medspaCy, which is not installed: run\n"
            "    pip install -e '.[compare]'\n"
            "(medspaCy needs spaCy; on Python < 3.12 it pins spaCy 3.7, hence numpy < 2).",
            file=sys.stderr,
        )
        return 1
    warnings.filterwarnings("ignore")
    labelled = cases()
    medspacy_judge = MedspacyJudge()
    results = {
        "kg": on_cases(kg_judge, labelled),
        "medspaCy": on_cases(medspacy_judge, labelled),
        "medspaCy engine, kg rules": on_cases(MedspacyJudge(kg_rules=True), labelled),
    }
    negated_count = sum(c.negated for c in labelled)
    hedged_count = sum(c.hedged for c in labelled)
    print(
        f"{len(labelled)} labelled cases in {CASES.relative_to(ROOT)} "
        f"({negated_count} negated, {hedged_count} hedged)"
    )
    print(f"medspaCy's target matcher missed {medspacy_judge.unmatched}; given as entities\n")
    print("| judge | negated P | R | F1 | errors | hedged P | R | F1 | errors | ms/case |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, (negation, hedging, per_case) in results.items():
        print(
            f"| {name} | {negation.precision:.3f} | {negation.recall:.3f} | {negation.f1:.3f} "
            f"| {negation.errors} | {hedging.precision:.3f} | {hedging.recall:.3f} "
            f"| {hedging.f1:.3f} | {hedging.errors} | {per_case * 1000:.2f} |"
        )
    print(
        "\nCorpus articles: concepts covered (mentioned, not only negated) against the gold lists"
    )
    print("| judge | precision | recall |")
    print("| --- | --- | --- |")
    for name, (precision, recall) in on_corpus(medspacy_judge).items():
        print(f"| {name} | {precision:.3f} | {recall:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
