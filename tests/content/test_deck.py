"""The scenario workshop deck: chosen for a stage and a context, rendered by WeasyPrint, checked page
by page with pdftoppm (every page landscape and not blank) and pdftotext."""

from __future__ import annotations

import inspect
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from allypath.cli import app
from allypath.content import choose_dilemmas
from allypath.errors import DataError
from allypath.reports.deck import LABELS, deck_html, workshop_deck, write_deck

runner = CliRunner()


def pages(pdf: Path, folder: Path) -> list[Path]:
    """Render ``pdf`` at 40 dpi; assert every page is landscape and not blank; return the PNGs."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is needed: make system-deps"
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "page")], check=True)
    out = sorted(folder.glob("page-*.png"))
    for page in out:
        image = Image.open(page).convert("L")
        assert image.width > image.height, f"{page.name} is not landscape"
        assert (np.asarray(image) < 200).mean() > 0.003, f"{page.name} is blank"
    return out


def text_of(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize(
    ("language", "stage", "context"),
    [("en", 2, "team_meetings"), ("fr", 3, "flexible_caregiving"), ("ar", 1, "informal_social")],
)
def test_the_deck_has_one_page_per_slide_each_with_its_content(tmp_path, language, stage, context):
    deck = workshop_deck(stage, context, language=language)
    pdf = write_deck(deck, tmp_path / f"deck-{language}.pdf")
    rendered = pages(pdf, tmp_path / "png")
    # opening, how we work, three slides per dilemma, closing
    assert len(rendered) == 3 + 3 * len(deck.dilemmas) == 12
    words = LABELS[language]
    first, last = text_of(pdf, 1), text_of(pdf, len(rendered))
    if language == "ar":
        # pdftotext gives right-to-left text in visual order with ligatures: check the script only
        assert all(any("\u0600" <= ch <= "\u06ff" for ch in text_of(pdf, n)) for n in range(1, 13))
        return
    # headings are set in capitals by the style sheet: compare case-blind
    assert words["notes"].casefold() in first.casefold()
    assert words["close_title"].casefold() in last.casefold()
    for number, dilemma in enumerate(deck.dilemmas):
        situation_page = text_of(pdf, 3 + 3 * number).casefold()
        outcome_page = text_of(pdf, 4 + 3 * number).casefold()
        assert dilemma.title[language].split()[0].casefold() in situation_page
        assert dilemma.options[0].outcome[language].split()[0].casefold() in outcome_page
        assert words["notes"].casefold() in situation_page


def test_the_arabic_deck_is_right_to_left():
    html = deck_html(workshop_deck(1, "informal_social", language="ar"))
    assert '<html lang="ar" dir="rtl">' in html


def test_the_projected_version_has_no_facilitator_notes(tmp_path):
    deck = workshop_deck(4, "hiring_promotion")
    pdf = write_deck(deck, tmp_path / "audience.pdf", notes=False)
    assert len(pages(pdf, tmp_path / "png")) == 12
    text = text_of(pdf)
    assert "facilitator notes" not in text.casefold()
    assert all(d.facilitator_notes["en"][:40] not in text for d in deck.dilemmas)


def test_the_deck_uses_the_dilemmas_chosen_for_the_stage_and_context():
    assert workshop_deck(4, "hiring_promotion").dilemmas == choose_dilemmas(4, "hiring_promotion")
    assert len(workshop_deck(2, "team_meetings", n=5).dilemmas) == 5


def test_the_deck_takes_a_stage_and_a_context_never_group_data():
    assert list(inspect.signature(workshop_deck).parameters) == [
        "stage_number",
        "context",
        "language",
        "n",
        "dilemmas",
    ]


def test_the_html_version_is_written_too(tmp_path):
    path = write_deck(workshop_deck(3, "team_meetings", language="fr"), tmp_path / "deck.html")
    assert "Atelier de mises en situation" in path.read_text(encoding="utf-8")


def test_bad_requests_are_refused():
    with pytest.raises(DataError, match=r"use \.pdf or \.html"):
        write_deck(workshop_deck(1, "team_meetings"), "deck.pptx")
    with pytest.raises(DataError, match="no deck wording in 'de'"):
        workshop_deck(1, "team_meetings", language="de")
    with pytest.raises(ValueError, match="no dilemma is set in the context"):
        workshop_deck(1, "canteen")
    with pytest.raises(DataError, match="a deck holds 1 to 6 dilemmas"):
        workshop_deck(1, "team_meetings", n=7)


def test_the_cli_writes_the_deck(tmp_path):
    out = tmp_path / "deck.pdf"
    result = runner.invoke(
        app,
        [
            "content",
            "deck",
            "--stage",
            "2",
            "--context",
            "hiring_promotion",
            "--language",
            "ar",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(pages(out, tmp_path / "png")) == 12


def test_the_cli_names_a_bad_context(tmp_path):
    result = runner.invoke(
        app, ["content", "deck", "--stage", "2", "--context", "canteen", "--out", str(tmp_path / "d.pdf")]
    )
    assert result.exit_code == 2
    assert "no dilemma is set in the context 'canteen'" in result.output


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_every_dilemma_fits_its_three_slides_in_every_language(tmp_path, language):
    """All twelve dilemmas, in two decks of six (the most the CLI asks for): one page per slide means no
    slide, and no opening slide listing six titles, overflowed onto another page."""
    from allypath.content import load_dilemmas
    from allypath.reports.deck import Deck

    everything = load_dilemmas().dilemmas
    for half in (everything[:6], everything[6:]):
        deck = Deck(stage=2, context="team_meetings", language=language, dilemmas=half)
        pdf = write_deck(deck, tmp_path / f"{half[0].id}.pdf")
        assert len(pages(pdf, tmp_path / half[0].id)) == 3 + 3 * len(half)
