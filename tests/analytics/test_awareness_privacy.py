"""Policy awareness and turning points: the answerers of a question are a subgroup of every group,
so their counts and shares are released jointly (DESIGN §6.2), not "at least k answerers" per cell.

The attack (a reviewer's): unit A has 5 men who all answered the policy question, unit B 5 men of
whom 1 answered. Overall "6 answered, 50% say they know the policies"; unit A "5 answered, 40%".
Both pass "at least k answerers", B's own figures are withheld, yet 6 - 5 = 1 man in B answered
and 3 - 2 = 1 of them says he knows the policies. Every view a viewer can ask (the total, each
unit, each level, the breakdowns) is pooled here and attacked as the oracle tests attack sizes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pytest

from allypath.analytics import policy_awareness, turning_points
from allypath.privacy import PrivacyPolicy, Release, parse_breakdowns, solve_release
from allypath.privacy.release import _ANSWERERS
from analytics.frames import answers_frame
from privacy.attacker import Attacker

K = 5
BREAKDOWNS = "unit,level,unit*level"
# every filter and breakdown the dashboard allows on these frames
VIEWS: tuple[tuple[dict[str, object], list[str]], ...] = (
    ({"wave": "W1"}, []),
    ({"wave": "W1"}, ["unit"]),
    ({"wave": "W1"}, ["level"]),
    ({"wave": "W1"}, ["unit", "level"]),
    ({"wave": "W1", "unit": "A"}, []),
    ({"wave": "W1", "unit": "B"}, []),
    ({"wave": "W1", "unit": "A"}, ["level"]),
    ({"wave": "W1", "unit": "B"}, ["level"]),
    ({"wave": "W1", "level": "Staff"}, ["unit"]),
)


def _release(frame: pd.DataFrame) -> Release:
    return solve_release(frame, parse_breakdowns(BREAKDOWNS), PrivacyPolicy(k=K), hierarchy=["unit"])


def _members(frame: pd.DataFrame, values: dict[str, object], answered: pd.Series) -> np.ndarray:
    keep = answered.to_numpy(dtype=bool).copy()
    for name, value in values.items():
        keep &= (frame[name] == value).to_numpy()
    return np.flatnonzero(keep)


def _pool(
    frame: pd.DataFrame,
    release: Release,
    view: Callable[..., pd.DataFrame],
    share: str,
    answered: pd.Series,
    yes: pd.Series,
    count: str | None = None,
) -> Attacker:
    """Every view's shown ``share`` as what the attacker learns about the group's answerers: their
    count (``count`` when published; else taken as known: a shown share means at least k answered,
    and bounds like "all 5 of unit A" pin it), their yes-count and their yes/no split."""
    attacker = Attacker(len(frame))
    for filters, by in VIEWS:
        table = view(frame, by, release=release, filters=filters)
        for _, row in table[table["visible"]].iterrows():
            if pd.isna(row[share]):
                continue
            values = {**filters, **{c: row[c] for c in by}}
            members = _members(frame, values, answered)
            if count is not None:
                assert row[count] == len(members)  # the published count is the group's answerers
            said = int(yes.to_numpy()[members].sum())
            assert row[share] == pytest.approx(said / len(members))
            split = np.array([said, len(members) - said, 0, 0])
            attacker.see(str(row["group"]), members, len(members), float(said), split)
    return attacker


def _shown(table: pd.DataFrame, column: str) -> bool:
    return not table.empty and not pd.isna(table.iloc[0][column])


@pytest.fixture(autouse=True)
def _fresh() -> None:
    _ANSWERERS.clear()  # each test solves its answerers itself


def test_the_lone_answerer_of_a_unit_cannot_be_worked_out_by_subtraction() -> None:
    frame = answers_frame(
        {"A": [4.0, 4.0, 2.0, 2.0, 2.0], "B": [4.5, np.nan, np.nan, np.nan, np.nan]},
        "score_knowledge_claimed",
    )
    release = _release(frame)
    total = policy_awareness(frame, [], release=release, filters={"wave": "W1"})
    unit_a = policy_awareness(frame, [], release=release, filters={"wave": "W1", "unit": "A"})
    unit_b = policy_awareness(frame, [], release=release, filters={"wave": "W1", "unit": "B"})
    assert total.iloc[0]["visible"] and unit_a.iloc[0]["visible"] and unit_b.iloc[0]["visible"]
    # the reviewer's pair: never both, so 6 - 5 and 3 - 2 cannot be taken
    assert not (_shown(total, "answered") and _shown(unit_a, "answered"))
    assert not (_shown(total, "claimed_share") and _shown(unit_a, "claimed_share"))
    assert pd.isna(unit_b.iloc[0]["answered"]) and pd.isna(unit_b.iloc[0]["claimed_share"])
    # and no other combination of every view either
    answered = frame["score_knowledge_claimed"].notna()
    yes = frame["score_knowledge_claimed"] >= 3.5
    attacker = _pool(frame, release, policy_awareness, "claimed_share", answered, yes, count="answered")
    assert not attacker.breaches(K)
    # HR is told why, in plain words
    messages = {str(m) for t in (total, unit_a, unit_b) for m in t["claimed_message"] if not pd.isna(m)}
    assert messages <= {
        "fewer than 5 people answered these questions",
        "hidden so that the answers of a smaller group cannot be worked out",
    }
    assert "fewer than 5 people answered these questions" in messages
    assert "hidden so that the answers of a smaller group cannot be worked out" in messages
    assert not any("_" in m for m in messages)  # no internal codes


def test_the_lone_answerer_of_the_turning_points_cannot_be_worked_out_either() -> None:
    # unit A: all 5 answered, 2 named "daughter"; unit B: 1 of 5 answered and named it
    frame = answers_frame(
        {"A": [1.0, 1.0, 0.0, 0.0, 0.0], "B": [1.0, np.nan, np.nan, np.nan, np.nan]}, "tp_daughter"
    )
    frame["tp_father"] = np.where(frame["tp_daughter"].isna(), np.nan, 1.0 - frame["tp_daughter"])
    release = _release(frame)
    total = turning_points(frame, [], release=release, filters={"wave": "W1"})
    unit_a = turning_points(frame, [], release=release, filters={"wave": "W1", "unit": "A"})
    assert not (_shown(total, "daughter") and _shown(unit_a, "daughter"))
    answered = frame[["tp_daughter", "tp_father"]].notna().any(axis=1)
    for option in ("daughter", "father"):
        yes = frame[f"tp_{option}"].fillna(0) > 0
        attacker = _pool(frame, release, turning_points, option, answered, yes)
        assert not attacker.breaches(K), option
    said = {str(m) for t in (total, unit_a) for m in t["answers_message"] if not pd.isna(m)}
    assert said and all(" " in m and "_" not in m for m in said)


def test_a_share_that_tells_a_whole_unit_by_difference_is_withheld() -> None:
    # both units have k answerers; every man in B says he knows the policies. B's own share is
    # withheld ("100%" tells each his colleagues' answer), and so must be total minus unit A.
    frame = answers_frame(
        {"A": [4.0, 4.0, 2.0, 2.0, 2.0], "B": [4.0, 4.0, 4.0, 4.0, 4.0]}, "score_knowledge_claimed"
    )
    release = _release(frame)
    answered = frame["score_knowledge_claimed"].notna()
    yes = frame["score_knowledge_claimed"] >= 3.5
    attacker = _pool(frame, release, policy_awareness, "claimed_share", answered, yes, count="answered")
    assert not attacker.breaches(K)
    unit_a = policy_awareness(frame, [], release=release, filters={"wave": "W1", "unit": "A"})
    assert unit_a.iloc[0]["answered"] == 5  # the count is no secret; only the difference's split is
    # the smaller cell's share goes, not the whole organisation's: HR keeps the headline figure
    total = policy_awareness(frame, [], release=release, filters={"wave": "W1"}).iloc[0]
    assert total["claimed_share"] == pytest.approx(7 / 10)
    assert pd.isna(unit_a.iloc[0]["claimed_share"]) and unit_a.iloc[0]["claimed_message"] == (
        "hidden so that no one's answer can be worked out"
    )


def test_where_every_group_has_k_answerers_the_figures_are_shown() -> None:
    frame = answers_frame(
        {
            "A": [4.0, 4.0, 4.0, 2.0, 2.0, 2.0],
            "B": [4.0, 4.0, 2.0, 2.0, 2.0, np.nan],  # one skipped: 5 answerers are enough
        },
        "score_knowledge_claimed",
    )
    release = _release(frame)
    total = policy_awareness(frame, [], release=release, filters={"wave": "W1"}).iloc[0]
    assert total["answered"] == 11 and total["claimed_share"] == pytest.approx(5 / 11)
    assert pd.isna(total["claimed_message"])
    units = policy_awareness(frame, ["unit"], release=release, filters={"wave": "W1"}).set_index("unit")
    assert units.loc["A", "answered"] == 6 and units.loc["A", "claimed_share"] == pytest.approx(0.5)
    assert units.loc["B", "answered"] == 5 and units.loc["B", "claimed_share"] == pytest.approx(0.4)
    assert units["claimed_message"].isna().all()
    answered = frame["score_knowledge_claimed"].notna()
    yes = frame["score_knowledge_claimed"] >= 3.5
    assert not _pool(frame, release, policy_awareness, "claimed_share", answered, yes, "answered").breaches(K)


def test_where_every_group_has_k_answerers_the_turning_points_are_shown() -> None:
    frame = answers_frame(
        {"A": [1.0, 1.0, 1.0, 0.0, 0.0, 0.0], "B": [1.0, 1.0, 0.0, 0.0, 0.0, np.nan]}, "tp_daughter"
    )
    release = _release(frame)
    total = turning_points(frame, [], release=release, filters={"wave": "W1"}).iloc[0]
    assert total["daughter"] == pytest.approx(5 / 11) and pd.isna(total["answers_message"])
    units = turning_points(frame, ["unit"], release=release, filters={"wave": "W1"}).set_index("unit")
    assert units.loc["A", "daughter"] == pytest.approx(0.5)
    assert units.loc["B", "daughter"] == pytest.approx(0.4)


def test_the_figures_do_not_depend_on_what_was_asked_before() -> None:
    frame = answers_frame(
        {"A": [4.0, 4.0, 2.0, 2.0, 2.0], "B": [4.5, np.nan, np.nan, np.nan, np.nan]},
        "score_knowledge_claimed",
    )
    release = _release(frame)

    def look(order: Sequence[tuple[dict[str, object], list[str]]]) -> dict[str, pd.DataFrame]:
        _ANSWERERS.clear()
        return {
            repr(view): policy_awareness(frame, view[1], release=release, filters=view[0]) for view in order
        }

    first, second = look(VIEWS), look(VIEWS[::-1])
    for key, table in first.items():
        pd.testing.assert_frame_equal(table, second[key])


def test_a_question_nobody_was_asked_says_no_reason_and_one_that_was_does():
    """No knowledge check in this wave (no policies declared): nothing is hidden, so no "fewer than k
    answered" reason; the claimed awareness everyone answered is shown as usual."""
    frame = answers_frame({"A": [4.0] * 6 + [2.0] * 4, "B": [2.0] * 6 + [4.0] * 4}, "score_knowledge_claimed")
    frame["score_knowledge_check"] = np.nan
    table = policy_awareness(frame, "unit", release=_release(frame), filters={"wave": "W1"})
    assert table["verified_message"].isna().all() and table["verified_share"].isna().all()
    assert table["claimed_share"].notna().all() and table["claimed_message"].isna().all()
    # the other way: asked of one man only, the reason is given
    frame.loc[0, "score_knowledge_check"] = 1.0
    _ANSWERERS.clear()
    table = policy_awareness(frame, "unit", release=_release(frame), filters={"wave": "W1"})
    assert (table["verified_message"].dropna() == "fewer than 5 people answered these questions").all()
    assert table["verified_message"].notna().any()


