"""Articles from files: plain UTF-8 text, or an HTML page whose main text is taken out.

The main text of a web page (without menus, footers, comments and advertisements) and its
metadata (date, author, site name) are read by trafilatura, a well-kept library built and
benchmarked for exactly that job; it is an optional extra (``pip install
'estimates[html]'``) because plain-text users need none of its dependencies. A file is
HTML when its name ends in ``.html``/``.htm`` or its text starts with a tag.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = path.write_text("Over 100 drones were launched.", encoding="utf-8")
>>> load_articles([path])[0].text
'Over 100 drones were launched.'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from estimates.errors import ArticleError

__all__ = ["Article", "load_articles", "read_html"]

_TAG_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body|article|div|p|meta)\b",
                        re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Article:
    """An article's text and what its page says about it."""

    #: the file it came from
    path: Path
    #: the main text, paragraphs on lines of their own
    text: str
    #: publication date from the page's metadata (``YYYY-MM-DD``), "" if none
    published: str = ""
    #: author from the page's metadata, "" if none
    author: str = ""
    #: site name from the page's metadata, "" if none
    outlet: str = ""


def read_html(markup: str, path: Path | str = "<html>") -> Article:
    """The main text and metadata of an HTML page (needs the ``html`` extra).

    Raises `ArticleError` naming `path` if trafilatura is missing or finds no text.
    """
    try:
        import trafilatura
    except ImportError:
        raise ArticleError([f"{path}: is an HTML page; reading it needs trafilatura: "
                            "pip install 'estimates[html]'"]) from None
    document = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False,
                                           include_tables=False)
    text = getattr(document, "text", None) if document is not None else None
    if not text:
        raise ArticleError([f"{path}: no main text found in the HTML page"])
    date = str(getattr(document, "date", "") or "")
    return Article(Path(path), text, date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else "",
                   str(getattr(document, "author", "") or ""),
                   str(getattr(document, "sitename", "") or ""))


def load_articles(paths: Sequence[str | Path]) -> list[Article]:
    """Read every article; raise one `ArticleError` listing every file that cannot be read."""
    articles: list[Article] = []
    problems: list[str] = []
    for name in paths:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as error:
            problems.append(f"{path}: cannot read: {error.strerror or error}")
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            problems.append(f"{path}: is not UTF-8 text (byte {error.start + 1} is {data[error.start]:#04x})")
            continue
        if path.suffix.lower() in (".html", ".htm") or _TAG_START.match(text):
            try:
                articles.append(read_html(text, path))
            except ArticleError as error:
                problems.extend(error.problems)
            continue
        articles.append(Article(path, text.replace("\r\n", "\n").replace("\r", "\n")))
    if problems:
        raise ArticleError(problems)
    return articles
