"""Negation and hedging (kg/coverage/context.py): every labelled sentence of
tests/corpus/context.tsv, the rules file's own checks, and the spans the real `kg coverage`
command reports as negated and hedged."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from kg.coverage.context import hedged, negated, read_rules
from kg.errors import DataError
from tests.conftest import ROOT

CASES_FILE = ROOT / "tests/corpus/context.tsv"


def labelled() -> list[dict[str, str]]:
    with CASES_FILE.open(encoding="utf-8") as rows:
        return list(csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE))


CASES = labelled()


def test_the_labelled_cases_cover_every_kind() -> None:
    assert len(CASES) >= 60
    assert all(case["target"] in case["sentence"] for case in CASES)
    assert {(c["negated"], c["hedged"]) for c in CASES} == {
        ("yes", "no"),
        ("no", "yes"),
        ("yes", "yes"),
        ("no", "no"),
    }
    notes = " ".join(case["note"] for case in CASES)
    for kind in ("ruled out", "was excluded", "free of", "absence of", "denies", "double negative",
                 "'and' list", "'or' list", "not only", "no doubt", "may", "is thought to",
                 "frame", "possibly", "hypothesised", "proposed", "plain"):  # fmt: skip
        assert kind in notes, kind


@pytest.mark.parametrize("case", CASES, ids=[f"{c['target']}: {c['sentence'][:50]}" for c in CASES])
def test_labelled_case(case: dict[str, str]) -> None:
    sentence, target = case["sentence"], case["target"]
    start = sentence.index(target)
    end = start + len(target)
    assert (negated(sentence, start, end), hedged(sentence, start, end)) == (
        case["negated"] == "yes",
        case["hedged"] == "yes",
    ), case["note"]


def test_the_rules_file_has_every_category_and_direction() -> None:
    rules = read_rules()
    assert {r.category for r in rules} == {"negation", "pseudo-negation", "hedge", "terminator"}
    assert {r.direction for r in rules if r.category != "terminator"} == {
        "forward",
        "backward",
        "both",
    }
    repeated = [phrase for phrase, n in Counter(r.phrase for r in rules).items() if n > 1]
    assert repeated == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("no\tnegation", "expected 3 tab-separated fields, found 2"),
        (
            "no\tdenial\tforward",
            "unknown category 'denial' (one of negation, pseudo-negation, hedge, terminator)",
        ),
        ("no\tnegation\tsideways", "unknown direction 'sideways' (one of forward, backward, both)"),
        ("--\tnegation\tforward", "the phrase '--' has no word"),
    ],
)
def test_a_bad_rule_is_named_with_its_line(tmp_path: Path, line: str, message: str) -> None:
    rules = tmp_path / "context.tsv"
    rules.write_text(f"# rules\nphrase\tcategory\tdirection\nnot\tnegation\tforward\n{line}\n")
    with pytest.raises(DataError) as raised:
        read_rules(rules)
    assert str(raised.value) == f"{rules}:4: {message}"


ARTICLE = (
    "Side effects included no appetite, nausea and raised blood pressure. "
    "There was no vomiting, dizziness or dissociation. "
    "It is not true that ketamine carries no risk of misuse. "
    "Bipolar depression was ruled out before the first session. "
    "Ketamine may raise BDNF in people."
)


def test_the_coverage_report_marks_negated_and_hedged_spans(kg) -> None:
    result = kg("coverage", "-", "--format", "json", stdin=ARTICLE)
    assert result.returncode == 0, result.stderr
    concepts = {c["label"]: c for c in json.loads(result.stdout)["concepts"]}

    def spans(label: str, field: str) -> list[str]:
        return [ARTICLE[start:end] for start, end in concepts[label][field]]

    negated_only = {label for label, c in concepts.items() if c["negated"]}
    assert negated_only == {"vomiting", "dizziness", "dissociation", "bipolar depression"}
    # the list after "no appetite" is joined by "and": "no" governs only appetite
    assert spans("nausea", "negated_spans") == []
    assert spans("increased blood pressure", "negated_spans") == []
    # two negations cancel: the risk of misuse is affirmed
    assert spans("abuse potential", "negated_spans") == []
    assert spans("ketamine", "hedged_spans") == ["Ketamine"]
    assert spans("BDNF", "hedged_spans") == ["BDNF"]
    assert all(c["hedged_spans"] == [] for label, c in concepts.items()
               if label not in {"ketamine", "BDNF"})  # fmt: skip


def test_the_text_report_still_leaves_negated_concepts_out_of_the_count(kg) -> None:
    result = kg("coverage", "-", stdin=ARTICLE)
    assert result.returncode == 0, result.stderr
    assert "4 mentioned only under negation" in result.stdout
