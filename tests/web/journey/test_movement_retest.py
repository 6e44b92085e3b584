"""Whether "you have likely moved" holds up as a retest: the same men answering twice, drawn by the generator.

The margin of a difference (:func:`allypath.web.journey.movement.movement`) comes from each
placement's own uncertainty (the index's standard error), not from a measured test-retest
reliability. So the claim is checked the way a retest would check it, twice:

* as strangers (two calls of ``simulate``: new answers, new answering style), the worst case, whose
  errors are independent as the margin ``1.96 * sqrt(se1² + se2²)`` assumes: men simulated twice at
  one stage must rarely be told they moved -- about 5 in 100 at most, as a 95 % margin promises --
  and men simulated at stage 1, then at stage 3, must be told they moved forward, never back;
* as a panel (``simulate_panel``: the same men, keeping their own way of answering), the realistic
  case: men who did not move are told they moved far less often (their errors partly repeat, so the
  difference varies less than the margin allows), and men who truly moved one stage are mostly told
  so, in the right direction.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections import Counter
from typing import Any

import pytest

import allypath
from allypath.instrument import load_instrument
from allypath.web.journey import movement as movement_module
from allypath.web.journey.movement import movement

_STUDY_ORGS = inspect.signature(allypath.simulate).parameters["orgs"].default
_WAVES = ("before", "after")


def _orgs_at(stage: int) -> tuple[Any, ...]:
    """The study organisations with every man at ``stage`` (1-4)."""
    mix = tuple(1.0 if s == stage else 0.0 for s in range(1, 5))
    return tuple(dataclasses.replace(org, stage_mix=mix) for org in _STUDY_ORGS)


def _men_at(stage: int, seed: int, n: int = 600) -> list[dict[str, Any]]:
    """``n`` men all at ``stage`` (1-4), scored as the survey scores them."""
    answers = allypath.simulate(n, seed=seed, orgs=_orgs_at(stage)).drop(columns=["true_stage"])
    return list(allypath.score(answers, on_error="mark").to_dict("records"))


def _panel_men(stage: int, seed: int, n: int = 600, **panel: Any) -> tuple[list[dict[str, Any]], ...]:
    """The same ``n`` men, all at ``stage`` at first, scored in each of two waves (``panel``: the
    movement and stability arguments of ``simulate_panel``), in the same order both times."""
    answers = allypath.simulate_panel(n, waves=_WAVES, seed=seed, orgs=_orgs_at(stage), **panel)
    scored = allypath.score(answers.drop(columns=["true_stage"]), on_error="mark")
    first, second = (scored[scored["wave"] == w].set_index("respondent_id") for w in _WAVES)
    assert first.index.equals(second.index)
    return list(first.to_dict("records")), list(second.to_dict("records"))


def _said(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, float]:
    """The share of each thing the journey says, among the men placed both times."""
    keys = Counter(movement(a, b).key for a, b in zip(before, after, strict=True))
    judged = sum(count for key, count in keys.items() if key != "moved_cannot")
    assert judged > 0.8 * len(before)
    return {key: keys[key] / judged for key in ("moved_forward", "moved_back", "moved_unclear")}


@pytest.mark.parametrize("stage", [2, 3])
def test_men_who_did_not_move_are_rarely_told_they_did(stage: int) -> None:
    said = _said(_men_at(stage, seed=31), _men_at(stage, seed=32))
    # 600 men: a true 5 % comes out above 7 % about once in a hundred draws.
    assert said["moved_forward"] + said["moved_back"] <= 0.07, said


def test_men_who_moved_two_stages_are_told_they_moved_forward() -> None:
    said = _said(_men_at(1, seed=33), _men_at(3, seed=34))
    assert said["moved_forward"] >= 0.9, said
    assert said["moved_back"] == 0.0, said


def test_men_who_moved_back_are_told_so_not_that_they_moved_forward() -> None:
    said = _said(_men_at(4, seed=35), _men_at(2, seed=36))
    assert said["moved_back"] >= 0.9, said
    assert said["moved_forward"] == 0.0, said


def test_with_the_margin_halved_strangers_are_told_they_moved_too_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The stranger bound has teeth: half the margin (z 0.98), and stage-3 men who did not move are
    told they moved 12 in 100 times (measured), over the 7 the test above allows."""
    monkeypatch.setattr(movement_module, "Z", movement_module.Z / 2)
    said = _said(_men_at(3, seed=31), _men_at(3, seed=32))
    assert said["moved_forward"] + said["moved_back"] > 0.07, said


# --------------------------------------------------------------------------- the same men (a panel)


@pytest.mark.parametrize("stage", [2, 3])
def test_the_same_men_who_did_not_move_are_seldom_told_they_did(stage: int) -> None:
    """Men who keep their own way of answering (the default stability) and did not move: told they
    moved about 6 in 1,000 times (1,500 men at each stage), well inside the 5 in 100 promised."""
    said = _said(*_panel_men(stage, seed=40 + stage, move=0.0))
    assert said["moved_forward"] + said["moved_back"] <= 0.02, said


def test_with_the_margin_halved_the_same_men_break_the_panel_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """The panel bound has teeth too: half the margin and stage-3 men who did not move are told they
    moved 3.3 in 100 times on these 600 men (4.5 on 1,500), over the 2 allowed."""
    monkeypatch.setattr(movement_module, "Z", movement_module.Z / 2)
    said = _said(*_panel_men(3, seed=43, move=0.0))
    assert said["moved_forward"] + said["moved_back"] > 0.02, said


