"""The shipped graph: the seed article's content, sourced claims, and only verified identifiers."""

from __future__ import annotations

import csv
import re

import bioregistry
import pytest

from kg.query import run_select
from kg.store import LocalStore
from tests.conftest import ROOT

PREFIXES = """
PREFIX tkg: <https://w3id.org/treatment-kg/vocab/>
PREFIX concept: <https://w3id.org/treatment-kg/concept/>
PREFIX source: <https://w3id.org/treatment-kg/source/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX bibo: <http://purl.org/ontology/bibo/>
"""


def select(store: LocalStore, query: str) -> list[dict[str, str | int | float | None]]:
    return run_select(store, PREFIXES + query)


# What the seed article (data/reference/seed-article.txt) names, by the words
# it uses, and the concept that must carry each as its label or synonym.
SEED_CONCEPTS = {
    "ketamine": "ketamine",
    "Spravato": "esketamine",
    "NMDA receptor": "nmda-receptor",
    "glutamate": "glutamate",
    "glutamate system": "glutamate-system",
    "surge in glutamate": "glutamate-surge",
    "AMPA": "ampa-receptor",
    "new connections": "synaptogenesis",
    "neuroplasticity": "neuroplasticity",
    "BDNF": "bdnf",
    "Brain-Derived Neurotrophic Factor": "bdnf",
    "treatment-resistant depression": "treatment-resistant-depression",
    "PTSD": "ptsd",
    "anxiety disorders": "anxiety-disorder",
    "chronic pain": "chronic-pain",
    "depression": "depression",
    "traditional antidepressants": "traditional-antidepressant",
    "off-label": "off-label-use",
    "FDA-approved": "fda-approval",
    "anesthetic": "anaesthesia",
    "psychotherapy": "psychotherapy",
    "Ketamine-Assisted Psychotherapy": "ketamine-assisted-psychotherapy",
    "KAP": "ketamine-assisted-psychotherapy",
    "default mode network": "default-mode-network",
    "DMN": "default-mode-network",
    "self-reflection": "self-reflection",
    "negative thought loops": "rumination",
    "rumination": "rumination",
    "hopelessness": "hopelessness",
    "learning": "learning",
    "memory": "memory",
    "mood regulation": "mood-regulation",
    "disconnection from everyday stress": "disconnection-from-stress",
    "shift in perspective": "shift-in-perspective",
    "emotional release": "emotional-release",
    "sense of calm": "calm-or-openness",
}

# Every relation the seed article states, each of which must be a claim citing the seed.
SEED_CLAIMS = [
    ("ketamine", "blocks", "nmda-receptor"),
    ("nmda-receptor", "partOf", "glutamate-system"),
    ("glutamate", "partOf", "glutamate-system"),
    ("glutamate", "promotes", "excitatory-neurotransmission"),
    ("glutamate", "promotes", "learning"),
    ("glutamate", "promotes", "memory"),
    ("ketamine", "increases", "glutamate-surge"),
    ("glutamate-surge", "activates", "ampa-receptor"),
    ("ampa-receptor", "promotes", "synaptogenesis"),
    ("ketamine", "promotes", "neuroplasticity"),
    ("ketamine", "increases", "bdnf"),
    ("bdnf", "promotes", "neuronal-growth"),
    ("bdnf", "promotes", "neuronal-communication"),
    ("bdnf", "associatedWith", "mood-regulation"),
    ("ketamine", "usedOffLabelFor", "treatment-resistant-depression"),
    ("ketamine", "usedOffLabelFor", "ptsd"),
    ("ketamine", "usedOffLabelFor", "anxiety-disorder"),
    ("ketamine", "usedOffLabelFor", "chronic-pain"),
    ("ketamine", "hasRegulatoryStatus", "off-label-use"),
    ("esketamine", "approvedFor", "treatment-resistant-depression"),
    ("esketamine", "hasRegulatoryStatus", "fda-approval"),
    ("ketamine", "approvedFor", "anaesthesia"),
    ("ketamine", "hasOnset", "rapid-onset"),
    ("traditional-antidepressant", "hasOnset", "delayed-onset"),
    ("ketamine", "combinedWith", "psychotherapy"),
    ("psychotherapy", "partOf", "ketamine-assisted-psychotherapy"),
    ("ketamine", "altersActivityOf", "default-mode-network"),
    ("default-mode-network", "associatedWith", "self-reflection"),
    ("default-mode-network", "associatedWith", "rumination"),
    ("ketamine", "decreases", "rumination"),
    ("ketamine", "produces", "disconnection-from-stress"),
    ("ketamine", "produces", "shift-in-perspective"),
    ("ketamine", "produces", "emotional-release"),
    ("ketamine", "produces", "calm-or-openness"),
]


