"""An organisation's own library items: one item checked by the library's rules, in its own languages."""

from __future__ import annotations

from typing import Any

import pytest

from allypath.content import (
    ContentError,
    Profile,
    load_library,
    next_items,
    suggest_reading_minutes,
    validate_item,
)

BODY = "Chaque parent a droit à seize semaines de congé, payées en entier, sans effet sur la promotion."


def spec(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "org_item_1",
        "format": "short",
        "stages": [1, 2],
        "barriers": ["low_policy_awareness"],
        "contexts": [],
        "turning_points": ["father"],
        "reading_minutes": 1,
        "title": {"fr": "Nos congés parentaux"},
        "summary": {"fr": "Ce que prévoit notre accord, en une minute."},
        "body": {"fr": BODY},
    }
    return base | changes


def test_an_item_in_one_language_passes_and_keeps_its_tags():
    item = validate_item(spec(), languages=["fr"])
    assert item.id == "org_item_1"
    assert item.stages == (1, 2) and item.home_stage == 1
    assert item.barriers == ("low_policy_awareness",) and item.turning_points == ("father",)
    assert item.body.get_lang("fr") == BODY


def test_a_text_missing_in_a_declared_language_is_named():
    with pytest.raises(ContentError, match=r"item org_item_1: field title\.en is missing"):
        validate_item(spec(), languages=["fr", "en"])


def test_an_unknown_language_or_none_is_refused():
    with pytest.raises(ContentError, match="one or more of en, fr, ar"):
        validate_item(spec(), languages=["de"])
    with pytest.raises(ContentError, match="one or more of en, fr, ar"):
        validate_item(spec(), languages=[])


def test_arabic_must_be_in_arabic_script_here_too():
    with pytest.raises(ContentError, match=r"field body\.ar is not written in Arabic script"):
        validate_item(
            spec(title={"ar": "إجازة الوالدين"}, summary={"ar": "ما ينص عليه الاتفاق."}, body={"ar": BODY}),
            languages=["ar"],
        )


def test_the_reading_time_is_checked_on_the_language_it_is_written_in():
    long_body = {"fr": "mot " * 1200}
    with pytest.raises(ContentError, match=r"reading_minutes is 1 but the French text has 12\d\d words"):
        validate_item(spec(body=long_body), languages=["fr"])
    minutes = suggest_reading_minutes(["mot " * 1200, "Nos congés parentaux"])
    assert validate_item(spec(body=long_body, reading_minutes=minutes), languages=["fr"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"stages": [5]}, "stages must hold stages 1-4"),
        ({"barriers": ["grumpiness"]}, "field barriers has 'grumpiness'"),
        ({"format": "podcast"}, "field format must be one of"),
        ({"format": "dialogue"}, "field prompts must list at least 3 texts"),
        ({"format": "opportunity"}, "an opportunity says how to take it up"),
        ({"links": [{"url": "http://intranet/leave", "title": {"fr": "Accord"}}]}, "https address"),
        ({"related": ["short_becoming_a_father"]}, "related belongs to the library file"),
    ],
)
def test_each_kind_of_mistake_is_named(changes: dict[str, Any], message: str):
    with pytest.raises(ContentError, match=message):
        validate_item(spec(**changes), languages=["fr"])


def test_every_problem_is_listed_at_once():
    with pytest.raises(ContentError) as caught:
        validate_item(spec(stages=[7], barriers=["x"], title={"fr": ""}), languages=["fr"])
    assert "3 problem(s)" in str(caught.value)


def test_a_malformed_id_is_refused():
    with pytest.raises(ContentError, match="lower-case identifier"):
        validate_item(spec(id="Own Item"), languages=["fr"])


def test_suggested_reading_times_always_pass_the_validator():
    for words in (0, 10, 150, 199, 201, 450, 2000, 5000):
        text = "mot " * words
        body = {"fr": text or "Un mot."}
        minutes = suggest_reading_minutes(
            [text, "Nos congés parentaux", "Ce que prévoit notre accord, en une minute."]
        )
        if minutes <= 30:
            assert validate_item(spec(body=body, reading_minutes=minutes), languages=["fr"])


def test_an_own_item_added_to_the_library_is_chosen_for_its_stage_and_turning_point():
    own = validate_item(spec(stages=[1]), languages=["fr"])
    library = load_library()
    mixed = library.with_items([own])
    assert len(mixed) == len(library) + 1 and mixed.item(own.id) is own
    picks = next_items(Profile(stage=1, barrier="low_policy_awareness", turning_point="father"), mixed, n=3)
    assert own.id in [p.item.id for p in picks]
    # a man at stage 3 is not offered a stage-1 item
    picks = next_items(Profile(stage=3, barrier="low_policy_awareness", turning_point="father"), mixed, n=20)
    assert own.id not in [p.item.id for p in picks]


def test_an_own_item_cannot_take_an_id_of_the_library():
    library = load_library()
    clash = validate_item(spec(id=library.items[0].id), languages=["fr"])
    with pytest.raises(ContentError, match="is taken"):
        library.with_items([clash])


def test_own_items_put_first_win_ties_with_shipped_ones():
    library = load_library()
    profile = Profile(stage=1)
    shipped_best = next_items(profile, library, n=1)[0]
    twin = validate_item(
        spec(
            format=shipped_best.item.format,
            stages=list(shipped_best.item.stages),
            barriers=[],
            turning_points=[],
        ),
        languages=["fr"],
    )
    assert next_items(profile, library.with_items([twin]), n=1)[0].item.id == shipped_best.item.id
    assert next_items(profile, library.with_items([twin], first=True), n=1)[0].item.id == twin.id
