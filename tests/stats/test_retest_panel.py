"""A simulated panel's retest (allypath.simulate_panel): men who did not move are judged stable on the
index and on the barrier, norm and enabler scores, which two independent draws of the same men (this
folder's panels.py, the old way) judge poor, and on the policy-knowledge check (a checklist); men who
moved change scored stage with their true stage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.stats import retest_reliability

from .panels import panel_answers

WAVES = ("2026-Q1", "2026-Q2")
#: The barrier, norm and enabler scores: a retest of two independent draws judges them poor.
CONTEXT_SCORES = [
    f"score_{c.id}" for c in allypath.load_instrument().constructs if c.kind in ("barrier", "norm", "enabler")
]


def _by_wave(panel: pd.DataFrame, column: str) -> pd.DataFrame:
    """``column`` with one row per man and one column per wave."""
    return panel.pivot(index="respondent_id", columns="wave", values=column)


def _measure(result, name: str):
    return next(m for m in result.measures if m.measure == name)


@pytest.fixture(scope="module")
def retest_panel() -> pd.DataFrame:
    """400 men answering twice, none of them moving (a pure retest), scored."""
    panel = allypath.simulate_panel(400, waves=WAVES, seed=3, move=0.0)
    stages = _by_wave(panel, "true_stage")
    assert (stages[WAVES[0]] == stages[WAVES[1]]).all()
    return allypath.score(panel.drop(columns="true_stage"), on_error="mark")


def test_with_no_movement_the_retest_judges_the_index_and_context_scores_good_or_better(
    retest_panel: pd.DataFrame,
):
    result = retest_reliability(retest_panel)
    assert result.n_pairs > 0.95 * 400
    for name in ["index", *CONTEXT_SCORES]:
        measure = _measure(result, name)
        assert measure.icc2_ci[0] >= 0.75, (name, measure.verdict)
        assert measure.band in ("good", "good to excellent", "excellent"), (name, measure.verdict)
    assert result.stage.exact_agreement >= 0.85
    assert result.stage.band == "excellent", result.stage.verdict


def test_the_policy_knowledge_check_is_his_own_only_when_the_panel_keeps_it(retest_panel: pd.DataFrame):
    """The checklist's ticks are carried over like the likert noise: with the default stability the
    knowledge check's retest is moderate or better (ICC 0.73 measured), with nothing kept poor (0.16)."""
    kept = _measure(retest_reliability(retest_panel), "score_knowledge_check")
    assert kept.icc2 >= 0.6 and kept.icc2_ci[0] >= 0.5, kept.verdict
    unkept = allypath.simulate_panel(400, waves=WAVES, seed=3, move=0.0, stability=0.0)
    scored = allypath.score(unkept.drop(columns="true_stage"), on_error="mark")
    assert _measure(retest_reliability(scored), "score_knowledge_check").band == "poor"


def test_two_independent_draws_of_the_same_men_judge_the_context_scores_poor():
    """The old way (tests/stats/panels.py): the claim above fails on it."""
    scored = allypath.score(panel_answers({1: 60, 2: 120, 3: 120, 4: 60}, WAVES), on_error="mark")
    result = retest_reliability(scored)
    assert _measure(result, "index").icc2_ci[0] >= 0.75  # the stage drives the index either way
    for name in ("score_norm_always_available", "score_enabler_support", "score_barrier_unwelcome"):
        assert _measure(result, name).band == "poor", _measure(result, name).verdict


def test_the_scored_stages_follow_the_men_who_moved(retest_panel: pd.DataFrame):
    moving = allypath.simulate_panel(400, waves=WAVES, seed=3, move=0.4)
    truth = _by_wave(moving, "true_stage")
    scored = allypath.score(moving.drop(columns="true_stage"), on_error="mark")
    still = retest_reliability(retest_panel).stage
    moved = retest_reliability(scored).stage
    assert moved.exact_agreement < still.exact_agreement - 0.2
    placed = _by_wave(scored[scored["status"] == "scored"], "stage").dropna()
    true_step = (truth[WAVES[1]] - truth[WAVES[0]]).reindex(placed.index)
    scored_step = placed[WAVES[1]] - placed[WAVES[0]]
    for direction in (1, -1):
        men = true_step == direction
        assert (np.sign(scored_step[men]) == direction).mean() > 0.6, direction
    assert (scored_step[true_step == 0] == 0).mean() > 0.85
