"""One answer rule table: the web's check of one respondent (the survey pages, the API) and the file
import's check of a wide table refuse the same bad answers, with the same codes and reasons."""

from __future__ import annotations

import pandas as pd
import pytest

from allypath.instrument import NOT_APPLICABLE, load_instrument
from allypath.instrument.answers import MAX_TEXT, answer_rules, check_answers, check_wide
from allypath.web.survey.answers import check_answers as web_check_answers

FORM = load_instrument().form("full")
NA_ITEM = next(i.id for i in FORM.items if i.not_applicable is not None)
KC = next(i for i in FORM.items if i.type == "checklist" and any(o.exclusive for o in i.options))
KC_EXCLUSIVE = next(o.id for o in KC.options if o.exclusive)
KC_OTHER = next(o.id for o in KC.options if not o.exclusive)

BAD = {
    "ap1": 7,  # outside the scale
    "ap7": 0,  # "does not apply" where the item does not offer it
    "ap4": 2.5,  # not a whole number
    "ap3": "often",  # not a number
    "sp1": 9,  # not an option
    KC.id: [KC_OTHER, KC_EXCLUSIVE],  # an exclusive option with another
    "ot1": "x" * (MAX_TEXT + 1),  # too long
    "ot2": "a\x00b",  # a control character
}
GOOD = {"ap1": 3, NA_ITEM: NOT_APPLICABLE, "sp1": 2, KC.id: [KC_OTHER], "ot1": " fine "}


def wide(answers: dict[str, object]) -> dict[str, object]:
    """The answers as one row of the wide format, as a file holds them (a checklist: 0/1 per option)."""
    row: dict[str, object] = {}
    for item_id, value in answers.items():
        item = next(i for i in FORM.items if i.id == item_id)
        if item.type == "checklist":
            assert isinstance(value, list)
            row.update({f"{item.id}_{o.id}": int(o.id in value) for o in item.options})
        else:
            row[item_id] = value
    return row


def test_the_web_check_is_the_domain_check():
    assert web_check_answers is check_answers


def test_the_web_and_the_file_check_refuse_the_same_answers_with_the_same_reasons():
    _, web_errors = check_answers(BAD, FORM)
    file_errors = check_wide(pd.DataFrame([wide(BAD)]), FORM)[0]
    assert len(web_errors) == len(BAD)  # each bad answer is named
    assert [(e.item, e.code, e.message) for e in file_errors] == [
        (e.item, e.code, e.message) for e in web_errors
    ]
    codes = {e.item: e.code for e in web_errors}
    assert codes["ap1"] == codes["ap7"] == "out_of_range" and codes["sp1"] == "not_an_option"
    assert codes["ap4"] == codes["ap3"] == "not_whole" and codes[KC.id] == "exclusive"
    assert codes["ot1"] == "too_long" and codes["ot2"] == "control_characters"


@pytest.mark.parametrize("item_id", sorted(BAD))
def test_each_bad_answer_alone_is_refused_by_both_the_same_way(item_id: str):
    answers = {**GOOD, item_id: BAD[item_id]}
    _, web_errors = check_answers(answers, FORM)
    rows = pd.DataFrame([wide(GOOD), wide(answers)])
    fine, file_errors = check_wide(rows, FORM)
    assert fine == [] and [e.item for e in web_errors] == [item_id]
    assert [(e.code, e.message) for e in file_errors] == [(e.code, e.message) for e in web_errors]


@pytest.mark.parametrize("value", [float("inf"), float("-inf")])
def test_an_infinity_is_refused_by_both_the_same_way_not_raised(value: float):
    # check_wide took inf for a whole number and raised OverflowError turning it into an int
    answers = {**GOOD, "ap1": value}
    _, web_errors = check_answers(answers, FORM)
    (file_errors,) = check_wide(pd.DataFrame([wide(answers)]), FORM)
    assert [(e.code, e.message) for e in file_errors] == [(e.code, e.message) for e in web_errors]
    assert [e.code for e in web_errors] == ["not_whole"]


def test_good_answers_pass_both():
    clean, errors = check_answers(GOOD, FORM)
    assert errors == [] and clean[NA_ITEM] == NOT_APPLICABLE and clean["ot1"] == "fine"
    assert check_wide(pd.DataFrame([wide(GOOD)]), FORM) == [[]]


def test_scoring_reads_the_same_table():
    rules = answer_rules(FORM)
    assert answer_rules(FORM) is rules  # built once per form
    ap1 = rules.position["ap1"]
    assert (rules.lo[ap1], rules.hi[ap1]) == (1, 5) and not rules.not_applicable[ap1]
    assert rules.explain_zero[ap1] and rules.not_applicable[rules.position[NA_ITEM]]
