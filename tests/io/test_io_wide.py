"""The wide response format: read_csv conventions, write_wide, and the CSV -> Parquet -> CSV trip."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from allypath.errors import DataError
from allypath.io import read_any, read_csv, read_parquet, read_wide_arrow, write_wide


def _wide_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "respondent_id": pd.Series(["00017", "r2", "r3", None], dtype="str"),
            "org": pd.Series(["alpha", "beta", None, "alpha"], dtype="str"),
            "wave": pd.array([1, 1, 2, 2], dtype="Int64"),
            "ap01": pd.array([1, None, 5, 3], dtype="Int64"),
            "kc_parental_leave": pd.array([0, 1, None, 1], dtype="Int64"),
            "weight": [0.5, np.nan, 1.25, 2.0],
            "ot1": pd.Series(['says "hi", then\nleaves', None, "N/A", "ça va"], dtype="str"),
            "submitted": pd.Series(
                pd.to_datetime(["2024-03-01 10:22:13", None, "2024-03-02 00:00:00", None])
            ).astype("datetime64[s]"),
            "flag": pd.array([True, None, False, True], dtype="boolean"),
        }
    )


def test_read_csv_types_blanks_and_identifiers(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "respondent_id,org,unit,ap01,ap02,note\n00017,alpha,Sales/EMEA,1,,N/A\n00018,beta,,5,2.5,\n",
        encoding="utf-8",
    )
    table = read_csv(path)
    assert table.format == "csv"
    assert {c.name: c.type for c in table.columns} == {
        "respondent_id": "string",
        "org": "string",
        "unit": "string",
        "ap01": "integer",
        "ap02": "number",
        "note": "string",
    }
    data = table.data
    assert data["respondent_id"].tolist() == ["00017", "00018"]  # leading zeros kept
    assert str(data["ap01"].dtype) == "Int64"
    assert pd.isna(data["ap02"].iloc[0])
    assert data["ap02"].iloc[1] == 2.5
    assert pd.isna(data["unit"].iloc[1])  # blank = missing, not ""
    assert data["note"].iloc[0] == "N/A"  # only a blank is missing


def test_read_csv_bom_crlf_trailing_delimiters_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b'\xef\xbb\xbfrespondent_id,ap01,ot1,,\r\nr1,4,"two\r\nlines",,\r\nr2,2,plain,,\r\n')
    table = read_csv(path)
    assert table.names == ("respondent_id", "ap01", "ot1")
    assert table.metadata["encoding"] == "utf-8-sig"
    assert table.data["ot1"].tolist() == ["two\r\nlines", "plain"]
    assert table.data["ap01"].tolist() == [4, 2]


def test_read_csv_utf16_from_excel_unicode_text(tmp_path: Path) -> None:
    path = tmp_path / "unicode.csv"
    path.write_bytes("respondent_id,ap01\nr1,3\nr2,ü\n".encode("utf-16"))
    table = read_csv(path)
    assert table.metadata["encoding"] == "utf-16"
    assert table.data["ap01"].tolist() == ["3", "ü"]


def test_read_csv_explicit_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("respondent_id;ap01\nr1;3\n", encoding="utf-8")
    assert read_csv(path, delimiter=";").data["ap01"].tolist() == [3]
    assert read_any(path).data["ap01"].tolist() == [3]  # read_any sniffs the delimiter


def test_read_csv_multiline_values_across_block_boundaries(tmp_path: Path) -> None:
    # pyarrow's fast chunker cuts blocks at line ends, inside some of these quoted values; the
    # reader must notice and read again with the newline-aware chunker.
    rows = [f'r{i},{i % 5 + 1},"line one\nline two {i}"' for i in range(300_000)]
    path = tmp_path / "big.csv"
    path.write_text("respondent_id,ap01,ot1\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert path.stat().st_size > 2 * 4 * 1024 * 1024
    table = read_csv(path)
    assert len(table) == 300_000
    assert table.data["ot1"].iloc[299_999] == "line one\nline two 299999"
    assert table.data["ap01"].iloc[299_999] == 299_999 % 5 + 1


def test_write_wide_csv_reads_back_identical(tmp_path: Path) -> None:
    frame = _wide_frame()
    path = write_wide(frame, tmp_path / "out.csv")
    back = read_csv(path).data
    pd.testing.assert_frame_equal(back, frame)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('"respondent_id","org","wave"')
    assert ",2024-03-01 10:22:13," in text  # whole seconds, no .000000


def test_csv_to_parquet_to_csv_is_identical(tmp_path: Path) -> None:
    first = write_wide(_wide_frame(), tmp_path / "first.csv")
    from_csv = read_csv(first).data
    parquet = write_wide(from_csv, tmp_path / "middle.parquet")
    from_parquet = read_parquet(parquet)
    assert from_parquet.format == "parquet"
    pd.testing.assert_frame_equal(from_parquet.data, from_csv)
    second = write_wide(from_parquet.data, tmp_path / "second.csv")
    assert second.read_bytes() == first.read_bytes()
    assert read_any(parquet).format == "parquet"


def test_write_wide_is_atomic_and_refuses_unknown_extensions(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old content\n", encoding="utf-8")
    bad = pd.DataFrame({"mixed": [1, "a", dt.date(2020, 1, 1)]})
    with pytest.raises(DataError) as error:
        write_wide(bad, target)
    assert error.value.column == "mixed"
    assert target.read_text(encoding="utf-8") == "old content\n"  # untouched
    assert os.listdir(tmp_path) == ["out.csv"]  # no temporary file left behind
    with pytest.raises(DataError, match=r"\.csv, \.parquet"):
        write_wide(_wide_frame(), tmp_path / "out.json")


# --- R's write.csv and pandas' to_csv: row names under an empty first header -----------------------


def test_row_names_under_an_empty_first_header_are_dropped_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('"","ap01","ap02"\n"61617",3,NA\n"61618",4,5\n', encoding="utf-8")
    table = read_csv(path)
    assert list(table.data.columns) == ["ap01", "ap02"]
    assert table.data["ap01"].tolist() == [3, 4]
    assert table.data["ap02"].isna().tolist() == [True, False]  # R writes missing as NA
    assert any("row names" in note for note in table.metadata["notes"])
    assert read_wide_arrow(path).column_names == ["ap01", "ap02"]


def test_a_named_first_column_is_kept_and_no_note_is_made(tmp_path: Path) -> None:
    path = tmp_path / "named.csv"
    path.write_text("id,ap01\n61617,3\n", encoding="utf-8")
    table = read_csv(path)
    assert list(table.data.columns) == ["id", "ap01"] and table.metadata["notes"] == []


def test_an_empty_name_after_the_first_column_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "gap.csv"
    path.write_text(",ap01,,ap02\n1,3,4,5\n", encoding="utf-8")
    with pytest.raises(DataError, match="empty column name") as caught:
        read_csv(path)
    assert caught.value.column == "#3"


def test_na_is_an_answer_where_the_file_has_no_row_names(tmp_path: Path) -> None:
    path = tmp_path / "typed.csv"
    path.write_text("respondent_id,ap01,ot1\nr1,3,NA\nr2,NA,fine\n", encoding="utf-8")
    data = read_csv(path).data
    assert data["ot1"].tolist()[0] == "NA" and data["ap01"].tolist() == ["3", "NA"]


def test_with_row_names_a_text_column_keeps_its_na(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('"","ap01","ot1"\n"1",NA,"NA"\n"2",4,"nothing"\n', encoding="utf-8")
    table = read_csv(path)
    assert table.data["ap01"].isna().tolist() == [True, False]
    assert table.data["ot1"].tolist() == ["NA", "nothing"]
    assert any("1 numeric column(s): ap01" in note for note in table.metadata["notes"])
