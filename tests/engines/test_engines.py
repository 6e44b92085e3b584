"""DuckDB and Spark feed the same kernel: their scores equal the in-memory path exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.engines import BatchScorer, plain_frame, score_parquet_duckdb, score_parquet_spark
from allypath.errors import DataError


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    return allypath.simulate(2500, seed=77)


@pytest.fixture(scope="module")
def in_memory(responses: pd.DataFrame) -> pd.DataFrame:
    return plain_frame(allypath.score(responses)).reset_index(drop=True)


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Same values, engine-neutral dtypes (Spark hands nullable booleans back as objects; DuckDB's
    file keeps the scored strings as dictionaries, which pandas reads as categories)."""
    out = plain_frame(frame.reset_index(drop=True))
    for column in ("between_stages",):
        out[column] = out[column].astype("boolean")
    return out


def test_duckdb_scores_equal_the_in_memory_path_to_the_last_digit(tmp_path, responses, in_memory):
    source = tmp_path / "in.parquet"
    responses.to_parquet(source, index=False)
    out = tmp_path / "out.parquet"
    rows = score_parquet_duckdb(source, out, BatchScorer(), batch_rows=700)
    assert rows == len(responses)
    pd.testing.assert_frame_equal(comparable(pd.read_parquet(out)), comparable(in_memory), check_dtype=False)


def test_duckdb_reads_a_folder_of_files_in_order(tmp_path, responses, in_memory):
    folder = tmp_path / "dataset"
    folder.mkdir()
    for k, start in enumerate(range(0, len(responses), 1000)):
        responses.iloc[start : start + 1000].to_parquet(folder / f"part-{k:03d}.parquet", index=False)
    out = tmp_path / "out.parquet"
    assert score_parquet_duckdb(folder, out, BatchScorer()) == len(responses)
    result = pd.read_parquet(out)
    assert result["respondent_id"].tolist() == in_memory["respondent_id"].tolist()
    np.testing.assert_array_equal(result["p_apathy"].to_numpy(), in_memory["p_apathy"].to_numpy())


def test_duckdb_reports_the_row_within_the_whole_input_and_writes_nothing(tmp_path, responses):
    bad = responses.copy()
    bad["ap4"] = bad["ap4"].astype(object)
    bad.loc[1900, "ap4"] = 12
    source = tmp_path / "bad.parquet"
    bad.to_parquet(source, index=False)
    out = tmp_path / "out.parquet"
    with pytest.raises(DataError, match=r"row 1901, column 'ap4': outside the scale 1-5"):
        score_parquet_duckdb(source, out, BatchScorer(source=str(source)), batch_rows=500)
    assert not out.exists()


def test_an_empty_folder_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match=r"no \.parquet files"):
        score_parquet_duckdb(tmp_path / "empty", tmp_path / "o.parquet", BatchScorer())


def test_cli_engine_duckdb_matches_memory(tmp_path, responses):
    from typer.testing import CliRunner

    from allypath.cli import app

    source = tmp_path / "in.parquet"
    responses.to_parquet(source, index=False)
    runner = CliRunner()
    a = runner.invoke(app, ["score", str(source), "--out", str(tmp_path / "a.parquet"), "--engine", "memory"])
    b = runner.invoke(app, ["score", str(source), "--out", str(tmp_path / "b.parquet"), "--engine", "duckdb"])
    assert a.exit_code == 0, a.output
    assert b.exit_code == 0, b.output
    left = pd.read_parquet(tmp_path / "a.parquet")
    right = pd.read_parquet(tmp_path / "b.parquet")
    np.testing.assert_array_equal(left["index"].to_numpy(), right["index"].to_numpy())
    assert left["stage"].astype("Int64").equals(right["stage"].astype("Int64"))


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_spark_local_mode_scores_equal_the_in_memory_path(tmp_path, responses, in_memory):
    from allypath.engines import local_spark

    source = tmp_path / "in.parquet"
    responses.to_parquet(source, index=False)
    spark = local_spark(cores=1, memory="1g")
    try:
        rows = score_parquet_spark(source, tmp_path / "spark-out", BatchScorer(), spark=spark)
        # Aggregates on Spark's own group-by: placed respondents per unit and stage.
        spark_counts = {
            (r["unit"], int(r["stage"])): int(r["count"])
            for r in spark.read.parquet(str(tmp_path / "spark-out"))
            .where("status = 'scored'")
            .groupBy("unit", "stage")
            .count()
            .collect()
        }
    finally:
        spark.stop()
    assert rows == len(responses)
    result = pd.read_parquet(tmp_path / "spark-out")
    result = result.set_index("respondent_id").loc[in_memory["respondent_id"]].reset_index()
    pd.testing.assert_frame_equal(comparable(result), comparable(in_memory), check_dtype=False)

    # The same counts in memory, and the same release solved on them: the privacy decisions see
    # identical input from either engine.
    from allypath.privacy import Breakdown, PrivacyPolicy, solve_release

    placed = in_memory[in_memory["status"] == "scored"]
    memory_counts = {(u, int(s)): int(n) for (u, s), n in placed.groupby(["unit", "stage"]).size().items()}
    assert spark_counts == memory_counts
    policy, tables = PrivacyPolicy(k=5), [Breakdown.of("unit")]
    finest = pd.DataFrame(
        [
            {"unit": u, "n": sum(n for (v, _), n in spark_counts.items() if v == u)}
            | {f"stage_{s}": spark_counts.get((u, s), 0) for s in range(1, 5)}
            | {"commenters": 0}
            for u in sorted({u for u, _ in spark_counts})
        ]
    )
    from_spark = solve_release(pd.DataFrame(), tables, policy, wave_column=None, finest=finest)
    in_ram = solve_release(
        placed.drop(columns=["ot1", "ot2"], errors="ignore"), tables, policy, wave_column=None
    )
    assert from_spark.to_dict() == in_ram.to_dict()


def test_unreadable_parquet_is_refused(tmp_path: Path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match=r"bad\.parquet"):
        score_parquet_duckdb(bad, tmp_path / "o.parquet", BatchScorer())


def test_cli_engine_duckdb_writes_the_same_csv_as_memory(tmp_path, responses):
    """A .csv output of the duckdb engine used to get Parquet bytes and a traceback (exit 1), the
    file left behind; it is now the memory engine's CSV, byte for byte."""
    from typer.testing import CliRunner

    from allypath.cli import app

    source = tmp_path / "in.parquet"
    responses.to_parquet(source, index=False)
    runner = CliRunner()
    outs = {}
    for engine in ("memory", "duckdb"):
        outs[engine] = tmp_path / f"{engine}.csv"
        done = runner.invoke(app, ["score", str(source), "--out", str(outs[engine]), "--engine", engine])
        assert done.exit_code == 0, done.output
        assert "set aside as careless" in done.output
    assert outs["duckdb"].read_bytes() == outs["memory"].read_bytes()
    assert outs["duckdb"].read_bytes().startswith(b'"respondent_id"')


def test_cli_engine_spark_refuses_a_csv_output_before_any_work(tmp_path, responses):
    from typer.testing import CliRunner

    from allypath.cli import app

    source = tmp_path / "in.parquet"
    responses.to_parquet(source, index=False)
    out = tmp_path / "scored.csv"
    done = CliRunner().invoke(app, ["score", str(source), "--out", str(out), "--engine", "spark"])
    assert done.exit_code == 2
    assert "spark engine writes a folder of Parquet files" in done.output
    assert not out.exists()
