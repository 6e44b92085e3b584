"""Every PDF is tagged for screen readers (PDF/UA-1, ``reports.pdf.pdf_bytes``): an untagged PDF is a
flat picture of text to a screen reader, with no headings, no table structure and nothing said for a
chart. Checked with poppler's pdfinfo: "Tagged: yes", the title, the PDF/UA identification in the
XMP metadata and the structure tree (``-struct``): headings, tables as Table/TR/TH/TD, one Figure per
chart and none for a decoration (tests/pdf_tags.py). The respondent's report is checked in
tests/web/test_report.py and the methods report in tests/stats/test_methods_report.py, beside the
fixtures that build them.
"""

from __future__ import annotations

import base64
import logging
import re
from pathlib import Path

import pandas as pd
import pytest

from allypath.reports.board import board_html, board_pdf
from allypath.reports.deck import deck_html, workshop_deck, write_deck
from allypath.reports.labels import board_title
from allypath.reports.pdf import _decorations_as_backgrounds
from pdf_tags import assert_accessible, charts_in, weasyprint_errors

from .test_board_language import board_of


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_board_pdf_is_tagged_with_its_title_headings_tables_and_a_figure_per_chart(
    scored: pd.DataFrame, language: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    board = board_of(scored, language)
    page = board_html(board)
    assert f'<html lang="{language}"' in page  # the PDF's language comes from here
    pdf = tmp_path / "board.pdf"
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        pdf.write_bytes(board_pdf(board))
    # the Arabic charts are images (reports.charts.printable) and are Figures all the same
    assert_accessible(pdf, title=board_title("Northwind", language), charts=charts_in(page), tables=True)
    assert charts_in(page) >= 3  # the stage mix, the barriers and the enablers
    assert weasyprint_errors(caplog) == []


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_deck_pdf_is_tagged_with_its_title_and_headings(
    language: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    deck = workshop_deck(2, "team_meetings", language=language)
    title = re.search(r"<title>(.*?)</title>", deck_html(deck))
    assert title is not None and "&" not in title.group(1)  # no entity to read back
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        pdf = write_deck(deck, tmp_path / "deck.pdf")
    found = assert_accessible(pdf, title=title.group(1), charts=0, tables=False)
    assert found.structure["H3"] >= 1 and found.structure["L"] >= 1  # each slide's points are a list
    assert weasyprint_errors(caplog) == []


def test_a_decoration_becomes_a_background_and_a_chart_stays_an_svg() -> None:
    bar = (
        '<svg class="bar" viewBox="0 0 100 10" aria-hidden="true" focusable="false">'
        '<rect x="0" y="0" width="40" height="10" fill="#174a8b"/></svg>'
    )
    chart = '<svg role="img" aria-labelledby="t"><title id="t">Stage mix</title></svg>'
    printed = _decorations_as_backgrounds(f"<li>{bar}</li>{chart}")
    assert printed.endswith(chart) and "<svg" not in printed.removesuffix(chart)
    found = re.search(
        r'<li><span class="bar" style="([^"]*)url\(data:image/svg\+xml;base64,([^)]+)\)"></span>', printed
    )
    assert found is not None and "display: inline-block" in found.group(1)
    # drawn as an image, the SVG needs its namespace, which HTML let it leave out
    drawn = base64.b64decode(found.group(2)).decode()
    assert drawn == bar.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
