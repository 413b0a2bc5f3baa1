"""Coverage reports as people read them: a terminal report, Markdown, JSON, an HTML page with
the article's mentions highlighted, and a summary table for a batch of articles."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.coverage.factcheck import VERDICTS
from kg.errors import DataError
from kg.files import STDOUT, write_atomically
from kg.wording import counted

if TYPE_CHECKING:
    from kg.coverage.articles import Article

__all__ = [
    "REPORT_FORMATS",
    "SUMMARY_FORMATS",
    "batch_summary",
    "gate_failures",
    "highlighted",
    "html_fragment",
    "summary_rows",
    "write_reports",
]

Report = dict[str, Any]
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
SHOWN = 10  # missing concepts and claims listed in the text and Markdown reports


def _claim(claim: dict[str, Any]) -> str:
    debated = " (debated)" if claim["status"] == "debated" else ""
    return f"{claim['subject']} {claim['predicate']} {claim['object']}{debated}"


def _source(entry: dict[str, Any]) -> str:
    source = entry["source"]
    if not source:
        return ""
    return f"{source['citation']} <{source['url']}>" if source["url"] else source["citation"]


def _headline(report: Report) -> list[str]:
    score = report["score"]
    negated = sum(1 for c in report["concepts"] if c["negated"])
    about = " and ".join(score["topic_of"]) or "nothing the graph knows"
    verdicts = Counter(check["verdict"] for check in report["checks"])
    found = [f"{verdicts[v]} {v}" for v in reversed(VERDICTS) if verdicts[v]]
    items = counted(score["topic_total"], "concept or claim", "concepts and claims")
    return [
        f"Topic score: {score['topic']}% (grade {score['grade']}), about {about}: "
        f"{score['topic_covered']} of {items} covered",
        f"Whole graph: {score['concepts_covered']} of {score['concepts_total']} concepts "
        f"({score['concepts']}%), {score['claims_expressed']} of {score['claims_total']} claims "
        f"({score['claims']}%); {negated} mentioned only under negation",
        "Fact check: " + (", ".join(found) or "nothing to check"),
    ]


def _checked(check: dict[str, Any]) -> list[str]:
    """A check as lines: the verdict and the sentence, what it states, what the graph has."""
    rule = f" ({check['rule']})" if check["rule"] else ""
    states = " ".join([check["subject"], "not" if check["negated"] else "", check["predicate"]])
    hedge = ", hedged" if check["hedged"] else ""
    lines = [
        f"{check['verdict'].upper()}{rule}: \u201c{check['sentence']}\u201d",
        f"  states: {' '.join(states.split())} {check['object']}{hedge}",
    ]
    for claim in check["graph_claims"]:
        date = f", {claim['date']}" if claim["date"] else ""
        sources = "; ".join(s["citation"] for s in claim["sources"]) or "no source"
        lines.append(f"  graph: {_claim(claim)} [{claim['status']}{date}] from {sources}")
    if not check["graph_claims"]:
        lines.append("  graph: no claim joins these concepts")
    return lines


def _checks_by_severity(report: Report) -> list[dict[str, Any]]:
    return sorted(report["checks"], key=lambda c: -VERDICTS.index(c["verdict"]))


def _step(claim: dict[str, Any]) -> str:
    return f"{claim['step']}. {_claim(claim)}"


def _chain_line(chain: dict[str, Any]) -> str:
    stated, skipped = len(chain["stated"]), len(chain["skipped"])
    return (
        f"{chain['drug']}: {stated} of {counted(stated + skipped, 'step')} stated "
        f"({chain['status']} path: {chain['label']})"
    )


def _listed(items: Sequence[str], indent: str, shown: int | None = SHOWN) -> list[str]:
    """The first `shown` items (all for None) as lines, then how many more there are; "none"
    when there are none."""
    lines = [indent + item for item in items[:shown]] or [indent + "none"]
    if shown is not None and len(items) > shown:
        lines.append(f"{indent}... and {len(items) - shown} more (--format json lists them all)")
    return lines


def _mentioned(concept: dict[str, Any]) -> str:
    state = "negated only" if concept["negated"] else f"x{concept['count']}"
    forms = ", ".join(concept["surface_forms"])
    return f"{concept['label']} ({concept['category']}, {state}): {forms}"


def _text(report: Report) -> str:
    lines = [report["file"], *("  " + line for line in _headline(report)), ""]
    lines.append("Fact check, worst first")
    for check in _checks_by_severity(report):
        lines += ["  " + line for line in _checked(check)]
    if not report["checks"]:
        lines.append("  no sentence states a relation between two concepts of the graph")
    lines += ["", "Topic checklist"]
    ticked = [("[x] " if i["covered"] else "[ ] ") + i["label"] for i in report["topic"]]
    lines += _listed(ticked, "  ", None)
    lines += ["", "Concepts mentioned"]
    lines += _listed([_mentioned(c) for c in report["concepts"]], "  ", shown=None)
    lines += ["", "Claims expressed"]
    expressed = report["claims"]["expressed"]
    lines += _listed([f'{_claim(c)}\n      "{c["sentence"]}"' for c in expressed], "  ", None)
    lines += ["", "Mechanism paths, from the drug outward"]
    for chain in report["chains"]:
        lines.append("  " + _chain_line(chain))
        lines += _listed([f"skips {_step(c)}" for c in chain["skipped"]], "    ")
    lines += ["", "Add first: the missing concepts most related to this article"]
    for rank, m in enumerate(report["missing"][:SHOWN], 1):
        lines.append(f"  {rank}. {m['label']} ({m['category']}, relevance {m['relevance']:.2f})")
        if m["definition"]:
            lines.append(f"     {m['definition']}")
        if m["source"]:
            lines.append(f"     Read: {_source(m)}")
    lines += ["", "Claims about what it mentions that it does not state"]
    lines += _listed([_claim(c) for c in report["claims"]["missing"]], "  ")
    return "\n".join(lines)


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _markdown(report: Report) -> str:
    lines = [f"## Coverage of {_cell(report['file'])}", ""]
    lines += [f"- {line}" for line in _headline(report)]
    lines += ["", "### Fact check, worst first", ""]
    for check in _checks_by_severity(report):
        first, *rest = _checked(check)
        lines.append(f"- **{_cell(first)}**")
        lines += [f"  - {_cell(line.strip())}" for line in rest]
    if not report["checks"]:
        lines.append("- no sentence states a relation between two concepts of the graph")
    lines += ["", "### Topic checklist", ""]
    lines += [f"- [{'x' if i['covered'] else ' '}] {_cell(i['label'])}" for i in report["topic"]]
    lines += ["", "| concept | category | mentions | forms |", "| --- | --- | --- | --- |"]
    for c in report["concepts"]:
        state = "negated only" if c["negated"] else str(c["count"])
        forms = ", ".join(c["surface_forms"])
        lines.append(f"| {_cell(c['label'])} | {c['category']} | {state} | {_cell(forms)} |")
    lines += ["", "### Claims expressed", ""]
    expressed = report["claims"]["expressed"]
    sentences = [f"{_cell(_claim(c))}: \u201c{_cell(c['sentence'])}\u201d" for c in expressed]
    lines += _listed(sentences, "- ", None)
    lines += ["", "### Mechanism paths, from the drug outward", ""]
    for chain in report["chains"]:
        lines.append(f"- **{_cell(_chain_line(chain))}**")
        lines += _listed([f"skips {_cell(_step(c))}" for c in chain["skipped"]], "  - ")
    lines += ["", "### Add first", ""]
    for m in report["missing"][:SHOWN]:
        read = f" Read: {_cell(_source(m))}" if m["source"] else ""
        definition = _cell(m["definition"])
        lines.append(f"1. **{_cell(m['label'])}** ({m['category']}): {definition}{read}")
    lines += ["", "### Claims about what it mentions that it does not state", ""]
    lines += _listed([_cell(_claim(c)) for c in report["claims"]["missing"]], "- ")
    return "\n".join(lines)


def _json(report: Report) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)


def _mention_segments(
    text: str, mentions: Sequence[tuple[int, int, dict[str, Any], bool]], start: int, end: int
) -> list[dict[str, Any]]:
    """text[start:end] as plain text and the mentions that start in it."""
    segments: list[dict[str, Any]] = []
    position = start
    for first, last, concept, negated in mentions:
        if not start <= first < end:
            continue
        segments.append({"text": text[position:first]})
        segments.append(
            {
                "text": text[first:last],
                "iri": concept["iri"],
                "label": concept["label"],
                "category": concept["category"],
                "negated": negated,
            }
        )
        position = last
    segments.append({"text": text[position:end]})
    return [s for s in segments if s["text"]]


def _checked_regions(
    report: Report, mentions: Sequence[tuple[int, int, dict[str, Any], bool]]
) -> list[dict[str, Any]]:
    """The stretches of text the fact check marks: each checked sentence, widened so that it
    never cuts a mention, and sentences that overlap joined, with their check numbers (from 1,
    in the order of `checks`) and their worst verdict."""
    spans = sorted((*check["span"], n) for n, check in enumerate(report["checks"], 1))
    regions: list[dict[str, Any]] = []
    for start, end, number in spans:
        for first, last, _, _ in mentions:
            if first < start < last:
                start = first
            if first < end < last:
                end = last
        if regions and start < regions[-1]["end"]:
            regions[-1]["end"] = max(end, regions[-1]["end"])
            regions[-1]["checks"].append(number)
        else:
            regions.append({"start": start, "end": end, "checks": [number]})
    for region in regions:
        verdicts = {report["checks"][n - 1]["verdict"] for n in region["checks"]}
        region["verdict"] = max(verdicts, key=VERDICTS.index)  # the worst
    return regions


def highlighted(text: str, report: Report) -> list[dict[str, Any]]:
    """The article as segments: plain text, a mention with its concept, or a sentence the fact
    check marks (its `verdict`, its `checks` numbers, and its own segments inside)."""
    mentions = sorted(
        (start, end, c, [start, end] in c["negated_spans"])
        for c in report["concepts"]
        for start, end in c["spans"]
    )
    segments: list[dict[str, Any]] = []
    position = 0
    for region in _checked_regions(report, mentions):
        segments += _mention_segments(text, mentions, position, region["start"])
        inner = _mention_segments(text, mentions, region["start"], region["end"])
        segments.append({**region, "text": text[region["start"] : region["end"]], "inner": inner})
        position = region["end"]
    segments += _mention_segments(text, mentions, position, len(text))
    return segments


def _render(template: str, report: Report, text: str) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    loader = FileSystemLoader([TEMPLATE_DIR, STATIC_DIR])
    env = Environment(loader=loader, autoescape=select_autoescape())
    return env.get_template(template).render(
        report=report, segments=highlighted(text, report), headline=_headline(report)
    )


def _html(report: Report, text: str) -> str:
    return _render("coverage-report.html", report, text)


def html_fragment(report: Report, text: str) -> str:
    """The report's body alone, for the coverage page of `kg serve` to show."""
    return _render("coverage-body.html", report, text)


