"""The simulator: reproducible, and calibrated to the study facts (DESIGN §2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.synth import DEFAULT_ORGS, respondent_stage_mix, simulate_invited


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return allypath.simulate(12000, seed=4)


@pytest.fixture(scope="module")
def scored(population: pd.DataFrame) -> pd.DataFrame:
    return allypath.score(population)


def test_same_seed_same_frame_and_another_seed_another():
    pd.testing.assert_frame_equal(allypath.simulate(300, seed=9), allypath.simulate(300, seed=9))
    assert not allypath.simulate(300, seed=9)["ap1"].equals(allypath.simulate(300, seed=10)["ap1"])


def test_every_instrument_column_and_the_true_stage_are_present(population):
    inst = allypath.load_instrument()
    assert {c.id for c in inst.columns} <= set(population.columns)
    assert set(population["true_stage"].unique()) == {1, 2, 3, 4}
    assert {"respondent_id", "org", "unit", "level", "region", "wave", "language"} <= set(population.columns)
    assert population["respondent_id"].is_unique


def test_two_organisations_in_the_study_proportions(population):
    shares = population["org"].value_counts(normalize=True)
    expected = np.array([o.invited * o.response_rate for o in DEFAULT_ORGS])
    for org, share in zip(DEFAULT_ORGS, expected / expected.sum(), strict=True):
        assert shares[org.name] == pytest.approx(share, abs=0.02)


def test_about_a_third_of_those_who_answer_the_policy_questions_are_aware(scored):
    answered = scored["score_knowledge_claimed"].dropna()
    aware = (answered >= 3.5).mean()
    assert 0.28 <= aware <= 0.40


def test_one_organisation_skips_the_policy_questions_at_42_percent(scored):
    skipped = scored.groupby("org")["score_knowledge_claimed"].apply(lambda s: s.isna().mean())
    assert skipped["Castellan Finance"] == pytest.approx(0.42, abs=0.03)


def test_participation_is_below_awareness(scored):
    aware = (scored["score_knowledge_claimed"].dropna() >= 3.5).mean()
    took_part = (scored["participation_count"].dropna() > 0).mean()
    assert took_part < aware


def test_42_percent_have_daughters_in_one_organisation(population):
    daughters = population.groupby("org")["tp_daughter"].mean()
    assert daughters["Meridian Energy"] == pytest.approx(0.42, abs=0.03)


def test_the_apathetic_are_underrepresented_among_respondents():
    for org in DEFAULT_ORGS:
        mix = respondent_stage_mix(org)
        assert mix[0] < org.stage_mix[0] / 2
        assert mix[3] > org.stage_mix[3]


def test_invited_population_reproduces_the_response_rates_and_576_answers():
    invited = simulate_invited(seed=1)
    rates = invited.groupby("org")["responded"].mean()
    assert rates["Meridian Energy"] == pytest.approx(0.096, abs=0.012)
    assert rates["Castellan Finance"] == pytest.approx(0.036, abs=0.006)
    assert invited["responded"].sum() == pytest.approx(576, abs=60)
    assert invited.loc[~invited["responded"], "ap1"].isna().all()
    assert invited.loc[invited["responded"], "ap1"].notna().mean() > 0.9


def test_missingness_is_item_level_and_higher_for_the_apathetic(population):
    blank = population[["ap1", "am2", "re3", "en4", "bh1"]].isna().mean(axis=1)
    by_stage = blank.groupby(population["true_stage"]).mean()
    assert 0 < by_stage[3] < by_stage[1]


def test_short_form_simulation_has_only_short_items():
    short = allypath.simulate(50, seed=1, form="short")
    inst = allypath.load_instrument()
    items = {c.id for c in inst.columns if not c.item.short}
    assert not items & set(short.columns)


def test_n_must_be_positive():
    with pytest.raises(ValueError, match="n must be at least 1"):
        allypath.simulate(0)
