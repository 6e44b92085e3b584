"""Choosing the next library items for a man, and dilemmas for a workshop: pure and deterministic."""

from __future__ import annotations

import doctest
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allypath.content import choose, load_dilemmas, load_library
from allypath.content.choose import Profile, choose_dilemmas, next_items, profile_from_scored
from allypath.instrument import load_instrument
from allypath.model import BARRIERS, NORMS, TURNING_POINTS

BARRIER_KEYS = [f.key for f in BARRIERS + NORMS]
CONTEXTS = list(load_instrument().contexts)
TP_KEYS = [t.key for t in TURNING_POINTS if t.key != "other"]

profiles = st.builds(
    Profile,
    stage=st.integers(1, 4),
    barrier=st.none() | st.sampled_from(BARRIER_KEYS),
    context=st.none() | st.sampled_from(CONTEXTS),
    turning_point=st.none() | st.sampled_from(TP_KEYS),
)


def test_the_docstring_examples_run():
    assert doctest.testmod(choose, raise_on_error=False).failed == 0


@settings(max_examples=150, deadline=None)
@given(profiles, st.integers(1, 6))
def test_the_choice_is_deterministic_and_fits_his_stage(profile, n):
    first = next_items(profile, n=n)
    assert first == next_items(profile, n=n)
    assert 1 <= len(first) <= n
    assert len({s.item.id for s in first}) == len(first)
    for suggestion in first:
        assert profile.stage in suggestion.item.stages or profile.stage + 1 in suggestion.item.stages


@settings(max_examples=150, deadline=None)
@given(profiles)
def test_when_an_item_of_his_stage_matches_all_he_told_us_the_first_item_does_too(profile):
    given_tags = {
        "barriers": profile.barrier,
        "contexts": profile.context,
        "turning_points": profile.turning_point,
    }

    def matches_all(item):
        return all(value is None or value in getattr(item, field) for field, value in given_tags.items())

    if any(i.home_stage == profile.stage and matches_all(i) for i in load_library()):
        assert matches_all(next_items(profile, n=1)[0].item)


def test_a_father_at_apathy_starts_with_the_piece_on_becoming_a_father():
    picks = next_items(Profile(stage=1, turning_point="father"))
    assert picks[0].item.id == "short_becoming_a_father"
    assert "turning_point:father" in picks[0].reasons


def test_a_man_at_ambivalence_who_fears_the_wrong_word_gets_safe_space_dialogues_on_it():
    picks = next_items(Profile(stage=2, barrier="fear", context="informal_social"))
    assert picks[0].item.format == "dialogue"
    assert all("barrier:fear" in p.reasons for p in picks)


def test_a_reflective_man_held_back_by_the_always_available_norm_gets_that_pathway_first():
    picks = next_items(Profile(stage=3, barrier="always_available", context="flexible_caregiving"))
    assert picks[0].item.id == "pathway_flexible_norms"


def test_an_energised_man_gets_opportunities():
    picks = next_items(Profile(stage=4), n=3)
    assert all(p.item.format == "opportunity" for p in picks)


def test_the_mix_is_varied_when_the_stage_has_several_formats():
    picks = next_items(Profile(stage=1), n=4)
    assert {p.item.format for p in picks} == {"story", "short"}


def test_items_he_has_read_are_not_offered_again():
    first = next_items(Profile(stage=2), n=3)
    later = next_items(Profile(stage=2), n=3, exclude=[s.item.id for s in first])
    assert not {s.item.id for s in first} & {s.item.id for s in later}


def test_when_he_has_read_everything_nothing_is_offered():
    everything = [i.id for i in load_library()]
    assert next_items(Profile(stage=3), exclude=everything) == ()


def test_the_library_order_breaks_ties_not_the_order_of_exclusions():
    everything = [i.id for i in load_library()]
    shuffled = everything[:]
    random.Random(3).shuffle(shuffled)
    keep = set(everything[::2])
    a = next_items(Profile(stage=1), exclude=[i for i in everything if i not in keep])
    b = next_items(Profile(stage=1), exclude=[i for i in shuffled if i not in keep])
    assert a == b


