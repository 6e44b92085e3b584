"""Every real export in tests/fixtures/exports parses to the columns, types, labels and rows it holds."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from allypath.io import detect_format, read_any, read_qualtrics, read_spss, read_surveymonkey


def _types(table) -> dict[str, str]:
    return {c.name: c.type for c in table.columns}


def test_every_fixture_is_detected_and_read(exports_dir: Path) -> None:
    expected = {
        "sample.csv": ("qualtrics", 1, 20),
        "sample_legacy.csv": ("qualtrics", 1, 15),
        "2022_anc.header-only.csv": ("surveymonkey", 0, 41),
        "sample.sav": ("spss", 5, 7),
        "sample_missing.sav": ("spss", 7, 7),
        "simple_alltypes.sav": ("spss", 6, 12),
        "hebrews.sav": ("spss", 99, 1),
    }
    for name, (fmt, rows, columns) in expected.items():
        assert detect_format(exports_dir / name) == fmt, name
        table = read_any(exports_dir / name)
        assert (table.format, len(table), len(table.columns)) == (fmt, rows, columns), name
        assert [c.name for c in table.columns] == list(table.data.columns)


class TestQualtricsCurrent:
    def test_names_labels_and_import_ids(self, exports_dir: Path) -> None:
        table = read_qualtrics(exports_dir / "sample.csv")
        assert table.metadata["variant"] == "current"
        assert table.names == (
            "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
            "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
            "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
            "DistributionChannel", "UserLanguage", "Q1", "Q2", "Q2 - Topics",
        )  # fmt: skip
        assert table.column("Q1").label == "This is a multiple choice question."
        assert table.column("Q2").label == "This is a free text question."
        assert table.column("RecipientLastName").label == "Nachname des Empfängers"
        assert table.metadata["import_ids"]["Q1"] == "QID1"
        assert table.metadata["import_ids"]["ResponseId"] == "_recordId"
        assert table.metadata["import_ids"]["Q2 - Topics"].startswith("QID2_TEXT_")

    def test_types_and_values(self, exports_dir: Path) -> None:
        table = read_qualtrics(exports_dir / "sample.csv")
        types = _types(table)
        assert types["StartDate"] == types["RecordedDate"] == "datetime"
        assert types["Status"] == types["Progress"] == types["Finished"] == types["Q1"] == "integer"
        assert types["LocationLatitude"] == "number"
        assert types["ResponseId"] == types["Q2"] == types["IPAddress"] == "string"
        assert types["RecipientEmail"] == types["Q2 - Topics"] == "empty"
        row = table.data.iloc[0]
        assert row["StartDate"] == pd.Timestamp("2017-07-18 08:28:09")
        assert row["Duration (in seconds)"] == 38
        assert row["Q1"] == 2
        assert str(table.data["Q1"].dtype) == "Int64"
        assert row["Q2"] == "Hello World!"
        assert row["ResponseId"] == "R_2YPOQ602ER1jkf1"
        assert math.isclose(row["LocationLatitude"], 47.115097045898)
        assert pd.isna(row["RecipientEmail"])


class TestQualtricsLegacy:
    def test_bom_v_columns_and_trailing_comma(self, exports_dir: Path) -> None:
        table = read_qualtrics(exports_dir / "sample_legacy.csv")
        assert table.metadata["variant"] == "legacy"
        assert table.metadata["encoding"] == "utf-8-sig"
        # the trailing comma makes a 16th, nameless and empty column, which is dropped
        assert table.names == (
            *(f"V{i}" for i in range(1, 11)),
            "Q1", "Q2", "LocationLatitude", "LocationLongitude", "LocationAccuracy",
        )  # fmt: skip
        assert table.column("V1").label == "ResponseID"
        assert table.column("V8").label == "StartDate"
        assert table.column("Q1").label == "This is a multiple choice question."
        types = _types(table)
        assert types["V1"] == types["V2"] == types["Q2"] == "string"
        assert types["V8"] == types["V9"] == "datetime"
        assert types["V4"] == types["V5"] == "empty"
        assert types["Q1"] == types["LocationAccuracy"] == "integer"
        row = table.data.iloc[0]
        assert row["V1"] == "R_2YPOQ602ER1jkf1"
        assert row["V2"] == "Standard-Antwortsatz"
        assert row["Q1"] == 2
        assert row["LocationAccuracy"] == -1


class TestSurveyMonkey:
    def test_two_header_rows_with_spanning_questions(self, exports_dir: Path) -> None:
        table = read_surveymonkey(exports_dir / "2022_anc.header-only.csv")
        assert len(table) == 0
        assert len(table.columns) == 41
        assert table.names[:9] == (
            "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1",
        )  # fmt: skip
        groups = table.groups()
        contact = groups["Contact information"]
        assert [c.option for c in contact] == [
            "Name",
            "Email",
            "Campaign-related social media accounts",
            'Fundraising link, if applicable (if not, please write "N/A")',
        ]
        assert contact[0].name == "Contact information - Name"
        ranking = next(cols for group, cols in groups.items() if group.startswith("Planned unit"))
        assert len(ranking) == 8
        assert ranking[0].option == "More inclusionary zoning units than are required by District law"
        assert ranking[-1].option == "Direct cash payments to local schools and youth programs"
        # a one-column question is named by its text; "Response" is not an option
        smd = table.column("Select the SMD in which you are running:")
        assert smd.group is None
        assert smd.option is None
        assert smd.label == "Select the SMD in which you are running:"
        assert len(table.metadata["questions"]) == 2

    def test_types_encoding_and_line_ends(self, exports_dir: Path) -> None:
        table = read_surveymonkey(exports_dir / "2022_anc.header-only.csv")
        types = _types(table)
        assert types["Respondent ID"] == types["Collector ID"] == "string"
        assert {t for n, t in types.items() if "ID" not in n} == {"empty"}
        assert not any("\r" in name or "\n" in name for name in table.names)  # CRLF is a line end
        assert any("District’s" in name for name in table.names)  # curly quotes decoded as UTF-8
        assert table.names[-1].startswith("Why do you think you are the right person")


class TestSpss:
    def test_sample_value_labels_and_types(self, exports_dir: Path) -> None:
        table = read_spss(exports_dir / "sample.sav")
        assert len(table) == 5
        assert {c.name: c.label for c in table.columns} == {
            "mychar": "character", "mynum": "numeric", "mydate": "date", "dtime": "datetime",
            "mylabl": "labeled", "myord": "ordinal", "mytime": "time",
        }  # fmt: skip
        assert _types(table) == {
            "mychar": "string", "mynum": "number", "mydate": "date", "dtime": "datetime",
            "mylabl": "number", "myord": "number", "mytime": "time",
        }  # fmt: skip
        assert table.column("mylabl").value_labels == {1: "Male", 2: "Female"}
        assert table.column("myord").value_labels == {1: "low", 2: "medium", 3: "high"}
        assert table.data["mychar"].tolist() == ["a", "b", "c", "d", "e"]
        assert table.data["mynum"].tolist() == [1.1, 1.2, -1000.3, -1.4, 1000.3]
        assert table.data["mydate"].iloc[0] == dt.date(2018, 5, 6)
        assert table.data["dtime"].iloc[1] == pd.Timestamp("1880-05-06 10:10:10")
        assert table.data["mytime"].iloc[1] == dt.time(23, 10, 10)
        assert pd.isna(table.data["mydate"].iloc[4])
        assert table.metadata["encoding"] == "windows-1252"
        assert table.metadata["notes"][0] == "some test text as notes"
        assert table.metadata["measures"]["myord"] == "ordinal"

    def test_user_missing_values_become_missing(self, exports_dir: Path) -> None:
        table = read_spss(exports_dir / "sample_missing.sav")
        assert len(table) == 7
        mynum = table.column("mynum")
        assert mynum.missing_codes == (-1,)
        assert mynum.missing_ranges == ((2000.0, 3000.0),)
        assert table.column("mylabl").missing_codes == (-1,)
        assert table.column("myord").missing_codes == (-1, -2, -3)
        assert table.column("mylabl").value_labels == {-1: "undetermined", 1: "Male", 2: "Female"}
        data = table.data
        assert pd.isna(data["mynum"].iloc[5])  # -1: a user-missing code
        assert pd.isna(data["mynum"].iloc[6])  # 2500: inside the missing range 2000..3000
        assert pd.isna(data["mylabl"].iloc[5])
        assert pd.isna(data["myord"].iloc[6])
        assert data["mychar"].iloc[5] == "Z"
        assert pd.isna(data["mychar"].iloc[6])

    def test_multiple_response_sets_and_ranges(self, exports_dir: Path) -> None:
        table = read_spss(exports_dir / "simple_alltypes.sav")
        assert len(table) == 6
        assert _types(table) == {
            "x": "integer", "y": "date", "z": "number", "str": "string", "bool1": "number",
            "bool2": "number", "bool3": "number", "ca_subvar_1": "string",
            "ca_subvar_2": "string", "ca_subvar_3": "string", "date": "date", "quarter": "date",
        }  # fmt: skip
        x = table.column("x")
        assert x.label == "Numeric variable with value labels"
        assert x.value_labels == {1: "red", 2: "green", 3: "blue"}
        assert x.missing_codes == (7, 8, 99)
        assert str(table.data["x"].dtype) == "Int64"
        assert pd.isna(table.data["x"].iloc[4])  # 8, user-missing
        assert table.data["x"].iloc[5] == 9
        z = table.column("z")
        assert z.missing_ranges == ((-999.0, 0.0),)
        assert z.missing_codes == (999,)
        assert pd.isna(table.data["z"].iloc[0])
        assert pd.isna(table.data["z"].iloc[3])
        assert table.data["z"].iloc[2] == pytest.approx(1.234)
        groups = table.groups()
        assert [c.name for c in groups["mymrset"]] == ["bool1", "bool2", "bool3"]
        assert [c.option for c in groups["mymrset"]] == ["Response #1", "Response #2", "Response #3"]
        assert [c.name for c in groups["categorical_array"]] == [
            "ca_subvar_1",
            "ca_subvar_2",
            "ca_subvar_3",
        ]
        mr = table.metadata["multiple_response_sets"]["mymrset"]
        assert mr["is_dichotomy"]
        assert mr["counted_value"] == 1
        assert table.data["y"].iloc[3] == dt.date(1776, 7, 4)
        assert table.data["quarter"].iloc[4] == dt.date(2015, 1, 1)

    def test_utf8_hebrew_variable_name(self, exports_dir: Path) -> None:
        table = read_spss(exports_dir / "hebrews.sav")
        assert table.names == ("ותק_ב",)
        assert len(table) == 99
        assert _types(table) == {"ותק_ב": "integer"}
        assert table.column("ותק_ב").label is None
        assert table.data["ותק_ב"].iloc[:5].tolist() == [33, 34, 15, 35, 28]
        assert table.metadata["encoding"] == "UTF-8"


@pytest.mark.parametrize("name", ["sample.csv", "sample_legacy.csv"])
def test_a_qualtrics_export_saved_again_with_semicolons_reads_the_same(
    exports_dir: Path, tmp_path: Path, name: str
) -> None:
    """Excel in a French or German locale saves CSV with semicolons: such a re-save was reported as
    'the CSV quoting is broken near line 3' (a review). The readers take the header's delimiter."""
    import csv

    with (exports_dir / name).open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    semi = tmp_path / name
    with semi.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out, delimiter=";").writerows(rows)
    comma, again = read_qualtrics(exports_dir / name), read_qualtrics(semi)
    assert again.names == comma.names and again.metadata["delimiter"] == ";"
    pd.testing.assert_frame_equal(again.data, comma.data)
