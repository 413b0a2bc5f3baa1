"""Compare two versions of the graph: concepts, claims and sources added, removed and changed, as
text or as Markdown fit for a pull-request comment."""

from __future__ import annotations

import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from kg.errors import DataError
from kg.parallel import in_parallel
from kg.store import LocalStore, Store, load_store
from kg.tables import Table, claim_records, concept_records, read_table, term_labels

__all__ = ["GraphDiff", "diff_graphs", "format_diff", "open_version", "open_versions"]

Fields = dict[str, Any]


class GraphDiff(NamedTuple):
    """What changed between two versions, keyed by concept, claim or source IRI."""

    concepts: dict[str, list[str]]  # IRI -> ["added"] / ["removed"] / changed fields
    claims: dict[str, list[str]]
    sources: dict[str, list[str]]
    names: dict[str, str]  # IRI -> a readable name for the report
    kinds: dict[str, str]  # source IRI -> its kind (regulatory, guideline, clinical trial, ...)

    @property
    def changed(self) -> bool:
        return bool(self.concepts or self.claims or self.sources)


def open_version(spec: str, path_in_repo: str = "data/triples.ttl") -> Store:
    """A Turtle file, or a git revision whose data/triples.ttl is read from the repository."""
    file = Path(spec)
    if file.is_file():
        return LocalStore(load_store([file]))
    if spec.startswith("-"):
        # git would read it as an option: `--output=FILE` makes `git show` write FILE
        raise DataError(
            file, "is neither a file nor a git revision (a revision cannot start with '-')"
        )
    shown = subprocess.run(
        ["git", "show", "--end-of-options", f"{spec}:{path_in_repo}"], capture_output=True
    )
    if shown.returncode != 0:
        reason = shown.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["unknown"]
        raise DataError(
            file, f"is neither a file nor a git revision with {path_in_repo} ({reason[0]})"
        )
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / f"{spec.replace('/', '_')}.ttl"
        copy.write_bytes(shown.stdout)
        return LocalStore(load_store([copy]))


def open_versions(
    old: str, new: str, loaded: Callable[[], None] = lambda: None
) -> tuple[Store, Store]:
    """Both versions (see open_version), loaded at once; `loaded` is called as each is."""
    before, after = in_parallel(open_version, [old, new], loaded)
    return before, after


def _changed(old: Table, new: Table, column: str) -> set[str]:
    """The keys (values of `column`) of the rows that are in one version of a table only."""
    if old is new:
        return set()
    return old.keys(column, set(old.rows).symmetric_difference(new.rows))


TABLES = ("concept-table", "claim-table", "claim-source-table", "term-table", "sources")


def _read_both(old: Store, new: Store) -> dict[str, tuple[Table, Table]]:
    """Both versions of each table, all read at once; one Table for both versions of a table
    when pyoxigraph wrote the same answer (the same rows in the same order), so that it is read
    into rows once or not at all."""
    wanted = [(store, name) for name in TABLES for store in (old, new)]
    read = in_parallel(lambda job: read_table(*job), wanted)
    both = {}
    for name, before, after in zip(TABLES, read[::2], read[1::2], strict=True):
        both[name] = (before, before if after.written == before.written else after)
    return both


def _concepts(table: Table, only: set[str]) -> dict[str, Fields]:
    # no definition reads as None, as in the reports of earlier versions
    return {
        iri: {
            "label": c["label"],
            "category": c["category"],
            "definition": c["definition"] or None,
            "synonyms": set(c["synonyms"]),
            "identifiers": {f"{i['curie']} ({i['match']})" for i in c["identifiers"]},
        }
        for iri, c in concept_records(table, only).items()
    }


def _claims(tables: dict[str, Table], only: set[str]) -> dict[str, Fields]:
    return {
        c["id"]: {
            "statement": (c["from"], c["label"], c["to"]),
            "status": c["status"],
            "note": c["note"] or None,
            "sources": {f"{s['role']}: {s['citation']}" for s in c["sources"]},
        }
        for c in claim_records(
            tables["claim-table"], tables["claim-source-table"], tables["term-table"], only
        )
    }


def _changed_claims(old: dict[str, Table], new: dict[str, Table]) -> set[str]:
    """The claims whose rows differ, and those whose predicate, status or a cited source
    has a label that differs."""
    claims = _changed(old["claim-table"], new["claim-table"], "claim")
    claims |= _changed(old["claim-source-table"], new["claim-source-table"], "claim")
    relabelled = _changed(old["term-table"], new["term-table"], "term")
    if relabelled:
        for tables in (old, new):
            table, cited = tables["claim-table"], tables["claim-source-table"]
            predicate, status = table.columns["predicate"], table.columns["status"]
            claims |= table.keys(
                "claim", (r for r in table.rows if {r[predicate], r[status]} & relabelled)
            )
            source = cited.columns["source"]
            claims |= cited.keys("claim", (r for r in cited.rows if r[source] in relabelled))
    return claims