# text is the article's readable text, which the HTML report shows highlighted
REPORT_FORMATS: dict[str, Callable[[Report, str], str]] = {
    "text": lambda report, text: _text(report),
    "md": lambda report, text: _markdown(report),
    "json": lambda report, text: _json(report),
    "html": _html,
}
SUFFIXES = {"text": ".txt", "md": ".md", "json": ".json", "html": ".html"}

SUMMARY_HEADER = [
    "file",
    "topic score %",
    "grade",
    "contradicted",
    "overstated",
    "concepts covered",
    "concept coverage %",
    "negated only",
    "claims expressed",
    "claim coverage %",
    "add first",
]
# the columns the terminal table shows; csv and Markdown have them all
TEXT_COLUMNS = 10


def summary_rows(reports: Sequence[Report]) -> list[list[str]]:
    """One row per article: its scores, its worst fact-check verdicts and the three missing
    concepts to add first."""
    rows = []
    for r in reports:
        verdicts = Counter(check["verdict"] for check in r["checks"])
        rows.append(
            [
                r["file"],
                str(r["score"]["topic"]),
                r["score"]["grade"],
                str(verdicts["contradicted"]),
                str(verdicts["overstated"]),
                str(r["score"]["concepts_covered"]),
                str(r["score"]["concepts"]),
                str(sum(1 for c in r["concepts"] if c["negated"])),
                str(r["score"]["claims_expressed"]),
                str(r["score"]["claims"]),
                "; ".join(m["label"] for m in r["missing"][:3]),
            ]
        )
    return rows


