"""Read and check the answer columns of a wide response table (docs/architecture.md).

One vectorised pass per column: coerce to numbers, then find values that are not numbers, not whole
numbers or outside the item's range. The table may be a pandas DataFrame or an Arrow table: Arrow
columns of numbers are read without passing through pandas (what large Parquet inputs need).
The ranges and the "does not apply to me" answers come from the form's one rule table
(:func:`allypath.instrument.answers.answer_rules`), which the web's checks read too.
Problems either raise a :class:`DataError` naming the row and column, or (``on_error="mark"``) are
returned per row so the row can be marked ``insufficient``. An item that offers "Does not apply to
me" (``not_applicable``) stores it as :data:`~allypath.instrument.NOT_APPLICABLE` (0): read as missing
there, and out of the scale on every other item.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa

from allypath._written import as_written
from allypath.errors import DataError
from allypath.instrument import NOT_APPLICABLE, Column, Instrument
from allypath.instrument.answers import answer_rules, explains_zero

__all__ = ["Answers", "Table", "read_answers", "read_record", "unknown_item_columns"]

_PARALLEL_ROWS = 50_000  # below this, starting threads costs more than it saves
_WORKERS = 2
_PIECE_ROWS = 65_536  # a piece's float64 values and masks fit in a core's L2 cache

#: What the scoring functions accept: a pandas DataFrame or an Arrow table.
Table: TypeAlias = pd.DataFrame | pa.Table


@dataclass(frozen=True)
class Answers:
    """Numeric answers as a float32 matrix in the order of ``instrument.columns`` (NaN = missing).

    Columns absent from the table, and free-text columns, are all NaN.
    """

    matrix: np.ndarray
    position: dict[str, int]
    present: frozenset[str]
    problems: np.ndarray  # per row: the first problem found ("" when none)

    @property
    def n_rows(self) -> int:
        return len(self.problems)

    def get(self, column_id: str) -> np.ndarray | None:
        """One column of answers, or None when the table did not have it."""
        if column_id not in self.present:
            return None
        return self.matrix[:, self.position[column_id]]


def unknown_item_columns(columns: list[str], instrument: Instrument) -> list[str]:
    """Columns that look like items of ``instrument`` but are not in it (a typo or another version).

    A column looks like an item when it shares an item's letter prefix and ends in digits (``ap9``
    beside ``ap1``..``ap8``) or extends a checklist item with an unknown option (``kc_bogus``).
    Everything else is an attribute column and is carried through unchanged. A file answered on
    another packaged version (``re6`` is a 1.0.0 item) is found by
    :func:`allypath.instrument.instrument_for_columns`.
    """
    return instrument.unknown_item_columns(columns)


def _numeric(series: pd.Series) -> tuple[np.ndarray, np.ndarray, bool]:
    """Values as float64, a mask of cells that held something that is not a number, and whether the
    column's type holds whole numbers only (so the whole-number check can be skipped)."""
    if pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return values, np.zeros(len(values), dtype=bool), True
    if pd.api.types.is_numeric_dtype(series.dtype):
        integral = pd.api.types.is_integer_dtype(series.dtype)
        return series.to_numpy(dtype=float, na_value=np.nan), np.zeros(len(series), dtype=bool), integral
    as_text = series.astype("string").str.strip()
    blank = as_text.isna() | (as_text == "")
    numbers = pd.to_numeric(as_text.mask(blank), errors="coerce")
    values = numbers.to_numpy(dtype=float, na_value=np.nan)
    bad = (~blank.to_numpy(dtype=bool)) & np.isnan(values)
    return values, bad, False


