"""The packaged instrument and the validator."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from allypath.errors import InstrumentError
from allypath.instrument import CONSTRUCT_KINDS, DEFAULT_INSTRUMENT, load_instrument, validate_instrument_file


@pytest.fixture(scope="module")
def packaged_text() -> str:
    return DEFAULT_INSTRUMENT.read_text(encoding="utf-8")


@pytest.fixture
def raw(packaged_text: str) -> dict:
    """A fresh copy of the packaged definition for each test to break."""
    return yaml.safe_load(packaged_text)


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "inst.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_packaged_instrument_has_id_version_and_three_languages():
    inst = load_instrument()
    assert inst.id == "allypath-core"
    assert inst.version == "1.1.0"
    assert inst.languages == ("en", "fr", "ar")


def test_every_text_exists_in_every_language():
    inst = load_instrument()
    for item in inst.items:
        for lang in inst.languages:
            assert item.text[lang].strip(), (item.id, lang)
            for option in item.options:
                assert option.text[lang].strip(), (item.id, option, lang)
    for scale in inst.scales.values():
        for anchor in scale.anchors.values():
            assert set(anchor) == set(inst.languages)
    for construct in inst.constructs:
        assert set(construct.label) == set(inst.languages)


def test_the_instrument_covers_the_constructs_the_issue_requires():
    inst = load_instrument()
    kinds = {c.kind for c in inst.constructs}
    assert kinds == set(CONSTRUCT_KINDS)
    for stage in (1, 2, 3, 4):
        scale = [c for c in inst.constructs_of("stage") if c.stage == stage]
        assert len(scale) == 1 and len(scale[0].items) >= 5
    assert any(i.reverse for c in inst.constructs_of("stage") for i in c.items)
    sizes = {c.id: len(c.items) for c in inst.constructs}
    assert sizes["belief_zero_sum"] >= 4 and sizes["belief_awareness"] >= 3
    assert sizes["knowledge_claimed"] >= 2
    for barrier in ("uncertainty", "fear", "unwelcome", "expectations"):
        assert sizes[f"barrier_{barrier}"] >= 3
    for norm in ("always_available", "hiding_vulnerability"):
        assert sizes[f"norm_{norm}"] >= 3
    assert all(len(c.items) >= 2 for c in inst.constructs_of("enabler"))
    assert sizes["behaviour_allyship"] >= 6
    assert set(inst.contexts) >= {
        "team_meetings",
        "hiring_promotion",
        "flexible_caregiving",
        "informal_social",
    }
    for construct in inst.constructs_of("context"):
        assert {i.stage for i in construct.items} == {1, 2, 3, 4}
    tp = inst.item("tp")
    assert {o.id for o in tp.options} >= {
        "daughter",
        "partner",
        "colleague",
        "female_leader",
        "father",
        "other",
    }
    assert len([i for i in inst.items if i.type == "text"]) == 2


def test_short_form_has_at_most_30_items_and_places_the_stage():
    short = load_instrument().form("short")
    assert len(short.items) <= 30
    for construct in short.constructs_of("stage"):
        assert len(construct.items) >= 3
    assert short.constructs_of("self_placement")


def test_checklists_expand_to_one_column_per_option():
    inst = load_instrument()
    kc = inst.item("kc")
    assert [c.id for c in inst.columns if c.item is kc] == [f"kc_{o.id}" for o in kc.options]
    assert all(inst.column(f"kc_{o.id}").max == 1 for o in kc.options)


def test_export_matches_the_contract():
    data = load_instrument().to_export_dict()
    assert set(data) == {"id", "version", "languages", "constructs", "items"}
    assert {"id", "kind", "label"} == set(data["constructs"][0])
    for item in data["items"]:
        assert set(item) == {
            "id",
            "construct",
            "stage",
            "reverse",
            "context",
            "scale",
            "text",
            "not_applicable",
        }
        assert item["stage"] in (None, 1, 2, 3, 4)
        if item["not_applicable"] is not None:
            assert item["not_applicable"]["value"] == 0
            assert set(item["not_applicable"]["text"]) == {"en", "fr", "ar"}
        assert isinstance(item["reverse"], bool)
        assert set(item["text"]) == {"en", "fr", "ar"}
        if item["scale"] is not None:
            assert item["scale"]["min"] < item["scale"]["max"]


def test_validator_rejects_a_duplicate_item_id_naming_it(tmp_path, raw):
    raw["constructs"][1]["items"][0]["id"] = raw["constructs"][0]["items"][0]["id"]
    dup = raw["constructs"][0]["items"][0]["id"]
    with pytest.raises(InstrumentError, match=f"item {dup}: duplicate item id"):
        validate_instrument_file(write(tmp_path, raw))


def test_validator_takes_short_as_true_or_false_only(tmp_path, raw):
    """A quoted 'no' is text, and text read as a flag is true: it put the item on the short form."""
    item = raw["constructs"][0]["items"][0]
    item["short"] = "no"
    with pytest.raises(
        InstrumentError, match=rf"item {item['id']}: field short must be true or false \(got 'no'\)"
    ):
        validate_instrument_file(write(tmp_path, raw))


def test_validator_refuses_a_scale_it_cannot_read_in_words_not_a_traceback_or_a_hang(tmp_path, raw):
    """``anchors: [1]`` raised IndexError; a max of 10**23 built anchors for minutes (a review)."""
    key, scale = next(iter(raw["response_scales"].items()))
    raw["response_scales"][key] = {**scale, "anchors": [1]}
    with pytest.raises(
        InstrumentError, match=rf"scale {key}: field anchors must map each value to its words"
    ):
        validate_instrument_file(write(tmp_path, raw))
    raw["response_scales"][key] = {**scale, "max": 10**23}
    with pytest.raises(
        InstrumentError, match=rf"scale {key}: fields min/max give \d+ points; a scale has at most 101"
    ):
        validate_instrument_file(write(tmp_path, raw))


def test_validator_rejects_a_missing_translation_naming_item_and_field(tmp_path, raw):
    item = raw["constructs"][0]["items"][2]
    del item["text"]["ar"]
    with pytest.raises(InstrumentError, match=rf"item {item['id']}: field text\.ar is missing"):
        validate_instrument_file(write(tmp_path, raw))


def test_validator_rejects_an_empty_construct(tmp_path, raw):
    raw["constructs"][3]["items"] = []
    with pytest.raises(
        InstrumentError, match=rf"construct {raw['constructs'][3]['id']}: field items is empty"
    ):
        validate_instrument_file(write(tmp_path, raw))


def test_validator_rejects_a_bad_scale(tmp_path, raw):
    raw["response_scales"]["agree5"]["min"] = 7
    with pytest.raises(InstrumentError, match="scale agree5: fields min/max must be integers with min < max"):
        validate_instrument_file(write(tmp_path, raw))


def test_validator_rejects_an_unknown_scale_reference(tmp_path, raw):
    item = raw["constructs"][0]["items"][0]
    item["scale"] = "agree7"
    with pytest.raises(InstrumentError, match=rf"item {item['id']}: field scale names no declared"):
        validate_instrument_file(write(tmp_path, raw))


def test_validator_lists_every_problem_at_once(tmp_path, raw):
    del raw["constructs"][0]["items"][0]["text"]["fr"]
    del raw["constructs"][1]["items"][0]["text"]["ar"]
    with pytest.raises(InstrumentError, match="2 problem"):
        validate_instrument_file(write(tmp_path, raw))


def test_validator_names_the_line_of_broken_yaml(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nversion: [1,\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="line"):
        validate_instrument_file(path)


def test_validator_refuses_a_key_given_twice_with_its_line(tmp_path):
    """An item with ``scale:`` twice passed the check ("valid"): PyYAML keeps the last one."""
    path = tmp_path / "twice.yaml"
    path.write_text("id: x\nversion: '1'\nconstructs:\n  - id: c\n    kind: barrier\n    kind: enabler\n")
    with pytest.raises(
        InstrumentError, match=r"line 6, column 5: the key 'kind' is given twice \(first on line 5\)"
    ):
        validate_instrument_file(path)


def test_validator_refuses_non_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InstrumentError, match="not UTF-8"):
        validate_instrument_file(path)


def test_single_choice_values_without_gaps_make_one_answer_rule(raw, tmp_path):
    """Scoring checks a single-choice answer's range, the web and imports its option values: the same
    rule only when the values have no gap, so the validator refuses a gap (docs/scoring.md)."""
    item = next(i for c in raw["constructs"] for i in c["items"] if i["id"] == "sp1")
    item["options"][-1]["value"] = 7  # 1, 2, 3, 7
    with pytest.raises(
        InstrumentError, match=r"sp1(.|\n)*options must have values without gaps \(got 1, 2, 3, 7\)"
    ):
        validate_instrument_file(write(tmp_path, raw))
