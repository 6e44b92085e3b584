"""Out-of-core scoring over Parquet files or folders with DuckDB (bounded memory)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from allypath._files import atomic_path
from allypath.engines.batches import BatchScorer
from allypath.errors import DataError

__all__ = ["count_parquet_rows", "parquet_source", "score_parquet_duckdb"]

BATCH_ROWS = 131_072


def parquet_source(path: str | Path) -> str:
    """The ``read_parquet`` argument for a file, a folder (every ``*.parquet`` below it) or a glob."""
    text = str(path)
    if any(ch in text for ch in "*?["):
        return text
    target = Path(path)
    if target.is_dir():
        if not any(target.rglob("*.parquet")):
            raise DataError("the folder holds no .parquet files", file=text)
        return str(target / "**" / "*.parquet")
    if not target.exists():
        raise DataError("no such file or folder", file=text)
    return text


def count_parquet_rows(source: str | Path) -> int:
    """Rows in a Parquet file, folder or glob, from the files' footers (nothing else is read)."""
    pattern = parquet_source(source)
    with duckdb.connect() as con:
        try:
            row = con.execute(
                "SELECT count(*) FROM read_parquet(?, union_by_name = true)", [pattern]
            ).fetchone()
        except duckdb.Error as exc:
            raise DataError(f"cannot read Parquet input ({exc})", file=str(source)) from None
    return int(row[0]) if row else 0


def _connect(memory_limit: str, threads: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = true")
    return con


def score_parquet_duckdb(
    source: str | Path,
    out: str | Path,
    scorer: BatchScorer,
    *,
    batch_rows: int = BATCH_ROWS,
    memory_limit: str = "2GB",
    threads: int = 2,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Stream ``source`` through the scorer into one Parquet file ``out``; returns rows written.

    DuckDB reads the files in batches (row order preserved), each batch is scored and appended to the
    output, so memory stays bounded by the batch size whatever the input size. The output appears
    only when every batch succeeded. ``on_batch`` is called with the rows of each batch written
    (for a progress bar).
    """
    pattern = parquet_source(source)
    con = _connect(memory_limit, threads)
    try:
        relation = con.read_parquet(pattern, union_by_name=True)
        reader = relation.to_arrow_reader(batch_rows)
    except duckdb.Error as exc:
        raise DataError(f"cannot read Parquet input ({exc})", file=str(source)) from None
    written = 0
    with atomic_path(Path(out)) as tmp:
        writer: pq.ParquetWriter | None = None
        try:
            for batch in scorer.score_batches(reader):
                if writer is None:
                    writer = pq.ParquetWriter(tmp, batch.schema)
                writer.write_batch(batch)
                written += batch.num_rows
                if on_batch is not None:
                    on_batch(batch.num_rows)
            if writer is None:
                empty = scorer.output_schema(reader.schema)
                writer = pq.ParquetWriter(tmp, empty)
                writer.write_table(pa.Table.from_batches([], schema=empty))
        finally:
            if writer is not None:
                writer.close()
            con.close()
    return written
