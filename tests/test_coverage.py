"""`kg coverage`: matching on the hand-made corpus (precision and recall against gold lists), the
matching rules one by one, the report in each format, batches, and the coverage page of
`kg serve` in headless chromium, which must find exactly what the CLI finds."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from kg.coverage import (
    REPORT_FORMATS,
    CoverageModel,
    analyse,
    find_mentions,
    load_model,
    read_article,
)
from kg.coverage.matcher import Matcher, Name
from kg.errors import DataError
from kg.store import LocalStore
from tests.browser import visit
from tests.conftest import ROOT
from tests.gold import CONCEPT, gold
from tests.server import Served
from tests.test_data import SEED_CONCEPTS

CORPUS = ROOT / "tests/corpus"
ARTICLES = sorted(p for p in CORPUS.iterdir() if p.suffix != ".tsv" and p.name != "README.md")


@pytest.fixture(scope="module")
def model(shipped_store: LocalStore) -> CoverageModel:
    return load_model(shipped_store)


def covered(report: dict[str, object]) -> set[str]:
    return {c["iri"] for c in report["concepts"] if not c["negated"]}  # type: ignore[attr-defined]


# --- accuracy on the corpus ----------------------------------------------------------------


def test_corpus_has_every_kind_of_article() -> None:
    assert len(ARTICLES) >= 8
    assert {a.suffix for a in ARTICLES} == {".txt", ".md", ".html"}


def test_precision_and_recall_on_the_corpus(model: CoverageModel) -> None:
    found = wanted = hits = 0
    for article in ARTICLES:
        expected = {iri for iri, status in gold(article).items() if status == "mentioned"}
        got = covered(analyse(model, read_article(article)))
        found, wanted, hits = found + len(got), wanted + len(expected), hits + len(got & expected)
    precision, recall = hits / found, hits / wanted
    assert precision >= 0.95, f"precision {precision:.3f}"
    assert recall >= 0.95, f"recall {recall:.3f}"
    assert wanted >= 139


def test_negated_mentions_on_the_corpus(model: CoverageModel) -> None:
    article = CORPUS / "negations-abbreviations.txt"
    report = analyse(model, read_article(article))
    negated = {c["iri"] for c in report["concepts"] if c["negated"]}
    assert negated == {iri for iri, status in gold(article).items() if status == "negated"}
    assert len(negated) == 9


def test_the_seed_article_yields_every_concept_it_names(model: CoverageModel) -> None:
    report = analyse(model, read_article(ROOT / "data/reference/seed-article.txt"))
    assert {CONCEPT + local for local in SEED_CONCEPTS.values()} <= covered(report)


# --- the matching rules --------------------------------------------------------------------

NAMES = [
    Name("nmda", "NMDA"),
    Name("nmdar", "NMDA receptor"),
    Name("nmdar", "N-methyl-D-aspartate receptor"),
    Name("np", "neuroplasticity"),
    Name("ket", "ketamine"),
    Name("esk", "esketamine"),
    Name("therapist", "therapist"),
    Name("mor", "μ-opioid receptor"),
    Name("ds", "dendritic spine"),
    Name("bdnf", "BDNF"),
]


def spans(text: str) -> list[tuple[str, str]]:
    return [(m.concept, text[m.start : m.end]) for m in Matcher(NAMES).find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NMDA and nmda and Nmda", [("nmda", "NMDA")]),
        ("BDNF rises; bdnf does not count", [("bdnf", "BDNF")]),
        (
            "NMDA receptors and ketamine's effect",
            [("nmdar", "NMDA receptors"), ("ket", "ketamine")],
        ),
        (
            "ketamine\u2019s \u201cNMDA receptor\u201d",
            [("ket", "ketamine"), ("nmdar", "NMDA receptor")],
        ),
        ("neuro-plasticity", [("np", "neuro-plasticity")]),
        ("N-methyl-D-aspartate\nreceptor", [("nmdar", "N-methyl-D-aspartate\nreceptor")]),
        ("dendritic-spines", [("ds", "dendritic-spines")]),
        ("esketamine, ketamines, ketaminergic", [("esk", "esketamine"), ("ket", "ketamines")]),
        ("the rapist", []),
        ("µ-opioid receptor (micro sign)", [("mor", "µ-opioid receptor")]),
        ("İİİ ketamine", [("ket", "ketamine")]),
        ("café ketamine", [("ket", "ketamine")]),
        (
            "loops\u2014ketamine\u2013NMDA--BDNF",
            [("ket", "ketamine"), ("nmda", "NMDA"), ("bdnf", "BDNF")],
        ),
    ],
)
def test_matching_rules(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


def test_abbreviation_defined_in_the_text(model: CoverageModel) -> None:
    text = "MOR is not mentioned yet. The mu-opioid receptor (MOR) matters. Naltrexone blocks MOR."
    mentions = [(m.concept, m.surface) for m in find_mentions(model, text)]
    mor = f"{CONCEPT}mu-opioid-receptor"
    assert mentions == [
        (mor, "mu-opioid receptor"),
        (f"{CONCEPT}naltrexone", "Naltrexone"),
        (mor, "MOR"),
    ]


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("Ketamine is not an SSRI.", {"ssri"}),
        ("Esketamine is not an opioid painkiller.", set()),
        ("Patients reported neither dizziness nor lethargy.", {"dizziness", "lethargy"}),
        ("They didn't report vertigo.", {"vertigo"}),
        ("No sedation was seen, but dizziness was common.", {"sedation"}),
        ("Ketamine not only blocks NMDA receptors but raises BDNF.", set()),
        ("No wonder ketamine helps depression.", set()),
        ("Ketamine works not just on NMDA receptors.", set()),
    ],
)
def test_negation(model: CoverageModel, text: str, negated: set[str]) -> None:
    got = {m.concept.removeprefix(CONCEPT) for m in find_mentions(model, text) if m.negated}
    assert got == negated


def test_claim_needs_both_ends_and_a_cue_in_one_sentence(model: CoverageModel) -> None:
    def expressed(text: str) -> list[str]:
        report = analyse(model, read_article(Path("a.txt"), text.encode()))
        return [c["iri"].rsplit("/", 1)[1] for c in report["claims"]["expressed"]]

    assert expressed("Ketamine blocks the NMDA receptor.") == ["ketamine--blocks--nmda-receptor"]
    assert expressed("Ketamine and the NMDA receptor.") == []
    assert expressed("Ketamine is a drug. A toxin blocks the NMDA receptor.") == []
    # a sentence that opens with "It", "This" or "These" takes its subject from the one before
    assert expressed("Ketamine is a drug. It blocks the NMDA receptor.") == [
        "ketamine--blocks--nmda-receptor"
    ]


def test_chain_and_missing_concepts(model: CoverageModel) -> None:
    text = "Ketamine blocks the NMDA receptor, which leads to a glutamate surge."
    report = analyse(model, read_article(Path("a.txt"), text.encode()))
    # the connected mechanism path, step by step; debated paths only where a step is stated
    paths = [c for c in report["chains"] if c["drug"] == "ketamine"]
    [chain] = [c for c in paths if c["status"] == "established"]
    assert all(c["stated"] for c in paths if c["status"] == "debated")
    assert [(c["step"], c["subject"], c["object"]) for c in chain["stated"]] == [
        (1, "ketamine", "NMDA receptor"),
        (2, "NMDA receptor", "glutamate surge"),
    ]
    assert [c["step"] for c in chain["skipped"]] == list(range(3, 11))
    assert chain["skipped"][0]["subject"] == "glutamate surge"
    assert chain["skipped"][-1]["object"] == "depression"
    top = report["missing"][:10]
    assert top[0]["relevance"] == 1.0
    assert all(m["definition"] for m in top)
    assert all(m["source"] and m["source"]["citation"] for m in top)
    assert "AMPA receptor" in {m["label"] for m in report["missing"][:15]}


def test_new_synonym_in_the_data_is_matched(kg, tmp_path: Path) -> None:
    data = (ROOT / "data/triples.ttl").read_text(encoding="utf-8")
    extra = '\nconcept:glutamate-surge skos:altLabel "glutamatergic storm"@en .\n'
    (tmp_path / "graph.ttl").write_text(data + extra, encoding="utf-8")
    store = f"oxigraph:{tmp_path / 'store'}"
    assert kg("load", "--data", str(tmp_path / "graph.ttl"), "--store", store).returncode == 0
    article = tmp_path / "a.txt"
    article.write_text("Ketamine sets off a glutamatergic storm.", encoding="utf-8")
    result = kg("coverage", str(article), "--store", store, "--format", "json")
    labels = [c["label"] for c in json.loads(result.stdout)["concepts"]]
    assert labels == ["ketamine", "glutamate surge"]


# --- input ---------------------------------------------------------------------------------


def test_html_scripts_and_styles_are_dropped(model: CoverageModel) -> None:
    raw = "<style>.bdnf{}</style><p>Ketamine</p><script>var BDNF = 1;</script>"
    article = read_article(Path("a.html"), raw.encode())
    assert len(article.text) == len(raw)
    assert [c["label"] for c in analyse(model, article)["concepts"]] == ["ketamine"]


def test_unreadable_files_are_named_and_the_rest_reported(kg, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Ketamine blocks the NMDA receptor.", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "latin1.txt").write_bytes("Ketamine\ncaf\xe9".encode("latin-1"))
    result = kg("coverage", str(tmp_path), "--format", "csv")
    assert result.returncode == 1
    assert f"Error: {tmp_path / 'binary.txt'}: is a binary file, not text" in result.stderr
    assert f"Error: {tmp_path / 'latin1.txt'}:2: is not UTF-8 text (byte 12)" in result.stderr
    rows = list(csv.reader(result.stdout.splitlines()))
    assert [row[0] for row in rows[1:]] == [str(tmp_path / "good.txt")]
    assert "Traceback" not in result.stderr


def test_stdin(kg) -> None:
    result = kg("coverage", "-", "--format", "json", stdin="Ketamine raises BDNF levels.")
    report = json.loads(result.stdout)
    assert report["file"] == "<stdin>"
    assert [c["label"] for c in report["concepts"]] == ["ketamine", "BDNF"]
    assert report["claims"]["expressed"][0]["iri"].endswith("ketamine--increases--bdnf")


def test_missing_input_is_explained(kg) -> None:
    result = kg("coverage", "no/such/article.md")
    assert result.returncode == 1
    assert result.stderr == "Error: no/such/article.md: no such file or folder\n"


READS = "kg coverage reads .htm, .html, .markdown, .md, .text and .txt files"


def test_web_address_is_refused(kg) -> None:
    # There is no network; the address used to be taken for a path that did not exist.
    result = kg("coverage", "https://example.org/page")
    assert result.returncode == 2
    assert result.stderr.endswith(
        "Error: Invalid value for FILE|DIR|-: 'https://example.org/page' is a web address, and "
        "kg coverage reads no pages from the network: save the page as HTML and give the file\n"
    )


@pytest.mark.parametrize(
    ("name", "convert"),
    [
        ("draft.docx", "pandoc {folder}/draft.docx -t plain -o {folder}/draft.txt"),
        ("draft.pdf", "pdftotext {folder}/draft.pdf {folder}/draft.txt"),
    ],
)
def test_document_says_what_is_read_and_how_to_convert(
    kg, tmp_path: Path, name: str, convert: str
) -> None:
    (tmp_path / name).write_bytes(b"PK\x03\x04 not text")
    result = kg("coverage", str(tmp_path / name))
    assert result.returncode == 1
    command = convert.format(folder=tmp_path)
    assert result.stderr == (
        f"Error: {tmp_path / name}: {READS}; convert it first, e.g. {command}\n"
    )


def test_folder_lists_the_files_it_skips(kg, tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text("Ketamine blocks the NMDA receptor.", encoding="utf-8")
    (tmp_path / "figure.png").write_bytes(b"\x89PNG")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    (tmp_path / ".hidden.docx").write_bytes(b"PK")
    result = kg("coverage", str(tmp_path), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"Skipped {tmp_path / 'figure.png'}: {READS}",
        f"Skipped {tmp_path / 'notes.docx'}: {READS}; convert it first, e.g. "
        f"pandoc {tmp_path / 'notes.docx'} -t plain -o {tmp_path / 'notes.txt'}",
    ]
    assert [row[0] for row in csv.reader(result.stdout.splitlines())][1:] == [
        str(tmp_path / "post.md")
    ]


def test_folder_of_other_files_lists_them_before_the_error(kg, tmp_path: Path) -> None:
    (tmp_path / "figure.png").write_bytes(b"\x89PNG")
    result = kg("coverage", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Skipped {tmp_path / 'figure.png'}: {READS}",
        f"Error: {tmp_path}: holds no articles (.htm, .html, .markdown, .md, .text, .txt)",
    ]


# --- the report ----------------------------------------------------------------------------


def test_json_report_keys_are_stable(kg) -> None:
    result = kg("coverage", str(CORPUS / "news.txt"), "--format", "json")
    report = json.loads(result.stdout)
    assert set(report) == {
        "file",
        "concepts",
        "missing",
        "claims",
        "chains",
        "score",
        "topic",
        "checks",
    }
    assert set(report["topic"][0]) >= {"kind", "iri", "label", "covered"}
    assert set(report["checks"][0]) == {
        "sentence",
        "span",
        "subject",
        "predicate",
        "object",
        "negated",
        "hedged",
        "verdict",
        "rule",
        "graph_claims",
    }
    assert set(report["checks"][0]["graph_claims"][0]) == {
        "iri",
        "subject",
        "predicate",
        "object",
        "status",
        "date",
        "sources",
    }
    assert set(report["chains"][0]) == {
        "drug",
        "iri",
        "path",
        "label",
        "status",
        "stated",
        "skipped",
    }
    assert set(report["concepts"][0]) == {
        "iri",
        "label",
        "category",
        "count",
        "surface_forms",
        "spans",
        "negated",
        "negated_spans",
        "hedged_spans",
    }
    assert set(report["missing"][0]) == {
        "iri",
        "label",
        "category",
        "relevance",
        "definition",
        "source",
    }
    assert set(report["claims"]) == {"expressed", "missing"}
    assert set(report["score"]) >= {"topic", "grade", "concepts", "claims", "per_category"}
    raw = (CORPUS / "news.txt").read_text(encoding="utf-8")
    for concept in report["concepts"]:
        for start, end in concept["spans"]:
            assert " ".join(raw[start:end].split()) in concept["surface_forms"]


def test_text_report(kg) -> None:
    result = kg("coverage", str(CORPUS / "negations-abbreviations.txt"))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        str(CORPUS / "negations-abbreviations.txt"),
        "  Topic score: 12.9% (grade F), about ketamine: 4 of 31 concepts and claims covered",
        "  Whole graph: 11 of 304 concepts (3.6%), 2 of 761 claims (0.3%); "
        "9 mentioned only under negation",
        "  Fact check: 2 supported",
    ]
    assert "  mu-opioid receptor (Receptor, x2): MOR, mu-opioid receptor" in lines
    assert "  selective serotonin reuptake inhibitor (Drug class, negated only): SSRI" in lines
    paths = lines.index("Mechanism paths, from the drug outward")
    assert lines[paths + 1].startswith("  esketamine: 0 of 10 steps stated (established path: ")
    assert lines[paths + 2] == "    skips 1. esketamine blocks NMDA receptor"
    assert lines[paths + 11] == "    skips 10. antidepressant effect alleviates depression"


def test_empty_sections_say_none(kg) -> None:
    result = kg("coverage", "-", stdin="The weather was mild all week.")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[lines.index("Concepts mentioned") + 1] == "  none"
    assert lines[lines.index("Claims expressed") + 1] == "  none"


def test_html_report_escapes_the_article(model: CoverageModel) -> None:
    text = 'Ketamine <script>alert("x")</script> & <b>BDNF</b>'
    article = read_article(Path("a.txt"), text.encode())
    page = REPORT_FORMATS["html"](analyse(model, article), article.text)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;" in page
    assert 'title="ketamine (Drug)">Ketamine</mark>' in page


def test_batch_writes_reports_and_summaries(kg, tmp_path: Path) -> None:
    result = kg("coverage", str(CORPUS), "--format", "md", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| file | topic score % | grade | contradicted | overstated |")
    assert len(lines) == 2 + len(ARTICLES) + 1  # the corpus README is an article too
    written = sorted(p.name for p in tmp_path.iterdir())
    assert "summary.csv" in written and "summary.md" in written
    assert "news.txt.md" in written and "patient-leaflet.html.md" in written
    with (tmp_path / "summary.csv").open() as summary:
        rows = list(csv.DictReader(summary))
    news = next(r for r in rows if r["file"].endswith("news.txt"))
    mentioned = [s for s in gold(CORPUS / "news.txt").values() if s == "mentioned"]
    assert news["concepts covered"] == str(len(mentioned))


def test_batch_keeps_reports_of_articles_with_the_same_name(kg, tmp_path: Path) -> None:
    for folder in ("draft", "final"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "post.txt").write_text(f"{folder}: ketamine blocks NMDA receptors.")
    out = tmp_path / "reports"
    result = kg("coverage", str(tmp_path / "draft"), str(tmp_path / "final"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "post.txt-2.txt",
        "post.txt.txt",
        "summary.csv",
        "summary.md",
    ]
    assert (out / "post.txt.txt").read_text().startswith(str(tmp_path / "draft" / "post.txt"))
    assert (out / "post.txt-2.txt").read_text().startswith(str(tmp_path / "final" / "post.txt"))


def test_fail_under(kg) -> None:
    low = kg("coverage", str(CORPUS / "off-topic.txt"), "--fail-under", "5")
    assert low.returncode == 1
    assert "Below --fail-under 5%: " in low.stderr
    assert "off-topic.txt has a topic score of 0.0%" in low.stderr
    # the gate reads the topic score, not the share of the whole graph (9.3% here)
    assert kg("coverage", str(CORPUS / "news.txt"), "--fail-under", "20").returncode == 0
    assert kg("coverage", str(CORPUS / "news.txt"), "--fail-under", "25").returncode == 1


# --- the coverage page ---------------------------------------------------------------------


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.name)
def test_coverage_page_finds_what_the_cli_finds(
    kg, browser: Browser, served: Served, article: Path
) -> None:
    cli = json.loads(kg("coverage", str(article), "--format", "json").stdout)
    shown = read_article(article).text  # the text a reader sees: same offsets as the file
    expected = sorted(
        (start, c["iri"], shown[start:end], [start, end] in c["negated_spans"])
        for c in cli["concepts"]
        for start, end in c["spans"]
    )
    seen = visit(browser, served.url + "coverage", "coveragePageReady")
    page = seen.page
    page.set_input_files("#file", str(article))
    page.wait_for_function("() => window.coverageDone === true")
    marks = page.eval_on_selector_all(
        ".text mark",
        "marks => marks.map(m => [m.dataset.concept, m.textContent, m.classList.contains('negated')])",
    )
    assert marks == [[iri, surface, negated] for _, iri, surface, negated in expected]
    assert page.evaluate("window.coverageReport.score") == cli["score"]
    assert seen.errors == []
    assert seen.outside == []
    page.close()


def test_coverage_page_takes_a_pasted_draft(browser: Browser, served: Served) -> None:
    seen = visit(browser, served.url + "coverage", "coveragePageReady")
    seen.page.fill("#draft", "Ketamine is not an SSRI; it blocks the NMDA receptor.")
    seen.page.wait_for_function("() => window.coverageDone === true")
    assert seen.page.inner_text("#status").startswith("2 concepts covered")
    assert seen.page.locator(".text mark.negated").all_inner_texts() == ["SSRI"]
    seen.page.close()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", 'post JSON with the article as "text" (and "name", "kind")\n'),
        (b'{"text": "\\u0000abc", "name": "paste.txt"}', "paste.txt: is a binary file, not text\n"),
    ],
)
def test_coverage_api_rejects_bad_input(served: Served, body: bytes, message: str) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(served.url + "api/coverage", data=body, method="POST")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=30)
    assert error.value.code == 400
    assert error.value.read().decode() == message


def test_read_article_reports_binary(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_bytes(b"\x00abc")
    with pytest.raises(DataError, match="is a binary file"):
        read_article(path)


# --- the topic score -------------------------------------------------------------------------


def topic_score(model: CoverageModel, name: str) -> dict[str, object]:
    score: dict[str, object] = analyse(model, read_article(CORPUS / name))["score"]
    return score


def test_thorough_articles_score_high_and_a_passing_mention_low(model: CoverageModel) -> None:
    draft = topic_score(model, "ketamine-draft.md")
    assert (draft["topic_of"], draft["grade"]) == (["ketamine"], "A")
    seed = analyse(model, read_article(ROOT / "data/reference/seed-article.txt"))
    assert seed["score"]["grade"] in {"A", "B"}
    mention = topic_score(model, "ketamine-mention.txt")
    assert (mention["topic_of"], mention["grade"]) == (["ketamine"], "F")
    assert mention["topic"] < 10 < draft["topic"] - 50  # type: ignore[operator]


def test_each_article_is_scored_against_its_own_topic(model: CoverageModel) -> None:
    # a comparator the graph holds is the topic, though ketamine is named too
    assert topic_score(model, "ect-patient-page.html")["topic_of"] == ["electroconvulsive therapy"]
    assert topic_score(model, "naltrexone-probe.txt")["topic_of"] == ["naltrexone"]
    # TMS is a comparator too, named far more often than the ketamine it names once
    assert topic_score(model, "tms-explainer.txt")["topic_of"] == [
        "transcranial magnetic stimulation"
    ]
    # no treatment named: the article is about its main condition
    text = b"Depression is common. Depression can return. Some people with depression feel anxious."
    score = analyse(model, read_article(None, text, "text"))["score"]
    assert score["topic_of"] == ["depression"]
    assert topic_score(model, "off-topic.txt")["topic_of"] == []


def test_topic_checklist_holds_the_mechanism_path_and_the_standing(model: CoverageModel) -> None:
    report = analyse(model, read_article(CORPUS / "ketamine-draft.md"))
    claims = {i["label"]: i["covered"] for i in report["topic"] if i["kind"] == "claim"}
    assert claims["ketamine blocks NMDA receptor"] is True
    assert "antidepressant effect alleviates depression" in claims  # the path's last step
    assert "ketamine used off-label for treatment-resistant depression" in claims
    # side effects: the best sourced few, not every one
    side_effects = [label for label in claims if " has side effect " in label]
    assert 0 < len(side_effects) <= 3
    covered = sum(i["covered"] for i in report["topic"])
    assert report["score"]["topic"] == round(100 * covered / len(report["topic"]), 1)
