"""The graph's second edition: connected mechanism paths, direct targets kept apart, dated
regulatory events, and a verbatim quote behind every source of every claim."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import LocalStore
from tests.conftest import FIXTURES, ROOT

SEED_TEXT = (ROOT / "data/reference/seed-article.txt").read_text(encoding="utf-8")
PREFIXES = """
PREFIX tkg: <https://w3id.org/treatment-kg/vocab/>
PREFIX concept: <https://w3id.org/treatment-kg/concept/>
PREFIX source: <https://w3id.org/treatment-kg/source/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


def _rows(result) -> list[dict[str, str]]:
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _established_path(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if r["path"].endswith("/ketamine-disinhibition")]


def test_the_seed_chain_reaches_neuroplasticity_in_order(kg) -> None:
    result = kg("query", "mechanism-path", "--param", "drug=ketamine",
                "--param", "target=neuroplasticity", "--format", "csv")  # fmt: skip
    steps = _established_path(_rows(result))
    objects = [r["objectLabel"] for r in steps]
    assert objects[:4] == ["NMDA receptor", "glutamate surge", "AMPA receptor", "BDNF"]
    assert objects[-1] == "neuroplasticity"
    assert [int(r["step"]) for r in steps] == list(range(1, len(steps) + 1))
    for earlier, later in itertools.pairwise(steps):
        assert earlier["objectLabel"] == later["subjectLabel"], (
            "each step starts where the last ends"
        )
    assert all(r["sources"] for r in steps)


def test_the_paths_reach_depression_and_the_competing_ones_are_debated(kg) -> None:
    rows = _rows(kg("query", "mechanism-path", "--param", "drug=Ketalar",
                    "--param", "target=depression", "--format", "csv"))  # fmt: skip
    paths: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        paths.setdefault(row["path"].rsplit("/", 1)[-1], []).append(row)
    assert set(paths) == {
        "ketamine-disinhibition",
        "ketamine-hydroxynorketamine",
        "ketamine-eef2-at-rest",
        "ketamine-lateral-habenula",
        "ketamine-opioid",
    }
    for steps in paths.values():
        assert steps[0]["subjectLabel"] == "ketamine"
        assert steps[-1]["objectLabel"] == "depression"
    assert {name for name, steps in paths.items() if steps[0]["pathStatus"] == "debated"} == {
        "ketamine-hydroxynorketamine",
        "ketamine-eef2-at-rest",
        "ketamine-lateral-habenula",
        "ketamine-opioid",
    }
    # the HNK path does not block the NMDA receptor at all
    assert "NMDA receptor" not in {r["objectLabel"] for r in paths["ketamine-hydroxynorketamine"]}


def test_one_property_path_walks_from_ketamine_through_the_nmda_receptor_to_depression(
    kg,
) -> None:
    ask = (
        PREFIXES
        + """
    ASK {
        concept:ketamine tkg:blocks concept:nmda-receptor .
        concept:nmda-receptor (tkg:blockadeLeadsTo|tkg:activates|tkg:increases|tkg:promotes|tkg:alleviates)+ concept:depression .
        concept:nmda-receptor (tkg:blockadeLeadsTo|tkg:activates|tkg:increases|tkg:promotes)+ concept:bdnf .
    }"""
    )
    result = kg("query", "-e", ask)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "yes"


def test_esketamine_has_its_own_path_to_depression(kg) -> None:
    rows = _rows(kg("query", "mechanism-path", "--param", "drug=Spravato",
                    "--param", "target=depression", "--format", "csv"))  # fmt: skip
    assert rows[0]["subjectLabel"] == "esketamine" and rows[-1]["objectLabel"] == "depression"


