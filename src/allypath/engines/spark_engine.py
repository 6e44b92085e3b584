"""Scoring on Spark (``allypath[spark]``): each partition's Arrow batches go through the same kernel."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from allypath.engines.batches import BatchScorer
from allypath.errors import ConfigurationError

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession

__all__ = ["local_spark", "score_parquet_spark"]


def local_spark(cores: int = 2, memory: str = "2g") -> SparkSession:
    """A local-mode Spark session for tests, benchmarks and single-machine runs (no UI, quiet)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - depends on the optional extra
        raise ConfigurationError("Spark needs the optional extra: pip install 'allypath[spark]'") from None
    os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)  # type: ignore[attr-defined]
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("allypath")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(cores * 2))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "65536")
        .config("spark.driver.extraJavaOptions", "-Dlog4j.rootLogger=ERROR,console")
        .getOrCreate()
    )


def score_parquet_spark(source: str | Path, out: str | Path, scorer: BatchScorer, spark: Any = None) -> int:
    """Score Parquet ``source`` on Spark into the folder ``out`` (Spark's part files); rows written.

    Rows are identified by their ``respondent_id`` rather than a row number, since a partitioned job
    has no global row order; with ``on_error="mark"`` bad rows are flagged, not fatal.
    """
    from pyspark.sql.pandas.types import from_arrow_schema

    session = spark or local_spark()
    frame = session.read.parquet(str(source))
    input_schema = pa.schema([pa.field(f.name, _arrow_type(f.dataType)) for f in frame.schema.fields])
    output = scorer.output_schema(input_schema)
    template = BatchScorer(scorer.instrument, scorer.model, scorer.form, scorer.on_error, scorer.answer_key)

    def score_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        worker = BatchScorer(
            template.instrument, template.model, template.form, template.on_error, template.answer_key
        )
        for batch in worker.score_batches(batches):
            yield batch.cast(output) if batch.schema != output else batch

    result = frame.mapInArrow(score_partition, from_arrow_schema(output))
    result.write.mode("overwrite").parquet(str(out))
    return int(session.read.parquet(str(out)).count())


def _arrow_type(spark_type: Any) -> pa.DataType:
    from pyspark.sql.pandas.types import to_arrow_type

    return to_arrow_type(spark_type)
