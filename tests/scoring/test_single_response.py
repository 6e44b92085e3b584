"""One respondent scored without pandas (``score_record``, the web's ``score_one``) gives the row the
DataFrame path gives, value for value and type for type, on many random respondents: careless ones,
"does not apply to me" answers, skipped questions, too few answers, bad cells and both forms."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.errors import DataError
from allypath.instrument import NOT_APPLICABLE
from allypath.scoring import CarelessRules, load_stage_model, score_record
from allypath.web.survey.answers import check_answers
from allypath.web.survey.scoring import score_many, score_one

INSTRUMENT = allypath.load_instrument()
TEXT = [c.id for c in INSTRUMENT.columns if c.is_text]
CHECKED = dataclasses.replace(load_stage_model(), careless=CarelessRules())


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _via_dataframe(record: dict[str, object], **options: Any) -> list[tuple[str, object]]:
    """The row ``score`` gives for a one-row DataFrame, missing cells as None."""
    row = allypath.score(pd.DataFrame([record]), INSTRUMENT, **options).to_dict("records")[0]
    return [(str(k), _plain(v)) for k, v in row.items()]


def _typed(items: list[tuple[str, object]]) -> list[tuple[str, str, object]]:
    """(column, type, value): 1 == 1.0 == True in Python, so the types are compared too."""
    return [(k, type(v).__name__, v) for k, v in items]


def _respondents(n: int, seed: int, form: str) -> list[dict[str, object]]:
    """Simulated wide rows, a third of them roughened: skipped answers, "does not apply to me",
    straight-lining, random answers, nearly nothing answered."""
    frame = allypath.simulate(n, seed=seed, form=form).drop(columns=TEXT, errors="ignore")
    rng = np.random.default_rng(seed)
    active = INSTRUMENT.form(form)
    likert = [i.id for i in active.items if i.type == "likert" and i.id in frame.columns]
    offered = [c.id for c in active.columns if c.item.not_applicable is not None and c.id in frame]
    records = frame.to_dict("records")
    for k, record in enumerate(records):
        kind = k % 6
        if kind == 1:
            for column in likert:
                if rng.random() < 0.2:
                    record[column] = None if rng.random() < 0.5 else float("nan")
        elif kind == 2:
            for column in offered:
                record[column] = float(NOT_APPLICABLE) if rng.random() < 0.6 else record[column]
        elif kind == 3:
            record.update(dict.fromkeys(likert, float(rng.integers(1, 6))))
        elif kind == 4:
            record.update({column: float(rng.integers(1, 6)) for column in likert})
        elif kind == 5 and k % 12 == 5:
            record.update({column: None for column in likert[3:]})
    return records


@pytest.mark.parametrize(("form", "seed"), [("full", 1), ("full", 2), ("short", 3)])
def test_score_record_equals_a_one_row_dataframe_on_random_respondents(form, seed) -> None:
    records = _respondents(120, seed, form)
    statuses = set()
    for record in records:
        options: dict[str, Any] = {"model": CHECKED, "on_error": "mark", "form": form}
        expected = _via_dataframe(record, **options)
        assert _typed(list(score_record(record, INSTRUMENT, **options).items())) == _typed(expected)
        statuses.add(dict(expected)["status"])
    assert statuses == {"scored", "suspect", "insufficient"}


def test_the_form_is_chosen_per_row_as_in_a_dataframe() -> None:
    """No form given: a full-form record that answered only the short form's items is scored short."""
    full = _respondents(12, 5, "full")
    short_ids = {c.id for c in INSTRUMENT.form("short").columns}
    for record in full:
        thinned = {
            k: v if k in short_ids or not INSTRUMENT.has_column(k) else None for k, v in record.items()
        }
        for row in (record, thinned):
            expected = _via_dataframe(row, on_error="mark")
            assert _typed(list(score_record(row, INSTRUMENT, on_error="mark").items())) == _typed(expected)
    assert dict(_via_dataframe(thinned, on_error="mark"))["form"] == "short"


