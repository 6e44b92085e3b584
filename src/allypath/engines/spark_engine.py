"""Scoring on Spark (``allypath[spark]``): each partition's Arrow batches go through the same kernel.

``mapInArrow`` hands every Python worker its partition as Arrow record batches; each goes straight
into :func:`allypath.scoring.score_arrow` (no pandas on the way in or out) and comes back as one
record batch of the output schema. ``keep`` narrows the job to the columns a caller needs, as for
DuckDB: attribute columns not kept are never read and the scored strings only are cast.

The report's aggregates need no scored row at all: :func:`tally_spark` has each partition score its
batches and count them into one :class:`~allypath.engines.tally.CellTally`, and send that alone
(one small record batch per partition) to the driver, which adds them up and solves the release
exactly as the DuckDB path does (:func:`aggregate_spark`). Spark's own reader hands the workers
their batches through rows (its Parquet columns to rows, rows to Arrow), which costs more than the
scoring; :func:`tally_spark_files` (``reader="arrow"``) has the workers read the files themselves.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from allypath.engines.aggregate import _declared, tally_table
from allypath.engines.batches import BatchScorer
from allypath.engines.tally import CellTally, tally_schema
from allypath.errors import ConfigurationError, DataError
from allypath.privacy import Breakdown, PrivacyPolicy
from allypath.scoring.engine import kept_columns

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

__all__ = [
    "ARROW_BATCH_ROWS",
    "aggregate_spark",
    "local_spark",
    "refuse_duplicate_ids_spark",
    "score_parquet_spark",
    "score_spark",
    "tally_spark",
    "tally_spark_files",
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
    # pyspark 4 warns that it does not fully support pandas 3 on every Arrow function it builds; the
    # scoring hands it Arrow batches only (mapInArrow), and its results are tested identical to the
    # DuckDB and in-memory paths (tests/engines/test_identity.py), so the warning only adds noise.
    warnings.filterwarnings(
        "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
    )
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("allypath")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(cores * 2))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch_rows))
        # Splits of at most 64 MB: a folder of 50 MB files is not packed two files to a task, which
        # on two cores left one idle for the last of an odd number of tasks (10M rows: 5 tasks).
        .config("spark.sql.files.maxPartitionBytes", "64m")
        .config("spark.driver.extraJavaOptions", "-Dlog4j.rootLogger=ERROR,console")
        .getOrCreate()
    )


def refuse_duplicate_ids_spark(frame: DataFrame, source: str, column: str = "respondent_id") -> None:
    """Refuse a blank ``respondent_id``, or one on two rows, of ``frame`` (read from ``source``), for
    a cluster job.

    The rule of :func:`allypath.io.ids.refuse_duplicate_ids` (ids compared as text without the
    spaces around them; a blank one -- missing, NaN or only spaces -- refused first), counted in
    Spark's workers. The message names the id and the files holding it, not row numbers: Spark's
    partitions keep no row order. On one machine the command line uses
    :func:`allypath.engines.refuse_duplicate_ids_parquet` instead, which names the rows.
    """
    from pyspark.sql import functions as sql

    if column not in frame.columns:
        return
    ids = sql.regexp_replace(sql.col(column).cast("string"), r"^\s+|\s+$", "")
    blank = ids.isNull() | (ids == "")
    if frame.schema[column].dataType.typeName() in {"float", "double"}:
        blank = blank | sql.isnan(sql.col(column))
    blanks = frame.where(blank).select(sql.input_file_name().alias("file"))
    count = blanks.count()
    if count:
        files = sorted(row["file"] for row in blanks.distinct().collect())
        raise DataError(
            f"the respondent_id is blank on {count} row(s) (in {', '.join(files)}): each row needs its "
            "respondent's id, so that no one is counted twice (a file without ids has no respondent_id "
            "column)",
            file=source,
            column=column,
        )
    present = frame.select(ids.alias("id"))
    repeated = present.groupBy("id").count().where(sql.col("count") > 1)
    found = repeated.orderBy("id").limit(1).collect()
    if not found:
        return
    value = found[0]["id"]
    extra = repeated.agg(sql.sum(sql.col("count") - 1).alias("extra")).collect()[0]["extra"]
    files = sorted(
        row["file"]
        for row in frame.where(ids == value).select(sql.input_file_name().alias("file")).distinct().collect()
    )
    more = f"; {int(extra) - 1} more row(s) repeat an earlier id" if int(extra) > 1 else ""
    raise DataError(
        f"respondent_id {value!r} is on two rows or more (in {', '.join(files)}): each respondent must "
        f"appear once{more}",
        file=source,
        column=column,
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


def tally_spark_files(
    source: str | Path,
    scorer: BatchScorer,
    columns: Sequence[str],
    spark: Any = None,
    *,
    tasks_per_core: int = 4,
) -> CellTally:
    """:func:`tally_spark` with the Parquet files read by the Python workers, not by Spark.

    Spark lists the files (``inputFiles``: any file system it reads) and schedules them, a file cut
    into row-group slices when there are few files, so every core stays busy; each task reads its
    row groups with pyarrow (``pyarrow.fs``: local, S3, GCS, HDFS), straight into Arrow batches of the
    columns scoring needs, scores and counts them as :func:`tally_spark` does. This skips the JVM's
    decoding of every answer into rows and back into Arrow, which costs more than the scoring itself
    (docs/spark.md). Columns a file lacks are empty and types are Spark's (merged schema), as when
    Spark reads; folders partitioned by key (``org=a/``), whose keys only Spark reads, are left to
    :func:`tally_spark`.
    """
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_type

    session = spark or local_spark()
    frame = session.read.option("mergeSchema", "true").parquet(str(source))
    files = sorted(frame.inputFiles())
    if not files or any(f"/{c}=" in f for f in files for c in frame.columns):
        return tally_spark(frame, scorer, columns)
    for column in columns:
        if column not in frame.columns:
            raise DataError(f"the data has no column {column!r}", file=str(source), column=column)
    keep = CellTally(columns).keep()
    scored = "stage" in frame.columns
    wanted = [c for c in frame.columns if c in keep] if scored else scorer.input_columns(frame.columns, keep)
    target = pa.schema([pa.field(f.name, to_arrow_type(f.dataType)) for f in frame.select(*wanted).schema])
    types = {c: target.field(c).type for c in columns}
    slices = max(1, -(-tasks_per_core * session.sparkContext.defaultParallelism // len(files)))
    work = [(path, part, slices) for path in files for part in range(slices)]
    tasks = session.createDataFrame(
        session.sparkContext.parallelize(work, len(work)), "path string, part int, parts int"
    )
    batch_rows = int(session.conf.get("spark.sql.execution.arrow.maxRecordsPerBatch") or ARROW_BATCH_ROWS)
    template = scorer.fresh()

    def count_files(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        worker, tally = template.fresh(), CellTally(columns)
        for batch in batches:
            for path, part, parts in zip(*(batch.column(i).to_pylist() for i in range(3)), strict=True):
                for table in _file_batches(path, part, parts, target, batch_rows):
                    tally.add(table if scored else worker.score(table, keep))
        yield tally.to_arrow(types)

    counted = tasks.mapInArrow(count_files, from_arrow_schema(tally_schema(columns, types)))
    return CellTally.from_arrow(counted.toArrow(), columns)


def _file_batches(path: str, part: int, parts: int, target: pa.Schema, batch_rows: int) -> Iterator[pa.Table]:
    """Slice ``part`` of ``parts`` of one Parquet file (every ``parts``-th row group from ``part``),
    as tables of ``target``'s columns and types."""
    import pyarrow.fs
    import pyarrow.parquet as pq

    filesystem, inner = pyarrow.fs.FileSystem.from_uri(path)
    with filesystem.open_input_file(inner) as handle:
        file = pq.ParquetFile(handle)
        mine = list(range(part, file.num_row_groups, parts))
        present = [name for name in target.names if name in file.schema_arrow.names]
        if not mine:
            return
        for batch in file.iter_batches(batch_rows, row_groups=mine, columns=present):
            columns = []
            for field in target:
                if field.name in present:
                    column = batch.column(field.name)
                    columns.append(column if column.type == field.type else column.cast(field.type))
                else:  # a column this file lacks: empty, as in Spark's merged schema
                    columns.append(pa.nulls(batch.num_rows, field.type))
            yield pa.Table.from_arrays(columns, schema=target)


