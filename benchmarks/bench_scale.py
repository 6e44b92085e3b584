"""Scale-out: 100,000,000 responses scored and aggregated by unit on DuckDB; 10,000,000 on Spark.

The dataset is a folder of Parquet files (1,000,000 rows each: simulated respondents with fresh ids
and units spread over 500 units). Each engine scores every row through the one numpy kernel, then
counts stages per unit and passes the counts through the privacy gate. The baseline is a plain
DuckDB group-by over the same files (count and a mean per unit), run in the same process: the cost
of just reading the data once.

DuckDB runs as a user runs it, ``allypath report DATA --engine duckdb --by unit --out x.csv``, in a
process of its own, so its peak resident memory is that command's alone (not the dataset
generator's). Spark runs in a child process too (driver 3 GB, local[2]); its figure includes the
session start, and its peak memory is the driver process's (the JVM is Spark's own).
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import allypath
from allypath.engines import BatchScorer, score_parquet_spark
from allypath.privacy import Breakdown, PrivacyPolicy, solve_release
from benchmarks._child import run_child

ROWS_PER_FILE = 1_000_000
UNITS = 500


def make_dataset(folder: Path, rows: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    block = allypath.simulate(50_000, seed=8)
    base = pa.Table.from_pandas(block, preserve_index=False)
    base = pa.concat_tables([base] * (ROWS_PER_FILE // base.num_rows))
    rng = np.random.default_rng(0)
    for k in range(-(-rows // ROWS_PER_FILE)):
        n = min(ROWS_PER_FILE, rows - k * ROWS_PER_FILE)
        table = base.slice(0, n)
        ids = pa.array(np.char.add(f"f{k:04d}-", np.arange(n).astype(str)))
        units = pa.array(np.char.add("unit-", rng.integers(0, UNITS, n).astype(str)))
        table = table.set_column(table.schema.get_field_index("respondent_id"), "respondent_id", ids)
        table = table.set_column(table.schema.get_field_index("unit"), "unit", units)
        pq.write_table(table, folder / f"part-{k:04d}.parquet", row_group_size=131_072)
    return folder


def plain_group_by(folder: Path) -> float:
    start = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.sql(
        "SELECT unit, count(*) AS n, avg(ap1) AS mean_ap1 "
        f"FROM read_parquet('{folder}/*.parquet') GROUP BY unit"
    ).fetchall()
    con.close()
    return time.perf_counter() - start


def duckdb_report(data: Path, out: Path) -> tuple[float, int, int, float]:
    """``allypath report --engine duckdb`` on ``data``: seconds, groups shown, groups in all and the
    command's peak resident MB (its own: started by benchmarks/_child.py's launcher, not by this
    process, whose peak Linux would otherwise count in the child's)."""
    command = [sys.executable, "-m", "allypath.cli", "report", str(data), "--engine", "duckdb"]
    command += ["--by", "unit", "--out", str(out)]
    done = run_child(command)
    seconds = done.wall
    with duckdb.connect() as con:
        query = (
            "SELECT count(*) FILTER (WHERE coalesce(suppressed, '') = ''), count(*) "
            f"FROM read_csv('{out}', all_varchar = true) WHERE \"group\" <> 'everyone'"
        )
        shown, total = con.execute(query).fetchone() or (0, 0)
    return seconds, int(shown), int(total), done.peak_mb


def spark_job(data: str, out: str) -> dict[str, object]:
    """Score on Spark, count placed respondents per unit and stage with Spark's group-by, and solve
    the release of the unit table from those counts (its finest cells)."""
    from allypath.engines import local_spark

    start = time.perf_counter()
    spark = local_spark(cores=2, memory="3g")
    try:
        score_parquet_spark(data, out, BatchScorer(on_error="mark"), spark=spark)
        counts = spark.read.parquet(out).where("status = 'scored'").groupBy("unit", "stage").count().collect()
        finest = (
            pd.DataFrame(
                [(r["unit"], int(r["stage"]), int(r["count"])) for r in counts],
                columns=["unit", "stage", "n"],
            )
            .pivot_table(index="unit", columns="stage", values="n", fill_value=0)
            .reindex(columns=[1, 2, 3, 4], fill_value=0)
        )
        finest.columns = [f"stage_{s}" for s in finest.columns]
        finest = finest.reset_index().assign(
            n=lambda f: f[[f"stage_{s}" for s in range(1, 5)]].sum(axis=1), commenters=0
        )
        release = solve_release(
            pd.DataFrame(), [Breakdown.of("unit")], PrivacyPolicy(), wave_column=None, finest=finest
        )
    finally:
        spark.stop()
    return {
        "seconds": time.perf_counter() - start,
        "visible": sum(1 for c in release.cells.values() if c.columns == ("unit",) and c.n is not None),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run(quick: bool = False) -> list[dict[str, object]]:
    duck_rows = 2_000_000 if quick else 100_000_000
    spark_rows = 1_000_000 if quick else 10_000_000
    work = Path(tempfile.mkdtemp(prefix="allypath-bench-scale-"))
    rows: list[dict[str, object]] = []
    try:
        data = make_dataset(work / "data", duck_rows)
        baseline = plain_group_by(data)
        figure, shown, total, peak_mb = duckdb_report(data, work / "by-unit.csv")
        rows.append(
            {
                "name": f"DuckDB: allypath report --engine duckdb by unit, {duck_rows:,} rows",
                "figure": figure,
                "unit": "s",
                "baseline_name": "plain DuckDB group-by (count, mean) over the same files",
                "baseline": baseline,
                "ratio": figure / baseline,
                "target": "bounded memory",
                "notes": f"peak RSS of the command {peak_mb:,.0f} MB (memory_limit 2 GB, "
                f"batches of 131,072 rows); {shown} of {total} units shown by the gate; "
                f"{duck_rows / figure:,.0f} rows/s",
            }
        )
        shutil.rmtree(data)
        spark_data = make_dataset(work / "spark-data", spark_rows)
        baseline = plain_group_by(spark_data)
        code = (
            "import json, sys; from benchmarks.bench_scale import spark_job; "
            f"print('@@SPARK@@' + json.dumps(spark_job({str(spark_data)!r}, {str(work / 'spark-out')!r})))"
        )
        done = run_child([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent)
        line = next(x for x in done.stdout.splitlines() if x.startswith("@@SPARK@@"))
        result = json.loads(line[len("@@SPARK@@") :])
        result["peak_rss_mb"] = done.peak_mb  # the driver's own (its RUSAGE_SELF holds this process's)
        rows.append(
            {
                "name": f"Spark local[2]: score + stage mix by unit, {spark_rows:,} rows",
                "figure": result["seconds"],
                "unit": "s",
                "baseline_name": "plain DuckDB group-by over the same files",
                "baseline": baseline,
                "ratio": result["seconds"] / baseline,
                "target": "same results as DuckDB (tests)",
                "notes": f"{result['visible']} units shown by the gate; driver 3 GB, peak RSS of the Python "
                f"driver {result['peak_rss_mb']:,.0f} MB; includes the Spark session start; "
                f"{spark_rows / result['seconds']:,.0f} rows/s",
            }
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
