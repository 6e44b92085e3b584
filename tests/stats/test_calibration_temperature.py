"""Calibration corrects overconfident stage probabilities (issue 15, point 3): on the held-out
respondents it fits a temperature for the posterior and measures the calibration error (ECE) before
and after without true stages; here, where the true stages are known, the hit-rate ECE says whether
that helped.

Two kinds of data, built to make the temperature come out differently: answers drawn from the
scoring model's own form (a calibrated model describes them exactly, so its probabilities are
already calibrated and the temperature must stay near 1), and the same with a person-level shift on
each stage scale that the model does not represent (answers to one scale agree with each other more
than the stage explains, so the model counts the same evidence several times and is too sure of
itself: the temperature must exceed 1 and the error must fall).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from allypath.instrument import load_instrument
from allypath.scoring import PROBABILITY_COLUMNS, CarelessRules, StageModel, load_stage_model, score
from allypath.stats import CalibrationResult, calibrate
from allypath.stats._calibration_temperature import (
    cross_fitted,
    expected_calibration_error,
    fit_temperature,
    label_free_ece,
    left_out_scales,
)
from allypath.stats.calibration import _design, _parameters, _standard_nodes


def _answers(n: int, seed: int, *, scale_sd: float = 0.0, offset_sd: float = 0.5) -> pd.DataFrame:
    """Answers from the packaged model's form (stage, acquiescence, ordered logit), with item
    difficulties it does not know (``offset_sd``, fixed across seeds) and a person-level shift per
    stage scale (``scale_sd``) it does not represent."""
    model, instrument = load_stage_model(), load_instrument()
    items = model.stage_items(instrument)
    difficulty = np.random.default_rng(77).normal(0.0, offset_sd, len(items))
    rng = np.random.default_rng(seed)
    stage = rng.choice(4, size=n, p=model.prior)
    acquiescence = rng.normal(0.0, model.acquiescence_sd, size=n)
    shift = rng.normal(0.0, scale_sd, size=(n, 4))
    columns = {}
    for item, offset in zip(items, difficulty, strict=True):
        assert item.stage is not None
        direction = -1.0 if item.reverse else 1.0
        location = model.affinity[stage, item.stage - 1] + direction * acquiescence + shift[:, item.stage - 1]
        probs = model.category_probabilities(location + offset, model.discrimination.get(item.kind, 1.0))
        scored = 1 + (rng.random(n)[:, None] > probs.cumsum(axis=1)[:, :-1]).sum(axis=1)
        columns[item.id] = (6 - scored) if item.reverse else scored
    frame = pd.DataFrame(columns)
    frame["true_stage"] = stage + 1
    return frame


def _hit_rate_ece(data: pd.DataFrame, model: StageModel) -> tuple[float, float]:
    """ECE of the top stage probability against whether it is the true stage, and the mean top
    probability minus the hit rate (positive: too sure), over every respondent placed (the careless
    checks off: the posterior's calibration is measured, not which rows the checks set aside)."""
    scored = score(data, model=dataclasses.replace(model, careless=CarelessRules.off()), on_error="mark")
    probs = scored[list(PROBABILITY_COLUMNS)].to_numpy(dtype=float)
    ok = ~np.isnan(probs).any(axis=1)
    top, truth = probs[ok], data["true_stage"].to_numpy()[ok] - 1
    hit = top.argmax(axis=1) == truth
    return expected_calibration_error(top.max(axis=1), hit), float(top.max(axis=1).mean() - hit.mean())


@pytest.fixture(scope="module")
def overconfident() -> tuple[CalibrationResult, pd.DataFrame]:
    # Measured (seeds 1-5): temperature 1.70-2.06, z 2.6-3.8; hit-rate ECE on new respondents
    # 0.059-0.076 untempered, 0.004-0.025 tempered.
    return calibrate(_answers(2000, 1, scale_sd=0.6), holdout=0.5), _answers(2000, 101, scale_sd=0.6)


@pytest.fixture(scope="module")
def well_specified() -> tuple[CalibrationResult, pd.DataFrame]:
    # Measured (seeds 1-5): temperature kept at 1 (z from -3.1 to 0.7).
    return calibrate(_answers(2000, 1), holdout=0.5), _answers(2000, 101)


def test_overconfident_probabilities_get_a_temperature_above_one_and_a_smaller_error(overconfident):
    result, new = overconfident
    report = result.fit_report
    untempered = dataclasses.replace(result.model, temperature=1.0)
    ece_untempered, too_sure = _hit_rate_ece(new, untempered)
    assert too_sure > 0.03  # the premise: the untempered probabilities are too sure of themselves
    assert result.model.temperature == report["temperature"] > 1.4
    assert report["calibration_error"]["temperature_kept"] is True
    assert report["calibration_error"]["temperature_z"] >= 2
    # on new respondents with known stages, the error falls, below the base model's too
    ece_tempered, _ = _hit_rate_ece(new, result.model)
    ece_base, _ = _hit_rate_ece(new, load_stage_model())
    assert ece_tempered < 0.6 * ece_untempered
    assert ece_tempered < 0.6 * ece_base
    # and the label-free check on the held-out respondents saw it fall
    assert report["ece_after"] < report["calibration_error"]["ece_calibrated_untempered"]
    assert report["ece_after"] < report["ece_before"]


def test_well_specified_probabilities_keep_a_temperature_near_one(well_specified):
    result, new = well_specified
    report = result.fit_report
    # instrument 1.1.0: seed 1 fits 1.29 (z 1.4, not kept), seeds 2 and 3 fit 1.02 and 1.01
    assert 0.8 <= report["calibration_error"]["temperature_fitted"] <= 1.35
    assert report["calibration_error"]["temperature_kept"] is False
    assert result.model.temperature == 1.0
    ece_after, _ = _hit_rate_ece(new, result.model)
    ece_base, _ = _hit_rate_ece(new, load_stage_model())
    assert ece_after <= ece_base + 0.01  # calibration does not make the probabilities worse


def test_temperature_and_errors_round_trip_through_the_model_file(overconfident, tmp_path: Path):
    result, new = overconfident
    report = result.fit_report
    for key in ("temperature", "ece_before", "ece_after"):
        assert isinstance(report[key], float)
    assert {"method", "n", "checks", "bins", "ece_calibrated_untempered", "temperature_z"} <= set(
        report["calibration_error"]
    )
    assert report["calibration_error"]["n"] == report["heldout"]["n"]
    path = tmp_path / "model.yaml"
    result.save(path)
    loaded = load_stage_model(path)
    assert loaded.temperature == result.model.temperature
    for key in ("temperature", "ece_before", "ece_after", "calibration_error"):
        assert loaded.fit_report[key] == report[key]
    again = score(new.head(200), model=loaded)
    first = score(new.head(200), model=result.model)
    pd.testing.assert_frame_equal(again[list(PROBABILITY_COLUMNS)], first[list(PROBABILITY_COLUMNS)])


def test_the_returned_posterior_is_tempered_as_the_model_scores(overconfident):
    result, _ = overconfident
    data = _answers(2000, 1, scale_sd=0.6).loc[result.posterior.index]
    scored = score(data, model=result.model)[list(PROBABILITY_COLUMNS)].to_numpy(dtype=float)
    placed = ~np.isnan(scored).any(axis=1)  # rows the careless checks set aside have none
    assert placed.mean() > 0.9
    np.testing.assert_allclose(result.posterior.to_numpy()[placed], scored[placed], atol=1e-4)


def test_without_held_out_respondents_the_temperature_stays_one_and_the_report_says_why():
    result = calibrate(_answers(400, 3), holdout=0.0)
    assert result.model.temperature == 1.0
    assert result.fit_report["ece_before"] is None and result.fit_report["ece_after"] is None
    assert result.fit_report["calibration_error"]["method"].startswith(
        "not measured: no respondents held out"
    )


def _folds(data: pd.DataFrame):
    model = load_stage_model()
    design = _design(data, model.stage_items(load_instrument()), model)
    nodes, log_weights = _standard_nodes(model)
    return left_out_scales(_parameters(model, design), design, nodes, log_weights)


def test_the_left_out_scale_check_finds_no_temperature_in_the_models_own_answers():
    # The base model scoring answers drawn from itself: its probabilities are exact posteriors.
    folds = _folds(_answers(1500, 5, offset_sd=0.0))
    assert 0.85 <= fit_temperature(folds) <= 1.15
    _, gain = cross_fitted(folds, 5)
    assert gain.mean() / gain.std(ddof=1) * np.sqrt(len(gain)) < 2
    assert label_free_ece(folds.stage_logp, folds.evidence(), folds.answered) < 0.015


def test_the_left_out_scale_check_sees_overconfidence_the_model_cannot_see_itself():
    folds = _folds(_answers(1500, 5, offset_sd=0.0, scale_sd=0.6))
    assert fit_temperature(folds) > 1.4
    assert label_free_ece(folds.stage_logp, folds.evidence(), folds.answered) > 0.02


def test_expected_calibration_error_is_the_binned_gap_between_confidence_and_hits():
    assert expected_calibration_error(np.full(4, 0.75), np.array([1, 0, 1, 0])) == pytest.approx(0.25)
    # two bins, each calibrated: no error; weights follow the bin sizes
    top = np.array([0.95] * 20 + [0.55] * 20)
    hits = np.array([1] * 19 + [0] + [1] * 11 + [0] * 9)
    assert expected_calibration_error(top, hits) == pytest.approx(0.0, abs=1e-12)
    assert expected_calibration_error(np.array([0.95, 0.55]), np.array([0.0, 1.0])) == pytest.approx(
        (0.95 + 0.45) / 2
    )


def test_the_command_line_says_in_plain_words_what_the_temperature_did(tmp_path: Path, monkeypatch):
    import typer
    from typer.testing import CliRunner

    import allypath.stats
    from allypath.cli.methods import calibrate as calibrate_command
    from allypath.stats import StructureResult

    # the structure test is not what is tested here (and takes a minute on these data)
    stages = StructureResult("stages", {}, "stubbed for this test")
    monkeypatch.setattr(allypath.stats, "stage_structure", lambda *args, **kwargs: stages)
    app = typer.Typer()
    app.command()(calibrate_command)
    app.command()(lambda: None)  # a second command keeps typer's sub-command form
    source, model = tmp_path / "answers.csv", tmp_path / "model.yaml"
    _answers(2000, 1, scale_sd=0.6).drop(columns="true_stage").to_csv(source, index=False)
    args = ["calibrate", str(source), "--out", str(model), "--holdout", "0.5"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "calibration error (ECE), base -> calibrated" in result.stdout
    assert "The stage probabilities were too sure of themselves" in result.stdout
    temperature = load_stage_model(model).temperature
    assert temperature > 1.4 and f"with a temperature of {temperature:.2f}" in result.stdout
