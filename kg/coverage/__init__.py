"""Concept coverage of an article: which concepts and claims of the graph it covers, which it
misses, and what to add first.

- `load_model(store)` reads what coverage needs from the graph, once;
- `read_article(path)` reads a text, Markdown or HTML article; `article_paths` expands folders;
- `analyse(model, article)` gives the report (the JSON of `kg coverage --format json`);
- `analyse_all` reports on many articles; `write_reports`, `batch_summary` and
  `REPORT_FORMATS` write them as people read them; `gate_failures` says which fail a
  content team's gates (--fail-under, --fail-on).
"""

from kg.coverage.analysis import analyse, analyse_all
from kg.coverage.articles import Article, article_paths, read_article, readable_text
from kg.coverage.mentions import Mention, find_mentions
from kg.coverage.model import CoverageModel, load_model
from kg.coverage.report import (
    REPORT_FORMATS,
    batch_summary,
    gate_failures,
    html_fragment,
    write_reports,
)

__all__ = [
    "REPORT_FORMATS",
    "Article",
    "CoverageModel",
    "Mention",
    "analyse",
    "analyse_all",
    "article_paths",
    "batch_summary",
    "find_mentions",
    "gate_failures",
    "html_fragment",
    "load_model",
    "read_article",
    "readable_text",
    "write_reports",
]
