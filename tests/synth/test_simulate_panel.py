"""The simulated panel: the same men in every wave, keeping what a man keeps between surveys (answering
style, opportunities, history, his own part of each answer: likert noise, checklist ticks, self-placed
stage, blanks), each wave answered as simulate answers,
stages moving by the chance asked for; simulate's own frames unchanged. (What the retest makes of a
panel: tests/stats/test_retest_panel.py.)"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.instrument import NOT_APPLICABLE

WAVES = ("2026-Q1", "2026-Q2")
PERSON = ["respondent_id", "org", "unit", "level", "region", "language"]
INSTRUMENT = allypath.load_instrument()
LIKERT = [i.id for i in INSTRUMENT.items if i.type == "likert"]
#: The policy-knowledge and participation checklists' columns (the turning points are kept whole).
TICKS = [
    c for i in INSTRUMENT.items if i.type == "checklist" and i.id in ("kc", "ep") for c in i.column_ids()
]
#: Likert items outside the policy block (whose blanks also come from the block skip).
UNBLOCKED = [
    i for i in LIKERT if i not in {item.id for c in INSTRUMENT.constructs_of("knowledge") for item in c.items}
]


def _by_wave(panel: pd.DataFrame, column: str) -> pd.DataFrame:
    """``column`` with one row per man and one column per wave."""
    return panel.pivot(index="respondent_id", columns="wave", values=column)


def _agreeing(frame: pd.DataFrame, stage: pd.Series) -> pd.Series:
    """How much each row agrees with every likert item, less the mean of his stage (his style)."""
    mean = frame[LIKERT].where(frame[LIKERT] != NOT_APPLICABLE).mean(axis=1)
    return mean - mean.groupby(stage.to_numpy()).transform("mean")


@pytest.fixture(scope="module")
def retest_panel() -> pd.DataFrame:
    """400 men answering twice, none of them moving: a pure retest."""
    return allypath.simulate_panel(400, waves=WAVES, seed=3, move=0.0)


@pytest.fixture(scope="module")
def unkept_panel() -> pd.DataFrame:
    """1,000 men answering twice, none moving, keeping none of the random part of their answers."""
    return allypath.simulate_panel(1000, waves=WAVES, seed=21, move=0.0, stability=0.0)


@pytest.fixture(scope="module")
def kept_panel() -> pd.DataFrame:
    """The same 1,000 men keeping the default share (0.85) of it."""
    return allypath.simulate_panel(1000, waves=WAVES, seed=21, move=0.0)


@pytest.fixture(scope="module")
def moving_panel() -> pd.DataFrame:
    """4,000 men over three waves, each moving one stage between waves with chance 0.3."""
    return allypath.simulate_panel(4000, waves=("W1", "W2", "W3"), seed=5, move=0.3, forward=0.7)


# --------------------------------------------------------------------------- simulate is unchanged


def test_simulate_still_draws_the_frame_it_always_drew():
    """simulate's frame for an existing seed, pinned: the panel's hooks draw nothing when unused."""
    frame = allypath.simulate(200, seed=7)
    digest = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
    assert digest == "d4a3d2138dc1691b3a22b18ed370cbf87297bfe09bb2d520af66451ae98192d3"


def test_a_seed_still_draws_the_panel_it_drew():
    """simulate_panel's frame for a seed, pinned: a study that quotes its seed gets the same men and
    answers from the next release. A change that draws otherwise must say so (docs/methods.md) and
    pin the new frame here."""
    frame = allypath.simulate_panel(200, waves=("2026-Q1", "2026-Q2"), seed=7, attrition=0.1)
    assert len(frame) == 374  # 200 men, then the 174 of them who stayed
    digest = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
    assert digest == "7020e2fc6279b72e6d68b5f205c25646e1b42209999c8b1f71b27215449eeb8e"


# --------------------------------------------------------------------------- the same men


def test_the_same_men_answer_every_wave(retest_panel: pd.DataFrame):
    assert list(retest_panel["wave"].unique()) == list(WAVES)
    first, second = (retest_panel[retest_panel["wave"] == w] for w in WAVES)
    assert len(first) == len(second) == 400
    assert first["respondent_id"].is_unique
    pd.testing.assert_frame_equal(first[PERSON].reset_index(drop=True), second[PERSON].reset_index(drop=True))
    assert retest_panel["true_stage"].between(1, 4).all()


def test_the_men_are_those_simulate_draws_with_the_same_seed():
    panel = allypath.simulate_panel(300, waves=WAVES, seed=11)
    alone = allypath.simulate(300, seed=11)
    first = panel[panel["wave"] == WAVES[0]].reset_index(drop=True)
    pd.testing.assert_frame_equal(first[[*PERSON, "true_stage"]], alone[[*PERSON, "true_stage"]])


def test_same_arguments_same_panel_and_a_wave_added_leaves_the_earlier_ones_alone():
    two = allypath.simulate_panel(150, waves=("A", "B"), seed=4)
    pd.testing.assert_frame_equal(two, allypath.simulate_panel(150, waves=("A", "B"), seed=4))
    three = allypath.simulate_panel(150, waves=("A", "B", "C"), seed=4)
    pd.testing.assert_frame_equal(three[three["wave"] != "C"].reset_index(drop=True), two)


def test_a_mans_answering_style_is_his_in_every_wave():
    """With a wide spread of acquiescence and no other part of his answers kept, how much a man agrees
    with everything is alike in both waves; two draws of simulate (new styles) share nothing."""
    panel = allypath.simulate_panel(400, waves=WAVES, seed=6, move=0.0, stability=0.0, acquiescence_sd=2.0)
    style = _by_wave(panel.assign(style=_agreeing(panel, panel["true_stage"])), "style")
    assert style[WAVES[0]].corr(style[WAVES[1]]) > 0.8
    one, two = (allypath.simulate(400, seed=seed, acquiescence_sd=2.0) for seed in (6, 60))
    assert abs(_agreeing(one, one["true_stage"]).corr(_agreeing(two, two["true_stage"]))) < 0.15


def test_opportunities_history_and_demographics_are_kept(retest_panel: pd.DataFrame):
    """A man with no part in hiring says so in every wave; his turning points and age do not change."""
    for column in ("tp_daughter", "tp_partner", "dm_age", "dm_caregiver"):
        wide = _by_wave(retest_panel, column).dropna()
        assert len(wide) > 300, column
        assert (wide[WAVES[0]] == wide[WAVES[1]]).all(), column
    for column in ("ch3", "en4"):
        lacking = (_by_wave(retest_panel, column).dropna() == NOT_APPLICABLE).astype(int)
        assert lacking[WAVES[0]].sum() > 20, column
        assert (lacking[WAVES[0]] == lacking[WAVES[1]]).all(), column


def test_each_wave_answers_as_simulate_does():
    """Only the noise is split into a man's own part and a new one: in every wave each item's answers,
    each checklist option's ticks, the self-placed stage and the blanks have the distribution simulate
    gives the same men (within sampling error on 6,000 men)."""
    panel = allypath.simulate_panel(6000, waves=WAVES, seed=2, move=0.0)
    alone = allypath.simulate(6000, seed=2)
    for wave in WAVES:
        one = panel[panel["wave"] == wave]
        likert_gap = (
            one[LIKERT].where(one[LIKERT] != NOT_APPLICABLE).mean()
            - alone[LIKERT].where(alone[LIKERT] != NOT_APPLICABLE).mean()
        ).abs()
        assert likert_gap.max() < 0.15, (wave, likert_gap.sort_values().tail())
        tick_gap = (one[TICKS].mean() - alone[TICKS].mean()).abs()  # ticks among men not skipping
        assert tick_gap.max() < 0.03, (wave, tick_gap.sort_values().tail())
        placed = [frame["sp1"].value_counts(normalize=True).sort_index() for frame in (one, alone)]
        assert (placed[0] - placed[1]).abs().max() < 0.025, (wave, placed)
        blank = one[UNBLOCKED].isna().mean().mean() - alone[UNBLOCKED].isna().mean().mean()
        assert abs(blank) < 0.003, wave  # about 0.03 blank each
        skipped = one["kc_parental_leave"].isna().mean() - alone["kc_parental_leave"].isna().mean()
        assert abs(skipped) < 0.02, wave


def _stage_chance(panel: pd.DataFrame, column: str) -> tuple[float, float]:
    """How often a man's ``column`` is the same in both waves, and how often it would be if each wave's
    answer were drawn on its own given his stage (the chance level)."""
    wide = _by_wave(panel, column).dropna()
    stage = _by_wave(panel, "true_stage")[WAVES[0]].reindex(wide.index)
    share = wide.groupby(stage.to_numpy()).mean()
    weight = stage.value_counts(normalize=True)
    first, second = share[WAVES[0]], share[WAVES[1]]
    chance = (weight * (first * second + (1 - first) * (1 - second))).sum()
    return float((wide[WAVES[0]] == wide[WAVES[1]]).mean()), float(chance)


def test_a_man_ticks_mostly_the_same_policies_and_initiatives_in_every_wave(
    kept_panel: pd.DataFrame, unkept_panel: pd.DataFrame
):
    """Policy knowledge and participation are his: the options agree across waves far above chance
    (measured 0.89 against 0.73); with nothing kept they agree at the chance level given the stage."""
    kept = np.array([_stage_chance(kept_panel, c) for c in TICKS])
    unkept = np.array([_stage_chance(unkept_panel, c) for c in TICKS])
    assert kept[:, 0].mean() > kept[:, 1].mean() + 0.12, kept.mean(axis=0)
    assert abs(unkept[:, 0].mean() - unkept[:, 1].mean()) < 0.02, unkept.mean(axis=0)


def test_a_man_keeps_his_own_bias_in_placing_himself(kept_panel: pd.DataFrame, unkept_panel: pd.DataFrame):
    """The self-placed stage follows the true stage with his own bias: how far he places himself from
    his true stage correlates across waves (0.71 measured), and not at all with nothing kept."""
    bias = [(_by_wave(p, "sp1") - _by_wave(p, "true_stage")).dropna() for p in (kept_panel, unkept_panel)]
    assert bias[0][WAVES[0]].corr(bias[0][WAVES[1]]) > 0.55
    assert abs(bias[1][WAVES[0]].corr(bias[1][WAVES[1]])) < 0.15


def test_a_man_leaves_the_same_items_blank(kept_panel: pd.DataFrame, unkept_panel: pd.DataFrame):
    """An item he left blank he mostly leaves blank again (0.52 measured, against 0.03 for any item);
    with nothing kept, a blank says nothing about the next wave."""

    def again(panel: pd.DataFrame) -> tuple[float, float]:
        first, second = (
            panel[panel["wave"] == w].set_index("respondent_id")[UNBLOCKED].isna() for w in WAVES
        )
        second = second.loc[first.index]
        return float((first & second).to_numpy().sum() / first.to_numpy().sum()), float(
            second.to_numpy().mean()
        )

    kept, base = again(kept_panel)
    assert kept > 0.35 and base < 0.04, (kept, base)
    unkept, base = again(unkept_panel)
    assert unkept < 0.06, (unkept, base)


def test_policies_known_stay_known_as_a_man_moves_forward():
    """Men who all move one stage forward know more correct policies than before (the chance rises
    with the stage) and keep most of those they knew (0.93 measured; 0.55 with nothing kept)."""
    correct = [f"kc_{o.id}" for o in INSTRUMENT.item("kc").options if o.correct]
    for stability, low, high in ((0.85, 0.85, 1.0), (0.0, 0.0, 0.7)):
        panel = allypath.simulate_panel(
            1500, waves=WAVES, seed=24, move=1.0, forward=1.0, stability=stability
        )
        stages = _by_wave(panel, "true_stage")
        forward = stages.index[stages[WAVES[1]] > stages[WAVES[0]]]
        kept, before, after = [], [], []
        for column in correct:
            wide = _by_wave(panel, column).reindex(forward).dropna()
            kept.append(wide.loc[wide[WAVES[0]] == 1, WAVES[1]].mean())
            before.append(wide[WAVES[0]].mean())
            after.append(wide[WAVES[1]].mean())
        assert low < np.mean(kept) < high, (stability, np.mean(kept))
        assert np.mean(after) > np.mean(before) + 0.08, (stability, before, after)


# --------------------------------------------------------------------------- movement


def test_the_share_of_men_who_move_is_the_chance_asked_for(moving_panel: pd.DataFrame):
    stages = _by_wave(moving_panel, "true_stage")
    for before, after in (("W1", "W2"), ("W2", "W3")):
        step = stages[after] - stages[before]
        assert step.abs().max() == 1  # one stage at a time
        moved = step != 0
        assert moved.mean() == pytest.approx(0.3, abs=0.03)
        # forward with chance 0.7, the only way open from Apathy (forward) and Energised (back)
        start = stages.loc[moved, before]
        expected = np.where(start == 1, 1.0, np.where(start == 4, 0.0, 0.7)).mean()
        assert (step[moved] > 0).mean() == pytest.approx(expected, abs=0.04)


def test_most_men_stay_by_default_and_those_who_move_go_forward_more_often():
    panel = allypath.simulate_panel(4000, waves=WAVES, seed=8)
    step = _by_wave(panel, "true_stage").pipe(lambda s: s[WAVES[1]] - s[WAVES[0]])
    assert (step == 0).mean() > 0.7
    assert (step > 0).sum() > (step < 0).sum()


# --------------------------------------------------------------------------- attrition


def test_with_attrition_some_men_skip_a_later_wave():
    panel = allypath.simulate_panel(2000, waves=("A", "B", "C"), seed=9, attrition=0.2)
    counts = panel.groupby("wave", sort=False).size()
    assert counts["A"] == 2000
    for wave in ("B", "C"):
        assert counts[wave] / 2000 == pytest.approx(0.8, abs=0.03)
    assert set(panel.loc[panel["wave"] == "C", "respondent_id"]) <= set(
        panel.loc[panel["wave"] == "A", "respondent_id"]
    )
    skipped_b = set(panel.loc[panel["wave"] == "A", "respondent_id"]) - set(
        panel.loc[panel["wave"] == "B", "respondent_id"]
    )
    assert skipped_b & set(panel.loc[panel["wave"] == "C", "respondent_id"])  # some come back


# --------------------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "n must be at least 1"),
        ({"waves": ()}, "at least one wave"),
        ({"waves": ("A", " ")}, "blank"),
        ({"waves": ("A", "B", "A")}, "'A' is given twice"),
        ({"waves": "2026-Q1"}, "sequence of wave names"),
        ({"move": 1.5}, "move must be between 0 and 1"),
        ({"forward": -0.1}, "forward must be between 0 and 1"),
        ({"attrition": float("nan")}, "attrition must be between 0 and 1"),
        ({"stability": 2.0}, "stability must be between 0 and 1"),
    ],
)
def test_bad_arguments_are_refused_naming_them(kwargs, message):
    with pytest.raises(ValueError, match=message):
        allypath.simulate_panel(**{"n": 10, **kwargs})
