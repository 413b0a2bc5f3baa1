"""Concept coverage of an article: which concepts and claims of the graph it covers, which it
misses, and what to add first.

The lexicon, claims, predicate cues and mechanism chains are read from the graph through saved
queries, so a new synonym or cue in data/ is used without code changes.
"""

from __future__ import annotations

import bisect
import html
import re
import shlex
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import networkx as nx

from kg.errors import DataError
from kg.matcher import Match, Matcher, Name
from kg.query import bind_params, load_query, run_select
from kg.site import source_url
from kg.store import Store

__all__ = [
    "Article",
    "CoverageModel",
    "Mention",
    "analyse",
    "find_mentions",
    "load_model",
    "read_article",
    "readable_text",
]

Record = dict[str, Any]
DRUG_CATEGORY = "Drug"
# A negation cue this many words or fewer before a mention, in the same clause, negates it.
NEGATION_WINDOW = 5
# A line shorter than this, followed by a line break, is taken for a heading, not wrapped prose.
HEADING_LENGTH = 50
_NEGATION = re.compile(r"^(?:not|no|never|without|neither|nor|none|cannot|lacks?|lacking)$|n't$")
# Phrases that begin with a negation word but negate nothing ("not only X but also Y").
_NOT_NEGATING = re.compile(r"\b(?:not only|not just|not least|no doubt|no wonder|no matter)\b")
_CLAUSE_BREAK = re.compile(r"[.;:!?()\[\]]|\n\s*\n|\b(?:but|although|though|however|whereas)\b")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n\s*\n")
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_DEFINED = re.compile(r"\s*\(\s*([^\s()]{2,10})\s*\)")


class Concept(NamedTuple):
    iri: str
    label: str
    category: str
    definition: str


class Claim(NamedTuple):
    iri: str
    subject: str
    predicate: str  # its label
    object: str
    status: str


class Source(NamedTuple):
    citation: str
    url: str | None


class CoverageModel(NamedTuple):
    """Everything coverage needs from the graph, read once."""

    matcher: Matcher
    names: list[Name]
    concepts: dict[str, Concept]
    claims: list[Claim]
    cues: dict[str, list[str]]  # predicate label -> cue words and phrases
    chains: dict[str, list[Claim]]  # drug IRI -> the links of its mechanism chain
    sources: dict[str, Source]  # concept IRI -> a source to read about it
    graph: nx.Graph[str]


class Article(NamedTuple):
    """An article as read from a file: its raw text and the text a reader sees."""

    name: str
    raw: str
    text: str  # same length as raw: markup blanked out, so offsets fit both


class Mention(NamedTuple):
    concept: str
    start: int
    end: int
    surface: str
    negated: bool
    sentence: int


def load_model(store: Store) -> CoverageModel:
    """Read the lexicon, concepts, claims, cues, chains and sources from the graph."""
    concepts = {
        str(r["concept"]): Concept(
            str(r["concept"]), str(r["label"]), str(r["category"]), str(r["definition"] or "")
        )
        for r in _rows(store, "concepts")
    }
    names = [Name(str(r["concept"]), str(r["name"])) for r in _rows(store, "lexicon")]
    claims = [
        Claim(
            str(r["claim"]),
            str(r["subject"]),
            str(r["predicateLabel"]),
            str(r["object"]),
            str(r["status"]),
        )
        for r in _rows(store, "claims")
    ]
    cues: dict[str, list[str]] = {}
    for r in _rows(store, "predicate-cues"):
        cues.setdefault(str(r["predicateLabel"]), []).append(str(r["cue"]).lower())
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(concepts)
    graph.add_edges_from((c.subject, c.object) for c in claims)
    return CoverageModel(
        Matcher(names),
        names,
        concepts,
        claims,
        cues,
        _chains(store, concepts, claims),
        _sources(store, claims),
        graph,
    )


def _rows(store: Store, name: str) -> list[Record]:
    return run_select(store, load_query(name).text)


