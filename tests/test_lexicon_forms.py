"""The ways of writing a concept that data/lexicon/ adds to the graph's names: derivation,
spelling and plural rules (rules.tsv), everyday paraphrases (paraphrases.tsv), guards for
broad names (guards.tsv) and the graph's hidden labels, on the shipped graph and data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.coverage import CoverageModel, analyse, find_mentions, load_model, read_article
from kg.coverage.forms import LEXICON_DIR, alternatives, load_paraphrases, load_rules, read_table
from kg.coverage.guards import load_guards
from kg.errors import DataError
from kg.site import explorer_data
from kg.store import LocalStore

CONCEPT = "https://w3id.org/treatment-kg/concept/"
RULES = LEXICON_DIR / "rules.tsv"


@pytest.fixture(scope="module")
def model(shipped_store: LocalStore) -> CoverageModel:
    return load_model(shipped_store)


def found(model: CoverageModel, text: str) -> list[tuple[str, str]]:
    """(concept's local name, surface) of each mention that is not negated."""
    return [
        (m.concept.removeprefix(CONCEPT), m.surface)
        for m in find_mentions(model, text)
        if not m.negated
    ]


# --- rules.tsv -------------------------------------------------------------------------------


def rule_examples() -> list[tuple[int, str, str, str]]:
    """(line, kind, name, form) from each rule's note: "a -> b" and "a / b" are examples."""
    examples = []
    for line, row in read_table(RULES, ("kind", "written", "also", "note")):
        note = re.sub(r"\s*\(.*?\)", "", row["note"])
        pairs = [re.split(" -> | / ", example) for example in note.split(", ")]
        pairs = [(pair[0], pair[1]) for pair in pairs if len(pair) == 2]
        assert pairs, f"rules.tsv:{line}: the note gives no example"
        examples += [(line, row["kind"], name, form) for name, form in pairs]
    return examples


@pytest.mark.parametrize(("line", "kind", "name", "form"), rule_examples())
def test_each_rule_gives_the_form_its_note_shows(
    line: int, kind: str, name: str, form: str
) -> None:
    rules = load_rules(RULES)
    assert form in rules.forms([name]).get(0, []), f"rules.tsv:{line}"
    if kind == "spelling":  # spellings go both ways
        assert name in rules.forms([form]).get(0, []), f"rules.tsv:{line}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ketamine is a dissociative drug.",
            [("ketamine", "Ketamine"), ("dissociation", "dissociative")],
        ),
        (
            "A dissociative anaesthetic, ketamine",
            [("dissociative-anaesthetic", "dissociative anaesthetic"), ("ketamine", "ketamine")],
        ),
        ("glutamatergic synapses", [("glutamate-system", "glutamatergic")]),
        ("GABAergic drugs calm the brain.", []),
        ("GABAergic interneurons fire", [("gabaergic-interneuron", "GABAergic interneurons")]),
        ("opioidergic signalling", [("opioid-system", "opioidergic")]),
        ("a subanaesthetic dose", [("anaesthesia", "subanaesthetic")]),
        ("a sub-anesthetic dose", [("anaesthesia", "sub-anesthetic")]),
        ("It is sedative at high doses", [("sedation", "sedative")]),
        ("ruminative thinking", [("rumination", "ruminative")]),
        ("patients became tachycardic", [("tachycardia", "tachycardic")]),
        ("dizzy and drowsy", [("dizziness", "dizzy"), ("sedation", "drowsy")]),
        (
            "light-headed, lightheaded",
            [("dizziness", "light-headed"), ("dizziness", "lightheaded")],
        ),
        ("both hippocampi", [("hippocampus", "hippocampi")]),
        ("the lateral habenulae", [("lateral-habenula", "lateral habenulae")]),
        ("talking therapies", [("psychotherapy", "talking therapies")]),
        ("brain hemorrhage", [("intracerebral-haemorrhage", "brain hemorrhage")]),
        ("mTOR signaling", [("mtor-signalling", "mTOR signaling")]),
        ("neuro-plasticity", [("neuroplasticity", "neuro-plasticity")]),
        ("MK801 and MK-801", [("mk-801", "MK801"), ("mk-801", "MK-801")]),
        # rules touch lower-case words only: "NMDAe" is no plural of NMDA
        ("NMDAe", []),
    ],
)
def test_derived_forms_spellings_and_plurals_name_their_concept(
    model: CoverageModel, text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(model, text) == expected


def test_every_name_of_the_lexicon_is_found_as_itself(model: CoverageModel) -> None:
    for concept, name in model.names:
        mentions = model.matcher.find(f"({name})")
        assert [(m.start, m.end) for m in mentions] == [(1, len(name) + 1)], name
        assert concept in {c for c, n in model.names if n.casefold() == name.casefold()}


# --- paraphrases.tsv -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Her blood pressure goes up for a while.", "increased-blood-pressure"),
        ("Some feel spacey or unreal.", "dissociation"),
        ("You may feel sleepy afterwards.", "sedation"),
        ("If you feel sick, tell the nurse.", "nausea"),
        ("Throwing up is uncommon.", "vomiting"),
        ("My heart racing scared me.", "tachycardia"),
        ("numb lips for an hour", "hypoaesthesia"),
        ("I felt woozy", "dizziness"),
        ("the room was spinning", "vertigo"),
        ("it seems to work within hours", "rapid-onset"),
        ("pills that take weeks to work", "delayed-onset"),
    ],
)
def test_everyday_paraphrases(model: CoverageModel, text: str, concept: str) -> None:
    assert concept in [c for c, _ in found(model, text)]


