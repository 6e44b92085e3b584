"""Scoring on Spark (``allypath[spark]``): each partition's Arrow batches go through the same kernel.

``mapInArrow`` hands every Python worker its partition as Arrow record batches; each goes straight
into :func:`allypath.scoring.score_arrow` (no pandas on the way in or out) and comes back as one
record batch of the output schema. ``keep`` narrows the job to the columns a caller needs, as for
DuckDB: attribute columns not kept are never read and the scored strings only are cast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from allypath.engines.batches import BatchScorer
from allypath.errors import ConfigurationError
from allypath.scoring.engine import kept_columns

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["ARROW_BATCH_ROWS", "local_spark", "score_parquet_spark", "score_spark"]

#: Rows per Arrow batch handed to a Python worker (spark.sql.execution.arrow.maxRecordsPerBatch).
#: The kernel's fixed cost per batch (about 2 ms) is lost in 65,536 rows; larger batches only raise
#: the worker's memory (measured on local[2]: see BENCHMARKS.md).
ARROW_BATCH_ROWS = 65_536


def local_spark(cores: int = 2, memory: str = "2g", batch_rows: int = ARROW_BATCH_ROWS) -> SparkSession:
    """A local-mode Spark session for tests, benchmarks and single-machine runs (no UI, quiet)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - depends on the optional extra
        raise ConfigurationError("Spark needs the optional extra: pip install 'allypath[spark]'") from None
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("allypath")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(cores * 2))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch_rows))
        .config("spark.driver.extraJavaOptions", "-Dlog4j.rootLogger=ERROR,console")
        .getOrCreate()
    )


def score_spark(frame: DataFrame, scorer: BatchScorer, keep: Sequence[str] | None = None) -> DataFrame:
    """``frame`` scored, lazily: a Spark DataFrame of the scored columns (only ``keep``'s, if given;
    names or prefixes ending in ``_``)."""
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_type

    if keep is not None:
        frame = frame.select(*scorer.input_columns(frame.columns, keep))
    input_schema = pa.schema([pa.field(f.name, to_arrow_type(f.dataType)) for f in frame.schema.fields])
    full = scorer.output_schema(input_schema)
    output = pa.schema([full.field(name) for name in kept_columns(full.names, keep)])
    template = scorer.fresh()

    def score_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        worker = template.fresh()  # rows counted per partition: errors name respondent ids here
        for batch in batches:
            if batch.num_rows:
                scored = worker.score_table(pa.Table.from_batches([batch])).select(output.names)
                yield scored.cast(output).combine_chunks().to_batches()[0]

    return frame.mapInArrow(score_partition, from_arrow_schema(output))


def score_parquet_spark(
    source: str | Path,
    out: str | Path,
    scorer: BatchScorer,
    spark: Any = None,
    keep: Sequence[str] | None = None,
) -> int:
    """Score Parquet ``source`` on Spark into the folder ``out`` (Spark's part files); rows written.

    Rows are identified by their ``respondent_id`` rather than a row number, since a partitioned job
    has no global row order; with ``on_error="mark"`` bad rows are flagged, not fatal.
    """
    session = spark or local_spark()
    result = score_spark(session.read.parquet(str(source)), scorer, keep)
    result.write.mode("overwrite").parquet(str(out))
    return int(session.read.parquet(str(out)).count())
