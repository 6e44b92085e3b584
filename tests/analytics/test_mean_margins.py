"""Every mean the summary, the action plans and the research questions' answers print carries its
margin in words, worked out from the group's published size only (``chance_margin``), and a verdict
read from a mean against a line is "too close to call" where that margin reaches across the line.
Each verdict is tested both ways: the same means, a size that settles it and one that does not."""

from __future__ import annotations

import re
import string
from typing import Any

import pandas as pd
import pytest

from allypath.analytics import action_plan, diagnostic_answers, stage_mix
from allypath.analytics.factors import LIKERT, chance_margin
from allypath.analytics.margin_words import MARGIN_WORDS
from allypath.analytics.narrative import QUESTIONS, Released, close_call, released_figures, summarise
from allypath.privacy import PrivacyPolicy
from analytics.frames import scored_frame

K5 = PrivacyPolicy(k=5, k_text=10)
KEYS = ("apathy", "ambivalence", "reflective", "energised")


def total(n: int) -> dict[str, Any]:
    row: dict[str, Any] = {"visible": True, "n": n, "split": "stages", "group": "everyone"}
    for key, share in zip(KEYS, (0.1, 0.4, 0.3, 0.2), strict=True):
        row.update({f"share_{key}": share, f"low_{key}": share - 0.05, f"high_{key}": share + 0.05})
    return row


def test_the_margin_words_have_every_key_and_field_in_every_language():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for language in ("fr", "ar"):
        assert MARGIN_WORDS[language].keys() == MARGIN_WORDS["en"].keys()
        for key, text in MARGIN_WORDS["en"].items():
            assert fields(MARGIN_WORDS[language][key]) == fields(text), (language, key)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "organisational support (3.9 of 5, give or take up to 0.3)"),
        ("fr", "soutien de l'organisation (3,9 sur 5, à 0,3 près au plus)"),
        ("ar", "(3,9 من 5، بهامش قد يصل إلى 0,3)"),
    ],
)
def test_the_summarys_means_carry_the_margin_of_the_published_size(language, expected):
    summary = summarise(Released(total(200), factors={"support": 3.94, "fear": 3.6}), language)
    assert chance_margin(200, LIKERT) == 0.3
    text = " ".join(summary.factors)
    assert expected.split("(")[-1] in text
    # every mean written with one decimal is followed by its margin
    assert len(re.findall(r"\d[.,]\d (?:of|sur|من) 5", text)) == 2
    assert text.count("0.3" if language == "en" else "0,3") == 2


def test_a_smaller_published_group_gets_a_wider_margin_in_the_same_words():
    wide = summarise(Released(total(20), factors={"support": 3.94})).factors
    assert "(3.9 of 5, give or take up to 0.9)" in " ".join(wide)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_yes_is_too_close_to_call_when_the_margin_reaches_below_the_line(language):
    means = {"safety": 3.8, "fear": 2.0, "hiding_vulnerability": 2.0}
    sure = summarise(Released(total(400), factors=means), language).answers[0]  # margin 0.2
    close = summarise(Released(total(50), factors=means), language).answers[0]  # margin 0.6
    label = MARGIN_WORDS[language]["close"]
    assert sure.verdict == close.verdict == "yes"
    assert not sure.close and sure.label != label
    assert close.close and close.label == label and close.sentence.startswith(label + ". ")
    assert ("0.6" if language == "en" else "0,6") in close.sentence


def test_a_no_is_too_close_to_call_only_when_the_margin_reaches_above_the_line():
    means = {"safety": 2.2}
    assert summarise(Released(total(400), factors=means)).answers[0].label == "No"  # 2.2 + 0.2 = 2.4
    close = summarise(Released(total(100), factors=means)).answers[0]  # 2.2 + 0.4 = 2.6
    assert close.label == "Too close to call" and "say “no”" in close.sentence
    question = QUESTIONS[0]
    assert not close_call(question, means, 0.3)  # 2.5 is still "no": on the line is not across it
    assert close_call(question, means, 0.4)