def test_drug_targets_lists_only_direct_targets(kg) -> None:
    rows = _rows(kg("query", "drug-targets", "--format", "csv"))
    pairs = {(r["drugLabel"], r["targetLabel"]) for r in rows}
    assert ("ketamine", "NMDA receptor") in pairs
    assert ("naltrexone", "mu-opioid receptor") in pairs
    # effects further down a mechanism, which the first edition listed as targets
    assert ("ketamine", "eEF2 kinase") not in pairs
    assert ("(2R,6R)-hydroxynorketamine", "AMPA receptor") not in pairs
    assert ("arketamine", "ERK") not in pairs
    assert ("ketamine", "mu-opioid receptor") not in pairs


def test_regulatory_history_is_in_date_order_with_the_2025_monotherapy(kg) -> None:
    rows = _rows(kg("query", "regulatory-history", "--format", "csv"))
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    ketamine = [r for r in rows if r["productLabel"] in ("ketamine", "esketamine")]
    assert [r["date"] for r in ketamine][:3] == ["1962", "1970", "1999-08-12"]
    by_date = {r["date"]: r for r in ketamine}
    assert "Calvin Stevens" in by_date["1962"]["eventLabel"]
    assert by_date["1970"]["agency"] == "FDA" and by_date["1970"]["indicationLabel"] == (
        "general anaesthesia"
    )
    assert by_date["1999-08-12"]["agency"] == "DEA" and by_date["1999-08-12"]["action"] == (
        "scheduling"
    )
    trd = by_date["2019-03-05"]
    assert trd["productLabel"] == "esketamine"
    assert "with an oral antidepressant" in trd["conditions"] and "REMS" in trd["conditions"]
    assert by_date["2020-08-03"]["indicationLabel"].startswith("major depressive disorder")
    assert by_date["2023-10-10"]["action"] == "safety warning"
    monotherapy = by_date["2025-01"]
    assert "monotherapy" in monotherapy["eventLabel"]
    assert "prescribing information" in monotherapy["sources"]
    assert ketamine[-1]["date"] == "2025-01"


def test_regulatory_history_holds_the_landscape(kg) -> None:
    """The comparators' dated decisions sit beside ketamine's: drugs, and devices cleared."""
    rows = _rows(kg("query", "regulatory-history", "--format", "csv"))
    seen = {(r["date"], r["action"], r["productLabel"], r["indicationLabel"]) for r in rows}
    assert {
        ("1987-12-29", "approval", "fluoxetine", "major depressive disorder"),
        ("1999-12", "supplemental approval", "sertraline", "post-traumatic stress disorder"),
        ("2008-10", "clearance", "transcranial magnetic stimulation", "major depressive disorder"),
        ("2019-03-19", "approval", "brexanolone", "postpartum depression"),
        ("2023-08-04", "approval", "zuranolone", "postpartum depression"),
    } <= seen


def test_regulatory_facts_cite_the_regulator_or_the_label(shipped_store: LocalStore) -> None:
    query = (
        PREFIXES
        + """
    SELECT ?fact WHERE {
        { ?fact tkg:evidence tkg:regulatory } UNION { ?fact rdf:predicate tkg:approvedFor }
        UNION { ?fact a tkg:RegulatoryEvent }
        FILTER NOT EXISTS {
            ?fact dcterms:source/tkg:sourceKind ?kind .
            FILTER (?kind IN (tkg:regulator-document, tkg:drug-label))
        }
    }"""
    )
    result = shipped_store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    assert [str(row["fact"]) for row in result] == []


def test_every_source_of_every_claim_is_quoted(shipped_store: LocalStore) -> None:
    query = (
        PREFIXES
        + """
    SELECT ?claim ?source WHERE {
        ?claim a rdf:Statement ; dcterms:source|tkg:contestedBy ?source .
        FILTER NOT EXISTS { ?claim tkg:citation [ dcterms:source ?source ; tkg:quote ?quote ] }
    }"""
    )
    result = shipped_store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    assert [(str(r["claim"]), str(r["source"])) for r in result] == []