def test_an_answer_arriving_in_an_open_wave_does_not_solve_the_answerers_again():
    """Open waves publish counts only, so their rows stay out of the answerers' release: a new answer
    while a wave is open leaves the solved release as it is (it was solved in the request before)."""
    closed = answers_frame(
        {"A": [4.0] * 6 + [2.0] * 4, "B": [2.0] * 6 + [4.0] * 4}, "score_knowledge_claimed"
    )
    open_rows = closed.assign(wave="W2", respondent_id=lambda f: f["respondent_id"] + "-2")
    frame = pd.concat([closed, open_rows], ignore_index=True)

    def release_of(data: pd.DataFrame) -> Release:
        return solve_release(
            data, parse_breakdowns(BREAKDOWNS), PrivacyPolicy(k=K), hierarchy=["unit"], open_waves=["W2"]
        )

    _ANSWERERS.clear()
    policy_awareness(frame, "unit", release=release_of(frame), filters={"wave": "W1"})
    solved = len(_ANSWERERS)
    newcomer = open_rows.iloc[[0]].assign(respondent_id="new", score_knowledge_claimed=5.0)
    grown = pd.concat([frame, newcomer], ignore_index=True)
    policy_awareness(grown, "unit", release=release_of(grown), filters={"wave": "W1"})
    assert len(_ANSWERERS) == solved  # the same digests: nothing solved again
    # the other way: a new answer in the closed wave is new data, solved anew
    late = closed.iloc[[0]].assign(respondent_id="late", score_knowledge_claimed=5.0)
    changed = pd.concat([frame, late], ignore_index=True)
    policy_awareness(changed, "unit", release=release_of(changed), filters={"wave": "W1"})
    assert len(_ANSWERERS) > solved


