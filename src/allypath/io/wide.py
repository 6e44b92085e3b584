"""The wide response format (docs/architecture.md): read and write CSV and Parquet.

Reading goes through pyarrow's multithreaded CSV parser and one conversion to pandas, so a large file
costs about what pyarrow itself costs. The checks that need Python (where exactly is the bad byte,
which row has too few fields) run only after pyarrow has refused a file, so good files pay nothing.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from allypath.errors import DataError
from allypath.io._arrow import frame_from_arrow, read_arrow_csv, type_column
from allypath.io._source import SourceColumn, SourceTable
from allypath.io._text import (
    atomic_path,
    decode_records,
    delimiter_name,
    detect_encoding,
    read_bytes,
    sniff_delimiter,
    sniff_delimiter_of,
)

__all__ = [
    "iter_wide_parquet",
    "read_csv",
    "read_parquet",
    "read_wide_arrow",
    "wide_batch_writer",
    "write_wide",
    "write_wide_arrow",
]

_HEAD_BYTES = 256 * 1024
_STRING_COLUMNS = ("respondent_id",)
_UNITS_KEY = "allypath.timestamp_units"


def read_csv(path: str | os.PathLike[str], *, delimiter: str | None = ",") -> SourceTable:
    """Read a plain wide CSV (one header row, one row per response).

    Parameters
    ----------
    path : path-like
        A UTF-8 file (a byte-order mark is fine; UTF-16 with a byte-order mark is transcoded).
    delimiter : str or None
        The field delimiter; the wide format uses ``,``. A file that is plainly separated by something
        else is refused with a message naming the delimiter to pass. ``None`` takes the one its
        header line uses (``,``, ``;``, tab or ``|``: what the command line does, since a spreadsheet
        saved in a French or German locale separates with semicolons).

    Returns
    -------
    SourceTable
        ``format="csv"``; integer columns are ``Int64``, blanks are missing, ``respondent_id`` is
        always text.

    Raises
    ------
    DataError
        Empty file, broken or duplicate header, wrong delimiter, a row with the wrong number of
        fields, or bytes that are not UTF-8 -- each naming the file, row and column.

    Examples
    --------
    >>> table = read_csv("responses.csv")  # doctest: +SKIP
    >>> table.data["ap01"].dtype  # doctest: +SKIP
    Int64Dtype()
    """
    if delimiter is None:
        delimiter = _header_delimiter(path)
    table, encoding, notes = _csv_arrow(path, delimiter=delimiter)
    file = str(path)
    frame, types = frame_from_arrow(table)
    columns = tuple(SourceColumn(name=str(n), type=t) for n, t in zip(frame.columns, types, strict=True))
    return SourceTable(
        data=frame,
        columns=columns,
        format="csv",
        file=file,
        metadata={"encoding": encoding, "delimiter": delimiter, "notes": notes},
    )


def _header_delimiter(path: str | os.PathLike[str]) -> str:
    """The delimiter the file's first records use (``,`` for an empty file, or one holding only a
    byte-order mark: their own errors follow)."""
    with open_or_fail(path) as handle:
        head = handle.read(_HEAD_BYTES)
    return sniff_delimiter_of(head.decode(detect_encoding(head), errors="replace"))


_ROW_NAMES_NOTE = (
    "the first column has no name: read as row names (R's write.csv, pandas' to_csv) and dropped"
)


def _csv_arrow(path: str | os.PathLike[str], *, delimiter: str) -> tuple[pa.Table, str, list[str]]:
    """The checked Arrow table of a wide CSV, its encoding and notes on what was changed
    (see :func:`read_csv`)."""
    file = str(path)
    with open_or_fail(path) as handle:
        head = handle.read(_HEAD_BYTES)
    if not head:
        raise DataError("the file is empty (0 bytes): there is no header row", file=file, row=0)
    encoding = detect_encoding(head)
    source: bytes | str = file
    if encoding == "utf-16":
        # pyarrow reads UTF-8 only; Excel's "Unicode text" is small enough to transcode in memory.
        raw = read_bytes(path)
        try:
            source = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            decode_records(raw, file=file, delimiter=delimiter)
            raise
        head = source[:_HEAD_BYTES]
    header = _check_header(head, file=file, delimiter=delimiter)
    strings = [name for name in _STRING_COLUMNS if name in header]
    table = _read_table(source, file=file, delimiter=delimiter, header=header, strings=strings)
    table = _drop_blank_trailing(table, header, file=file)
    notes: list[str] = []
    if _has_row_names(header):
        table = table.remove_column(0)
        notes.append(_ROW_NAMES_NOTE)
        table, recoded = _r_missing_as_null(table)
        if recoded:
            notes.append(
                f"NA read as missing (R's write.csv) in {len(recoded)} numeric column(s): "
                + ", ".join(recoded[:8])
                + (", ..." if len(recoded) > 8 else "")
            )
    return table, encoding, notes


def _r_missing_as_null(table: pa.Table) -> tuple[pa.Table, list[str]]:
    """Numbers with R's ``NA`` for missing become numeric columns; the names of those recoded.

    Only for files that carry R's row names: elsewhere ``NA`` is an answer someone typed (see
    :func:`allypath.io._arrow.read_arrow_csv`). A text column keeps its ``NA`` unless every other
    value is a number written plainly (the rule of :func:`allypath.io._arrow.type_column`: ``NA``
    beside ``0042`` stays text).
    """
    recoded: list[str] = []
    for index, field in enumerate(table.schema):
        if not pa.types.is_string(field.type) and not pa.types.is_large_string(field.type):
            continue
        column = table.column(index)
        if not pc.any(pc.equal(column, "NA")).as_py():
            continue
        blanked = pc.if_else(pc.equal(column, "NA"), pa.scalar(None, field.type), column)
        typed = type_column(blanked)
        if pa.types.is_integer(typed.type) or pa.types.is_floating(typed.type):
            table = table.set_column(index, field.name, typed)
            recoded.append(field.name)
    return table, recoded


def _has_row_names(header: list[str]) -> bool:
    """R's ``write.csv`` (and pandas' ``to_csv``) write row names under an empty first header."""
    return len(header) > 1 and not header[0].strip() and bool(header[1].strip())


def open_or_fail(path: str | os.PathLike[str]) -> io.BufferedReader:
    """Open ``path`` for binary reading, turning OS errors into a :class:`DataError`."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise DataError("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise DataError("is a directory, not a file", file=str(path)) from None


