"""The packaged content library and its validator: what ships passes, each kind of mistake is named."""

from __future__ import annotations

import copy
import doctest
from collections import Counter
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from allypath.cli import app
from allypath.content import (
    DEFAULT_FILES,
    FORMATS,
    MIN_ITEMS_PER_STAGE,
    ContentError,
    load_library,
    loader,
    validate_content_file,
)
from allypath.instrument import load_instrument
from allypath.model import BARRIERS, NORMS, TURNING_POINTS

runner = CliRunner()
LIBRARY = DEFAULT_FILES["library"]


@pytest.fixture(scope="module")
def packaged() -> dict:
    return yaml.safe_load(LIBRARY.read_text(encoding="utf-8"))


@pytest.fixture
def raw(packaged: dict) -> dict:
    """A fresh copy of the packaged library for each test to break."""
    return copy.deepcopy(packaged)


def write(tmp_path: Path, data: dict, name: str = "library.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def item(raw: dict, item_id: str) -> dict:
    return next(i for i in raw["items"] if i["id"] == item_id)


def rejects(tmp_path: Path, raw: dict, pattern: str) -> None:
    with pytest.raises(ContentError, match=pattern):
        validate_content_file(write(tmp_path, raw))


# --------------------------------------------------------------------------- what ships


def test_the_packaged_library_has_at_least_8_items_per_stage_in_every_format():
    library = load_library()
    homes = Counter(i.home_stage for i in library)
    assert all(homes[n] >= MIN_ITEMS_PER_STAGE for n in (1, 2, 3, 4)), homes
    assert {i.format for i in library} == set(FORMATS)
    assert library.languages == ("en", "fr", "ar")


def test_each_stage_gets_the_kind_of_content_the_research_names_for_it():
    library = load_library()
    by_home = {n: Counter(i.format for i in library if i.home_stage == n) for n in (1, 2, 3, 4)}
    assert set(by_home[1]) == {"story", "short"}
    assert by_home[2]["dialogue"] >= MIN_ITEMS_PER_STAGE
    assert by_home[3]["pathway"] >= MIN_ITEMS_PER_STAGE
    assert by_home[4]["opportunity"] >= MIN_ITEMS_PER_STAGE


def test_turning_points_and_the_two_norms_each_have_a_short_piece_or_story():
    library = load_library()
    reflective = [i for i in library if i.format in ("story", "short")]
    for tp in TURNING_POINTS:
        if tp.key != "other":
            assert any(tp.key in i.turning_points for i in reflective), tp.key
    for norm in ("always_available", "hiding_vulnerability"):
        assert any(norm in i.barriers for i in reflective), norm


def test_every_barrier_and_context_is_addressed_by_some_item():
    library = load_library()
    assert {b for i in library for b in i.barriers} == {f.key for f in BARRIERS + NORMS}
    assert {c for i in library for c in i.contexts} == set(load_instrument().contexts)


def test_pathway_steps_each_carry_a_concrete_action_in_three_languages():
    for pathway in (i for i in load_library() if i.format == "pathway"):
        assert len(pathway.steps) >= 3
        for step in pathway.steps:
            assert set(step.action) == {"en", "fr", "ar"} and all(step.action[lang] for lang in step.action)


def test_items_are_found_by_id_and_stage():
    library = load_library()
    assert library.item("pathway_fair_meetings").format == "pathway"
    assert all(2 in i.stages for i in library.for_stage(2))
    with pytest.raises(KeyError, match="no library item"):
        library.item("nope")


def test_the_cli_validates_the_packaged_library():
    result = runner.invoke(app, ["content", "validate", str(LIBRARY)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout and "allypath-library" in result.stdout


# --------------------------------------------------------------------------- each mistake, named


def test_a_missing_translation_names_the_item_and_field(tmp_path, raw):
    del item(raw, "short_always_available")["body"]["ar"]
    rejects(tmp_path, raw, r"item short_always_available: field body\.ar is missing or empty")


def test_an_undeclared_language_is_named(tmp_path, raw):
    item(raw, "short_always_available")["title"]["de"] = "Immer erreichbar"
    rejects(
        tmp_path, raw, r"item short_always_available: field title has languages not declared in the file: de"
    )


def test_arabic_must_be_in_arabic_script(tmp_path, raw):
    item(raw, "opp_sponsor")["summary"]["ar"] = "Sponsor, not only mentor"
    rejects(tmp_path, raw, r"item opp_sponsor: field summary\.ar is not written in Arabic script")


def test_french_that_copies_the_english_is_caught(tmp_path, raw):
    entry = item(raw, "opp_sponsor")
    entry["summary"]["fr"] = entry["summary"]["en"]
    rejects(tmp_path, raw, r"item opp_sponsor: field summary\.fr is a copy of the English")


def test_a_file_must_declare_the_three_languages(tmp_path, raw):
    raw["languages"] = ["en", "fr"]
    rejects(tmp_path, raw, r"file: field languages must list at least en, fr, ar")


def test_a_stage_outside_1_to_4_is_named(tmp_path, raw):
    item(raw, "opp_sponsor")["stages"] = [5]
    rejects(tmp_path, raw, r"item opp_sponsor: field stages must hold stages 1-4 \(got \[5\]\)")


def test_an_item_needs_a_stage(tmp_path, raw):
    item(raw, "opp_sponsor")["stages"] = []
    rejects(tmp_path, raw, r"item opp_sponsor: field stages must list at least one stage")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("barriers", "shyness", r"field barriers has 'shyness', not one of: uncertainty, fear"),
        ("contexts", "canteen", r"field contexts has 'canteen', not one of: team_meetings"),
        ("turning_points", "other", r"field turning_points has 'other', not one of: daughter"),
    ],
)
def test_an_unknown_tag_is_named_with_the_known_ones(tmp_path, raw, field, value, message):
    item(raw, "opp_sponsor")[field] = [value]
    rejects(tmp_path, raw, rf"item opp_sponsor: {message}")


def test_a_tag_field_must_be_written_even_when_empty(tmp_path, raw):
    del item(raw, "opp_sponsor")["contexts"]
    rejects(tmp_path, raw, r"item opp_sponsor: field contexts is missing \(write \[\] when none applies\)")


def test_a_tag_listed_twice_is_named(tmp_path, raw):
    item(raw, "opp_sponsor")["contexts"] = ["hiring_promotion", "hiring_promotion"]
    rejects(tmp_path, raw, r"item opp_sponsor: field contexts lists 'hiring_promotion' twice")


def test_a_reading_time_that_does_not_fit_the_text_is_named_with_the_word_count(tmp_path, raw):
    item(raw, "opp_sponsor")["reading_minutes"] = 9
    rejects(tmp_path, raw, r"item opp_sponsor: field reading_minutes is 9 but the English text has \d+ words")


@pytest.mark.parametrize("value", [0, 31, "2", True, None])
def test_a_reading_time_must_be_a_whole_number_of_minutes(tmp_path, raw, value):
    item(raw, "opp_sponsor")["reading_minutes"] = value
    rejects(tmp_path, raw, r"item opp_sponsor: field reading_minutes must be a whole number 1-30")


@pytest.mark.parametrize(
    "url",
    ["http://example.org/guide", "https://localhost/guide", "ftp://example.org", "https://exa mple.org", 42],
)
def test_an_outside_link_must_be_https_with_a_host(tmp_path, raw, url):
    item(raw, "opp_sponsor")["links"] = [{"url": url, "title": {"en": "Guide", "fr": "Guide", "ar": "دليل"}}]
    rejects(tmp_path, raw, r"item opp_sponsor link 1: field url must be an https address with a host name")


def test_a_good_link_passes_and_its_title_is_checked(tmp_path, raw):
    item(raw, "opp_sponsor")["links"] = [
        {"url": "https://intranet.example.org/sponsorship", "title": {"en": "x"}}
    ]
    rejects(tmp_path, raw, r"item opp_sponsor link 1: field title\.fr is missing")
    item(raw, "opp_sponsor")["links"][0]["title"] = {"en": "Sponsorship", "fr": "Parrainage", "ar": "الرعاية"}
    library = validate_content_file(write(tmp_path, raw))
    assert library.item("opp_sponsor").links[0].url == "https://intranet.example.org/sponsorship"


def test_a_related_item_that_does_not_exist_is_named(tmp_path, raw):
    item(raw, "opp_sponsor")["related"] = ["pathway_that_is_not_there"]
    rejects(
        tmp_path,
        raw,
        r"item opp_sponsor: field related names no item of the library: 'pathway_that_is_not_there'",
    )


def test_an_item_cannot_be_related_to_itself(tmp_path, raw):
    item(raw, "opp_sponsor")["related"] = ["opp_sponsor"]
    rejects(tmp_path, raw, r"item opp_sponsor: field related names the item itself")


def test_a_duplicate_id_is_named(tmp_path, raw):
    raw["items"].append(copy.deepcopy(item(raw, "opp_sponsor")))
    rejects(tmp_path, raw, r"item opp_sponsor: duplicate item id")


def test_a_malformed_id_is_named_by_position(tmp_path, raw):
    raw["items"][0]["id"] = "Story One"
    rejects(tmp_path, raw, r"item #1: field id must be a lower-case identifier \(got 'Story One'\)")


def test_an_unknown_format_is_named(tmp_path, raw):
    item(raw, "opp_sponsor")["format"] = "video"
    rejects(tmp_path, raw, r"item opp_sponsor: field format must be one of story, short, dialogue")


def test_a_dialogue_needs_three_prompts(tmp_path, raw):
    item(raw, "dialogue_the_joke")["prompts"] = item(raw, "dialogue_the_joke")["prompts"][:2]
    rejects(tmp_path, raw, r"item dialogue_the_joke: field prompts must list at least 3 texts")


def test_a_pathway_step_without_an_action_is_named(tmp_path, raw):
    del item(raw, "pathway_fair_meetings")["steps"][1]["action"]
    rejects(tmp_path, raw, r"item pathway_fair_meetings: field steps\[2\]\.action is missing")


def test_a_pathway_needs_three_steps(tmp_path, raw):
    item(raw, "pathway_fair_meetings")["steps"] = item(raw, "pathway_fair_meetings")["steps"][:2]
    rejects(tmp_path, raw, r"item pathway_fair_meetings: field steps must list at least 3 steps")


def test_an_opportunity_says_how_to_take_it_up(tmp_path, raw):
    del item(raw, "opp_sponsor")["action"]
    rejects(
        tmp_path, raw, r"item opp_sponsor: field action is missing: an opportunity says how to take it up"
    )


def test_fields_of_another_format_are_refused(tmp_path, raw):
    item(raw, "opp_sponsor")["prompts"] = item(raw, "dialogue_the_joke")["prompts"]
    rejects(tmp_path, raw, r"item opp_sponsor: field prompts belongs to dialogue items only")


def test_a_stage_with_too_few_items_is_named(tmp_path, raw):
    raw["items"] = [i for i in raw["items"] if i["stages"][0] != 4 or i["id"] == "opp_sponsor"]
    rejects(
        tmp_path, raw, rf"library: stage 4 is the home stage of 1 item\(s\); at least {MIN_ITEMS_PER_STAGE}"
    )


def test_a_turning_point_without_a_story_is_named(tmp_path, raw):
    for entry in raw["items"]:
        if entry["format"] in ("story", "short"):
            entry["turning_points"] = [t for t in entry["turning_points"] if t != "female_leader"]
    rejects(
        tmp_path, raw, r"library: no story or short-form piece is about the turning point 'female_leader'"
    )


def test_a_norm_without_a_short_piece_is_named(tmp_path, raw):
    for entry in raw["items"]:
        if entry["format"] in ("story", "short"):
            entry["barriers"] = [b for b in entry["barriers"] if b != "hiding_vulnerability"]
    rejects(tmp_path, raw, r"library: no story or short-form piece is about the norm 'hiding_vulnerability'")


def test_every_problem_is_listed_at_once(tmp_path, raw):
    del item(raw, "opp_sponsor")["title"]["fr"]
    item(raw, "dialogue_the_joke")["stages"] = [2, 0]
    item(raw, "pathway_fair_meetings")["reading_minutes"] = 20
    with pytest.raises(ContentError, match="3 problem") as caught:
        validate_content_file(write(tmp_path, raw))
    text = str(caught.value)
    assert "opp_sponsor" in text and "dialogue_the_joke" in text and "pathway_fair_meetings" in text


# --------------------------------------------------------------------------- the file itself


def test_a_file_without_a_known_kind_is_refused(tmp_path, raw):
    raw["kind"] = "podcasts"
    rejects(tmp_path, raw, r"field kind must be one of library, dilemmas, circle_guides \(got 'podcasts'\)")


def test_a_missing_header_field_is_named(tmp_path, raw):
    del raw["version"]
    rejects(tmp_path, raw, r"file: field 'version' is missing")


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("kind: library\nitems: [\n", encoding="utf-8")
    with pytest.raises(ContentError, match="line"):
        validate_content_file(path)


def test_non_utf8_and_missing_files_are_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ContentError, match="not UTF-8"):
        validate_content_file(path)
    with pytest.raises(ContentError, match="no such content file"):
        validate_content_file(tmp_path / "absent.yaml")


def test_loading_a_file_of_another_kind_as_the_library_is_refused(tmp_path):
    path = write(
        tmp_path, {"kind": "circle_guides", "id": "x", "version": "1", "languages": ["en", "fr", "ar"]}
    )
    with pytest.raises(ContentError):
        load_library(path)


def test_the_cli_names_each_problem_and_exits_2(tmp_path, raw):
    del item(raw, "short_always_available")["body"]["fr"]
    result = runner.invoke(app, ["content", "validate", str(write(tmp_path, raw))])
    assert result.exit_code == 2
    assert "item short_always_available: field body.fr is missing or empty" in result.output


def test_the_loader_docstring_examples_run():
    assert doctest.testmod(loader, raise_on_error=False).failed == 0
