"""One type inference for every text format: pyarrow's CSV reader, converted to pandas once.

Every text reader (wide CSV, XLSX, Qualtrics, SurveyMonkey, LimeSurvey, Google Forms) ends here, so the
same cell gets the same type whatever tool exported it. pyarrow reads every cell as text; then each
column is typed by one rule (:func:`type_column`): **a column is numbers only when every filled cell
is a number written plainly** (:data:`PLAIN_NUMBER`: ``42``, ``-7``, ``2.5``, ``1e-05``). A column
holding any other writing pyarrow would take for a number (``0042``, ``0x1A``, ``+42``, `` 42``,
``3E1``, ``NaN``, ``inf``) is text, each cell exactly as written: those are how codes look (a unit
``0042`` stays ``0042`` in every output, never ``42``) or are not numbers at all (an answer ``NaN``
reaches the answer checks as the text it is, and is refused there naming its file, row and column).
Conventions of the resulting frame:

- whole numbers -> pandas nullable ``Int64`` (a blank stays missing; ``1`` is written back as ``1``);
- decimals -> ``float64`` with NaN; booleans -> nullable ``boolean``;
- text -> pandas ``str``; a blank cell is missing, never an empty string (nothing else is: ``NA``,
  ``NaN``, ``null`` are text someone wrote);
- ISO timestamps -> ``datetime64``; ISO dates -> ``datetime.date`` objects (pyarrow's inference);
- a column with no value at all -> ``float64`` all NaN, type ``empty``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from allypath.io._source import ColumnType

__all__ = [
    "PLAIN_NUMBER",
    "arrow_column_type",
    "frame_from_arrow",
    "frame_from_records",
    "integral",
    "read_arrow_csv",
    "type_column",
]

_NULLABLE_INTS: dict[pa.DataType, Any] = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
}


def _types_mapper(arrow_type: pa.DataType) -> Any:
    if arrow_type in _NULLABLE_INTS:
        return _NULLABLE_INTS[arrow_type]
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None


def arrow_column_type(arrow_type: pa.DataType) -> ColumnType:
    """The :data:`ColumnType` of an arrow type."""
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return "number"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_timestamp(arrow_type):
        return "datetime"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_time(arrow_type):
        return "time"
    if pa.types.is_null(arrow_type):
        return "empty"
    return "string"


def frame_from_arrow(table: pa.Table) -> tuple[pd.DataFrame, list[ColumnType]]:
    """Convert ``table`` to pandas once, with the conventions of this module.

    Returns the frame and the type of each column. The table is consumed: its memory is freed or
    becomes the frame's as the columns are converted, so the caller must not use it afterwards.
    """
    types = [arrow_column_type(field.type) for field in table.schema]
    # Null-typed columns become float64 NaN (what pandas itself makes of an all-blank column).
    for index, field in enumerate(table.schema):
        if pa.types.is_null(field.type):
            table = table.set_column(index, field.name, pa.nulls(table.num_rows, type=pa.float64()))
    # Whole-number columns become pandas' nullable integers over the Arrow values themselves
    # (:func:`_nullable_integers`); pandas' own conversion copies each one (a third of reading a
    # 100-item file). The rest goes through pyarrow's conversion: split_blocks avoids pandas
    # consolidating 100 float columns into one block (a full copy); self_destruct frees each arrow
    # column as soon as it is converted, halving the peak memory.
    arrays: dict[int, Any] = {}
    for index, field in enumerate(table.schema):
        if field.type in _NULLABLE_INTS:
            integers = _nullable_integers(table.column(index))
            if integers is not None:
                arrays[index] = integers
    if not arrays:
        return table.to_pandas(types_mapper=_types_mapper, split_blocks=True, self_destruct=True), types
    names = table.column_names
    others = [i for i in range(table.num_columns) if i not in arrays]
    rest = table.select(others)
    del table  # the integer columns live on in their pandas arrays; the rest is converted next
    converted = rest.to_pandas(types_mapper=_types_mapper, split_blocks=True, self_destruct=True)
    for position, index in enumerate(others):
        arrays[index] = converted.iloc[:, position].array
    # Keyed by position, then named: a header may repeat a (blank) name.
    frame = pd.DataFrame({i: arrays[i] for i in range(len(names))}, copy=False)
    frame.columns = pd.Index(names)
    return frame, types


def _nullable_integers(column: pa.ChunkedArray) -> Any:
    """``column`` as a pandas nullable integer array sharing the Arrow column's values, or None when
    they cannot be shared (pyarrow holds them read-only: a memory-mapped file, another owner).

    The Arrow buffer is one that this reader's own cast or decode just made and nothing else holds,
    so pandas may write to it as to its own; its validity bits become pandas' mask (``True`` =
    missing), the only new memory.
    """
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    dtype = np.dtype(array.type.to_pandas_dtype())
    validity, data = array.buffers()
    if data is None or not data.is_mutable:
        return None
    values = np.frombuffer(data, dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize)
    if not values.flags.writeable:
        return None
    if validity is None or array.null_count == 0:
        missing = np.zeros(len(array), dtype=bool)
    else:
        missing = np.asarray(array.is_null())
    return pd.arrays.IntegerArray(values, missing, copy=False)


#: A number written plainly, as programs write numbers: digits, an optional minus sign, an optional
#: decimal part and an optional signed exponent (R, pandas and Excel write ``1e-05``, ``2.5E+20``). No
#: leading zero (``0`` and ``0.5`` are fine), plus sign, spaces, unsigned exponent (``3E1`` is a code),
#: hexadecimal, ``NaN`` or ``inf``.
PLAIN_NUMBER = r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-][0-9]+)?$"
# Below this magnitude a whole number's plain writing is its shortest one: any other writing pyarrow
# takes for it (leading zeros, ``-0``, hexadecimal) is longer, so comparing lengths is exact.
_SHORTEST_BELOW = 10**6
_PARALLEL_ROWS = 50_000  # below this, starting threads costs more than it saves
_WORKERS = 2
_SAMPLE = 1000  # cells whose type says a text column is text (a column can only be less typed)


def read_arrow_csv(
    source: bytes | str,
    *,
    column_names: Sequence[str],
    header_row: bool = True,
    delimiter: str = ",",
    string_columns: Collection[str] = (),
    newlines_in_values: bool = False,
    encoding: str = "utf8",
) -> pa.Table:
    """Read CSV with pyarrow using the blank-is-missing convention of the wide format.

    Only an empty cell is missing: ``NA``, ``N/A`` or ``null`` are answers someone typed, not gaps.
    Every cell is read as text and each column typed by :func:`type_column` (numbers only where every
    cell is a number written plainly). ``column_names`` names the columns in file order: the names of
    the header row (already checked) when ``header_row``, else those of the records. ``string_columns``
    are never converted (identifiers: ``00123`` keeps its zeros, and ``12`` stays text too).
    """
    # pyarrow needs a name per column to read it as text. A file's header row gives the names the
    # caller checked (repeats only among blank trailing names); records without one are read under
    # positional names, then named.
    names = list(column_names) if header_row else [f"c{i}" for i in range(len(column_names))]
    read_options = pacsv.ReadOptions(
        column_names=None if header_row else names,
        encoding=encoding,
        block_size=1 << 22,
    )
    parse_options = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines_in_values)
    convert_options = pacsv.ConvertOptions(
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        column_types=dict.fromkeys(names, pa.string()),
    )
    stream: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    table = pacsv.read_csv(
        stream,
        read_options=read_options,
        parse_options=parse_options,
        convert_options=convert_options,
    )
    if not header_row:
        table = table.rename_columns(list(column_names))
    return _typed(table, set(string_columns))


def _typed(table: pa.Table, keep: set[str]) -> pa.Table:
    """Every column through :func:`type_column`, except those in ``keep`` (text as read)."""
    todo = [i for i, name in enumerate(table.column_names) if name not in keep]
    columns = [table.column(i) for i in todo]
    if table.num_rows >= _PARALLEL_ROWS and len(todo) > 1:
        # pyarrow's kernels release the GIL: two threads type two columns at once.
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            typed = list(pool.map(type_column, columns))
    else:
        typed = [type_column(column) for column in columns]
    for i, column in zip(todo, typed, strict=True):
        if column is not table.column(i):
            table = table.set_column(i, table.field(i).name, column)
    return table


def type_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The type of a column of text cells (blank cells null), by the rule of this module.

    - no cell at all -> ``null`` (type ``empty``);
    - every cell a whole number written plainly (``-7``, ``0``, ``42``; spaces around it are
      ignored) -> ``int64``;
    - every cell a number written plainly, some with decimals or exponents -> ``float64``;
    - any other number-like writing (``0042``, ``0x1A``, ``+3``, ``3E1``, ``NaN``, ``inf``) anywhere
      in the column -> the text as written;
    - otherwise pyarrow's own inference (booleans, dates, times, timestamps, else text).
    """
    if column.null_count == len(column):
        return pa.chunked_array([pa.nulls(len(column))])
    numbers = _numbers(column)
    if numbers is not None:
        return numbers
    sample = pc.drop_null(column.slice(0, 20 * _SAMPLE)).slice(0, _SAMPLE).to_pylist()
    if all(re.match(PLAIN_NUMBER, cell.strip()) for cell in sample):
        # Numbers with spaces around them (a hand-typed "1, 2, 3"): the spaces go, as pyarrow drops them.
        trimmed = _numbers(pc.utf8_trim_whitespace(column))
        if trimmed is not None:
            return trimmed
    # A type the first cells do not all have, the whole column cannot have: most text stops here.
    if not _inferable(_infer(pa.array(sample, pa.string())).type):
        return column
    values = pc.unique(column).drop_null()
    typed = _infer(values)
    if not _inferable(typed.type):
        return column
    return pc.take(typed, pc.index_in(column, value_set=values))


