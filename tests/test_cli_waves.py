"""Data of several waves (a ``wave`` column) are reported one wave at a time (cli/_waves.py).

A file of two waves was summed into one group of everyone who ever answered, and the report said
"there is no earlier wave to compare with" (a review). Now ``report`` and ``summary`` show one wave
(``--wave``, by default the last in the file) and the report compares it with the wave before.
"""

from __future__ import annotations

import dataclasses
import html
import inspect
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import allypath
from allypath.cli import app

_STUDY_ORGS = inspect.signature(allypath.simulate).parameters["orgs"].default

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def _wave(label: str, mix: tuple[float, float, float, float], seed: int, n: int = 1200) -> pd.DataFrame:
    orgs = tuple(dataclasses.replace(org, stage_mix=mix) for org in _STUDY_ORGS)
    frame = allypath.simulate(n, seed=seed, orgs=orgs, wave=label)
    return frame.assign(respondent_id=[f"m{i}" for i in range(n)])  # the same men: a panel


STEADY = (0.36, 0.33, 0.21, 0.1)
MOVED = (0.1, 0.2, 0.33, 0.37)


@pytest.fixture(scope="module")
def steady(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("waves") / "steady.parquet"
    pd.concat([_wave("2026-Q1", STEADY, 1), _wave("2026-Q3", STEADY, 2)]).to_parquet(path, index=False)
    return path


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("waves") / "moved.parquet"
    pd.concat([_wave("2026-Q1", STEADY, 3), _wave("2026-Q3", MOVED, 4)]).to_parquet(path, index=False)
    return path


def _text(page: Path) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page.read_text()).split()))


def _moved_section(text: str) -> str:
    start = text.index("What moved since")
    return text[start : text.index("The strongest barriers and enablers", start)]


