"""One type inference for every text format: pyarrow's CSV reader, converted to pandas once.

Every text reader (wide CSV, Qualtrics, SurveyMonkey, LimeSurvey, Google Forms) ends here, so the same
cell gets the same type whatever tool exported it. Conventions of the resulting frame:

- integers -> pandas nullable ``Int64`` (a blank stays missing; ``1`` is written back as ``1``);
- decimals -> ``float64`` with NaN; booleans -> nullable ``boolean``;
- text -> pandas ``str``; a blank cell is missing, never an empty string;
- ISO timestamps -> ``datetime64``; ISO dates -> ``datetime.date`` objects;
- a column with no value at all -> ``float64`` all NaN, type ``empty``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from allypath.io._source import ColumnType

__all__ = [
    "arrow_column_type",
    "frame_from_arrow",
    "frame_from_records",
    "integral",
    "read_arrow_csv",
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

    Returns the frame and the type of each column.
    """
    types = [arrow_column_type(field.type) for field in table.schema]
    # Null-typed columns become float64 NaN (what pandas itself makes of an all-blank column).
    for index, field in enumerate(table.schema):
        if pa.types.is_null(field.type):
            table = table.set_column(index, field.name, pa.nulls(table.num_rows, type=pa.float64()))
    # split_blocks avoids pandas consolidating 100 float columns into one block (a full copy);
    # self_destruct frees each arrow column as soon as it is converted, halving the peak memory.
    frame = table.to_pandas(types_mapper=_types_mapper, split_blocks=True, self_destruct=True)
    return frame, types


def read_arrow_csv(
    source: bytes | str,
    *,
    delimiter: str = ",",
    column_names: Sequence[str] | None = None,
    string_columns: Collection[str] = (),
    newlines_in_values: bool = False,
    encoding: str = "utf8",
) -> pa.Table:
    """Read CSV with pyarrow using the blank-is-missing convention of the wide format.

    Only an empty cell is missing: ``NA``, ``N/A`` or ``null`` are answers someone typed, not gaps.
    ``string_columns`` are never converted (identifiers such as ``00123`` keep their zeros).
    """
    read_options = pacsv.ReadOptions(
        column_names=list(column_names) if column_names is not None else None,
        encoding=encoding,
        block_size=1 << 22,
    )
    parse_options = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines_in_values)
    convert_options = pacsv.ConvertOptions(
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        column_types=dict.fromkeys(string_columns, pa.string()),
    )
    stream: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    return pacsv.read_csv(
        stream,
        read_options=read_options,
        parse_options=parse_options,
        convert_options=convert_options,
    )


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
    # Positional names avoid any clash between the real names and pyarrow's handling of them.
    positional = [f"c{i}" for i in range(len(names))]
    wanted = {positional[i] for i, name in enumerate(names) if name in string_columns}
    table = read_arrow_csv(
        buffer.getvalue().encode("utf-8"),
        column_names=positional,
        string_columns=wanted,
        newlines_in_values=True,
    )
    table = table.rename_columns(list(names))
    frame, types = frame_from_arrow(table)
    return frame, types


def integral(values: np.ndarray) -> bool:
    """Whether every finite value of a float array is a whole number."""
    finite = values[np.isfinite(values)]
    return bool(np.all(finite == np.round(finite)))
