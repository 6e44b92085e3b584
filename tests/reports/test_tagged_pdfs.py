"""Every PDF is tagged for screen readers (PDF/UA-1, ``reports.pdf.pdf_bytes``): an untagged PDF is a
flat picture of text to a screen reader, with no headings, no table structure and nothing said for a
chart. Checked with poppler's pdfinfo: "Tagged: yes", the title, the PDF/UA identification in the
XMP metadata and the structure tree (``-struct``): headings, tables as Table/TR/TH/TD, one Figure per
chart and none for a decoration; and with pikepdf the document's language (/Lang), which a screen
reader speaks the text in, and each Figure's alternative text (/Alt), its chart's title
(tests/pdf_tags.py). The respondent's report is checked in
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
from allypath.reports.pdf import _decorations_as_backgrounds, pdf_bytes
from pdf_tags import assert_accessible, chart_titles, tagging_of, weasyprint_errors

from .boards import board_of


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
    # the Arabic charts are images (reports.charts.printable) and are Figures all the same, each
    # saying its chart's title and no more (the caption says the description); the PDF says its
    # language, as the page does
    charts = chart_titles(page)
    assert_accessible(
        pdf, title=board_title("Northwind", language), language=language, charts=charts, tables=True
    )
    assert len(charts) >= 3 and all(charts)  # the stage mix, the barriers and the enablers
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
    found = assert_accessible(pdf, title=title.group(1), language=language, charts=[], tables=False)
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


_PAGE = (
    "<!doctype html><html{lang}><head><meta charset='utf-8'><title>Northwind</title></head><body>"
    "<h1>Northwind</h1><h2>Overview</h2><figure>"
    '<svg role="img" aria-labelledby="t d" viewBox="0 0 10 10" width="100" height="100">'
    '<title id="t">Stage mix</title><desc id="d">The share of the men at each stage.</desc>'
    '<rect width="10" height="10" fill="#174a8b"/></svg>'
    "<figcaption>The share of the men at each stage.</figcaption></figure></body></html>"
)


def test_the_check_reads_the_language_and_each_figures_alternative_text(tmp_path: Path) -> None:
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(pdf_bytes(_PAGE.format(lang=' lang="fr"')))
    found = tagging_of(pdf)
    assert found.language == "fr" and found.figure_alts == ("Stage mix",)
    assert_accessible(pdf, title="Northwind", language="fr", charts=["Stage mix"], tables=False)
    with pytest.raises(AssertionError):  # a chart that says something else than its title
        assert_accessible(pdf, title="Northwind", language="fr", charts=["Barriers"], tables=False)


def test_a_pdf_without_a_language_fails_the_check(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A page without ``<html lang>`` gives a PDF without /Lang: a screen reader then reads it in its
    user's own language, Arabic with an English voice. The check says so."""
    pdf = tmp_path / "page.pdf"
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        pdf.write_bytes(pdf_bytes(_PAGE.format(lang="")))
    assert tagging_of(pdf).language == ""
    with pytest.raises(AssertionError, match="language"):
        assert_accessible(pdf, title="Northwind", language="en", charts=["Stage mix"], tables=False)
