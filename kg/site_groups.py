"""The explorer's groups, read from data/explorer/: the colour group (colour and shape) of each
category of concepts, and the plain-language group of each claim predicate with whether a
route may follow it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from kg.errors import DataError
from kg.files import DATA_DIR

__all__ = ["EXPLORER_DIR", "ClaimGroups", "ConceptGroup", "ConceptGroups", "load_groups"]

EXPLORER_DIR = DATA_DIR / "explorer"
VOCAB = "https://w3id.org/treatment-kg/vocab/"
# vis-network's shapes that draw their label beside the node, so every group's label reads alike
SHAPES = {"dot", "diamond", "square", "triangle", "triangleDown", "star", "hexagon"}
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class ConceptGroup(NamedTuple):
    name: str
    colour: str
    shape: str


class ConceptGroups(NamedTuple):
    """The groups in legend order, and each category's group by its index; a category not
    listed is in the last group."""

    groups: list[ConceptGroup]
    of_category: dict[str, int]

    def group_of(self, category: str) -> int:
        return self.of_category.get(category, len(self.groups) - 1)


class ClaimGroups(NamedTuple):
    """The predicate groups in filter order, each predicate IRI's group by its index, and the
    predicates a route follows; a predicate not listed is in "other" and not followed."""

    names: list[str]
    of_predicate: dict[str, int]
    routed: set[str]

    def group_of(self, predicate: str) -> int:
        return self.of_predicate.get(predicate, self.names.index("other"))


def _rows(path: Path, columns: int) -> list[tuple[int, list[str]]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != columns or not all(c.strip() for c in cells):
            raise DataError(path, f"expected {columns} tab-separated values, got {line!r}", number)
        rows.append((number, [c.strip() for c in cells]))
    return rows


def _concept_groups(folder: Path) -> ConceptGroups:
    groups_file, categories_file = folder / "groups.tsv", folder / "categories.tsv"
    groups = []
    for number, (name, colour, shape) in _rows(groups_file, 3):
        if not COLOUR.fullmatch(colour):
            raise DataError(groups_file, f"colour {colour!r} is not #rrggbb", number)
        if shape not in SHAPES:
            raise DataError(
                groups_file, f"shape {shape!r} is not one of {', '.join(sorted(SHAPES))}", number
            )
        groups.append(ConceptGroup(name, colour, shape))
    if not 1 <= len(groups) <= 8:
        raise DataError(groups_file, f"needs one to eight groups, has {len(groups)}")
    names = [g.name for g in groups]
    of_category = {}
    for number, (category, group) in _rows(categories_file, 2):
        if group not in names:
            raise DataError(categories_file, f"unknown group {group!r}", number)
        of_category[category] = names.index(group)
    return ConceptGroups(groups, of_category)


def _claim_groups(folder: Path) -> ClaimGroups:
    predicates_file = folder / "predicates.tsv"
    names: list[str] = []
    of_predicate, routed = {}, set()
    for number, (predicate, group, route) in _rows(predicates_file, 3):
        if route not in {"yes", "no"}:
            raise DataError(predicates_file, f"route must be yes or no, not {route!r}", number)
        if group not in names:
            names.append(group)
        of_predicate[VOCAB + predicate] = names.index(group)
        if route == "yes":
            routed.add(VOCAB + predicate)
    if "other" not in names:
        names.append("other")
    return ClaimGroups(names, of_predicate, routed)


def load_groups(folder: Path = EXPLORER_DIR) -> tuple[ConceptGroups, ClaimGroups]:
    return _concept_groups(folder), _claim_groups(folder)