def test_seed_words_are_in_the_seed_article() -> None:
    text = (ROOT / "data/reference/seed-article.txt").read_text(encoding="utf-8").lower()
    missing = [word for word in SEED_CONCEPTS if word.lower() not in text]
    assert missing == []


@pytest.mark.parametrize("words", sorted(SEED_CONCEPTS))
def test_seed_concept_is_named(shipped_store: LocalStore, words: str) -> None:
    rows = select(
        shipped_store,
        f"""SELECT ?concept WHERE {{
            ?concept rdfs:label|skos:altLabel ?name .
            FILTER (LCASE(STR(?name)) = LCASE("{words}"))
        }}""",
    )
    assert [row["concept"] for row in rows] == [
        f"https://w3id.org/treatment-kg/concept/{SEED_CONCEPTS[words]}"
    ]


@pytest.mark.parametrize(("subject", "predicate", "object"), SEED_CLAIMS)
def test_seed_relation_is_a_claim_citing_the_seed(
    shipped_store: LocalStore, subject: str, predicate: str, object: str
) -> None:
    rows = select(
        shipped_store,
        f"""SELECT ?claim WHERE {{
            concept:{subject} tkg:{predicate} concept:{object} .
            ?claim rdf:subject concept:{subject} ; rdf:predicate tkg:{predicate} ;
                   rdf:object concept:{object} ; dcterms:source source:seed .
        }}""",
    )
    assert len(rows) == 1


def test_graph_is_broad(shipped_store: LocalStore) -> None:
    [row] = select(
        shipped_store,
        """SELECT (COUNT(DISTINCT ?c) AS ?concepts) (COUNT(DISTINCT ?claim) AS ?claims) WHERE {
            { ?c a/rdfs:subClassOf tkg:Concept } UNION { ?claim a rdf:Statement }
        }""",
    )
    # the landscape around ketamine (comparators, safety, dosing): issue 14's floor
    assert int(row["concepts"] or 0) >= 300
    assert int(row["claims"] or 0) >= 750


def test_nine_concepts_in_ten_carry_an_identifier(shipped_store: LocalStore) -> None:
    [row] = select(
        shipped_store,
        """SELECT (COUNT(DISTINCT ?c) AS ?concepts) (COUNT(DISTINCT ?mapped) AS ?withIdentifier)
        WHERE {
            ?c a/rdfs:subClassOf tkg:Concept .
            OPTIONAL {
                ?c skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch ?match .
                BIND (?c AS ?mapped)
            }
        }""",
    )
    share = int(row["withIdentifier"] or 0) / int(row["concepts"] or 1)
    assert share >= 0.9, f"{share:.1%} of concepts carry a verified identifier"


def test_every_claim_and_every_source_is_used(shipped_store: LocalStore) -> None:
    unsourced = select(
        shipped_store,
        "SELECT ?claim WHERE { ?claim a rdf:Statement FILTER NOT EXISTS { ?claim dcterms:source ?s } }",
    )
    unused = select(
        shipped_store,
        """SELECT ?source WHERE { ?source a tkg:Source
            FILTER NOT EXISTS { ?claim dcterms:source|tkg:contestedBy ?source } }""",
    )
    assert (unsourced, unused) == ([], [])


def test_no_two_sources_share_a_doi(shipped_store: LocalStore) -> None:
    rows = select(
        shipped_store,
        "SELECT ?doi WHERE { ?a bibo:doi ?doi . ?b bibo:doi ?doi FILTER (?a != ?b) }",
    )
    assert rows == []


