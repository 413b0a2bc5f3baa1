"""`kg diff`: what changed between two versions, from files or git revisions, as text or Markdown."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import FIXTURES, kg_at_terminal

CONCEPT = "https://w3id.org/treatment-kg/concept/"
CLAIM = "https://w3id.org/treatment-kg/claim/"
SOURCE = "https://w3id.org/treatment-kg/source/"


def _edited(tmp_path: Path) -> Path:
    text = (FIXTURES / "tiny.ttl").read_text()
    text = text.replace(
        'skos:altLabel "PTSD" ;', 'skos:altLabel "PTSD", "posttraumatic stress disorder" ;'
    )
    text = text.replace(
        """    tkg:evidence tkg:seed-article ;
    tkg:status tkg:debated ;""",
        """    tkg:evidence tkg:seed-article ;
    tkg:status tkg:established ;""",
    )
    start = text.index("concept:ketamine tkg:increases concept:bdnf .")
    end = text.index("concept:ketamine tkg:usedOffLabelFor")
    text = text[:start] + text[end:]
    text += """
concept:glutamate a tkg:Neurotransmitter ;
    rdfs:label "glutamate" ;
    skos:definition "An excitatory chemical messenger." .
"""
    edited = tmp_path / "edited.ttl"
    edited.write_text(text)
    return edited


def test_text_report_of_every_kind_of_change(kg, tmp_path: Path) -> None:
    result = kg("diff", "tests/fixtures/tiny.ttl", str(_edited(tmp_path)))
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "Concepts: 1 added, 0 removed, 1 changed",
        f"  added: glutamate <{CONCEPT}glutamate>",
        f"  changed: post-traumatic stress disorder <{CONCEPT}ptsd>",
        "      synonyms + posttraumatic stress disorder",
        "Claims: 0 added, 1 removed, 1 changed",
        f"  removed: ketamine increases BDNF <{CLAIM}ketamine--increases--bdnf>",
        f"  changed: ketamine used off-label for post-traumatic stress disorder <{CLAIM}ketamine--usedOffLabelFor--ptsd>",
        "      status: debated -> established",
    ]


def test_markdown_report(kg, tmp_path: Path) -> None:
    result = kg("diff", "tests/fixtures/tiny.ttl", str(_edited(tmp_path)), "--format", "md")
    lines = result.stdout.splitlines()
    assert lines[0] == "### Concepts: 1 added, 0 removed, 1 changed"
    assert f"- **removed** ketamine increases BDNF (`{CLAIM}ketamine--increases--bdnf`)" in lines
    assert "  - status: debated -> established" in lines


def test_sources_added_are_counted_by_kind(kg, tmp_path: Path) -> None:
    text = (FIXTURES / "tiny.ttl").read_text()
    text = text.replace('bibo:doi "10.1038/nature10130" ;', "tkg:evidence tkg:preclinical ;")
    text += """
source:a-label a tkg:Source ; tkg:sourceKind tkg:drug-label ; rdfs:label "A label" .
source:an-agency a tkg:Source ; tkg:sourceKind tkg:regulator-document ; rdfs:label "An agency" .
source:a-trial a tkg:Source ; tkg:sourceKind tkg:journal-article ; rdfs:label "A trial" ;
    tkg:evidence tkg:clinical-trial .
