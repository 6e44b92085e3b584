"""``score_arrow`` (Arrow in, Arrow out) gives the cells ``score`` (pandas) gives, errors included."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from typer.testing import CliRunner

import allypath
from allypath.cli import app
from allypath.errors import DataError
from allypath.scoring import score_arrow
from allypath.tables import read_table, write_table


def both(frame: pd.DataFrame, **options: object) -> tuple[pa.Table, pa.Table]:
    """(pandas path converted to Arrow, Arrow path), without schema metadata."""
    via_pandas = pa.Table.from_pandas(allypath.score(frame, **options), preserve_index=False)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    via_arrow = score_arrow(table, **options)
    return via_pandas.replace_schema_metadata(None), via_arrow.replace_schema_metadata(None)


def assert_same(left: pa.Table, right: pa.Table) -> None:
    assert left.column_names == right.column_names
    for name in left.column_names:
        a, b = left.column(name).combine_chunks(), right.column(name).combine_chunks()
        if pa.types.is_dictionary(a.type):
            # Dictionary indices may differ in width; the decoded values must not.
            a, b = a.dictionary_decode(), b.dictionary_decode()
        assert a.type == b.type, name
        assert a.equals(b), name


def test_the_arrow_path_equals_the_pandas_path_cell_for_cell(simulated):
    left, right = both(simulated)
    assert_same(left, right)
    probabilities = right.select(list(allypath.scoring.PROBABILITY_COLUMNS)).to_pandas()
    placed = probabilities.dropna()
    assert len(placed) > 0.9 * len(probabilities)
    np.testing.assert_allclose(placed.sum(axis=1), 1.0, atol=1e-12)


def test_suspect_rows_and_their_reasons_are_the_same_on_both_paths(simulated):
    frame = simulated.head(60).copy()
    likert = [i.id for i in allypath.load_instrument().items if i.type == "likert"]
    rng = np.random.default_rng(3)
    frame.loc[frame.index[:20], likert] = rng.integers(1, 6, (20, len(likert))).astype(float)
    frame.loc[frame.index[20:30], likert] = 4.0
    checked = dataclasses.replace(
        allypath.scoring.load_stage_model(), careless=allypath.scoring.CarelessRules()
    )
    left, right = both(frame, model=checked)
    assert_same(left, right)
    status = right.column("status").to_pylist()
    assert status[20:30] == ["suspect"] * 10
    assert status.count("suspect") >= 25
    assert all("questions in a row" in reason for reason in right.column("reason").to_pylist()[20:30])


def test_bad_cells_are_marked_with_the_same_reasons(simulated):
    frame = simulated.head(40).copy()
    for column in ("ap3", "re2", "am1"):
        frame[column] = frame[column].astype(object)
    frame.loc[frame.index[2], "ap3"] = "x"
    frame.loc[frame.index[5], "re2"] = 9.0
    frame.loc[frame.index[7], "am1"] = 2.5
    frame["ap3"] = frame["ap3"].astype(str)  # Arrow needs one type per column: text here
    left, right = both(frame, on_error="mark")
    assert_same(left, right)
    reasons = right.column("reason").to_pylist()
    assert "column 'ap3': not a number (got 'x')" in reasons[2]
    assert "column 're2': outside the scale 1-5 (got 9)" in reasons[5]
    assert "column 'am1': not a whole number (got 2.5)" in reasons[7]
    assert right.column("status").to_pylist().count("insufficient") >= 3


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("ap3", pa.array([1, 2, 9, 4], pa.int64()), r"row 3, column 'ap3': outside the scale 1-5 \(got 9\)"),
        ("am1", pa.array([1.0, 2.5, None, 4.0]), r"row 2, column 'am1': not a whole number \(got 2.5\)"),
        ("re2", pa.array(["1", " 2 ", "agree", None]), r"row 3, column 're2': not a number \(got 'agree'\)"),
    ],
)
def test_the_arrow_path_names_row_and_column_like_the_pandas_path(simulated, column, values, message):
    table = pa.Table.from_pandas(simulated.head(4), preserve_index=False)
    table = table.set_column(table.schema.get_field_index(column), column, values)
    with pytest.raises(DataError, match=message):
        score_arrow(table, source="answers.parquet")
    with pytest.raises(DataError, match=message):
        allypath.score(table.to_pandas(), source="answers.parquet")


def test_integer_boolean_and_empty_columns_are_read_as_answers(simulated):
    frame = simulated.head(30).copy()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    integers = pa.array(frame["ap1"].astype("Int64"), pa.int8())
    empty = pa.nulls(len(frame))
    table = table.set_column(table.schema.get_field_index("ap1"), "ap1", integers)
    table = table.set_column(table.schema.get_field_index("ap3"), "ap3", empty)
    expected = frame.assign(ap3=np.nan)
    got = score_arrow(table).to_pandas()
    want = allypath.score(expected)
    np.testing.assert_array_equal(got["index"].to_numpy(), want["index"].to_numpy())
    assert got["score_stage_apathy"].equals(want["score_stage_apathy"])


def test_the_cli_writes_the_same_file_as_scoring_the_frame(tmp_path, simulated):
    source = tmp_path / "in.parquet"
    simulated.head(500).to_parquet(source, index=False)
    for suffix in (".parquet", ".csv"):
        out, expected = tmp_path / f"out{suffix}", tmp_path / f"expected{suffix}"
        result = CliRunner().invoke(app, ["score", str(source), "--out", str(out), "--engine", "memory"])
        assert result.exit_code == 0, result.output
        write_table(allypath.score(read_table(source)), expected)
        written = read_table(out)
        assert len(written) == 500
        assert (written["status"] == "scored").sum() > 450
        pd.testing.assert_frame_equal(written, read_table(expected))


def test_the_arrow_reader_and_writer_refuse_bad_files_by_name(tmp_path):
    from allypath.io import read_wide_arrow, write_wide_arrow

    empty = tmp_path / "empty.parquet"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match=r"empty\.parquet.*empty \(0 bytes\)"):
        read_wide_arrow(empty)
    with pytest.raises(DataError, match=r"unknown file type \.txt"):
        read_wide_arrow(tmp_path / "answers.txt")
    twice = pa.Table.from_arrays([pa.array([1]), pa.array([2])], names=["ap1", "ap1"])
    target = tmp_path / "out.parquet"
    with pytest.raises(DataError, match=r"column 'ap1': the column name appears twice"):
        write_wide_arrow(twice, target)
    with pytest.raises(DataError, match=r"unknown output format"):
        write_wide_arrow(twice.select([0]), tmp_path / "out.json")
    assert not target.exists()


def test_answers_read_in_place_from_arrow_equal_the_checked_copy(simulated):
    """Float columns whose every cell is fine are written straight from the Arrow buffer: NULLs at
    any offset, chunks and slices of chunks, and a bad cell or a NaN among NULLs give the matrix and
    the problems the pandas path gives."""
    from allypath.scoring.answers import read_answers

    instrument = allypath.load_instrument()
    frame = simulated.head(300).copy()
    frame.loc[[0, 7, 8, 9, 64, 65, 299], "ap1"] = np.nan  # NULLs across bitmap bytes
    frame.loc[[3, 150], "ap7"] = [2.5, 9.0]  # a fraction and a value off the scale, beside NULLs
    frame.loc[[5, 6], "ap7"] = np.nan
    table = pa.Table.from_pandas(frame, preserve_index=False)
    nan_cell = table.column("am1").to_pylist()
    nan_cell[11] = float("nan")  # a NaN that is not a NULL reads as missing too
    table = table.set_column(table.column_names.index("am1"), "am1", pa.array(nan_cell, pa.float64()))
    # a NULL whose slot holds a number beyond float32 (what a decoder may leave there)
    held = np.array(table.column("am2").to_numpy(zero_copy_only=False))
    valid = ~np.isnan(held)
    held[20], valid[20] = 1e300, False
    bits = pa.array(valid).buffers()[1]
    am2 = pa.Array.from_buffers(
        pa.float64(), len(held), [bits, pa.py_buffer(held)], null_count=int((~valid).sum())
    )
    table = table.set_column(table.column_names.index("am2"), "am2", am2)
    # uneven chunks, each starting at an offset inside a byte of its buffer
    pieces = [table.slice(0, 13), table.slice(13, 100), table.slice(113, 187)]
    chunked = pa.concat_tables(pieces)
    expected = read_answers(chunked.to_pandas(), instrument, on_error="mark")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from the NULL's slot
        got = read_answers(chunked, instrument, on_error="mark")
    assert np.isnan(got.matrix[20, got.position["am2"]])
    np.testing.assert_array_equal(got.matrix, expected.matrix)
    assert got.problems.tolist() == expected.problems.tolist()
    assert got.problems[3] == "column 'ap7': not a whole number (got 2.5)"
    with pytest.raises(DataError) as raised:
        read_answers(chunked, instrument, on_error="raise")
    assert (raised.value.row, raised.value.column) == (4, "ap7")
