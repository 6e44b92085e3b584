"""Instrument 1.1.0 and the 1.0.0 it replaces: both packaged, 1.0.0 files still score as they did, and
the 1.1.0 texts keep the rules of issue 15 (CHANGELOG.md says what changed and why)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

import allypath
from allypath.errors import InstrumentError
from allypath.instrument import (
    DEFAULT_INSTRUMENT,
    PACKAGED_INSTRUMENTS,
    instrument_for_columns,
    load_instrument,
    validate_instrument_file,
)

DATA = Path(__file__).with_name("data")
CHANGELOG = DEFAULT_INSTRUMENT.with_name("CHANGELOG.md")
OLD, NEW = load_instrument(version="1.0.0"), load_instrument(version="1.1.0")
RETIRED = {"ap2", "ap5", "am6", "re6"}


def test_both_versions_are_packaged_and_the_default_is_the_newest():
    assert list(PACKAGED_INSTRUMENTS) == ["1.0.0", "1.1.0"]
    assert load_instrument() is NEW and load_instrument(DEFAULT_INSTRUMENT) is NEW
    assert (OLD.id, OLD.version, NEW.version) == ("allypath-core", "1.0.0", "1.1.0")
    with pytest.raises(
        InstrumentError, match=r"no packaged instrument version '0\.9'; packaged: 1\.0\.0, 1\.1\.0"
    ):
        load_instrument(version="0.9")
    with pytest.raises(ValueError, match="either path or version"):
        load_instrument(DEFAULT_INSTRUMENT, version="1.0.0")


def test_the_1_0_0_definition_is_the_released_one():
    # Content of allypath-v1.yaml at version 1.0.0 (comments aside): it must never change.
    raw = yaml.safe_load(PACKAGED_INSTRUMENTS["1.0.0"].read_text(encoding="utf-8"))
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    assert digest == "d90747cf06d6fae17a2ed68fb531a173076649fff84ab27b2cc889f6197d2740"


def test_an_id_in_both_versions_keeps_its_construct_stage_keying_and_scale():
    both = {i.id for i in OLD.items} & {i.id for i in NEW.items}
    for item_id in both:
        old, new = OLD.item(item_id), NEW.item(item_id)
        assert (old.construct, old.stage, old.reverse, old.type, old.value_range) == (
            new.construct,
            new.stage,
            new.reverse,
            new.type,
            new.value_range,
        ), item_id
    assert {i.id for i in OLD.items} - {i.id for i in NEW.items} == RETIRED


def test_a_file_is_scored_by_the_version_its_columns_belong_to(tmp_path):
    old_full = allypath.simulate(30, seed=5, instrument=OLD)
    old_short = allypath.simulate(30, seed=5, instrument=OLD, form="short")
    new_full = allypath.simulate(30, seed=5)
    assert instrument_for_columns(old_full.columns) is OLD
    assert instrument_for_columns(old_short.columns) is OLD  # ap2 is in the 1.0.0 short form
    assert instrument_for_columns(new_full.columns) is NEW
    assert instrument_for_columns(["respondent_id", "org"]) is NEW
    # a typo stays with the instrument given, whose unknown columns scoring reports
    assert instrument_for_columns(["ap1", "ap99"]) is NEW
    assert instrument_for_columns(["ap1", "re6", "re99"], NEW) is NEW  # no version has re99
    # an instrument that is not a packaged one is never swapped
    copy = tmp_path / "mine.yaml"
    copy.write_bytes(PACKAGED_INSTRUMENTS["1.1.0"].read_bytes())
    custom = validate_instrument_file(copy)
    assert instrument_for_columns(old_full.columns, custom).version == "1.1.0"


def test_1_0_0_answers_score_as_they_did():
    answers = pd.read_csv(DATA / "answers-1.0.0.csv")
    instrument = instrument_for_columns(answers.columns)
    assert instrument is OLD
    scored = allypath.score(answers, instrument)
    assert scored.attrs["instrument"] == "allypath-core 1.0.0"
    pd.testing.assert_frame_equal(scored, allypath.score(answers, load_instrument(version="1.0.0")))
    # Stages as main scored this file before 1.1.0 (regenerate only if the scoring model changed on
    # purpose: a different instrument must never change them).
    before = pd.read_csv(DATA / "scores-1.0.0.csv", dtype={"stage": "Int64"})
    assert scored["respondent_id"].tolist() == before["respondent_id"].tolist()
    assert scored["status"].astype(str).tolist() == before["status"].tolist()
    assert scored["stage"].astype("Int64").tolist() == before["stage"].tolist()


# --------------------------------------------------------------------------- the 1.1.0 texts


def stage_items(instrument):
    return [i for c in instrument.constructs if c.kind in ("stage", "context") for i in c.items]


def test_no_middle_stage_item_is_reverse_keyed():
    assert not [i.id for i in stage_items(NEW) if i.stage in (2, 3) and i.reverse]
    assert not [i.id for i in NEW.construct("stage_apathy").items if i.reverse]


def test_every_text_exists_in_every_language_including_does_not_apply():
    for item in NEW.items:
        texts = [item.text, *(o.text for o in item.options)]
        if item.not_applicable is not None:
            texts.append(item.not_applicable.text)
        for text in texts:
            assert all(text[lang].strip() for lang in NEW.languages), item.id
    for construct in NEW.constructs:
        assert all(construct.label[lang].strip() for lang in NEW.languages), construct.id


def test_the_items_that_need_an_opportunity_offer_does_not_apply():
    offering = {i.id for i in NEW.items if i.not_applicable is not None}
    assert offering == {"en4", "ch3", "ch4", "cf4", "er3"}
    label = NEW.item("en4").not_applicable.text
    assert dict(label) == {
        "en": "Does not apply to me",
        "fr": "Ne s'applique pas à ma situation",
        "ar": "لا ينطبق عليّ",
    }


def test_the_french_answer_options_say_what_the_english_ones_say():
    agree = NEW.scales["agree5"].anchors
    assert [agree[v]["en"] for v in range(1, 6)] == [
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ]
    # "Plutôt (pas) d'accord" ("rather (dis)agree") was softer than "Disagree"/"Agree"
    assert [agree[v]["fr"] for v in range(1, 6)] == [
        "Pas du tout d'accord",
        "Pas d'accord",
        "Ni d'accord ni pas d'accord",
        "D'accord",
        "Tout à fait d'accord",
    ]
    for scale in NEW.scales.values():
        assert all(set(anchor) == set(NEW.languages) for anchor in scale.anchors.values())


def test_french_says_egalite_femmes_hommes_in_full():
    texts = [i.text["fr"] for i in NEW.items] + [o.text["fr"] for i in NEW.items for o in i.options]
    texts += [c.label["fr"] for c in NEW.constructs]
    short = [t for t in texts if re.search(r"égalité(?! femmes-hommes| salariale entre les femmes)", t)]
    assert not short


def test_the_arabic_of_en4_names_the_position_at_work():
    assert "موقعي" not in NEW.item("en4").text["ar"]


def test_the_enablers_the_research_names_have_items():
    kinds = {c.id: c.kind for c in NEW.constructs}
    assert kinds["enabler_scenario_training"] == kinds["enabler_ally_circles"] == "enabler"
    assert len(NEW.construct("enabler_scenario_training").items) == 2
    assert len(NEW.construct("enabler_ally_circles").items) == 2
    recognition = " ".join(i.text["en"] for i in NEW.construct("enabler_recognition").items)
    assert "development plan" in recognition and "promotion" in recognition


def test_the_short_form_keeps_its_size_and_three_items_per_stage():
    short = NEW.form("short")
    assert len(short.items) <= 30
    assert all(len(c.items) >= 3 for c in short.constructs_of("stage"))
    assert not [i.id for i in short.items if i.construct.startswith("enabler_") and i.id[:2] in ("ed", "ec")]


def test_the_changelog_gives_every_changed_new_and_retired_item_a_reason():
    text = CHANGELOG.read_text(encoding="utf-8")
    old_ids = {i.id: i for i in OLD.items}
    for item in NEW.items:
        before = old_ids.get(item.id)
        changed = (
            before is None
            or dict(before.text) != dict(item.text)
            or [dict(o.text) for o in before.options] != [dict(o.text) for o in item.options]
            or (before.not_applicable is None) != (item.not_applicable is None)
        )
        if changed:
            entry = re.search(rf"^- \*\*`{item.id}`, (.*?)$\n  (Option .*\n  )*Reason: \S", text, re.M)
            assert entry, f"{item.id} changed but the changelog has no entry with a reason"
    for item_id in RETIRED:
        assert re.search(rf"^- \*\*`{item_id}`, retired\*\*.*\n  Reason: \S", text, re.M), item_id
