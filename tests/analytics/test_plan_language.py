"""The action plans' reasons follow the plan's language: a French or Arabic plan says why in French or
Arabic (the stage actions, the barriers and enablers with their margins, the context furthest back, the
stage fit, the opening sentence and the "no intervention" sentences), with a decimal comma; the English
stays word for word. The privacy reasons a plan or a report quotes are said in the same language."""

from __future__ import annotations

import re
import string

import pandas as pd
import pytest

from allypath.analytics import action_plan
from allypath.analytics.margin_words import MARGIN_WORDS
from allypath.analytics.narrative_words import WORDS
from allypath.analytics.plan_words import PLAN_WORDS
from allypath.analytics.plans import PLAN_OPEN, no_plan_reason, stage_lead
from allypath.analytics.reason_words import REASON_WORDS, reason_in
from allypath.privacy import Decision, PrivacyPolicy, Reason
from allypath.privacy.release import plain_reason
from analytics.frames import scored_frame

K5 = PrivacyPolicy(k=5, k_text=10)
#: Words of the English templates that French uses too ("le plan", "une intervention", "ses scores",
#: "ses autres situations").
SHARED = {"intervention", "plan", "scores", "situations"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("table", [PLAN_WORDS, REASON_WORDS], ids=["plan", "reasons"])
def test_the_plan_and_reason_words_have_every_key_and_field_in_every_language(table):
    for language in ("fr", "ar"):
        assert table[language].keys() == table["en"].keys(), language
        for key, text in table["en"].items():
            assert _fields(table[language][key]) == _fields(text), (language, key)


def _english_words() -> set[str]:
    """Every word of three letters or more of the English sentences a plan's reason is made of."""
    why = [MARGIN_WORDS["en"][k] for k in MARGIN_WORDS["en"] if k.startswith("why_")]
    why += [WORDS["en"][k] for k in ("why_barrier", "why_enabler")]
    words: set[str] = set()
    for text in [*PLAN_WORDS["en"].values(), *why]:
        text = re.sub(r"\{[^}]*\}", " ", text)
        words |= {w.lower() for w in re.findall(r"[A-Za-z']+", text) if len(w) >= 3}
    return words - SHARED


ENGLISH = _english_words()
STAGES = ("apathy", "ambivalence", "reflective", "energised")


def _lead_row(shares: tuple[float, ...], low: float, high: float) -> dict[str, float]:
    row = {f"share_{key}": share for key, share in zip(STAGES, shares, strict=True)}
    return row | {f"low_{key}": low for key in STAGES} | {f"high_{key}": high for key in STAGES}


#: One stage holds most of the group; two stages tie for the largest share.
LEAD_ROWS = [_lead_row((0.1, 0.6, 0.2, 0.1), 0.05, 0.7), _lead_row((0.3, 0.3, 0.2, 0.2), 0.1, 0.4)]


def _reasons(language: str) -> list[str]:
    """The reasons of every tier a plan gives in ``language``: a stage's action, a barrier built too
    close to call, an enabler weak beyond its margin, the context furthest back, the stage fit."""
    frame = scored_frame(120, seed=0, units=2)
    frame["score_barrier_fear"] = 3.8  # strong, but within its margin of the line: "may be"
    frame["score_enabler_support"] = 1.2  # weak beyond any margin
    # a situation a stage behind the others for everyone above Apathy: apart beyond its margin
    stage = pd.to_numeric(frame["stage"])
    for name in ("team_meetings", "flexible_caregiving", "informal_social"):
        frame[f"context_{name}_stage"] = stage
    frame["context_hiring_promotion_stage"] = (stage - 1).clip(lower=1)
    items = action_plan(frame, "unit", policy=K5, limit=20, language=language)
    codes = {code for item in items for code in item.reason_codes}
    assert codes == {"stage_action", "barrier", "enabler_gap", "context", "stage_mix"}, codes
    return [item.reason for item in items]


def _other_sentences(language: str) -> list[str]:
    """The sentence that opens a group's plan, and why a group gets none."""
    bands = {"split": "bands", "split_message": plain_reason("bands", PrivacyPolicy())}
    return [
        *(stage_lead(row, language=language) for row in LEAD_ROWS),
        no_plan_reason(bands, language=language),
        no_plan_reason({"split": "hidden"}, language=language),
        no_plan_reason({"split": "stages"}, language=language),
        no_plan_reason({}, wave_open=True, language=language),
    ]


def _in_its_language(sentences: list[str], language: str) -> None:
    for sentence in sentences:
        assert sentence
        said = {w.lower() for w in re.findall(r"[A-Za-z']+", sentence)}
        assert not said & ENGLISH, (language, said & ENGLISH, sentence)
        assert not re.search(r"\d\.\d", sentence), sentence  # a decimal comma, as the summary
        if language == "ar":
            assert not re.search(r"[A-Za-z]", sentence), sentence  # the groups here are U0, U1: no word


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_french_or_arabic_plan_gives_its_reasons_in_its_language(language):
    reasons = _reasons(language)
    _in_its_language(reasons, language)
    text = " ".join(reasons)
    if language == "fr":
        assert "est peut-être fort (3,8 sur 5, à " in text and "trop serré pour trancher" in text
        assert "le levier « le soutien de l'organisation » est faible (1,2 sur 5, à " in text
        assert "le plus en retrait dans une situation : " in text and "dans ses autres situations" in text
        assert "probablement entre" in text and "pour laquelle le modèle préconise « " in text
        assert " ; " in text and "convient aux hommes aux étapes " in text
    else:
        assert "قد يكون العائق «الخوف من قول ما لا يليق» قويًا (3,8 من 5" in text
        assert "على الأرجح بين" in text and "النتيجة أقرب من أن تُحسم" in text and "؛ " in text


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_french_or_arabic_plan_opens_and_says_why_it_has_none_in_its_language(language):
    sentences = _other_sentences(language)
    _in_its_language(sentences, language)
    if language == "fr":
        assert sentences[0].startswith(
            "La majorité du groupe, 60\u00a0% (probablement entre 5\u00a0% et 70\u00a0%)"
        )
        assert "(montré en deux tranches (premières et dernières étapes)" in sentences[2]


def test_the_english_plan_says_it_as_before():
    text = " ".join(_reasons("en"))
    assert re.search(
        r"\d+% of the group \(likely between \d+% and \d+%\) is at \w+, which calls for [a-z]", text
    )
    assert re.search(
        r"Fear of saying the wrong thing may be strong \(3\.8 of 5, give or take up to \d\.\d: too", text
    )
    assert re.search(r"Organisational support is weak \(1\.2 of 5, give or take up to \d\.\d\)", text)
    assert re.search(
        r"the group stands furthest back in [a-z ]+ \(average stage \d\.\d against \d\.\d in its other situations,"
        r" each give or take up to \d\.\d\)",
        text,
    )
    assert re.search(r"suits the men at \w+( or \w+)*: \d+% of the group \(likely between", text)
    assert "; " in text
    assert _other_sentences("en") == [
        "Most of the group, 60% (likely between 5% and 70%), is at Ambivalence, a stage that calls for safe spaces"
        " to explore concerns and challenge assumptions.",
        "The largest shares of the group, 30% each (Apathy likely between 10% and 40%; Ambivalence likely"
        " between 10% and 40%), are at Apathy and Ambivalence.",
        "No intervention is proposed for this group: the plan is drawn from every stage's share, and only two"
        " bands of it are shown (shown in two bands (early and later stages) so that no one's stage can be"
        " worked out).",
        "No intervention is proposed for this group: the plan is drawn from every stage's share, and it is not"
        " shown (the release does not publish it).",
        "No intervention stands out for this group.",
        PLAN_OPEN,
    ]
    assert PLAN_OPEN.startswith(
        "No intervention is proposed yet: the plan is drawn from the group's stage split"
    )


def test_the_english_reasons_are_the_privacy_rules_own_words():
    """The table's English repeats the privacy rules' wording: a reworded reason is noticed here."""
    from allypath.privacy.reasons import _REASONS

    english = REASON_WORDS["en"]
    for code in _REASONS:
        assert english[code].format(k=K5.k, k_text=K5.k_text) == plain_reason(code, K5), code
    for reason in Reason:
        assert english[f"gate_{reason.value}"] == Decision(0, False, reason.value).message, reason
    assert english["hidden"] == plain_reason("unknown code", K5)


@pytest.mark.parametrize(
    ("english", "language", "said"),
    [
        ("fewer than 5 people", "fr", "moins de 5 personnes"),
        ("fewer than 5 people", "ar", "أقل من 5 أشخاص"),
        (plain_reason("attribute", PrivacyPolicy()), "fr", "la répartition entre les étapes est masquée"),
        ("hidden: the group does not pass the privacy rules on both waves", "fr", "masqué : le groupe"),
        (
            "not shown on 2026 Q1 (fewer than 5 people), so no change can be shown",
            "fr",
            "masqué par les règles",
        ),
        ("fewer than 5 people", "en", "fewer than 5 people"),
    ],
)
def test_a_privacy_reason_is_said_in_the_reports_language(english, language, said):
    assert reason_in(english, language, K5).startswith(said)