def _raw(source: bytes | str) -> bytes:
    return source if isinstance(source, bytes) else Path(source).read_bytes()


def _check_header(head: bytes, *, file: str, delimiter: str) -> list[str]:
    """Parse and check the header record from the first bytes of the file."""
    text = head.decode("utf-8", errors="surrogateescape").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise DataError(f"the header row cannot be parsed ({exc})", file=file, row=0) from None
    if not any(cell.strip() for cell in header):
        raise DataError("the header row is blank: the first line must name the columns", file=file, row=0)
    for position, name in enumerate(header):
        if "\n" in name or "\r" in name:
            raise DataError(
                "the header row is broken: a double quote is not closed (or a column name holds "
                "a line break)",
                file=file,
                row=0,
                column=f"#{position + 1}",
            )
        if any("\udc80" <= ch <= "\udcff" for ch in name):
            raise DataError(
                "the header holds bytes that are not UTF-8; save the file as 'CSV UTF-8'",
                file=file,
                row=0,
                column=f"#{position + 1}",
            )
    first = text.splitlines()[0] if text else ""
    sniffed = sniff_delimiter(first)
    if len(header) == 1 and sniffed != delimiter:
        raise DataError(
            f"the header has a single column, but the line is {delimiter_name(sniffed)}-separated; "
            f"the wide format uses {delimiter_name(delimiter)}s (pass delimiter={sniffed!r} "
            "to read this file as it is)",
            file=file,
            row=0,
            column=header[0][:60],
        )
    seen: dict[str, int] = {}
    last_named = max(i for i, name in enumerate(header) if name.strip())
    for position, name in enumerate(header):
        if not name.strip():
            if position == 0 and _has_row_names(header):
                continue  # row names: dropped after reading, with a note
            if position > last_named:
                continue  # trailing delimiters (Excel); dropped later if the column is blank
            raise DataError(
                "the header has an empty column name; every column needs a name",
                file=file,
                row=0,
                column=f"#{position + 1}",
            )
        if name in seen:
            raise DataError(
                f"the column name appears twice (columns #{seen[name] + 1} and #{position + 1})",
                file=file,
                row=0,
                column=name,
            )
        seen[name] = position
    return header


