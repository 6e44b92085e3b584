"""Excel workbooks: read with python-calamine, write with openpyxl (formula-injection safe).

Reading renders every cell as text and types the columns with the same inference as the wide CSV,
so a sheet and its CSV export give the same frame. Writing stores every text cell as a string with
Excel's quote prefix when it starts with ``= + - @``, a tab or a carriage return: Excel then shows
it as text and never evaluates it, even after the cell is edited (CWE-1236, "CSV injection"). A value
a workbook cannot hold as it is (a text over 32,767 characters, a control character, an infinity, a
whole number of more than 15 digits) is refused, naming its row and column, rather than changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from python_calamine import CalamineError, CalamineWorkbook

from allypath.errors import DataError
from allypath.io._records import build_table, unique_names
from allypath.io._source import SourceColumn, SourceTable
from allypath.io._text import atomic_path
from allypath.io._xlsx_cells import refuse_unsaved_cells

__all__ = ["FORMULA_TRIGGERS", "read_xlsx", "write_xlsx"]

#: A text cell starting with one of these could be taken for a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_EXCEL_MAX_ROWS = 1_048_576
_EXCEL_MAX_COLUMNS = 16_384
# Excel's longest cell text, in characters as Excel counts them (UTF-16 code units); openpyxl
# cuts longer texts without a word.
_EXCEL_MAX_TEXT = 32_767
# Excel keeps 15 significant digits of a number: a whole number with more is rounded on opening.
_EXCEL_DIGITS = 15
# Characters XML 1.0 cannot hold (openpyxl refuses them, and a workbook cannot store them).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ID_COLUMNS = ("respondent_id",)


def read_xlsx(path: str | os.PathLike[str], sheet: str | int | None = None) -> SourceTable:
    """Read one sheet of an ``.xlsx`` (also ``.xlsm``, ``.xls``, ``.ods``) workbook.

    Parameters
    ----------
    path : path-like
        The workbook.
    sheet : str or int, optional
        Sheet name or 0-based index; by default the first sheet.

    Returns
    -------
    SourceTable
        ``format="xlsx"``; the first row names the columns; types as in :func:`read_csv`.
        ``metadata`` holds the sheet name and all sheet names.

    Raises
    ------
    DataError
        An empty or unreadable file, an unknown sheet, a blank or duplicate column name; in an
        ``.xlsx``/``.xlsm``, a formula cell without a saved value (a workbook written by a script and
        never opened in Excel) or a cell holding an error such as ``#DIV/0!``, which python-calamine
        would read as blank -- naming the file, row and column.
    """
    file = str(path)
    if not os.path.exists(file):
        raise DataError("no such file", file=file)
    if os.path.getsize(file) == 0:
        raise DataError("the file is empty (0 bytes)", file=file, row=0)
    try:
        workbook = CalamineWorkbook.from_path(file)
        names = list(workbook.sheet_names)
        if sheet is None:
            sheet = 0
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise DataError(f"has no sheet #{sheet} (sheets: {names})", file=file)
            sheet = names[sheet]
        if sheet not in names:
            raise DataError(f"has no sheet {sheet!r} (sheets: {names})", file=file)
        worksheet = workbook.get_sheet_by_name(sheet)
        cells = worksheet.to_python(skip_empty_area=True)
        start = worksheet.start  # the first used cell: row 0 and column 0 of ``cells``
    except CalamineError as exc:
        raise DataError(f"is not a readable workbook ({exc})", file=file) from None
    rows = [[cell_text(value) for value in row] for row in cells]
    # python-calamine reads a formula with no saved value, and an error (#DIV/0!), as a blank cell
    refuse_unsaved_cells(file, sheet, start, [name.strip() for name in rows[0]] if rows else [])
    while rows and not any(rows[-1]):
        rows.pop()  # formatted but empty rows at the bottom
    if not rows or not any(rows[0]):
        raise DataError(f"sheet {sheet!r} has no header row", file=file, row=0)
    header = rows[0]
    last = max(i for i, name in enumerate(header) if name.strip())
    for index, row in enumerate(rows[1:], start=1):
        for position in range(last + 1, len(row)):
            if row[position].strip():
                raise DataError(
                    "a column without a name holds values; name it in the header",
                    file=file,
                    row=index,
                    column=f"#{position + 1}",
                )
    header = [name.strip() for name in header[: last + 1]]
    for position, name in enumerate(header):
        if not name:
            raise DataError(
                "the header has an empty column name", file=file, row=0, column=f"#{position + 1}"
            )
        if name in header[:position]:
            raise DataError("the column name appears twice", file=file, row=0, column=name)
    data = [row[: last + 1] + [""] * (last + 1 - len(row)) for row in rows[1:]]
    columns = [SourceColumn(name=name) for name in unique_names(header)]
    return build_table(
        columns,
        data,
        format="xlsx",
        file=file,
        metadata={"sheet": sheet, "sheets": names},
        string_columns=[n for n in header if n in _ID_COLUMNS],
    )


def cell_text(value: Any) -> str:
    """A cell as the text a CSV export would hold (whole numbers without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def write_xlsx(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    sheet: str = "responses",
    number_formats: Mapping[str, str] | None = None,
    notes: Sequence[tuple[str, str]] = (),
    notes_sheet: str = "Read me",
) -> Path:
    """Write ``df`` to a one-sheet ``.xlsx``, atomically and formula-injection safe.

    Parameters
    ----------
    df : pandas.DataFrame
        At most 1,048,575 rows and 16,384 columns (Excel's limits); the index is not written.
    path : path-like
        The ``.xlsx`` to write; it appears complete or not at all.
    sheet : str
        The sheet name.
    number_formats : mapping, optional
        Excel number formats of some columns (``"0%"``, ``"0.0"``): how a number is shown, never
        what is stored (the cell keeps every digit).
    notes : sequence of (column, meaning), optional
        Written to a second sheet, ``notes_sheet``, one row each under the headings "column" and
        "what it holds": what a reader of the workbook needs to read its columns.

    Returns
    -------
    pathlib.Path
        The written path.

    Raises
    ------
    DataError
        Too many rows or columns, or a value a workbook would not hold as it is: a text over 32,767
        characters (Excel's cell limit), a control character (XML cannot hold it), an infinite number,
        a whole number of more than 15 significant digits (Excel rounds it), a time-zone-aware
        timestamp. The error names the row and column; nothing is written.

    Notes
    -----
    Every text cell is stored as a string; one starting with ``= + - @``, a tab or a carriage
    return also gets Excel's quote prefix (shown as a leading apostrophe in the formula bar), so it
    is never evaluated. Missing values are empty cells; the header row is bold and frozen.
    """
    file = str(path)
    if len(df) >= _EXCEL_MAX_ROWS or len(df.columns) > _EXCEL_MAX_COLUMNS:
        raise DataError(
            f"{len(df)} rows x {len(df.columns)} columns exceed Excel's limits "
            f"({_EXCEL_MAX_ROWS - 1} rows, {_EXCEL_MAX_COLUMNS} columns); write CSV or Parquet",
            file=file,
        )
    # Every value is checked before the sheet's stream opens (a refusal leaves nothing to close).
    for name in df.columns:
        _check_text(str(name), file=file, row=0, column=str(name))
    columns = [_python_values(df[name], file=file, column=str(name)) for name in df.columns]
    for name, meaning in notes:
        _check_text(f"{name} {meaning}", file=file, row=0, column=str(name))
    formats = [(number_formats or {}).get(str(name)) for name in df.columns]
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in df.columns:
        cell = _text_cell(worksheet, str(name))
        cell.font = bold
        header.append(cell)
    try:
        # the output's place first: a folder that cannot be written fails before any row is streamed
        with atomic_path(path) as tmp:
            worksheet.append(header)
            for values in zip(*columns, strict=True):
                worksheet.append(
                    [_cell(worksheet, value, shown) for value, shown in zip(values, formats, strict=True)]
                )
            if notes:
                readme = workbook.create_sheet(notes_sheet)
                readme.append([_bold(_text_cell(readme, heading)) for heading in ("column", "what it holds")])
                for name, meaning in notes:
                    readme.append([_text_cell(readme, name), _text_cell(readme, meaning)])
            workbook.save(tmp)
    except BaseException:
        # openpyxl leaves the sheet's row generator and stream open when a write fails (disk full,
        # file too large); finished later by the garbage collector, they print a second traceback
        # ("I/O operation on closed file"). Close both now, the generator first, quietly.
        rows, writer = getattr(worksheet, "_rows", None), getattr(worksheet, "_writer", None)
        with contextlib.suppress(Exception):
            if rows is not None:
                rows.close()
        with contextlib.suppress(Exception):
            if writer is not None:
                writer.xf.close()
        raise
    return Path(path)


def _cell(worksheet: Any, value: Any, number_format: str | None) -> Any:
    """A value as the sheet stores it: text never a formula, a number in ``number_format`` if given."""
    if isinstance(value, str):
        return _text_cell(worksheet, value)
    if number_format is None or value is None or isinstance(value, bool):
        return value
    cell = WriteOnlyCell(worksheet, value=value)
    cell.number_format = number_format
    return cell


def _bold(cell: WriteOnlyCell) -> WriteOnlyCell:
    cell.font = Font(bold=True)
    return cell


def _text_cell(worksheet: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=text)  # checked by _check_text: openpyxl would cut or refuse it
    cell.data_type = "s"  # never a formula, whatever the first character
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell


def _python_values(series: pd.Series, *, file: str, column: str) -> list[Any]:
    """The column as plain Python values openpyxl can store (None for missing)."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        raise DataError(
            "has time-zone-aware timestamps, which Excel cannot store; convert them to local time first",
            file=file,
            column=column,
        )
    values = series.astype(object).where(series.notna(), None).tolist()
    out: list[Any] = []
    for row, value in enumerate(values, start=1):
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if isinstance(value, str):
            _check_text(value, file=file, row=row, column=column)
        elif isinstance(value, float) and not math.isfinite(value):
            if math.isnan(value):
                value = None  # missing: an empty cell
            else:
                raise DataError(
                    f"the value {value} cannot be stored in Excel, which has no infinity; "
                    "export to .csv or .parquet",
                    file=file,
                    row=row,
                    column=column,
                )
        elif isinstance(value, int) and not isinstance(value, bool) and _digits(value) > _EXCEL_DIGITS:
            raise DataError(
                f"the whole number {value} has more than {_EXCEL_DIGITS} digits, which Excel would round; "
                "store it as text, or export to .csv or .parquet",
                file=file,
                row=row,
                column=column,
            )
        out.append(value)
    return out


def _digits(number: int) -> int:
    """The significant digits of a whole number (trailing zeros are not: Excel keeps 10**20 exactly)."""
    return len(str(abs(number)).rstrip("0")) or 1


def _check_text(text: str, *, file: str, row: int, column: str) -> None:
    """Refuse a text a workbook cannot hold as it is: openpyxl would cut a long one, or fail."""
    # Excel counts UTF-16 code units: a character outside the Basic Multilingual Plane is two.
    size = len(text) if len(text) <= _EXCEL_MAX_TEXT // 2 else len(text.encode("utf-16-le")) // 2
    if size > _EXCEL_MAX_TEXT:
        raise DataError(
            f"the text is {size:,} characters long, over the {_EXCEL_MAX_TEXT:,} an Excel cell holds, "
            "so Excel would cut it; export to .csv or .parquet",
            file=file,
            row=row,
            column=column,
        )
    control = _ILLEGAL_XML.search(text)
    if control is not None:
        raise DataError(
            f"the text holds the control character U+{ord(control.group()):04X} (position "
            f"{control.start() + 1}), which an Excel file cannot store; remove it, or export to .csv "
            "or .parquet",
            file=file,
            row=row,
            column=column,
        )