def test_the_summary_takes_the_release_s_size_for_the_margin():
    frame = scored_frame(120, seed=3, units=2)
    released = released_figures(frame, release=None, filters={"wave": "W1"})
    n = stage_mix(frame, [], policy=K5, filters={"wave": "W1"}).iloc[0]["n"]
    margin = chance_margin(float(n), LIKERT)
    assert released.total["n"] == n
    text = " ".join(summarise(released).factors)
    assert f"give or take up to {margin:.1f}" in text


# ---------------------------------------------------------------- action plans


def _plan_reason(value: float) -> tuple[str, float]:
    frame = scored_frame(69, seed=1, units=3)
    frame["score_barrier_fear"] = value
    items = action_plan(frame, "unit", policy=K5, limit=20)
    item = next(i for i in items if i.group == "U0" and "barrier" in i.reason_codes and "fear" in i.evidence)
    n = int((frame["unit"] == "U0").sum())
    return item.reason, chance_margin(n, LIKERT) or 0.0


def test_a_plan_reason_gives_its_mean_with_the_margin_and_says_may_be_when_too_close():
    reason, margin = _plan_reason(4.6)
    assert 4.6 - margin >= 3.5  # built so the line is out of reach
    assert f"Fear of saying the wrong thing is strong (4.6 of 5, give or take up to {margin:.1f})" in reason
    reason, margin = _plan_reason(3.8)
    assert 3.8 - margin < 3.5  # and here within reach
    assert (
        f"Fear of saying the wrong thing may be strong (3.8 of 5, give or take up to {margin:.1f}: too close to call)"
        in reason
    )


def test_the_summarys_action_says_may_be_when_the_margin_reaches_across_the_line():
    from allypath.analytics import PlanItem

    plan = (
        PlanItem("flexible_work_modelling", "everyone", {}, 1, "x", ("barrier",), {"always_available": 3.8}),
    )
    sure = summarise(Released(total(800), factors={"always_available": 3.8}, plan=plan)).actions[0]
    close = summarise(Released(total(100), factors={"always_available": 3.8}, plan=plan)).actions[0]
    assert "the always-available norm is strong (3.8 of 5, give or take up to 0.2)" in sure
    assert (
        "the always-available norm may be strong (3.8 of 5, give or take up to 0.4: too close to call)"
        in close
    )
    french = summarise(Released(total(100), factors={"always_available": 3.8}, plan=plan), "fr").actions[0]
    assert "est peut-être fort (3,8 sur 5, à 0,4 près au plus : trop serré pour trancher)" in french


# ---------------------------------------------------------------- the research questions' answers


def _answers(value: float, n: int) -> pd.DataFrame:
    frame = scored_frame(n, seed=2, units=1)
    for construct in ("safety", "acknowledgement", "support", "leadership", "recognition"):
        frame[f"score_enabler_{construct}"] = value
    return diagnostic_answers(frame, [], policy=K5)


def test_a_research_question_s_answer_gives_its_margin_and_is_too_close_to_call_within_it():
    large, small = _answers(3.8, 400), _answers(3.8, 40)  # margins 0.2 and 0.7
    assert (large["verdict"] == "yes").all() and (small["verdict"] == "yes").all()
    assert (
        large["answer"]
        .str.startswith("Mostly yes: on average men agree (3.8 on a 1-5 scale, give or take up to 0.2)")
        .all()
    )
    assert small["answer"].str.startswith("Too close to call: as it stands the score says mostly yes").all()
    assert small["answer"].str.contains("3.8 on a 1-5 scale, give or take up to 0.7", regex=False).all()
    mixed = _answers(3.0, 400)
    assert (
        mixed["answer"]
        .str.startswith(
            "Mixed: men neither clearly agree nor disagree (3.0 on a 1-5 scale, give or take up to 0.2)"
        )
        .all()
    )
