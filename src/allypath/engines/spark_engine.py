"""Scoring on Spark (``allypath[spark]``): each partition's Arrow batches go through the same kernel.

``mapInArrow`` hands every Python worker its partition as Arrow record batches; each goes straight
into :func:`allypath.scoring.score_arrow` (no pandas on the way in or out) and comes back as one
record batch of the output schema. ``keep`` narrows the job to the columns a caller needs, as for
DuckDB: attribute columns not kept are never read and the scored strings only are cast.

The report's aggregates need no scored row at all: :func:`tally_spark` has each partition score its
batches and count them into one :class:`~allypath.engines.aggregate.CellTally`, and send that alone
(one small record batch per partition) to the driver, which adds them up and solves the release
exactly as the DuckDB path does (:func:`aggregate_spark`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from allypath.engines.aggregate import CellTally, _declared, tally_schema, tally_table
from allypath.engines.batches import BatchScorer
from allypath.errors import ConfigurationError, DataError
from allypath.privacy import Breakdown, PrivacyPolicy
from allypath.scoring.engine import kept_columns

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

__all__ = [
    "ARROW_BATCH_ROWS",
    "aggregate_spark",
    "local_spark",
    "score_parquet_spark",
    "score_spark",
    "tally_spark",
]

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


def tally_spark(frame: DataFrame, scorer: BatchScorer, columns: Sequence[str]) -> CellTally:
    """The placed rows of ``frame`` counted by the finest cells of ``columns``, in the workers.

    Each partition scores its Arrow batches (unless ``frame`` is scored already: it has a ``stage``
    column) and counts them into one :class:`CellTally`, which leaves the worker as one record batch
    (:meth:`CellTally.to_arrow`); the driver collects those batches and adds them up
    (:meth:`CellTally.from_arrow`). Only the cells cross from Python to the JVM and back, never a row.
    """
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_type

    for column in columns:
        if column not in frame.columns:
            raise DataError(f"the data has no column {column!r}", column=column)
    keep = CellTally(columns).keep()
    scored = "stage" in frame.columns
    wanted = [c for c in frame.columns if c in keep] if scored else scorer.input_columns(frame.columns, keep)
    frame = frame.select(*wanted)
    types = {f.name: to_arrow_type(f.dataType) for f in frame.schema.fields if f.name in columns}
    template = scorer.fresh()

    def count_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        worker, tally = template.fresh(), CellTally(columns)  # rows counted per partition, as score_spark
        for batch in batches:
            if batch.num_rows:
                table = pa.Table.from_batches([batch])
                tally.add(table if scored else worker.score(table, keep))
        yield tally.to_arrow(types)

    counted = frame.mapInArrow(count_partition, from_arrow_schema(tally_schema(columns, types)))
    return CellTally.from_arrow(counted.toArrow(), columns)


def aggregate_spark(
    source: DataFrame | str | Path,
    by: str | Sequence[str],
    policy: PrivacyPolicy,
    *,
    breakdowns: Sequence[Breakdown] | None = None,
    hierarchy: Sequence[str] = (),
    scorer: BatchScorer | None = None,
    spark: Any = None,
) -> pd.DataFrame:
    """:func:`~allypath.engines.aggregate.aggregate_unscored_duckdb` on Spark: the same table.

    ``source`` is a Spark DataFrame or a Parquet file or folder (read by ``spark``, a local session
    by default), scored or not. Every declared column's finest cells are counted in the workers
    (:func:`tally_spark`) and solved into the release on the driver (:func:`tally_table`), so both
    engines hide the same cells. ``scorer`` defaults to marking bad rows, as the report does.
    """
    columns, declared, needed = _declared(by, breakdowns)
    if isinstance(source, str | Path):
        session = spark or local_spark()
        frame = session.read.parquet(str(source))
        scorer = scorer or BatchScorer(on_error="mark", source=str(source))
    else:
        frame = source
        scorer = scorer or BatchScorer(on_error="mark")
    tally = tally_spark(frame, scorer, needed)
    return tally_table(tally, columns, policy, breakdowns=declared, hierarchy=hierarchy)
