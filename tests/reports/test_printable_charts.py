"""Charts whose words are Arabic print readably: WeasyPrint sets an SVG's text unshaped and left to
right ("الجميع" came out as its letters apart, last first, on the Arabic board's charts), so for the
PDF such a chart is drawn by resvg (vl-convert), which shapes it as a browser does
(``reports.charts.printable``). A chart in a script WeasyPrint sets right stays vector SVG."""

from __future__ import annotations

import base64
import re
import subprocess

import pandas as pd
import pytest

from allypath.reports.charts import bar_chart, printable

PNG = b"\x89PNG\r\n\x1a\n"


def _chart(names: list[str], title: str) -> str:
    frame = pd.DataFrame({"group": names, "share": [0.2, 0.5]})
    return bar_chart(frame, x="share", y="group", title=title).svg


def test_a_chart_in_arabic_becomes_an_image_of_its_size_with_its_words_as_alt_text() -> None:
    svg = _chart(["الجميع", "المبيعات"], "التوزيع على المراحل")
    page = f"<p>قبل</p><figure>{svg}</figure><p>بعد</p>"
    printed = printable(page)
    assert "<svg" not in printed and printed.startswith("<p>قبل</p><figure><img")
    image = re.search(r'<img class="chart-image" src="data:image/png;base64,([^"]+)"([^>]*)>', printed)
    assert image is not None
    assert base64.b64decode(image.group(1)).startswith(PNG)
    width = re.search(r'\swidth="([0-9.]+)"', svg[: svg.index(">")])
    assert width is not None and f'width="{width.group(1)}"' in image.group(2)  # same size on the page
    assert 'alt="التوزيع على المراحل"' in image.group(2)  # the title: the caption says what it shows


def test_a_printed_chart_says_its_title_and_leaves_its_description_to_the_caption() -> None:
    """A screen reader reads a chart's alt text and then its caption: with the description in both
    (the Arabic board's charts), it read the description twice. The alt names the chart, in any
    language (an English chart with one Arabic name is drawn as an image too)."""
    frame = pd.DataFrame({"group": ["Everyone", "المبيعات"], "share": [0.2, 0.5]})
    described = "Share of the men at each stage, per group."
    chart = bar_chart(frame, x="share", y="group", title="Stage mix", description=described)
    printed = printable(chart.html())
    alts = re.findall(r'<img class="chart-image"[^>]*\salt="([^"]*)"', printed)
    assert alts == ["Stage mix"]
    assert printed.count(described) == 1 and f"<figcaption>{described}</figcaption>" in printed


def test_a_charts_svg_is_named_by_its_title_alone() -> None:
    """On the web page (every language) the SVG's accessible name is its title, not its title and
    description: the figure's caption says the description."""
    chart = bar_chart(
        pd.DataFrame({"group": ["A", "B"], "share": [0.2, 0.5]}),
        x="share",
        y="group",
        title="Stage mix",
        description="Share of the men at each stage.",
    )
    named = re.search(r'<svg role="img" aria-labelledby="([^"]+)"', chart.svg)
    assert named is not None
    names = [re.search(rf'<(\w+) id="{ref}">([^<]*)<', chart.svg) for ref in named.group(1).split()]
    assert [(m.group(1), m.group(2)) for m in names if m] == [("title", "Stage mix")]


def test_a_chart_in_latin_letters_stays_vector_svg() -> None:
    svg = _chart(["Everyone", "Sales"], "Stage mix")
    page = f"<figure>{svg}</figure>"
    assert printable(page) == page


def test_one_arabic_name_in_an_english_chart_is_enough() -> None:
    # an English report of a unit named in Arabic would print that name unjoined too
    svg = _chart(["Everyone", "المبيعات"], "Stage mix")
    assert "<img" in printable(svg)


@pytest.mark.parametrize(("language", "images"), [("ar", True), ("en", False)])
def test_the_arabic_board_pdf_draws_its_charts_as_images_and_the_english_one_does_not(
    language: str, images: bool, scored: pd.DataFrame, tmp_path
) -> None:
    from allypath.reports.board import board_pdf

    from .boards import board_of

    board = board_of(scored, language)
    path = tmp_path / "board.pdf"
    path.write_bytes(board_pdf(board))
    listed = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    found = [line for line in listed.stdout.splitlines()[2:] if line.strip()]
    assert bool(found) is images
    if images:
        assert len(found) >= 3  # the stage mix, the barriers and the enablers