def test_the_perception_gap_of_one_man_cannot_be_read_by_difference():
    """5 men of unit A placed themselves, 1 of unit B's 5: the total's and A's figures over those who
    placed themselves are never both given (their difference is B's one man), and B says why."""
    from allypath.analytics import perception_gap

    frame = answers_frame(
        {"A": [1.0, 0.0, -1.0, 1.0, 0.0], "B": [2.0, np.nan, np.nan, np.nan, np.nan]}, "perception_gap"
    )
    frame["perceived_stage"] = (frame["stage"] + frame["perception_gap"]).where(
        frame["perception_gap"].notna()
    )
    release = _release(frame)
    total = perception_gap(frame, [], release=release, filters={"wave": "W1"}).iloc[0]
    units = perception_gap(frame, ["unit"], release=release, filters={"wave": "W1"}).set_index("unit")
    assert pd.isna(units.loc["B", "mean_gap"]) and "fewer than 5" in units.loc["B", "perceived_message"]
    assert pd.isna(total["mean_gap"]) or pd.isna(units.loc["A", "mean_gap"])
    assert not pd.isna(units.loc["A", "mean_scored"])  # the group's own stages are no subgroup's


def test_a_perception_share_that_tells_a_whole_unit_by_difference_is_withheld():
    """Every man of unit B sees himself where the scoring puts him: B's "the same" share is 100% and
    withheld, and so must be one of the total's and A's (the total minus A is B). The total keeps
    its three shares; A's go, with the reason in words, and its mean gap with them."""
    from allypath.analytics import perception_gap

    frame = answers_frame(
        {"A": [1.0, 0.0, -1.0, 1.0, -1.0], "B": [0.0, 0.0, 0.0, 0.0, 0.0]}, "perception_gap"
    )
    frame["perceived_stage"] = (frame["stage"] + frame["perception_gap"]).clip(1, 4)
    release = _release(frame)
    total = perception_gap(frame, [], release=release, filters={"wave": "W1"}).iloc[0]
    units = perception_gap(frame, ["unit"], release=release, filters={"wave": "W1"}).set_index("unit")
    assert total["aligned_share"] == pytest.approx(6 / 10) and total["over_share"] == pytest.approx(2 / 10)
    assert pd.isna(units.loc["B", "aligned_share"])
    a = units.loc["A"]
    assert pd.isna(a["aligned_share"]) and pd.isna(a["over_share"]) and pd.isna(a["under_share"])
    assert a["perceived_message"] == "hidden so that no one's answer can be worked out"
    assert pd.isna(a["mean_gap"])  # with its split: a mean at the end would pin B as the share does


