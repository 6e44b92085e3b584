"""The scored output follows DESIGN §5 column by column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.errors import DataError
from allypath.scoring import CAREFUL_COLUMNS, PROBABILITY_COLUMNS, context_columns

CONTRACT = [
    "respondent_id",
    "status",
    "reason",
    "stage",
    "stage_label",
    "p_apathy",
    "p_ambivalence",
    "p_reflective",
    "p_energised",
    "index",
    "index_se",
    "between_stages",
    "trailing_stage",
    "leading_stage",
    "perceived_stage",
    "perception_gap",
]


def test_every_contract_column_is_present(scored):
    assert set(CONTRACT) <= set(scored.columns)
    inst = allypath.load_instrument()
    for construct in inst.constructs:
        if construct.scored:
            assert f"score_{construct.id}" in scored.columns
    for context in inst.contexts:
        assert f"context_{context}_stage" in scored.columns
        assert set(context_columns(context)) <= set(scored.columns)
    assert set(CAREFUL_COLUMNS) <= set(scored.columns)
    assert set(scored["status"].unique()) <= {"scored", "insufficient", "suspect"}


def test_context_probabilities_sum_to_one_and_their_top_is_the_context_stage(scored):
    inst = allypath.load_instrument()
    for context in inst.contexts:
        probabilities = scored[list(context_columns(context))].to_numpy(dtype=float)
        stage = scored[f"context_{context}_stage"].to_numpy(dtype=float, na_value=np.nan)
        shown = ~np.isnan(stage)
        # "Does not apply to me" on two hiring items leaves no hiring stage for those with no part in it
        offers_na = any(i.not_applicable for c in inst.constructs if c.context == context for i in c.items)
        assert shown.mean() > (0.5 if offers_na else 0.9)
        np.testing.assert_allclose(probabilities[shown].sum(axis=1), 1.0, atol=1e-12)
        assert (probabilities[shown].argmax(axis=1) + 1 == stage[shown]).all()
        assert np.isnan(probabilities[~shown]).all()  # no context stage, no probabilities


def test_a_context_with_too_few_answers_has_no_probabilities(simulated):
    inst = allypath.load_instrument()
    row = simulated.head(1).copy()
    construct = next(c for c in inst.constructs if c.kind == "context")
    for item in construct.items[:2]:
        row[item.id] = np.nan
    result = allypath.score(row).iloc[0]
    if result["status"] == "scored":
        assert pd.isna(result[f"context_{construct.context}_stage"])
        assert result[list(context_columns(construct.context))].isna().all()


def test_attribute_columns_are_carried_through_unchanged(simulated, scored):
    for column in ("respondent_id", "org", "unit", "level", "region", "wave", "true_stage"):
        assert scored[column].tolist() == simulated[column].tolist()
    assert not any(c in scored.columns for c in ("ap1", "kc_parental_leave", "ot1"))


def test_output_carries_instrument_and_model_versions(scored):
    assert scored.attrs["instrument"] == "allypath-core 1.1.0"
    assert scored.attrs["scoring_model"] == "stage-ordinal 1.0.0"
    assert set(scored["scoring_model"].astype(str)) == {"stage-ordinal 1.0.0"}


def test_probabilities_sum_to_one_and_stage_is_the_most_probable(scored):
    placed = scored[scored["status"] == "scored"]
    probs = placed[list(PROBABILITY_COLUMNS)].to_numpy()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-9)
    assert (probs.argmax(axis=1) + 1 == placed["stage"].to_numpy()).all()
    assert placed["stage_label"].astype(str).isin(["Apathy", "Ambivalence"]).sum() > 0


def test_index_lies_in_0_100_and_grows_with_the_expected_stage(scored):
    placed = scored[scored["status"] == "scored"]
    assert placed["index"].between(0, 100).all()
    assert (placed["index_se"] >= 0).all()
    expected = placed[list(PROBABILITY_COLUMNS)].to_numpy() @ np.arange(1, 5)
    np.testing.assert_allclose(placed["index"], (expected - 1) / 3 * 100)


def test_between_stages_follows_the_rule(scored):
    placed = scored[scored["status"] == "scored"]
    probs = np.sort(placed[list(PROBABILITY_COLUMNS)].to_numpy(), axis=1)
    rule = (probs[:, -1] < 0.60) | (probs[:, -1] - probs[:, -2] < 0.20)
    assert (placed["between_stages"].to_numpy(dtype=bool) == rule).all()
    between = placed[placed["between_stages"].astype(bool)]
    assert (between["trailing_stage"] < between["leading_stage"]).all()
    settled = placed[~placed["between_stages"].astype(bool)]
    assert (settled["trailing_stage"] == settled["stage"]).all()
    assert (settled["leading_stage"] == settled["stage"]).all()


def test_perception_gap_is_perceived_minus_scored(scored):
    both = scored[(scored["status"] == "scored") & scored["perceived_stage"].notna()]
    assert len(both) > 100
    assert (both["perception_gap"] == both["perceived_stage"] - both["stage"]).all()


def test_a_row_without_enough_stage_answers_is_insufficient_with_a_reason(simulated):
    frame = simulated.head(5).copy()
    frame.loc[frame.index[0], ["en1", "en2", "en3", "en4"]] = np.nan
    result = allypath.score(frame)
    first = result.iloc[0]
    assert first["status"] == "insufficient"
    assert "stage_energised" in first["reason"] and "needs 4" in first["reason"]
    assert pd.isna(first["stage"]) and np.isnan(first["p_apathy"]) and np.isnan(first["index"])
    assert (result["status"].iloc[1:] == "scored").all()


def test_construct_score_needs_60_percent_of_its_items(simulated):
    frame = simulated.head(3).copy()
    frame[["zs1", "zs2", "zs3", "zs4"]] = [
        [4, np.nan, np.nan, np.nan],
        [4, 2, np.nan, np.nan],
        [4, 2, 3, np.nan],
    ]
    scores = allypath.score(frame)["score_belief_zero_sum"].to_numpy()
    inst = allypath.load_instrument()
    reverse = {i.id: i.reverse for i in inst.construct("belief_zero_sum").items}
    assert np.isnan(scores[0]) and np.isnan(scores[1])  # 1 and 2 of 4 answered: below 60%
    values = [6 - v if reverse[c] else v for c, v in zip(["zs1", "zs2", "zs3"], [4, 2, 3], strict=True)]
    assert scores[2] == pytest.approx(np.mean(values))


def test_the_answered_share_is_configurable(simulated):
    from dataclasses import replace

    from allypath.scoring import load_stage_model

    frame = simulated.head(1).copy()
    frame[["zs2", "zs3", "zs4"]] = np.nan
    lenient = replace(load_stage_model(), min_answered_share=0.25)
    assert np.isnan(allypath.score(frame)["score_belief_zero_sum"].iloc[0])
    assert not np.isnan(allypath.score(frame, model=lenient)["score_belief_zero_sum"].iloc[0])


def test_short_form_is_detected_and_still_places_the_stage():
    short = allypath.simulate(400, seed=5, form="short")
    result = allypath.score(short)
    assert result.attrs["form"] == "short"
    placed = result["status"] == "scored"
    assert placed.mean() > 0.9
    accuracy = (result.loc[placed, "stage"].to_numpy() == short.loc[placed, "true_stage"].to_numpy()).mean()
    assert accuracy > 0.7


def test_knowledge_check_uses_the_organisations_answer_key(simulated):
    frame = simulated.head(1).copy()
    inst = allypath.load_instrument()
    options = [o for o in inst.item("kc").options if not o.exclusive]
    for option in options:
        frame[f"kc_{option.id}"] = 1.0 if option.correct else 0.0
    assert allypath.score(frame)["score_knowledge_check"].iloc[0] == 1.0
    flipped = {o.id: not o.correct for o in options if o.id}
    assert allypath.score(frame, answer_key=flipped)["score_knowledge_check"].iloc[0] == 0.0


def test_out_of_range_value_names_row_and_column(simulated):
    frame = simulated.head(10).copy()
    frame["ap3"] = frame["ap3"].astype(object)
    frame.loc[frame.index[6], "ap3"] = 9
    with pytest.raises(
        DataError, match=r"file answers.csv, row 7, column 'ap3': outside the scale 1-5 \(got 9\)"
    ):
        allypath.score(frame, source="answers.csv")


def test_non_numeric_value_names_row_and_column(simulated):
    frame = simulated.head(4).copy()
    frame["re2"] = frame["re2"].astype(object)
    frame.loc[frame.index[2], "re2"] = "agree"
    with pytest.raises(DataError, match=r"row 3, column 're2': not a number \(got 'agree'\)"):
        allypath.score(frame)


def test_fractional_value_is_refused(simulated):
    frame = simulated.head(4).copy()
    frame.loc[frame.index[1], "am1"] = 2.5
    with pytest.raises(DataError, match=r"row 2, column 'am1': not a whole number"):
        allypath.score(frame)


def test_on_error_mark_flags_the_row_and_scores_the_others(simulated):
    frame = simulated.head(6).copy()
    frame["ap3"] = frame["ap3"].astype(object)
    frame.loc[frame.index[2], "ap3"] = "x"
    result = allypath.score(frame, on_error="mark")
    assert result["status"].iloc[2] == "insufficient"
    assert "column 'ap3': not a number" in result["reason"].iloc[2]
    assert pd.isna(result["stage"].iloc[2])
    others = result.drop(index=frame.index[2])
    assert (others["status"] == "scored").all()


def test_unknown_item_column_is_refused(simulated):
    frame = simulated.head(3).copy()
    frame["ap9"] = 3
    with pytest.raises(
        DataError, match=r"column 'ap9': unknown item column\(s\) for instrument allypath-core"
    ):
        allypath.score(frame)


def test_unknown_non_item_columns_are_carried_through(simulated):
    frame = simulated.head(3).copy()
    frame["cost_centre"] = ["a", "b", "c"]
    assert allypath.score(frame)["cost_centre"].tolist() == ["a", "b", "c"]


def test_no_rows_gives_an_empty_frame_with_the_contract_columns(simulated):
    result = allypath.score(simulated.head(0))
    assert len(result) == 0
    assert set(CONTRACT) <= set(result.columns)