def aggregate_spark(
    source: DataFrame | str | Path,
    by: str | Sequence[str],
    policy: PrivacyPolicy,
    *,
    breakdowns: Sequence[Breakdown] | None = None,
    hierarchy: Sequence[str] = (),
    scorer: BatchScorer | None = None,
    spark: Any = None,
    reader: str = "spark",
) -> pd.DataFrame:
    """:func:`~allypath.engines.aggregate.aggregate_unscored_duckdb` on Spark: the same table.

    ``source`` is a Spark DataFrame or a Parquet file or folder (read by ``spark``, a local session
    by default), scored or not. Every declared column's finest cells are counted in the workers
    (:func:`tally_spark`) and solved into the release on the driver (:func:`tally_table`), so both
    engines hide the same cells. ``scorer`` defaults to marking bad rows, as the report does.
    ``reader="arrow"`` (a file or folder only) has the workers read the files themselves
    (:func:`tally_spark_files`): the same table, several times faster.
    """
    columns, declared, needed = _declared(by, breakdowns)
    if reader not in ("spark", "arrow"):
        raise ValueError(f"reader is 'spark' or 'arrow', not {reader!r}")
    if isinstance(source, str | Path):
        session = spark or local_spark()
        scorer = scorer or BatchScorer(on_error="mark", source=str(source))
        if reader == "arrow":
            tally = tally_spark_files(source, scorer, needed, session)
        else:
            tally = tally_spark(session.read.parquet(str(source)), scorer, needed)
    elif reader == "arrow":
        raise ValueError("reader='arrow' reads files: give a path, not a DataFrame")
    else:
        tally = tally_spark(source, scorer or BatchScorer(on_error="mark"), needed)
    return tally_table(tally, columns, policy, breakdowns=declared, hierarchy=hierarchy)