def _read_table(
    source: bytes | str, *, file: str, delimiter: str, header: list[str], strings: list[str]
) -> pa.Table:
    # Open-text answers may hold line breaks, so the newline-aware chunker is always used: pyarrow's
    # faster line chunker misreads a quoted value that spans a block boundary (measured: no
    # visible cost on a 1M x 103 file, see benchmarks/bench_import.py).
    try:
        return read_arrow_csv(
            source, column_names=header, delimiter=delimiter, string_columns=strings, newlines_in_values=True
        )
    except pa.ArrowInvalid as exc:
        _locate_parse_error(source, file=file, delimiter=delimiter)
        raise DataError(f"cannot be parsed as CSV: {exc}", file=file) from None


def _locate_parse_error(source: bytes | str, *, file: str, delimiter: str) -> None:
    """Re-parse in Python to name the row (and column) pyarrow refused; raises when found."""
    records, _ = decode_records(_raw(source), file=file, delimiter=delimiter)
    header = records[0]
    for index, record in enumerate(records[1:], start=1):
        if len(record) == len(header) or record == []:
            continue
        if len(record) < len(header):
            column = header[len(record)]
            detail = f"the row has {len(record)} fields but the header has {len(header)}"
            if len(record) == 1 and sniff_delimiter(record[0]) != delimiter:
                detail += (
                    f"; the row looks {delimiter_name(sniff_delimiter(record[0]))}-separated, "
                    f"the header {delimiter_name(delimiter)}-separated"
                )
        else:
            column = f"#{len(header) + 1}"
            detail = f"the row has {len(record)} fields but the header has {len(header)}"
        raise DataError(detail, file=file, row=index, column=column)


def _drop_blank_trailing(table: pa.Table, header: list[str], *, file: str) -> pa.Table:
    """Drop columns that trailing delimiters created, if they hold nothing; refuse them otherwise."""
    keep = len(header)
    while keep > 0 and not header[keep - 1].strip():
        keep -= 1
    for index in range(keep, table.num_columns):
        if table.column(index).null_count != table.num_rows:
            raise DataError(
                "a column without a name holds values; name it in the header",
                file=file,
                row=0,
                column=f"#{index + 1}",
            )
    return table.select(list(range(keep))) if keep < table.num_columns else table


def read_parquet(path: str | os.PathLike[str]) -> SourceTable:
    """Read a wide Parquet file (as written by :func:`write_wide`).

    Returns
    -------
    SourceTable
        ``format="parquet"``; the same column conventions as :func:`read_csv`.
    """
    file = str(path)
    frame, types = frame_from_arrow(_parquet_arrow(path))
    columns = tuple(SourceColumn(name=str(n), type=t) for n, t in zip(frame.columns, types, strict=True))
    return SourceTable(data=frame, columns=columns, format="parquet", file=file, metadata={})


def _parquet_arrow(path: str | os.PathLike[str]) -> pa.Table:
    file = str(path)
    with open_or_fail(path) as handle:
        if not handle.read(4):
            raise DataError("the file is empty (0 bytes)", file=file, row=0)
    try:
        table = pq.read_table(file)
    except (pa.ArrowInvalid, OSError) as exc:
        raise _unreadable(exc, file) from None
    return _restore_timestamp_units(table)


