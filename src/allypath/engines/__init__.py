"""Engines for large inputs: DuckDB (embedded, out-of-core) and Spark; both feed the one numpy kernel.
The board's aggregate table is built here too, in memory or with DuckDB (:mod:`.aggregate`).

:func:`choose_engine` says which engine scores a source when the user leaves it to ``auto``; the
engines themselves are imported on first use, so choosing one does not load DuckDB.
"""

from __future__ import annotations

import importlib
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allypath.errors import DataError

if TYPE_CHECKING:  # pragma: no cover - imported on first use below (DuckDB is not needed to choose)
    from allypath.engines.aggregate import aggregate_duckdb, aggregate_table, aggregate_unscored_duckdb
    from allypath.engines.batches import BatchScorer, plain_frame, plain_table
    from allypath.engines.duckdb_engine import (
        count_parquet_rows,
        parquet_source,
        report_columns,
        score_parquet_duckdb,
    )
    from allypath.engines.duckdb_ids import refuse_duplicate_ids_parquet
    from allypath.engines.spark_engine import local_spark, score_parquet_spark

__all__ = [
    "BatchScorer",
    "Engine",
    "aggregate_duckdb",
    "aggregate_table",
    "aggregate_unscored_duckdb",
    "choose_engine",
    "count_parquet_rows",
    "local_spark",
    "parquet_source",
    "plain_frame",
    "plain_table",
    "refuse_duplicate_ids_parquet",
    "report_columns",
    "score_parquet_duckdb",
    "score_parquet_spark",
]


class Engine(StrEnum):
    """Where rows are scored: ``memory`` (this process; a Parquet file streamed by batches), ``duckdb``
    (out of core), ``spark``; ``auto`` leaves it to :func:`choose_engine`."""

    auto = "auto"
    memory = "memory"
    duckdb = "duckdb"
    spark = "spark"


def choose_engine(engine: Engine | str, source: Path) -> Engine:
    """``auto``: DuckDB for folders and globs; this process otherwise (a Parquet file of any size is
    streamed by batches, a CSV file read whole). Any other choice is kept.

    >>> choose_engine("auto", Path("lake/*.parquet")).value, choose_engine("spark", Path("x.csv")).value
    ('duckdb', 'spark')
    """
    engine = Engine(engine)
    text = str(source)
    # an existing file is one file, whatever its name holds ("survey [2024].csv")
    many = source.is_dir() or (not source.is_file() and any(ch in text for ch in "*?["))
    if engine is Engine.memory and many:
        raise DataError(
            "a folder or a glob of Parquet files is read with --engine duckdb or --engine spark;"
            " the memory engine reads one .csv or .parquet file",
            file=text,
        )
    if engine is not Engine.auto:
        return engine
    return Engine.duckdb if many else Engine.memory


_LAZY = {
    "aggregate_duckdb": "aggregate",
    "aggregate_table": "aggregate",
    "aggregate_unscored_duckdb": "aggregate",
    "BatchScorer": "batches",
    "plain_frame": "batches",
    "plain_table": "batches",
    "count_parquet_rows": "duckdb_engine",
    "parquet_source": "duckdb_engine",
    "refuse_duplicate_ids_parquet": "duckdb_ids",
    "report_columns": "duckdb_engine",
    "score_parquet_duckdb": "duckdb_engine",
    "local_spark": "spark_engine",
    "score_parquet_spark": "spark_engine",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
