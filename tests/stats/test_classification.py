"""Classification accuracy and consistency of the stage placement (issue 15, point 5): the expected
figures from the stage probabilities match what simulation with known true stages realises, and the
report's verdict is good on well-separated stages and not good on noisy or stage-less answers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.errors import StatsError
from allypath.reports._classification_section import classification_section, rate
from allypath.scoring import PROBABILITY_COLUMNS, CarelessRules, load_stage_model
from allypath.stats import classification_by_group, classification_reliability, split_half_check
from allypath.synth.continuum import simulate_continuum

# The careless checks would set random answers aside before they are placed; here they must be placed.
MODEL = dataclasses.replace(load_stage_model(), careless=CarelessRules.off())
INSTRUMENT = allypath.load_instrument()
N = 4000


def realised(frame: pd.DataFrame, scored: pd.DataFrame) -> tuple[float, float, np.ndarray]:
    """Hit rate, consistency and accuracy per true stage from the true stages: two administrations
    are independent given the true stage, so they agree with chance sum_a Q(a | t)^2."""
    placed = scored["status"] == "scored"
    truth = frame.loc[placed, "true_stage"].to_numpy() - 1
    given = scored.loc[placed, "stage"].to_numpy().astype(int) - 1
    counts = np.zeros((4, 4))
    np.add.at(counts, (truth, given), 1)
    rows = counts / counts.sum(axis=1, keepdims=True)
    share = counts.sum(axis=1) / counts.sum()
    return float((truth == given).mean()), float((share * (rows**2).sum(axis=1)).sum()), np.diag(rows)


@pytest.fixture(scope="module")
def full() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = allypath.simulate(N, seed=51)
    return frame, allypath.score(frame, model=MODEL)


@pytest.fixture(scope="module")
def short() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = allypath.simulate(N, seed=52, form="short")
    return frame, allypath.score(frame, model=MODEL)


# --------------------------------------------------------------------------- the indices


def test_certain_and_uninformative_probabilities() -> None:
    certain = np.eye(4)[[0, 1, 2, 3, 1, 2]]
    result = classification_reliability(certain)
    assert result.accuracy == result.consistency == result.kappa == 1.0
    flat = classification_reliability(np.full((10, 4), 0.25))
    assert flat.accuracy == 0.25
    # Everyone is placed in the same stage whatever his answers: consistent, by luck alone.
    assert flat.consistency == pytest.approx(1.0) and np.isnan(flat.kappa)


def test_consistency_is_each_persons_chance_to_land_on_his_stage_again() -> None:
    p = np.random.default_rng(1).dirichlet(np.full(4, 0.6), size=500)
    result = classification_reliability(p)
    placed = p.argmax(axis=1)
    confusion = np.array([[p[placed == a, t].sum() for a in range(4)] for t in range(4)])
    q = confusion / confusion.sum(axis=1, keepdims=True)
    per_person = (p * q[:, placed].T).sum(axis=1)  # sum_t p_it Q(a_i | t)
    assert result.consistency == pytest.approx(per_person.mean(), rel=1e-12)
    assert result.accuracy == pytest.approx(p.max(axis=1).mean())
    np.testing.assert_allclose(result.confusion, confusion)
    assert sum(s["expected_n"] for s in result.by_stage) == pytest.approx(500)


@pytest.mark.parametrize("form", ["full", "short"])
def test_expected_figures_match_the_realised_ones(form, full, short) -> None:
    frame, scored = full if form == "full" else short
    result = classification_reliability(scored.loc[scored["status"] == "scored"])
    hit, consistency, per_stage = realised(frame, scored)
    assert result.accuracy == pytest.approx(hit, abs=0.02)
    assert result.consistency == pytest.approx(consistency, abs=0.03)
    np.testing.assert_allclose([s["accuracy"] for s in result.by_stage], per_stage, atol=0.06)
    # well separated on the full form, visibly less so on the 12-item short form
    assert (result.accuracy > 0.9) if form == "full" else (0.7 < result.accuracy < 0.85)


def test_by_group_matches_the_groups_own_figures_and_names_small_groups(full) -> None:
    _, scored = full
    scored = scored.assign(team=np.where(np.arange(len(scored)) < 60, "tiny", "big"))
    results = classification_by_group(scored, ["language", "team", "absent"], min_size=100)
    fr = scored[(scored["status"] == "scored") & (scored["language"] == "fr")]
    assert results["groups"]["language"]["fr"].accuracy == classification_reliability(fr).accuracy
    assert results["groups"]["team"]["tiny"]["too_small"] is True
    assert set(results["groups"]) == {"language", "team"}
    with pytest.raises(StatsError, match="4 columns"):
        classification_reliability(np.ones((3, 3)))


# --------------------------------------------------------------------------- the split-half check


def test_split_half_holds_on_stage_data(full) -> None:
    check = split_half_check(full[0], model=MODEL)
    assert check.items == (20, 20)
    assert abs(check.shortfall) < 0.03 and check.z > -2


def test_split_half_finds_overconfidence_on_a_continuum() -> None:
    check = split_half_check(simulate_continuum(N, seed=53), model=MODEL)
    assert check.shortfall > 0.04 and check.z < -3  # measured: 0.07, z about -8


# --------------------------------------------------------------------------- the report's verdict


def _section(frame: pd.DataFrame, groups: list[str]):
    scored = allypath.score(frame, model=MODEL)
    return classification_section(frame, scored, INSTRUMENT, MODEL, groups, min_group_size=100)


def test_verdict_good_on_well_separated_stages(full) -> None:
    numbers, section = _section(full[0], ["language", "org"])
    assert section.status == "good", section.verdict
    assert "the chance that he would land on the same stage" in section.verdict
    assert numbers["overall"]["accuracy"] > 0.9 and set(numbers["groups"]) == {"language", "org"}
    assert numbers["split_half"]["observed"] > 0.6


def test_verdict_caution_on_the_noisier_short_form(short) -> None:
    numbers, section = _section(short[0], ["language"])
    assert section.status == "caution", section.verdict
    assert "only moderately reliable" in section.verdict
    assert rate(numbers["overall"]["accuracy"], numbers["overall"]["consistency"]) == "caution"


def test_verdict_not_good_on_a_continuum() -> None:
    _, section = _section(simulate_continuum(N, seed=54), [])
    # the probabilities alone look fine (accuracy about .91); the split-half check sees through them
    assert section.status in ("caution", "problem"), section.verdict
    assert "surer than the answers bear out" in section.verdict


def test_verdict_problem_on_random_answers(full) -> None:
    frame = full[0].copy()
    rng = np.random.default_rng(55)
    for item in MODEL.stage_items(INSTRUMENT):
        frame[item.id] = rng.integers(1, 6, len(frame)).astype(float)
    numbers, section = _section(frame, [])
    assert section.status == "problem", section.verdict
    assert numbers["split_half"]["shortfall"] > 0.15


def test_probability_columns_are_the_scored_output(full) -> None:
    _, scored = full
    placed = scored[scored["status"] == "scored"]
    direct = classification_reliability(placed[list(PROBABILITY_COLUMNS)].to_numpy())
    assert classification_reliability(placed).accuracy == direct.accuracy
