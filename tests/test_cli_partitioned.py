"""A Parquet folder partitioned by key (``region=EMEA/part.parquet``), as Spark and Hive write it.

The key lives in the folder names, not in the files. DuckDB's SQL reads such keys by itself but its
Python ``read_parquet`` only when asked, so ``allypath report --by region`` refused the folder ("no
column 'region'") and ``allypath score`` dropped the column from its output.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import allypath
from allypath.cli import app

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def by_region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("partitioned") / "responses"
    frame = allypath.simulate(600, seed=3).drop(columns=["region"])
    for key, (start, stop) in {"APAC": (0, 250), "EMEA": (250, 600)}.items():
        (folder / f"region={key}").mkdir(parents=True)
        frame.iloc[start:stop].to_parquet(folder / f"region={key}" / "part-0.parquet", index=False)
    return folder


def test_score_keeps_the_key_of_each_rows_folder(by_region: Path, tmp_path: Path) -> None:
    out = tmp_path / "scored.parquet"
    result = run("score", by_region, "--out", out, "--on-error", "mark")
    assert result.exit_code == 0, result.output
    regions = pq.read_table(out, columns=["region"]).column(0).to_pylist()
    assert regions == ["APAC"] * 250 + ["EMEA"] * 350


def test_report_groups_by_the_key_in_the_folder_names(by_region: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    result = run("report", by_region, "--engine", "duckdb", "--by", "region", "--out", out)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "APAC" in text and "EMEA" in text
