"""The fact check: for each sentence that states a relation between two concepts of the graph,
whether the graph supports it, holds it only as debated, contradicts it, or has nothing that
joins the two that way.

A relation is stated by a predicate cue (tkg:cue in the schema) with a concept before it and
one after it whose categories the predicate joins (schema:domainIncludes and rangeIncludes);
"X is blocked by Y" turns the two round. Which claims contradict which is read from the schema
(tkg:contradictedBy, tkg:negationOf) and from regulatory events (tkg:lifts), never from code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from kg.coverage.context import hedged, negated
from kg.coverage.mentions import Mention
from kg.coverage.model import Claim, CoverageModel

__all__ = ["VERDICTS", "fact_check"]

# From the best news to the worst; a sentence's verdict is the worst of its relations'.
VERDICTS = ("supported", "unsupported", "overstated", "contradicted")
# Words between a cue and "by" in a passive sentence ("is blocked directly by").
PASSIVE_GAP = 2
# Mentions joined to the one before by a comma, "and", "or" or "as well as" are one list of
# objects: "used off-label for PTSD, anxiety and chronic pain".
_LIST_JOINER = re.compile(r"^\s*(?:,|,?\s*(?:and|or|as well as|nor)\b)\s*(?:also\s+)?$", re.I)
_BY = re.compile(rf"\W*(?:\w+\W+){{0,{PASSIVE_GAP}}}?by\b", re.I)


class Cue(NamedTuple):
    start: int
    end: int
    predicates: frozenset[str]


class Relation(NamedTuple):
    """One relation a sentence states: subject and object mentions, the cue that states it."""

    subject: Mention
    predicate: str
    object: Mention
    cue: Cue


@lru_cache(maxsize=64)
def _pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    """One expression for a predicate's cues: a trailing * takes any word ending."""
    parts = []
    for cue in cues:
        stem = r"\s+".join(re.escape(word) for word in cue.rstrip("*").split())
        parts.append(stem + (r"\w*" if cue.endswith("*") else r"\b"))
    return re.compile(r"\b(?:" + "|".join(sorted(parts, key=len, reverse=True)) + ")", re.I)


def _cues(model: CoverageModel, text: str, start: int, end: int) -> list[Cue]:
    """Every cue word in text[start:end], with all the predicates it may state."""
    found: dict[tuple[int, int], set[str]] = {}
    for predicate, cues in model.cues.items():
        for match in _pattern(tuple(cues)).finditer(text, start, end):
            found.setdefault((match.start(), match.end()), set()).add(predicate)
    return [Cue(s, e, frozenset(p)) for (s, e), p in sorted(found.items())]


def _fits(model: CoverageModel, mention: Mention, categories: set[str] | None) -> bool:
    return categories is not None and model.concepts[mention.concept].category in categories


def _objects(text: str, first: Mention, later: Sequence[Mention]) -> list[Mention]:
    """The first object and the list it heads."""
    objects = [first]
    for mention in later:
        if mention.start < objects[-1].end:
            continue
        if not _LIST_JOINER.match(text[objects[-1].end : mention.start]):
            break
        objects.append(mention)
    return objects


def _relations(
    model: CoverageModel, text: str, mentions: list[Mention], cue: Cue
) -> list[Relation]:
    """The relations a cue states between the sentence's mentions, for each predicate it may be."""
    before = [m for m in mentions if m.end <= cue.start]
    # a cue may open the object's own name: "rapid" in "rapid antidepressant effects"
    after = [m for m in mentions if m.start >= cue.start and m.end > cue.end]
    passive = bool(_BY.match(text, cue.end))
    relations = []
    for predicate in sorted(cue.predicates):
        subjects = model.rules.subject_categories.get(predicate)
        objects = model.rules.object_categories.get(predicate)
        if passive:
            subject = next((m for m in after if _fits(model, m, subjects)), None)
            fitting = [m for m in reversed(before) if _fits(model, m, objects)][:1]
        else:
            subject = next((m for m in reversed(before) if _fits(model, m, subjects)), None)
            candidates = [m for m in after if _fits(model, m, objects)]
            fitting = _objects(text, candidates[0], candidates[1:]) if candidates else []
        if subject is None:
            continue
        relations += [
            Relation(subject, predicate, o, cue) for o in fitting if o.concept != subject.concept
        ]
    return relations


class Finding(NamedTuple):
    verdict: str
    rule: str | None
    claims: list[Claim]


def _claims_between(
    model: CoverageModel, subject: str, obj: str, predicates: Iterable[str]
) -> list[Claim]:
    """The graph's claims that join subject to obj, or to a concept under obj, by one of the
    predicates or a predicate that refines one of them."""
    wanted = set(predicates)
    for predicate in list(wanted):
        wanted |= model.rules.refined_by.get(predicate, set())
    objects = {obj} | model.narrower.get(obj, set())
    return [
        c
        for c in model.claims
        if c.subject == subject and c.object in objects and c.predicate in wanted
    ]


