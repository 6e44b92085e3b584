"""`allypath stats retest` as a researcher runs it on a scored panel file: who was paired, a table of
measures named in words with their verdicts, the stage table by stage names, the note on what it
means; --json is the library's result; bad files exit 2 with one line naming the file and column."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import allypath
from allypath.cli import app
from allypath.cli._common import json_safe
from allypath.stats import retest_reliability

from .panels import dealt_to_strangers, panel_answers

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, ["stats", "retest", *(str(a) for a in args)])


def run_json(*args: object) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def scored_panel() -> pd.DataFrame:
    """30 men at each stage, scored in the waves Spring and Autumn at the same true stage."""
    return allypath.score(panel_answers(dict.fromkeys((1, 2, 3, 4), 30), seed=40), on_error="mark")


@pytest.fixture(scope="module")
def panel_file(scored_panel: pd.DataFrame, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("panel") / "panel.csv"
    scored_panel.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def shuffled_file(scored_panel: pd.DataFrame, tmp_path_factory) -> Path:
    """The same answers with the second wave's ids dealt out at random."""
    frame = dealt_to_strangers(scored_panel, "Autumn", seed=1)
    path = tmp_path_factory.mktemp("shuffled") / "shuffled.csv"
    frame.to_csv(path, index=False)
    return path


def _verdict(output: str, first_word: str) -> str:
    """The verdict cell of the table row whose measure starts with ``first_word`` (a cell may wrap over
    several lines in a narrow terminal: its first line)."""
    row = next(line for line in output.splitlines() if line.startswith(f"│ {first_word}"))
    return row.split("│")[-2].strip()


def test_the_table_names_the_waves_the_people_and_the_measures_in_words(panel_file: Path):
    result = run(panel_file)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Wave Spring paired with wave Autumn: " in out
    assert "The data hold the waves Spring, Autumn; --first and --second choose." in out
    assert "│ Developmental" in out and "│ Zero-sum" in out  # (cells wrap in a narrow terminal)
    assert "score_" not in out  # constructs by their names, never the column codes
    assert _verdict(out, "Developmental").startswith(("good", "excellent"))
    assert "Stage at each wave (people)" in out
    for stage in ("Apathy", "Ambivalence", "Reflective", "Energised"):
        assert f"│ {stage}" in out
    assert "of the" in out and "are at the same stage in both waves" in out
    assert "best read on waves close in time" in out


def test_answers_paired_with_the_wrong_men_print_poor(shuffled_file: Path):
    out = run(shuffled_file).stdout
    assert _verdict(out, "Developmental") == "poor"


def test_json_is_the_librarys_result(panel_file: Path, scored_panel: pd.DataFrame):
    out = run_json(panel_file)
    expected = json_safe(retest_reliability(pd.read_csv(panel_file), file=str(panel_file)).to_dict())
    assert out == expected
    assert (out["first_wave"], out["second_wave"]) == ("Spring", "Autumn")
    assert out["n_pairs"] + out["not_scored"] == 120
    assert out["measures"][0]["measure"] == "index"


def _three_waves(tmp_path: Path, *, id_column: str = "respondent_id", wave_column: str = "wave") -> Path:
    rng = np.random.default_rng(0)
    trait = rng.uniform(0, 100, size=40)
    rows = []
    for wave in ("W1", "W2", "W3"):
        index = np.clip(trait + rng.normal(0, 3, size=40), 0, 100)
        rows.append(
            pd.DataFrame(
                {
                    id_column: [f"id{i}" for i in range(40)],
                    wave_column: wave,
                    "status": "scored",
                    "stage": np.digitize(index, [25, 50, 75]) + 1,
                    "index": index,
                }
            )
        )
    path = tmp_path / "three.csv"
    pd.concat(rows).to_csv(path, index=False)
    return path


def test_first_and_second_choose_the_waves(tmp_path: Path):
    path = _three_waves(tmp_path)
    assert (run_json(path)["first_wave"], run_json(path)["second_wave"]) == ("W2", "W3")
    chosen = run_json(path, "--first", "W1", "--second", "W3")
    assert (chosen["first_wave"], chosen["second_wave"]) == ("W1", "W3")


def test_other_id_and_wave_columns_are_named_by_options(tmp_path: Path):
    path = _three_waves(tmp_path, id_column="person", wave_column="round")
    out = run_json(path, "--id-column", "person", "--wave-column", "round")
    assert out["n_pairs"] == 40
    refused = run(path)
    assert refused.exit_code == 2 and "no respondent_id column" in refused.stderr


def test_too_few_people_print_no_verdict(tmp_path: Path):
    frame = pd.read_csv(_three_waves(tmp_path))
    small = tmp_path / "small.csv"
    frame[frame["respondent_id"].isin([f"id{i}" for i in range(12)])].to_csv(small, index=False)
    out = run(small).stdout
    assert _verdict(out, "Developmental").startswith("too few")
    kappa = next(line for line in out.splitlines() if line.startswith("Weighted kappa"))
    assert kappa.endswith("; too few people in both waves to judge (12; at least 30 are needed).")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda f: f.drop(columns=["stage"]), "column 'stage': the data is not scored (no stage column)"),
        (lambda f: f[f["wave"] == "W1"], "column 'wave': the data hold one wave (W1)"),
        (lambda f: f.assign(respondent_id=f["respondent_id"].where(f.index != 3, "id0")), "'id0' is on rows"),
    ],
    ids=["unscored", "one-wave", "twice-in-a-wave"],
)
def test_bad_files_exit_2_naming_the_file_and_column(tmp_path: Path, change, said: str):
    bad = tmp_path / "bad.csv"
    change(pd.read_csv(_three_waves(tmp_path))).to_csv(bad, index=False)
    result = run(bad)
    assert result.exit_code == 2, result.output
    assert f"file {bad}" in result.stderr and said in result.stderr
    assert "Traceback" not in result.output


def test_a_wave_the_file_lacks_is_refused_naming_the_waves_it_holds(tmp_path: Path):
    result = run(_three_waves(tmp_path), "--second", "W9")
    assert result.exit_code == 2
    assert "the second wave 'W9' is not in the data, which hold the waves W1, W2, W3" in result.stderr


def test_a_missing_file_is_refused(tmp_path: Path):
    result = run(tmp_path / "nowhere.csv")
    assert result.exit_code == 2 and "no such file" in result.stderr