def _chains(
    store: Store, concepts: dict[str, Concept], claims: list[Claim]
) -> dict[str, list[Claim]]:
    """Each drug's mechanism chain, as the saved query mechanism-chain defines it."""
    by_ends = {(c.subject, c.object, c.predicate): c for c in claims}
    query = load_query("mechanism-chain")
    chains = {}
    for concept in concepts.values():
        if concept.category != DRUG_CATEGORY:
            continue
        rows = run_select(store, bind_params(store, query, {"drug": concept.iri}))
        links = [by_ends.get((str(r["from"]), str(r["to"]), str(r["predicate"]))) for r in rows]
        chains[concept.iri] = _in_chain_order(concept.iri, [link for link in links if link])
    return chains


def _in_chain_order(drug: str, links: list[Claim]) -> list[Claim]:
    """The links from the drug outward: each by how many steps its start is from the drug."""
    graph: nx.DiGraph[str] = nx.DiGraph([(link.subject, link.object) for link in links])
    graph.add_node(drug)
    steps = nx.single_source_shortest_path_length(graph, drug)
    return sorted(links, key=lambda link: steps.get(link.subject, len(steps)))


def _sources(store: Store, claims: list[Claim]) -> dict[str, Source]:
    """For each concept, the source of one of its claims, a paper with a DOI or PMID first."""
    ends = {c.iri: (c.subject, c.object) for c in claims}
    best: dict[str, tuple[int, Source]] = {}
    for r in _rows(store, "claim-sources"):
        url = source_url(r)
        rank = 0 if (r["doi"] or r["pmid"]) else 1 if url else 2
        for concept in ends.get(str(r["claim"]), ()):
            if concept not in best or rank < best[concept][0]:
                best[concept] = (rank, Source(str(r["citation"]), url))
    return {concept: source for concept, (_, source) in best.items()}


# --- reading articles ----------------------------------------------------------------------

_HIDDEN = re.compile(r"<(script|style|template|noscript)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_BLOCK = re.compile(
    r"</?(p|div|li|ul|ol|h[1-6]|br|tr|td|th|section|article|header|footer|"
    r"blockquote|title|table|dd|dt)\b",
    re.I,
)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_MD_LINK_TARGET = re.compile(r"(?<=\])\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_MD_HTML = re.compile(r"<[^>\n]+>")
# how an article's file suffix says to read it; a folder is searched for these suffixes
_KINDS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}
ARTICLE_SUFFIXES = {".txt", ".text", *_KINDS}
# Documents that are not text, and a command that makes a text file of one (shown, never run).
_CONVERTERS = {
    ".pdf": "pdftotext {file} {text}",
    ".docx": "pandoc {file} -t plain -o {text}",
    ".odt": "pandoc {file} -t plain -o {text}",
    ".rtf": "pandoc {file} -t plain -o {text}",
    ".epub": "pandoc {file} -t plain -o {text}",
}


def _not_read_because(path: Path) -> str:
    """Why a file of this kind is not read as an article, and how to convert it where we know.

    >>> _not_read_because(Path("post.png"))
    'kg coverage reads .htm, .html, .markdown, .md, .text and .txt files'
    >>> _not_read_because(Path("drafts/post.pdf")).split("; ")[1]
    'convert it first, e.g. pdftotext drafts/post.pdf drafts/post.txt'
    """
    *others, last = sorted(ARTICLE_SUFFIXES)
    reads = f"kg coverage reads {', '.join(others)} and {last} files"
    command = _CONVERTERS.get(path.suffix.lower())
    if command is None:
        return reads
    text = path.with_suffix(".txt")
    return f"{reads}; convert it first, e.g. " + command.format(
        file=shlex.quote(str(path)), text=shlex.quote(str(text))
    )


def _blank(match: re.Match[str], fill: str = " ") -> str:
    """The same number of characters, newlines kept, so offsets stay put."""
    return "".join(c if c == "\n" else fill for c in match.group(0))


