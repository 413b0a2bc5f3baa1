"""The coverage report of an article: which concepts and claims of the graph it covers, which
it misses, and what to add first."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from kg.coverage.articles import Article, read_article
from kg.coverage.cues import cue_pattern
from kg.coverage.factcheck import fact_check
from kg.coverage.mentions import Mention, find_mentions, sentence_starts
from kg.coverage.model import Claim, CoverageModel
from kg.coverage.topic import Topic, checklist, grade, topic_of
from kg.errors import DataError

__all__ = ["analyse", "analyse_all"]

# A pronoun that points back to the sentence before ("These receptors", "it is used").
_ANAPHOR = re.compile(r"\b(?:this|these|such|it|it['\u2019]s|its|they|them)\b", re.I)


def analyse(model: CoverageModel, article: Article) -> dict[str, Any]:
    """The coverage report of one article, as the JSON the docs describe."""
    text = article.text
    mentions = find_mentions(model, text)
    starts = sentence_starts(text)
    by_concept: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_concept.setdefault(mention.concept, []).append(mention)
    covered = {c for c, ms in by_concept.items() if any(not m.negated for m in ms)}

    sentences_of: dict[str, set[int]] = {}
    for mention in mentions:
        if not mention.negated:
            sentences_of.setdefault(mention.concept, set()).add(mention.sentence)
    # a sentence with "this", "these" or "it" may take its subject from the sentence before:
    # "ketamine triggers a glutamate surge. This surge activates AMPA receptors."
    ends = [*starts[1:], len(text)]
    for index in [i for i in range(1, len(starts)) if _ANAPHOR.search(text, starts[i], ends[i])]:
        for sentences in sentences_of.values():
            if index - 1 in sentences:
                sentences.add(-index)
    expressed: dict[str, tuple[Claim, str]] = {}
    for claim in model.claims:
        subject_in = {abs(i) for i in sentences_of.get(claim.subject, set())}
        object_in = {i for i in sentences_of.get(claim.object, set()) if i >= 0}
        for index in sorted(subject_in & object_in):
            end = starts[index + 1] if index + 1 < len(starts) else len(text)
            sentence = " ".join(text[starts[index] : end].split())
            if cue_pattern(tuple(model.cues.get(claim.predicate, []))).search(sentence):
                expressed[claim.iri] = (claim, sentence)
                break

    counts = Counter({c: sum(not m.negated for m in ms) for c, ms in by_concept.items()})
    topic = topic_of(model, +counts)
    items = checklist(model, topic, covered, set(expressed))
    seeds = {c: len(ms) for c, ms in by_concept.items() if c in covered}
    relevance = _relevance(model, seeds, covered)
    concepts = [
        _concept_entry(model, iri, ms)
        for iri, ms in sorted(by_concept.items(), key=lambda i: i[1][0].start)
    ]
    missing = sorted(
        (iri for iri in model.concepts if iri not in covered),
        key=lambda iri: (-relevance.get(iri, 0.0), model.concepts[iri].label.lower()),
    )
    missing_claims = sorted(
        (
            c
            for c in model.claims
            if c.iri not in expressed and (c.subject in covered or c.object in covered)
        ),
        key=lambda c: (-(relevance.get(c.subject, 0) + relevance.get(c.object, 0)), c.iri),
    )
    return {
        "file": article.name,
        "concepts": concepts,
        "missing": [_missing_entry(model, iri, relevance.get(iri, 0.0)) for iri in missing],
        "claims": {
            "expressed": [_claim_entry(model, c, sentence) for c, sentence in expressed.values()],
            "missing": [_claim_entry(model, c) for c in missing_claims],
        },
        "chains": _chain_report(model, covered, set(expressed)),
        "score": _score(model, covered, len(expressed), topic, items),
        "topic": items,
        "checks": fact_check(model, text, mentions, starts),
    }


def _relevance(model: CoverageModel, seeds: dict[str, int], covered: set[str]) -> dict[str, float]:
    """Personalised PageRank from the concepts the article covers, scaled so that the most
    relevant concept it does not cover scores 1."""
    ranks = nx.pagerank(model.graph, personalization=seeds or None)
    top = max((rank for iri, rank in ranks.items() if iri not in covered), default=1.0) or 1.0
    return {iri: round(rank / top, 4) for iri, rank in ranks.items()}


def _concept_entry(model: CoverageModel, iri: str, mentions: list[Mention]) -> dict[str, Any]:
    concept = model.concepts[iri]
    kept = [m for m in mentions if not m.negated]
    return {
        "iri": iri,
        "label": concept.label,
        "category": concept.category,
        "count": len(kept),
        "surface_forms": sorted(Counter(" ".join(m.surface.split()) for m in mentions)),
        "spans": [[m.start, m.end] for m in mentions],
        "negated": not kept,
        "negated_spans": [[m.start, m.end] for m in mentions if m.negated],
        "hedged_spans": [[m.start, m.end] for m in mentions if m.hedged],
    }


def _missing_entry(model: CoverageModel, iri: str, relevance: float) -> dict[str, Any]:
    concept = model.concepts[iri]
    source = model.sources.get(iri)
    return {
        "iri": iri,
        "label": concept.label,
        "category": concept.category,
        "relevance": relevance,
        "definition": concept.definition,
        "source": source._asdict() if source else None,
    }


def _claim_entry(model: CoverageModel, claim: Claim, sentence: str | None = None) -> dict[str, Any]:
    entry = {
        "iri": claim.iri,
        "subject": model.concepts[claim.subject].label,
        "predicate": claim.predicate,
        "object": model.concepts[claim.object].label,
        "status": claim.status,
    }
    if sentence is not None:
        entry["sentence"] = sentence
    return entry


def _chain_report(
    model: CoverageModel, covered: set[str], expressed: set[str]
) -> list[dict[str, Any]]:
    """The mechanism paths of the drugs the article covers, each step stated or skipped: the
    established paths, and the debated ones the article states a step of."""
    return [
        {
            "drug": model.concepts[path.drug].label,
            "iri": path.drug,
            "path": path.iri,
            "label": path.label,
            "status": path.status,
            "stated": [
                _claim_entry(model, c) | {"step": n}
                for n, c in enumerate(path.steps, 1)
                if c.iri in expressed
            ],
            "skipped": [
                _claim_entry(model, c) | {"step": n}
                for n, c in enumerate(path.steps, 1)
                if c.iri not in expressed
            ],
        }
        for path in model.paths
        if path.drug in covered
        and (path.status == "established" or any(c.iri in expressed for c in path.steps))
    ]


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _score(
    model: CoverageModel,
    covered: set[str],
    expressed: int,
    topic: Topic,
    items: list[dict[str, Any]],
) -> dict[str, Any]:
    per_category: dict[str, dict[str, Any]] = {}
    for concept in model.concepts.values():
        entry = per_category.setdefault(concept.category, {"covered": 0, "total": 0})
        entry["total"] += 1
        entry["covered"] += concept.iri in covered
    for entry in per_category.values():
        entry["percent"] = _percent(entry["covered"], entry["total"])
    topic_percent = _percent(sum(item["covered"] for item in items), len(items))
    return {
        "topic": topic_percent,
        "grade": grade(topic_percent),
        "topic_of": [model.concepts[iri].label for iri in topic.about],
        "topic_covered": sum(item["covered"] for item in items),
        "topic_total": len(items),
        "concepts": _percent(len(covered), len(model.concepts)),
        "concepts_covered": len(covered),
        "concepts_total": len(model.concepts),
        "claims": _percent(expressed, len(model.claims)),
        "claims_expressed": expressed,
        "claims_total": len(model.claims),
        "per_category": dict(sorted(per_category.items())),
    }


def analyse_all(
    model: CoverageModel,
    paths: Sequence[Path | None],
    read_stdin: Callable[[], bytes],
    advance: Callable[[int], None] = lambda _: None,
) -> tuple[list[tuple[Article, dict[str, Any]]], list[DataError]]:
    """Report on every article; one that cannot be read is a problem, and the rest go on."""
    done: list[tuple[Article, dict[str, Any]]] = []
    problems: list[DataError] = []
    for path in paths:
        try:
            article = read_article(path, read_stdin() if path is None else None)
        except DataError as problem:
            problems.append(problem)
        else:
            done.append((article, analyse(model, article)))
        advance(1)
    return done, problems