def _arrow_pieces(column: pa.ChunkedArray) -> Iterator[tuple[int, np.ndarray, np.ndarray, bool]]:
    """An Arrow column as pieces ``(first row, float64 values, not-a-number mask, whole numbers only)``.

    Numbers and booleans go straight to float64 (null -> NaN) piece by piece, without pandas and
    without a column-sized temporary; text and other types take the pandas rules of :func:`_numeric`.
    """
    kind = column.type
    if not (pa.types.is_integer(kind) or pa.types.is_boolean(kind) or pa.types.is_floating(kind)):
        values, bad, integral = (
            (np.full(len(column), np.nan), np.zeros(len(column), dtype=bool), True)
            if pa.types.is_null(kind)
            else _numeric(column.to_pandas())
        )
        yield 0, values, bad, integral
        return
    integral = not pa.types.is_floating(kind)
    start = 0
    for chunk in column.chunks:
        for offset in range(0, len(chunk), _PIECE_ROWS):
            piece = chunk.slice(offset, _PIECE_ROWS)
            if not pa.types.is_float64(kind):
                piece = piece.cast(pa.float64())
            values = piece.to_numpy(zero_copy_only=False)
            yield start, values, np.zeros(len(values), dtype=bool), integral
            start += len(values)


def _unchecked_pieces(
    column: pa.ChunkedArray, lo: int, hi: int, out: np.ndarray
) -> Iterator[tuple[int, np.ndarray, np.ndarray, bool]]:
    """:func:`_arrow_pieces` of a float64 column, less the pieces whose every value is a whole number
    on the scale ``lo``-``hi`` (or NULL): those are written into ``out`` here (NULL as NaN), as the
    checks would write them, and only the others are yielded for the checks to find the bad cells.

    The test reads the Arrow values in place (a NULL's slot holds any number, so its verdict is
    overruled by the validity bits): one comparison chain where the checks copy the column with
    NaN for NULL and test it for NaN, fractions and the two ends apart (2x the time, measured).
    """
    start = 0
    for chunk in column.chunks:
        for offset in range(0, len(chunk), _PIECE_ROWS):
            piece = chunk.slice(offset, _PIECE_ROWS)
            n = len(piece)
            stop = start + n
            values = np.frombuffer(piece.buffers()[1], dtype=np.float64, count=n, offset=piece.offset * 8)
            with np.errstate(invalid="ignore"):
                fine = (values >= lo) & (values <= hi) & (values == np.rint(values))
            missing = _null_mask(piece) if piece.null_count else None
            if missing is not None:
                fine |= missing
            if fine.all():
                with np.errstate(over="ignore", invalid="ignore"):  # a NULL's slot may hold any number
                    out[start:stop] = values
                if missing is not None:
                    out[start:stop][missing] = np.nan
            else:
                values = piece.to_numpy(zero_copy_only=False)
                yield start, values, np.zeros(n, dtype=bool), False
            start = stop


