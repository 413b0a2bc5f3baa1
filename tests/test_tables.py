"""kg/tables.py reads the graph's concepts and claims in bulk, once, for the explorer, the
exports and the diff: every field each of them shows, checked on the shipped graph against
what data/triples.ttl says."""

from __future__ import annotations

from kg.site import explorer_data
from kg.store import LocalStore
from kg.tables import graph_tables

CONCEPT = "https://w3id.org/treatment-kg/concept/"
CLAIM = "https://w3id.org/treatment-kg/claim/"


def test_concepts_carry_their_names_definitions_and_identifiers(
    shipped_store: LocalStore,
) -> None:
    nodes, _ = graph_tables(shipped_store)
    assert [n["id"] for n in nodes] == sorted(n["id"] for n in nodes)
    assert len(nodes) == 304
    by_id = {n["id"]: n for n in nodes}
    ketamine = by_id[CONCEPT + "ketamine"]
    assert (ketamine["label"], ketamine["category"]) == ("ketamine", "Drug")
    assert "Ketalar" in ketamine["synonyms"] and ketamine["definition"]
    assert {
        "curie": "CHEBI:6121",
        "url": "http://purl.obolibrary.org/obo/CHEBI_6121",
        "match": "exactMatch",
    } in ketamine["identifiers"]
    # hidden labels are for matching articles, never shown as synonyms
    assert "HNK" not in by_id[CONCEPT + "hydroxynorketamine"]["synonyms"]


def test_claims_carry_status_note_and_sources_with_their_role(
    shipped_store: LocalStore,
) -> None:
    _, edges = graph_tables(shipped_store)
    assert len(edges) == 761
    by_id = {e["id"]: e for e in edges}
    blocks = by_id[CLAIM + "ketamine--blocks--nmda-receptor"]
    assert (blocks["from"], blocks["label"], blocks["to"], blocks["status"]) == (
        CONCEPT + "ketamine",
        "blocks",
        CONCEPT + "nmda-receptor",
        "established",
    )
    assert all(s["role"] == "supports" for s in blocks["sources"]) and blocks["sources"]
    hnk = by_id[CLAIM + "hydroxynorketamine--actsIndependentlyOf--nmda-receptor"]
    assert hnk["status"] == "debated" and hnk["note"]
    roles = {s["citation"].split(",")[0]: s["role"] for s in hnk["sources"]}
    assert roles["Farmer et al. 2020"] == "supports"
    assert "contests" in roles.values()
    assert any(s["url"] == "https://doi.org/10.1038/s41386-020-0663-6" for s in hnk["sources"])


def test_the_explorer_reads_the_same_tables(tiny_store: LocalStore) -> None:
    nodes, edges = explorer_data(tiny_store)
    assert (len(nodes), len(edges)) == (4, 3)
