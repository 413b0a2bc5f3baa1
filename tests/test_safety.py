"""A command replaces only what it made itself: folders that are not stores, special files,
symlinks and the committed explorer page survive every command, and `--out -` pipes."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.files import SITE_DIR
from kg.store import load_store
from tests.conftest import KG_COMMAND, ROOT

# data/triples.ttl with the schema, as `kg load` counts them
SHIPPED_TRIPLES = len(load_store())


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", ["notes", "home"])
def test_load_refuses_a_folder_that_is_not_a_store(kg, tmp_path: Path, name: str) -> None:
    folder = tmp_path / name
    (folder / "sub").mkdir(parents=True)
    (folder / "notes.txt").write_text("my notes")
    (folder / "sub" / "draft.md").write_text("draft")
    before = _tree(folder)
    result = kg("load", "--store", f"oxigraph:{folder}")
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {folder}: holds files that are not an Oxigraph store; they are left untouched "
        "(give a new or empty folder, or an earlier `kg load` store)\n"
    )
    assert _tree(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize(
    ("store", "message"),
    [
        ("oxigraph:", "--store oxigraph:PATH needs a folder, e.g. oxigraph:store"),
        ("oxigraph:.", "--store oxigraph:PATH needs a folder, e.g. oxigraph:store"),
        ("oxigraph:..", "{cwd}/..: is the working folder or holds it; give a folder of its own"),
        ("oxigraph:a-file", "{cwd}/a-file: is not a folder; give a new or empty folder"),
        ("oxigraph:/dev/null", "/dev/null: is not a folder; give a new or empty folder"),
    ],
)
def test_load_refuses_paths_it_must_not_replace(
    kg, tmp_path: Path, store: str, message: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a-file").write_text("keep")
    result = kg("load", "--store", store, cwd=work)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: " + message.format(cwd=work))
    assert result.stderr.count("\n") == 1
    assert (work / "a-file").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]


def test_load_replaces_its_own_store_and_fills_an_empty_folder(kg, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert kg("load", "--store", f"oxigraph:{empty}").returncode == 0
    small = tmp_path / "small.ttl"
    small.write_text((ROOT / "tests/fixtures/tiny.ttl").read_text())
    result = kg("load", "--data", str(small), "--store", f"oxigraph:{empty}")
    assert result.returncode == 0, result.stderr
    count = kg("query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv",
               "--store", f"oxigraph:{empty}")  # fmt: skip
    assert count.stdout.split()[1] != str(SHIPPED_TRIPLES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "small.ttl"]


def test_failed_load_leaves_no_folders_behind(kg, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix x: <http://example.org/> .\nx:a x:b .\n")
    result = kg(
        "load", "--data", str(broken), "--store", f"oxigraph:{tmp_path}/missing/parent/store"
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {broken}:2:")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ttl"]


def _triples(kg, store: str) -> int:
    result = kg("query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv",
                "--store", store)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[1])


def test_a_store_moved_aside_by_a_killed_load_is_put_back(kg, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert kg("load", "--store", f"oxigraph:{store}").returncode == 0
    store.rename(tmp_path / ".store.replaced")  # where the swap leaves it between its renames
    assert _triples(kg, f"oxigraph:{store}") == SHIPPED_TRIPLES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_ctrl_c_during_load_keeps_a_whole_store(kg, tmp_path: Path) -> None:
    """Interrupted at any moment, `kg load` leaves the old store or the new one, never none."""
    bigger = tmp_path / "bigger.ttl"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/synthetic.py"), "150000", str(bigger)],
        check=True,
        capture_output=True,
    )
    store = tmp_path / "store"
    assert kg("load", "--store", f"oxigraph:{store}").returncode == 0
    counts = set()
    for delay in (0.05, 0.3, 0.6, 0.9, 1.2, 1.6, 2.5, 4.0):
        loading = subprocess.Popen(
            [str(KG_COMMAND), "load", str(bigger), "--store", f"oxigraph:{store}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        loading.send_signal(signal.SIGINT)
        _, errors = loading.communicate(timeout=120)
        assert "Traceback" not in errors
        counts.add(_triples(kg, f"oxigraph:{store}"))
        assert sorted(p.name for p in tmp_path.iterdir()) == ["bigger.ttl", "store"]
    assert counts <= {SHIPPED_TRIPLES, _triples_in(bigger)}


def _triples_in(path: Path) -> int:
    import pyoxigraph as ox

    from kg.files import SCHEMA_FILE

    return len(
        {q for p in (SCHEMA_FILE, path) for q in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE)}
    )


def test_export_to_dev_stdout_writes_into_it_and_keeps_the_link(kg, tmp_path: Path) -> None:
    redirected = tmp_path / "out.ttl"
    with redirected.open("w") as stdout:
        result = subprocess.run(
            [str(KG_COMMAND), "export", "--format", "ntriples", "--out", "/dev/stdout"],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"/dev/stdout: {SHIPPED_TRIPLES} triples\n"
    assert len(redirected.read_text().splitlines()) == SHIPPED_TRIPLES
    assert Path("/dev/stdout").is_symlink()


def test_export_into_a_fifo_writes_into_it(kg, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    read = tmp_path / "read.nt"
    reader = subprocess.Popen(f"cat '{fifo}' > '{read}'", shell=True)
    result = kg("export", "--format", "ntriples", "--out", str(fifo))
    assert result.returncode == 0, result.stderr
    assert reader.wait(timeout=30) == 0
    assert len(read.read_text().splitlines()) == SHIPPED_TRIPLES
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_export_through_a_symlink_replaces_the_file_it_points_at(kg, tmp_path: Path) -> None:
    real = tmp_path / "real.nt"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.nt"
    link.symlink_to(real)
    result = kg("export", "--format", "ntriples", "--out", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == real
    assert len(real.read_text().splitlines()) == SHIPPED_TRIPLES
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.nt", "real.nt"]


@pytest.mark.parametrize(
    ("args", "summary", "starts"),
    [
        (("export", "--format", "turtle"), f"standard output: {SHIPPED_TRIPLES} triples", "@prefix"),
        (("site", "--focus", "BDNF", "--depth", "1"), "standard output: 11 concepts, 15 claims",
         "<!DOCTYPE html>"),
        (("coverage", "README.md", "--format", "json"), "standard output: coverage report", "{"),
    ],
)  # fmt: skip
def test_out_dash_is_standard_output(
    kg, tmp_path: Path, args: tuple[str, ...], summary: str, starts: str
) -> None:
    result = kg(*args, "--out", "-")
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().startswith(starts)
    assert result.stderr.strip() == summary
    assert not (ROOT / "-").exists()


def test_out_dash_is_refused_for_a_folder_of_files(kg) -> None:
    result = kg("export", "--format", "csv", "--out", "-")
    assert result.returncode == 1
    assert result.stderr == "Error: -: csv writes a folder of files; give --out a folder\n"
    assert not (ROOT / "-").exists()


def test_export_piped_into_head_stops_quietly(tmp_path: Path) -> None:
    result = subprocess.run(
        f"'{KG_COMMAND}' export --format ntriples --out - | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stderr and "Error" not in result.stderr


def test_focused_site_never_replaces_the_whole_page(kg) -> None:
    page = SITE_DIR / "index.html"
    before = page.read_bytes()
    focused = SITE_DIR / "focus-bdnf.html"
    try:
        result = kg("site", "--focus", "BDNF", "--depth", "1")
        assert result.returncode == 0, result.stderr
        assert result.stdout == "site/focus-bdnf.html: 11 concepts, 15 claims\n"
        assert page.read_bytes() == before
        assert "BDNF and 1 step around it" in focused.read_text()
        ignored = subprocess.run(
            ["git", "status", "--porcelain", "site"], cwd=ROOT, capture_output=True, text=True
        )
        assert ignored.stdout == ""
    finally:
        focused.unlink(missing_ok=True)


def test_installed_package_never_writes_into_its_own_folder(tmp_path: Path) -> None:
    """After a plain (non-editable) install, `kg site` writes ./site, not into the package."""
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
         str(target), str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    before = _tree(target)
    work = tmp_path / "work"
    work.mkdir()
    environment = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", "from kg.cli import main; main()", "site", "--focus", "BDNF"],
        cwd=work,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("site/focus-bdnf.html: ")
    assert (work / "site" / "focus-bdnf.html").is_file()
    assert _tree(target) == before
