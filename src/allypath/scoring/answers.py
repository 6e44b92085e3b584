"""Read and check the answer columns of a wide response table (DESIGN §5).

One vectorised pass per column: coerce to numbers, then find values that are not numbers, not whole
numbers or outside the item's range. Problems either raise a :class:`DataError` naming the row and
column, or (``on_error="mark"``) are returned per row so the row can be marked ``insufficient``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from allypath.errors import DataError
from allypath.instrument import Column, Instrument

__all__ = ["Answers", "read_answers", "unknown_item_columns"]


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

    A column looks like an item when it shares an item's letter prefix and ends in digits (``ap7``
    beside ``ap1``..``ap6``) or extends a checklist item with an unknown option (``kc_bogus``).
    Everything else is an attribute column and is carried through unchanged.
    """
    prefixes = {re.sub(r"\d+$", "", item.id) for item in instrument.items if re.search(r"\d$", item.id)}
    checklists = {item.id for item in instrument.items if item.type == "checklist"}
    unknown = []
    for name in columns:
        if instrument.has_column(name):
            continue
        match = re.fullmatch(r"([a-z_]+?)(\d+)", name)
        if match and match.group(1) in prefixes:
            unknown.append(name)
            continue
        head = name.split("_", 1)[0]
        if "_" in name and head in checklists:
            unknown.append(name)
    return unknown


def _numeric(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Values as float64 and a mask of cells that held something that is not a number."""
    if pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return values, np.zeros(len(values), dtype=bool)
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan), np.zeros(len(series), dtype=bool)
    as_text = series.astype("string").str.strip()
    blank = as_text.isna() | (as_text == "")
    numbers = pd.to_numeric(as_text.mask(blank), errors="coerce")
    values = numbers.to_numpy(dtype=float, na_value=np.nan)
    bad = (~blank.to_numpy(dtype=bool)) & np.isnan(values)
    return values, bad


def _problem_text(column: Column, raw: object, why: str) -> str:
    return f"column {column.id!r}: {why} (got {raw!r})"


def read_answers(
    frame: pd.DataFrame, instrument: Instrument, *, on_error: str = "raise", source: str | None = None
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
    n = len(frame)
    problems = np.full(n, "", dtype=object)
    position = {column.id: j for j, column in enumerate(instrument.columns)}
    # Column-major: the kernel reads whole columns, so each stays contiguous in memory.
    matrix = np.full((n, len(position)), np.nan, dtype=np.float32, order="F")
    present: set[str] = set()
    first_error: tuple[int, str, str] | None = None
    for name in frame.columns:
        if not isinstance(name, str) or not instrument.has_column(name):
            continue
        column = instrument.column(name)
        if column.is_text:
            continue
        raw = frame[name]
        numbers, not_numeric = _numeric(raw)
        lo, hi = column.min, column.max
        finite = ~np.isnan(numbers)
        not_whole = finite & (numbers != np.round(numbers))
        outside = finite & ((numbers < lo) | (numbers > hi)) if lo is not None and hi is not None else ~finite
        outside &= finite
        for mask, why in (
            (not_numeric, "not a number"),
            (not_whole, "not a whole number"),
            (outside, f"outside the scale {lo}-{hi}"),
        ):
            if not mask.any():
                continue
            rows = np.flatnonzero(mask)
            if on_error == "raise":
                row = int(rows[0])
                if first_error is None or row < first_error[0]:
                    first_error = (row, name, f"{why} (got {raw.iloc[row]!r})")
            else:
                fresh = rows[problems[rows] == ""]
                problems[fresh] = [_problem_text(column, raw.iloc[r], why) for r in fresh]
            numbers = numbers.copy()
            numbers[mask] = np.nan
        matrix[:, position[name]] = numbers
        present.add(name)
    if first_error is not None:
        row, name, message = first_error
        # Rows are 1-based data rows, as a person counts them in a spreadsheet below the header.
        raise DataError(message, file=source, row=row + 1, column=name)
    return Answers(matrix=matrix, position=position, present=frozenset(present), problems=problems)