def _lifted_by(
    model: CoverageModel, claim: Claim, sentence: str, concepts: set[str]
) -> list[Claim]:
    """The claims of a later event that made the requirement this claim states optional, when
    the sentence states it as a requirement for that event's indication."""
    lower = sentence.lower()
    if any(re.search(r"\b" + re.escape(cue) + r"\b", lower) for cue in model.rules.optional_cues):
        return []
    for event in model.events.get(claim.iri, []):
        if event.role != "lifted" or event.indication is None:
            continue
        family = {event.indication, *model.narrower.get(event.indication, set())}
        family |= {b for b, under in model.narrower.items() if event.indication in under}
        conditions = {c for c in concepts if model.concepts[c].category == "Condition"}
        if conditions - family:
            continue  # about another indication, whose requirement still holds
        return [
            c
            for c in model.claims
            if any(e.iri == event.iri and e.role == "made" for e in model.events.get(c.iri, []))
        ]
    return []


def _judge(
    model: CoverageModel,
    relation: Relation,
    is_negated: bool,
    is_hedged: bool,
    sentence: str,
    concepts: set[str],
) -> Finding:
    subject, obj = relation.subject.concept, relation.object.concept
    stated = {relation.predicate}
    if is_negated:
        stated_as = model.rules.negation_stated_as.get(relation.predicate, set())
        positive = _claims_between(model, subject, obj, stated_as)
        if positive:  # "works without blocking X" states a claim of its own
            return _by_status(positive, is_hedged)
    same = _claims_between(model, subject, obj, stated)
    if same:
        if is_negated:
            if all(c.status == "debated" for c in same):
                return Finding("supported" if is_hedged else "overstated", None, same)
            return Finding("contradicted", "negated-established", same)
        for claim in same:
            later = _lifted_by(model, claim, sentence, concepts)
            if later and not is_hedged:
                return Finding("contradicted", "superseded-condition", [claim, *later])
        return _by_status(same, is_hedged)
    rules = model.rules.contradicted_by.get(relation.predicate, [])
    opposing = [
        (rule, c) for other, rule in rules for c in _claims_between(model, subject, obj, {other})
    ]
    if opposing:
        if is_negated:  # "is not approved for PTSD", and the graph has it only studied
            return Finding("supported", None, [c for _, c in opposing])
        return Finding("contradicted", opposing[0][0], [c for _, c in opposing])
    joining = [c for c in model.claims if {c.subject, c.object} == {subject, obj}]
    return Finding("unsupported", None, joining)


def _by_status(claims: list[Claim], is_hedged: bool) -> Finding:
    if any(c.status == "established" for c in claims) or is_hedged:
        return Finding("supported", None, claims)
    return Finding("overstated", None, claims)


def _claim_entry(model: CoverageModel, claim: Claim) -> dict[str, Any]:
    made = [e for e in model.events.get(claim.iri, []) if e.role == "made"]
    return {
        "iri": claim.iri,
        "subject": model.concepts[claim.subject].label,
        "predicate": claim.predicate,
        "object": model.concepts[claim.object].label,
        "status": claim.status,
        "date": max((e.date for e in made), default=None),
        "sources": [s._asdict() for s in model.claim_sources.get(claim.iri, [])],
    }


def fact_check(
    model: CoverageModel, text: str, mentions: list[Mention], starts: list[int]
) -> list[dict[str, Any]]:
    """A check for each relation a sentence states between two concepts of the graph."""
    by_sentence: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault(mention.sentence, []).append(mention)
    checks = []
    for index, found in sorted(by_sentence.items()):
        if len({m.concept for m in found}) < 2:
            continue
        start = starts[index]
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        while end > start and text[end - 1].isspace():
            end -= 1
        sentence = " ".join(text[start:end].split())
        best: dict[tuple[str, str], tuple[int, Relation, bool, bool, Finding]] = {}
        for cue in _cues(model, text, start, end):
            for relation in _relations(model, text, found, cue):
                is_negated = negated(text, cue.start, cue.end)
                is_hedged = hedged(text, cue.start, cue.end)
                finding = _judge(
                    model, relation, is_negated, is_hedged, sentence, {m.concept for m in found}
                )
                key = (relation.subject.concept, relation.object.concept)
                rank = _rank(finding)
                if key not in best or rank > best[key][0]:
                    best[key] = (rank, relation, is_negated, is_hedged, finding)
        for _, relation, is_negated, is_hedged, finding in best.values():
            checks.append(
                {
                    "sentence": sentence,
                    "span": [start, end],
                    "subject": model.concepts[relation.subject.concept].label,
                    "predicate": relation.predicate,
                    "object": model.concepts[relation.object.concept].label,
                    "negated": is_negated,
                    "hedged": is_hedged,
                    "verdict": finding.verdict,
                    "rule": finding.rule,
                    "graph_claims": [_claim_entry(model, c) for c in finding.claims],
                }
            )
    return checks


def _rank(finding: Finding) -> int:
    """Which reading of a sentence to keep: one the graph has a claim for, then one it
    contradicts, and an unsupported reading only when nothing better fits."""
    if finding.verdict == "unsupported":
        return 0
    if finding.verdict == "contradicted":
        return 1
    return 2