BAD_CELLS = [
    {"ap3": 9.0},
    {"ap3": 9},
    {"re2": 2.5},
    {"am1": 0.0},  # 0 where "does not apply to me" is not offered
    {"en4": 0},  # offered there: scored as missing, not a problem
    {"ap1": "x"},
    {"ap1": " 4 "},  # text holding a number is read as the number
    {"ap1": ""},
    {"ap1": True},
    {"ap1": np.int64(7)},
    {"ap1": pd.NA},
    {"re2": 2.5, "ap3": 9.0},  # two problems: the first column in the record's order (ap3) is named
    {"unit": "sales", "tenure": 4, "note": None},  # attribute columns pass through
]


@pytest.mark.parametrize("change", BAD_CELLS, ids=[str(c) for c in BAD_CELLS])
def test_bad_cells_give_the_dataframes_reasons_and_errors(change) -> None:
    record = {**_respondents(1, 9, "full")[0], **change}
    expected = _via_dataframe(record, on_error="mark")
    assert _typed(list(score_record(record, INSTRUMENT, on_error="mark").items())) == _typed(expected)
    whole: DataError | None = None
    try:
        allypath.score(pd.DataFrame([record]), INSTRUMENT)
    except DataError as exc:
        whole = exc
    if whole is None:
        assert score_record(record, INSTRUMENT)["status"] in ("scored", "suspect", "insufficient")
    else:
        with pytest.raises(DataError) as single:
            score_record(record, INSTRUMENT)
        found = (str(single.value), single.value.row, single.value.column)
        assert found == (str(whole), whole.row, whole.column)


def test_reasons_name_the_bad_cells() -> None:
    """The cases above reach the checks they are about."""
    base = _respondents(1, 9, "full")[0]
    reason = [str(score_record({**base, **c}, INSTRUMENT, on_error="mark")["reason"]) for c in BAD_CELLS]
    assert reason[0] == "column 'ap3': outside the scale 1-5 (got 9)"
    assert reason[1] == "column 'ap3': outside the scale 1-5 (got 9)"
    assert reason[2] == "column 're2': not a whole number (got 2.5)"
    assert reason[3].endswith("0 ('does not apply to me') is not an answer here (got 0)")
    assert reason[5] == "column 'ap1': not a number (got 'x')"
    assert reason[9] == "column 'ap1': outside the scale 1-5 (got 7)"
    assert reason[11] == reason[0]  # ap3 comes before re2 in the record
    for fine in (4, 6, 7, 8, 10, 12):
        assert not reason[fine].startswith("column "), BAD_CELLS[fine]


def _clean_answers(record: dict[str, object], form: str, rng: np.random.Generator) -> dict[str, Any]:
    """What the survey posts for a simulated respondent: numbers, option lists, text, skips."""
    active = INSTRUMENT.form(form)
    answers: dict[str, object] = {}
    for item in active.items:
        if item.type == "checklist":
            values = {o.id: record.get(f"{item.id}_{o.id}") for o in item.options}
            if all(v is None or (isinstance(v, float) and math.isnan(v)) for v in values.values()):
                continue
            answers[item.id] = [o for o, v in values.items() if v == 1]
        elif item.type == "text":
            if rng.random() < 0.3:
                answers[item.id] = "Mentoring helped."
        else:
            value = record.get(item.id)
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                answers[item.id] = int(value)  # type: ignore[call-overload]
    clean, errors = check_answers(answers, active)
    assert not errors, errors
    return clean


@pytest.mark.parametrize(("form", "seed"), [("full", 11), ("short", 12)])
def test_the_web_scores_one_submission_as_it_scores_an_imported_file(form, seed) -> None:
    """score_one (no pandas) against score_many (one DataFrame), on 120 submissions each."""
    rng = np.random.default_rng(seed)
    statuses = set()
    for record in _respondents(120, seed, form):
        clean = _clean_answers(record, form, rng)
        one = score_one(clean, INSTRUMENT, form)
        assert _typed(list(one.items())) == _typed(list(score_many([clean], INSTRUMENT, form)[0].items()))
        json.dumps(one, allow_nan=False)  # plain, storable values
        statuses.add(one["status"])
    assert statuses == {"scored", "suspect", "insufficient"}