def _sources(table: Table, only: set[str]) -> dict[str, Fields]:
    column = table.columns
    return {
        row[column["source"]]: {
            "citation": row[column["citation"]],
            "kind": row[column["kind"]],
            "identifiers": {
                f"{name} {row[column[name]]}"
                for name in ("doi", "pmid", "page")
                if row[column[name]]
            },
        }
        for row in table.rows_for("source", only)
    }


def _compare(old: dict[str, Fields], new: dict[str, Fields]) -> dict[str, list[str]]:
    changes: dict[str, list[str]] = {}
    for key in sorted(old.keys() | new.keys()):
        if key not in old:
            changes[key] = ["added"]
        elif key not in new:
            changes[key] = ["removed"]
        else:
            lines = []
            for field in old[key]:
                before, after = old[key][field], new[key][field]
                if before == after:
                    continue
                if isinstance(before, set):
                    lines += [f"{field} + {v}" for v in sorted(after - before)]
                    lines += [f"{field} - {v}" for v in sorted(before - after)]
                else:
                    lines.append(f"{field}: {before!s} -> {after!s}")
            if lines:
                changes[key] = lines
    return changes


def diff_graphs(old: Store, new: Store) -> GraphDiff:
    """Concepts, claims and sources added, removed and changed (labels, synonyms, status, ...).

    Both versions are read as tables of text rows; records are built and compared only for
    the concepts, claims and sources whose rows differ, so that at a million triples a small
    change costs about the reading of the tables, not a record for every concept and claim."""
    both = _read_both(old, new)
    before = {name: tables[0] for name, tables in both.items()}
    after = {name: tables[1] for name, tables in both.items()}
    concepts = _changed(before["concept-table"], after["concept-table"], "concept")
    claims = _changed_claims(before, after)
    sources = _changed(before["sources"], after["sources"], "source")
    old_concepts = _concepts(before["concept-table"], concepts)
    new_concepts = _concepts(after["concept-table"], concepts)
    old_claims, new_claims = _claims(before, claims), _claims(after, claims)
    old_sources = _sources(before["sources"], sources)
    new_sources = _sources(after["sources"], sources)
    labels = term_labels(before["term-table"]) | term_labels(after["term-table"])
    names = {iri: str(c["label"]) for iri, c in {**old_concepts, **new_concepts}.items()}
    for iri, claim in {**old_claims, **new_claims}.items():
        subject, predicate, obj = claim["statement"]
        names[iri] = f"{labels.get(subject, subject)} {predicate} {labels.get(obj, obj)}"
    every_source = {**old_sources, **new_sources}
    names |= {iri: str(source["citation"]) for iri, source in every_source.items()}
    return GraphDiff(
        _compare(old_concepts, new_concepts),
        _compare(old_claims, new_claims),
        _compare(old_sources, new_sources),
        names,
        {iri: str(source["kind"]) for iri, source in every_source.items()},
    )


def _by_kind(iris: list[str], kinds: dict[str, str]) -> str:
    """ "2 regulatory, 1 clinical trial": how many of the sources are of each kind, most first."""
    counts = Counter(kinds[iri] for iri in iris)
    return ", ".join(
        f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda c: (-c[1], c[0]))
    )


def format_diff(diff: GraphDiff, markdown: bool = False) -> str:
    """The report: a section each for concepts, claims and sources, one entry per changed item;
    the sources added or removed are also counted by kind."""
    if not diff.changed:
        return "No concepts, claims or sources changed."
    out: list[str] = []
    sections = (
        ("Concepts", diff.concepts, False),
        ("Claims", diff.claims, False),
        ("Sources", diff.sources, True),
    )
    for title, changes, count_kinds in sections:
        if not changes:
            continue
        counts = {
            kind: [iri for iri, c in changes.items() if c == [kind]]
            for kind in ("added", "removed")
        }
        changed = len(changes) - len(counts["added"]) - len(counts["removed"])
        summary = ", ".join(
            f"{len(iris)} {kind}"
            + (f" ({_by_kind(iris, diff.kinds)})" if iris and count_kinds else "")
            for kind, iris in counts.items()
        )
        summary += f", {changed} changed"
        out.append(f"### {title}: {summary}" if markdown else f"{title}: {summary}")
        for iri, lines in changes.items():
            name = diff.names.get(iri, iri)
            if lines in (["added"], ["removed"]):
                out.append(
                    f"- **{lines[0]}** {name} (`{iri}`)"
                    if markdown
                    else f"  {lines[0]}: {name} <{iri}>"
                )
                continue
            out.append(
                f"- **changed** {name} (`{iri}`)" if markdown else f"  changed: {name} <{iri}>"
            )
            out += [f"  - {line}" if markdown else f"      {line}" for line in lines]
    return "\n".join(out)