def test_the_panel_bound_holds_because_the_men_keep_their_answers() -> None:
    """The bound above fails when the panel keeps nothing of a man's answers (stability 0): stage-3
    men who did not move are then told they moved about 5 in 100 times, as strangers are."""
    said = _said(*_panel_men(3, seed=43, move=0.0, stability=0.0))
    assert said["moved_forward"] + said["moved_back"] > 0.02, said


@pytest.mark.parametrize(
    ("stage", "forward", "told", "wrong"),
    [
        (1, 1.0, "moved_forward", "moved_back"),
        (2, 1.0, "moved_forward", "moved_back"),
        (3, 1.0, "moved_forward", "moved_back"),
        (2, 0.0, "moved_back", "moved_forward"),
        (3, 0.0, "moved_back", "moved_forward"),
        (4, 0.0, "moved_back", "moved_forward"),
    ],
)
def test_the_same_men_who_moved_one_stage_are_mostly_told_so(
    stage: int, forward: float, told: str, wrong: str
) -> None:
    """Every man moves one stage (forward, or back): most are told they moved that way (measured on
    1,500 men: 85, 94 and 69 in 100 from stages 1, 2 and 3 forward; 85, 94 and 71 from 2, 3 and 4
    back), none the other way; the "seldom told" bound above would fail on them many times over."""
    said = _said(*_panel_men(stage, seed=50 + stage, move=1.0, forward=forward))
    assert said[told] >= 0.6, said
    assert said[wrong] == 0.0, said


# --------------------------------------------------------------------------- the re-check as it runs

_SHORT_COLUMNS = frozenset(c for item in load_instrument().form("short").items for c in item.column_ids())
_WHO = ("respondent_id", "wave", "org", "unit", "level", "region", "language")


def _rechecked_men(stage: int, seed: int, n: int = 600, **panel: Any) -> tuple[list[dict[str, Any]], ...]:
    """The same ``n`` men, all at ``stage`` at first: the survey (the full form) and then the
    re-check as the journey asks it (the short form's items only, scored on the short form)."""
    answers = allypath.simulate_panel(n, waves=_WAVES, seed=seed, orgs=_orgs_at(stage), **panel)
    answers = answers.drop(columns=["true_stage"])
    survey = allypath.score(answers[answers["wave"] == _WAVES[0]], on_error="mark")
    later = answers[answers["wave"] == _WAVES[1]]
    recheck = allypath.score(
        later[[c for c in later.columns if c in _SHORT_COLUMNS or c in _WHO]], form="short", on_error="mark"
    )
    first, second = (frame.set_index("respondent_id") for frame in (survey, recheck))
    second = second.loc[first.index]
    return list(first.to_dict("records")), list(second.to_dict("records"))


@pytest.mark.parametrize("stage", [1, 2, 3, 4])
def test_men_who_did_not_move_are_rarely_told_so_by_the_short_recheck(stage: int) -> None:
    """Survey on the full form, re-check on the short one, the same men, no movement: told they
    moved about 5 in 100 times at most, as the margin promises (measured on 1,500 men: 4.7, 4.5,
    2.2 and 1.6 in 100 at stages 1 to 4; on these 600: 6.4, 4.2, 3.6 and 1.2). Stage 1 is at the
    edge of the promise, all of it "moved forward": the next test says why."""
    said = _said(*_rechecked_men(stage, seed=70 + stage, move=0.0))
    assert said["moved_forward"] + said["moved_back"] <= 0.07, said


def test_the_short_form_draws_a_placement_towards_the_middle() -> None:
    """Why those false alarms lean one way (forward at stage 1, back at stage 4): with fewer items the
    short form's index says less and leans towards the middle of the scale (measured on 1,500 men
    who did not move: +10.1 points at stage 1, +2.7 at 2, +1.1 at 3, -5.8 at 4; the full form
    twice: within 0.2). The test fails if the forms stop differing so, and the docs must then change."""
    shifts = {}
    for stage in (1, 4):
        survey, recheck = _rechecked_men(stage, seed=60 + stage, move=0.0)
        pairs = [(a["index"], b["index"]) for a, b in zip(survey, recheck, strict=True)]
        placed = [b - a for a, b in pairs if a == a and b == b]  # NaN: not placed
        shifts[stage] = sum(placed) / len(placed)
    assert shifts[1] > 5 and shifts[4] < -3, shifts


@pytest.mark.parametrize(
    ("stage", "forward", "told", "wrong", "at_least"),
    [
        (1, 1.0, "moved_forward", "moved_back", 0.55),
        (3, 1.0, "moved_forward", "moved_back", 0.25),
        (2, 0.0, "moved_back", "moved_forward", 0.25),
        (4, 0.0, "moved_back", "moved_forward", 0.25),
    ],
)
def test_men_who_moved_one_stage_are_often_told_so_by_the_short_recheck(
    stage: int, forward: float, told: str, wrong: str, at_least: float
) -> None:
    """Every man moves one stage between the survey and the re-check: the short re-check tells fewer
    of them than a second full survey would (measured on 1,500 men: 69 in 100 from stage 1 forward,
    40 from 3 forward, 38 from 2 back, 41 from 4 back), and the wrong way at most 2 in 1,000."""
    said = _said(*_rechecked_men(stage, seed=80 + stage, move=1.0, forward=forward))
    assert said[told] >= at_least, said
    assert said[wrong] <= 0.01, said