def readable_text(raw: str, kind: str) -> str:
    """The text a reader sees, the same length as `raw`: markup replaced by spaces (block tags
    by line breaks), HTML entities decoded in place.

    >>> text = readable_text("<p>NMDA &amp; AMPA</p><script>BDNF</script>", "html")
    >>> len(text), text.split()
    (43, ['NMDA', '&', 'AMPA'])
    """
    if kind == "html":
        text = _HIDDEN.sub(_blank, raw)
        text = _TAG.sub(
            lambda m: (
                "\n\n" + " " * (len(m.group(0)) - 2) if _BLOCK.match(m.group(0)) else _blank(m)
            ),
            text,
        )
        return _ENTITY.sub(
            lambda m: html.unescape(m.group(0)).ljust(len(m.group(0)))[: len(m.group(0))], text
        )
    if kind == "md":
        return _MD_HTML.sub(_blank, _MD_LINK_TARGET.sub(_blank, raw))
    return raw


def _kind(path: Path) -> str:
    return _KINDS.get(path.suffix.lower(), "text")


def read_article(path: Path | None, data: bytes | None = None, kind: str | None = None) -> Article:
    """Read an article from a file (or `data` read from stdin) as UTF-8; a binary or
    undecodable file is a DataError naming it."""
    where = path or Path("<stdin>")
    if where.suffix.lower() in _CONVERTERS:
        raise DataError(where, _not_read_because(where))
    if data is None:
        assert path is not None
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DataError(where, f"cannot be read ({error.strerror})") from None
    if b"\x00" in data[:8192]:
        raise DataError(where, "is a binary file, not text")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DataError(where, f"is not UTF-8 text (byte {error.start})", line) from None
    if kind is None:
        kind = _kind(where) if path else ("html" if raw.lstrip()[:1] == "<" else "text")
    return Article(str(where), raw, readable_text(raw, kind))


# --- finding mentions ----------------------------------------------------------------------


def _sentence_starts(text: str) -> list[int]:
    """Where sentences start: after . ! or ?, a blank line, or a heading's line break."""
    starts = {0, *(m.end() for m in _SENTENCE_BREAK.finditer(text))}
    line_start = 0
    for line in text.split("\n")[:-1]:
        line_start += len(line) + 1
        if len(line.strip()) < HEADING_LENGTH:
            starts.add(line_start)
    return sorted(starts)


