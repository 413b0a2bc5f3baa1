"""What coverage needs from the graph: concepts, names, claims, predicate cues, mechanism
chains and a source per concept, read once through saved queries, so a new synonym or cue in
data/ is used without code changes."""

from __future__ import annotations

from typing import Any, NamedTuple

import networkx as nx

from kg.coverage.forms import LEXICON_DIR, load_paraphrases
from kg.coverage.guards import load_guards
from kg.coverage.matcher import Matcher, Name
from kg.query import load_query, run_select
from kg.store import Store
from kg.tables import mechanism_paths, source_url

__all__ = [
    "GUARDS_FILE",
    "PARAPHRASES_FILE",
    "Claim",
    "ClaimEvent",
    "Concept",
    "CoverageModel",
    "Path",
    "Rules",
    "Source",
    "load_model",
]

Record = dict[str, Any]
PARAPHRASES_FILE = LEXICON_DIR / "paraphrases.tsv"
GUARDS_FILE = LEXICON_DIR / "guards.tsv"


class Concept(NamedTuple):
    iri: str
    label: str
    category: str
    definition: str


class Claim(NamedTuple):
    iri: str
    subject: str
    predicate: str  # its label
    object: str
    status: str


class Path(NamedTuple):
    """A mechanism path: its steps' claims in order, from the drug to the condition."""

    iri: str
    label: str
    drug: str
    condition: str
    status: str
    steps: tuple[Claim, ...]


class ClaimEvent(NamedTuple):
    """A dated event that made a claim, or lifted the requirement it states."""

    iri: str
    label: str
    date: str
    indication: str | None
    role: str  # "made" or "lifted"


class Rules(NamedTuple):
    """What the fact check and the topic know of each predicate (by label), from the schema."""

    subject_categories: dict[str, set[str]]
    object_categories: dict[str, set[str]]
    refined_by: dict[str, set[str]]  # predicate -> the predicates that refine it
    contradicted_by: dict[str, list[tuple[str, str]]]  # predicate -> (other predicate, rule)
    negation_stated_as: dict[str, set[str]]
    topical: set[str]  # predicates whose claims about a treatment belong to its topic
    symmetric: set[str]  # predicates that read the same both ways
    requirement_cues: list[str]  # words that state a condition of use as a requirement
    weak_cues: dict[str, list[str]]  # predicate -> its cues too common to flag a sentence
    weak_everywhere: list[str]  # cues too common to flag a sentence, for every predicate


class Source(NamedTuple):
    citation: str
    url: str | None


class CoverageModel(NamedTuple):
    """Everything coverage needs from the graph, read once."""

    matcher: Matcher
    names: list[Name]
    concepts: dict[str, Concept]
    claims: list[Claim]
    cues: dict[str, list[str]]  # predicate label -> cue words and phrases
    paths: list[Path]
    sources: dict[str, Source]  # concept IRI -> a source to read about it
    graph: nx.Graph[str]
    rules: Rules
    claim_sources: dict[str, list[Source]]  # claim IRI -> the sources that support it
    events: dict[str, list[ClaimEvent]]  # claim IRI -> the events that made or lifted it
    narrower: dict[str, set[str]]  # concept IRI -> the concepts under it, however deep
    between: dict[frozenset[str], list[Claim]]  # the claims that join two concepts, either way


