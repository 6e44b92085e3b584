"""The codebook in CSV and Markdown, every language of the instrument."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from io_testkit import build_instrument

from allypath.errors import DataError
from allypath.io import codebook_rows, write_codebook


def test_csv_codebook_has_one_row_per_response_column(tmp_path: Path) -> None:
    instrument = build_instrument()
    path = write_codebook(instrument, tmp_path / "codebook.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheet programs need the BOM
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["column"] for r in rows] == [c.id for c in instrument.columns]
    en02 = next(r for r in rows if r["column"] == "en02")
    assert en02["reverse"] == "True"
    assert en02["construct"] == "stage_energised"
    assert en02["stage"] == "4"
    assert (en02["min"], en02["max"]) == ("1", "5")
    assert en02["text_fr"] == instrument.item("en02").text["fr"]
    assert en02["anchors_en"].startswith("1 = Strongly disagree; 2 = Disagree")
    assert en02["anchors_fr"].endswith("5 = Tout à fait d'accord")
    option = next(r for r in rows if r["column"] == "kc_pay_gap")
    assert option["option"] == "pay_gap"
    assert option["option_fr"] == "Rapport sur l'écart de rémunération"
    assert (option["min"], option["max"]) == ("0", "1")
    sp1 = next(r for r in rows if r["column"] == "sp1")
    assert sp1["anchors_en"].startswith("1 = It is not my concern")
    assert codebook_rows(instrument)[0]["construct_kind"] == "stage"


def test_markdown_codebook_lists_constructs_items_and_scales(tmp_path: Path) -> None:
    instrument = build_instrument()
    text = write_codebook(instrument, tmp_path / "codebook.md").read_text(encoding="utf-8")
    assert text.startswith("# Codebook: Allyship test instrument")
    assert "### Apathy (`stage_apathy`; kind stage, stage 1)" in text
    assert "| column | type | scale | reverse | stage | text (en) | text (fr) |" in text
    assert "| `en02` | likert | agree5 1-5 | yes | 4 |" in text
    assert "Rapport sur l'écart de rémunération" in text
    assert "### agree5" in text
    assert "| 3 | Neither agree nor disagree | Ni d'accord ni pas d'accord |" in text
    assert "### options of `sp1`" in text


def test_codebook_refuses_unknown_formats(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"use \.csv or \.md"):
        write_codebook(build_instrument(), tmp_path / "codebook.pdf")