"""
    edited = tmp_path / "sources.ttl"
    edited.write_text(text)
    result = kg("diff", "tests/fixtures/tiny.ttl", str(edited))
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "Sources: 3 added (2 regulatory, 1 clinical trial), 0 removed, 1 changed",
        f"  added: A label <{SOURCE}a-label>",
        f"  added: A trial <{SOURCE}a-trial>",
        f"  added: An agency <{SOURCE}an-agency>",
        f"  changed: Autry et al. 2011, Nature <{SOURCE}autry-2011>",
        "      kind: journal article -> preclinical study",
        "      identifiers - doi 10.1038/nature10130",
    ]


def test_a_source_renamed_changes_the_claims_that_cite_it(kg, tmp_path: Path) -> None:
    # only the source's own rows differ; the claims' rows name it by IRI and stay the same
    text = (FIXTURES / "tiny.ttl").read_text()
    renamed = tmp_path / "renamed.ttl"
    renamed.write_text(text.replace('"Autry et al. 2011, Nature"', '"Autry et al. 2011"'))
    result = kg("diff", "tests/fixtures/tiny.ttl", str(renamed))
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "Claims: 0 added, 0 removed, 1 changed",
        f"  changed: ketamine blocks NMDA receptor <{CLAIM}ketamine--blocks--nmda-receptor>",
        "      sources + supports: Autry et al. 2011",
        "      sources - supports: Autry et al. 2011, Nature",
        "Sources: 0 added, 0 removed, 1 changed",
        f"  changed: Autry et al. 2011 <{SOURCE}autry-2011>",
        "      citation: Autry et al. 2011, Nature -> Autry et al. 2011",
    ]


def test_progress_is_shown_at_a_terminal_only(kg, tmp_path: Path) -> None:
    edited = str(_edited(tmp_path))
    piped = kg("diff", "tests/fixtures/tiny.ttl", edited)
    assert piped.stderr == ""
    # a terminal for stderr alone: the report still goes to the pipe
    at_terminal, shown = kg_at_terminal("diff", "tests/fixtures/tiny.ttl", edited)
    assert "Comparing versions" in shown and "100%" in shown
    assert at_terminal.stdout == piped.stdout and at_terminal.returncode == 1


def test_no_change_exits_zero(kg) -> None:
    result = kg("diff", "tests/fixtures/tiny.ttl", "tests/fixtures/tiny.ttl")
    assert (result.returncode, result.stdout) == (0, "No concepts, claims or sources changed.\n")


def _history(folder: Path) -> None:
    """A git repository in `folder` whose data/triples.ttl is tiny.ttl, then edited."""
    (folder / "data").mkdir()
    target = folder / "data/triples.ttl"
    target.write_text((FIXTURES / "tiny.ttl").read_text())

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=folder,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "first")
    target.write_text(_edited(folder).read_text())
    git("commit", "-qam", "second")


def test_git_revisions(kg, tmp_path: Path) -> None:
    _history(tmp_path)
    result = kg("diff", "HEAD~1", "HEAD", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("Concepts: 1 added, 0 removed, 1 changed\n")


def test_revision_that_looks_like_an_option_is_refused(kg, tmp_path: Path) -> None:
    # Passed on to `git show`, it wrote the whole commit to written:data/triples.ttl.
    _history(tmp_path)
    (tmp_path / "written:data").mkdir()
    result = kg("diff", "--", "--output=written", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith(
        "Error: --output=written: is neither a file nor a git revision "
        "(a revision cannot start with '-')\n"
    )
    assert list((tmp_path / "written:data").iterdir()) == []


def test_unknown_version_is_a_usage_error(kg) -> None:
    result = kg("diff", "no-such-revision")
    assert result.returncode == 2
    assert (
        "no-such-revision: is neither a file nor a git revision with data/triples.ttl"
        in result.stderr
    )


def test_broken_file_is_a_usage_error(kg) -> None:
    result = kg("diff", "tests/fixtures/broken-missing-dot.ttl", "tests/fixtures/tiny.ttl")
    assert result.returncode == 2
    assert (
        "broken-missing-dot.ttl:29:1: A dot is expected at the end of statements" in result.stderr
    )


def test_of_two_unusable_versions_the_first_is_reported(kg) -> None:
    # both load at once; the report must not depend on which of them fails first
    result = kg("diff", "tests/fixtures/broken-missing-dot.ttl", "no-such-revision")
    assert result.returncode == 2
    assert "broken-missing-dot.ttl:29:1:" in result.stderr
    assert "no-such-revision" not in result.stderr
