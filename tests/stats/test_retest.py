"""Test-retest reliability of a scored panel: the same men simulated twice at the same true stage are
judged stable, the same answers paired with the wrong men are judged unstable; the waves paired are
the ones `summary` and `report` call last and previous; who is left out is counted; bad input is
refused naming the file and column."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

import allypath
from allypath.cli._waves import choose_wave
from allypath.errors import DataError
from allypath.stats import retest_reliability
from allypath.stats.retest import MIN_PAIRS, retest_bands

from .panels import panel_answers

#: Men per true stage in the simulated panel (the apathetic answer least, as in the study).
_PER_STAGE = {1: 60, 2: 120, 3: 120, 4: 60}


@pytest.fixture(scope="module")
def stable_panel() -> pd.DataFrame:
    """720 men scored twice, each at the same true stage both times (new answers, new answering style)."""
    answers = panel_answers(_PER_STAGE)
    return allypath.score(answers, on_error="mark")


@pytest.fixture(scope="module")
def shuffled_panel(stable_panel: pd.DataFrame) -> pd.DataFrame:
    """The same answers, with the second wave's ids dealt out at random: pairs of different men."""
    second = stable_panel[stable_panel["wave"] == "Autumn"].copy()
    second["respondent_id"] = np.random.default_rng(5).permutation(second["respondent_id"].to_numpy())
    return pd.concat([stable_panel[stable_panel["wave"] == "Spring"], second], ignore_index=True)


def _measure(result, name: str):
    return next(m for m in result.measures if m.measure == name)


# --------------------------------------------------------------------------- verdicts both ways


def test_the_same_men_at_the_same_stages_are_judged_stable(stable_panel: pd.DataFrame):
    result = retest_reliability(stable_panel)
    index = _measure(result, "index")
    assert result.n_pairs > 0.95 * sum(_PER_STAGE.values())
    assert index.band in ("good", "excellent", "good to excellent"), index.verdict
    assert index.icc2_ci[0] >= 0.75
    assert result.stage.exact_agreement >= 0.75
    assert result.stage.kappa_ci[0] >= 0.75, result.stage.verdict
    assert result.stage.moved_two_or_more <= 0.02


def test_answers_paired_with_the_wrong_men_are_judged_unstable(shuffled_panel: pd.DataFrame):
    result = retest_reliability(shuffled_panel)
    index = _measure(result, "index")
    assert index.band == "poor", index.verdict
    assert index.verdict.startswith("poor (the 95% interval lies between")
    assert abs(result.stage.kappa) < 0.15
    assert result.stage.kappa_ci[0] < 0 < result.stage.kappa_ci[1]
    assert result.stage.band == "poor"
    assert result.stage.exact_agreement < 0.5


def test_every_score_column_is_measured_with_its_own_pairs(stable_panel: pd.DataFrame):
    result = retest_reliability(stable_panel)
    names = [m.measure for m in result.measures]
    assert names[0] == "index"
    assert names[1:] == [c for c in stable_panel.columns if c.startswith("score_")]
    # the policy questions are skipped by many: fewer pairs answered them in both waves than were paired
    knowledge = _measure(result, "score_knowledge_claimed")
    assert knowledge.n < result.n_pairs
    assert _measure(result, "index").n == result.n_pairs


def test_kappa_is_the_quadratically_weighted_kappa_of_scikit_learn(stable_panel: pd.DataFrame):
    frame = stable_panel[stable_panel["status"] == "scored"]
    wide = frame.pivot(index="respondent_id", columns="wave", values="stage").dropna()
    expected = cohen_kappa_score(wide["Spring"], wide["Autumn"], weights="quadratic")
    stage = retest_reliability(stable_panel).stage
    assert stage.kappa == pytest.approx(expected, abs=1e-12)
    assert sum(map(sum, stage.table)) == stage.n
    assert np.trace(np.asarray(stage.table)) / stage.n == pytest.approx(stage.exact_agreement)


# --------------------------------------------------------------------------- small hand-made panels


