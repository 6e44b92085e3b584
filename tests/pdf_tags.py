"""What a PDF says to a screen reader, for the tests of the tagged PDFs (tests/reports/test_tagged_pdfs.py):
"Tagged: yes", the title, the PDF/UA identification in the XMP metadata and the structure tree, as
poppler's pdfinfo shows them (``pdfinfo -struct``); the document's language (the catalog's /Lang) and
what each Figure says (its /Alt), which pdfinfo does not print (poppler 22.12: neither ``-struct``,
``-struct-text``, ``-meta`` nor ``-custom``), read from the PDF's objects with pypdf.
"""

from __future__ import annotations

import html
import logging
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject


@dataclass(frozen=True)
class Tagging:
    """What poppler's pdfinfo shows of a PDF's accessibility."""

    tagged: bool
    title: str
    pdf_ua: bool
    #: how many structure elements of each type (H1, Table, Figure, ...) the structure tree holds
    structure: Counter[str]
    #: the document's language, the catalog's /Lang ("" where it has none)
    language: str = ""
    #: what each Figure says, its /Alt in the structure tree's order ("" for a Figure without one)
    figure_alts: tuple[str, ...] = ()


def tagging_of(pdf: Path) -> Tagging:
    info = dict(
        (name, value.strip())
        for name, value in (
            line.split(":", 1) for line in _run("pdfinfo", str(pdf)).splitlines() if ":" in line
        )
    )
    meta = _run("pdfinfo", "-meta", str(pdf))
    tree = _run("pdfinfo", "-struct", str(pdf)).splitlines()
    # attribute lines ("/BBox [...]", "/Headers [...]") sit under their element and are not elements
    elements = [
        line.split()[0].rstrip(":") for line in tree if line.strip() and not line.strip().startswith("/")
    ]
    catalog = PdfReader(pdf).trailer["/Root"]
    language = str(catalog.get("/Lang", ""))
    alts = tuple(
        str(element.get("/Alt", ""))
        for element in _elements(catalog.get("/StructTreeRoot"))
        if element.get("/S") == "/Figure"
    )
    return Tagging(
        tagged=info.get("Tagged") == "yes",
        title=info.get("Title", ""),
        pdf_ua=bool(re.search(r'pdfuaid:part="1"', meta)),
        structure=Counter(elements),
        language=language,
        figure_alts=alts,
    )


def assert_accessible(pdf: Path, *, title: str, language: str, charts: list[str], tables: bool) -> Tagging:
    """``pdf`` is tagged PDF/UA-1 with ``title`` and ``language``, headings, Table/TR/TH/TD if it has
    ``tables`` and one Figure for each of its ``charts`` (their titles, in order), which says that
    title as its alternative text."""
    found = tagging_of(pdf)
    assert found.tagged, "the PDF is not tagged"
    assert found.pdf_ua, "the PDF does not say it is PDF/UA-1"
    assert found.title == title
    assert found.language == language, f"the PDF's language (/Lang) is {found.language!r}, not {language!r}"
    assert found.structure["H1"] == 1 and found.structure["H2"] >= 1, found.structure
    for cell in ("Table", "TR", "TH", "TD"):
        assert (found.structure[cell] > 0) is tables, (cell, found.structure)
    assert found.structure["Figure"] == len(charts), found.structure
    assert all(found.figure_alts), f"a Figure without alternative text: {found.figure_alts}"
    assert list(found.figure_alts) == charts, (
        f"the Figures say {found.figure_alts}, their charts' titles are {charts}"
    )
    return found


def chart_titles(page: str) -> list[str]:
    """The charts of an HTML page, by their titles: its SVGs that speak as images (decorations are
    aria-hidden), each named by its ``<title>``."""
    svgs = re.findall(r'<svg\b[^>]*\brole="img"[^>]*>(.*?)</svg>', page, re.S)
    titles = [re.search(r"<title\b[^>]*>(.*?)</title>", svg, re.S) for svg in svgs]
    return [html.unescape(t.group(1)).strip() if t else "" for t in titles]


def _elements(node: object) -> Iterator[DictionaryObject]:
    """The structure elements below ``node`` (a structure tree's root or element), depth first."""
    node = getattr(node, "get_object", lambda: node)()  # an indirect reference: the object it names
    if isinstance(node, ArrayObject):
        for child in node:
            yield from _elements(child)
    elif isinstance(node, DictionaryObject):
        if "/S" in node:
            yield node
        if "/K" in node:
            yield from _elements(node["/K"])


def weasyprint_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """WeasyPrint's errors: a tagged PDF without a language, an image without alt text."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("weasyprint") and r.levelno >= logging.ERROR
    ]


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout
