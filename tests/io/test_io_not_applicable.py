"""Imports and exports know the answer "Does not apply to me" (0) of the items that offer it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from io_testkit import write_qualtrics

from allypath.errors import DataError
from allypath.instrument import NOT_APPLICABLE, load_instrument
from allypath.io import apply_mapping, codebook_rows, detect_mapping, read_any, write_spss
from allypath.io.mapping import ItemMapping, Mapping

INSTRUMENT = load_instrument()
LABEL = "Does not apply to me"


def test_spss_labels_the_code_and_declares_it_missing(tmp_path: Path) -> None:
    frame = pd.DataFrame({"en4": pd.array([1, 0, 5, None], dtype="Int64"), "en1": pd.array([2, 3, 4, 5])})
    path = write_spss(frame, tmp_path / "na.sav", INSTRUMENT)
    _, meta = pyreadstat.read_sav(str(path), metadataonly=True, user_missing=True)
    assert meta.variable_value_labels["en4"][0] == LABEL
    assert 0 not in meta.variable_value_labels["en1"]
    assert [(r["lo"], r["hi"]) for r in meta.missing_ranges["en4"]] == [(0, 0)]
    assert "en1" not in meta.missing_ranges
    back = apply_mapping(read_any(path), detect_mapping(read_any(path), INSTRUMENT), INSTRUMENT)
    assert back["en4"].isna().tolist() == [False, True, False, True]  # read back as missing, as scored


def test_a_survey_tool_export_maps_the_label_to_the_code(tmp_path: Path) -> None:
    columns = [("ResponseId", "Response ID"), ("Q1", INSTRUMENT.item("en4").text["en"])]
    rows = [["R_1", "Agree"], ["R_2", LABEL], ["R_3", "Strongly disagree"]]
    source = read_any(write_qualtrics(tmp_path / "q.csv", columns, rows))
    proposal = detect_mapping(source, INSTRUMENT)
    entry = next(e for e in proposal.items if e.item == "en4")
    assert entry.values[LABEL] == NOT_APPLICABLE
    assert apply_mapping(source, proposal, INSTRUMENT)["en4"].tolist() == [4, 0, 1]


def test_numbers_accept_the_code_only_where_the_item_offers_it(tmp_path: Path) -> None:
    source = read_any(write_qualtrics(tmp_path / "n.csv", [("A", "a"), ("B", "b")], [["0", "3"], ["4", "0"]]))
    allowed = Mapping(items=(ItemMapping(item="en4", column="A"),))
    assert apply_mapping(source, allowed, INSTRUMENT)["en4"].tolist() == [0, 4]
    refused = Mapping(items=(ItemMapping(item="en1", column="B"),))
    with pytest.raises(DataError, match=r"value 0 of item 'en1' is outside its scale 1\.\.5"):
        apply_mapping(source, refused, INSTRUMENT)


def test_the_codebook_lists_the_code_after_the_scale() -> None:
    rows = {row["column"]: row for row in codebook_rows(INSTRUMENT)}
    assert rows["en4"]["anchors_en"].endswith(f"5 = Strongly agree; 0 = {LABEL}")
    assert "0 =" not in rows["en1"]["anchors_en"]