def test_paraphrase_alternations_expand() -> None:
    assert alternatives("(feel|felt) (|very )sleepy") == [
        "feel sleepy",
        "feel very sleepy",
        "felt sleepy",
        "felt very sleepy",
    ]
    phrases = {p.phrase for p in load_paraphrases(LEXICON_DIR / "paraphrases.tsv")}
    assert {"throwing up", "threw up", "blood pressure goes up", "feeling spacey"} <= phrases


# --- guards.tsv ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("guarded", "counted", "concept"),
    [
        (
            "A saline infusion in the control arm.",
            "Each ketamine infusion lasts 40 minutes.",
            "intravenous-infusion",
        ),
        ("infusions of saline", "two infusions a week", "intravenous-infusion"),
        ("intravenous fluids", "given intravenous", "intravenous-infusion"),
        ("a Schedule IV drug", "an IV line", "intravenous-infusion"),
        ("under local anaesthetic", "an anaesthetic dose", "anaesthesia"),
        ("good oral hygiene", "oral esketamine", "oral"),
        ("respiratory depression", "treatment of depression", "depression"),
        ("the dissociation constant", "dissociation and nausea", "dissociation"),
        ("dissociative identity disorder", "dissociative symptoms", "dissociation"),
        ("misuse of statistics", "misuse and dependence", "abuse-potential"),
        ("a memory foam pillow", "memory and learning", "memory"),
        ("in memory of her", "in memory tasks", "memory"),
        ("machine learning", "learning and memory", "learning"),
        ("cactus spines", "spines on neurons", "dendritic-spine"),
    ],
)
def test_guards_drop_broad_names_in_their_contexts(
    model: CoverageModel, guarded: str, counted: str, concept: str
) -> None:
    assert concept not in [c for c, _ in found(model, guarded)]
    assert concept in [c for c, _ in found(model, counted)]


def test_every_guard_row_is_tested() -> None:
    guards = load_guards(LEXICON_DIR / "guards.tsv").guards
    tested = {c for _, _, c in test_guards_drop_broad_names_in_their_contexts.pytestmark[0].args[1]}
    assert {g.concept.removeprefix(CONCEPT) for g in guards} == tested


# --- hidden labels ---------------------------------------------------------------------------


def test_hidden_labels_are_matched_by_kg_coverage(kg, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "Hydroxynorketamine, or HNK, may help. Esketamine was approved by the Food and Drug "
        "Administration in 2019; some patients were nauseous.",
        encoding="utf-8",
    )
    result = kg("coverage", str(article), "--format", "json")
    assert result.returncode == 0, result.stderr
    concepts = {c["label"]: c["surface_forms"] for c in json.loads(result.stdout)["concepts"]}
    assert concepts["(2R,6R)-hydroxynorketamine"] == ["HNK", "Hydroxynorketamine"]
    assert concepts["FDA approval"] == ["approved by the Food and Drug Administration"]
    assert concepts["nausea"] == ["nauseous"]


def test_hidden_labels_are_a_third_kind_never_shown_as_synonyms(
    kg, shipped_store: LocalStore
) -> None:
    result = kg("query", "lexicon", "--format", "json")
    rows = json.loads(result.stdout)
    text = json.dumps(rows)
    assert '"hidden"' in text and "hydroxynorketamine" in text
    nodes, _ = explorer_data(shipped_store)
    [hnk] = [n for n in nodes if n["id"] == CONCEPT + "hydroxynorketamine"]
    assert hnk["synonyms"] == ["(2R,6R)-HNK", "2R,6R-hydroxynorketamine"]


def test_the_analysis_counts_forms_paraphrases_and_hidden_labels(model: CoverageModel) -> None:
    text = (
        "A subanaesthetic dose of ketamine acts on glutamatergic synapses. Blood pressure goes "
        "up for a while and some feel spacey. Hydroxynorketamine is its metabolite. A saline "
        "infusion was given in the control arm."
    )
    report = analyse(model, read_article(Path("a.txt"), text.encode()))
    labels = {c["label"] for c in report["concepts"]}
    assert {
        "general anaesthesia",
        "glutamate system",
        "increased blood pressure",
        "dissociation",
        "(2R,6R)-hydroxynorketamine",
    } <= labels
    assert "intravenous infusion" not in labels


def test_every_row_of_the_lexicon_files_names_a_concept_of_the_graph(model: CoverageModel) -> None:
    rows = [
        *(p.concept for p in load_paraphrases(LEXICON_DIR / "paraphrases.tsv")),
        *(g.concept for g in load_guards(LEXICON_DIR / "guards.tsv").guards),
    ]
    assert set(rows) - set(model.concepts) == set()


# --- bad data --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "loader", "row", "message"),
    [
        ("kind\twritten\talso\tnote", load_rules, "verb\t*ate\t*ated\t", "unknown kind 'verb'"),
        ("kind\twritten\talso\tnote", load_rules, "plural\t*us\ti\t", "the same number of '*'"),
        (
            "concept\tparaphrase\tnote",
            load_paraphrases,
            "concept:nausea\t(feel|felt sick\t",
            "unbalanced brackets",
        ),
        ("concept\twritten\tcontext\tnote", load_guards, "concept:memory\tmemory\tfoam\t", "one _"),
    ],
)
def test_a_bad_row_is_named_by_file_and_line(
    tmp_path: Path, table: str, loader, row: str, message: str
) -> None:
    path = tmp_path / "table.tsv"
    path.write_text(f"# a comment\n{table}\n{row}\n", encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(f"{path}:3: ") + ".*" + re.escape(message)):
        loader(path)
