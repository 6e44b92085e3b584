"""Mappings: the YAML format, and applying one to produce the wide response format."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from io_testkit import (
    FRENCH_EXPORT_COLUMNS,
    FRENCH_EXPORT_ROWS,
    build_instrument,
    write_qualtrics,
)

from allypath.errors import DataError
from allypath.io import (
    Mapping,
    apply_mapping,
    load_mapping,
    read_any,
    read_qualtrics,
    save_mapping,
    value_key,
)

FRENCH_MAPPING = """
respondent_id: ResponseId
attributes:
  unit: Department
missing: ["Ne sais pas"]
required: [ap01, ap02]
items:
  ap01:
    column: Q1
    values:
      "Pas du tout d'accord": 1
      "Pas d'accord": 2
      "Ni d'accord ni pas d'accord": 3
      "D'accord": 4
      "Tout à fait d'accord": 5
  ap02: Q2
  sp1: {column: Q5}
  kc:
    columns: {parental_leave: Q3_1, flexible_work: Q3_2, pay_gap: Q3_3}
  ot1: {type: text, column: Q4}
"""


@pytest.fixture
def french_export(tmp_path: Path) -> Path:
    return write_qualtrics(tmp_path / "export.csv", FRENCH_EXPORT_COLUMNS, FRENCH_EXPORT_ROWS)


def test_value_keys_compare_numbers_by_value_and_text_loosely() -> None:
    assert value_key(1) == value_key(1.0) == value_key("1") == value_key(" 1.0 ") == "1"
    assert value_key("Strongly  Agree") == value_key("strongly agree")
    assert value_key(2.5) == "2.5"
    assert value_key(None) == value_key(float("nan")) == ""


def test_apply_mapping_to_a_french_choice_text_export(french_export: Path) -> None:
    source = read_qualtrics(french_export)
    wide = apply_mapping(source, Mapping.from_yaml(FRENCH_MAPPING), build_instrument())
    assert list(wide.columns) == [
        "respondent_id", "unit", "ap01", "ap02", "sp1",
        "kc_parental_leave", "kc_flexible_work", "kc_pay_gap", "ot1",
    ]  # fmt: skip
    assert wide["respondent_id"].tolist() == ["R_1", "R_2", "R_3", "R_4"]
    assert wide["ap01"].tolist()[:2] == [4, 1]
    assert pd.isna(wide["ap01"].iloc[2])  # "Ne sais pas" is missing
    assert wide["ap01"].iloc[3] == 5  # case-insensitive label match
    assert str(wide["ap01"].dtype) == str(wide["ap02"].dtype) == "Int64"
    assert wide["ap02"].tolist()[:2] == [2, 5]
    assert wide["kc_parental_leave"].tolist()[:2] == [1, 0]
    assert wide["kc_flexible_work"].tolist()[:2] == [0, 1]
    assert wide["kc_pay_gap"].tolist()[:2] == [1, 0]
    assert wide["kc_pay_gap"].isna().tolist()[2:] == [True, True]  # nothing ticked: not answered
    assert wide["ot1"].tolist()[0] == "Plus de temps"
    assert "RecipientEmail" not in wide.columns  # personal data is not carried by default


def test_keep_unmapped_carries_the_other_columns(french_export: Path) -> None:
    mapping = Mapping.from_yaml(FRENCH_MAPPING + "keep_unmapped: true\n")
    wide = apply_mapping(read_any(french_export), mapping)
    assert list(wide.columns[-2:]) == ["StartDate", "RecipientEmail"]
    assert wide["RecipientEmail"].iloc[0] == "a@example.org"


def test_value_outside_the_mapping_names_file_row_column_and_value(tmp_path: Path) -> None:
    rows = [list(r) for r in FRENCH_EXPORT_ROWS]
    rows[2][4] = "Plutôt d'accord"
    rows[3][4] = "Plutôt d'accord"
    path = write_qualtrics(tmp_path / "export.csv", FRENCH_EXPORT_COLUMNS, rows)
    with pytest.raises(DataError) as error:
        apply_mapping(read_qualtrics(path), Mapping.from_yaml(FRENCH_MAPPING))
    err = error.value
    assert (err.file, err.row, err.column) == (str(path), 3, "Q1")
    assert "Plutôt d'accord" in str(err)
    assert "item 'ap01'" in str(err)
    assert "2 cell(s)" in str(err)


def test_value_outside_the_scale(french_export: Path, tmp_path: Path) -> None:
    rows = [list(r) for r in FRENCH_EXPORT_ROWS]
    rows[1][5] = "7"
    path = write_qualtrics(tmp_path / "export.csv", FRENCH_EXPORT_COLUMNS, rows)
    with pytest.raises(DataError) as error:
        apply_mapping(read_qualtrics(path), Mapping.from_yaml(FRENCH_MAPPING), build_instrument())
    assert (error.value.row, error.value.column) == (2, "Q2")
    assert "7" in str(error.value)
    assert "outside its scale 1..5" in str(error.value)


def test_unmapped_required_item_is_refused(french_export: Path) -> None:
    mapping = Mapping.from_yaml(FRENCH_MAPPING.replace("[ap01, ap02]", "[ap01, en01]"))
    with pytest.raises(DataError) as error:
        apply_mapping(read_qualtrics(french_export), mapping)
    assert error.value.column == "en01"
    assert error.value.file == str(french_export)
    assert "required item 'en01' is not mapped" in str(error.value)


def test_mapping_naming_a_missing_column_is_refused(french_export: Path) -> None:
    mapping = Mapping.from_yaml(FRENCH_MAPPING.replace("ap02: Q2", "ap02: Q22"))
    with pytest.raises(DataError) as error:
        apply_mapping(read_qualtrics(french_export), mapping)
    assert (error.value.row, error.value.column) == (0, "Q22")


def test_spss_codes_are_mapped_through_their_value_labels(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "id": [101.0, 102.0, 103.0],
            "v1": [5.0, 9.0, 1.0],
            "pl": [1.0, 0.0, 1.0],
            "fw": [0.0, 0.0, 1.0],
        }
    )
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={"v1": {1.0: "Strongly disagree", 5.0: "Strongly agree", 9.0: "Don't know"}},
    )
    mapping = Mapping.from_dict(
        {
            "respondent_id": "id",
            "missing": ["Don't know"],
            "items": {
                "ap01": {"column": "v1", "values": {"Strongly disagree": 1, "Strongly agree": 5}},
                "kc": {"columns": {"parental_leave": "pl", "flexible_work": "fw"}, "checked": [1]},
            },
        }
    )
    wide = apply_mapping(read_any(path), mapping, build_instrument())
    assert wide["respondent_id"].tolist() == ["101", "102", "103"]  # ids without ".0"
    assert wide["ap01"].iloc[0] == 5
    assert pd.isna(wide["ap01"].iloc[1])
    assert wide["ap01"].iloc[2] == 1
    assert wide["kc_parental_leave"].tolist() == [1, 0, 1]
    assert wide["kc_flexible_work"].tolist() == [0, 0, 1]
    assert wide["kc_pay_gap"].isna().all()  # an instrument option the mapping does not cover


def test_google_forms_joined_checklist(tmp_path: Path) -> None:
    path = tmp_path / "forms.csv"
    path.write_text(
        "Timestamp,Policies\n"
        '2024/03/01,"Parental leave policy, Flexible work, paid or unpaid"\n'
        "2024/03/02,\n"
        "2024/03/03,Gender pay gap report\n",
        encoding="utf-8",
    )
    mapping = Mapping.from_yaml(
        """
