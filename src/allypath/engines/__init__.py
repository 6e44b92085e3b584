"""Engines for large inputs: DuckDB (embedded, out-of-core) and Spark; both feed the one numpy kernel."""

from allypath.engines.batches import BatchScorer, plain_frame, plain_table
from allypath.engines.duckdb_engine import count_parquet_rows, parquet_source, score_parquet_duckdb
from allypath.engines.spark_engine import local_spark, score_parquet_spark

__all__ = [
    "BatchScorer",
    "count_parquet_rows",
    "local_spark",
    "parquet_source",
    "plain_frame",
    "plain_table",
    "score_parquet_duckdb",
    "score_parquet_spark",
]
