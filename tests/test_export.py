"""`kg export`: every format is read back by the library its users load it with, and the counts
equal the graph's."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.query import run_select
from kg.store import LocalStore
from tests.conftest import kg_at_terminal


def _counts(store: LocalStore) -> tuple[int, int, int]:
    [row] = run_select(store, "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }")
    [concepts] = run_select(
        store,
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ?k . ?k a <https://w3id.org/treatment-kg/vocab/Category> }",
    )
    [claims] = run_select(
        store,
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement> }",
    )
    return int(row["triples"] or 0), int(concepts["n"] or 0), int(claims["n"] or 0)


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")]
)
def test_rdf_exports_round_trip(
    kg, shipped_store: LocalStore, tmp_path: Path, fmt: str, rdflib_format: str
) -> None:
    triples, _, _ = _counts(shipped_store)
    out = tmp_path / f"graph.{fmt}"
    result = kg("export", "--format", fmt, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{out}: {triples} triples\n"
    assert len(Graph().parse(out, format=rdflib_format)) == triples


def test_jsonld_has_a_context(kg, tmp_path: Path) -> None:
    out = tmp_path / "graph.jsonld"
    kg("export", "--format", "jsonld", "--out", str(out))
    text = out.read_text()
    assert '"@context"' in text and '"concept": "https://w3id.org/treatment-kg/concept/"' in text


def test_graphml_is_read_by_networkx(kg, shipped_store: LocalStore, tmp_path: Path) -> None:
    _, concepts, claims = _counts(shipped_store)
    out = tmp_path / "graph.graphml"
    result = kg("export", "--format", "graphml", "--out", str(out))
    assert result.stdout == f"{out}: {concepts} nodes, {claims} edges\n"
    graph = nx.read_graphml(out, force_multigraph=True)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (concepts, claims)
    ketamine = graph.nodes["https://w3id.org/treatment-kg/concept/ketamine"]
    assert ketamine["category"] == "Drug" and "Ketalar" in ketamine["synonyms"]
    blocks = [
        d
        for u, v, d in graph.edges(data=True)
        if u.endswith("/ketamine") and v.endswith("/nmda-receptor")
    ]
    assert (
        blocks[0]["predicate"] == "blocks" and "Autry et al. 2011, Nature" in blocks[0]["sources"]
    )


def test_csv_nodes_and_edges_for_neo4j(kg, shipped_store: LocalStore, tmp_path: Path) -> None:
    _, concepts, claims = _counts(shipped_store)
    result = kg("export", "--format", "csv", "--out", str(tmp_path / "csv"))
    assert result.stdout == f"{tmp_path / 'csv'}: {concepts} nodes, {claims} edges\n"
    with (tmp_path / "csv/nodes.csv").open(newline="") as file:
        nodes = list(csv.DictReader(file))
    # each category's own name, as the schema spells its class: tkg:SideEffect is SideEffect
    labels = {n[":LABEL"] for n in nodes}
    assert {"Concept;SideEffect", "Concept;GeneOrProtein", "Concept;Route"} <= labels
    assert all(label.split(";")[1][0].isupper() for label in labels)
    with (tmp_path / "csv/edges.csv").open(newline="") as file:
        edges = list(csv.DictReader(file))
    assert (len(nodes), len(edges)) == (concepts, claims)
    ids = {n["id:ID"] for n in nodes}
    assert all(e[":START_ID"] in ids and e[":END_ID"] in ids for e in edges)
    ptsd = next(e for e in edges if e["claim"].endswith("ketamine--studiedFor--ptsd"))
    assert (ptsd[":TYPE"], ptsd["status"]) == ("STUDIED_FOR", "established")
    hnk = next(
        e
        for e in edges
        if e["claim"].endswith("hydroxynorketamine--produces--antidepressant-effect")
    )
    assert (hnk[":TYPE"], hnk["status"]) == ("PRODUCES", "debated")


def test_unknown_format_is_a_usage_error(kg, tmp_path: Path) -> None:
    result = kg("export", "--format", "yaml", "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert (
        "'yaml' is not one of turtle, ntriples, jsonld, graphml, csv, kgx, sssom" in result.stderr
    )
    assert not (tmp_path / "x").exists()


def test_progress_is_shown_at_a_terminal_only(
    kg, shipped_store: LocalStore, tmp_path: Path
) -> None:
    out = tmp_path / "graph.graphml"
    piped = kg("export", "--format", "graphml", "--out", str(out))
    assert piped.stderr == ""
    result, shown = kg_at_terminal("export", "--format", "graphml", "--out", str(out))
    assert "Exporting as graphml" in shown and "100%" in shown
    assert result.stdout == piped.stdout and result.returncode == 0
    # exported to standard output: the triples alone there, the bar and the count at the terminal
    triples = len(shipped_store.store)
    to_stdout, shown = kg_at_terminal("export", "--format", "ntriples", "--out", "-")
    assert len(to_stdout.stdout.splitlines()) == triples
    assert shown.rstrip().endswith(f"standard output: {triples} triples")


def test_export_makes_missing_folders(kg, tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder" / "graph.ttl"
    result = kg("export", "--format", "turtle", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert len(Graph().parse(out, format="turtle")) > 3000
    assert [p.name for p in out.parent.iterdir()] == ["graph.ttl"]


def test_export_that_cannot_be_written_is_explained_and_leaves_nothing(kg, tmp_path: Path) -> None:
    taken = tmp_path / "graph.ttl"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine")
    result = kg("export", "--format", "turtle", "--out", str(taken))
    assert result.returncode == 1
    assert result.stderr == f"Error: {taken}: is a folder; give a file name\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]


def test_folder_export_keeps_other_files(kg, tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("mine")
    result = kg("export", "--format", "csv", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edges.csv", "nodes.csv", "notes.md"]


def test_kgx_nodes_and_edges_use_biolink(kg, shipped_store: LocalStore, tmp_path: Path) -> None:
    _, concepts, claims = _counts(shipped_store)
    assert kg("export", "--format", "kgx", "--out", str(tmp_path)).returncode == 0
    with (tmp_path / "nodes.tsv").open(newline="") as file:
        nodes = list(csv.DictReader(file, delimiter="\t"))
    with (tmp_path / "edges.tsv").open(newline="") as file:
        edges = list(csv.DictReader(file, delimiter="\t"))
    assert (len(nodes), len(edges)) == (concepts, claims)
    assert all(
        n["category"].startswith("biolink:") and e["predicate"].startswith("biolink:")
        for n in nodes
        for e in edges[:1]
    )
    esketamine = next(n for n in nodes if n["id"].endswith("/esketamine"))
    assert esketamine["category"] == "biolink:Drug" and "DRUGBANK:DB11823" in esketamine["xref"]
    blocks = next(
        e
        for e in edges
        if e["id"] == "https://w3id.org/treatment-kg/claim/ketamine--blocks--nmda-receptor"
    )
    assert "doi:10.1038/nature10130" in blocks["publications"].split("|")
    treats = next(
        e
        for e in edges
        if e["id"].endswith("electroconvulsive-therapy--treats--treatment-resistant-depression")
    )
    assert treats["predicate"] == "biolink:treats"


def test_sssom_is_read_by_sssom_py(kg, shipped_store: LocalStore, tmp_path: Path) -> None:
    from sssom.parsers import parse_sssom_table

    out = tmp_path / "mappings.sssom.tsv"
    result = kg("export", "--format", "sssom", "--out", str(out))
    mappings = run_select(
        shipped_store,
        "SELECT (COUNT(*) AS ?n) WHERE { ?c <http://www.w3.org/2004/02/skos/core#exactMatch>|<http://www.w3.org/2004/02/skos/core#closeMatch>|<http://www.w3.org/2004/02/skos/core#broadMatch>|<http://www.w3.org/2004/02/skos/core#narrowMatch> ?m . ?c a ?k . ?k a <https://w3id.org/treatment-kg/vocab/Category> }",
    )
    assert result.stdout == f"{out}: {mappings[0]['n']} mappings\n"
    table = parse_sssom_table(out).df
    assert len(table) == mappings[0]["n"]
    row = table[table["object_id"] == "MONDO:0024317"].iloc[0]
    assert (row["subject_id"], row["predicate_id"]) == ("concept:chronic-pain", "skos:closeMatch")


def test_jsonld_is_compacted_one_node_a_line(kg, tmp_path: Path) -> None:
    out = tmp_path / "graph.jsonld"
    assert kg("export", "--format", "jsonld", "--out", str(out)).returncode == 0
    document = json.loads(out.read_text())
    nodes = {node["@id"]: node for node in document["@graph"]}
    assert len(nodes) == len(document["@graph"]) == len(out.read_text().splitlines()) - 23
    ketamine = nodes["concept:ketamine"]
    assert ketamine["@type"] == "tkg:Drug" and "Ketalar" in ketamine["skos:altLabel"]
    blocks = nodes["claim:ketamine--blocks--nmda-receptor"]
    assert blocks["rdf:object"] == {"@id": "concept:nmda-receptor"}
    assert list(nodes) == sorted(nodes, key=lambda iri: json.dumps(iri, ensure_ascii=False))


def _canonical(graph: Graph) -> set[str]:
    """The graph's triples with blank nodes named by RDF canonicalization (RDFC-1.0): two
    graphs are isomorphic when these are equal. rdflib's own isomorphic() took four minutes
    on the graph's 6,000 triples with blank nodes."""
    dataset = ox.Dataset(ox.parse(graph.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def test_rdf_exports_hold_the_graph_itself(kg, shipped_store: LocalStore, tmp_path: Path) -> None:
    turtle, jsonld = tmp_path / "graph.ttl", tmp_path / "graph.jsonld"
    kg("export", "--format", "turtle", "--out", str(turtle))
    kg("export", "--format", "jsonld", "--out", str(jsonld))
    # both read by rdflib, as users read them
    written = _canonical(Graph().parse(jsonld, format="json-ld"))
    assert written == _canonical(Graph().parse(turtle))
    assert len(written) == len(shipped_store.store)


def test_jsonld_keeps_every_character_of_a_literal(kg, tmp_path: Path) -> None:
    import pyoxigraph as ox

    graph = tmp_path / "odd.ttl"
    graph.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/a> rdfs:comment "quote \\" backslash \\\\ tab \\t line\\n'
        'end \u2028 separator \\u0007 bell é 😀" , "colour"@en-GB , '
        '"3"^^<http://www.w3.org/2001/XMLSchema#integer> , [ rdfs:label "blank" ] .\n',
        encoding="utf-8",
    )
    for fmt in ("jsonld", "ntriples"):
        result = kg("export", "--data", str(graph), "--format", fmt, "--out", str(tmp_path / fmt))
        assert result.returncode == 0, result.stderr
    written = list(ox.parse(path=str(tmp_path / "jsonld"), format=ox.RdfFormat.JSON_LD))
    expected = list(ox.parse(path=str(tmp_path / "ntriples"), format=ox.RdfFormat.N_TRIPLES))

    def ground(quads: list[ox.Quad]) -> set[str]:
        """The triples without blank nodes, whose labels each parse makes up anew."""
        blank = ox.BlankNode
        return {
            str(q.triple)
            for q in quads
            if not isinstance(q.subject, blank) and not isinstance(q.object, blank)
        }

    assert ground(written) == ground(expected) and len(written) == len(expected)
    assert any(str(t.object) == '"blank"' for t in written)
    assert any("😀" in str(t.object) and "\u2028" in str(t.object) for t in written)
