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
from functools import partial
from typing import Any, NamedTuple

from kg.coverage.context import hedged, negated
from kg.coverage.cues import cue_pattern
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
# an aside that names something in passing: ", a metabolite of ketamine," "(like ketamine)"
_ASIDE = re.compile(r"[,(]\s*(?:a|an|the|its|which|who|like|such as|e\.g\.|i\.e\.)\s", re.I)
# "the NMDA receptor is what ketamine blocks", "the conditions for which it is studied"
_RELATIVE = re.compile(r"\b(?:what|which|whom)\b", re.I)
# a subject this close after its cue: "a side effect of ketamine", "offer ketamine"
_NEAR = re.compile(r"\W*(?:\w+\W+){0,2}", re.S)
# an object its preposition introduces right after the subject: "ketamine for chronic pain"
_INTRODUCED = re.compile(r"\W*(?:for|to|with|in|against)\W+(?:\w+\W+){0,2}", re.I)
_BY = re.compile(rf"\W*(?:\w+\W+){{0,{PASSIVE_GAP}}}?by\b", re.I)


class Cue(NamedTuple):
    start: int
    end: int
    predicates: frozenset[str]
    strong: frozenset[str]  # the predicates it states clearly enough to flag a sentence


class Relation(NamedTuple):
    """One relation a sentence states: subject and object mentions, the cue that states it."""

    subject: Mention
    predicate: str
    object: Mention
    cue: Cue


def _cues(model: CoverageModel, text: str, start: int, end: int) -> list[Cue]:
    """Every cue word in text[start:end], with all the predicates it may state."""
    found: dict[tuple[int, int], set[str]] = {}
    strong: dict[tuple[int, int], set[str]] = {}
    everywhere = set(model.rules.weak_everywhere)
    for predicate, cues in model.cues.items():
        weak = everywhere | set(model.rules.weak_cues.get(predicate, []))
        clear = cue_pattern(tuple(c for c in cues if c not in weak))
        for match in cue_pattern(tuple(cues)).finditer(text, start, end):
            found.setdefault(match.span(), set()).add(predicate)
            if clear.fullmatch(text, *match.span()):
                strong.setdefault(match.span(), set()).add(predicate)
    return [
        Cue(s, e, frozenset(p), frozenset(strong.get((s, e), ())))
        for (s, e), p in sorted(found.items())
    ]


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


def _fits(
    model: CoverageModel,
    related: set[str],
    mention: Mention,
    categories: set[str],
    partners: Sequence[Mention],
    as_subject: bool,
) -> bool:
    """Whether a mention can be the subject (or object) of a predicate: its category is one the
    predicate joins, or the graph has a claim of a related predicate with it in that place."""
    if model.concepts[mention.concept].category in categories:
        return True
    return any(
        c.predicate in related and (c.subject if as_subject else c.object) == mention.concept
        for p in partners
        for c in model.between.get(frozenset((mention.concept, p.concept)), [])
    )


def _aside(text: str, mention: Mention, before: int) -> bool:
    """Whether the mention sits in an aside that closes before `before`: "HNK, a metabolite of
    ketamine, works ..." is about HNK, not ketamine."""
    opener = max(text.rfind(",", 0, mention.start), text.rfind("(", 0, mention.start))
    if opener < 0 or not _ASIDE.match(text, opener):
        return False
    closers = [i for i in (text.find(",", mention.end), text.find(")", mention.end)) if i >= 0]
    return bool(closers) and min(closers) < before