def _panel(n: int, waves: tuple[str, ...] = ("A", "B"), *, seed: int = 0, noise: float = 5.0) -> pd.DataFrame:
    """``n`` people in each wave: an index that holds across waves up to ``noise``, a stage from it."""
    rng = np.random.default_rng(seed)
    trait = rng.uniform(10, 90, size=n)
    rows = []
    for wave in waves:
        index = np.clip(trait + rng.normal(0, noise, size=n), 0, 100)
        rows.append(
            pd.DataFrame(
                {
                    "respondent_id": [f"id{i}" for i in range(n)],
                    "wave": wave,
                    "status": "scored",
                    "stage": np.digitize(index, [25, 50, 75]) + 1,
                    "index": index,
                    "score_belief_zero_sum": 6 - index / 20 + rng.normal(0, 0.3, size=n),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_the_last_two_waves_are_paired_in_the_order_summary_and_report_use():
    frame = _panel(40, waves=("Spring", "Autumn", "Winter"))
    choice = choose_wave(frame, None, "panel.csv")
    result = retest_reliability(frame)
    assert (result.first, result.second) == (str(choice.previous), str(choice.chosen)) == ("Autumn", "Winter")
    assert result.waves == ("Spring", "Autumn", "Winter")


def test_one_wave_named_pairs_it_with_its_neighbour():
    frame = _panel(40, waves=("Spring", "Autumn", "Winter"))
    assert (retest_reliability(frame, second="Autumn").first, "Autumn") == ("Spring", "Autumn")
    assert retest_reliability(frame, first="Spring").second == "Autumn"
    both = retest_reliability(frame, first="Spring", second="Winter")
    assert (both.first, both.second) == ("Spring", "Winter")


def test_who_was_left_out_is_counted():
    frame = _panel(50)
    frame = frame.drop(frame.index[(frame["wave"] == "A") & frame["respondent_id"].isin(["id0", "id1"])])
    frame = frame.drop(frame.index[(frame["wave"] == "B") & (frame["respondent_id"] == "id2")])
    frame.loc[(frame["wave"] == "B") & frame["respondent_id"].isin(["id3", "id4", "id5"]), "status"] = (
        "insufficient"
    )
    result = retest_reliability(frame)
    assert (result.only_first, result.only_second, result.not_scored) == (1, 2, 3)
    assert result.n_pairs == 50 - 1 - 2 - 3


def test_a_score_missing_in_one_wave_drops_that_pair_for_that_score_only():
    frame = _panel(60)
    frame.loc[
        (frame["wave"] == "B") & frame["respondent_id"].isin(["id0", "id1"]), "score_belief_zero_sum"
    ] = np.nan
    result = retest_reliability(frame)
    assert _measure(result, "score_belief_zero_sum").n == 58
    assert _measure(result, "index").n == 60


def test_scores_chooses_the_measures():
    result = retest_reliability(_panel(40), scores=["score_belief_zero_sum"])
    assert [m.measure for m in result.measures] == ["score_belief_zero_sum"]


@pytest.mark.parametrize(("n", "judged"), [(MIN_PAIRS - 1, False), (MIN_PAIRS, True)])
def test_too_few_pairs_give_no_verdict(n: int, judged: bool):
    result = retest_reliability(_panel(n, noise=1.0))
    index = _measure(result, "index")
    assert (index.band is not None) is judged
    assert (result.stage.band is not None) is judged
    assert index.verdict.startswith("too few people in both waves to judge") is not judged


# --------------------------------------------------------------------------- the bands in words


@pytest.mark.parametrize(
    ("interval", "band"),
    [
        ((0.78, 0.86), "good"),
        ((0.62, 0.81), "moderate to good"),
        ((0.40, 0.80), "poor to good"),
        ((0.91, 0.97), "excellent"),
        ((0.85, 0.90), "good"),  # 0.9 itself is good: excellent is above it
        ((0.8, 0.9004), "good"),  # judged as printed: 0.90
        ((0.896, 0.95), "good to excellent"),  # printed 0.90 to 0.95
        ((0.50, 0.74), "moderate"),
        ((-0.10, 0.49), "poor"),
    ],
)
def test_the_verdict_is_judged_on_the_whole_interval(interval: tuple[float, float], band: str):
    name, words = retest_bands(interval, 100)
    assert name == band
    assert words == f"{band} (the 95% interval lies between {interval[0]:.2f} and {interval[1]:.2f})"


def test_no_variance_cannot_be_judged():
    frame = _panel(40)
    frame["score_belief_zero_sum"] = 3.0
    measure = _measure(retest_reliability(frame), "score_belief_zero_sum")
    assert measure.band is None and measure.verdict.startswith("cannot be judged")


def test_to_dict_is_json_with_every_measure_and_the_stage_table():
    out = retest_reliability(_panel(40)).to_dict()
    text = json.dumps(out, allow_nan=False)
    assert json.loads(text)["stage"]["table"] == out["stage"]["table"]
    assert len(out["stage"]["table"]) == 4 and all(len(row) == 4 for row in out["stage"]["table"])
    assert {m["measure"] for m in out["measures"]} == {"index", "score_belief_zero_sum"}
    assert (out["first_wave"], out["second_wave"], out["n_pairs"]) == ("A", "B", 40)


# --------------------------------------------------------------------------- bad input


def _refused(frame: pd.DataFrame, column: str, said: str, **options: Any) -> DataError:
    with pytest.raises(DataError, match=said) as caught:
        retest_reliability(frame, file="panel.csv", **options)
    assert caught.value.file == "panel.csv"
    assert caught.value.column == column
    return caught.value


def test_unscored_data_is_refused():
    _refused(_panel(40).drop(columns=["stage"]), "stage", r"not scored \(no stage column\)")


def test_missing_id_or_wave_column_is_refused():
    _refused(_panel(40).drop(columns=["respondent_id"]), "respondent_id", "no respondent_id column")
    _refused(_panel(40), "person", "no person column", id_column="person")
    _refused(_panel(40).drop(columns=["wave"]), "wave", "no wave column")


def test_a_wave_the_data_lack_is_refused_naming_the_waves_they_hold():
    _refused(
        _panel(40), "wave", r"the second wave 'C' is not in the data, which hold the waves A, B", second="C"
    )
    _refused(_panel(40), "wave", "the first wave 'Z'", first="Z")
    _refused(_panel(40), "wave", "both A", first="A", second="A")
    _refused(_panel(40), "wave", "no wave before it", second="A")


def test_one_wave_is_refused():
    _refused(
        _panel(40, waves=("A",)), "wave", r"one wave \(A\): test-retest needs the same people in two waves"
    )


def test_a_blank_wave_is_refused_naming_its_row():
    frame = _panel(40)
    frame.loc[7, "wave"] = " "
    assert _refused(frame, "wave", "the wave is blank").row == 8


def test_a_man_twice_in_one_wave_is_refused():
    frame = _panel(40)
    frame.loc[3, "respondent_id"] = "id0"
    error = _refused(frame, "respondent_id", "'id0' is on rows 1 and 4, both of wave A")
    assert "once in a wave" in str(error)
    frame = _panel(40).rename(columns={"respondent_id": "person"})
    frame.loc[3, "person"] = "id0"
    _refused(frame, "person", "person 'id0' is on rows 1 and 4", id_column="person")


def test_a_stage_off_the_model_is_refused_naming_its_row():
    frame = _panel(40)
    frame["stage"] = frame["stage"].astype(float)
    frame.loc[5, "stage"] = 9
    assert _refused(frame, "stage", "a stage is 1, 2, 3 or 4").row == 6


def test_a_score_that_is_not_a_number_is_refused_naming_its_row():
    frame = _panel(40)
    frame["index"] = frame["index"].astype(object)
    frame.loc[2, "index"] = "high"
    assert _refused(frame, "index", "'high' is not a number").row == 3


def test_a_score_column_the_data_lack_is_refused():
    _refused(_panel(40), "score_nothing", "no score column 'score_nothing'", scores=["score_nothing"])


def test_the_last_wave_alone_as_first_has_no_wave_after_it():
    _refused(_panel(40), "wave", "wave B is the data's last: there is no wave after it", first="B")


def test_a_file_whose_ids_are_all_blank_cannot_be_paired():
    frame = _panel(40).assign(respondent_id="")
    _refused(frame, "respondent_id", "no row has an id: the waves cannot be paired")