def test_every_seed_quote_is_in_the_seed_word_for_word(shipped_store: LocalStore) -> None:
    query = (
        PREFIXES
        + """
    SELECT DISTINCT ?quote WHERE { ?fact tkg:citation [ dcterms:source source:seed ; tkg:quote ?quote ] }"""
    )
    result = shipped_store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    quotes = [row["quote"].value for row in result]
    assert len(quotes) > 20
    assert [q for q in quotes if q not in SEED_TEXT] == []


def test_the_hydroxynorketamine_trial_contests_what_it_argues_against(kg) -> None:
    rows = _rows(kg("query", "claim-sources", "--format", "csv"))
    farmer = [r for r in rows if r["source"].endswith("/hnk-2020")]
    assert {r["citation"] for r in farmer} == {
        "Farmer et al. 2020, Neuropsychopharmacology (a human crossover trial)"
    }
    roles = {(r["claim"].rsplit("/", 1)[-1], r["role"]) for r in farmer}
    assert ("hydroxynorketamine--produces--antidepressant-effect", "contests") in roles


def test_stats_json_reports_what_can_be_checked(kg) -> None:
    result = kg("stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert {"concepts", "claims", "sources", "claims_with_quote", "concepts_with_mapping",
            "debated"} <= set(stats)  # fmt: skip
    assert stats["claims_with_quote"] == stats["claims"]
    assert 0 < stats["concepts_with_mapping"] < stats["concepts"]
    assert stats["debated"] == stats["claims_per_status"]["debated"]


# The shapes, on small files of their own, validated with the shipped graph as context.
TINY = (FIXTURES / "tiny.ttl").read_text(encoding="utf-8")
NEW_DRUG = """
concept:testamine a tkg:Drug ; rdfs:label "testamine" ;
    skos:definition "A made-up drug that blocks the NMDA receptor, for the tests." .
source:label-of-testamine a tkg:Source ; tkg:sourceKind tkg:drug-label ;
    rdfs:label "Testamine label" ; dcterms:publisher "Tests" .
concept:testamine tkg:blocks concept:nmda-receptor .
claim:testamine--blocks--nmda-receptor a rdf:Statement ;
    rdf:subject concept:testamine ; rdf:predicate tkg:blocks ; rdf:object concept:nmda-receptor ;
    dcterms:source source:label-of-testamine ; tkg:actsDirectly true ;
    tkg:citation [ dcterms:source source:label-of-testamine ; tkg:quote "Testamine blocks NMDA receptors." ] ;
    tkg:evidence tkg:regulatory ; tkg:status tkg:established .
concept:testamine tkg:approvedFor concept:depression .
claim:testamine--approvedFor--depression a rdf:Statement ;
    rdf:subject concept:testamine ; rdf:predicate tkg:approvedFor ; rdf:object concept:depression ;
    dcterms:source source:label-of-testamine ;
    tkg:citation [ dcterms:source source:label-of-testamine ; tkg:quote "Testamine is indicated for depression." ] ;
    tkg:evidence tkg:regulatory ; tkg:status tkg:established .
"""
PATH = """
path:testamine a tkg:MechanismPath ; rdfs:label "testamine to depression" ;
    tkg:drug concept:testamine ; tkg:condition concept:depression ; tkg:status tkg:established ;
    tkg:hasStep [ tkg:position 1 ; tkg:claim claim:testamine--blocks--nmda-receptor ],
        [ tkg:position 2 ; tkg:claim claim:nmda-receptor--blockadeLeadsTo--glutamate-surge ],
        [ tkg:position 3 ; tkg:claim claim:glutamate-surge--activates--ampa-receptor ],
        [ tkg:position 4 ; tkg:claim claim:ampa-receptor--increases--bdnf ],
        [ tkg:position 5 ; tkg:claim claim:bdnf--activates--trkb ],
        [ tkg:position 6 ; tkg:claim claim:trkb--activates--mtor-signalling ],
        [ tkg:position 7 ; tkg:claim claim:mtor-signalling--promotes--synaptogenesis ],
        [ tkg:position 8 ; tkg:claim claim:synaptogenesis--promotes--neuroplasticity ],
        [ tkg:position 9 ; tkg:claim claim:neuroplasticity--promotes--antidepressant-effect ],
        [ tkg:position 10 ; tkg:claim claim:antidepressant-effect--alleviates--depression ] .
"""
HEADER = TINY[: TINY.index("concept:ketamine a tkg:Drug")] + (
    "@prefix path: <https://w3id.org/treatment-kg/path/> .\n"
)


