"""Compare two versions of the graph: concepts, claims and sources added, removed and changed, as
text or as Markdown fit for a pull-request comment."""

from __future__ import annotations

import subprocess
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

from kg.errors import DataError
from kg.heap import without_cycle_collection
from kg.query import load_query, run_select
from kg.store import LocalStore, Store, load_store
from kg.tables import claim_records, concept_records

__all__ = ["GraphDiff", "diff_graphs", "format_diff", "open_version"]

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


def _concepts(store: Store) -> dict[str, Fields]:
    # no definition reads as None, as in the reports of earlier versions
    return {
        iri: {
            "label": c["label"],
            "category": c["category"],
            "definition": c["definition"] or None,
            "synonyms": set(c["synonyms"]),
            "identifiers": {f"{i['curie']} ({i['match']})" for i in c["identifiers"]},
        }
        for iri, c in concept_records(store).items()
    }


def _claims(store: Store) -> dict[str, Fields]:
    return {
        c["id"]: {
            "statement": (c["from"], c["label"], c["to"]),
            "status": c["status"],
            "note": c["note"] or None,
            "sources": {f"{s['role']}: {s['citation']}" for s in c["sources"]},
        }
        for c in claim_records(store)
    }


def _sources(store: Store) -> dict[str, Fields]:
    return {
        str(row["source"]): {
            "citation": row["citation"],
            "kind": row["kind"],
            "identifiers": {
                f"{name} {row[name]}" for name in ("doi", "pmid", "page") if row[name] is not None
            },
        }
        for row in run_select(store, load_query("sources").text)
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


@without_cycle_collection
def diff_graphs(old: Store, new: Store) -> GraphDiff:
    """Concepts, claims and sources added, removed and changed (labels, synonyms, status, ...)."""
    old_concepts, new_concepts = _concepts(old), _concepts(new)
    names = {iri: str(c["label"]) for iri, c in {**old_concepts, **new_concepts}.items()}
    old_claims, new_claims = _claims(old), _claims(new)
    for iri, claim in {**old_claims, **new_claims}.items():
        subject, predicate, obj = claim["statement"]
        names[iri] = f"{names.get(str(subject), subject)} {predicate} {names.get(str(obj), obj)}"
    old_sources, new_sources = _sources(old), _sources(new)
    sources = {**old_sources, **new_sources}
    names |= {iri: str(source["citation"]) for iri, source in sources.items()}
    return GraphDiff(
        _compare(old_concepts, new_concepts),
        _compare(old_claims, new_claims),
        _compare(old_sources, new_sources),
        names,
        {iri: str(source["kind"]) for iri, source in sources.items()},
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
