"""The fact check of `kg coverage`: every sentence of the hand-made fact-check corpus against
the verdict the graph gives it (precision and recall per verdict), each contradiction rule,
the rules read from data, and the fact check in every report format and in --fail-on."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from kg.coverage import CoverageModel, analyse, load_model, read_article
from kg.coverage.factcheck import VERDICTS
from kg.store import LocalStore
from tests.conftest import ROOT

SENTENCES = ROOT / "tests/factcheck/sentences.tsv"
CONCEPT = "https://w3id.org/treatment-kg/concept/"
# Per verdict: the precision and recall the fact check must keep on the corpus.
TARGETS = {
    "supported": (0.95, 0.9),
    "overstated": (0.95, 0.9),
    "contradicted": (0.95, 0.9),
    "unsupported": (0.85, 0.6),
}


@pytest.fixture(scope="module")
def model(shipped_store: LocalStore) -> CoverageModel:
    return load_model(shipped_store)


def checks_of(model: CoverageModel, text: str) -> list[dict[str, object]]:
    checks: list[dict[str, object]] = analyse(model, read_article(Path("a.txt"), text.encode()))[
        "checks"
    ]
    return checks


def verdict_for(model: CoverageModel, row: dict[str, str]) -> str:
    """The worst verdict the fact check gives the row's two concepts ("none" if it finds no
    relation between them)."""
    ends = {
        model.concepts[row[end].replace("concept:", CONCEPT)].label for end in ("subject", "object")
    }
    found = [
        c["verdict"]
        for c in checks_of(model, row["sentence"])
        if {c["subject"], c["object"]} == ends
    ]
    return max(found, key=VERDICTS.index, default="none")  # type: ignore[arg-type]


def test_corpus_has_every_verdict_and_rule() -> None:
    with SENTENCES.open(encoding="utf-8") as rows:
        table = list(csv.DictReader(rows, delimiter="\t"))
    assert len(table) >= 60
    verdicts = Counter(row["verdict"] for row in table)
    assert all(verdicts[v] >= 10 for v in VERDICTS), verdicts
    rules = Counter(row["rule"] for row in table if row["verdict"] == "contradicted")
    assert set(rules) == {
        "regulatory-status",
        "superseded-condition",
        "opposite-direction",
        "negated-established",
    }
    assert min(rules.values()) >= 4


def test_precision_and_recall_per_verdict(model: CoverageModel) -> None:
    with SENTENCES.open(encoding="utf-8") as rows:
        table = list(csv.DictReader(rows, delimiter="\t"))
    pairs = [(row["verdict"], verdict_for(model, row)) for row in table]
    lines = []
    for verdict, (least_precision, least_recall) in TARGETS.items():
        hits = sum(1 for gold, got in pairs if gold == got == verdict)
        said = sum(1 for _, got in pairs if got == verdict)
        true = sum(1 for gold, _ in pairs if gold == verdict)
        precision, recall = hits / said if said else 0.0, hits / true
        lines.append(f"{verdict}: precision {precision:.2f}, recall {recall:.2f}")
        assert precision >= least_precision and recall >= least_recall, "\n".join(lines)


def test_contradictions_name_their_rule(model: CoverageModel) -> None:
    with SENTENCES.open(encoding="utf-8") as rows:
        table = [r for r in csv.DictReader(rows, delimiter="\t") if r["verdict"] == "contradicted"]
    named = Counter()
    for row in table:
        rules = {
            c["rule"] for c in checks_of(model, row["sentence"]) if c["verdict"] == "contradicted"
        }
        named[row["rule"] in rules] += 1
    assert named[True] / len(table) >= 0.9, named


# --- the examples, with the graph's evidence -----------------------------------------


def test_outdated_spravato_requirement_cites_the_2025_approval(model: CoverageModel) -> None:
    [check] = [
        c
        for c in checks_of(
            model, "Spravato, to be taken alongside an oral antidepressant, treats TRD."
        )
        if c["verdict"] == "contradicted"
    ]
    assert check["rule"] == "superseded-condition"
    assert (check["subject"], check["predicate"]) == ("esketamine", "combined with")
    dates = [claim["date"] for claim in check["graph_claims"]]  # type: ignore[attr-defined]
    assert dates == ["2019-03-05", "2025-01"]
    sources = {s["citation"] for c in check["graph_claims"] for s in c["sources"]}  # type: ignore[attr-defined]
    assert any("prescribing information" in s for s in sources)
    # a choice, not a requirement, is still true
    [choice] = checks_of(model, "Spravato can be used alone or with an oral antidepressant.")
    assert choice["verdict"] == "supported"


def test_racemic_ketamine_is_not_approved_for_depression(model: CoverageModel) -> None:
    [check] = [
        c
        for c in checks_of(model, "Ketamine is FDA-approved for depression.")
        if c["object"] == "depression"
    ]
    assert (check["verdict"], check["rule"]) == ("contradicted", "regulatory-status")
    standing = {(c["predicate"], c["object"]) for c in check["graph_claims"]}  # type: ignore[attr-defined]
    assert ("used off-label for", "treatment-resistant depression") in standing
    assert ("studied for", "major depressive disorder") in standing
    [denial] = checks_of(model, "Ketamine is not approved for depression.")
    assert (denial["verdict"], denial["negated"]) == ("supported", True)


def test_debated_hypothesis_stated_as_settled_is_overstated(model: CoverageModel) -> None:
    [settled] = checks_of(model, "(2R,6R)-HNK works without blocking NMDA receptors.")
    assert settled["verdict"] == "overstated"
    assert settled["graph_claims"][0]["status"] == "debated"  # type: ignore[index]
    [hedged] = checks_of(
        model, "Some researchers argue that (2R,6R)-HNK works without blocking NMDA receptors."
    )
    assert (hedged["verdict"], hedged["hedged"]) == ("supported", True)


def test_unsupported_names_what_the_graph_has_instead(model: CoverageModel) -> None:
    [check] = checks_of(model, "Ketamine decreases mTOR signalling.")
    # no rule makes "activates" the opposite of "decreases": the graph's claim is shown
    assert check["verdict"] == "unsupported"
    assert [c["predicate"] for c in check["graph_claims"]] == ["activates"]  # type: ignore[attr-defined]


def test_a_curator_adds_a_rule_without_code(kg, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Ketamine is contraindicated in PTSD.\n")
    rule = tmp_path / "rule.ttl"
    rule.write_text(
        "@prefix tkg: <https://w3id.org/treatment-kg/vocab/> .\n"
        "tkg:contraindicatedIn tkg:contradictedByStatus tkg:usedOffLabelFor .\n"
    )
    before = json.loads(kg("coverage", str(article), "--format", "json").stdout)
    after = json.loads(
        kg(
            "coverage",
            str(article),
            "--data",
            str(ROOT / "data/triples.ttl"),
            "--data",
            str(rule),
            "--format",
            "json",
        ).stdout
    )
    assert [c["verdict"] for c in before["checks"]] == ["unsupported"]
    assert [(c["verdict"], c["rule"]) for c in after["checks"]] == [
        ("contradicted", "regulatory-status")
    ]


# --- reports and gates -----------------------------------------------------------------------

WRONG = (
    "Ketamine is approved for PTSD. Ketamine blocks NMDA receptors. "
    "Ketamine activates mu-opioid receptors."
)


def test_fact_check_in_text_and_markdown(kg) -> None:
    text = kg("coverage", "-", stdin=WRONG).stdout.splitlines()
    assert "  Fact check: 1 contradicted, 1 overstated, 1 supported" in text
    first = text.index("Fact check, worst first") + 1
    assert (
        text[first]
        == "  CONTRADICTED (regulatory-status): \u201cKetamine is approved for PTSD.\u201d"
    )
    assert text[first + 1] == "    states: ketamine approved for post-traumatic stress disorder"
    assert text[first + 2].startswith(
        "    graph: ketamine studied for post-traumatic stress disorder [established] from "
    )
    markdown = kg("coverage", "-", "--format", "md", stdin=WRONG).stdout
    assert "### Fact check, worst first" in markdown
    assert "- **OVERSTATED: \u201cKetamine activates mu-opioid receptors.\u201d**" in markdown


@pytest.mark.parametrize(("fail_on", "code"), [("contradicted", 1), ("overstated", 1)])
def test_fail_on_stops_a_content_pipeline(kg, fail_on: str, code: int) -> None:
    result = kg("coverage", "-", "--fail-on", fail_on, stdin=WRONG)
    assert result.returncode == code
    assert f"Fact check (--fail-on {fail_on}): <stdin> has " in result.stderr


def test_fail_on_passes_a_correct_article(kg) -> None:
    right = "Ketamine blocks NMDA receptors. Ketamine is used off-label for PTSD."
    for fail_on in ("contradicted", "overstated"):
        result = kg("coverage", "-", "--fail-on", fail_on, stdin=right)
        assert result.returncode == 0, result.stderr
    debated = kg(
        "coverage", "-", "--fail-on", "overstated", stdin="Ketamine activates mu-opioid receptors."
    )
    assert debated.returncode == 1
    assert "(1 overstated)" in debated.stderr
    assert (
        kg(
            "coverage",
            "-",
            "--fail-on",
            "contradicted",
            stdin="Ketamine activates mu-opioid receptors.",
        ).returncode
        == 0
    )
