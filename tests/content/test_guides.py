"""The circle-guide file's validator, and `allypath content validate` on everything that ships."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from allypath.cli import app
from allypath.content import DEFAULT_FILES, ContentError, validate_content_file

runner = CliRunner()
GUIDES = DEFAULT_FILES["circle_guides"]


@pytest.fixture
def raw() -> dict:
    return copy.deepcopy(yaml.safe_load(GUIDES.read_text(encoding="utf-8")))


def rejects(tmp_path: Path, raw: dict, pattern: str) -> None:
    path = tmp_path / "guides.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError, match=pattern):
        validate_content_file(path)


def test_make_test_runs_content_validate_on_everything_that_ships():
    result = runner.invoke(app, ["content", "validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("valid") == 3
    assert "35 items" in result.stdout and "12 dilemmas" in result.stdout and "12 sessions" in result.stdout


def test_a_guide_needs_exactly_six_sessions(tmp_path, raw):
    raw["guides"][0]["sessions"] = raw["guides"][0]["sessions"][:5]
    rejects(tmp_path, raw, r"guide circle_open_start: field sessions must list exactly 6 sessions")


def test_a_session_without_its_one_action_is_named(tmp_path, raw):
    del raw["guides"][1]["sessions"][3]["one_action"]
    rejects(tmp_path, raw, r"guide circle_into_action session 4: field one_action is missing")


def test_a_session_needs_two_prompts(tmp_path, raw):
    raw["guides"][1]["sessions"][0]["prompts"] = raw["guides"][1]["sessions"][0]["prompts"][:1]
    rejects(tmp_path, raw, r"guide circle_into_action session 1: field prompts must list at least 2 texts")


def test_a_missing_theme_translation_is_named(tmp_path, raw):
    del raw["guides"][0]["sessions"][2]["theme"]["ar"]
    rejects(tmp_path, raw, r"guide circle_open_start session 3: field theme\.ar is missing or empty")


def test_each_mix_needs_exactly_one_guide(tmp_path, raw):
    raw["guides"][1]["mix"] = "learners_majority"
    rejects(tmp_path, raw, r"guides: the mix 'learners_majority' has 2 guides; it needs exactly one")


def test_an_unknown_mix_is_named(tmp_path, raw):
    raw["guides"][1]["mix"] = "experts"
    rejects(
        tmp_path,
        raw,
        r"guide circle_into_action: field mix must be one of learners_majority, hosts_half_or_more",
    )


def test_the_cli_reports_each_bad_file_and_exits_2(tmp_path, raw):
    del raw["guides"][0]["title"]["fr"]
    path = tmp_path / "guides.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["content", "validate", str(path)])
    assert result.exit_code == 2
    assert "guide circle_open_start: field title.fr is missing or empty" in result.output