def _null_mask(piece: pa.Array) -> np.ndarray:
    """The NULL cells of an Arrow array with a validity bitmap, as a boolean array."""
    bits = np.frombuffer(piece.buffers()[0], dtype=np.uint8)
    first = piece.offset
    valid = np.unpackbits(bits[first // 8 : (first + len(piece) + 7) // 8], bitorder="little")
    valid = valid[first % 8 : first % 8 + len(piece)].view(bool)
    return ~valid


def _pandas_pieces(series: pd.Series) -> Iterator[tuple[int, np.ndarray, np.ndarray, bool]]:
    values, bad, integral = _numeric(series)
    for start in range(0, len(values), _PIECE_ROWS):
        stop = start + _PIECE_ROWS
        yield start, values[start:stop], bad[start:stop], integral


def _shown(value: object) -> str:
    """A cell as a message quotes it, as a person wrote it (:func:`allypath._written.as_written`)."""
    return as_written(value.as_py() if isinstance(value, pa.Scalar) else value)


def _problem_text(column: Column, raw: str, why: str) -> str:
    return f"column {column.id!r}: {why} (got {raw})"


def read_answers(
    frame: Table, instrument: Instrument, *, on_error: str = "raise", source: str | None = None
) -> Answers:
    """Coerce and check every instrument column present in ``frame``.

    Parameters
    ----------
    on_error : "raise" or "mark"
        Raise a :class:`DataError` on the first bad cell (row order), or record a problem per row.
    source : the file name to put in error messages.
    """
    if on_error not in ("raise", "mark"):
        raise ValueError("on_error must be 'raise' or 'mark'")
    n = frame.num_rows if isinstance(frame, pa.Table) else len(frame)
    names = frame.column_names if isinstance(frame, pa.Table) else list(frame.columns)
    problems = np.full(n, "", dtype=object)
    position = {column.id: j for j, column in enumerate(instrument.columns)}
    # Column-major: the kernel reads whole columns, so each stays contiguous in memory. Columns the
    # table lacks are filled with NaN below; the others are written once, straight from the source.
    matrix = np.empty((n, len(position)), dtype=np.float32, order="F")
    jobs = []
    for name in names:
        if not isinstance(name, str) or not instrument.has_column(name):
            continue
        column = instrument.column(name)
        if not column.is_text:
            raw = frame.column(name) if isinstance(frame, pa.Table) else frame[name]
            jobs.append((column, raw, matrix[:, position[name]]))
    if n >= _PARALLEL_ROWS and len(jobs) > 1:
        # numpy and Arrow release the GIL on whole columns: two threads check two columns at once.
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            findings = list(pool.map(lambda job: _check_column(*job), jobs))
    else:
        findings = [_check_column(*job) for job in jobs]
    present = {column.id for column, _, _ in jobs}
    first_error: tuple[int, str, str] | None = None
    for (column, raw, _), found in zip(jobs, findings, strict=True):
        for rows, why in found:
            if on_error == "raise":
                row = int(rows[0])
                if first_error is None or row < first_error[0]:
                    first_error = (row, column.id, f"{why} (got {_cell(raw, row)})")
            else:
                fresh = rows[problems[rows] == ""]
                problems[fresh] = [_problem_text(column, _cell(raw, r), why) for r in fresh]
    for name, j in position.items():
        if name not in present:
            matrix[:, j] = np.nan
    if first_error is not None:
        row, name, message = first_error
        # Rows are 1-based data rows, as a person counts them in a spreadsheet below the header.
        raise DataError(message, file=source, row=row + 1, column=name)
    return Answers(matrix=matrix, position=position, present=frozenset(present), problems=problems)


def _whys(column: Column) -> tuple[str, str, str, str]:
    """The four reasons a cell is refused, in the order they are looked for."""
    lo, hi = column.min, column.max
    return (
        "not a number",
        "not a whole number",
        f"outside the scale {lo}-{hi}",
        f"outside the scale {lo}-{hi}; {NOT_APPLICABLE} ('does not apply to me') is not an answer here",
    )


def _check_column(
    column: Column, raw: pd.Series | pa.ChunkedArray, out: np.ndarray
) -> list[tuple[np.ndarray, str]]:
    """Write one column's answers into ``out`` (bad cells as NaN); return the rows of bad cells.

    The checks run piece by piece so that their temporaries stay in the processor's cache.
    """
    lo, hi = column.min, column.max
    whys = _whys(column)
    bad_rows: list[list[np.ndarray]] = [[], [], [], []]
    not_applicable = column.item.not_applicable is not None
    if not isinstance(raw, pa.ChunkedArray):
        pieces = _pandas_pieces(raw)
    elif pa.types.is_float64(raw.type) and lo is not None and hi is not None and not not_applicable:
        pieces = _unchecked_pieces(raw, lo, hi, out)
    else:
        pieces = _arrow_pieces(raw)
    # A 0 on a rating item that does not offer "does not apply to me" gets a reason that says so.
    explain_zero = explains_zero(column.item, lo, not_applicable)
    for start, values, not_numeric, integral in pieces:
        if not_applicable:
            # "Does not apply to me" is an answer, scored as missing (only where the item offers it).
            skipped = values == NOT_APPLICABLE
            if skipped.any():
                values = np.where(skipped, np.nan, values)
        finite = ~np.isnan(values)
        masks: list[np.ndarray | None] = [not_numeric, None, None, None]
        if not integral:
            masks[1] = finite & (values != np.rint(values))
        if lo is not None and hi is not None:
            outside = finite & ((values < lo) | (values > hi))
            if explain_zero and outside.any():
                zero = outside & (values == NOT_APPLICABLE)
                masks[3], outside = zero, outside & ~zero
            masks[2] = outside
        stop = start + len(values)
        if any(mask is not None and mask.any() for mask in masks):
            values = values.copy()
            for slot, mask in enumerate(masks):
                if mask is not None and mask.any():
                    values[mask] = np.nan
                    bad_rows[slot].append(np.flatnonzero(mask) + start)
        out[start:stop] = values
    return [(np.concatenate(rows), why) for rows, why in zip(bad_rows, whys, strict=True) if rows]


def _cell(raw: pd.Series | pa.ChunkedArray, row: int) -> str:
    return _shown(raw[row] if isinstance(raw, pa.ChunkedArray) else raw.iloc[row])


def _record_value(raw: object) -> tuple[float, bool, bool]:
    """One cell as ``(float64 value, not a number, whole numbers only)``, as :func:`_numeric` reads
    the one-row column pandas builds for it (numbers, booleans and blanks without pandas)."""
    if raw is None or raw is pd.NA:
        return np.nan, False, False
    if isinstance(raw, bool | np.bool_ | int | np.integer):
        return float(raw), False, True
    if isinstance(raw, float | np.floating):
        return float(raw), False, False
    values, bad, integral = _numeric(pd.Series([raw], dtype=object))
    return float(values[0]), bool(bad[0]), integral


def read_record(
    record: Mapping[str, object],
    instrument: Instrument,
    *,
    on_error: str = "raise",
    source: str | None = None,
) -> Answers:
    """:func:`read_answers` for one respondent given as a wide row ``{column: value}``, without pandas.

    The same checks, values and problem texts as ``read_answers(pd.DataFrame([record]), ...)``: the
    first bad cell in the record's column order names the row's problem (``on_error="mark"``) or
    raises (row 1).
    """
    if on_error not in ("raise", "mark"):
        raise ValueError("on_error must be 'raise' or 'mark'")
    rules = answer_rules(instrument)
    names: list[str] = []
    raws: list[object] = []
    cells: list[tuple[float, bool, bool]] = []
    for name, raw in record.items():
        if not isinstance(name, str) or not instrument.has_column(name) or instrument.column(name).is_text:
            continue
        names.append(name)
        raws.append(raw)
        cells.append(_record_value(raw))
    matrix = np.full((1, len(rules.position)), np.nan, dtype=np.float32, order="F")
    problems = np.full(1, "", dtype=object)
    if names:
        at = np.array([rules.position[name] for name in names], dtype=np.intp)
        values = np.array([c[0] for c in cells], dtype=np.float64)
        not_numeric = np.array([c[1] for c in cells], dtype=bool)
        integral = np.array([c[2] for c in cells], dtype=bool)
        values[rules.not_applicable[at] & (values == NOT_APPLICABLE)] = np.nan
        finite = ~np.isnan(values)
        with np.errstate(invalid="ignore"):
            fraction = ~integral & finite & (values != np.rint(values))
            outside = finite & ((values < rules.lo[at]) | (values > rules.hi[at]))
        zero = outside & rules.explain_zero[at] & (values == NOT_APPLICABLE)
        masks = np.stack([not_numeric, fraction, outside & ~zero, zero])
        bad = masks.any(axis=0)
        values[bad] = np.nan
        matrix[0, at] = values
        if bad.any():
            k = int(np.argmax(bad))
            column = instrument.column(names[k])
            slot = int(np.argmax(masks[:, k]))
            why = _whys(column)[slot]
            if on_error == "raise":
                raise DataError(f"{why} (got {_shown(raws[k])})", file=source, row=1, column=column.id)
            problems[0] = _problem_text(column, _shown(raws[k]), why)
    return Answers(matrix=matrix, position=rules.position, present=frozenset(names), problems=problems)