def _negated(text: str, start: int) -> bool:
    """A negation cue a few words before `start`, with no clause break in between."""
    before = text[max(0, start - 120) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    newline = text.rfind("\n", start - len(before), start)
    if newline >= 0:  # a heading line ends a clause too
        heading = text[text.rfind("\n", 0, newline) + 1 : newline]
        if len(heading.strip()) < HEADING_LENGTH:
            before = text[newline:start]
    words = _WORD.findall(_NOT_NEGATING.sub(" ", before.lower()))[-NEGATION_WINDOW:]
    return any(_NEGATION.search(word.replace("\u2019", "'")) for word in words)


def _defined_abbreviations(text: str, matches: list[Match]) -> dict[Name, int]:
    """Abbreviations the text defines for a concept it names, "... factor (BDNF)", each with
    where its definition ends: it stands for the concept from there on."""
    defined: dict[Name, int] = {}
    for match in matches:
        found = _DEFINED.match(text, match.end)
        if found and sum(c.isupper() for c in found.group(1)) >= 2:
            defined.setdefault(Name(match.concept, found.group(1)), found.end())
    return defined


def find_mentions(model: CoverageModel, text: str) -> list[Mention]:
    """Every mention of a concept in `text`, with abbreviations the text defines, negation
    and the sentence it is in."""
    matches = model.matcher.find(text)
    known = set(model.names)
    defined = {n: end for n, end in _defined_abbreviations(text, matches).items() if n not in known}
    if defined:
        # matches do not overlap and come in text order, so their ends are sorted too
        taken_starts, taken_ends = [m.start for m in matches], [m.end for m in matches]

        def free(match: Match) -> bool:
            first_after = bisect.bisect_right(taken_ends, match.start)
            return first_after == len(taken_starts) or taken_starts[first_after] >= match.end

        later = [
            m
            for m in Matcher(defined).find(text)
            if m.start >= defined[Name(m.concept, m.name)] and free(m)
        ]
        matches = sorted([*matches, *later], key=lambda m: m.start)
    starts = _sentence_starts(text)
    return [
        Mention(
            m.concept,
            m.start,
            m.end,
            text[m.start : m.end],
            _negated(text, m.start),
            bisect.bisect_right(starts, m.start) - 1,
        )
        for m in matches
    ]


# --- the report ----------------------------------------------------------------------------


def _has_cue(sentence: str, cues: Sequence[str]) -> bool:
    words = _WORD.findall(sentence.lower().replace("\u2019", "'"))
    joined = " " + " ".join(words) + " "
    for cue in cues:
        stem = cue.rstrip("*")
        if cue.endswith("*"):
            if (" " in stem and f" {stem}" in joined) or any(w.startswith(stem) for w in words):
                return True
        elif f" {cue} " in joined:
            return True
    return False


def analyse(model: CoverageModel, article: Article) -> dict[str, Any]:
    """The coverage report of one article, as the JSON the docs describe."""
    text = article.text
    mentions = find_mentions(model, text)
    starts = _sentence_starts(text)
    by_concept: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_concept.setdefault(mention.concept, []).append(mention)
    covered = {c for c, ms in by_concept.items() if any(not m.negated for m in ms)}

    sentences_of: dict[str, set[int]] = {}
    for mention in mentions:
        if not mention.negated:
            sentences_of.setdefault(mention.concept, set()).add(mention.sentence)
    expressed: dict[str, tuple[Claim, str]] = {}
    for claim in model.claims:
        both = sentences_of.get(claim.subject, set()) & sentences_of.get(claim.object, set())
        for index in sorted(both):
            end = starts[index + 1] if index + 1 < len(starts) else len(text)
            sentence = " ".join(text[starts[index] : end].split())
            if _has_cue(sentence, model.cues.get(claim.predicate, [])):
                expressed[claim.iri] = (claim, sentence)
                break

    seeds = {c: len(ms) for c, ms in by_concept.items() if c in covered}
    relevance = _relevance(model, seeds, covered)
    concepts = [
        _concept_entry(model, iri, ms)
        for iri, ms in sorted(by_concept.items(), key=lambda i: i[1][0].start)
    ]
    missing = sorted(
        (iri for iri in model.concepts if iri not in covered),
        key=lambda iri: (-relevance.get(iri, 0.0), model.concepts[iri].label.lower()),
    )
    missing_claims = sorted(
        (
            c
            for c in model.claims
            if c.iri not in expressed and (c.subject in covered or c.object in covered)
        ),
        key=lambda c: (-(relevance.get(c.subject, 0) + relevance.get(c.object, 0)), c.iri),
    )
    return {
        "file": article.name,
        "concepts": concepts,
        "missing": [_missing_entry(model, iri, relevance.get(iri, 0.0)) for iri in missing],
        "claims": {
            "expressed": [_claim_entry(model, c, sentence) for c, sentence in expressed.values()],
            "missing": [_claim_entry(model, c) for c in missing_claims],
        },
        "chains": _chain_report(model, covered, set(expressed)),
        "score": _score(model, covered, len(expressed)),
    }


def _relevance(model: CoverageModel, seeds: dict[str, int], covered: set[str]) -> dict[str, float]:
    """Personalised PageRank from the concepts the article covers, scaled so that the most
    relevant concept it does not cover scores 1."""
    ranks = nx.pagerank(model.graph, personalization=seeds or None)
    top = max((rank for iri, rank in ranks.items() if iri not in covered), default=1.0) or 1.0
    return {iri: round(rank / top, 4) for iri, rank in ranks.items()}


def _concept_entry(model: CoverageModel, iri: str, mentions: list[Mention]) -> dict[str, Any]:
    concept = model.concepts[iri]
    kept = [m for m in mentions if not m.negated]
    return {
        "iri": iri,
        "label": concept.label,
        "category": concept.category,
        "count": len(kept),
        "surface_forms": sorted(Counter(" ".join(m.surface.split()) for m in mentions)),
        "spans": [[m.start, m.end] for m in mentions],
        "negated": not kept,
        "negated_spans": [[m.start, m.end] for m in mentions if m.negated],
    }


def _missing_entry(model: CoverageModel, iri: str, relevance: float) -> dict[str, Any]:
    concept = model.concepts[iri]
    source = model.sources.get(iri)
    return {
        "iri": iri,
        "label": concept.label,
        "category": concept.category,
        "relevance": relevance,
        "definition": concept.definition,
        "source": source._asdict() if source else None,
    }


def _claim_entry(model: CoverageModel, claim: Claim, sentence: str | None = None) -> dict[str, Any]:
    entry = {
        "iri": claim.iri,
        "subject": model.concepts[claim.subject].label,
        "predicate": claim.predicate,
        "object": model.concepts[claim.object].label,
        "status": claim.status,
    }
    if sentence is not None:
        entry["sentence"] = sentence
    return entry


def _chain_report(
    model: CoverageModel, covered: set[str], expressed: set[str]
) -> list[dict[str, Any]]:
    return [
        {
            "drug": model.concepts[drug].label,
            "iri": drug,
            "stated": [_claim_entry(model, c) for c in links if c.iri in expressed],
            "skipped": [_claim_entry(model, c) for c in links if c.iri not in expressed],
        }
        for drug, links in model.chains.items()
        if drug in covered and links
    ]


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _score(model: CoverageModel, covered: set[str], expressed: int) -> dict[str, Any]:
    per_category: dict[str, dict[str, Any]] = {}
    for concept in model.concepts.values():
        entry = per_category.setdefault(concept.category, {"covered": 0, "total": 0})
        entry["total"] += 1
        entry["covered"] += concept.iri in covered
    for entry in per_category.values():
        entry["percent"] = _percent(entry["covered"], entry["total"])
    return {
        "concepts": _percent(len(covered), len(model.concepts)),
        "concepts_covered": len(covered),
        "concepts_total": len(model.concepts),
        "claims": _percent(expressed, len(model.claims)),
        "claims_expressed": expressed,
        "claims_total": len(model.claims),
        "per_category": dict(sorted(per_category.items())),
    }


# --- batches -------------------------------------------------------------------------------


def article_paths(inputs: Sequence[str], skipped: Callable[[Path, str], None]) -> list[Path | None]:
    """The files to check: files as given, the articles in folders (.txt, .md, .html, ...),
    and None for `-` (stdin). `skipped` is told of each other file in a folder, and why; hidden
    files and folders are passed over."""
    paths: list[Path | None] = []
    for given in inputs:
        if given == "-":
            paths.append(None)
            continue
        path = Path(given)
        if path.is_dir():
            found = []
            for file in sorted(path.rglob("*")):
                if not file.is_file() or any(
                    part.startswith(".") for part in file.relative_to(path).parts
                ):
                    continue
                if file.suffix.lower() in ARTICLE_SUFFIXES:
                    found.append(file)
                else:
                    skipped(file, _not_read_because(file))
            if not found:
                raise DataError(path, f"holds no articles ({', '.join(sorted(ARTICLE_SUFFIXES))})")
            paths.extend(found)
        elif path.exists():
            paths.append(path)
        else:
            raise DataError(path, "no such file or folder")
    return paths


def analyse_all(
    model: CoverageModel,
    paths: Sequence[Path | None],
    read_stdin: Callable[[], bytes],
    advance: Callable[[int], None] = lambda _: None,
) -> tuple[list[tuple[Article, dict[str, Any]]], list[DataError]]:
    """Report on every article; one that cannot be read is a problem, and the rest go on."""
    done: list[tuple[Article, dict[str, Any]]] = []
    problems: list[DataError] = []
    for path in paths:
        try:
            article = read_article(path, read_stdin() if path is None else None)
        except DataError as problem:
            problems.append(problem)
        else:
            done.append((article, analyse(model, article)))
        advance(1)
    return done, problems