def test_the_report_shows_the_last_wave_and_what_moved_since_the_one_before(
    moved: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    result = run("report", moved, "--by", "org", "--out", out)
    assert result.exit_code == 0, result.output
    text = _text(out)
    assert "1,200 responses from moved.parquet: wave 2026-Q3, compared with wave 2026-Q1" in text
    section = _moved_section(text)
    assert section.startswith("What moved since 2026-Q1")
    # the men moved towards the later stages: the report must see it (the claim can fail: below)
    assert re.search(r"Energised( and motivated)?: from \d+% to \d+%, a change of \+\d+ points", section), (
        section
    )
    assert "no earlier wave" not in section


def test_two_waves_alike_are_said_not_to_differ_clearly(steady: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert run("report", steady, "--by", "org", "--out", out).exit_code == 0
    section = _moved_section(_text(out))
    assert "No clear change in Apathy, Ambivalence, Reflective, Energised" in section, section
    assert "a change of" not in section


def test_the_counts_are_one_waves_not_both_summed(moved: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    assert run("report", moved, "--by", "org", "--out", out, "--wave", "2026-Q1").exit_code == 0
    table = pd.read_csv(out)
    total = int(table.loc[0, "n"])
    scored = allypath.score(_wave("2026-Q1", STEADY, 3), on_error="mark")
    assert total == int((scored["status"] == "scored").sum())
    text_out = tmp_path / "r.html"
    assert run("report", moved, "--by", "org", "--out", text_out, "--wave", "2026-Q1").exit_code == 0
    assert "There is no earlier wave with results to compare with" in _text(text_out)


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_the_summary_says_which_wave_it_shows(moved: Path, tmp_path: Path, suffix: str) -> None:
    # `allypath score` takes a panel (the same ids in each wave), as the report and the summary do
    scored = tmp_path / f"s.{suffix}"
    result = run("score", moved, "--out", scored, "--on-error", "mark")
    assert result.exit_code == 0, result.output
    result = run("summary", scored, "--by", "org", "--wave", "2026-Q1")
    assert result.exit_code == 0, result.output
    assert "Wave 2026-Q1 (the data hold the waves 2026-Q1, 2026-Q3; --wave chooses)" in result.stdout
    one_wave = allypath.score(_wave("2026-Q1", STEADY, 3), on_error="mark")
    placed = int((one_wave["status"] == "scored").sum())
    assert f"{placed:,} placed" in result.stdout


def test_a_wave_the_data_lack_is_refused_naming_the_waves(moved: Path, tmp_path: Path) -> None:
    result = run("report", moved, "--by", "org", "--out", tmp_path / "r.html", "--wave", "2027")
    assert result.exit_code != 0
    assert "--wave 2027: the data hold the waves 2026-Q1, 2026-Q3" in result.output
    assert not (tmp_path / "r.html").exists()


def test_a_row_without_a_wave_in_data_of_several_is_refused_naming_it(tmp_path: Path) -> None:
    frame = pd.concat([_wave("2026-Q1", STEADY, 5, 200), _wave("2026-Q3", STEADY, 6, 200)], ignore_index=True)
    frame.loc[7, "wave"] = None
    path = tmp_path / "w.parquet"
    frame.to_parquet(path, index=False)
    result = run("report", path, "--by", "org", "--out", tmp_path / "r.html")
    assert result.exit_code != 0
    assert "row 8" in result.output and "the wave is blank" in result.output


def test_one_man_in_every_wave_is_a_panel_but_twice_in_one_wave_is_refused(tmp_path: Path) -> None:
    first, second = _wave("2026-Q1", STEADY, 7, 200), _wave("2026-Q3", STEADY, 8, 200)
    path = tmp_path / "panel.parquet"
    pd.concat([first, second], ignore_index=True).to_parquet(path, index=False)
    assert run("report", path, "--by", "org", "--out", tmp_path / "ok.csv").exit_code == 0
    second.loc[5, "respondent_id"] = "m3"
    pd.concat([first, second], ignore_index=True).to_parquet(path, index=False)
    result = run("report", path, "--by", "org", "--out", tmp_path / "r.csv")
    assert result.exit_code != 0
    assert "respondent_id 'm3' is on rows 204 and 206, both of wave 2026-Q3" in result.output
    second.loc[9, "respondent_id"] = None  # a blank id among filled ones, as in data of one wave
    pd.concat([first, second], ignore_index=True).to_parquet(path, index=False)
    result = run("report", path, "--by", "org", "--out", tmp_path / "r.csv")
    assert result.exit_code != 0
    assert "row 210" in result.output and "the respondent_id is blank" in result.output


def test_score_takes_a_panel_but_refuses_one_man_twice_in_a_wave(tmp_path: Path) -> None:
    first, second = _wave("2026-Q1", STEADY, 7, 200), _wave("2026-Q3", STEADY, 8, 200)
    second.loc[5, "respondent_id"] = "m3"
    path = tmp_path / "panel.csv"
    pd.concat([first, second], ignore_index=True).to_csv(path, index=False)
    result = run("score", path, "--out", tmp_path / "s.csv", "--on-error", "mark")
    assert result.exit_code != 0
    assert "respondent_id 'm3' is on rows 204 and 206, both of wave 2026-Q3" in result.output
    alone = tmp_path / "one-wave.csv"
    second.to_csv(alone, index=False)  # one wave: an id twice is refused as ever
    result = run("score", alone, "--out", tmp_path / "s1.csv", "--on-error", "mark")
    assert result.exit_code != 0 and "respondent_id 'm3' is on rows 4 and 6" in result.output


def test_the_duckdb_report_refuses_to_sum_several_waves(moved: Path, tmp_path: Path) -> None:
    result = run("report", moved, "--by", "org", "--out", tmp_path / "r.csv", "--engine", "duckdb")
    assert result.exit_code != 0
    assert "the data hold the waves 2026-Q1, 2026-Q3" in result.output
    assert "--engine memory" in result.output