@pytest.mark.parametrize("bad", [0, 5, True, "1"])
def test_a_profile_needs_a_stage_1_to_4(bad):
    with pytest.raises(ValueError, match="stage must be 1-4"):
        Profile(stage=bad)


def test_n_must_be_positive():
    with pytest.raises(ValueError, match="n must be at least 1"):
        next_items(Profile(stage=1), n=0)


# --------------------------------------------------------------------------- dilemmas for a workshop


@pytest.mark.parametrize("stage", [1, 2, 3, 4])
@pytest.mark.parametrize("context", CONTEXTS)
def test_workshop_dilemmas_come_from_the_weakest_context_and_suit_the_stage_first(stage, context):
    picked = choose_dilemmas(stage, context)
    assert len(picked) == 3 and all(d.context == context for d in picked)
    assert stage in picked[0].stages
    assert picked == choose_dilemmas(stage, context)


def test_other_contexts_fill_in_when_more_dilemmas_are_asked_for():
    picked = choose_dilemmas(2, "team_meetings", n=5)
    assert [d.context for d in picked[:3]] == ["team_meetings"] * 3
    assert all(2 in d.stages for d in picked[3:]) and len(picked) == 5


def test_an_unknown_context_or_stage_is_refused():
    with pytest.raises(ValueError, match="no dilemma is set in the context 'canteen'"):
        choose_dilemmas(2, "canteen")
    with pytest.raises(ValueError, match="stage must be 1-4"):
        choose_dilemmas(7, "team_meetings")


# --------------------------------------------------------------------------- his profile from a scored row


def scored_row(**values):
    row = {"status": "scored", "stage": 2, "respondent_id": "r1"}
    row.update(values)
    return row


def test_the_profile_takes_his_strongest_barrier_weakest_context_and_first_turning_point():
    row = scored_row(
        score_barrier_fear=4.2,
        score_barrier_uncertainty=3.6,
        score_norm_always_available=4.0,
        score_knowledge_claimed=3.0,
        context_team_meetings_stage=3,
        context_hiring_promotion_stage=1,
        context_flexible_caregiving_stage=2,
        context_informal_social_stage=2,
        tp_daughter=0,
        tp_father=1,
        tp_partner=1,
    )
    assert profile_from_scored(row) == Profile(
        stage=2, barrier="fear", context="hiring_promotion", turning_point="partner"
    )


def test_low_policy_awareness_counts_as_a_barrier_when_claimed_knowledge_is_low():
    row = scored_row(score_barrier_fear=3.4, score_knowledge_claimed=1.2)
    assert profile_from_scored(row).barrier == "low_policy_awareness"


def test_no_barrier_below_the_midpoint_and_no_context_when_all_contexts_agree():
    row = scored_row(score_barrier_fear=2.8, **{f"context_{c}_stage": 2 for c in CONTEXTS})
    profile = profile_from_scored(row)
    assert profile.barrier is None and profile.context is None and profile.turning_point is None


def test_missing_and_nan_values_are_ignored():
    row = scored_row(score_barrier_fear=float("nan"), score_barrier_unwelcome=None, tp_daughter=float("nan"))
    assert profile_from_scored(row) == Profile(stage=2)


def test_an_insufficient_row_has_no_profile():
    with pytest.raises(ValueError, match="no placed stage"):
        profile_from_scored({"status": "insufficient", "stage": None})


def test_the_dilemma_set_and_library_are_the_packaged_ones_by_default():
    assert next_items(Profile(stage=1), library=load_library()) == next_items(Profile(stage=1))
    assert choose_dilemmas(1, "team_meetings", load_dilemmas()) == choose_dilemmas(1, "team_meetings")


def test_the_content_package_and_the_deck_load_without_django():
    import subprocess
    import sys

    code = (
        "import sys, allypath.content, allypath.reports.deck\n"
        "from allypath.content import Profile, next_items, form_circles, Volunteer\n"
        "next_items(Profile(stage=2)); form_circles([Volunteer('a', 1)])\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'django' or m.startswith('allypath.web')]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
