"""A mean read by difference must not pin a group at the scale's end (docs/privacy.md).

"5 men, 25 points on a 1-5 scale" means every one of the five answered 5. A group's own mean is
withheld where it says that (``discloses_answers``); but the total's sum minus unit A's is unit B's,
and before the release of each column's ends (``privacy.release.end_codes``) the total and unit A
showed their fear means while unit B's five men all answered every fear item "strongly disagree":
11 x mean(total) - 6 x mean(A) = 5, so each of B's men scored 1. These tests were built to fail
before: the first found B's five men at 1.0 from the heatmap's two shown means. The last one is the
same leak without a difference: a mean of stages given where the release hides the stage split.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from allypath.analytics import context_profiles, factor_heatmap
from allypath.analytics._gating import discloses_answers
from allypath.privacy import PrivacyPolicy, Release, parse_breakdowns, solve_release
from allypath.privacy.release import _ANSWERERS
from analytics.frames import answers_frame

K = 5
FEAR = "score_barrier_fear"
HIRING = "context_hiring_promotion_stage"


def _release(frame: pd.DataFrame) -> Release:
    return solve_release(frame, parse_breakdowns("unit"), PrivacyPolicy(k=K), hierarchy=["unit"])


def _shown_sums(view: Callable[..., pd.DataFrame], frame: pd.DataFrame, column: str) -> dict[str, float]:
    """Per group the view shows a mean of ``column`` for, the sum it implies (mean x men it is over)."""
    release = _release(frame)
    out = {}
    for filters, by in (({"wave": "W1"}, []), ({"wave": "W1"}, ["unit"])):
        table = view(frame, by, release=release, filters=filters)
        for _, row in table[table["visible"]].iterrows():
            if pd.isna(row[column]):
                continue
            group = "total" if not by else str(row["unit"])
            members = frame if not by else frame[frame["unit"] == row["unit"]]
            answered = members[members[_source(column)].notna()]
            out[group] = float(row[column]) * len(answered)
    return out


def _source(column: str) -> str:
    return FEAR if column == "fear" else HIRING if column == "hiring_promotion" else column


@pytest.fixture(autouse=True)
def _fresh() -> None:
    _ANSWERERS.clear()  # each test solves its releases itself


def test_unit_b_all_at_the_low_end_cannot_be_read_from_the_total_minus_unit_a() -> None:
    frame = answers_frame({"A": [3.0, 4.0, 2.0, 3.5, 2.5, 4.0], "B": [1.0] * 5}, FEAR)
    sums = _shown_sums(factor_heatmap, frame, "fear")
    assert "B" not in sums  # B's own mean says it: withheld on its own (as before)
    # the difference: both shown would give B's sum, 5 over 5 men: every one at 1
    assert not ("total" in sums and "A" in sums), sums
    assert "total" in sums  # the larger group keeps its mean: unit A's is the one withheld


def test_the_ends_audit_keeps_every_mean_where_no_difference_pins_anyone() -> None:
    # the same men, but two of B's five at the low end: no group, shown or derived, has all its men
    # but one at an end, so a member knowing his own score cannot pin the others'
    frame = answers_frame({"A": [3.0, 4.0, 2.0, 3.5, 2.5, 4.0], "B": [1.0, 1.0, 2.0, 3.0, 3.0]}, FEAR)
    sums = _shown_sums(factor_heatmap, frame, "fear")
    assert set(sums) == {"total", "A", "B"}
    assert sums["total"] - sums["A"] == pytest.approx(sums["B"])


def test_all_between_the_ends_tells_nothing_and_is_shown() -> None:
    # every man at 3.0: the answers alike, but between the ends, so no one's answers are pinned by
    # any mean (3.0 is reached many ways), and the audit of the ends does not count "between"
    frame = answers_frame({"A": [3.0] * 6, "B": [3.0] * 5}, FEAR)
    sums = _shown_sums(factor_heatmap, frame, "fear")
    assert set(sums) == {"total", "A", "B"}


def test_a_unit_all_at_the_high_end_of_a_skipped_context_is_not_read_by_difference() -> None:
    # the hiring context, which men may skip: B's five answerers all Energised (4 of 4), A mixed
    frame = answers_frame(
        {"A": [1.0, 2.0, 3.0, 2.0, 3.0, 2.0, np.nan], "B": [4.0] * 5 + [np.nan, np.nan]}, HIRING
    )
    sums = _shown_sums(context_profiles, frame, "hiring_promotion")
    assert "B" not in sums
    assert not ("total" in sums and "A" in sums), sums


def test_the_mean_stage_is_not_given_where_the_release_hides_the_stage_split() -> None:
    """Unit B's five men are all at Apathy: the release hides B's stage split, so the perception
    view's mean scored stage of B (1.0, which says the same) is withheld too. It was given before,
    with the group's size, whatever the split."""
    from allypath.analytics import perception_gap

    frame = answers_frame({"A": [1.0, 0.0, -1.0, 1.0, 0.0, 0.0], "B": [0.0] * 5}, "perception_gap")
    frame.loc[frame["unit"] == "B", "stage"] = 1
    frame["perceived_stage"] = frame["stage"] + frame["perception_gap"]
    release = _release(frame)
    assert release.cell({"wave": "W1", "unit": "B"}).detail < 2  # the release hides B's split
    units = perception_gap(frame, ["unit"], release=release, filters={"wave": "W1"}).set_index("unit")
    assert units.loc["B", "visible"]  # B's size is shown
    assert pd.isna(units.loc["B", "mean_scored"])
    # everyone minus A gives B, so one of the two loses its split too: the smaller, A (a small unit
    # costs a sibling's split, not its parents': tests/privacy/test_stage_split_siblings.py), and A's
    # mean goes with it; everyone's split is shown, and so its mean
    assert release.cell({"wave": "W1", "unit": "A"}).detail < 2 and pd.isna(units.loc["A", "mean_scored"])
    assert release.cell({"wave": "W1"}).detail == 2
    everyone = perception_gap(frame, [], release=release, filters={"wave": "W1"})
    assert everyone["mean_scored"].iloc[0] == pytest.approx(18 / 11)  # A's 1 2 3 4 1 2, B's five 1s