def _validate(kg, tmp_path: Path, body: str) -> list[str]:
    graph = tmp_path / "graph.ttl"
    graph.write_text(HEADER + body, encoding="utf-8")
    result = kg("validate", "--data", str(graph))
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines() if result.returncode else []


def test_a_connected_drug_is_valid(kg, tmp_path: Path) -> None:
    assert _validate(kg, tmp_path, NEW_DRUG + PATH) == []


def test_a_drug_without_a_path_to_its_condition_is_reported(kg, tmp_path: Path) -> None:
    [problem] = _validate(kg, tmp_path, NEW_DRUG)
    assert "concept 'testamine'" in problem
    assert "acts directly on NMDA receptor and is used for depression (established), but no " \
        "mechanism path leads from it to any of them" in problem  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[ tkg:position 3 ; tkg:claim claim:glutamate-surge--activates--ampa-receptor ]",
          "[ tkg:position 3 ; tkg:claim claim:glutamate--activates--ampa-receptor ]"),
         "breaks between step 2 ('glutamate surge') and step 3 (which starts at 'glutamate')"),
        (("tkg:position 10 ;", "tkg:position 12 ;"),
         "numbers its 10 steps"),
        (("[ tkg:position 1 ; tkg:claim claim:testamine--blocks--nmda-receptor ],", ""),
         "numbers its 9 steps"),
        (("tkg:condition concept:depression", "tkg:condition concept:ptsd"),
         "ends at 'depression', not at its condition 'post-traumatic stress disorder'"),
    ],
)  # fmt: skip
def test_a_broken_path_is_reported(
    kg, tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    problems = _validate(kg, tmp_path, NEW_DRUG + PATH.replace(*change))
    assert any(
        "mechanism path 'testamine to depression'" in p and message in p for p in problems
    ), problems


def test_a_source_without_a_quote_is_reported(kg, tmp_path: Path) -> None:
    body = NEW_DRUG.replace(
        'tkg:citation [ dcterms:source source:label-of-testamine ; tkg:quote "Testamine is indicated for depression." ] ;\n',
        "",
    )
    problems = _validate(kg, tmp_path, body + PATH)
    assert len(problems) == 1
    assert "claim 'testamine approved for depression'" in problems[0]
    assert "cites 'Testamine label'" in problems[0] and "without a quote" in problems[0]


def test_a_regulatory_fact_from_the_news_alone_is_reported(kg, tmp_path: Path) -> None:
    body = NEW_DRUG.replace("tkg:sourceKind tkg:drug-label", "tkg:sourceKind tkg:news")
    problems = _validate(kg, tmp_path, body + PATH)
    assert len(problems) == 2
    assert all("is a regulatory fact backed only by news report" in p for p in problems)


def test_an_undated_regulatory_event_is_reported(kg, tmp_path: Path) -> None:
    event = """
@prefix event: <https://w3id.org/treatment-kg/event/> .
event:testamine-approval a tkg:RegulatoryEvent ; rdfs:label "Testamine approved" ;
    tkg:date "spring 2024" ; tkg:agency tkg:fda ; tkg:action tkg:approval ;
    tkg:product concept:testamine ; dcterms:source source:label-of-testamine ;
    tkg:citation [ dcterms:source source:label-of-testamine ; tkg:quote "Initial U.S. Approval: 2024" ] .
"""
    problems = _validate(kg, tmp_path, NEW_DRUG + PATH + event)
    assert len(problems) == 1
    assert (
        "event 'Testamine approved'" in problems[0] and "needs exactly one tkg:date" in problems[0]
    )
