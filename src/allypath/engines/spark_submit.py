"""The cluster entry point: ``spark-submit`` this file with the allypath wheel.

    spark-submit --master yarn --py-files allypath-<version>-py3-none-any.whl \\
        "$(python -c 'import allypath.engines.spark_submit as m; print(m.__file__)')" \\
        s3://bucket/responses/ s3://bucket/scored/ --by unit --counts s3://bucket/stage-mix/

Every executor imports allypath from the wheel and loads the instrument and the stage model from
the wheel's package data (``allypath/instrument/data``, ``allypath/scoring/data``): nothing is read
from the driver's disk. Rows are scored with :func:`allypath.engines.spark_engine.score_spark`
(``mapInArrow``, Arrow batches straight into the kernel); ``--counts`` also writes placed
respondents per group of ``--by`` and stage (the finest cells a release is solved from).
``--master local[2]`` runs the same entry point on one machine (the tests do).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from allypath.engines.batches import BatchScorer
from allypath.engines.spark_engine import ARROW_BATCH_ROWS, score_spark

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="allypath-spark", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="Parquet file or folder of wide responses")
    parser.add_argument("out", help="folder for the scored Parquet part files")
    parser.add_argument("--on-error", choices=("raise", "mark"), default="mark")
    parser.add_argument("--form", default=None, help="force a form (full or short)")
    parser.add_argument("--by", default=None, help="comma-separated group columns for --counts")
    parser.add_argument("--counts", default=None, help="folder for placed counts per group and stage")
    parser.add_argument("--master", default=None, help="e.g. local[2]; default: spark-submit's")
    parser.add_argument("--batch-rows", type=int, default=ARROW_BATCH_ROWS, help="Arrow batch rows")
    return parser


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    """Run the job; returns (and prints as JSON) rows scored and groups counted."""
    from pyspark.sql import SparkSession

    args = _parser().parse_args(argv)
    by = [c for c in (args.by or "").split(",") if c]
    if args.counts and not by:
        _parser().error("--counts needs --by")
    builder = SparkSession.builder.appName("allypath")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.config("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.batch_rows)).getOrCreate()
    scorer = BatchScorer(form=args.form, on_error=args.on_error, source=args.source)
    scored = score_spark(spark.read.parquet(args.source), scorer)
    scored.write.mode("overwrite").parquet(args.out)
    written = spark.read.parquet(args.out)
    summary: dict[str, object] = {"rows": int(written.count())}
    if args.counts:
        counts = written.where("status = 'scored'").groupBy(*by, "stage").count()
        counts.write.mode("overwrite").parquet(args.counts)
        summary["cells"] = int(spark.read.parquet(args.counts).count())
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":  # pragma: no cover - run by spark-submit
    main()
