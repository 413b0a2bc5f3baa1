"""Positions for the explorer's views, computed here so that the same data gives the same page:

- mechanism: the mechanism paths left to right in the direction they run, one column per step
  (longest-path layering, so a shared step is drawn once and after everything leading to it),
  the first established path on the middle row and each other path's own steps on a row of
  their own, alternately below and above it; labels alternate below and above the nodes from
  column to column, and columns are spaced so that no two labels on a row overlap;
- treatments: treatments on the left, the conditions they are for on the right;
- everything: a seeded force-directed layout of the whole graph.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from typing import Any

import networkx as nx

__all__ = [
    "FONT_SIZE",
    "NODE_SIZE",
    "force_layout",
    "label_width",
    "mechanism_layout",
    "treatment_layout",
]

Record = dict[str, Any]
Position = tuple[float, float, bool]  # x, y, label above the node

LAYOUT_SEED = 7
FONT_SIZE = 14  # the page's label size in graph units
NODE_SIZE = 10
# an upper bound of the average advance of DejaVu Sans and system fonts: a wide estimate costs
# some room, a narrow one overlapping labels
CHARACTER_WIDTH = 0.64 * FONT_SIZE
LABEL_GAP = 16
MIN_STEP = 3 * NODE_SIZE + 2 * LABEL_GAP
# a row holds a node, its label below and the next row's label above, with room to spare
ROW_HEIGHT = 2 * (NODE_SIZE + 4 + 1.3 * FONT_SIZE) + 2 * LABEL_GAP


def label_width(label: str) -> float:
    return len(label) * CHARACTER_WIDTH


def force_layout(nodes: list[Record], edges: list[Record]) -> dict[str, tuple[float, float]]:
    """Seeded force-directed positions. igraph's Fruchterman-Reingold runs in C: 0.4 s for
    5,000 nodes, where networkx's spring_layout took 45 s."""
    import igraph

    index = {node["id"]: i for i, node in enumerate(nodes)}
    pairs = sorted({(index[e["from"]], index[e["to"]]) for e in edges if e["from"] != e["to"]})
    graph = igraph.Graph(n=len(nodes), edges=pairs)
    igraph.set_random_number_generator(random.Random(LAYOUT_SEED))
    try:
        coords = graph.layout_fruchterman_reingold(niter=500).coords if nodes else []
    finally:
        igraph.set_random_number_generator(random)
    # spread the drawing with the number of nodes, so labels keep room as the graph grows
    extent = max((abs(v) for xy in coords for v in xy), default=1.0) or 1.0
    scale = 130 * len(nodes) ** 0.5 / extent
    return {
        node["id"]: (round(x * scale, 1), round(y * scale, 1))
        for node, (x, y) in zip(nodes, coords, strict=True)
    }


def _columns(sequences: list[list[str]]) -> dict[str, int]:
    """Each node's column: its longest distance from a start of the paths, or, if the paths
    run in a circle, its position in the first path that has it."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    for sequence in sequences:
        graph.add_nodes_from(sequence)
        graph.add_edges_from(itertools.pairwise(sequence))
    column: dict[str, int] = {}
    if nx.is_directed_acyclic_graph(graph):
        for node in nx.lexicographical_topological_sort(graph):
            column[node] = max((column[p] + 1 for p in graph.predecessors(node)), default=0)
    else:
        for sequence in sequences:
            for position, node in enumerate(sequence):
                column.setdefault(node, position)
    return column


def _rows(sequences: list[list[str]]) -> dict[str, int]:
    """The first path on row 0 and each later path's own nodes on the next row out (1, -1, 2,
    ...), so that a path that skips ahead does not cross the others' nodes."""
    row: dict[str, int] = {}
    outward = (k // 2 + 1 if k % 2 == 0 else -(k // 2 + 1) for k in itertools.count())
    for sequence in sequences:
        new = [n for n in dict.fromkeys(sequence) if n not in row]
        if new:
            chosen = 0 if not row else next(outward)
            row.update(dict.fromkeys(new, chosen))
    return row


def mechanism_layout(sequences: list[list[str]], labels: dict[str, str]) -> dict[str, Position]:
    """Positions of the nodes of the paths, each given as the sequence of its nodes in order,
    most important first."""
    if not sequences:
        return {}
    column = _columns(sequences)
    row = _rows(sequences)
    by_column: dict[int, list[str]] = {}
    for node in column:
        by_column.setdefault(column[node], []).append(node)
    x: dict[int, float] = {}
    placed: dict[tuple[int, bool], list[str]] = {}  # (row, label above): nodes so far
    for c in sorted(by_column):
        least = x[c - 1] + MIN_STEP if c - 1 in x else 0.0
        for node in by_column[c]:
            for other in placed.get((row[node], c % 2 == 1), []):
                half_widths = (label_width(labels[node]) + label_width(labels[other])) / 2
                least = max(least, x[column[other]] + half_widths + LABEL_GAP)
        x[c] = least
        for node in by_column[c]:
            placed.setdefault((row[node], c % 2 == 1), []).append(node)
    return {
        node: (round(x[column[node]], 1), round(row[node] * ROW_HEIGHT, 1), column[node] % 2 == 1)
        for node in sorted(column)
    }


def treatment_layout(
    pairs: Iterable[tuple[str, str]], labels: dict[str, str]
) -> dict[str, Position]:
    """Treatments on the left and conditions on the right, given (treatment, condition) pairs;
    conditions in alphabetical order, each treatment level with the middle of its conditions."""
    conditions: dict[str, list[str]] = {}
    for treatment, condition in pairs:
        conditions.setdefault(treatment, []).append(condition)
    ordered = sorted({c for cs in conditions.values() for c in cs}, key=lambda c: labels[c])
    step = 3 * FONT_SIZE + 2 * NODE_SIZE
    y_of = {c: i * step for i, c in enumerate(ordered)}
    wanted = sorted(
        conditions,
        key=lambda t: (sum(y_of[c] for c in conditions[t]) / len(conditions[t]), labels[t]),
    )
    y_treatment: dict[str, float] = {}
    for treatment in wanted:
        middle = sum(y_of[c] for c in conditions[treatment]) / len(conditions[treatment])
        below_last = max(y_treatment.values(), default=-step) + step
        y_treatment[treatment] = max(middle, below_last)
    widest = max((label_width(labels[n]) for n in [*ordered, *wanted]), default=0.0)
    right = widest + 8 * LABEL_GAP
    positions = {t: (0.0, round(y, 1), False) for t, y in y_treatment.items()}
    positions.update({c: (round(right, 1), round(y, 1), False) for c, y in y_of.items()})
    return positions