@pytest.mark.parametrize(
    "claim",
    [
        "nmda-receptor-antagonist--produces--antidepressant-effect",
        "antidepressant-effect--requires--glun2a",
        "antidepressant-effect--requires--opioid-system",
        "ketamine--activates--mu-opioid-receptor",
        "hydroxynorketamine--produces--antidepressant-effect",
        "ketamine--inhibits--gabaergic-interneuron",
        "lhb-burst-firing--blockadeLeadsTo--antidepressant-effect",
        "mu-opioid-receptor--promotes--antidepressant-effect",
    ],
)
def test_contested_mechanisms_are_marked_debated(shipped_store: LocalStore, claim: str) -> None:
    rows = select(
        shipped_store,
        f"SELECT ?status WHERE {{ <https://w3id.org/treatment-kg/claim/{claim}> tkg:status ?status }}",
    )
    assert rows == [{"status": "https://w3id.org/treatment-kg/vocab/debated"}]


def test_racemic_ketamine_is_not_approved_for_depression(shipped_store: LocalStore) -> None:
    rows = select(
        shipped_store,
        """SELECT ?condition WHERE { concept:ketamine tkg:approvedFor|tkg:treats ?condition }""",
    )
    assert rows == [{"condition": "https://w3id.org/treatment-kg/concept/anaesthesia"}]


def _verified_identifiers() -> set[str]:
    with (ROOT / "data/reference/identifiers.tsv").open(encoding="utf-8") as table:
        return {
            row["identifier"]
            for row in csv.DictReader(table, delimiter="\t")
            if row["status"] == "verified"
        }


def test_every_verified_identifier_fits_its_registry_pattern() -> None:
    """Each identifier the graph may use is a CURIE of a system bioregistry knows, and its local
    part fits that system's pattern there (a typo such as MONDO:005929 cannot pass)."""
    misfits = []
    for curie in sorted(_verified_identifiers()):
        prefix, _, local = curie.partition(":")
        system = bioregistry.normalize_prefix(prefix)
        pattern = bioregistry.get_pattern(system) if system else None
        if not (pattern and re.fullmatch(pattern, local)):
            misfits.append(f"{curie} ({system}: {pattern})")
    assert len(_verified_identifiers()) > 50
    assert misfits == []


def test_every_mapping_is_a_verified_identifier(shipped_store: LocalStore) -> None:
    rows = select(
        shipped_store,
        """SELECT ?concept ?curie WHERE {
            ?concept skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch ?match .
            ?concept a/rdfs:subClassOf tkg:Concept .
            ?system tkg:iriPrefix ?prefix ; tkg:curiePrefix ?curiePrefix .
            FILTER (STRSTARTS(STR(?match), ?prefix))
            BIND (CONCAT(?curiePrefix, ":", STRAFTER(STR(?match), ?prefix)) AS ?curie)
        }""",
    )
    assert len(rows) > 50
    assert [row for row in rows if row["curie"] not in _verified_identifiers()] == []


def test_identifier_traps_are_avoided(shipped_store: LocalStore) -> None:
    rows = select(
        shipped_store,
        """SELECT ?concept ?match WHERE {
            ?concept skos:exactMatch ?match .
            FILTER (?match IN (<http://identifiers.org/drugbank/DB01221>,
                               <http://purl.obolibrary.org/obo/DOID_1474>))
        }""",
    )
    assert rows == [
        {
            "concept": "https://w3id.org/treatment-kg/concept/ketamine",
            "match": "http://identifiers.org/drugbank/DB01221",
        }
    ]


def test_every_mapping_is_well_formed_for_its_system(shipped_store: LocalStore) -> None:
    systems = {
        str(row["prefix"]): str(row["pattern"])
        for row in select(
            shipped_store,
            "SELECT ?prefix ?pattern WHERE { ?s tkg:iriPrefix ?prefix ; tkg:localIdPattern ?pattern }",
        )
    }
    matches = select(
        shipped_store,
        "SELECT ?match WHERE { ?c skos:exactMatch|skos:closeMatch|skos:broadMatch ?match . ?c a ?cat . ?cat a tkg:Category }",
    )
    for row in matches:
        iri = str(row["match"])
        [(prefix, pattern)] = [(p, pattern) for p, pattern in systems.items() if iri.startswith(p)]
        assert re.search(pattern, iri.removeprefix(prefix)), iri
