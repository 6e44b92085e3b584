"""Bad input: every problem is a DataError naming the file, the row and (where there is one) the column.

(Unmapped required items and values outside a mapping are in test_io_mapping.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from io_testkit import FRENCH_EXPORT_COLUMNS, FRENCH_EXPORT_ROWS, write_qualtrics

from allypath.errors import DataError
from allypath.io import (
    read_any,
    read_csv,
    read_google_forms,
    read_hris,
    read_limesurvey,
    read_parquet,
    read_qualtrics,
    read_spss,
    read_surveymonkey,
    read_xlsx,
)

READERS: dict[str, tuple[Callable[[Path], object], str]] = {
    "read_csv": (read_csv, "empty.csv"),
    "read_any": (read_any, "empty.csv"),
    "read_qualtrics": (read_qualtrics, "empty.csv"),
    "read_surveymonkey": (read_surveymonkey, "empty.csv"),
    "read_limesurvey": (read_limesurvey, "empty.csv"),
    "read_google_forms": (read_google_forms, "empty.csv"),
    "read_hris": (read_hris, "empty.csv"),
    "read_spss": (read_spss, "empty.sav"),
    "read_any_sav": (read_any, "empty.sav"),
    "read_xlsx": (read_xlsx, "empty.xlsx"),
    "read_parquet": (read_parquet, "empty.parquet"),
}


def _error(call: Callable[[], object]) -> DataError:
    with pytest.raises(DataError) as info:
        call()
    return info.value


@pytest.mark.parametrize("reader", sorted(READERS))
def test_zero_byte_file(tmp_path: Path, reader: str) -> None:
    function, name = READERS[reader]
    path = tmp_path / name
    path.write_bytes(b"")
    error = _error(lambda: function(path))
    assert error.file == str(path)
    assert error.row == 0
    assert "empty" in error.message


def test_semicolon_file_read_as_comma_separated(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("respondent_id;org;ap01\nr1;alpha;3\n", encoding="utf-8")
    error = _error(lambda: read_csv(path))
    assert (error.file, error.row, error.column) == (str(path), 0, "respondent_id;org;ap01")
    assert "semicolon-separated" in error.message
    assert "delimiter=';'" in error.message


def test_one_row_with_another_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("respondent_id,org,ap01\nr1,alpha,3\nr2;beta;4\nr3,gamma,5\n", encoding="utf-8")
    error = _error(lambda: read_csv(path))
    assert (error.file, error.row, error.column) == (str(path), 2, "org")
    assert "1 fields but the header has 3" in error.message
    assert "semicolon-separated" in error.message


def test_row_with_too_many_fields(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("respondent_id,ap01\nr1,3\nr2,4,extra\n", encoding="utf-8")
    error = _error(lambda: read_csv(path))
    assert (error.row, error.column) == (2, "#3")


@pytest.mark.parametrize(
    ("header", "column", "words"),
    [
        ('respondent_id,"ap01,ap02\nr1,3,4\n', "#2", "not closed"),
        ("respondent_id,ap01,ap01\nr1,3,4\n", "ap01", "appears twice"),
        ("respondent_id,,ap02\nr1,3,4\n", "#2", "empty column name"),
        ("\nr1,3,4\n", None, "blank"),
    ],
)
def test_broken_header(tmp_path: Path, header: str, column: str | None, words: str) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(header, encoding="utf-8")
    error = _error(lambda: read_csv(path))
    assert (error.file, error.row, error.column) == (str(path), 0, column)
    assert words in error.message


def test_latin1_row_in_a_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(
        "respondent_id,ap01,ot1\nr1,3,ça va\n".encode()
        + b"r2,4,plut\xf4t bien\n"
        + "r3,5,très bien\n".encode()
    )
    error = _error(lambda: read_csv(path))
    assert (error.file, error.row, error.column) == (str(path), 2, "ot1")
    assert "0xf4" in error.message
    assert "CSV UTF-8" in error.message


def test_cp1252_header(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(b"respondent_id,r\xe9gion\nr1,EMEA\n")
    error = _error(lambda: read_csv(path))
    assert (error.row, error.column) == (0, "#2")


def test_undecodable_bytes_in_survey_tool_exports(tmp_path: Path) -> None:
    rows = [list(r) for r in FRENCH_EXPORT_ROWS]
    path = write_qualtrics(tmp_path / "q.csv", FRENCH_EXPORT_COLUMNS, rows)
    raw = path.read_bytes().replace(b"Plus de temps", b"Plus de temps \xe9")
    path.write_bytes(raw)
    error = _error(lambda: read_qualtrics(path))
    assert (error.file, error.row, error.column) == (str(path), 1, "Q4")  # after 3 header rows
    limesurvey = tmp_path / "ls.csv"
    limesurvey.write_bytes(b'"id. Response ID";"G01Q03. Comment"\r\n"1";"ok"\r\n"2";"caf\xe9"\r\n')
    error = _error(lambda: read_limesurvey(limesurvey))
    assert (error.row, error.column) == (2, "G01Q03. Comment")
    hris = tmp_path / "org.csv"
    hris.write_bytes(b"employee_id,unit,level,region\nE1,Z\xfcrich,staff,EU\n")
    error = _error(lambda: read_hris(hris))
    assert (error.row, error.column) == (1, "unit")


def test_qualtrics_row_with_missing_fields(tmp_path: Path) -> None:
    rows = [list(r) for r in FRENCH_EXPORT_ROWS]
    rows[1] = rows[1][:5]
    path = write_qualtrics(tmp_path / "q.csv", FRENCH_EXPORT_COLUMNS, rows)
    error = _error(lambda: read_qualtrics(path))
    assert (error.row, error.column) == (2, "Q2")


def test_surveymonkey_header_rows_of_different_length(tmp_path: Path) -> None:
    path = tmp_path / "sm.csv"
    path.write_text("Respondent ID,Collector ID,Q1\r\n,,Response,extra\r\n", encoding="utf-8")
    error = _error(lambda: read_surveymonkey(path))
    assert error.row == 0
    assert "differ in length" in error.message


def test_files_that_are_not_what_their_extension_says(tmp_path: Path) -> None:
    sav = tmp_path / "fake.sav"
    sav.write_text("respondent_id,ap01\nr1,3\n", encoding="utf-8")
    assert "not a readable SPSS" in _error(lambda: read_spss(sav)).message
    xlsx = tmp_path / "fake.xlsx"
    xlsx.write_text("respondent_id,ap01\n", encoding="utf-8")
    assert "not a readable workbook" in _error(lambda: read_xlsx(xlsx)).message
    parquet = tmp_path / "fake.parquet"
    parquet.write_text("respondent_id,ap01\n", encoding="utf-8")
    assert "not a readable Parquet" in _error(lambda: read_parquet(parquet)).message
    missing = tmp_path / "missing.csv"
    assert _error(lambda: read_any(missing)).message == "no such file"
    with pytest.raises(DataError, match="unknown format 'stata'"):
        read_any(sav, format="stata")
