"""analytics.follow_up: an adopting group's change against comparable groups that adopted nothing,
through the release, with "association, not proof" - each verdict on data built so it must come out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from allypath.analytics import PlanItem, follow_up
from allypath.analytics.follow_up import NOTE
from allypath.privacy import PrivacyPolicy

WAVES = ("2026 Q1", "2026 Q3")


def _people(unit: str, wave: str, n: int, late: float) -> list[dict[str, object]]:
    """``n`` men of ``unit`` on ``wave``, a share ``late`` of them at Reflective or Energised."""
    ahead = round(n * late)
    stages = [3 + i % 2 for i in range(ahead)] + [1 + i % 2 for i in range(n - ahead)]
    return [{"wave": wave, "unit": unit, "stage": s, "status": "scored", "index": 50.0} for s in stages]


def _scored(plan: dict[str, tuple[int, float, float]]) -> pd.DataFrame:
    rows = []
    for unit, (n, before, after) in plan.items():
        rows += _people(unit, WAVES[0], n, before) + _people(unit, WAVES[1], n, after)
    return pd.DataFrame(rows)


def _item(unit: str) -> PlanItem:
    """As the web adopts it: the label names the wave, the filters hold it."""
    return PlanItem(
        "ally_circles", f"{unit} · {WAVES[0]}", {"wave": WAVES[0], "unit": unit}, 1, "why", ("stage_mix",)
    )


OTHERS = {"B": (60, 0.25, 0.30), "C": (60, 0.30, 0.33), "D": (60, 0.20, 0.26)}


def test_a_group_that_moved_clearly_more_is_said_to_have_moved_more():
    scored = _scored({"A": (60, 0.25, 0.75), **OTHERS})
    (result,) = follow_up(scored, [_item("A")], WAVES, policy=PrivacyPolicy(k=5))
    assert result.verdict == "more" and result.compared == 3
    assert result.adopters == pytest.approx(0.50, abs=0.02)
    assert result.others == pytest.approx(0.047, abs=0.01)
    assert 0 < result.low < result.difference < result.high  # type: ignore[operator]
    assert "moved more" in result.sentence and NOTE in result.sentence


def test_a_group_that_moved_like_the_others_gets_no_clear_difference():
    scored = _scored({"A": (60, 0.25, 0.33), **OTHERS})
    (result,) = follow_up(scored, [_item("A")], WAVES, policy=PrivacyPolicy(k=5))
    assert result.verdict == "no_clear"
    assert result.low < 0 < result.high  # type: ignore[operator]
    assert "No clear difference" in result.sentence and NOTE in result.sentence


def test_a_small_group_at_the_top_on_both_waves_did_not_clearly_move_more():
    """Six men all at Reflective or Energised on both waves, against groups slipping 6 points: a
    Wald interval has no width at 100 % and said "this group moved more, likely between 1 and 11
    points more" (a review's case); their own change is unknown within some 40 points."""
    slipping = {unit: (300, 0.50, 0.44) for unit in "BCD"}
    (result,) = follow_up(
        _scored({"A": (6, 1.0, 1.0), **slipping}), [_item("A")], WAVES, policy=PrivacyPolicy(k=5)
    )
    assert result.verdict == "no_clear"
    assert result.low < 0 < result.high  # type: ignore[operator]
    assert result.high - result.low > 0.4  # type: ignore[operator]
    # the same comparison with 300 men at the top both times is a clear difference
    (many,) = follow_up(
        _scored({"A": (300, 1.0, 1.0), **slipping}), [_item("A")], WAVES, policy=PrivacyPolicy(k=5)
    )
    assert many.verdict == "more"


def test_a_group_that_fell_behind_is_said_to_have_moved_less():
    scored = _scored({"A": (60, 0.50, 0.10), **OTHERS})
    (result,) = follow_up(scored, [_item("A")], WAVES, policy=PrivacyPolicy(k=5))
    assert result.verdict == "less" and "moved less" in result.sentence


def test_other_adopters_are_not_comparison_groups():
    scored = _scored({"A": (60, 0.25, 0.75), **OTHERS})
    (result,) = follow_up(
        scored,
        [_item("A")],
        WAVES,
        adopted=[{"unit": u, "wave": WAVES[0]} for u in "ABC"],
        policy=PrivacyPolicy(k=5),
    )
    assert result.compared == 1  # D only
    assert result.others == pytest.approx(0.06, abs=0.02)


def test_a_group_the_release_hides_is_not_compared_and_no_figure_is_given():
    scored = _scored({"A": (3, 0.0, 1.0), **OTHERS})  # 3 men: below k on both waves
    (result,) = follow_up(scored, [_item("A")], WAVES, policy=PrivacyPolicy(k=5))
    assert result.verdict == "not_shown" and result.difference is None and result.hidden
    assert result.sentence.startswith("Not shown: too few people; ")
    public = result.sentence.replace(WAVES[0], "").replace(WAVES[1], "").replace("fewer than 5", "")
    assert not any(ch.isdigit() for ch in public)  # the wave and k are public; no share, no size


def test_with_no_published_group_that_did_not_adopt_there_is_nothing_to_compare():
    scored = _scored({"A": (60, 0.25, 0.75), "B": (60, 0.25, 0.30)})
    (result,) = follow_up(
        scored, [_item("A")], WAVES, adopted=[{"unit": "A"}, {"unit": "B"}], policy=PrivacyPolicy(k=5)
    )
    assert result.verdict == "not_shown" and "nothing to compare" in result.sentence
    assert not result.hidden


def test_the_interval_narrows_with_more_men():
    small = follow_up(
        _scored({"A": (30, 0.25, 0.50), **OTHERS}), [_item("A")], WAVES, policy=PrivacyPolicy(k=5)
    )
    big = follow_up(
        _scored({"A": (300, 0.25, 0.50), **{u: (300, b, a) for u, (_, b, a) in OTHERS.items()}}),
        [_item("A")],
        WAVES,
        policy=PrivacyPolicy(k=5),
    )
    width = [r[0].high - r[0].low for r in (small, big)]  # type: ignore[operator]
    assert width[1] < width[0] / 2
    assert np.isfinite(width).all()
