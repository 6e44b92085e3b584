"""A bad answer in a column read as floats is quoted as the person wrote it: "(got 9)", not "(got 9.0)".

A CSV column with a decimal or a blank in it, and most Parquet columns written by pandas or R, are read
as floats, so the cell a person typed as 9 is held as 9.0. Every reader that quotes such a cell says
9 (allypath._written.as_written); 2.5 and inf stay as they are. The DuckDB engine and the in-memory
path give the same message, word for word.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import allypath
from allypath.cli import app
from allypath.cli._common import EXIT_ERROR
from allypath.io import Mapping, apply_mapping, read_any

runner = CliRunner()


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    frame = allypath.simulate(60, seed=11)
    assert frame["ap3"].dtype == np.float64  # item columns are floats (a blank is NaN)
    return frame


def _error_line(*args: object) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == EXIT_ERROR, result.output
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    return line


def _with(frame: pd.DataFrame, value: float) -> pd.DataFrame:
    changed = frame.copy()
    changed.loc[6, "ap3"] = value  # data row 7
    return changed


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (9.0, "outside the scale 1-5 (got 9)"),
        (2.5, "not a whole number (got 2.5)"),
        (-1.0, "outside the scale 1-5 (got -1)"),
    ],
)
def test_a_float_csv_column_quotes_the_answer_as_written(tmp_path: Path, answers, value, why):
    data = tmp_path / "answers.csv"
    _with(answers, value).to_csv(data, index=False)  # pandas writes the column as 4.0, 9.0, ...
    assert "9.0" in data.read_text() or value != 9.0
    line = _error_line("score", data, "--out", tmp_path / "out.csv")
    assert line == f"error: file {data}, row 7, column 'ap3': {why}"
    marked = runner.invoke(app, ["score", str(data), "--out", str(tmp_path / "o.csv"), "--on-error", "mark"])
    assert marked.exit_code == 0, marked.output
    assert pd.read_csv(tmp_path / "o.csv")["reason"][6] == f"column 'ap3': {why}"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (9.0, "outside the scale 1-5 (got 9)"),
        (2.5, "not a whole number (got 2.5)"),
        (np.inf, "outside the scale 1-5 (got inf)"),
    ],
)
def test_a_float_parquet_column_quotes_it_alike_in_memory_and_on_duckdb(tmp_path: Path, answers, value, why):
    data = tmp_path / "answers.parquet"
    _with(answers, value).to_parquet(data, index=False)
    said = {
        engine: _error_line("score", data, "--out", tmp_path / f"{engine}.parquet", "--engine", engine)
        for engine in ("memory", "duckdb")
    }
    assert said["memory"] == said["duckdb"] == f"error: file {data}, row 7, column 'ap3': {why}"


def test_the_single_respondent_path_quotes_it_as_the_file_path_does(answers):
    record = {name: (None if pd.isna(v) else v) for name, v in _with(answers, 9.0).iloc[6].items()}
    scored = allypath.scoring.score_record(record, allypath.load_instrument(), on_error="mark")
    assert scored["reason"] == "column 'ap3': outside the scale 1-5 (got 9)"


def test_an_imported_float_column_quotes_its_value_as_written(tmp_path: Path):
    data = tmp_path / "export.csv"
    pd.DataFrame({"q1": [1.0, 2.5, 3.0], "q2": [1.5, 9.0, 2.0]}).to_csv(data, index=False)
    source = read_any(data)
    listed = Mapping.from_yaml("items:\n  ap1: {column: q1, values: {1: 1, 2.5: 2}}\n")
    with pytest.raises(allypath.errors.DataError) as refused:
        apply_mapping(source, listed, allypath.load_instrument())
    assert refused.value.message.startswith("value 3 is not in the mapping of item 'ap1'")
    scaled = Mapping.from_yaml("items:\n  ap1: q2\n")
    with pytest.raises(allypath.errors.DataError) as refused:
        apply_mapping(source, scaled, allypath.load_instrument())
    assert refused.value.message == "value 9 of item 'ap1' is outside its scale 1..5"


@pytest.mark.parametrize("stage", [9, 9.0])
def test_a_scored_parquet_with_a_stage_edited_by_hand_is_quoted_alike_in_memory_and_on_duckdb(
    tmp_path: Path, answers, stage
):
    """DuckDB reads the stage as a double: it said "(got 9.0)" where the in-memory report said 9."""
    scored = allypath.score(answers)
    scored["stage"] = scored["stage"].astype("Int64" if isinstance(stage, int) else "float64")
    scored.loc[5, "stage"] = stage
    data = tmp_path / "scored.parquet"
    scored.to_parquet(data, index=False)
    said = {
        engine: _error_line("report", data, "--by", "unit", "--out", tmp_path / "r.csv", "--engine", engine)
        for engine in ("memory", "duckdb")
    }
    assert said["memory"] == said["duckdb"]
    assert f"file {data}, row 6, column 'stage'" in said["duckdb"] and "(got 9);" in said["duckdb"]
