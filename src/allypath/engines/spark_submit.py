"""The cluster entry point: ``spark-submit`` this file with the allypath wheel.

    spark-submit --master yarn --py-files allypath-<version>-py3-none-any.whl \\
        "$(python -c 'import allypath.engines.spark_submit as m; print(m.__file__)')" \\
        s3://bucket/responses/ --by unit,level --counts s3://bucket/cells/ --reader arrow

Every executor imports allypath from the wheel and loads the instrument and the stage model from
the wheel's package data (``allypath/instrument/data``, ``allypath/scoring/data``): nothing is read
from the driver's disk. ``--counts`` writes the finest cells of the ``--by`` columns (respondents
placed, per stage, commenters: what a release is solved from), counted in the workers
(:func:`allypath.engines.spark_engine.tally_spark`): each partition scores its Arrow batches and
sends only its counts; ``--reader arrow`` has each worker read its files' row groups with pyarrow
instead of Spark (several times faster: docs/spark.md). A second positional folder also writes the scored rows
(:func:`allypath.engines.spark_engine.score_spark`); the counts are then read from them, not scored
twice. ``--master local[2]`` runs the same entry point on one machine (the tests do).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from allypath._values import plain
from allypath.engines.batches import BatchScorer
from allypath.engines.spark_engine import (
    ARROW_BATCH_ROWS,
    refuse_duplicate_ids_spark,
    score_spark,
    tally_spark,
    tally_spark_files,
)

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="allypath-spark", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="Parquet file or folder of wide responses")
    parser.add_argument("out", nargs="?", default=None, help="folder for the scored Parquet part files")
    parser.add_argument("--on-error", choices=("raise", "mark"), default="mark")
    parser.add_argument("--form", default=None, help="force a form (full or short)")
    parser.add_argument(
        "--by", default=None, help="comma-separated columns whose finest cells --counts writes"
    )
    parser.add_argument("--counts", default=None, help="folder for the finest cells' counts (Parquet)")
    parser.add_argument("--master", default=None, help="e.g. local[2]; default: spark-submit's")
    parser.add_argument("--batch-rows", type=int, default=ARROW_BATCH_ROWS, help="Arrow batch rows")
    parser.add_argument(
        "--reader",
        choices=("spark", "arrow"),
        default="spark",
        help="who reads the files for --counts alone: Spark, or each worker with pyarrow (faster)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    """Run the job; returns (and prints as JSON) the rows read and the cells counted."""
    from pyspark.sql import SparkSession
    from pyspark.sql.types import LongType, StructField, StructType

    parser = _parser()
    args = parser.parse_args(argv)
    by = [c for c in (args.by or "").split(",") if c]
    if args.counts and not by:
        parser.error("--counts needs --by")
    if not args.out and not args.counts:
        parser.error("give a folder for the scored rows, --counts, or both")
    builder = SparkSession.builder.appName("allypath")
    if args.master:
        builder = builder.master(args.master)
    if (args.master or "").startswith("local"):
        # Local workers are started from this machine's PATH, whose python3 may lack allypath and
        # pyarrow (a ModuleNotFoundError in every task): they run this interpreter, as local_spark's do.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = builder.config("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.batch_rows)).getOrCreate()
    scorer = BatchScorer(form=args.form, on_error=args.on_error, source=args.source)
    frame = spark.read.parquet(args.source)
    refuse_duplicate_ids_spark(frame, args.source)  # counted twice, three men would pass a gate of five
    summary: dict[str, object] = {}
    if args.out:
        score_spark(frame, scorer).write.mode("overwrite").parquet(args.out)
        frame = spark.read.parquet(args.out)  # scored: counted as it is
        summary["rows"] = int(frame.count())
    if args.counts:
        if args.reader == "arrow" and not args.out:
            tally = tally_spark_files(args.source, scorer, by, spark)
        else:
            tally = tally_spark(frame, scorer, by)
        cells = tally.finest(by)
        schema = StructType(
            [frame.schema[c] for c in by] + [StructField(c, LongType()) for c in cells.columns[len(by) :]]
        )
        rows = [tuple(plain(value) for value in row) for row in cells.itertuples(index=False)]
        spark.createDataFrame(rows, schema).write.mode("overwrite").parquet(args.counts)
        summary.setdefault("rows", tally.rows)
        summary["cells"] = len(cells)
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":  # pragma: no cover - run by spark-submit
    main()
