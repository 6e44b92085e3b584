"""Scale-out: 100,000,000 responses scored and aggregated by unit on DuckDB; 10,000,000 on Spark.

The dataset is a folder of Parquet files (1,000,000 rows each: simulated respondents with fresh ids
and units spread over 500 units). Each engine scores every row through the one numpy kernel, then
counts stages per unit and passes the counts through the privacy gate. The baseline is a plain
DuckDB group-by over the same files (count and a mean per unit), run in the same process: the cost
of just reading the data once. Peak memory is this process's maximum resident set (the Spark
executors run in their own JVM and Python workers; their memory is bounded by Spark's settings).
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import allypath
from allypath.engines import BatchScorer, score_parquet_duckdb, score_parquet_spark
from allypath.privacy import PrivacyPolicy, decide_siblings

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


def gated_stage_counts(scored: str) -> int:
    con = duckdb.connect()
    rows = con.sql(
        f"SELECT unit, stage, count(*) FROM read_parquet('{scored}') WHERE status = 'scored' GROUP BY ALL"
    ).fetchall()
    con.close()
    sizes: dict[str, int] = {}
    for unit, _stage, n in rows:
        sizes[unit] = sizes.get(unit, 0) + n
    decisions = decide_siblings(sizes, PrivacyPolicy())
    return sum(d.visible for d in decisions.values())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(quick: bool = False) -> list[dict[str, object]]:
    duck_rows = 2_000_000 if quick else 100_000_000
    spark_rows = 1_000_000 if quick else 10_000_000
    work = Path(tempfile.mkdtemp(prefix="allypath-bench-scale-"))
    rows: list[dict[str, object]] = []
    try:
        data = make_dataset(work / "data", duck_rows)
        baseline = plain_group_by(data)
        start = time.perf_counter()
        out = work / "scored.parquet"
        score_parquet_duckdb(data, out, BatchScorer(on_error="mark"), memory_limit="2GB")
        visible = gated_stage_counts(str(out))
        figure = time.perf_counter() - start
        rows.append(
            {
                "name": f"DuckDB: score + stage mix by unit, {duck_rows:,} rows",
                "figure": figure,
                "unit": "s",
                "baseline_name": "plain DuckDB group-by (count, mean) over the same files",
                "baseline": baseline,
                "ratio": figure / baseline,
                "target": "bounded memory",
                "notes": f"peak RSS {peak_rss_mb():,.0f} MB; {visible} of {UNITS} units pass the gate",
            }
        )
        shutil.rmtree(data)
        out.unlink()
        spark_data = make_dataset(work / "spark-data", spark_rows)
        baseline = plain_group_by(spark_data)
        from allypath.engines import local_spark

        spark = local_spark(cores=2, memory="3g")
        try:
            start = time.perf_counter()
            score_parquet_spark(spark_data, work / "spark-out", BatchScorer(on_error="mark"), spark=spark)
            counts = (
                spark.read.parquet(str(work / "spark-out"))
                .where("status = 'scored'")
                .groupBy("unit")
                .count()
                .collect()
            )
            decisions = decide_siblings({r["unit"]: int(r["count"]) for r in counts}, PrivacyPolicy())
            figure = time.perf_counter() - start
        finally:
            spark.stop()
        rows.append(
            {
                "name": f"Spark local[2]: score + stage mix by unit, {spark_rows:,} rows",
                "figure": figure,
                "unit": "s",
                "baseline_name": "plain DuckDB group-by over the same files",
                "baseline": baseline,
                "ratio": figure / baseline,
                "target": "same results as DuckDB (tests)",
                "notes": f"{sum(d.visible for d in decisions.values())} units visible; driver 3 GB",
            }
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
