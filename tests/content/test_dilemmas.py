"""The packaged scenario dilemmas and their validator."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from allypath.cli import app
from allypath.content import (
    DEFAULT_FILES,
    MIN_DILEMMAS_PER_CONTEXT,
    ContentError,
    load_dilemmas,
    validate_content_file,
)
from allypath.instrument import load_instrument

runner = CliRunner()
DILEMMAS = DEFAULT_FILES["dilemmas"]


@pytest.fixture(scope="module")
def packaged() -> dict:
    return yaml.safe_load(DILEMMAS.read_text(encoding="utf-8"))


@pytest.fixture
def raw(packaged: dict) -> dict:
    return copy.deepcopy(packaged)


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "dilemmas.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def dilemma(raw: dict, dilemma_id: str) -> dict:
    return next(d for d in raw["dilemmas"] if d["id"] == dilemma_id)


def rejects(tmp_path: Path, raw: dict, pattern: str) -> None:
    with pytest.raises(ContentError, match=pattern):
        validate_content_file(write(tmp_path, raw))


def test_every_work_context_of_the_instrument_has_at_least_3_dilemmas():
    per_context = Counter(d.context for d in load_dilemmas())
    contexts = load_instrument().contexts
    assert set(per_context) == set(contexts)
    assert all(per_context[c] >= MIN_DILEMMAS_PER_CONTEXT for c in contexts), per_context


def test_every_dilemma_has_options_with_outcomes_a_debrief_and_notes_in_three_languages():
    for d in load_dilemmas():
        assert 3 <= len(d.options) <= 5
        texts = [d.title, d.situation, d.debrief, d.facilitator_notes]
        texts += [t for o in d.options for t in (o.text, o.outcome)]
        for text in texts:
            assert set(text) == {"en", "fr", "ar"} and all(text[lang].strip() for lang in text)


def test_each_stage_has_a_dilemma_in_every_context():
    dilemmas = load_dilemmas()
    for context in load_instrument().contexts:
        for stage in (1, 2, 3, 4):
            assert any(stage in d.stages for d in dilemmas.for_context(context)), (context, stage)


def test_the_cli_validates_the_packaged_dilemmas():
    result = runner.invoke(app, ["content", "validate", str(DILEMMAS)])
    assert result.exit_code == 0, result.output
    assert "12 dilemmas" in result.stdout or "dilemmas (" in result.stdout


def test_an_unknown_context_is_named_with_the_instrument_contexts(tmp_path, raw):
    dilemma(raw, "social_group_chat")["context"] = "canteen"
    rejects(
        tmp_path, raw, r"dilemma social_group_chat: field context must be one of the instrument's contexts"
    )


def test_a_context_with_too_few_dilemmas_is_named(tmp_path, raw):
    raw["dilemmas"] = [d for d in raw["dilemmas"] if d["id"] != "social_group_chat"]
    rejects(tmp_path, raw, r"dilemmas: context 'informal_social' has 2 dilemmas; at least 3")


def test_a_dilemma_needs_three_to_five_options(tmp_path, raw):
    dilemma(raw, "social_group_chat")["options"] = dilemma(raw, "social_group_chat")["options"][:2]
    rejects(tmp_path, raw, r"dilemma social_group_chat: field options must list 3 to 5 options")


def test_an_option_without_an_outcome_is_named(tmp_path, raw):
    del dilemma(raw, "social_group_chat")["options"][1]["outcome"]
    rejects(tmp_path, raw, r"dilemma social_group_chat: field options\[2\]\.outcome is missing")


def test_a_repeated_option_id_is_named(tmp_path, raw):
    options = dilemma(raw, "social_group_chat")["options"]
    options[2]["id"] = options[0]["id"]
    rejects(tmp_path, raw, r"dilemma social_group_chat: field options\[3\]\.id repeats 'ignore'")


def test_a_missing_debrief_translation_is_named(tmp_path, raw):
    del dilemma(raw, "flex_your_own_leave")["debrief"]["fr"]
    rejects(tmp_path, raw, r"dilemma flex_your_own_leave: field debrief\.fr is missing or empty")


def test_facilitator_notes_are_required(tmp_path, raw):
    del dilemma(raw, "flex_your_own_leave")["facilitator_notes"]
    rejects(tmp_path, raw, r"dilemma flex_your_own_leave: field facilitator_notes is missing")


def test_a_dilemma_reading_time_is_checked(tmp_path, raw):
    dilemma(raw, "flex_your_own_leave")["reading_minutes"] = 12
    rejects(tmp_path, raw, r"dilemma flex_your_own_leave: field reading_minutes is 12 but the English text")


def test_dilemma_stages_and_barriers_are_checked(tmp_path, raw):
    dilemma(raw, "flex_your_own_leave")["stages"] = [0]
    dilemma(raw, "flex_your_own_leave")["barriers"] = ["tiredness"]
    with pytest.raises(ContentError) as caught:
        validate_content_file(write(tmp_path, raw))
    assert "dilemma flex_your_own_leave: field stages must hold stages 1-4" in str(caught.value)
    assert "dilemma flex_your_own_leave: field barriers has 'tiredness'" in str(caught.value)