items:
  kc:
    type: checklist
    column: Policies
    values:
      Parental leave policy: parental_leave
      "Flexible work, paid or unpaid": flexible_work
      Gender pay gap report: pay_gap
"""
    )
    wide = apply_mapping(read_any(path), mapping, build_instrument())
    assert wide["kc_parental_leave"].tolist()[::2] == [1, 0]
    assert wide["kc_flexible_work"].tolist()[::2] == [1, 0]
    assert wide["kc_pay_gap"].tolist()[::2] == [0, 1]
    assert wide.iloc[1].isna().all()
    bad = tmp_path / "bad.csv"
    bad.write_text("Timestamp,Policies\n2024/03/01,Free lunch\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        apply_mapping(read_any(bad), mapping)
    assert (error.value.row, error.value.column) == (1, "Policies")
    assert "Free lunch" in str(error.value)


def test_yaml_round_trip_and_file_io(tmp_path: Path) -> None:
    mapping = Mapping.from_yaml(FRENCH_MAPPING)
    assert Mapping.from_yaml(mapping.to_yaml()) == mapping
    path = save_mapping(mapping, tmp_path / "mapping.yaml")
    loaded = load_mapping(path)
    assert loaded == mapping
    assert loaded.file == str(path)
    assert loaded.item("kc").columns["pay_gap"] == "Q3_3"
    assert loaded.item("ot1").kind == "text"
    assert loaded.item("nope") is None


def test_yaml_keeps_yes_and_no_as_text() -> None:
    mapping = Mapping.from_yaml("items:\n  ap01: {column: Q1, values: {Yes: 5, No: 1}}\n")
    assert mapping.item("ap01").values == {"Yes": 5, "No": 1}


def test_bad_mapping_files_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"unknown key.*'colum'"):
        Mapping.from_yaml("items:\n  ap01: {colum: Q1}\n")
    with pytest.raises(DataError, match="'column' names no source column"):
        Mapping.from_yaml("items:\n  ap01: {values: {a: 1}}\n")
    with pytest.raises(DataError, match="not a number"):
        Mapping.from_yaml("items:\n  ap01: {column: Q1, values: {a: high}}\n")
    path = tmp_path / "broken.yaml"
    path.write_text("items:\n  ap01: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_mapping(path)
    assert error.value.file == str(path)
    assert error.value.row == 3
    with pytest.raises(DataError, match="no such mapping file"):
        load_mapping(tmp_path / "missing.yaml")


@pytest.mark.parametrize("value", ["no", "'false'", "0", "yes"])
def test_a_yes_no_setting_takes_true_or_false_only(value: str) -> None:
    """``keep_unmapped: no`` stays text (answer labels do), and text read as a flag was true: the
    import copied names, e-mail and IP addresses into the responses (a review found it)."""
    with pytest.raises(DataError, match=r"'keep_unmapped' must be true or false"):
        Mapping.from_yaml(f"keep_unmapped: {value}\nitems:\n  ap01: Q1\n")
    with pytest.raises(DataError, match=r"'ap01.split' must be true or false"):
        Mapping.from_yaml(f"items:\n  ap01: {{column: Q1, split: {value}, values: {{a: 1}}}}\n")
    assert Mapping.from_yaml("keep_unmapped: false\nitems:\n  ap01: Q1\n").keep_unmapped is False
    assert Mapping.from_yaml("keep_unmapped: true\nitems:\n  ap01: Q1\n").keep_unmapped is True


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        (
            "items:\n  ap01:\n    column: Q1\n    values:\n      Disagree: 2\n      Disagree: 4\n",
            6,
            "'Disagree'",
        ),
        ("items:\n  ap01:\n    column: Q1\n    values: {1: 1, 1.0: 5}\n", 4, "1.0"),
        ("respondent_id: ResponseId\nrespondent_id: RecipientEmail\nitems: {}\n", 2, "'respondent_id'"),
    ],
)
def test_a_key_given_twice_is_refused_with_its_line(text: str, line: int, key: str) -> None:
    """PyYAML keeps the last of two equal keys: every 'Disagree' became 4, every 1 became 5, the
    e-mail addresses became the respondent ids, all with exit 0."""
    with pytest.raises(DataError, match=rf"the key {re.escape(key)} is given twice") as error:
        Mapping.from_yaml(text, file="m.yaml")
    assert (error.value.file, error.value.row) == ("m.yaml", line)


def test_review_aids_and_values_that_crashed_are_refused_in_words() -> None:
    with pytest.raises(DataError, match=r"'confidence' must be a number from 0 to 1 \(got 'reviewed'\)"):
        Mapping.from_yaml("items:\n  ap01: {column: Q1, confidence: reviewed}\n")
    with pytest.raises(DataError, match="maps to inf, not a scale value"):
        Mapping.from_yaml("items:\n  ap01: {column: Q1, values: {Agree: .inf}}\n")
    with pytest.raises(DataError, match="nested too deeply"):
        Mapping.from_yaml("items: " + "[" * 3000 + "]" * 3000 + "\n")


def test_apply_mapping_accepts_a_path(french_export: Path, tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(FRENCH_MAPPING, encoding="utf-8")
    wide = apply_mapping(read_any(french_export), path)
    assert wide["ap01"].iloc[0] == 4