def _summary_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([SUMMARY_HEADER, *rows])
    return out.getvalue().rstrip("\n")


def _summary_markdown(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(SUMMARY_HEADER) + " |", "|" + " --- |" * len(SUMMARY_HEADER)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _summary_text(rows: list[list[str]]) -> str:
    table = [SUMMARY_HEADER[:TEXT_COLUMNS], *(row[:TEXT_COLUMNS] for row in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(TEXT_COLUMNS)]
    return "\n".join(
        "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
        for row in table
    )


SUMMARY_FORMATS: dict[str, Callable[[list[list[str]]], str]] = {
    "text": _summary_text,
    "md": _summary_markdown,
    "csv": _summary_csv,
}


def write_reports(out: Path, done: Sequence[tuple[Article, Report]], report_format: str) -> None:
    """Write one report per article into the folder `out`, named after the article (a number
    added where two share a name), and the batch's summary as summary.csv and summary.md."""
    if out == STDOUT:
        raise DataError(out, "several reports need a folder; give --out a folder")
    used: set[str] = set()
    for article, report in done:
        stem = name = Path(article.name).name
        number = 1
        while name in used:
            number += 1
            name = f"{stem}-{number}"
        used.add(name)
        body = REPORT_FORMATS[report_format](report, article.text)
        write_atomically(out / f"{name}{SUFFIXES[report_format]}", body + "\n")
    rows = summary_rows([report for _, report in done])
    for summary_format in ("csv", "md"):
        summary = SUMMARY_FORMATS[summary_format](rows)
        write_atomically(out / f"summary.{summary_format}", summary + "\n")


def gate_failures(
    reports: Sequence[Report], fail_under: float | None, fail_on: str | None
) -> list[str]:
    """Why each article fails the gates a content team set: a topic score under `fail_under`,
    or a fact-check verdict as bad as `fail_on` or worse."""
    failures = []
    worst = VERDICTS[VERDICTS.index(fail_on) :] if fail_on else ()
    for report in reports:
        score = report["score"]
        if fail_under is not None and score["topic"] < fail_under:
            failures.append(
                f"Below --fail-under {fail_under:g}%: {report['file']} has a topic score of "
                f"{score['topic']}%"
            )
        flagged = Counter(c["verdict"] for c in report["checks"] if c["verdict"] in worst)
        if flagged:
            found = ", ".join(f"{n} {verdict}" for verdict, n in sorted(flagged.items()))
            failures.append(
                f"Fact check (--fail-on {fail_on}): {report['file']} has "
                f"{counted(flagged.total(), 'flagged sentence')} ({found})"
            )
    return failures


def batch_summary(reports: Sequence[Report], output_format: str) -> str:
    """What a batch prints: every report for json, else one summary row per article (html
    prints the Markdown table, its per-article pages going to --out)."""
    if output_format == "json":
        return json.dumps(list(reports), indent=2, ensure_ascii=False)
    table_format = output_format if output_format in SUMMARY_FORMATS else "md"
    return SUMMARY_FORMATS[table_format](summary_rows(reports))
