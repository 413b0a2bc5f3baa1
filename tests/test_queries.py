"""Every shipped saved query runs on the shipped graph and returns the rows it must."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.files import QUERY_DIR
from kg.query import bind_params, load_query, run_query, run_select, saved_queries
from kg.store import LocalStore
from tests.conftest import PARAMS

Rows = list[dict[str, str | int | float | None]]
CLAIM = "https://w3id.org/treatment-kg/claim/"
EVENT = "https://w3id.org/treatment-kg/event/"
PATH = "https://w3id.org/treatment-kg/path/"
SOURCE = "https://w3id.org/treatment-kg/source/"


def _first(rows: Rows, **where: object) -> dict[str, str | int | float | None]:
    return next(row for row in rows if all(row[k] == v for k, v in where.items()))


# One check per shipped file; a new .rq file without an entry here fails test_every_query_is_checked.
EXPECTATIONS: dict[str, Callable[[Rows], None]] = {
    "concepts-per-category": lambda rows: (
        (
            _first(rows, category="Drug")["concepts"] >= 6
            and _first(rows, category="Side effect")["concepts"] >= 14
            and sum(int(r["concepts"] or 0) for r in rows) > 80
        )
        or pytest.fail(f"unexpected counts: {rows}")
    ),
    "claims-per-predicate": lambda rows: (
        (
            _first(rows, predicate="approved for")["claims"] >= 40
            and _first(rows, predicate="recommended for")["claims"] >= 10
            and sum(int(r["claims"] or 0) for r in rows) >= 750
            and sum(int(r["debated"] or 0) for r in rows) >= 10
        )
        or pytest.fail(f"unexpected counts: {rows}")
    ),
    "claims-per-evidence": lambda rows: (
        (
            _first(rows, evidence="seed article claim", status="established")["claims"] > 30
            and _first(rows, evidence="clinical trial", status="debated")["claims"] >= 2
        )
        or pytest.fail(f"unexpected counts: {rows}")
    ),
    "mappings-per-id-system": lambda rows: (
        (
            _first(rows, prefix="MESH")["mappings"] >= 5
            and _first(rows, prefix="HGNC")["concepts"] >= 4
        )
        or pytest.fail(f"unexpected counts: {rows}")
    ),
    "sources": lambda rows: (
        (
            _first(rows, doi="10.1038/nature10130")["citation"] == "Autry et al. 2011, Nature"
            and _first(rows, doi="10.1038/nature10130")["pmid"] == "21677641"
            and int(
                _first(rows, citation="Klarisana 2025, What Ketamine Does to Your Brain")[
                    "supports"
                ]
                or 0
            )
            > 30
            and int(_first(rows, doi="10.1038/s41386-020-0663-6")["contests"] or 0) == 1
        )
        or pytest.fail(f"unexpected rows: {rows}")
    ),
    "mechanism-chain": lambda rows: (
        (
            {(r["fromLabel"], r["predicate"], r["toLabel"]) for r in rows}
            >= {
                ("ketamine", "blocks", "NMDA receptor"),
                ("ketamine", "increases", "glutamate surge"),
                ("glutamate surge", "activates", "AMPA receptor"),
                ("ketamine", "increases", "BDNF"),
                ("BDNF", "activates", "TrkB"),
                ("AMPA receptor", "promotes", "synaptogenesis"),
                ("synaptogenesis", "promotes", "neuroplasticity"),
            }
            and all(r["fromLabel"] != "naltrexone" for r in rows)
        )
        or pytest.fail(f"unexpected chain: {rows}")
    ),
    "treatments-for-condition": lambda rows: (
        (
            {(r["treatmentLabel"], r["use"], r["indicationLabel"]) for r in rows}
            >= {
                ("ketamine", "studied for", "post-traumatic stress disorder"),
                ("ketamine", "used off-label for", "post-traumatic stress disorder"),
            }
            and all(r["status"] in ("established", "debated") and r["sources"] for r in rows)
        )
        or pytest.fail(f"unexpected treatments: {rows}")
    ),
    "contraindications-and-interactions": lambda rows: (
        (
            {(r["relation"], r["otherLabel"]) for r in rows}
            >= {
                ("contraindicated in", "hypertension"),
                ("interacts with", "benzodiazepine"),
                ("interacts with", "opioid analgesic"),
            }
            and _first(rows, otherLabel="benzodiazepine")["status"] == "debated"
            and all(r["sources"] for r in rows)
        )
        or pytest.fail(f"unexpected contraindications and interactions: {rows}")
    ),
    "compare-treatments": lambda rows: (
        (
            [r["aspect"] for r in rows][-2:] == ["status", "side effects"]
            and "approved for treatment-resistant depression"
            in str(_first(rows, aspect="status")["firstTreatment"])
            and "approved for general anaesthesia"
            in str(_first(rows, aspect="status")["secondTreatment"])
            and "blocks NMDA receptor" in str(_first(rows, aspect="mechanism")["firstTreatment"])
            and "intravenous infusion" in str(_first(rows, aspect="route")["secondTreatment"])
            and "intravenous infusion" not in str(_first(rows, aspect="route")["firstTreatment"])
        )
        or pytest.fail(f"unexpected comparison: {rows}")
    ),
    "neighbourhood": lambda rows: (
        (
            len(rows) == 10
            and _first(rows, direction="out", otherLabel="TrkB")["predicate"] == "activates"
            and _first(rows, direction="in", otherLabel="AMPA receptor")["predicate"] == "increases"
        )
        or pytest.fail(f"unexpected neighbourhood: {rows}")
    ),
    "drug-targets": lambda rows: (
        (
            _first(rows, drugLabel="ketamine", targetLabel="NMDA receptor")["action"] == "blocks"
            and _first(rows, drugLabel="naltrexone")["targetLabel"] == "mu-opioid receptor"
        )
        or pytest.fail(f"unexpected targets: {rows}")
    ),
    "side-effects": lambda rows: (
        (
            len([r for r in rows if r["drugLabel"] == "esketamine"]) >= 10
            and "Domino 2010"
            in str(_first(rows, drugLabel="ketamine", effectLabel="tachycardia")["sources"])
        )
        or pytest.fail(f"unexpected side effects: {rows}")
    ),
    "debated-claims": lambda rows: (
        (
            len(rows) >= 10
            and all(r["note"] or r["contestedBy"] for r in rows)
            and "Farmer et al. 2020"
            in str(
                _first(
                    rows,
                    subjectLabel="(2R,6R)-hydroxynorketamine",
                    objectLabel="antidepressant effect",
                )["contestedBy"]
            )
        )
        or pytest.fail(f"unexpected debated claims: {rows}")
    ),
    "sources-for-concept": lambda rows: (
        (
            {r["citation"] for r in rows}
            >= {
                "Klarisana 2025, What Ketamine Does to Your Brain",
                "Yang et al. 2019, Translational Psychiatry",
            }
        )
        or pytest.fail(f"unexpected sources: {rows}")
    ),
    "curation-gaps": lambda rows: (
        (
            not [r for r in rows if r["gap"] == "claim without a source"]
            and not [r for r in rows if r["gap"] == "concept in no claim"]
            and any(
                r["gap"] == "source without a DOI or PMID"
                and r["label"] == "Erowid, ketamine timeline"
                for r in rows
            )
        )
        or pytest.fail(f"unexpected gaps: {rows}")
    ),
    "mappings": lambda rows: (
        (
            _first(rows, curie="DRUGBANK:DB11823")["label"] == "esketamine"
            and _first(rows, curie="MONDO:0024317")["match"] == "closeMatch"
        )
        or pytest.fail(f"unexpected mappings: {rows}")
    ),
    "lexicon": lambda rows: (
        (
            _first(rows, name="Spravato")["label"] == "esketamine"
            and _first(rows, name="KAP")["kind"] == "synonym"
            and len(rows) > 300
        )
        or pytest.fail(f"unexpected lexicon: {len(rows)} rows")
    ),
    "find-concept": lambda rows: (
        (
            rows
            == [
                {
                    "concept": "https://w3id.org/treatment-kg/concept/esketamine",
                    "label": "esketamine",
                    "category": "Drug",
                }
            ]
        )
        or pytest.fail(f"unexpected concept: {rows}")
    ),
    "regulatory-status": lambda rows: (
        (
            {(r["drugLabel"], r["relation"], r["targetLabel"]) for r in rows}
            >= {
                ("esketamine", "approved for", "treatment-resistant depression"),
                ("ketamine", "approved for", "general anaesthesia"),
                ("ketamine", "has regulatory status", "Schedule III controlled substance"),
            }
            and not [
                r
                for r in rows
                if r["drugLabel"] == "ketamine"
                and r["targetLabel"] == "treatment-resistant depression"
            ]
        )
        or pytest.fail(f"unexpected regulatory rows: {rows}")
    ),
}
EXPECTATIONS["concepts"] = lambda rows: (
    (
        len(rows) > 80
        and _first(rows, label="BDNF")["category"] == "Gene or protein"
        and all(r["definition"] for r in rows)
    )
    or pytest.fail(f"unexpected concepts: {len(rows)} rows")
)
EXPECTATIONS["claims"] = lambda rows: (
    (
        len(rows) > 150
        and _first(
            rows, claim="https://w3id.org/treatment-kg/claim/ketamine--blocks--nmda-receptor"
        )["predicateLabel"]
        == "blocks"
        and {r["status"] for r in rows} == {"established", "debated"}
    )
    or pytest.fail(f"unexpected claims: {len(rows)} rows")
)
CONCEPT = "https://w3id.org/treatment-kg/concept/"
EXPECTATIONS["concept-table"] = lambda rows: (
    (
        len({r["concept"] for r in rows}) > 80
        and {r["kind"] for r in rows} == {"synonym", "identifier", None}
        and any(
            r["concept"] == CONCEPT + "esketamine" and r["curie"] == "DRUGBANK:DB11823"
            for r in rows
        )
        and any(r["concept"] == CONCEPT + "ketamine" and r["value"] == "Ketalar" for r in rows)
    )
    or pytest.fail(f"unexpected concept table: {len(rows)} rows")
)
EXPECTATIONS["claim-table"] = lambda rows: (
    (
        len(rows) > 150
        and _first(rows, claim=CLAIM + "ketamine--blocks--nmda-receptor")["object"]
        == CONCEPT + "nmda-receptor"
        and {r["status"] for r in rows}
        == {
            "https://w3id.org/treatment-kg/vocab/established",
            "https://w3id.org/treatment-kg/vocab/debated",
        }
    )
    or pytest.fail(f"unexpected claim table: {len(rows)} rows")
)
EXPECTATIONS["claim-source-table"] = lambda rows: (
    (
        {r["role"] for r in rows} == {"supports", "contests"}
        and _first(rows, claim=CLAIM + "ketamine--blocks--nmda-receptor", role="supports")
    )
    or pytest.fail(f"unexpected claim sources: {len(rows)} rows")
)
EXPECTATIONS["term-table"] = lambda rows: (
    (
        _first(rows, term=CONCEPT + "bdnf")["label"] == "BDNF"
        and any(r["doi"] == "10.1038/nature10130" for r in rows)
    )
    or pytest.fail(f"unexpected term table: {len(rows)} rows")
)
EXPECTATIONS["predicate-cues"] = lambda rows: (
    (
        {"block*", "antagonis*"} <= {r["cue"] for r in rows if r["predicateLabel"] == "blocks"}
        and len({r["predicate"] for r in rows}) == 32
    )
    or pytest.fail(f"unexpected cues: {len(rows)} rows")
)
EXPECTATIONS["claim-sources"] = lambda rows: (
    (
        {
            r["citation"]
            for r in rows
            if r["claim"] == "https://w3id.org/treatment-kg/claim/ketamine--studiedFor--ptsd"
        }
        == {
            "Feder et al. 2014, JAMA Psychiatry",
            "Feder et al., American Journal of Psychiatry (repeated ketamine for PTSD)",
            "Abdallah et al. 2022, Neuropsychopharmacology",
        }
        and {
            r["doi"]
            for r in rows
            if r["claim"]
            == "https://w3id.org/treatment-kg/claim/hydroxynorketamine--produces--antidepressant-effect"
            and r["role"] == "contests"
        }
        == {"10.1038/s41386-020-0663-6", "10.1093/ijnp/pyx108"}
    )
    or pytest.fail(f"unexpected claim sources: {len(rows)} rows")
)
EXPECTATIONS["biolink-alignment"] = lambda rows: (
    (
        _first(rows, label="Drug", match="exactMatch")["biolink"]
        == "https://w3id.org/biolink/vocab/Drug"
        and _first(rows, label="treats", match="exactMatch")["biolink"]
        == "https://w3id.org/biolink/vocab/treats"
        and all(str(r["biolink"]).startswith("https://w3id.org/biolink/vocab/") for r in rows)
    )
    or pytest.fail(f"unexpected alignment: {rows}")
)
EXPECTATIONS["subgraph"] = lambda rows: (
    (
        "<https://w3id.org/treatment-kg/concept/bdnf> <https://w3id.org/treatment-kg/vocab/activates> <https://w3id.org/treatment-kg/concept/trkb>"
        in {r["triple"] for r in rows}
        and any("source/yang-2019" in str(r["triple"]) for r in rows)
        and not any("concept/naltrexone" in str(r["triple"]) for r in rows)
    )
    or pytest.fail(f"unexpected subgraph: {len(rows)} triples")
)


def _path(rows: list[dict[str, object]], name: str) -> list[tuple[object, object, object]]:
    return [
        (r["subjectLabel"], r["predicateLabel"], r["objectLabel"])
        for r in rows
        if str(r["path"]).endswith("/" + name)
    ]


# mechanism-path runs with drug=ketamine, target=depression (tests/conftest.py PARAMS)
EXPECTATIONS["mechanism-path"] = lambda rows: (
    (
        [r["subjectLabel"] for r in rows if str(r["path"]).endswith("/ketamine-disinhibition")][:5]
        == ["ketamine", "NMDA receptor", "glutamate surge", "AMPA receptor", "BDNF"]
        and _path(rows, "ketamine-disinhibition")[-1]
        == ("antidepressant effect", "alleviates", "depression")
        and [r["step"] for r in rows if str(r["path"]).endswith("/ketamine-disinhibition")]
        == list(range(1, 11))
        and {r["pathStatus"] for r in rows if str(r["path"]).endswith("/ketamine-opioid")}
        == {"debated"}
        and rows[0]["pathStatus"] == "established"
    )
    or pytest.fail(f"unexpected mechanism path: {rows}")
)
EXPECTATIONS["regulatory-history"] = lambda rows: (
    (
        [str(r["date"]) for r in rows] == sorted(str(r["date"]) for r in rows)
        and str(rows[0]["date"]) == "1962"
        and _first(rows, date="2019-03-05")["productLabel"] == "esketamine"
        and "with an oral antidepressant" in str(_first(rows, date="2019-03-05")["conditions"])
        and "monotherapy" in str(_first(rows, date="2025-01")["eventLabel"])
        and _first(rows, date="2025-01")["agency"] == "FDA"
        and "FDA" in str(_first(rows, date="2019-03-05")["sources"])
    )
    or pytest.fail(f"unexpected regulatory history: {rows}")
)
EXPECTATIONS["concept-card"] = lambda rows: (
    (
        {r["label"] for r in rows} == {"BDNF"}
        and "NCBIGene:627" in str(rows[0]["identifiers"])
        and "brain-derived neurotrophic factor" in str(rows[0]["synonyms"])
        and any(r["predicateLabel"] == "activates" and r["objectLabel"] == "TrkB" for r in rows)
    )
    or pytest.fail(f"unexpected concept card: {rows}")
)
EXPECTATIONS["evidence-counts"] = lambda rows: (
    (int(rows[0]["claimsWithQuote"] or 0) >= 175 and int(rows[0]["conceptsWithMapping"] or 0) >= 25)
    or pytest.fail(f"unexpected evidence counts: {rows}")
)


EXPECTATIONS["fact-check-rules"] = lambda rows: (
    (
        {"decreases"}
        == {
            r["other"]
            for r in rows
            if (r["label"], r["rule"]) == ("increases", "opposite-direction")
        }
        and {"studied for", "used off-label for", "not approved for"}
        == {
            r["other"]
            for r in rows
            if (r["label"], r["rule"]) == ("approved for", "regulatory-status")
        }
        and {"approved for"}
        == {r["label"] for r in rows if r["other"] == "treats" and r["rule"] == "refines"}
        and "acts independently of"
        in {r["other"] for r in rows if (r["label"], r["rule"]) == ("blocks", "negation-stated-as")}
        and "must" in {r["other"] for r in rows if r["rule"] == "requirement-cue"}
    )
    or pytest.fail(f"unexpected rules: {len(rows)} rows")
)
EXPECTATIONS["claim-events"] = lambda rows: (
    (
        _first(
            rows,
            claim=CLAIM + "esketamine--combinedWith--traditional-antidepressant",
            role="lifted",
        )["event"]
        == EVENT + "spravato-monotherapy-2025"
        and len([r for r in rows if r["role"] == "made"]) >= 8
    )
    or pytest.fail(f"unexpected claim events: {rows}")
)
EXPECTATIONS["concept-hierarchy"] = lambda rows: (
    (
        _first(rows, label="treatment-resistant depression", broaderLabel="depression")
        and _first(rows, label="selective serotonin reuptake inhibitor")["broaderLabel"]
        == "traditional antidepressant"
    )
    or pytest.fail(f"unexpected hierarchy: {rows}")
)
EXPECTATIONS["path-steps"] = lambda rows: (
    (
        [r["claim"] for r in rows if r["path"] == PATH + "ketamine-disinhibition"][:2]
        == [
            CLAIM + "ketamine--blocks--nmda-receptor",
            CLAIM + "nmda-receptor--blockadeLeadsTo--glutamate-surge",
        ]
        and len({r["path"] for r in rows}) >= 30
        and rows[0]["status"] == "established"
    )
    or pytest.fail(f"unexpected path steps: {len(rows)} rows")
)

EXPECTATIONS["labels"] = lambda rows: (
    (
        _first(rows, iri="https://w3id.org/treatment-kg/concept/ptsd")["label"]
        == "post-traumatic stress disorder"
        and _first(rows, iri="https://w3id.org/treatment-kg/vocab/blocks")["label"] == "blocks"
        and _first(rows, iri=SOURCE + "drugcentral-esketamine")["label"]
        == "DrugCentral, esketamine drug card"
        and len({r["iri"] for r in rows}) == len(rows)  # one label each
    )
    or pytest.fail(f"unexpected labels: {len(rows)} rows")
)

DOSING = "https://w3id.org/treatment-kg/dosing/"
TRIAL = "https://w3id.org/treatment-kg/trial/"
EXPECTATIONS["dosing"] = lambda rows: (
    (
        len(rows) >= 10
        and _first(rows, regimen=DOSING + "ketamine-trd-single-infusion")["infusionMinutes"] == 40
        and _first(rows, regimen=DOSING + "ketamine-trd-single-infusion")["unit"] == "mg/kg"
        and _first(rows, regimen=DOSING + "esketamine-trd-induction")["phase"] == "induction"
        and _first(rows, regimen=DOSING + "esketamine-trd-induction")["maxDose"] == 84
        and {r["phase"] for r in rows} >= {"induction", "maintenance", "single dose"}
        and all(r["sources"] for r in rows)
    )
    or pytest.fail(f"unexpected dosing: {rows}")
)
EXPECTATIONS["pharmacokinetics"] = lambda rows: (
    (
        len(rows) >= 10
        and _first(rows, drugLabel="esketamine", parameterLabel="bioavailability")["value"] == 48
        and _first(rows, drugLabel="esketamine", parameterLabel="elimination half-life")["maxValue"]
        == 12
        and {r["routeLabel"] for r in rows if r["drugLabel"] == "ketamine"}
        >= {"oral administration", "sublingual administration", "intramuscular injection"}
        and all(r["sources"] for r in rows)
    )
    or pytest.fail(f"unexpected pharmacokinetics: {rows}")
)
EXPECTATIONS["trials"] = lambda rows: (
    (
        len({r["trial"] for r in rows}) >= 8
        and _first(rows, trialLabel="SUSTAIN-1")["trialId"] == "NCT02493868"
        and _first(rows, trialLabel="SUSTAIN-1")["effect"] == 0.49
        and _first(rows, trialLabel="ESCAPE-TRD")["comparatorLabel"] == "quetiapine"
        and _first(rows, trialLabel="TRANSFORM-3")["met"] == "no"
        and isinstance(_first(rows, trialLabel="TRANSFORM-2")["participants"], int)
    )
    or pytest.fail(f"unexpected trials: {rows}")
)


def test_every_query_is_checked() -> None:
    assert sorted(q.name for q in saved_queries()) == sorted(EXPECTATIONS)


@pytest.mark.parametrize("path", sorted(QUERY_DIR.glob("*.rq")), ids=lambda p: p.stem)
def test_saved_query_returns_its_rows(shipped_store: LocalStore, path: Path) -> None:
    query = load_query(path.stem)
    assert query.title and query.description, "the header needs # title: and # description:"
    text = bind_params(shipped_store, query, {name: PARAMS[name] for name in query.params})
    result = run_query(shipped_store, text)
    if isinstance(result, list):  # a CONSTRUCT: its triples as N-Triples lines
        EXPECTATIONS[path.stem]([{"triple": str(triple)} for triple in result])
        return
    rows = run_select(shipped_store, text)
    assert rows
    EXPECTATIONS[path.stem](rows)


_CONCATENATED = re.compile(r"GROUP_CONCAT\s*\(.*?\)\s+AS\s+\?(\w+)", re.IGNORECASE | re.DOTALL)


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(QUERY_DIR.glob("*.rq")) if _CONCATENATED.search(p.read_text())],
    ids=lambda p: p.stem,
)
def test_concatenated_lists_are_sorted(shipped_store: LocalStore, path: Path) -> None:
    """SPARQL leaves GROUP_CONCAT's order open, so each store chose its own; the queries sort
    first, and every store gives the same string (tests/test_stores.py)."""
    query = load_query(path.stem)
    columns = _CONCATENATED.findall(query.text)
    text = bind_params(shipped_store, query, {name: PARAMS[name] for name in query.params})
    # a list joined inside a subquery is checked where it comes out: in the columns it fills
    cells = [str(row[c]) for row in run_select(shipped_store, text) for c in columns if row.get(c)]
    assert any("; " in cell for cell in cells), "no list of two or more to check"
    assert [cell for cell in cells if cell.split("; ") != sorted(cell.split("; "))] == []


def test_the_benchmark_graph_has_a_value_for_every_parameter() -> None:
    # benchmarks/sparql.py runs every saved query on a synthetic graph; a new parameter it
    # has no value for stopped it with a KeyError before it measured anything
    from benchmarks.synthetic import parameters

    assert {p for q in saved_queries() for p in q.params} <= parameters(1000).keys()
