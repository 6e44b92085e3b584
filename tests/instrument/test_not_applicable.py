"""The answer "Does not apply to me": the item field, its validation, and how scoring reads it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import allypath
from allypath.errors import DataError, InstrumentError
from allypath.instrument import (
    DEFAULT_INSTRUMENT,
    NOT_APPLICABLE,
    Instrument,
    load_instrument,
    validate_instrument_file,
)
from allypath.scoring.answers import read_answers

NA_TEXT = {"en": "Does not apply to me", "fr": "Ne s'applique pas à ma situation", "ar": "لا ينطبق عليّ"}


@pytest.fixture
def raw() -> dict:
    """The packaged definition, with en4 offering "does not apply to me", for each test to break."""
    data = yaml.safe_load(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
    data["not_applicable_text"] = dict(NA_TEXT)
    item(data, "en4")["not_applicable"] = True
    return data


def item(data: dict, item_id: str) -> dict:
    return next(i for c in data["constructs"] for i in c["items"] if i["id"] == item_id)


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "inst.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_an_item_that_offers_it_carries_the_answer_in_every_language(tmp_path, raw):
    inst = validate_instrument_file(write(tmp_path, raw))
    option = inst.item("en4").not_applicable
    assert option is not None and option.value == NOT_APPLICABLE == 0
    assert dict(option.text) == NA_TEXT
    assert inst.item("en1").not_applicable is None
    exported = next(i for i in inst.to_export_dict()["items"] if i["id"] == "en4")
    assert exported["not_applicable"] == {"value": 0, "text": NA_TEXT}
    assert exported["scale"] == {"min": 1, "max": 5}  # the code lies outside the scale


def test_the_loader_refuses_it_on_an_item_that_is_not_a_rating(tmp_path, raw):
    item(raw, "sp1")["not_applicable"] = True
    with pytest.raises(InstrumentError, match="item sp1: field not_applicable applies to likert items only"):
        validate_instrument_file(write(tmp_path, raw))


@pytest.mark.parametrize("bad", ["yes", 1, None, [True]])
def test_the_loader_refuses_a_value_that_is_not_true_or_false(tmp_path, raw, bad):
    item(raw, "en4")["not_applicable"] = bad
    with pytest.raises(InstrumentError, match=r"item en4: field not_applicable must be true or false"):
        validate_instrument_file(write(tmp_path, raw))


def test_the_loader_refuses_it_on_a_scale_that_uses_the_code(tmp_path, raw):
    raw["response_scales"]["agree0"] = {
        "min": 0,
        "max": 4,
        "anchors": {v: {lang: f"{v}" for lang in ("en", "fr", "ar")} for v in range(5)},
    }
    item(raw, "en4")["scale"] = "agree0"
    with pytest.raises(
        InstrumentError, match="item en4: field not_applicable needs a scale without the value 0"
    ):
        validate_instrument_file(write(tmp_path, raw))


def test_the_loader_needs_the_label_and_its_translations(tmp_path, raw):
    del raw["not_applicable_text"]["ar"]
    with pytest.raises(InstrumentError, match=r"instrument: field not_applicable_text\.ar is missing"):
        validate_instrument_file(write(tmp_path, raw))
    del raw["not_applicable_text"]
    with pytest.raises(
        InstrumentError, match="item en4: field not_applicable is true but the instrument has no"
    ):
        validate_instrument_file(write(tmp_path, raw))


# --------------------------------------------------------------------------- scoring reads it as missing


@pytest.fixture(scope="module")
def inst(tmp_path_factory) -> Instrument:
    """The packaged instrument with "does not apply to me" on en4 and ch3."""
    data = yaml.safe_load(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
    data["not_applicable_text"] = dict(NA_TEXT)
    for item_id in ("en4", "ch3"):
        item(data, item_id)["not_applicable"] = True
    return validate_instrument_file(write(tmp_path_factory.mktemp("na"), data))


@pytest.fixture(scope="module")
def answers(inst) -> pd.DataFrame:
    return allypath.simulate(60, seed=21, missing_rate=0.0, instrument=inst)


def test_does_not_apply_on_en4_scores_as_missing(inst, answers):
    frame = answers.copy()
    frame["en4"] = frame["en4"].where(frame["en4"] != NOT_APPLICABLE, 3.0)  # an answer in every row
    frame.loc[:9, "en4"] = float(NOT_APPLICABLE)
    blank = frame.copy()
    blank.loc[:9, "en4"] = np.nan
    read = read_answers(frame, inst)
    assert np.isnan(read.get("en4")[:10]).all() and not np.isnan(read.get("en4")[10:]).any()
    assert (read.problems == "").all()
    scored, as_blank = allypath.score(frame, inst), allypath.score(blank, inst)
    pd.testing.assert_frame_equal(scored, as_blank)  # exactly as if the question had been skipped


def test_does_not_apply_counts_as_unanswered_in_the_answered_share_rule(inst, answers):
    frame = answers.head(1).copy()
    energised = [i.id for i in inst.construct("stage_energised").items]
    frame[energised] = np.nan
    frame[["en1", "en2", "en3"]] = 4.0
    frame["en4"] = float(NOT_APPLICABLE)  # 3 of 6 answered: below the 60 % rule
    result = allypath.score(frame, inst).iloc[0]
    assert result["status"] == "insufficient"
    assert "stage_energised: 3 of 6 items answered" in result["reason"]


@pytest.mark.parametrize("as_text", [False, True])
def test_the_code_on_an_item_without_the_option_names_row_and_column(inst, answers, as_text):
    frame = answers.copy()
    if as_text:
        frame["en1"] = frame["en1"].astype(object)
    frame.loc[frame.index[4], "en1"] = "0" if as_text else 0.0
    with pytest.raises(
        DataError, match=r"file a\.csv, row 5, column 'en1': outside the scale 1-5; 0 \('does not"
    ):
        allypath.score(frame, inst, source="a.csv")
    marked = allypath.score(frame, inst, on_error="mark")
    assert marked.loc[frame.index[4], "status"] == "insufficient"
    assert "column 'en1': outside the scale 1-5" in marked.loc[frame.index[4], "reason"]


def test_the_arrow_reader_reads_it_as_the_pandas_reader_does(inst, answers):
    import pyarrow as pa

    frame = answers.copy()
    frame.loc[:4, "ch3"] = float(NOT_APPLICABLE)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.set_column(
        table.schema.get_field_index("ch3"), "ch3", pa.array(frame["ch3"].astype("Int64"), pa.int16())
    )
    from_arrow, from_pandas = read_answers(table, inst), read_answers(frame, inst)
    np.testing.assert_array_equal(from_arrow.get("ch3"), from_pandas.get("ch3"))
    assert np.isnan(from_arrow.get("ch3")[:5]).all()


def test_the_code_is_out_of_range_on_an_instrument_that_does_not_offer_it():
    old = load_instrument(version="1.0.0")
    frame = allypath.simulate(20, seed=2, instrument=old)
    frame.loc[frame.index[2], "en4"] = 0.0
    with pytest.raises(DataError, match=r"row 3, column 'en4': outside the scale 1-5"):
        allypath.score(frame, old)