def _relations(
    model: CoverageModel, text: str, mentions: list[Mention], cue: Cue
) -> list[Relation]:
    """The relations a cue states between the sentence's mentions, for each predicate it may be.

    The subject is the nearest fitting mention before the cue ("ketamine blocks ..."); its
    objects follow the cue, as a list, or come before the subject in a relative clause ("the
    conditions for which ketamine is studied"). A subject just after the cue ("a side effect of
    ketamine", "clinics offer ketamine for pain") takes the object before the cue, or the one
    its preposition introduces. "blocked by" turns the two round. A mention fits when its
    category is one the predicate joins, or, before the cue, when the graph has a claim of a
    related predicate with it in that place, so that a contradiction is not missed for want
    of a category.
    """
    before = [m for m in mentions if m.end <= cue.start]
    # the cue may sit in the object's own name: "rapid" in "rapid antidepressant effects"
    after = [m for m in mentions if m.end > cue.start]
    relations = []
    for predicate in sorted(cue.predicates):
        subjects = model.rules.subject_categories.get(predicate, set())
        objects = model.rules.object_categories.get(predicate, set())
        related = {
            predicate,
            *(other for other, _ in model.rules.contradicted_by.get(predicate, [])),
        }
        related |= model.rules.refined_by.get(predicate, set())
        fits = partial(_fits, model, related)
        fitting: list[Mention] = []
        # "blocked by ketamine" turns round, but "metabolised by" is how its predicate reads
        if _BY.match(text, cue.end) and not predicate.endswith(" by"):
            subject = next((m for m in after if fits(m, subjects, before, True)), None)
            fitting = [m for m in reversed(before) if fits(m, objects, after, False)][:1]
        elif subject := next(
            (
                m
                for m in reversed(before)
                if fits(m, subjects, after, True) and not _aside(text, m, cue.start)
            ),
            None,
        ):
            candidates = [
                m for m in after if m is not subject and fits(m, objects, [subject], False)
            ]
            if candidates:
                fitting = _objects(text, candidates[0], candidates[1:])
            else:
                fitting = [
                    m
                    for m in reversed(before)
                    if m.end <= subject.start
                    and _RELATIVE.search(text, m.end, subject.start)
                    and model.concepts[m.concept].category in objects
                ][:1]
        elif subject := next(
            (
                m
                for m in after
                if _NEAR.fullmatch(text, cue.end, m.start)
                and model.concepts[m.concept].category in subjects
            ),
            None,
        ):
            fitting = [m for m in reversed(before) if model.concepts[m.concept].category in objects]
            fitting += [
                m
                for m in after
                if m.start >= subject.end
                and _INTRODUCED.fullmatch(text, subject.end, m.start)
                and model.concepts[m.concept].category in objects
            ]
            fitting = fitting[:1]
        relations += [
            Relation(subject, predicate, o, cue)
            for o in fitting
            if subject is not None and o.concept != subject.concept
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
        for o in objects
        for c in model.between.get(frozenset((subject, o)), [])
        if c.predicate in wanted and (c.subject == subject or c.predicate in model.rules.symmetric)
    ]


def _lifted_by(
    model: CoverageModel, claim: Claim, sentence: str, concepts: set[str]
) -> list[Claim]:
    """The claims of a later event that made optional the requirement this claim states, when
    the sentence states it as a requirement ("must", "to be taken alongside") for that event's
    indication."""
    lower = sentence.lower()
    if not any(re.search(rf"\b{re.escape(cue)}\b", lower) for cue in model.rules.requirement_cues):
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
    joining = model.between.get(frozenset((subject, obj)), [])
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
        best: dict[
            frozenset[str], tuple[tuple[bool, bool, int], Relation, bool, bool, Finding]
        ] = {}
        for cue in _cues(model, text, start, end):
            for relation in _relations(model, text, found, cue):
                is_negated = negated(text, cue.start, cue.end)
                is_hedged = hedged(text, cue.start, cue.end)
                finding = _judge(
                    model, relation, is_negated, is_hedged, sentence, {m.concept for m in found}
                )
                if relation.predicate not in cue.strong and finding.verdict != "supported":
                    continue  # "in", "more", "used": too common to flag a sentence
                key = frozenset((relation.subject.concept, relation.object.concept))
                # a cue word outside the relation's own names ("approved for
                # treatment-resistant depression") before one inside them ("treat" there)
                ends = (relation.subject, relation.object)
                inside = any(m.start <= cue.start and cue.end <= m.end for m in ends)
                rank = (finding.verdict != "unsupported", not inside, _rank(finding))
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
