"""Cells end to end on the command line: unit codes such as ``0042``, ``007`` and ``0x1A`` come out
of ``score``, ``summary``, ``report`` and ``import`` as they were written (pyarrow's inference made them
42, 7 and 26), and an answer ``NaN`` or ``0x3`` is refused naming the file, row and column (``NaN``
was read as a blank, ``0x3`` as 3). Only a blank cell is missing."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from allypath.cli import app
from allypath.cli._common import EXIT_ERROR

runner = CliRunner()
CODES = ["0042", "007", "0x1A"]


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def _column(path: Path, name: str) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row[name] for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def coded(tmp_path_factory) -> Path:
    """300 simulated respondents in three units whose codes pyarrow would take for numbers."""
    path = tmp_path_factory.mktemp("cells") / "coded.csv"
    assert run("simulate", "--n", "300", "--seed", "3", "--out", path).exit_code == 0
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)  # every cell as written
    frame["unit"] = CODES * 100
    frame.to_csv(path, index=False)
    assert _column(path, "unit")[:3] == CODES and _column(path, "ap1")[:3] == ["3", "3", "2"]
    return path


def test_score_keeps_unit_codes_as_written_in_csv_and_parquet(coded, tmp_path):
    for out in (tmp_path / "scored.csv", tmp_path / "scored.parquet"):
        result = run("score", coded, "--out", out)
        assert result.exit_code == 0, result.output
    assert _column(tmp_path / "scored.csv", "unit") == CODES * 100
    parquet = pq.read_table(tmp_path / "scored.parquet")
    assert str(parquet.schema.field("unit").type) == "string"
    assert parquet.column("unit").to_pylist() == CODES * 100


def test_summary_and_report_name_the_groups_as_written(coded, tmp_path):
    scored = tmp_path / "scored.csv"
    assert run("score", coded, "--out", scored).exit_code == 0
    summary = run("summary", scored, "--by", "unit")
    assert summary.exit_code == 0, summary.output
    groups = re.findall(r"^(\S+) — \d+ respondents placed", summary.stdout, flags=re.MULTILINE)
    assert sorted(groups) == sorted(CODES)  # not 42, 7 and 26
    report = tmp_path / "by-unit.csv"
    result = run("report", coded, "--by", "unit", "--out", report)
    assert result.exit_code == 0, result.output
    assert set(_column(report, "unit")) == {"overall", *CODES}


def test_import_carries_unit_codes_as_written(coded, tmp_path):
    mapping, out = tmp_path / "mapping.yaml", tmp_path / "responses.parquet"
    assert run("import", "detect", coded, "--out", mapping).exit_code == 0
    result = run("import", coded, "--mapping", mapping, "--out", out)
    assert result.exit_code == 0, result.output
    assert pd.read_parquet(out)["unit"].tolist() == CODES * 100


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("NaN", "not a number (got 'NaN')"),
        ("nan", "not a number (got 'nan')"),
        ("0x3", "not a number (got '0x3')"),
        ("NA", "not a number (got 'NA')"),
        ("inf", "outside the scale 1-5 (got 'inf')"),
    ],
)
def test_score_refuses_an_answer_that_is_not_a_number_naming_file_row_and_column(coded, tmp_path, cell, why):
    frame = pd.read_csv(coded, dtype=str, keep_default_na=False)
    frame.loc[6, "ap1"] = cell
    frame.loc[2, "ap3"] = ""  # a blank is missing, as always
    data = tmp_path / "bad.csv"
    frame.to_csv(data, index=False)
    out = tmp_path / "out.csv"
    result = run("score", data, "--out", out)
    assert result.exit_code == EXIT_ERROR, result.output
    assert f"error: file {data}, row 7, column 'ap1': {why}" in result.output
    assert not out.exists()
    marked = run("score", data, "--out", out, "--on-error", "mark")
    assert marked.exit_code == 0, marked.output
    status, reason = _column(out, "status"), _column(out, "reason")
    assert status[6] == "insufficient" and f"column 'ap1': {why}" in reason[6]
    assert status[2] != "insufficient" or "ap3" not in reason[2]