def _unreadable(exc: Exception, file: str) -> DataError:
    """pyarrow's reason a Parquet file cannot be read, without the file name it sometimes repeats."""
    reason = str(exc)
    prefix = "Could not open Parquet input source"
    if reason.startswith(prefix) and ": " in reason:
        reason = reason.split(": ", 1)[1]
    return DataError(f"is not a readable Parquet file ({reason})", file=file)


def iter_wide_parquet(path: str | os.PathLike[str], *, batch_rows: int) -> Generator[pa.Table, None, None]:
    """A wide Parquet file as Arrow tables of at most ``batch_rows`` rows, in file order.

    The checks and conversions of :func:`read_wide_arrow` (an empty or unreadable file is a
    :class:`DataError`; second-resolution timestamps restored; no schema metadata), batch by batch:
    only the batch being read is held, whatever the file's row groups. A file without rows yields one
    empty table with the file's columns, so a caller always sees the schema.
    """
    file = str(path)
    with open_or_fail(path) as handle:
        if not handle.read(4):
            raise DataError("the file is empty (0 bytes)", file=file, row=0)
    try:
        parquet = pq.ParquetFile(file)
    except (pa.ArrowInvalid, OSError) as exc:
        raise _unreadable(exc, file) from None
    with parquet:
        units = (parquet.schema_arrow.metadata or {}).get(_UNITS_KEY.encode())
        empty = True
        try:
            # One reader per span of row groups: a reader kept across a file's row groups holds on
            # to buffers of each group it has read (measured: +140 MB over four 1,000,000-row groups,
            # flat with a reader per group), so a long file's peak memory would grow with its length.
            for span in _row_group_spans(parquet.metadata, _SPAN_BATCHES * batch_rows):
                for batch in parquet.iter_batches(batch_size=batch_rows, row_groups=span):
                    if batch.num_rows:
                        empty = False
                        yield _restore_timestamp_units(pa.Table.from_batches([batch]), units)
        except (pa.ArrowInvalid, OSError) as exc:
            raise _unreadable(exc, file) from None
        if empty:
            yield _restore_timestamp_units(parquet.schema_arrow.empty_table(), units)


_SPAN_BATCHES = 8  # row groups smaller than this many batches share a reader


def _row_group_spans(metadata: pq.FileMetaData, rows: int) -> list[list[int]]:
    """Consecutive row groups in spans of at most ``rows`` rows (a larger group is a span alone)."""
    spans: list[list[int]] = []
    total = 0
    for group in range(metadata.num_row_groups):
        size = metadata.row_group(group).num_rows
        if spans and total + size <= rows:
            spans[-1].append(group)
            total += size
        else:
            spans.append([group])
            total = size
    return spans


@contextlib.contextmanager
def wide_batch_writer(
    path: str | os.PathLike[str], schema: pa.Schema
) -> Iterator[Callable[[pa.Table], None]]:
    """Write a wide CSV or Parquet file (by extension) table after table, atomically.

    Yields a function that appends a table of ``schema``'s columns (dictionary columns may change
    their dictionary from one table to the next). The file is the one :func:`write_wide_arrow` writes
    for the concatenated tables (a Parquet row group per table), and it appears complete or not at
    all: when the block raises, the partial file is removed and ``path`` is left as it was.
    """
    suffix = _output_suffix(path)
    names = schema.names
    duplicated = [name for index, name in enumerate(names) if name in names[:index]]
    if duplicated:
        raise DataError("the column name appears twice", file=str(path), column=duplicated[0])
    schema = _with_timestamp_units(schema.remove_metadata().empty_table()).schema
    with atomic_path(Path(path)) as tmp:
        writer: pacsv.CSVWriter | pq.ParquetWriter = (
            pacsv.CSVWriter(tmp, schema) if suffix == ".csv" else pq.ParquetWriter(tmp, schema)
        )
        try:
            yield lambda table: writer.write_table(table.replace_schema_metadata(schema.metadata))
        finally:
            writer.close()