def test_a_mean_perceived_stage_that_tells_every_answer_is_withheld():
    """All five men of unit B place themselves at Apathy: a mean of 1.0 tells each one's answer."""
    from allypath.analytics import perception_gap

    frame = answers_frame(
        {"A": [1.0, 0.0, -1.0, 1.0, -1.0], "B": [0.0, -1.0, -2.0, -3.0, 0.0]}, "perception_gap"
    )
    frame["perceived_stage"] = np.where(
        frame["unit"] == "B", 1, (frame["stage"] + frame["perception_gap"]).clip(1, 4)
    )
    release = _release(frame)
    units = perception_gap(frame, ["unit"], release=release, filters={"wave": "W1"}).set_index("unit")
    total = perception_gap(frame, [], release=release, filters={"wave": "W1"}).iloc[0]
    assert pd.isna(units.loc["B", "mean_perceived"])
    # and A's, whose difference with the total's would give B's: the total's stays
    assert pd.isna(units.loc["A", "mean_perceived"]) and not pd.isna(total["mean_perceived"])


def test_a_verified_mean_is_withheld_with_the_share_it_would_give_by_difference():
    """With one declared policy the verified mean is the verified share: unit A's mean beside the
    total's would tell that every man of B got it right, as A's share would (review finding)."""
    frame = answers_frame(
        {"A": [1.0, 1.0, 0.0, 0.0, 0.0], "B": [1.0, 1.0, 1.0, 1.0, 1.0]}, "score_knowledge_check"
    )
    release = _release(frame)
    total = policy_awareness(frame, [], release=release, filters={"wave": "W1"}).iloc[0]
    unit_a = policy_awareness(frame, [], release=release, filters={"wave": "W1", "unit": "A"}).iloc[0]
    assert total["verified_share"] == pytest.approx(0.7) and total["verified_mean"] == pytest.approx(0.7)
    assert pd.isna(unit_a["verified_share"]) and pd.isna(unit_a["verified_mean"])
    assert unit_a["verified_answered"] == 5


def test_a_mean_perceived_stage_is_withheld_where_a_difference_would_pin_a_group():
    """Every man of unit B places himself at Energised: the total's and A's mean perceived stages
    would give B's sum, 5 x 4. A's goes (with its gap figures' reason), the total's stays."""
    from allypath.analytics import perception_gap

    frame = answers_frame({"A": [0.0] * 5, "B": [0.0] * 5}, "perception_gap")
    seen = {"A": [1, 2, 3, 2, 1], "B": [4, 4, 4, 4, 4]}
    frame["perceived_stage"] = [seen[u][i] for u, i in zip(frame["unit"], [0, 1, 2, 3, 4] * 2, strict=True)]
    frame["perception_gap"] = frame["perceived_stage"] - frame["stage"]
    release = _release(frame)
    total = perception_gap(frame, [], release=release, filters={"wave": "W1"}).iloc[0]
    units = perception_gap(frame, ["unit"], release=release, filters={"wave": "W1"}).set_index("unit")
    assert total["mean_perceived"] == pytest.approx(2.9)
    assert pd.isna(units.loc["A", "mean_perceived"]) and pd.isna(units.loc["B", "mean_perceived"])
    assert units.loc["A", "perceived_message"] == "hidden so that no one's answer can be worked out"
