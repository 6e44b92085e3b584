"""The summary that opens the dashboard and the board report (issue 16, point 1).

Every verdict is tested both ways on figures built for it; changes are called only when their
interval excludes zero; the words come from the released figures alone and name no group.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from allypath.analytics import stage_mix, wilson_interval
from allypath.analytics.factors import LIKERT, chance_margin
from allypath.analytics.narrative import (
    QUESTIONS,
    Released,
    difference_interval,
    index_change_interval,
    released_figures,
    summarise,
    verdict,
)
from allypath.model import FACTORS, STAGE_KEYS
from allypath.privacy import Breakdown, PrivacyPolicy, solve_release
from analytics.frames import scored_frame

K5 = PrivacyPolicy(k=5, k_text=10)
KEYS = ("apathy", "ambivalence", "reflective", "energised")
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def total(shares: tuple[float, float, float, float], n: int) -> dict[str, Any]:
    """A released stage-mix row of ``n`` men with these shares and their Wilson intervals."""
    row: dict[str, Any] = {"visible": True, "n": n, "split": "stages", "group": "everyone"}
    for key, share in zip(KEYS, shares, strict=True):
        low, high = wilson_interval(share * n, n)
        row.update({f"share_{key}": share, f"low_{key}": float(low), f"high_{key}": float(high)})
    return row


def change(before: tuple[float, ...], after: tuple[float, ...], n: int, index: tuple[float, float]) -> dict:
    row: dict[str, Any] = {"visible": True, "n_before": n, "n_after": n}
    for key, a, b in zip(KEYS, before, after, strict=True):
        row.update({f"share_{key}_before": a, f"share_{key}_after": b, f"share_{key}_change": b - a})
    row.update(index_before=index[0], index_after=index[1], index_change=index[1] - index[0])
    return row


MIX = (0.1, 0.4, 0.3, 0.2)


# ---------------------------------------------------------------- the three questions


def means_for(question_key: str, enablers: float, barriers: float) -> dict[str, float]:
    (question,) = [q for q in QUESTIONS if q.key == question_key]
    return {**dict.fromkeys(question.enablers, enablers), **dict.fromkeys(question.barriers, barriers)}


@pytest.mark.parametrize("question", [q.key for q in QUESTIONS])
def test_each_question_answers_yes_when_its_enablers_are_in_place_and_no_when_they_are_missing(question):
    index = [q.key for q in QUESTIONS].index(question)
    yes = summarise(Released(total(MIX, 200), factors=means_for(question, 4.2, 2.0)))
    no = summarise(Released(total(MIX, 200), factors=means_for(question, 1.8, 2.0)))
    assert yes.answers[index].verdict == "yes" and yes.answers[index].sentence.startswith("Yes. ")
    assert "4.2 of 5, give or take up to 0.3 (in place)" in yes.answers[index].sentence
    assert no.answers[index].verdict == "no" and no.answers[index].sentence.startswith("No. ")
    assert "1.8 of 5, give or take up to 0.3 (missing)" in no.answers[index].sentence
    # the other questions have no figure here: not known, in both cases
    for other in (0, 1, 2):
        if other != index:
            assert yes.answers[other].verdict == no.answers[other].verdict == "unknown"


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.key)
def test_a_strong_barrier_turns_yes_into_partly_and_a_single_enabler_in_place_keeps_it_from_no(question):
    assert verdict(question, means_for(question.key, 4.2, 2.0)) == "yes"
    assert verdict(question, means_for(question.key, 4.2, 3.9)) == "partly"  # its barrier is strong
    low = means_for(question.key, 1.8, 2.0)
    assert verdict(question, low) == "no"
    low[question.enablers[0]] = 3.6
    assert verdict(question, low) == ("partly" if len(question.enablers) > 1 else "yes")


def test_each_question_reads_the_constructs_of_the_instrument():
    from allypath.instrument import load_instrument

    constructs = {c.id: c.kind for c in load_instrument().constructs}
    by_key = {f.key: f for f in FACTORS}
    for question in QUESTIONS:
        for key in question.enablers:
            assert constructs[by_key[key].construct] == "enabler", key
        for key in question.barriers:
            assert constructs[by_key[key].construct] in ("barrier", "norm"), key


def test_a_verdict_rests_on_the_figure_as_shown_not_on_a_hidden_digit():
    question = QUESTIONS[0]
    # 2.54 is written 2.5: the answer must read it as 2.5, disagreement on average, and say "no"
    summary = summarise(Released(total(MIX, 200), factors={"safety": 2.54}))
    # (on the line, 200 men's margin could move it either way: "no" as it stands, too close to call)
    answer = summary.answers[0]
    assert answer.verdict == "no" and "2.5 of 5, give or take up to 0.3 (missing)" in answer.sentence
    assert verdict(question, {"safety": 2.56}) == "partly"


# ---------------------------------------------------------------- what moved


def test_a_change_whose_interval_excludes_zero_is_called_a_change_and_the_same_shift_on_few_men_is_not():
    after = (0.25, 0.4, 0.3, 0.05)
    before = (0.40, 0.4, 0.1, 0.1)
    large = summarise(
        Released(total(after, 400), change=change(before, after, 400, (40, 60)), waves=("2026 Q1", "2026 Q3"))
    )
    text = " ".join(large.moved)
    assert "Apathy: from 40% to 25%, a change of \u221215 points (likely between" in text
    assert "Reflective: from 10% to 30%, a change of +20 points" in text
    assert "Developmental index (0 to 100): from 40 to 60, a change of +20" in text
    assert "No clear change in Ambivalence" in text and "Apathy," not in text.split("No clear")[1]
    assert large.headings["moved"] == "What moved since 2026 Q1"

    small = summarise(
        Released(total(after, 12), change=change(before, after, 12, (40, 60)), waves=("2026 Q1", "2026 Q3"))
    )
    (sentence,) = small.moved
    assert sentence.startswith("No clear change in Apathy, Ambivalence, Reflective, Energised")
    assert "the developmental index" in sentence and "from 40% to 25%" not in sentence


def test_the_intervals_of_a_change():
    delta, low, high = difference_interval(0.40, 400, 0.25, 400)
    assert delta == pytest.approx(-0.15) and low < -0.15 < high < 0
    assert difference_interval(0.40, 12, 0.25, 12)[2] > 0  # the same shift on 12 men: zero inside
    # the index interval is at least as wide as any spread would give: the widest spread is half at 0,
    # half at 100 around a mean of 50
    people = np.array([0.0, 100.0] * 50)
    se = np.sqrt(people.var() / len(people) * 2)
    _, low, high = index_change_interval(50.0, 100, 50.0, 100)
    assert high == pytest.approx(1.959964 * se, rel=1e-4) and low == pytest.approx(-high)


def test_without_an_earlier_wave_or_with_a_hidden_change_nothing_is_called_a_change():
    first = summarise(Released(total(MIX, 200)))
    assert first.moved == ("There is no earlier wave with results to compare with.",)
    hidden = summarise(Released(total(MIX, 200), change={"visible": False}, waves=("A", "B")))
    assert hidden.moved == (
        "Changes since A are not published for this selection: it does not pass the privacy rules on both waves.",
    )


# ---------------------------------------------------------------- where the men are


def test_the_largest_stage_is_called_clearly_largest_only_when_its_interval_overlaps_no_other():
    clear = summarise(Released(total((0.1, 0.5, 0.25, 0.15), 600)))
    assert clear.where[1] == "The largest group is at Ambivalence: 50% of them (likely between 46% and 54%)."
    assert clear.where[2].startswith("It is clearly the largest stage")
    close = summarise(Released(total((0.1, 0.4, 0.3, 0.2), 40)))
    assert "clearly" not in " ".join(close.where)
    assert close.where[2].startswith("Reflective (30%, likely between") and "cannot tell" in close.where[2]
    assert any("the shares are rough" in s for s in close.where)
    assert not any("rough" in s for s in clear.where)


def test_two_bands_when_the_release_shows_only_the_bands_and_nothing_when_it_hides_the_selection():
    row = {
        "visible": True,
        "n": 30,
        "split": "bands",
        "share_early": 0.6,
        "share_late": 0.4,
        "low_early": 0.42,
        "high_early": 0.75,
    }
    where = summarise(Released(row)).where
    assert "only two bands" in where[1] and "60% are at Apathy or Ambivalence" in where[1]
    assert not any("largest" in s for s in where)
    hidden = summarise(Released({"visible": False, "n": None, "message": "fewer than 5 people"}))
    assert hidden.sentences == (hidden.hidden,) and not NUMBER.search(hidden.text)
    assert hidden.where == hidden.answers == hidden.actions == ()


# ---------------------------------------------------------------- barriers, enablers, actions


def test_the_strongest_barriers_and_enablers_and_the_weakest_enabler():
    factors = {"always_available": 3.84, "fear": 3.6, "uncertainty": 2.2, "support": 3.9, "recognition": 2.1}
    lines = summarise(Released(total(MIX, 200), factors=factors)).factors
    assert lines[0] == "The strongest barriers: the always-available norm (3.8 of 5, give or take up to 0.3)."
    # 3.6 give or take 0.3 could be 3.3: not called strong, named as too close to call
    assert lines[1] == (
        "Too close to call as strong or not (chance alone could put them on either side of the line at 3.5):"
        " fear of saying the wrong thing (3.6 of 5, give or take up to 0.3)."
    )
    assert lines[2] == "The strongest enablers: organisational support (3.9 of 5, give or take up to 0.3)."
    assert lines[3].startswith("The weakest enabler: allyship recognised") and "say is missing" in lines[3]
    weak = summarise(Released(total(MIX, 200), factors={"fear": 3.0, "support": 3.0})).factors
    assert weak[0].startswith("No barrier is strong") and weak[1].startswith("No enabler is clearly in place")


def test_a_strong_barrier_needs_its_margin_to_stay_above_the_line_and_a_close_one_is_said_either_way():
    """The same means read as strong with 2,000 men and as too close to call with 20: 3.5 give or
    take 0.9 was "the strongest barriers", 3.4 give or take 0.9 "no barrier is strong"."""

    def lines(n: int, fear: float, support: float = 3.0, recognition: float = 3.0) -> tuple[str, ...]:
        factors = {"fear": fear, "uncertainty": 1.5, "support": support, "recognition": recognition}
        return summarise(Released(total(MIX, n), factors=factors)).factors

    big, small = lines(2000, 3.6), lines(20, 3.6)
    assert big[0].startswith("The strongest barriers: fear of saying the wrong thing (3.6 of 5")
    assert small[0] == "No barrier is clearly strong."
    assert small[1].startswith("Too close to call as strong or not") and "fear of saying" in small[1]
    # below the line: "not strong" only where chance could not lift it to 3.5
    below = lines(20, 3.4)
    assert below[0] == "No barrier is clearly strong." and "(3.4 of 5, give or take up to 0.9)" in below[1]
    assert lines(2000, 3.3)[0].startswith("No barrier is strong (none reaches 3.5 of 5)")
    # enablers alike; "missing" only where chance could not lift the weakest above 2.5
    assert lines(20, 1.5, support=3.7)[2].startswith("Too close to call as in place or not")
    assert lines(2000, 1.5, support=3.7)[1].startswith("The strongest enablers: organisational support")
    assert "say is missing" in lines(2000, 1.5, recognition=2.2)[-1]
    assert "say is missing" not in lines(20, 1.5, recognition=2.2)[-1]


def test_a_stage_change_is_claimed_on_few_pages_where_nothing_moved_and_still_found_where_it_did():
    """Two waves drawn from one population: four stage shares tested at 95% each claimed a change on
    16-18% of pages (a review's measurement); tested together (Bonferroni) at most about 5%."""
    rng = np.random.default_rng(19)
    shares = np.array([0.2, 0.35, 0.3, 0.15])

    def claims(n: int, after_shares: np.ndarray, trials: int) -> int:
        found = 0
        for _ in range(trials):
            before, after = rng.multinomial(n, shares) / n, rng.multinomial(n, after_shares) / n
            change = {"visible": True, "n_before": n, "n_after": n}
            for key, b, a in zip(STAGE_KEYS, before, after, strict=True):
                change[f"share_{key}_before"], change[f"share_{key}_after"] = float(b), float(a)
            moved = summarise(Released(total(MIX, n), change=change, waves=("Q1", "Q3"))).moved
            found += any("a change of" in line for line in moved)
        return found

    assert claims(150, shares, 600) <= 0.06 * 600
    assert claims(150, np.array([0.05, 0.25, 0.4, 0.3]), 100) >= 95  # a real shift is still found


def test_the_top_actions_come_from_the_plan_with_the_released_figure_behind_each():
    from allypath.analytics import PlanItem

    plan = (
        PlanItem("safe_spaces", "everyone", {}, 1, "x", ("stage_action",), {"ambivalence": 0.4}),
        PlanItem("flexible_work_modelling", "everyone", {}, 2, "x", ("barrier",), {"always_available": 3.81}),
    )
    summary = summarise(Released(total(MIX, 200), factors={"always_available": 3.81}, plan=plan))
    low, high = (f"{float(v):.0%}" for v in wilson_interval(0.4 * 200, 200))
    assert summary.actions == (
        f"Safe spaces: 40% of the men (likely between {low} and {high}) are at Ambivalence.",
        "Modelling flexible work: the always-available norm is strong (3.8 of 5, give or take up to 0.3).",
    )
    assert summarise(Released(total(MIX, 200))).actions[0].startswith("No action is proposed")


# ---------------------------------------------------------------- languages


def test_french_and_arabic_write_their_own_words_numbers_and_direction():
    released = Released(
        total((0.1, 0.5, 0.25, 0.15), 600),
        factors={"safety": 4.24, "fear": 2.0, "hiding_vulnerability": 2.0, "support": 1.8},
    )
    fr, ar, en = (summarise(released, lang) for lang in ("fr", "ar", "en"))
    assert fr.where[1] == (
        "Le groupe le plus nombreux est à l'étape Ambivalence : 50\u00a0% d'entre eux "
        "(probablement entre 46\u00a0% et 54\u00a0%)."
    )
    assert (
        fr.answers[0].sentence.startswith("Oui. ")
        and "4,2 sur 5, à 0,2 près au plus (en place)" in fr.answers[0].sentence
    )
    assert "of 5" not in fr.text and "The " not in fr.text
    assert ar.direction == "rtl" and fr.direction == en.direction == "ltr"
    assert ar.answers[0].label == "نعم" and "4,2 من 5" in ar.answers[0].sentence
    assert ar.heading == "الخلاصة" and not re.search(r"\b(of|the|and)\b", ar.text)
    assert (
        [a.verdict for a in fr.answers] == [a.verdict for a in ar.answers] == [a.verdict for a in en.answers]
    )
    assert summarise(released, "de") == en  # an unknown language falls back to English


# ---------------------------------------------------------------- from the release, and only from it


@pytest.fixture
def frame() -> pd.DataFrame:
    data = scored_frame(80, seed=3, units=3, waves=2)
    data.loc[data["respondent_id"].str.match(r"w\d-r[0-2]-"), "unit"] = "Tiny"  # 3 people: below k
    return data


def allowed_numbers(released: Released) -> set[str]:
    """Every number the release holds for the selection, as the summary may write it, and the
    intervals of its changes (worked out from those figures alone)."""
    out = {"0", "100", "3.5", "5", "1"}
    row = released.total
    out.add(str(row["n"]))
    for key in KEYS:
        for part in ("share", "low", "high"):
            out.add(str(round(row[f"{part}_{key}"] * 100)))
    out |= {f"{v:.1f}" for v in released.factors.values() if isinstance(v, float) and not np.isnan(v)}
    out.add(f"{chance_margin(row['n'], LIKERT):.1f}")  # the means' margin, from the published size
    change = released.change
    if change:
        n1, n2 = int(change["n_before"]), int(change["n_after"])
        for key in KEYS:
            a, b = change[f"share_{key}_before"], change[f"share_{key}_after"]
            out |= {str(round(a * 100)), str(round(b * 100))}
            out |= {str(abs(round(x * 100))) for x in difference_interval(a, n1, b, n2)}
        a, b = change["index_before"], change["index_after"]
        out |= {str(round(a)), str(round(b))} | {
            str(abs(round(x))) for x in index_change_interval(a, n1, b, n2)
        }
    return out


def test_the_summary_holds_only_released_figures_and_names_no_group(frame):
    release = solve_release(frame, [Breakdown.of("unit")], K5)
    assert not release.cell({"wave": "W1", "unit": "Tiny"}).shown  # the hidden group exists
    released = released_figures(frame, release=release, filters={"wave": "W2"}, previous="W1")
    expected = stage_mix(frame, [], release=release, filters={"wave": "W2"}).iloc[0]
    assert released.total["share_apathy"] == pytest.approx(expected["share_apathy"])
    summary = summarise(released)
    assert summary.moved and summary.answers and summary.actions and summary.factors
    written = set(NUMBER.findall(summary.text))
    assert written and written <= allowed_numbers(released), written - allowed_numbers(released)
    for name in ("Tiny", "U0", "U1", "U2", "W1-", "unit"):
        assert name not in summary.text


def test_the_summary_is_the_same_whatever_the_order_of_the_rows_or_of_the_requests(frame):
    release = solve_release(frame, [Breakdown.of("unit")], K5)
    shuffled = frame.sample(frac=1.0, random_state=7).reset_index(drop=True)
    first = summarise(released_figures(frame, release=release, filters={"wave": "W2"}, previous="W1"))
    stage_mix(frame, "unit", release=release, filters={"wave": "W2"})  # another view asked in between
    second = summarise(released_figures(shuffled, release=release, filters={"wave": "W2"}, previous="W1"))
    assert first == second


def test_a_hidden_selection_yields_its_row_and_nothing_else(frame):
    release = solve_release(frame, [Breakdown.of("unit")], K5)
    released = released_figures(frame, release=release, filters={"wave": "W1", "unit": "Tiny"}, previous=None)
    assert not released.total["visible"] and released.factors == {} and released.plan == ()
    assert summarise(released).sentences == (summarise(released).hidden,)


def test_the_answers_follow_the_data_both_ways(frame):
    data = frame.copy()
    data["score_enabler_safety"] = np.linspace(4.0, 5.0, len(data))
    data["score_barrier_fear"] = np.linspace(1.0, 2.0, len(data))
    data["score_norm_hiding_vulnerability"] = np.linspace(1.0, 2.2, len(data))
    safe = summarise(released_figures(data, release=None, filters={"wave": "W1"}))
    assert safe.answers[0].verdict == "yes"
    data["score_enabler_safety"] = np.linspace(1.0, 2.0, len(data))
    unsafe = summarise(released_figures(data, release=None, filters={"wave": "W1"}))
    assert unsafe.answers[0].verdict == "no"


def test_every_language_has_every_sentence_and_asks_for_no_field_english_lacks():
    import string

    from allypath.analytics.narrative_words import WORDS

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    english = WORDS["en"]
    for language in ("fr", "ar"):
        assert WORDS[language].keys() == english.keys(), language
        for key, text in english.items():
            # a translation may leave a field out ("no_split": the reason is English only) but never
            # ask for one the summary does not give
            assert fields(WORDS[language][key]) <= fields(text), (language, key)
        dropped = {k for k, text in english.items() if fields(WORDS[language][k]) != fields(text)}
        assert dropped <= {"no_split"}, (language, dropped)
