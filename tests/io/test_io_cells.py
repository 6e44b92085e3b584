"""One rule for the cells of every text reader: a column is numbers only when every filled cell is a
number written plainly (``42``, ``-7``, ``2.5``, ``1e-05``); any other column is text, each cell as
written. pyarrow's own inference read the unit codes ``0042`` and ``007`` as 42 and 7, the code
``0x1A`` as 26, and an answer ``NaN`` as a blank (docs/scoring.md, "Missing data and bad input").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from io_testkit import write_qualtrics
from openpyxl import Workbook

from allypath.errors import DataError
from allypath.io import (
    SourceTable,
    apply_mapping,
    read_any,
    read_csv,
    read_google_forms,
    read_limesurvey,
    read_parquet,
    read_qualtrics,
    read_surveymonkey,
    read_xlsx,
    write_wide,
)

CODES = ["0042", "007", "0x1A", "0042"]  # unit codes as HR systems write them
ANSWERS = ["3", "4", "", "5"]


# Each cell list, and what reading a column of it gives: (kind, values; None for a blank).
COLUMNS: dict[str, tuple[list[str], str, list[object]]] = {
    "leading zeros": (["0042", "007", ""], "string", ["0042", "007", None]),
    "hexadecimal": (["0x1A", "3"], "string", ["0x1A", "3"]),
    "plus sign": (["+3", "4"], "string", ["+3", "4"]),
    "minus zero": (["-0", "1"], "string", ["-0", "1"]),
    "NaN": (["NaN", "3"], "string", ["NaN", "3"]),
    "nan": (["nan", "3"], "string", ["nan", "3"]),
    "inf": (["inf", "-inf", "2"], "string", ["inf", "-inf", "2"]),
    "unsigned exponent (a code)": (["3E1", "12"], "string", ["3E1", "12"]),
    "a whole number past 64 bits": (["99999999999999999999", "1"], "string", ["99999999999999999999", "1"]),
    "a long number with zeros": (["1000000", "0001000"], "string", ["1000000", "0001000"]),
    "whole numbers": (["-7", "0", "42", "", "1000000"], "integer", [-7, 0, 42, None, 1000000]),
    "spaces around numbers": ([" 3", "4 "], "integer", [3, 4]),
    "decimals": (["2.5", "3", "-0.25"], "number", [2.5, 3.0, -0.25]),
    "decimals as pandas writes them": (["3.0", "4.0", ""], "number", [3.0, 4.0, None]),
    "exponents as R and pandas write them": (["1e-05", "1e+05", "2.5E+20"], "number", [1e-05, 1e05, 2.5e20]),
    "NA (only R's row names make it missing)": (["NA", "3"], "string", ["NA", "3"]),
    "booleans (pyarrow's inference)": (["true", "false"], "boolean", [True, False]),
}


def _values(series: pd.Series) -> list[object]:
    return [None if pd.isna(v) else v for v in series.tolist()]


def _wide(path: Path, columns: dict[str, list[str]]) -> Path:
    """A CSV with one column per entry (shorter columns padded with blanks)."""
    rows = max(len(cells) for cells in columns.values())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(columns))
    for r in range(rows):
        writer.writerow([cells[r] if r < len(cells) else "" for cells in columns.values()])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", list(COLUMNS))
def test_a_column_is_numbers_only_when_every_cell_is_a_number_written_plainly(
    tmp_path: Path, case: str
) -> None:
    cells, kind, expected = COLUMNS[case]
    table = read_csv(
        _wide(tmp_path / "cells.csv", {"respondent_id": [f"r{i}" for i in range(len(cells))], "x": cells})
    )
    assert table.column("x").type == kind
    assert _values(table.data["x"]) == expected


def test_codes_stay_text_through_parquet_and_csv_output(tmp_path: Path) -> None:
    source = _wide(tmp_path / "in.csv", {"unit": CODES, "ap1": ANSWERS})
    wide = read_csv(source).data
    assert wide["unit"].tolist() == CODES
    assert str(wide["ap1"].dtype) == "Int64"  # answers stay numbers
    write_wide(wide, tmp_path / "out.parquet")
    back = read_parquet(tmp_path / "out.parquet")
    assert back.column("unit").type == "string" and back.data["unit"].tolist() == CODES
    write_wide(back.data, tmp_path / "out.csv")
    assert read_csv(tmp_path / "out.csv").data["unit"].tolist() == CODES


# -- every text reader, the same rule ---------------------------------------------------------------------


def _xlsx(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["unit", "ap1"])
    for code, answer in zip(CODES, ANSWERS, strict=True):
        sheet.append([code, int(answer) if answer else None])  # codes typed as text, answers as numbers
    workbook.save(path)
    return path


def _qualtrics(path: Path) -> Path:
    rows = [[c, a] for c, a in zip(CODES, ANSWERS, strict=True)]
    return write_qualtrics(path, [("unit", "Your unit"), ("ap1", "Q1")], rows)


def _limesurvey(path: Path) -> Path:
    lines = ['"id. Response ID";"unit. Your unit";"ap1. Q1"']
    lines += [f'"{n}";"{c}";"{a}"' for n, (c, a) in enumerate(zip(CODES, ANSWERS, strict=True), start=1)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _google_forms(path: Path) -> Path:
    lines = ["Timestamp,unit,ap1"]
    lines += [
        f"2024/03/01 10:22:1{n} AM GMT+1,{c},{a}" for n, (c, a) in enumerate(zip(CODES, ANSWERS, strict=True))
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _surveymonkey(path: Path) -> Path:
    lines = ["Respondent ID,Collector ID,unit,ap1", ",,Response,Response"]
    lines += [f"11400000{n},4000,{c},{a}" for n, (c, a) in enumerate(zip(CODES, ANSWERS, strict=True))]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


READERS: dict[str, tuple[Callable[[Path], Path], str, Callable[[Path], SourceTable]]] = {
    "csv": (lambda p: _wide(p, {"unit": CODES, "ap1": ANSWERS}), "x.csv", read_csv),
    "xlsx": (_xlsx, "x.xlsx", read_xlsx),
    "qualtrics": (_qualtrics, "x.csv", read_qualtrics),
    "limesurvey": (_limesurvey, "x.csv", read_limesurvey),
    "google_forms": (_google_forms, "x.csv", read_google_forms),
    "surveymonkey": (_surveymonkey, "x.csv", read_surveymonkey),
}


@pytest.mark.parametrize("reader", list(READERS))
def test_every_text_reader_keeps_codes_as_written_and_answers_as_numbers(tmp_path: Path, reader: str) -> None:
    write, name, read = READERS[reader]
    path = write(tmp_path / name)
    table = read(path)
    assert table.format == reader
    data = table.data
    assert data["unit"].tolist() == CODES
    assert table.column("unit").type == "string"
    assert table.column("ap1").type == "integer"
    assert _values(data["ap1"]) == [3, 4, None, 5]
    assert read_any(path).data["unit"].tolist() == CODES


# -- R's NA, and answers the mapping refuses ------------------------------------------------------------


def test_r_na_beside_codes_with_zeros_stays_text_and_beside_numbers_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "from_r.csv"
    path.write_text('"","unit","ap1"\n"1","0042",3\n"2",NA,NA\n"3","007",5\n', encoding="utf-8")
    table = read_csv(path)
    assert table.data["unit"].tolist() == ["0042", "NA", "007"]
    assert _values(table.data["ap1"]) == [3, None, 5]
    assert any("NA read as missing" in note and "ap1" in note for note in table.metadata["notes"])


@pytest.mark.parametrize("cell", ["NaN", "nan", "inf", "0x3", "Infinity"])
def test_a_mapped_answer_that_is_not_a_number_is_refused_naming_row_and_column(
    tmp_path: Path, cell: str
) -> None:
    # Without a scale to check against, pyarrow's NaN used to pass as a blank answer.
    path = write_qualtrics(tmp_path / "q.csv", [("Q1", "Your view")], [["3"], [cell], ["4"]])
    source = read_qualtrics(path)
    assert source.data["Q1"].tolist() == ["3", cell, "4"]
    with pytest.raises(DataError) as info:
        apply_mapping(source, {"items": {"ap1": {"column": "Q1"}}})
    error = info.value
    assert (error.file, error.row, error.column) == (str(path), 2, "Q1")
    assert error.message.startswith(f"value {cell!r} of item 'ap1' is not a number")


def test_a_mapped_answer_in_decimal_digits_is_still_a_number(tmp_path: Path) -> None:
    path = write_qualtrics(tmp_path / "q.csv", [("Q1", "Your view")], [["03"], ["+4"], [" 5"], ["2.0"]])
    wide = apply_mapping(read_qualtrics(path), {"items": {"ap1": {"column": "Q1", "range": [1, 5]}}})
    assert wide["ap1"].tolist() == [3, 4, 5, 2]
