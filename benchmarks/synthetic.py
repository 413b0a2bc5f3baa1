"""Synthetic graphs with the shipped schema, for benchmarks: concepts in every category and
claims whose predicates respect the schema's domains and ranges, with full provenance.

Run: python benchmarks/synthetic.py TRIPLES OUT.ttl  (e.g. 1000000 /tmp/synthetic-1m.ttl)
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pyoxigraph as ox

from kg.files import SCHEMA_FILE

TKG = "https://w3id.org/treatment-kg/vocab/"
HEADER = """@prefix tkg: <https://w3id.org/treatment-kg/vocab/> .
@prefix concept: <https://w3id.org/treatment-kg/concept/> .
@prefix claim: <https://w3id.org/treatment-kg/claim/> .
@prefix source: <https://w3id.org/treatment-kg/source/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix bibo: <http://purl.org/ontology/bibo/> .
"""
TRIPLES_PER_CONCEPT, TRIPLES_PER_CLAIM, CLAIMS_PER_CONCEPT = 7, 9, 3
# The concept each benchmark parameter names: the first concept of its category.
PARAMETER_CATEGORIES = {
    "drug": "Drug",
    "condition": "Condition",
    "concept": "GeneOrProtein",
    "target": "Condition",
    "first": "Drug",
    "second": "Therapy",
}


def _schema() -> tuple[list[str], dict[str, tuple[list[str], list[str]]]]:
    store = ox.Store()
    store.load(path=str(SCHEMA_FILE), format=ox.RdfFormat.TURTLE)
    categories = sorted(
        str(row["c"].value).removeprefix(TKG)  # type: ignore[union-attr]
        for row in store.query(f"SELECT ?c WHERE {{ ?c a <{TKG}Category> }}")  # type: ignore[union-attr]
    )
    predicates: dict[str, tuple[list[str], list[str]]] = {}
    for row in store.query(  # type: ignore[union-attr]
        f"""SELECT ?p ?d ?r WHERE {{ ?p a <{TKG}ClaimPredicate> ;
            <https://schema.org/domainIncludes> ?d ; <https://schema.org/rangeIncludes> ?r }}"""
    ):
        p, d, r = (str(row[k].value).removeprefix(TKG) for k in ("p", "d", "r"))  # type: ignore[union-attr]
        domains, ranges = predicates.setdefault(p, ([], []))
        if d not in domains:
            domains.append(d)
        if r not in ranges:
            ranges.append(r)
    return categories, predicates


def concept_label(index: int) -> str:
    return f"synthetic concept {index}"


def parameters(triples: int) -> dict[str, str]:
    """Values for the saved queries' parameters that exist in a graph of this size."""
    categories, _ = _schema()
    values = {
        name: concept_label(categories.index(cat)) for name, cat in PARAMETER_CATEGORIES.items()
    }
    return {**values, "name": concept_label(1)}


def write_graph(triples: int, out: Path, seed: int = 7) -> None:
    """Write a graph of about `triples` triples to `out`."""
    rng = random.Random(seed)
    categories, predicates = _schema()
    concepts = max(
        len(categories), triples // (TRIPLES_PER_CONCEPT + CLAIMS_PER_CONCEPT * TRIPLES_PER_CLAIM)
    )
    sources = max(1, concepts // 10)
    by_category: dict[str, list[int]] = {c: [] for c in categories}
    with out.open("w", encoding="utf-8") as ttl:
        ttl.write(HEADER)
        for i in range(concepts):
            category = categories[i % len(categories)]
            by_category[category].append(i)
            ttl.write(
                f'concept:s{i} a tkg:{category} ; rdfs:label "{concept_label(i)}" ;\n'
                f'    skos:altLabel "syn{i}", "sc-{i}" ;\n'
                f'    skos:definition "A synthetic {category} number {i}." ;\n'
                f"    skos:exactMatch <http://id.nlm.nih.gov/mesh/D{i:06d}> .\n"
            )
        for j in range(sources):
            ttl.write(
                f'source:s{j} a tkg:Source ; rdfs:label "Synthetic source {j}" ; bibo:pmid "{j + 1}" .\n'
            )
        usable = [(p, d, r) for p, (d, r) in predicates.items()]
        seen: set[tuple[int, str, int]] = set()
        for _ in range(concepts * CLAIMS_PER_CONCEPT):
            predicate, domains, ranges = rng.choice(usable)
            subject = rng.choice(by_category[rng.choice(domains)])
            obj = rng.choice(by_category[rng.choice(ranges)])
            if subject == obj or (subject, predicate, obj) in seen:
                continue
            seen.add((subject, predicate, obj))
            status = "debated" if rng.random() < 0.1 else "established"
            ttl.write(
                f"concept:s{subject} tkg:{predicate} concept:s{obj} .\n"
                f"claim:s{subject}--{predicate}--s{obj} a rdf:Statement ;\n"
                f"    rdf:subject concept:s{subject} ; rdf:predicate tkg:{predicate} ; rdf:object concept:s{obj} ;\n"
                f"    dcterms:source source:s{rng.randrange(sources)} ; tkg:evidence tkg:preclinical ;\n"
                f'    rdfs:comment "Synthetic claim." ; tkg:status tkg:{status} .\n'
            )


if __name__ == "__main__":
    write_graph(int(sys.argv[1]), Path(sys.argv[2]))
