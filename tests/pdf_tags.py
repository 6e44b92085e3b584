"""What poppler's pdfinfo shows of a PDF's accessibility, for the tests of the tagged PDFs
(tests/reports/test_tagged_pdfs.py): "Tagged: yes", the title, the PDF/UA identification in the XMP
metadata and the structure tree (``pdfinfo -struct``).

No installed library reads a PDF's objects (no pikepdf, pypdf or pdfminer) and pdfinfo prints neither
the catalog's /Lang nor a Figure's /Alt. WeasyPrint logs an error when a tagged PDF has no language or
an image no alt text, so the tests assert it logged none (:func:`weasyprint_errors`).
"""

from __future__ import annotations

import logging
import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Tagging:
    """What poppler's pdfinfo shows of a PDF's accessibility."""

    tagged: bool
    title: str
    pdf_ua: bool
    #: how many structure elements of each type (H1, Table, Figure, ...) the structure tree holds
    structure: Counter[str]


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
    return Tagging(
        tagged=info.get("Tagged") == "yes",
        title=info.get("Title", ""),
        pdf_ua=bool(re.search(r'pdfuaid:part="1"', meta)),
        structure=Counter(elements),
    )


def assert_accessible(pdf: Path, *, title: str, charts: int, tables: bool) -> Tagging:
    """``pdf`` is tagged PDF/UA-1 with ``title``, headings, Table/TR/TH/TD if it has ``tables`` and
    one Figure for each of its ``charts``."""
    found = tagging_of(pdf)
    assert found.tagged, "the PDF is not tagged"
    assert found.pdf_ua, "the PDF does not say it is PDF/UA-1"
    assert found.title == title
    assert found.structure["H1"] == 1 and found.structure["H2"] >= 1, found.structure
    for cell in ("Table", "TR", "TH", "TD"):
        assert (found.structure[cell] > 0) is tables, (cell, found.structure)
    assert found.structure["Figure"] == charts, found.structure
    return found


def charts_in(page: str) -> int:
    """The charts of an HTML page: its SVGs that speak as images (decorations are aria-hidden)."""
    return len(re.findall(r'<svg\b[^>]*\brole="img"', page))


def weasyprint_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """WeasyPrint's errors: a tagged PDF without a language, an image without alt text."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("weasyprint") and r.levelno >= logging.ERROR
    ]


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout
