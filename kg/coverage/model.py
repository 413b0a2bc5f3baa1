"""What coverage needs from the graph: concepts, names, claims, predicate cues, mechanism
chains and a source per concept, read once through saved queries, so a new synonym or cue in
data/ is used without code changes."""

from __future__ import annotations

from typing import Any, NamedTuple

import networkx as nx

from kg.coverage.matcher import Matcher, Name
from kg.query import bind_params, load_query, run_select
from kg.site import source_url
from kg.store import Store

__all__ = ["Claim", "Concept", "CoverageModel", "Source", "load_model"]

Record = dict[str, Any]
DRUG_CATEGORY = "Drug"


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
    chains: dict[str, list[Claim]]  # drug IRI -> the links of its mechanism chain
    sources: dict[str, Source]  # concept IRI -> a source to read about it
    graph: nx.Graph[str]


def load_model(store: Store) -> CoverageModel:
    """Read the lexicon, concepts, claims, cues, chains and sources from the graph."""
    concepts = {
        str(r["concept"]): Concept(
            str(r["concept"]), str(r["label"]), str(r["category"]), str(r["definition"] or "")
        )
        for r in _rows(store, "concepts")
    }
    names = [Name(str(r["concept"]), str(r["name"])) for r in _rows(store, "lexicon")]
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
    return CoverageModel(
        Matcher(names),
        names,
        concepts,
        claims,
        cues,
        _chains(store, concepts, claims),
        _sources(store, claims),
        graph,
    )


def _rows(store: Store, name: str) -> list[Record]:
    return run_select(store, load_query(name).text)


def _chains(
    store: Store, concepts: dict[str, Concept], claims: list[Claim]
) -> dict[str, list[Claim]]:
    """Each drug's mechanism chain, as the saved query mechanism-chain defines it."""
    by_ends = {(c.subject, c.object, c.predicate): c for c in claims}
    query = load_query("mechanism-chain")
    chains = {}
    for concept in concepts.values():
        if concept.category != DRUG_CATEGORY:
            continue
        rows = run_select(store, bind_params(store, query, {"drug": concept.iri}))
        links = [by_ends.get((str(r["from"]), str(r["to"]), str(r["predicate"]))) for r in rows]
        chains[concept.iri] = _in_chain_order(concept.iri, [link for link in links if link])
    return chains


def _in_chain_order(drug: str, links: list[Claim]) -> list[Claim]:
    """The links from the drug outward: each by how many steps its start is from the drug."""
    graph: nx.DiGraph[str] = nx.DiGraph([(link.subject, link.object) for link in links])
    graph.add_node(drug)
    steps = nx.single_source_shortest_path_length(graph, drug)
    return sorted(links, key=lambda link: steps.get(link.subject, len(steps)))


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
