"""An article's topic: the concepts and claims the graph ties to what the article is about, which
its topic score counts. docs/coverage.md gives the rule in words.

The article is about its main treatments (the categories that topical predicates start from:
drugs, therapies, metabolites), or about its main conditions when it names no treatment as
often as a condition. A treatment's topic is the treatment, the steps of its established
mechanism paths, and its topical claims (tkg:topical in the schema: regulatory standing for the
conditions the article names, regulatory status, side effects), established ones only, with
the concepts they join. A condition's topic is the condition and the topical claims that end
at it or at a condition under it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

from kg.coverage.model import Claim, CoverageModel

__all__ = ["Topic", "grade", "topic_of"]

CONDITION = "Condition"
# A concept is one of the article's main subjects when it is named at least this share of
# the times its most named rival is.
MAIN_SHARE = 0.6
# Of a treatment's topical claims that are not about a condition (its side effects), the topic
# holds this many per predicate, those with the most sources.
MAIN_OTHERS = 3
# Grades by topic score, best first: (lowest percent, grade).
GRADES = ((70.0, "A"), (50.0, "B"), (35.0, "C"), (20.0, "D"), (0.0, "F"))


class Topic(NamedTuple):
    about: list[str]  # the main treatments or conditions
    concepts: list[str]
    claims: list[Claim]


def _main(counts: Counter[str]) -> list[str]:
    top = max(counts.values(), default=0)
    return sorted(c for c, n in counts.items() if n >= max(1.0, top * MAIN_SHARE))


def topic_of(model: CoverageModel, counts: Counter[str]) -> Topic:
    """The topic of an article whose (not negated) mentions of each concept are `counts`."""
    rules = model.rules
    starts = set().union(*(rules.subject_categories.get(p, set()) for p in rules.topical))
    category = {iri: concept.category for iri, concept in model.concepts.items()}
    treatments = Counter({c: n for c, n in counts.items() if category[c] in starts})
    conditions = Counter({c: n for c, n in counts.items() if category[c] == CONDITION})
    most = max(treatments.values(), default=0)
    if most and (most >= 2 or most >= max(conditions.values(), default=0)):
        about = _main(treatments)
        claims = _treatment_claims(model, about, set(conditions))
    else:
        about = _main(conditions)
        claims = _condition_claims(model, about)
    concepts = list(
        dict.fromkeys([*about, *(end for c in claims for end in (c.subject, c.object))])
    )
    return Topic(about, concepts, claims)


def _treatment_claims(model: CoverageModel, treatments: list[str], named: set[str]) -> list[Claim]:
    """Established paths' steps and established topical claims of the treatments: claims about
    conditions for the conditions the article names (or all, if it names none), and of the
    others (side effects) the best sourced few of each predicate."""
    family = set(named).union(*(model.narrower.get(c, set()) for c in named))
    family |= {broader for broader, under in model.narrower.items() if under & set(named)}
    claims: dict[str, Claim] = {}
    for path in model.paths:
        if path.drug in treatments and path.status == "established":
            claims.update((step.iri, step) for step in path.steps)
    others: dict[tuple[str, str], list[Claim]] = {}
    for claim in model.claims:
        if not (
            claim.subject in treatments
            and claim.predicate in model.rules.topical
            and claim.status == "established"
        ):
            continue
        if model.concepts[claim.object].category == CONDITION:
            if not family or claim.object in family:
                claims.setdefault(claim.iri, claim)
        else:
            others.setdefault((claim.subject, claim.predicate), []).append(claim)
    for group in others.values():
        group.sort(key=lambda c: (-len(model.claim_sources.get(c.iri, [])), c.iri))
        claims.update((c.iri, c) for c in group[:MAIN_OTHERS])
    return list(claims.values())


def _condition_claims(model: CoverageModel, conditions: list[str]) -> list[Claim]:
    family = set(conditions).union(*(model.narrower.get(c, set()) for c in conditions))
    return [
        c
        for c in model.claims
        if c.object in family and c.predicate in model.rules.topical and c.status == "established"
    ]


def grade(percent: float) -> str:
    """The letter for a topic score.

    >>> grade(81.0), grade(50.0), grade(12.5)
    ('A', 'B', 'F')
    """
    return next(letter for lowest, letter in GRADES if percent >= lowest)


def checklist(
    model: CoverageModel, topic: Topic, covered: set[str], expressed: set[str]
) -> list[dict[str, Any]]:
    """The topic as a checklist: each concept and claim, and whether the article covers it."""
    items: list[dict[str, Any]] = [
        {
            "kind": "concept",
            "iri": iri,
            "label": model.concepts[iri].label,
            "category": model.concepts[iri].category,
            "covered": iri in covered,
        }
        for iri in topic.concepts
    ]
    items += [
        {
            "kind": "claim",
            "iri": claim.iri,
            "label": " ".join(
                (
                    model.concepts[claim.subject].label,
                    claim.predicate,
                    model.concepts[claim.object].label,
                )
            ),
            "status": claim.status,
            "covered": claim.iri in expressed,
        }
        for claim in topic.claims
    ]
    return items