def test_with_panel_waves_no_difference_of_shown_means_pins_the_hidden_units() -> None:
    """A reviewer's case: with panel waves the organisation's release has cohort cells and the release
    of the ends has none, so the two may hide different units to protect a small one. The mean of a
    column every man answered was shown wherever the organisation's release showed the group; in W3
    it hid U1 and U5, the ends' release U0 and U1, and with U1's and U5's men all at 1 the total minus
    every shown unit gave 9 men with 9 points. A mean is now shown only where both show the group."""
    from allypath.privacy import Breakdown
    from analytics.frames import scored_frame

    rng = np.random.default_rng(7)
    frame = scored_frame(60, seed=7, units=8, waves=3, panel=True)
    frame = frame[rng.random(len(frame)) > 0.25].reset_index(drop=True)
    frame.loc[rng.random(len(frame)) < 0.15, FEAR] = 1.0
    declared = [Breakdown.of("unit"), Breakdown.of("level"), Breakdown.of("unit", "level")]

    def solved(rows: pd.DataFrame) -> Release:
        return solve_release(
            rows, declared, PrivacyPolicy(k=K), hierarchy=["unit"], panel_waves=["W1", "W2", "W3"]
        )

    units = sorted(frame["unit"].unique())
    hidden = [u for u in units if solved(frame).cell({"wave": "W3", "unit": u}).n is None]
    late = (frame["wave"] == "W3").to_numpy()
    frame.loc[late & frame["unit"].isin(hidden).to_numpy(), FEAR] = 1.0
    release = solved(frame)
    total = factor_heatmap(frame, [], release=release, filters={"wave": "W3"}).iloc[0]
    table = factor_heatmap(frame, ["unit"], release=release, filters={"wave": "W3"})
    assert total["visible"] and not pd.isna(total["fear"])
    shown = table[table["fear"].notna()]
    rest_n = int(total["n"]) - int(shown["n"].sum())
    rest_sum = float(total["fear"]) * int(total["n"]) - float((shown["fear"] * shown["n"]).sum())
    assert rest_n >= K
    # the rest's mean pins no one, even for a member who knows his own score
    mean = np.array([rest_sum / rest_n])
    assert not discloses_answers(mean, np.array([rest_n]), (1.0, 5.0))[0], (rest_n, rest_sum)


def test_the_share_between_stages_of_a_unit_is_not_read_by_difference() -> None:
    """A reviewer's case: all 5 men of unit B are between two stages, so B's share (100%) is withheld;
    the organisation's 8 of 11 and unit A's 3 of 6 gave it back (8 - 3 = 5 of 5). The share is now
    audited across differences as the awareness shares are: the organisation keeps its share, A's goes."""
    from allypath.analytics import summarise_groups
    from allypath.privacy import Breakdown

    frame = answers_frame({"A": [3.0, 4.0, 2.0, 3.5, 2.5, 4.0], "B": [3.0] * 5}, FEAR)
    frame["org"] = "Org"
    frame["between_stages"] = [True, False, False, True, False, True] + [True] * 5
    release = solve_release(
        frame,
        [Breakdown.of("org"), Breakdown.of("unit")],
        PrivacyPolicy(k=K),
        wave_column=None,
        hierarchy=["unit"],
    )
    (org,) = summarise_groups(frame, "org", release=release)
    units = {g.group: g for g in summarise_groups(frame, "unit", release=release)}
    assert org.visible and org.between_share == pytest.approx(8 / 11)
    assert units["A"].visible and units["B"].visible
    assert np.isnan(units["B"].between_share)  # 100%: withheld on its own, as before
    assert np.isnan(units["A"].between_share)  # else 8 of 11 minus 3 of 6 is B's 5 of 5
