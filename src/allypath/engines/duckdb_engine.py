"""Out-of-core scoring over Parquet files or folders with DuckDB (bounded memory).

DuckDB reads the files as Arrow record batches; each goes straight into the kernel
(:meth:`BatchScorer.score`, i.e. :func:`allypath.scoring.score_arrow`: no pandas, no per-batch
conversion of the scored strings) and is appended to one Parquet file. Reading the next batch,
scoring this one and writing the previous one overlap on three threads (DuckDB and pyarrow release
the interpreter lock while they decode and encode; the kernel runs its blocks on two threads), so
at most three batches are in flight. ``keep`` narrows the job to the output columns a caller needs
(the report's aggregates need a dozen of ~80): attribute columns not kept are never read, and only
the kept columns are written. :func:`tally_parquet_duckdb` counts the scored batches instead of
writing them (the report's aggregates, :class:`allypath.engines.tally.CellTally`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from allypath._files import atomic_path
from allypath.engines.batches import FILE_KEY, BatchScorer, conform, file_schema
from allypath.engines.tally import CellTally
from allypath.errors import DataError

__all__ = [
    "REPORT_COLUMNS",
    "count_parquet_rows",
    "first_bad_stage_parquet",
    "parquet_source",
    "read_parquet_relation",
    "report_columns",
    "score_parquet_duckdb",
    "tally_parquet_duckdb",
]

BATCH_ROWS = 131_072

#: Scored columns the DuckDB report reads besides its breakdown columns: status, stage, the stage
#: probabilities, the construct scores and the comment columns (commenters per cell).
REPORT_COLUMNS = ("status", "stage", "p_", "score_", "ot1", "ot2")


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


def read_parquet_relation(con: duckdb.DuckDBPyConnection, pattern: str) -> duckdb.DuckDBPyRelation:
    """The files of ``pattern`` (:func:`parquet_source`) as one relation, columns unified by name.

    A folder partitioned by key (``unit=a/``) has columns in its paths, which DuckDB's SQL
    ``read_parquet`` reads by itself but its Python ``read_parquet`` only when asked: every reader here
    asks whenever a folder between the pattern and a file is named ``key=value``.
    """
    return con.read_parquet(pattern, union_by_name=True, hive_partitioning=_partitioned(_files(con, pattern)))


def _files(con: duckdb.DuckDBPyConnection, pattern: str) -> list[str]:
    """The files of ``pattern``, in the order DuckDB reads them."""
    return [str(row[0]) for row in con.execute("SELECT file FROM glob(?)", [pattern]).fetchall()]


def _partitioned(files: Sequence[str]) -> bool:
    return any("=" in part for f in files for part in Path(f).parts[:-1])


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


def first_bad_stage_parquet(source: str | Path) -> tuple[str, int, object] | None:
    """The first cell of a scored Parquet input's ``stage`` that is not 1-4 or blank, as (file, 1-based
    row within it, value), or None. A file edited by hand (stage 9) was counted in a group's n and in
    none of its stages."""
    pattern = parquet_source(source)
    with _connect("1GB", 2) as con:
        try:
            # NaN (a float column's blank) is not a bad stage: DuckDB holds NaN equal to itself
            row = con.execute(
                "SELECT filename, file_row_number, CAST(stage AS VARCHAR), TRY_CAST(stage AS DOUBLE) AS x "
                "FROM read_parquet(?, union_by_name = true, filename = true, file_row_number = true) "
                "WHERE stage IS NOT NULL AND (x IS NULL OR (x NOT IN (1, 2, 3, 4) AND x <> 'NaN'::DOUBLE)) "
                "ORDER BY filename, file_row_number LIMIT 1",
                [pattern],
            ).fetchone()
        except duckdb.Error as exc:
            raise DataError(f"cannot read Parquet input ({exc})", file=str(source)) from None
    return None if row is None else (str(row[0]), int(row[1]) + 1, row[2] if row[3] is None else row[3])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def report_columns(by: Iterable[str]) -> list[str]:
    """``keep`` for a report by ``by``: its columns and what the aggregates read (prefixes end in _)."""
    return [*by, *REPORT_COLUMNS]


def _connect(memory_limit: str, threads: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")  # the caller's progress bar, not DuckDB's own
    return con


def _open(
    source: str | Path,
    scorer: BatchScorer,
    keep: Sequence[str] | None,
    batch_rows: int,
    memory_limit: str,
    threads: int,
    required: Sequence[str] = (),
    decoder: str = "duckdb",
    keys: Sequence[str] = (),
) -> tuple[duckdb.DuckDBPyConnection, pa.Schema, Iterator[pa.Table]]:
    """A connection, the schema DuckDB gives the files (all of them, by column name) and the batches
    of the columns scoring needs for ``keep``.

    ``decoder="arrow"``: DuckDB still lists the files (in its order) and unifies their schemas, but
    pyarrow decodes them (:func:`_arrow_batches`), at less than half DuckDB's CPU time per row and
    a third less memory; the batches hold the same columns, types and rows in the same order (their
    sizes may differ). Folders partitioned by key (``unit=a/``) are decoded by DuckDB still. Text
    columns among ``keys`` come as dictionary arrays (the files' own dictionaries: no hashing to
    count by them).
    """
    pattern = parquet_source(source)
    con = _connect(memory_limit, threads)
    try:
        files = _files(con, pattern)
        partitioned = _partitioned(files)
        relation = read_parquet_relation(con, pattern)
        for column in required:
            if column not in relation.columns:
                raise DataError(f"the data has no column {column!r}", file=str(source), column=column)
        if keep is not None:
            wanted = scorer.input_columns(relation.columns, keep)
            relation = relation.select(*[duckdb.ColumnExpression(c) for c in wanted])
        if decoder == "arrow" and files and not partitioned:  # only DuckDB reads the keys in paths
            schema = relation.limit(0).to_arrow_table().schema
            return con, schema, _arrow_batches(files, schema, batch_rows, keys)
        reader = relation.to_arrow_reader(batch_rows)
        spans = _file_spans(files) if len(files) > 1 else []
        return con, reader.schema, _batches(reader, str(source), spans)
    except duckdb.Error as exc:
        con.close()
        raise DataError(f"cannot read Parquet input ({exc})", file=str(source)) from None
    except DataError:
        con.close()
        raise


def _arrow_batches(
    files: Sequence[str], schema: pa.Schema, batch_rows: int, keys: Sequence[str] = ()
) -> Iterator[pa.Table]:
    """The files' rows as tables of ``schema``: each file's columns decoded by pyarrow, a column a
    file lacks as nulls, a type that differs from ``schema``'s cast to it (as DuckDB's union by name
    does; a dictionary of string or large string is left as it is, the values being the same).
    Text columns among ``keys`` are read as dictionaries."""
    for file in files:
        try:
            present = set(pq.read_schema(file).names)
            dictionary = [k for k in keys if k in present and schema.field(k).type in _STRINGS]
            parquet = pq.ParquetFile(file, read_dictionary=dictionary)
            columns = [name for name in schema.names if name in present]
            for batch in parquet.iter_batches(batch_rows, columns=columns):
                if batch.num_rows:
                    # the file it came from, so that an error names it and its own row (BatchScorer)
                    table = _as_schema(pa.Table.from_batches([batch]), schema)
                    yield table.replace_schema_metadata({FILE_KEY: file.encode()})
        except (OSError, pa.ArrowException) as exc:
            raise DataError(f"cannot read Parquet input ({exc})", file=file) from None


_STRINGS = (pa.string(), pa.large_string())


def _as_schema(table: pa.Table, schema: pa.Schema) -> pa.Table:
    columns = []
    for field in schema:
        if field.name not in table.column_names:
            columns.append(pa.nulls(table.num_rows, field.type))
            continue
        column = table.column(field.name)
        if pa.types.is_dictionary(column.type):  # a key read as a dictionary: counted by its codes
            kind = column.type.value_type
            same = kind == field.type or (kind in _STRINGS and field.type in _STRINGS)
        else:  # plain text too takes DuckDB's type, so a scored file's schema is DuckDB's
            same = column.type == field.type
        columns.append(column if same else column.cast(field.type))
    return pa.Table.from_arrays(columns, names=schema.names)


def score_parquet_duckdb(
    source: str | Path,
    out: str | Path,
    scorer: BatchScorer,
    *,
    batch_rows: int = BATCH_ROWS,
    memory_limit: str = "2GB",
    threads: int = 2,
    on_batch: Callable[[int], None] | None = None,
    keep: Sequence[str] | None = None,
    decoder: str = "arrow",
) -> int:
    """Stream ``source`` through the scorer into one Parquet file ``out``; returns rows written.

    DuckDB reads the files in batches (row order preserved), each batch is scored and appended to the
    output, so memory stays bounded by the batch size whatever the input size. The output appears
    only when every batch succeeded. ``on_batch`` is called with the rows of each batch written
    (for a progress bar). ``keep`` (column names, or prefixes ending in ``_``) limits the output to
    those columns; the scores in them are the full job's, cell for cell. ``decoder`` (``arrow`` or
    ``duckdb``) says who decodes the files (:func:`_open`); the output is the same.
    """
    con, schema, tables = _open(source, scorer, keep, batch_rows, memory_limit, threads, decoder=decoder)
    try:
        return _write(tables, schema, Path(out), scorer, keep, on_batch)
    finally:
        con.close()


def tally_parquet_duckdb(
    source: str | Path,
    scorer: BatchScorer,
    columns: Sequence[str],
    *,
    batch_rows: int = BATCH_ROWS,
    memory_limit: str = "2GB",
    threads: int = 2,
    on_batch: Callable[[int], None] | None = None,
    decoder: str = "arrow",
) -> CellTally:
    """Score ``source`` batch by batch and count the placed rows by ``columns``' finest cells.

    What :func:`score_parquet_duckdb` followed by DuckDB's group-by over its output computes, without
    the output: each scored batch is counted (:meth:`CellTally.add`) on a thread of its own while the
    next one is scored, and then dropped. ``on_batch`` is called with the rows of each batch counted.
    ``decoder`` (``arrow`` or ``duckdb``) says who decodes the files (:func:`_open`); the counts are
    the same.
    """
    tally = CellTally(columns)
    keep = tally.keep()
    con, _, tables = _open(
        source,
        scorer,
        keep,
        batch_rows,
        memory_limit,
        threads,
        required=columns,
        decoder=decoder,
        keys=columns,
    )
    try:
        _pump(tables, scorer, keep, on_batch, tally.add)
    finally:
        con.close()
    return tally


def _file_spans(files: Sequence[str]) -> list[tuple[str, int]]:
    """Each file with its rows (from its footer), in the order DuckDB reads them."""
    spans = []
    for file in files:
        try:
            spans.append((file, pq.read_metadata(file).num_rows))
        except (OSError, pa.ArrowException) as exc:
            raise DataError(f"cannot read Parquet input ({exc})", file=file) from None
    return spans


def _batches(
    reader: pa.RecordBatchReader, file: str, spans: Sequence[tuple[str, int]] = ()
) -> Iterator[pa.Table]:
    """DuckDB's batches as tables. With ``spans`` (the files of a folder DuckDB decodes, with their
    rows), a batch is cut where one file ends and each piece carries its file's name, so that an error
    names the file and its own row (:class:`BatchScorer`), not the folder and a row counted across
    files: DuckDB keeps the files' order and their rows' (``preserve_insertion_order``)."""
    ends = np.cumsum([rows for _, rows in spans]) if spans else None
    read = 0
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except (duckdb.Error, pa.ArrowException) as exc:
            raise DataError(f"cannot read Parquet input ({exc})", file=file) from None
        if not batch.num_rows:
            continue
        table = pa.Table.from_batches([batch])
        if ends is None or read + table.num_rows > ends[-1]:  # rows the footers do not account for
            read += table.num_rows
            yield table
            continue
        start = read
        while start < read + table.num_rows:
            slot = int(np.searchsorted(ends, start, side="right"))
            stop = min(int(ends[slot]), read + table.num_rows)
            piece = table.slice(start - read, stop - start)
            yield piece.replace_schema_metadata({FILE_KEY: spans[slot][0].encode()})
            start = stop
        read += table.num_rows


def _next(tables: Iterator[pa.Table]) -> pa.Table | None:
    return next(tables, None)


def _pump(
    tables: Iterator[pa.Table],
    scorer: BatchScorer,
    keep: Sequence[str] | None,
    on_batch: Callable[[int], None] | None,
    sink: Callable[[pa.Table], None],
) -> int:
    """Read ahead on one thread, score on this one, hand each scored batch (its ``keep`` columns) to
    ``sink`` on another; rows scored. At most three batches are in flight; a failure stops the run."""
    done_rows = 0
    with ThreadPoolExecutor(1, "allypath-read") as reads:
        pending = reads.submit(_next, tables)
        try:
            with ThreadPoolExecutor(1, "allypath-sink") as sinks:
                done: Future[None] | None = None
                while (table := pending.result()) is not None:
                    pending = reads.submit(_next, tables)
                    scored = scorer.score(table, keep)
                    if done is not None:
                        done.result()
                    done = sinks.submit(sink, scored)
                    done_rows += scored.num_rows
                    if on_batch is not None:
                        on_batch(scored.num_rows)
                if done is not None:
                    done.result()
        finally:
            pending.cancel()
    return done_rows


def _write(
    tables: Iterator[pa.Table],
    schema_in: pa.Schema,
    out: Path,
    scorer: BatchScorer,
    keep: Sequence[str] | None,
    on_batch: Callable[[int], None] | None,
) -> int:
    """:func:`_pump` into one Parquet file (a CSV file for an ``out`` ending in ``.csv``, as the
    memory engine writes it), which appears only when every batch is written."""

    def open_writer(tmp: Path, schema: pa.Schema) -> pq.ParquetWriter | pacsv.CSVWriter:
        return pacsv.CSVWriter(tmp, schema) if out.suffix.lower() == ".csv" else pq.ParquetWriter(tmp, schema)

    with atomic_path(out) as tmp:
        writer: pq.ParquetWriter | pacsv.CSVWriter | None = None
        schema: pa.Schema | None = None

        def write(scored: pa.Table) -> None:
            nonlocal writer, schema
            if schema is None:
                schema = file_schema(scored.schema)
                writer = open_writer(tmp, schema)
            assert writer is not None
            writer.write_table(conform(scored, schema))

        try:
            written = _pump(tables, scorer, keep, on_batch, write)
            if writer is None:  # no rows: the schema of an empty scored table
                empty = scorer.fresh().score(schema_in.empty_table(), keep)
                schema = file_schema(empty.schema)
                writer = open_writer(tmp, schema)
                writer.write_table(schema.empty_table())
        finally:
            if writer is not None:
                writer.close()
    return written