def load_model(store: Store) -> CoverageModel:
    """Read the lexicon, concepts, claims, cues, paths, sources and fact-check rules."""
    concepts = {
        str(r["concept"]): Concept(
            str(r["concept"]), str(r["label"]), str(r["category"]), str(r["definition"] or "")
        )
        for r in _rows(store, "concepts")
    }
    names = [Name(str(r["concept"]), str(r["name"])) for r in _rows(store, "lexicon")]
    # The lexicon files are written for the shipped graph: with another graph, the rows for
    # concepts it lacks are passed over.
    paraphrases = [p for p in load_paraphrases(PARAPHRASES_FILE) if p.concept in concepts]
    guards = load_guards(GUARDS_FILE, concepts)
    names += [Name(p.concept, p.phrase) for p in paraphrases]
    claims = [
        Claim(
            str(r["claim"]),
            str(r["subject"]),
            str(r["predicateLabel"]),
            str(r["object"]),
            str(r["status"]),
        )
        for r in _rows(store, "claims")
    ]
    cues: dict[str, list[str]] = {}
    for r in _rows(store, "predicate-cues"):
        cues.setdefault(str(r["predicateLabel"]), []).append(str(r["cue"]).lower())
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(concepts)
    graph.add_edges_from((c.subject, c.object) for c in claims)
    between: dict[frozenset[str], list[Claim]] = {}
    for claim in claims:
        between.setdefault(frozenset((claim.subject, claim.object)), []).append(claim)
    narrower: dict[str, set[str]] = {}
    for r in _rows(store, "concept-hierarchy"):
        narrower.setdefault(str(r["broader"]), set()).add(str(r["concept"]))
    return CoverageModel(
        Matcher(names, guards=guards),
        names,
        concepts,
        claims,
        cues,
        _paths(store, claims),
        _sources(store, claims),
        graph,
        _rules(store),
        _claim_sources(store),
        _events(store),
        narrower,
        between,
    )


def _rows(store: Store, name: str) -> list[Record]:
    return run_select(store, load_query(name).text)


def _paths(store: Store, claims: list[Claim]) -> list[Path]:
    """Every mechanism path with its steps' claims in order, established paths first."""
    by_iri = {c.iri: c for c in claims}
    return [
        Path(
            p["id"],
            p["label"],
            p["drug"],
            p["condition"],
            p["status"],
            tuple(by_iri[c] for c in p["claims"]),
        )
        for p in mechanism_paths(store)
    ]


def _rules(store: Store) -> Rules:
    rules = Rules({}, {}, {}, {}, {}, set(), set(), [], {}, [])
    for r in _rows(store, "fact-check-rules"):
        label, rule, other = str(r["label"]), str(r["rule"]), str(r["other"])
        if rule == "subject-category":
            rules.subject_categories.setdefault(label, set()).add(other)
        elif rule == "object-category":
            rules.object_categories.setdefault(label, set()).add(other)
        elif rule == "refines":
            rules.refined_by.setdefault(other, set()).add(label)
        elif rule == "negation-stated-as":
            rules.negation_stated_as.setdefault(label, set()).add(other)
        elif rule == "topical":
            rules.topical.add(label)
        elif rule == "symmetric":
            rules.symmetric.add(label)
        elif rule == "weak-cue":
            rules.weak_cues.setdefault(label, []).append(other.lower())
        elif rule == "weak-cue-everywhere":
            rules.weak_everywhere.append(other.lower())
        elif rule == "requirement-cue":
            rules.requirement_cues.append(other.lower())
        else:
            rules.contradicted_by.setdefault(label, []).append((other, rule))
    return rules


def _claim_sources(store: Store) -> dict[str, list[Source]]:
    sources: dict[str, list[Source]] = {}
    for r in _rows(store, "claim-sources"):
        if r["role"] == "supports":
            sources.setdefault(str(r["claim"]), []).append(
                Source(str(r["citation"]), source_url(r))
            )
    return sources


def _events(store: Store) -> dict[str, list[ClaimEvent]]:
    events: dict[str, list[ClaimEvent]] = {}
    for r in _rows(store, "claim-events"):
        indication = str(r["indication"]) if r["indication"] else None
        events.setdefault(str(r["claim"]), []).append(
            ClaimEvent(
                str(r["event"]), str(r["eventLabel"]), str(r["date"]), indication, str(r["role"])
            )
        )
    return events


def _sources(store: Store, claims: list[Claim]) -> dict[str, Source]:
    """For each concept, the source of one of its claims, a paper with a DOI or PMID first."""
    ends = {c.iri: (c.subject, c.object) for c in claims}
    best: dict[str, tuple[int, Source]] = {}
    for r in _rows(store, "claim-sources"):
        url = source_url(r)
        rank = 0 if (r["doi"] or r["pmid"]) else 1 if url else 2
        for concept in ends.get(str(r["claim"]), ()):
            if concept not in best or rank < best[concept][0]:
                best[concept] = (rank, Source(str(r["citation"]), url))
    return {concept: source for concept, (_, source) in best.items()}
