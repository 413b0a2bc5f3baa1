"""Reading articles: text, Markdown or HTML files, folders of them, or stdin, as the text a
reader sees with offsets that fit the raw file."""

from __future__ import annotations

import html
import re
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from kg.errors import DataError

__all__ = ["ARTICLE_SUFFIXES", "Article", "article_paths", "read_article", "readable_text"]


class Article(NamedTuple):
    """An article as read from a file: its raw text and the text a reader sees."""

    name: str
    raw: str
    text: str  # same length as raw: markup blanked out, so offsets fit both


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
