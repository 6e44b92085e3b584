"""Careless responding: random and straight-lined respondents are set aside as ``suspect``, people
whose answers follow the model mostly are not, and each check fires on a row built to fail it.

Rates measured on 20,000 respondents per kind (scripts/careless_rates.py, docs/methods.md): 87.4 % of
uniformly random and 100 % of straight-lined respondents flagged, 1.9 % of model-consistent ones.
The bounds below leave room for sampling error at 2,000.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.analytics._gating import placed
from allypath.scoring import (
    CAREFUL_COLUMNS,
    PROBABILITY_COLUMNS,
    CarelessRules,
    build_plan,
    load_stage_model,
    run_kernel,
)
from allypath.scoring.answers import read_answers
from allypath.scoring.stage_model import StageModel

INSTRUMENT = allypath.load_instrument()
LIKERT = [i for i in INSTRUMENT.items if i.type == "likert"]
# The calibrated thresholds (the packaged model ships with the checks off; `score --careless` uses these).
CHECKED = dataclasses.replace(load_stage_model(), careless=CarelessRules())
STAGE_ITEMS = [
    i for c in INSTRUMENT.constructs if c.kind in ("stage", "context") for i in c.items if i.type == "likert"
]


@pytest.fixture(scope="module")
def model_consistent() -> pd.DataFrame:
    return allypath.simulate(2000, seed=404)


def suspect_share(frame: pd.DataFrame) -> float:
    status = allypath.score(frame, model=CHECKED)["status"]
    return float((status == "suspect").sum() / (status != "insufficient").sum())


def test_uniformly_random_respondents_are_suspect(model_consistent):
    rng = np.random.default_rng(1)
    random = model_consistent.copy()
    for item in LIKERT:
        random[item.id] = rng.integers(1, 6, len(random)).astype(float)
    assert suspect_share(random) >= 0.80


def test_straight_lined_respondents_are_suspect(model_consistent):
    rng = np.random.default_rng(2)
    straight = model_consistent.copy()
    value = rng.integers(1, 6, len(straight)).astype(float)
    for item in LIKERT:
        straight[item.id] = value
    assert suspect_share(straight) >= 0.80


def test_few_model_consistent_respondents_are_suspect(model_consistent):
    share = suspect_share(model_consistent)
    assert share <= 0.05
    assert share > 0  # the checks are live: about 2 % of honest answers look careless by chance


@pytest.fixture(scope="module")
def honest_row(model_consistent) -> pd.DataFrame:
    """One placed respondent who passes every check."""
    scored = allypath.score(model_consistent, model=CHECKED)
    return model_consistent[(scored["status"] == "scored").to_numpy()].iloc[[0]].copy()


def checked(row: pd.DataFrame) -> pd.Series:
    return allypath.score(row, model=CHECKED).iloc[0]


def test_a_long_run_of_one_answer_is_named_with_its_length(honest_row):
    row = honest_row.copy()
    block = [i.id for i in LIKERT]
    for item_id in block[30:52]:
        row[item_id] = 2.0
    before, after = honest_row[block[29]].iloc[0], honest_row[block[52]].iloc[0]
    expected = 22 + (before == 2.0) + (after == 2.0)  # neighbours that happen to be 2 join the run
    result = checked(row)
    assert result["status"] == "suspect"
    assert result["longest_run"] >= expected
    assert f"same answer to {result['longest_run']} questions in a row" in result["reason"]


def test_answers_that_fit_no_stage_are_named(honest_row):
    # Agreeing with Apathy and with Energised items, and with nothing in between, fits no stage.
    row = honest_row.copy()
    for item in STAGE_ITEMS:
        value = 5 if item.stage in (1, 4) else 1
        row[item.id] = float(6 - value if item.reverse else value)
    result = checked(row)
    assert result["status"] == "suspect"
    assert result["person_fit"] < -2.2
    assert "answers unlike any stage" in result["reason"]


def test_almost_one_answer_throughout_is_named(honest_row):
    # 4 everywhere but every ninth answer a 3: no run of 16, but almost no spread.
    row = honest_row.copy()
    for k, item in enumerate(LIKERT):
        row[item.id] = 3.0 if k % 9 == 8 else 4.0
    result = checked(row)
    assert result["status"] == "suspect"
    assert result["longest_run"] <= 15
    assert result["answer_sd"] < 0.4
    assert result["reason"] == "almost the same answer to every question"


def test_reverse_keyed_answers_like_the_rest_of_their_scale_are_named():
    # Each scale with a reverse-keyed item: every answer the same, raw (so the reverse-keyed one
    # contradicts the others), alternating 4 and 5 between scales so that no run grows long.
    # On instrument 1.0.0, which has five such scales (1.1.0 keeps two: en6 and zs3).
    v100 = allypath.load_instrument(version="1.0.0")
    honest = allypath.simulate(200, seed=404, instrument=v100)
    scored = allypath.score(honest, v100, model=CHECKED)
    row = honest[(scored["status"] == "scored").to_numpy()].iloc[[0]].copy()
    scales = [c for c in v100.constructs if c.scored and any(i.reverse for i in c.items)]
    for k, construct in enumerate(scales):
        for item in construct.items:
            if item.type == "likert":
                row[item.id] = 4.0 if k % 2 else 5.0
    result = allypath.score(row, v100, model=CHECKED).iloc[0]
    assert result["reverse_conflicts"] == len(scales) == 5
    assert "5 statements answered like their opposites" in result["reason"]


def test_the_longest_run_counts_equal_answers_in_questionnaire_order_and_blanks_break_it():
    # 1 1 2 2 2 _ 2 then 3 4 5 1 2 3 4 5 ... : the longest run is the three 2s.
    values = [1, 1, 2, 2, 2, np.nan, 2] + [(k % 5) + 1 for k in range(2, len(LIKERT) - 5)]
    frame = pd.DataFrame([values], columns=[i.id for i in LIKERT])
    plan = build_plan(INSTRUMENT, load_stage_model())
    block = [INSTRUMENT.columns[j].id for j in plan.block_columns]
    assert block == [i.id for i in LIKERT if i.id in block]  # the block keeps questionnaire order
    result = run_kernel(read_answers(frame, INSTRUMENT).matrix, plan)
    raw = frame[block].to_numpy(dtype=float)[0]
    runs, best, previous = 0, 0, None
    for value in raw:
        runs = runs + 1 if (not np.isnan(value) and value == previous) else (0 if np.isnan(value) else 1)
        best, previous = max(best, runs), value
    assert result.longest_run[0] == best
    answered = raw[~np.isnan(raw)]
    assert result.answer_sd[0] == pytest.approx(answered.std())


def test_a_suspect_row_has_no_stage_and_is_left_out_of_group_figures(honest_row):
    row = honest_row.copy()
    for item in LIKERT:
        row[item.id] = 5.0
    both = pd.concat([honest_row, row], ignore_index=True)
    scored = allypath.score(both, model=CHECKED)
    assert scored["status"].tolist() == ["scored", "suspect"]
    suspect = scored.iloc[1]
    assert pd.isna(suspect["stage"]) and pd.isna(suspect["stage_label"])
    assert scored.loc[1, list(PROBABILITY_COLUMNS)].isna().all()
    assert pd.isna(suspect["index"]) and pd.isna(suspect["between_stages"])
    assert all(pd.isna(suspect[f"context_{c}_stage"]) for c in INSTRUMENT.contexts)
    # The statistics stay, so a researcher can see why.
    assert suspect[list(CAREFUL_COLUMNS)].notna().all()
    assert len(placed(scored)) == 1


def test_checks_can_be_switched_off_in_the_model(model_consistent):
    unchecked = dataclasses.replace(load_stage_model(), careless=CarelessRules.off())
    assert (allypath.score(model_consistent, model=unchecked)["status"] != "suspect").all()


def test_the_thresholds_travel_with_the_model_file(tmp_path):
    model = dataclasses.replace(
        load_stage_model(),
        careless=dataclasses.replace(CarelessRules(), max_longest_run=20, min_answer_sd=None),
    )
    model.save(tmp_path / "model.yaml")
    again = load_stage_model(tmp_path / "model.yaml")
    assert again.careless == model.careless
    assert load_stage_model().careless == CarelessRules()  # packaged: the calibrated thresholds


def test_an_unknown_check_in_a_model_file_is_refused():
    raw = load_stage_model().to_dict()
    raw["careless"] = {"max_longest_runs": 3}
    with pytest.raises(Exception, match="careless: unknown careless check"):
        StageModel.from_dict(raw)


def test_grouped_item_moments_give_the_same_person_fit_as_one_column_per_item(model_consistent):
    plan = build_plan(INSTRUMENT, load_stage_model())
    assert plan.fit_groups is not None
    width = len(plan.fit_rows)
    columns = np.empty((len(plan.fit_moments), width), dtype=np.float32)
    for slot, group in enumerate(plan.fit_groups):
        columns[:, group] = plan.fit_moments[:, [slot]]
    per_item = dataclasses.replace(plan, fit_moments=columns, fit_groups=None)
    matrix = read_answers(model_consistent, INSTRUMENT).matrix
    np.testing.assert_allclose(
        run_kernel(matrix, plan).person_fit, run_kernel(matrix, per_item).person_fit, atol=1e-4
    )
