"""The board report reads as one (issue 16, point 5): a cover with the key message, the summary, every
barrier and enabler column, groups named in plain words, numbered pages and no near-empty page; checked
page by page with pdftoppm (no blank page) and pdftotext, from the console's export and from
`allypath report`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import allypath
from allypath.cli import app
from allypath.model import FACTORS
from allypath.reports.board import _human

from .test_board import pdf_pages
from .test_summary_pages import summary_of

BASE = "/console/northwind/dashboard/"
QUESTIONS = (
    "Do men feel safe to explore their biases and uncertainties?",
    "Are men offered ways to engage that acknowledge their own experience of gender norms?",
    "Is allyship supported, modelled and rewarded consistently?",
)
#: a page whose content stops before this far down is near empty (the old report's page 7 held two
#: list items at its top)
FULL_ENOUGH = 0.4


def page_texts(pdf: Path) -> list[str]:
    """Each page's text (pdftotext's reading order), whitespace collapsed and a word broken after
    its hyphen at the end of a table header's line joined again ("always-available")."""
    count = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(pdf))).group(1))  # type: ignore[union-attr]
    texts = []
    for i in range(1, count + 1):
        text = re.sub(r"\s+", " ", _run("pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"))
        texts.append(re.sub(r"(\w)- (\w)", r"\1-\2", text))
    return texts


def filled(image: Path) -> float:
    """How far down the page its content reaches (0-1), the footer's page number left out."""
    from PIL import Image

    pixels = np.asarray(Image.open(image).convert("L"))
    body = pixels[: int(len(pixels) * 0.9)]  # the footer sits in the bottom margin
    inked = np.flatnonzero((body < 200).any(axis=1))
    return float(inked[-1] + 1) / len(pixels) if len(inked) else 0.0


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def check_board(pdf: Path, folder: Path) -> list[str]:
    """What every board PDF must hold, page by page; returns the pages' texts."""
    images = pdf_pages(pdf, folder)  # renders each page with pdftoppm; none is blank
    pages = page_texts(pdf)
    assert len(images) == len(pages) >= 4
    whole = " ".join(pages)
    for key in ("unit=", "wave=", "org=", "team=", " & "):  # plain words, never query keys
        assert key not in whole, key
    for number, (text, image) in enumerate(zip(pages, images, strict=True), start=1):
        assert f"Page {number} of {len(pages)}" in text, number
        assert filled(image) >= FULL_ENOUGH, f"page {number} is near empty ({filled(image):.0%} down)"
    cover = pages[0]
    assert "Key message" in cover and "men answered and were placed on the model." in cover
    assert "What to do first" in cover
    for question in QUESTIONS:  # each answered on the cover
        assert re.search(re.escape(question) + r" (Yes|Partly|No|Not known|Too close to call)\b", cover), (
            question
        )
    # the summary follows the cover, then the figures
    assert pages[1].startswith("Summary Where the men are")
    for heading in (
        "What moved since",
        "The strongest barriers and enablers",
        "The research's three questions",
    ):
        assert heading in pages[1]
    for factor in FACTORS:  # every barrier, norm and enabler column, enablers included
        assert factor.label.get_lang("en") in whole, factor.key
    assert "Methods note" in whole and "95% Wilson intervals" in whole
    return pages


@pytest.mark.db
@pytest.mark.django_db
def test_the_console_board_pdf_is_board_ready_page_by_page(northwind, bob, as_user, tmp_path):
    client = as_user(bob)
    params = {"wave": northwind.second.pk, "by": "unit"}
    response = client.get(BASE + "export.pdf", params)
    assert response.status_code == 200
    pdf = tmp_path / "board.pdf"
    pdf.write_bytes(response.content)
    pages = check_board(pdf, tmp_path / "pages")
    whole = " ".join(pages)
    # the cover's key message and the summary are the page's own words
    page_summary = summary_of(client.get(BASE, params).content.decode())
    largest = re.search(r"The largest group is at [^.]*\.", page_summary)
    assert largest is not None and largest.group(0) in pages[0]
    assert "Wave 2026 Q3" in pages[0]
    # groups are named by their unit alone (the wave is in the subtitle), hidden ones say why
    assert "Ops · 2026" not in whole and "· 2026 Q3 " not in whole
    assert re.search(r"\bOps \d", whole) and "Tech fewer than 5 people" in whole
    assert "Everyone" in whole


def test_the_cli_board_pdf_is_board_ready_page_by_page(tmp_path):
    data = tmp_path / "responses.parquet"
    allypath.simulate(800, seed=21).to_parquet(data)
    result = CliRunner().invoke(
        app, ["report", str(data), "--by", "unit", "--out", str(tmp_path / "r.pdf"), "--title", "Board"]
    )
    assert result.exit_code == 0, result.output
    pages = check_board(tmp_path / "r.pdf", tmp_path / "pages")
    assert pages[0].startswith("Board ")


@pytest.mark.db
@pytest.mark.django_db
def test_the_html_report_splits_the_factor_table_so_every_enabler_column_is_there(northwind, bob, as_user):
    html = (
        as_user(bob).get(BASE + "export.html", {"wave": northwind.first.pk, "by": "level"}).content.decode()
    )
    for kinds, table_id in ((("barrier", "norm"), "table-barriers"), (("enabler",), "table-enablers")):
        table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
        cells = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table.split("</thead>", 1)[0])
        head = [re.sub(r"<[^>]+>", "", cell) for cell in cells]
        expected = [f.label.get_lang("en").replace("'", "&#39;") for f in FACTORS if f.kind in kinds]
        assert head == ["Group", *expected]
    assert "Key message" in html and '<section class="summary"' in html


def test_rows_are_named_in_plain_words() -> None:
    assert _human({"group": "Everyone", "unit_0": "overall"}, ["unit_0"]) == "Everyone"
    assert _human({"group": "Ops · 2026 Q1", "unit_0": "Ops"}, ["unit_0"]) == "Ops"
    both = {"group": "Ops/EMEA · Staff · 2026 Q1", "unit_1": "Ops/EMEA", "level": "Staff"}
    assert _human(both, ["unit_1", "level"]) == "Ops/EMEA, Staff"


@pytest.mark.db
@pytest.mark.django_db
def test_verified_knowledge_reads_not_checked_until_policies_are_declared(northwind, bob, as_user):
    """A dash would say "fewer than k answered, or hidden"; with no policy declared nothing is checked."""

    def verified_row() -> tuple[str, str]:
        html = as_user(bob).get(BASE + "export.html", {"wave": northwind.first.pk}).content.decode()
        row = html.split("(verified)</td><td>", 1)[1].split("</td>", 1)[0]
        return row, html

    row, html = verified_row()
    assert row == "not checked" and "the policies the organisation offers have not been declared" in html
    northwind.org.policies = {"flexible_work": True, "pay_gap_review": False, "women_only_bonus": False}
    northwind.org.save()
    row, html = verified_row()
    assert re.fullmatch(r"\d+%", row), row
    assert "have not been declared" not in html
