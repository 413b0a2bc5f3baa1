"""The hand-made gold lists of the coverage corpus (tests/corpus/README.md says how they are
made), for the tests and the benchmarks alike."""

from __future__ import annotations

import csv
from pathlib import Path

CONCEPT = "https://w3id.org/treatment-kg/concept/"


def gold(article: Path) -> dict[str, str]:
    """concept IRI -> 'mentioned' or 'negated', from the article's hand-made gold list."""
    path = article.with_name(article.name.rsplit(".", 1)[0] + ".gold.tsv")
    with path.open(encoding="utf-8") as rows:
        return {
            row["concept"].replace("concept:", CONCEPT): row["status"]
            for row in csv.DictReader(rows, delimiter="\t")
        }
