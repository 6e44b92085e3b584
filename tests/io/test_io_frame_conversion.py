"""The Arrow-to-pandas conversion every reader ends with (``allypath.io._arrow.frame_from_arrow``).

Whole-number columns become pandas nullable integers over the Arrow values themselves rather than a
copy; these tests pin that the frame is the one pyarrow's own conversion gives, cell for cell and
type for type, on every shape of column a reader can hand over, and that it is the reader's to edit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from allypath.io._arrow import _types_mapper, frame_from_arrow


def _pyarrow_frame(table: pa.Table) -> pd.DataFrame:
    """What pyarrow's conversion makes of the table (the frame before integers were shared)."""
    return table.to_pandas(types_mapper=_types_mapper, split_blocks=True)


def _cast(cells: Sequence[str | None], arrow_type: pa.DataType | None = None) -> pa.ChunkedArray:
    """Integers as a reader makes them: text cells cast by pyarrow (a fresh buffer of its own)."""
    return pc.cast(pa.chunked_array([pa.array(list(cells), pa.string())]), arrow_type or pa.int64())


def test_integer_columns_hold_the_cells_and_types_of_pyarrows_conversion() -> None:
    table = pa.table(
        {
            "ap1": _cast(["1", None, "5", "3"]),
            "unit": pa.array(["0042", "007", None, "x"]),
            "score": pa.array([1.5, None, 2.0, 3.25]),
            "ticked": pa.array([True, None, False, True]),
            "small": _cast(["-7", "8", None, "0"], pa.int8()),
            "big": _cast(["1", "2", "3", "18446744073709551615"], pa.uint64()),
            "blank": pa.nulls(4, pa.float64()),
        }
    )
    expected = _pyarrow_frame(table)
    frame, types = frame_from_arrow(table)
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert types == ["integer", "string", "number", "boolean", "integer", "integer", "number"]
    assert frame["ap1"].isna().tolist() == [False, True, False, False]


def test_the_integer_values_are_shared_with_arrow_not_copied() -> None:
    column = _cast([str(i % 5 + 1) for i in range(1000)])
    values = np.frombuffer(column.chunk(0).buffers()[1], dtype=np.int64, count=1000)
    frame, _ = frame_from_arrow(pa.table({"ap1": column}))
    assert np.shares_memory(frame["ap1"].array._data, values)
    frame.loc[0, "ap1"] = 4  # the reader's frame to edit, as a copy would be
    assert frame["ap1"].iloc[0] == 4


def test_columns_in_several_chunks_or_sliced_keep_their_cells() -> None:
    chunked = pa.chunked_array([pa.array([1, None, 3]), pa.array([4, 5])])
    sliced = pa.chunked_array([pa.array([9, 8, None, 6, 5]).slice(1, 4)])
    frame, _ = frame_from_arrow(pa.table({"a": chunked.slice(0, 4), "b": sliced}))
    assert frame["a"].tolist() == [1, pd.NA, 3, 4]
    assert frame["b"].tolist() == [8, pd.NA, 6, 5]
    assert str(frame["a"].dtype) == "Int64"


def test_read_only_arrow_values_are_copied_so_the_frame_can_still_be_edited() -> None:
    # Values over memory pyarrow does not own (here Python bytes, as with a memory-mapped file).
    data = pa.py_buffer(np.array([1, 2, 3], dtype=np.int64).tobytes())
    array = pa.Array.from_buffers(pa.int64(), 3, [None, data])
    assert not data.is_mutable
    frame, _ = frame_from_arrow(pa.table({"ap1": array}))
    frame.loc[0, "ap1"] = 5
    assert frame["ap1"].tolist() == [5, 2, 3]
    assert np.frombuffer(data, dtype=np.int64).tolist() == [1, 2, 3]


def test_a_repeated_column_name_keeps_both_columns_in_order() -> None:
    table = pa.Table.from_arrays([_cast(["1", "2"]), pa.array(["a", "b"]), _cast(["3", None])], ["", "x", ""])
    frame, _ = frame_from_arrow(table)
    assert list(frame.columns) == ["", "x", ""]
    assert frame.iloc[:, 2].tolist() == [3, pd.NA]
    assert frame.iloc[:, 1].tolist() == ["a", "b"]


@pytest.mark.parametrize("rows", [0, 1])
def test_tiny_tables_convert_like_pyarrow(rows: int) -> None:
    table = pa.table({"ap1": _cast(["2"][:rows]), "unit": pa.array(["u"][:rows], pa.string())})
    expected = _pyarrow_frame(table)  # first: the conversion consumes the table
    frame, _ = frame_from_arrow(table)
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
