"""Acceptance (issue 19): DuckDB, Spark and the in-memory path give identical results -- every score,
stage, flag and reason, and the same row in an error -- on data with missing answers, bad rows and
both forms in one file. Floats are compared bit for bit (NaN equal to NaN), not within a tolerance."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.engines import BatchScorer, plain_frame, score_parquet_duckdb, score_parquet_spark
from allypath.engines.duckdb_engine import report_columns
from allypath.errors import DataError

INSTRUMENT = allypath.load_instrument()
ITEM_IDS = {c.id for c in INSTRUMENT.columns}
SHORT_IDS = {c.id for c in INSTRUMENT.form("short").columns}
BAD_ROW = 917  # a short-form row in the fourth DuckDB batch of 300


@pytest.fixture(scope="module")
def messy() -> pd.DataFrame:
    """1,200 people: 800 full-form rows then 400 short-form rows (full-only columns empty), 12% of
    answers blanked, 30 rows almost empty (too few answers to place), and bad cells: out of the
    scale, not a whole number, a 0 where 'does not apply' is not offered."""
    people = allypath.simulate(1200, seed=19)
    rng = np.random.default_rng(19)
    items = [c for c in people.columns if c in ITEM_IDS and c.startswith(("ap", "am", "rr", "em"))]
    frame = people.copy()
    for column in items:
        frame[column] = frame[column].astype("Float64")
        frame.loc[rng.random(len(frame)) < 0.12, column] = pd.NA
    frame.loc[rng.choice(len(frame), 30, replace=False), items[3:]] = pd.NA
    full_only = [c for c in frame.columns if c in ITEM_IDS and c not in SHORT_IDS]
    for column in full_only:
        frame[column] = (
            frame[column].astype("Float64") if frame[column].dtype.kind in "iuf" else frame[column]
        )
    frame.loc[800:, full_only] = pd.NA
    short_item = next(c for c in items if c in SHORT_IDS)
    frame.loc[[40, 41, 42], items[0]] = [12, 2.5, 0]
    frame.loc[BAD_ROW, short_item] = 9
    return frame


@pytest.fixture(scope="module")
def source(messy: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("identity") / "messy.parquet"
    messy.to_parquet(path, index=False)
    return path


@pytest.fixture(scope="module")
def in_memory(source: Path) -> pd.DataFrame:
    scored = allypath.score(pd.read_parquet(source), on_error="mark")
    assert scored.attrs["form"] == "mixed"
    return plain_frame(scored).reset_index(drop=True)


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    from allypath.engines import local_spark

    session = local_spark(cores=1, memory="1g")
    yield session
    session.stop()


def assert_identical(engine: pd.DataFrame, memory: pd.DataFrame) -> None:
    """Every column of ``memory`` in ``engine``, cell for cell (floats bit for bit)."""
    engine = plain_frame(engine.reset_index(drop=True))
    assert len(engine) == len(memory)
    assert set(memory.columns) <= set(engine.columns)
    for column in memory.columns:
        left, right = engine[column], memory[column]
        if pd.api.types.is_numeric_dtype(right.dtype) and not pd.api.types.is_bool_dtype(right.dtype):
            a = left.astype("float64").to_numpy()
            b = right.astype("float64").to_numpy()
            assert np.array_equal(a, b, equal_nan=True), column
        else:
            if pd.api.types.is_bool_dtype(right.dtype):
                left, right = left.astype("boolean"), right.astype("boolean")
            a_text = left.astype("string").fillna("<NA>").tolist()
            b_text = right.astype("string").fillna("<NA>").tolist()
            assert a_text == b_text, column


def test_the_data_has_what_the_acceptance_names(in_memory: pd.DataFrame) -> None:
    assert set(in_memory["form"]) == {"full", "short"}
    assert set(in_memory["status"]) >= {"scored", "insufficient"}
    assert in_memory.loc[[40, 41, 42, BAD_ROW], "status"].eq("insufficient").all()
    assert in_memory.loc[[40, 41, 42, BAD_ROW], "reason"].str.len().gt(0).all()
    assert in_memory["between_stages"].astype("boolean").any()


def test_duckdb_equals_memory_cell_for_cell(source: Path, in_memory: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "duck.parquet"
    scorer = BatchScorer(on_error="mark")
    assert score_parquet_duckdb(source, out, scorer, batch_rows=300) == len(in_memory)
    assert scorer.placed == int(in_memory["status"].eq("scored").sum())
    assert_identical(pd.read_parquet(out), in_memory)


def test_duckdb_report_columns_are_the_full_jobs(
    source: Path, in_memory: pd.DataFrame, tmp_path: Path
) -> None:
    out = tmp_path / "narrow.parquet"
    score_parquet_duckdb(
        source, out, BatchScorer(on_error="mark"), batch_rows=300, keep=report_columns(["unit"])
    )
    narrow = pd.read_parquet(out)
    assert "respondent_id" not in narrow.columns and "index" not in narrow.columns
    assert {"unit", "status", "stage", "p_apathy", "score_barrier_fear"} <= set(narrow.columns)
    assert_identical(narrow, in_memory[list(narrow.columns)])


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_spark_equals_memory_cell_for_cell(
    source: Path, in_memory: pd.DataFrame, spark: object, tmp_path: Path
) -> None:
    rows = score_parquet_spark(source, tmp_path / "spark", BatchScorer(on_error="mark"), spark=spark)
    assert rows == len(in_memory)
    result = pd.read_parquet(tmp_path / "spark").set_index("respondent_id")
    assert_identical(result.loc[in_memory["respondent_id"]].reset_index(), in_memory)


def test_every_path_names_the_same_row_of_a_bad_cell(
    source: Path, messy: pd.DataFrame, spark: object, tmp_path: Path
) -> None:
    bad = messy.drop(index=[40, 41, 42]).reset_index(drop=True)  # one bad cell left, now row 914
    path = tmp_path / "bad.parquet"
    bad.to_parquet(path, index=False)
    with pytest.raises(DataError) as memory:
        allypath.score(pd.read_parquet(path), source=str(path))
    assert memory.value.row == BAD_ROW - 3 + 1
    with pytest.raises(DataError) as duck:
        score_parquet_duckdb(path, tmp_path / "o.parquet", BatchScorer(source=str(path)), batch_rows=300)
    assert (duck.value.row, duck.value.column, str(duck.value)) == (
        memory.value.row,
        memory.value.column,
        str(memory.value),
    )
    assert not (tmp_path / "o.parquet").exists()
    with pytest.raises(Exception, match="outside the scale") as on_spark:  # Spark wraps the worker's error
        score_parquet_spark(path, tmp_path / "s", BatchScorer(source=str(path)), spark=spark)
    assert f"row {memory.value.row}," in str(on_spark.value)  # one partition: its rows are the file's


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_the_cluster_entry_point_runs_in_local_mode(
    source: Path, in_memory: pd.DataFrame, spark: object, tmp_path: Path
) -> None:
    from allypath.engines.spark_submit import main

    placed = in_memory[in_memory["status"] == "scored"]
    stages = placed.groupby(["unit", "stage"]).size().unstack(fill_value=0)
    expected = {
        u: [int(stages.loc[u].sum()), *(int(stages.loc[u].get(s, 0)) for s in range(1, 5))]
        for u in stages.index
    }
    counted = []
    # scored rows written then counted; counted only; counted only, the workers reading the file
    for number, more in enumerate(([str(tmp_path / "scored")], [], ["--reader", "arrow"])):
        counts = tmp_path / f"counts-{number}"
        args = [str(source), *more, "--by", "unit", "--counts", str(counts)]
        summary = main([*args, "--master", "local[1]", "--batch-rows", "256"])
        assert summary["rows"] == len(in_memory) and summary["cells"] == len(expected)
        cells = pd.read_parquet(counts).set_index("unit")
        got = {
            u: [int(cells.loc[u, c]) for c in ("n", "stage_1", "stage_2", "stage_3", "stage_4")]
            for u in cells.index
        }
        assert got == expected
        counted.append(cells.sort_index())
    pd.testing.assert_frame_equal(counted[0], counted[1])
    pd.testing.assert_frame_equal(counted[0], counted[2])
    scored = pd.read_parquet(tmp_path / "scored").set_index("respondent_id")
    assert_identical(scored.loc[in_memory["respondent_id"]].reset_index(), in_memory)


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_the_cluster_entry_point_refuses_a_repeated_id(
    messy: pd.DataFrame, spark: object, tmp_path: Path
) -> None:
    """Counted twice on a cluster, three men would pass a gate of five: the job stops before counting,
    naming the id (spaces around it ignored, as everywhere) and its file."""
    from allypath.engines.spark_submit import main

    ids = [str(i) for i in messy["respondent_id"]]
    first = min(ids[2], ids[3])
    ids[7], ids[9] = f" {ids[3]} ", ids[2]
    frame = messy.assign(respondent_id=ids)
    lake = tmp_path / "lake"
    lake.mkdir()
    frame.to_parquet(lake / "part-0.parquet", index=False)
    counts = tmp_path / "counts"
    with pytest.raises(DataError) as refused:
        main([str(lake), "--by", "unit", "--counts", str(counts), "--master", "local[1]"])
    assert f"respondent_id {first!r} is on two rows or more" in str(refused.value)
    assert "part-0.parquet" in str(refused.value) and "1 more row(s) repeat an earlier id" in str(
        refused.value
    )
    assert not counts.exists()


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_the_cluster_entry_point_refuses_a_blank_id(
    messy: pd.DataFrame, spark: object, tmp_path: Path
) -> None:
    """A blank id cannot be compared (two blank rows may be one man counted twice): refused as on one
    machine, naming its file (a cluster keeps no row order) and how many rows are blank."""
    from allypath.engines.spark_submit import main

    ids: list[str | None] = [str(i) for i in messy["respondent_id"]]
    ids[4], ids[6] = None, "  "
    lake = tmp_path / "lake"
    lake.mkdir()
    messy.assign(respondent_id=ids).to_parquet(lake / "part-0.parquet", index=False)
    counts = tmp_path / "counts"
    with pytest.raises(DataError) as refused:
        main([str(lake), "--by", "unit", "--counts", str(counts), "--master", "local[1]"])
    assert "the respondent_id is blank on 2 row(s)" in str(refused.value)
    assert "part-0.parquet" in str(refused.value)
    assert not counts.exists()


@pytest.fixture(scope="module")
def keyed(messy: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The messy rows with some empty levels and regions (a missing key is a cell of its own), in
    two files."""
    frame = messy.copy()
    rng = np.random.default_rng(7)
    frame.loc[rng.choice(len(frame), 40, replace=False), "level"] = None
    frame.loc[rng.choice(len(frame), 25, replace=False), "region"] = None
    folder = tmp_path_factory.mktemp("keyed")
    frame.iloc[:700].to_parquet(folder / "part-1.parquet", index=False)
    frame.iloc[700:].to_parquet(folder / "part-2.parquet", index=False)
    return folder


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_spark_counts_in_the_workers_the_tables_of_duckdb_and_memory(keyed: Path, spark: Any) -> None:
    """Issue 19, point 3: each partition counts its scored batches, the driver adds the tallies up;
    the report's tables are DuckDB's and the in-memory path's, cell for cell, for every ``by``."""
    from allypath.engines.aggregate import aggregate_table, aggregate_unscored_duckdb
    from allypath.engines.spark_engine import aggregate_spark, tally_spark
    from allypath.privacy import PrivacyPolicy, default_breakdowns, solve_release
    from allypath.reports.board import table_csv

    declared = default_breakdowns(["level", "region"], ["unit"])
    policy = PrivacyPolicy(k=5, k_text=10)
    scored = allypath.score(pd.read_parquet(keyed), on_error="mark")
    assert scored.attrs["form"] == "mixed" and scored["level"].isna().any()
    release = solve_release(scored, declared, policy, wave_column=None, hierarchy=["unit"])
    # five partitions by org (two orgs): some partitions get no row and send an empty tally
    frame = spark.read.parquet(str(keyed)).repartition(5, "org")
    assert 0 in frame.rdd.glom().map(len).collect()
    needed = sorted({c for b in declared for c in b.columns})
    tally = tally_spark(frame, BatchScorer(on_error="mark"), needed)
    assert tally.rows == len(scored)
    for by in ("unit", ["unit", "level"], "region"):
        on_spark = table_csv(aggregate_spark(frame, by, policy, breakdowns=declared, hierarchy=["unit"]))
        duck = aggregate_unscored_duckdb(keyed, by, policy, breakdowns=declared, hierarchy=["unit"])
        assert on_spark == table_csv(duck), by
        assert on_spark == table_csv(aggregate_table(scored, by, release=release)), by
        read_by_workers = aggregate_spark(
            keyed, by, policy, breakdowns=declared, hierarchy=["unit"], spark=spark, reader="arrow"
        )
        assert table_csv(read_by_workers) == on_spark, by
    shown = duck[(duck["region"] != "overall") & (duck["suppressed"] == "")]
    assert len(shown) >= 2 and shown["share_apathy"].notna().all()


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_workers_reading_the_files_fill_a_missing_column_and_slice_one_file(
    messy: pd.DataFrame, spark: Any, tmp_path: Path
) -> None:
    """One file without regions (empty, as Spark's merged schema reads it); one file of several row
    groups cut into slices across tasks: every row counted once."""
    from allypath.engines.aggregate import aggregate_unscored_duckdb
    from allypath.engines.spark_engine import aggregate_spark, tally_spark_files
    from allypath.privacy import PrivacyPolicy, default_breakdowns
    from allypath.reports.board import table_csv

    messy.iloc[:900].to_parquet(tmp_path / "a.parquet", index=False, row_group_size=200)
    messy.iloc[900:].drop(columns=["region"]).to_parquet(tmp_path / "b.parquet", index=False)
    tally = tally_spark_files(tmp_path, BatchScorer(on_error="mark"), ["region", "unit"], spark)
    assert tally.rows == len(messy)
    assert tally.finest(["region"])["region"].isna().any()
    declared = default_breakdowns(["region"], ["unit"])
    policy = PrivacyPolicy(k=5, k_text=10)
    for by in ("region", "unit"):
        on_spark = aggregate_spark(tmp_path, by, policy, breakdowns=declared, spark=spark, reader="arrow")
        duck = aggregate_unscored_duckdb(tmp_path, by, policy, breakdowns=declared)
        assert table_csv(on_spark) == table_csv(duck), by
    with pytest.raises(ValueError, match="give a path"):
        aggregate_spark(spark.read.parquet(str(tmp_path)), "unit", policy, reader="arrow")


@pytest.mark.slow
def test_the_cluster_entry_point_run_by_hand_in_local_mode_uses_its_own_python(
    source: Path, in_memory: pd.DataFrame, tmp_path: Path
) -> None:
    """docs/spark.md: `python -m allypath.engines.spark_submit ... --master local[2]` on one machine.
    Its workers used the PATH's python3, which lacks pyarrow here: every task failed. A process of
    its own, as a user starts it (no PYSPARK_PYTHON, a PATH whose python3 is the system's)."""
    import json
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    env["PATH"] = "/usr/bin:/bin"
    counts = tmp_path / "cells"
    args = [str(source), "--by", "unit", "--counts", str(counts), "--reader", "arrow", "--master", "local[1]"]
    done = subprocess.run(
        [sys.executable, "-m", "allypath.engines.spark_submit", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["rows"] == len(in_memory)
    placed = in_memory[in_memory["status"] == "scored"]
    assert int(pd.read_parquet(counts)["n"].sum()) == len(placed)
