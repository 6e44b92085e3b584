"""Personal recommendations: ordered, each with its reason, in every language."""

from __future__ import annotations

import pytest

from allypath import recommend


def test_stage_steps_come_first_then_the_strongest_barrier():
    recs = recommend(
        {"stage": 2, "between_stages": False, "score_barrier_fear": 4.6, "score_barrier_unwelcome": 3.7}
    )
    kinds = [(r.kind, r.key) for r in recs]
    assert kinds[:2] == [("stage", "ambivalence"), ("stage", "ambivalence")]
    assert kinds[2] == ("barrier", "fear")
    assert kinds[3] == ("barrier", "unwelcome")
    assert "4.6 of 5" in recs[2].reason


def test_between_stages_adds_a_step_from_the_leading_stage():
    recs = recommend({"stage": 2, "between_stages": True, "leading_stage": 3, "trailing_stage": 2})
    assert ("stage", "reflective") in [(r.kind, r.key) for r in recs]
    assert "between" in recs[2].reason


def test_missing_enablers_and_low_policy_awareness_are_named():
    recs = recommend({"stage": 3, "score_enabler_safety": 1.5, "score_knowledge_claimed": 2.0})
    keys = [r.key for r in recs]
    assert "safety" in keys and "low_policy_awareness" in keys


def test_weak_barriers_and_nan_scores_add_nothing():
    recs = recommend({"stage": 4, "score_barrier_fear": 2.0, "score_barrier_uncertainty": float("nan")})
    assert {r.kind for r in recs} == {"stage"}


def test_an_unplaced_respondent_gets_no_stage_advice():
    assert recommend({"stage": None, "score_barrier_fear": 4.0})[0].kind == "barrier"


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_texts_and_reasons_exist_in_each_language(language):
    recs = recommend({"stage": 1, "score_barrier_fear": 4.0}, language=language)
    assert all(r.text and r.reason and r.title for r in recs)
    if language == "ar":
        assert any("\u0600" <= ch <= "\u06ff" for ch in recs[0].reason)


def test_limit_caps_the_list_and_priorities_are_consecutive():
    row = {"stage": 2, "between_stages": True, "leading_stage": 3}
    row.update({f"score_barrier_{b}": 4.5 for b in ("fear", "uncertainty", "unwelcome", "expectations")})
    recs = recommend(row, limit=4)
    assert [r.priority for r in recs] == [1, 2, 3, 4]