def read_wide_arrow(path: str | os.PathLike[str], *, delimiter: str | None = ",") -> pa.Table:
    """A wide CSV or Parquet file (by extension) as an Arrow table, with every check of
    :func:`read_csv` and :func:`read_parquet` but no conversion to pandas.

    For large files on their way to :func:`allypath.scoring.score_arrow`: the answers are checked on
    the Arrow columns and attribute columns pass through as they were read. ``delimiter=None``
    takes the header line's (as :func:`read_csv`).
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        if delimiter is None:
            delimiter = _header_delimiter(path)
        return _csv_arrow(path, delimiter=delimiter)[0]  # row names dropped as in read_csv
    if suffix in (".parquet", ".pq"):
        return _parquet_arrow(path)
    raise DataError(f"unknown file type {suffix or '(none)'}; use .csv or .parquet", file=str(path))


def write_wide_arrow(table: pa.Table, path: str | os.PathLike[str]) -> Path:
    """:func:`write_wide` for an Arrow table (the same files, atomically)."""
    suffix = _output_suffix(path)
    names = table.column_names
    duplicated = [name for index, name in enumerate(names) if name in names[:index]]
    if duplicated:
        raise DataError("the column name appears twice", file=str(path), column=duplicated[0])
    return _write(table.replace_schema_metadata(None), Path(path), suffix)


def _output_suffix(path: str | os.PathLike[str]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in {".csv", ".parquet", ".pq"}:
        raise DataError("unknown output format: use .csv, .parquet or .pq", file=str(path))
    return suffix


def _write(table: pa.Table, target: Path, suffix: str) -> Path:
    with atomic_path(target) as tmp:
        if suffix == ".csv":
            pacsv.write_csv(table, tmp)
        else:
            pq.write_table(_with_timestamp_units(table), tmp)
    return target


def write_wide(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a wide-format frame to CSV or Parquet (chosen by the extension), atomically.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns with string names; the index is not written.
    path : path-like
        ``.csv``, ``.parquet`` or ``.pq``. The file appears complete or not at all.

    Returns
    -------
    pathlib.Path
        The written path.

    Notes
    -----
    CSV: UTF-8 without byte-order mark, ``,``-separated, LF line ends, text quoted, blank for
    missing. Parquet: second-resolution timestamps are restored by :func:`read_parquet` (Parquet
    itself stores milliseconds). Reading either back gives the same frame.
    """
    suffix = _output_suffix(path)
    return _write(_to_arrow(df, file=str(path)), Path(path), suffix)


def _to_arrow(df: pd.DataFrame, *, file: str) -> pa.Table:
    for name in df.columns:
        if not isinstance(name, str):
            raise DataError("column names must be text", file=file, column=str(name))
    if df.columns.has_duplicates:
        dup = str(df.columns[df.columns.duplicated()][0])
        raise DataError("the column name appears twice", file=file, column=dup)
    arrays = []
    for name in df.columns:
        try:
            arrays.append(pa.Array.from_pandas(df[name]))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise DataError(
                f"the column mixes types and cannot be written ({exc})", file=file, column=name
            ) from None
    return pa.Table.from_arrays(arrays, names=list(df.columns))


def _with_timestamp_units(table: pa.Table) -> pa.Table:
    """Record second-resolution timestamps: Parquet stores them as milliseconds."""
    units = {
        f.name: f.type.unit for f in table.schema if pa.types.is_timestamp(f.type) and f.type.unit == "s"
    }
    if not units:
        return table
    return table.replace_schema_metadata({_UNITS_KEY: json.dumps(units)})


def _restore_timestamp_units(table: pa.Table, raw: bytes | None = None) -> pa.Table:
    """Timestamps back to the units recorded in ``raw`` (default: the table's own metadata), and no
    schema metadata."""
    raw = raw if raw is not None else (table.schema.metadata or {}).get(_UNITS_KEY.encode())
    table = table.replace_schema_metadata(None)
    if raw is None:
        return table
    for name, unit in json.loads(raw).items():
        if name in table.column_names:
            index = table.column_names.index(name)
            field = table.schema.field(index)
            target = pa.timestamp(unit, tz=field.type.tz)
            table = table.set_column(index, field.name, table.column(index).cast(target))
    return table