def _numbers(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """``column`` as numbers (``int64``, else ``float64``) if every cell is written plainly, the
    column itself (text) if every cell is a number but some not written plainly, None otherwise."""
    try:
        whole = pc.cast(column, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    else:
        # pyarrow takes 0042, -0 and 0x1A for numbers too: only the plain writing makes numbers.
        return whole if _whole_written_plainly(column, whole) else column
    try:
        decimal = pc.cast(column, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if not pc.all(pc.match_substring_regex(column, PLAIN_NUMBER)).as_py():
        return column
    # A whole number past 64 bits (a long identifier) would lose digits as a decimal: it stays text.
    huge = pc.greater_equal(pc.abs(decimal), 2.0**63)
    if pc.any(huge).as_py():
        whole = pc.match_substring_regex(column, r"^-?[0-9]+$")
        if pc.any(pc.and_(huge, whole)).as_py():
            return column
    return decimal


def _whole_written_plainly(text: pa.ChunkedArray, values: pa.ChunkedArray) -> bool:
    """Whether every cell of ``text`` is the plain writing of its value in ``values`` (``int64``)."""
    cells = len(values) - values.null_count
    if _stored_bytes(text) == cells:
        # One character per cell (answers 1-5, ticks 0/1): a digit, which pyarrow writes only plainly.
        return True
    bounds = pc.min_max(values).as_py()
    low, high = int(bounds["min"]), int(bounds["max"])
    if max(-low, high) >= _SHORTEST_BELOW:
        return bool(pc.all(pc.equal(pc.cast(values, pa.string()), text)).as_py())
    # The plain writing of v has one character per digit, plus one for a minus sign; pyarrow's other
    # writings of the same value are all longer, so the totals are equal only if every cell is plain.
    plain = cells
    magnitude = pc.abs(values) if low < 0 else values
    for power in range(1, 6):
        if max(-low, high) >= 10**power:
            plain += pc.sum(pc.greater_equal(magnitude, 10**power)).as_py() or 0
    if low < 0:
        plain += pc.sum(pc.less(values, 0)).as_py() or 0
    written = pc.sum(pc.binary_length(text)).as_py() or 0
    return bool(written == plain)


def _stored_bytes(text: pa.ChunkedArray) -> int:
    """The bytes ``text`` stores for its cells, read from its offsets: no pass over the cells. A null
    cell stores none when read from a file (an array built otherwise may keep bytes under a null, which
    only adds to the count)."""
    total = 0
    for chunk in text.chunks:
        if len(chunk):
            offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)
            total += int(offsets[chunk.offset + len(chunk)] - offsets[chunk.offset])
    return total


def _inferable(kind: pa.DataType) -> bool:
    """Whether the CSV reader's type for a column that is not numbers is kept (numbers are not: a
    column that only pyarrow takes for numbers, such as `` 3``, is text by this module's rule)."""
    return not (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_null(kind)
    )


def _infer(values: pa.Array) -> pa.ChunkedArray:
    """``values`` (text, no null) as pyarrow's CSV reader types a column holding them."""
    buffer = io.BytesIO()
    pacsv.write_csv(pa.table({"v": values}), buffer)
    table = pacsv.read_csv(
        io.BytesIO(buffer.getvalue()),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True
        ),
    )
    return table.column(0)


def frame_from_records(
    names: Sequence[str],
    records: Sequence[Sequence[str]],
    *,
    string_columns: Collection[str] = (),
) -> tuple[pd.DataFrame, list[ColumnType]]:
    """Type already-parsed CSV records exactly as :func:`read_arrow_csv` types a file.

    ``records`` must each have ``len(names)`` fields (the caller checked and located any that do not).
    """
    if not records:
        # pyarrow refuses a CSV without a data row; every column of an empty table is empty.
        table = pa.table({name: pa.nulls(0) for name in names})
        frame, types = frame_from_arrow(table)
        for name in string_columns:
            frame[name] = pd.Series([], dtype="str")
        return frame, types
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(records)
    table = read_arrow_csv(
        buffer.getvalue().encode("utf-8"),
        column_names=names,
        header_row=False,
        string_columns=string_columns,
        newlines_in_values=True,
    )
    frame, types = frame_from_arrow(table)
    return frame, types


def integral(values: np.ndarray) -> bool:
    """Whether every finite value of a float array is a whole number."""
    finite = values[np.isfinite(values)]
    return bool(np.all(finite == np.round(finite)))
