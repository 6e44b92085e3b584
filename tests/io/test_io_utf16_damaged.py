"""A damaged UTF-16 text file (cut off after an odd number of bytes, or with a broken surrogate pair)
is refused with a DataError naming the file and, where it can, the row and column: never a
UnicodeDecodeError traceback (a reviewer's HRIS upload gave a server error)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from allypath.cli import app
from allypath.cli._common import EXIT_ERROR
from allypath.errors import DataError
from allypath.io import read_any, read_hris
from allypath.io._text import decode_records

CUT_OFF = "employee_id,unit,level,region\nE1,Ops,Staff,EMEA\nE2,Ops,Staff,EMEA\n".encode("utf-16") + b"\n"


def test_an_odd_length_utf16_file_is_refused_naming_the_file() -> None:
    with pytest.raises(DataError) as caught:
        decode_records(CUT_OFF, file="people.csv", delimiter=",")
    assert caught.value.file == "people.csv"
    assert "odd number of bytes" in caught.value.message and "cut off" in caught.value.message
    assert caught.value.row is None  # a stray byte after the last row belongs to no row


def test_a_utf16_file_cut_off_inside_a_row_names_that_row_and_column() -> None:
    raw = "a,b\n1,2\n3,45".encode("utf-16")[:-1]
    with pytest.raises(DataError) as caught:
        decode_records(raw, file="f.csv", delimiter=",")
    assert (caught.value.row, caught.value.column) == (2, "b")


def test_a_broken_surrogate_pair_names_its_row_and_column() -> None:
    raw = "a,b\n1,\ud800x\n".encode("utf-16", "surrogatepass")
    with pytest.raises(DataError) as caught:
        decode_records(raw, file="f.csv", delimiter=",")
    assert (caught.value.row, caught.value.column) == (1, "b")
    assert "not valid UTF-16" in caught.value.message


def test_the_hris_and_export_readers_refuse_it_as_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(CUT_OFF)
    with pytest.raises(DataError, match="odd number of bytes"):
        read_hris(path)
    wide = tmp_path / "wide.csv"
    wide.write_bytes("respondent_id,ap01\nr1,3\nr2,4\n".encode("utf-16") + b"\n")
    with pytest.raises(DataError, match="odd number of bytes"):
        read_any(wide)


@pytest.mark.parametrize("command", [["score", "{f}", "--out", "{out}"], ["import", "detect", "{f}"]])
def test_the_command_line_says_so_in_one_line(tmp_path: Path, command: list[str]) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_bytes("respondent_id,ap01\nr1,3\nr2,4\n".encode("utf-16") + b"\n")
    args = [a.format(f=wide, out=tmp_path / "out.csv") for a in command]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == EXIT_ERROR, (result.output, result.exception)
    assert "Traceback" not in result.output
    assert f"error: file {wide}" in result.output and "odd number of bytes" in result.output
    assert not (tmp_path / "out.csv").exists()
