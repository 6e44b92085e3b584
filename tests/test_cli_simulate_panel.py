"""`allypath simulate --waves`: a panel file of the same men in each wave; the one-wave file as before;
bad panel options exit 2 with a message naming the option."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import allypath
from allypath.cli import app

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, ["simulate", *(str(a) for a in args)], env={"COLUMNS": "200"})


def test_waves_write_the_same_men_in_each_wave(tmp_path: Path):
    out = tmp_path / "panel.parquet"
    result = run(
        "--out", out, "--n", "120", "--seed", "2", "--waves", "2026-Q1, 2026-Q2,2026-Q3", "--move", "0"
    )
    assert result.exit_code == 0, result.output
    assert "wrote 360 rows, 120 men in the waves 2026-Q1, 2026-Q2, 2026-Q3" in result.stdout
    frame = pd.read_parquet(out)
    assert list(frame["wave"].unique()) == ["2026-Q1", "2026-Q2", "2026-Q3"]
    ids = frame.groupby("wave", sort=False)["respondent_id"].apply(frozenset)
    assert ids.nunique() == 1 and len(ids.iloc[0]) == 120
    assert (frame.groupby("respondent_id")["true_stage"].nunique() == 1).all()  # --move 0: no one moved
    expected = allypath.simulate_panel(120, waves=("2026-Q1", "2026-Q2", "2026-Q3"), seed=2, move=0.0)
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)


def test_movement_and_attrition_reach_the_panel(tmp_path: Path):
    out = tmp_path / "panel.csv"
    args = ("--out", out, "--n", "300", "--seed", "4", "--waves", "A,B", "--move", "0.5", "--forward", "1")
    result = run(*args, "--attrition", "0.1")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    wide = frame.pivot(index="respondent_id", columns="wave", values="true_stage").dropna()
    step = wide["B"] - wide["A"]
    assert 0.35 < (step != 0).mean() < 0.65
    assert (step[wide["A"] < 4] >= 0).all()  # --forward 1: back only from Energised
    assert 240 < (frame["wave"] == "B").sum() < 300


def test_one_wave_is_written_as_before(tmp_path: Path):
    out = tmp_path / "one.csv"
    result = run("--out", out, "--n", "50", "--seed", "3", "--wave", "2025-Q4")
    assert result.exit_code == 0, result.output
    assert "wrote 50 respondents" in result.stdout
    expected = allypath.simulate(50, seed=3, wave="2025-Q4")
    pd.testing.assert_frame_equal(pd.read_csv(out), pd.read_csv(_written(expected, tmp_path)))


def _written(frame: pd.DataFrame, folder: Path) -> Path:
    from allypath.tables import write_table

    path = folder / "expected.csv"
    write_table(frame, path)
    return path


@pytest.mark.parametrize(
    ("args", "option", "words"),
    [
        (["--waves", "A,,B"], "--waves", "blank wave name"),
        (["--waves", " "], "--waves", "blank wave name"),
        (["--waves", "A,B,A"], "--waves", "wave 'A' is given twice"),
        (["--waves", "A, B ,B"], "--waves", "wave 'B' is given twice"),
        (["--waves", "A,B", "--move", "1.5"], "--move", ""),
        (["--waves", "A,B", "--forward", "-0.2"], "--forward", ""),
        (["--waves", "A,B", "--attrition", "2"], "--attrition", ""),
        (["--move", "0.3"], "--move", "give --waves too"),
        (["--attrition", "0.1"], "--attrition", "give --waves too"),
        (["--wave", "X", "--waves", "A,B"], "--waves", "not both"),
        (["--n", "60000000", "--waves", "A,B"], "--n", "more than 100,000,000 rows"),
    ],
)
def test_bad_panel_options_are_refused_naming_the_option(tmp_path: Path, args, option, words):
    out = tmp_path / "x.csv"
    result = run("--out", out, *args)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.stderr, result.stderr
    assert words in result.stderr
    assert not out.exists()
