"""LimeSurvey and Google Forms exports (no public fixture: realistic files written from the notes)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from allypath.io import detect_format, read_any, read_google_forms, read_limesurvey, split_choices

LONG_TEXT = (
    "Thinking about the last three months at work,\tplease say how strongly you agree with "
    "the following statement. There are no right or wrong answers; we are interested in your "
    "own view.\tGender equity at work is mostly a matter for women."
)


def write_limesurvey(path: Path) -> Path:
    """A LimeSurvey 'Export results' file: ; separated, fully quoted, BOM, CRLF, code. text."""
    headings = [
        "id. Response ID",
        "submitdate. Date submitted",
        "lastpage. Last page",
        "startlanguage. Start language",
        "seed. Seed",
        f"G01Q01. {LONG_TEXT}",
        "G01Q02[SQ001]. Which of these policies does your company have? [Parental leave policy]",
        "G01Q02[SQ002]. Which of these policies does your company have? [Flexible work, paid or unpaid]",
        "G01Q02[SQ003]. Which of these policies does your company have? [Gender pay gap report]",
        "G01Q02[other]. Which of these policies does your company have? [Other]",
        "G01Q03. What would help you take part in allyship?",
    ]
    rows = [
        ["1", "2024-03-01 10:22:13", "3", "en", "1502", "A4", "Y", "", "Y", "", "More time;\nand a mentor"],
        ["2", "", "2", "fr", "0042", "A2", "", "", "", "Crèche", ""],
        ["3", "2024-03-02 08:00:00", "3", "en", "77", "", "", "Y", "", "", 'He said "no"'],
    ]  # fmt: skip

    def line(cells: list[str]) -> str:
        return ";".join('"' + c.replace('"', '""') + '"' for c in cells) + "\r\n"

    text = line(headings) + "".join(line(r) for r in rows)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def test_limesurvey_headings_codes_and_labels(tmp_path: Path) -> None:
    path = write_limesurvey(tmp_path / "results-survey123456.csv")
    assert detect_format(path) == "limesurvey"
    table = read_limesurvey(path)
    assert table.format == "limesurvey"
    assert len(table) == 3
    assert table.names == (
        "id", "submitdate", "lastpage", "startlanguage", "seed", "G01Q01", "G01Q02[SQ001]",
        "G01Q02[SQ002]", "G01Q02[SQ003]", "G01Q02[other]", "G01Q03",
    )  # fmt: skip
    assert table.metadata["delimiter"] == ";"
    assert table.metadata["encoding"] == "utf-8-sig"
    q1 = table.column("G01Q01")
    assert "\t" not in q1.label
    assert q1.label.endswith("mostly a matter for women.")
    assert table.metadata["headings"]["G01Q01"] == f"G01Q01. {LONG_TEXT}"
    sq2 = table.column("G01Q02[SQ002]")
    assert sq2.group == "G01Q02"
    assert sq2.option == "Flexible work, paid or unpaid"
    assert sq2.label == "Which of these policies does your company have?"
    assert [c.name for c in table.groups()["G01Q02"]][-1] == "G01Q02[other]"


def test_limesurvey_values_types_and_tick_marks(tmp_path: Path) -> None:
    table = read_limesurvey(write_limesurvey(tmp_path / "results.csv"))
    types = {c.name: c.type for c in table.columns}
    assert types["id"] == types["lastpage"] == "integer"
    assert types["submitdate"] == "datetime"
    assert types["seed"] == "string"  # an identifier, kept as text ("0042")
    assert types["G01Q02[SQ001]"] == "integer"  # Y/empty became 1/0
    assert types["G01Q02[other]"] == types["G01Q03"] == types["G01Q01"] == "string"
    data = table.data
    assert data["G01Q02[SQ001]"].tolist() == [1, 0, 0]
    assert data["G01Q02[SQ002]"].tolist() == [0, 0, 1]
    assert data["G01Q02[SQ003]"].tolist() == [1, 0, 0]
    assert data["G01Q02[other]"].iloc[1] == "Crèche"
    assert data["G01Q03"].iloc[0] == "More time;\nand a mentor"  # embedded newline and ;
    assert data["G01Q03"].iloc[2] == 'He said "no"'
    assert pd.isna(data["G01Q03"].iloc[1])
    assert pd.isna(data["submitdate"].iloc[1])
    assert data["seed"].tolist() == ["1502", "0042", "77"]
    assert data["G01Q01"].tolist()[:2] == ["A4", "A2"]


def test_google_forms_titles_and_joined_checkboxes(tmp_path: Path) -> None:
    path = tmp_path / "Allyship survey (Responses) - Form responses 1.csv"
    path.write_text(
        "Timestamp,Which of these policies does your company have?,Your team,Your team\n"
        '2024/03/01 10:22:13 AM GMT+1,"Parental leave policy, Flexible work, paid or unpaid",'
        "Sales,EMEA\n"
        "2024/03/01 11:00:00 AM GMT+1,,R&D,US\n",
        encoding="utf-8",
    )
    assert detect_format(path) == "google_forms"
    table = read_any(path)
    assert table.format == "google_forms"
    assert len(table) == 2
    assert table.names == (
        "Timestamp",
        "Which of these policies does your company have?",
        "Your team",
        "Your team (2)",
    )
    assert table.column("Your team (2)").label == "Your team"
    cell = table.data.iloc[0, 1]
    options = ["Flexible work, paid or unpaid", "Parental leave policy", "Gender pay gap report"]
    assert split_choices(cell, options) == ["Parental leave policy", "Flexible work, paid or unpaid"]
    assert split_choices("Parental leave policy; Gender pay gap report", options) == [
        "Parental leave policy",
        "Gender pay gap report",
    ]
    assert split_choices("Parental leave policy, Something else", options) is None
    assert read_google_forms(path).names == table.names


def test_surveymonkey_rows_and_a_tick_or_blank_checklist(tmp_path: Path) -> None:
    from io_testkit import build_instrument

    from allypath.io import Mapping, apply_mapping, read_surveymonkey

    path = tmp_path / "sm.csv"
    path.write_bytes(
        b"Respondent ID,Collector ID,Which policies does your company have?,,,Your view\r\n"
        b",,Parental leave policy,Gender pay gap report,Other (please specify),Response\r\n"
        b"114000001,4000,Parental leave policy,,,Agree\r\n"
        b"114000002,4000,,,,Strongly agree\r\n"
        b"114000003,4000,,Gender pay gap report,Creche,\r\n"
    )
    table = read_surveymonkey(path)
    assert table.names[2:] == (
        "Which policies does your company have? - Parental leave policy",
        "Which policies does your company have? - Gender pay gap report",
        "Which policies does your company have? - Other (please specify)",
        "Your view",
    )
    assert table.data["Respondent ID"].tolist() == ["114000001", "114000002", "114000003"]
    group = "Which policies does your company have?"
    mapping = Mapping.from_dict(
        {
            "respondent_id": "Respondent ID",
            "items": {
                "kc": {
                    "columns": {
                        "parental_leave": f"{group} - Parental leave policy",
                        "pay_gap": f"{group} - Gender pay gap report",
                    }
                },
                "ap01": {
                    "column": "Your view",
                    "values": {"Strongly disagree": 1, "Agree": 4, "Strongly agree": 5},
                },
            },
        }
    )
    wide = apply_mapping(table, mapping, build_instrument())
    assert wide["kc_parental_leave"].tolist()[::2] == [1, 0]  # blank beside a tick: not ticked
    assert wide["kc_pay_gap"].tolist()[::2] == [0, 1]
    assert wide.loc[1, ["kc_parental_leave", "kc_pay_gap"]].isna().all()  # nothing ticked
    assert wide["ap01"].tolist()[:2] == [4, 5]


def test_a_comma_export_whose_titles_hold_semicolons_is_read_with_commas(tmp_path: Path) -> None:
    """French titles put spaces around semicolons; read from the header alone they outnumbered the
    commas, and the export was read as semicolon-separated (a review). The delimiter that splits
    the first records evenly is taken."""
    from allypath.io.googleforms import read_google_forms

    path = tmp_path / "form.csv"
    path.write_text(
        "Timestamp,Je me sens à l'aise ; je parle ; librement,Mon équipe m'écoute ; parfois ; souvent\n"
        "2024/01/01 10:00:00,4,5\n2024/01/01 10:05:00,2,3\n",
        encoding="utf-8",
    )
    table = read_google_forms(path)
    assert table.metadata["delimiter"] == "," and len(table.names) == 3
    semi = tmp_path / "semi.csv"
    semi.write_text(
        path.read_text(encoding="utf-8").replace(",", ";").replace(" ; ", " / "), encoding="utf-8"
    )
    assert read_google_forms(semi).metadata["delimiter"] == ";"


def test_limesurvey_a_skipped_multiple_choice_question_is_missing_not_none_ticked(
    tmp_path: Path,
) -> None:
    """LimeSurvey writes ``Y`` for a ticked option and nothing otherwise, so a row with every
    option of the question blank did not answer it. The reader turned every blank into 0, and the
    row came out "answered, ticked none" (a review: 9 rows of a 40-row export). As for SurveyMonkey
    and Qualtrics (docs/import-mapping.md), such a row is missing for every option, while a row
    with some option ticked, or text in the question's ``[other]``, keeps 0 for the rest."""
    from allypath.io import Mapping, apply_mapping

    path = tmp_path / "results.csv"
    heads = [
        "id. Response ID",
        "KC[SQ001]. Policies? [Parental leave]",
        "KC[SQ002]. Policies? [Flexible work]",
        "KC[other]. Policies? [Other]",
        "AP1. A view",
    ]
    rows = [["1", "Y", "", "", "Agree"], ["2", "", "", "", "Agree"],
            ["3", "", "", "Creche", "Agree"], ["4", "", "Y", "", ""]]  # fmt: skip
    text = "".join(";".join(f'"{c}"' for c in r) + "\r\n" for r in [heads, *rows])
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    table = read_limesurvey(path)
    assert table.column("KC[SQ001]").type == "integer"
    sq1, sq2 = table.data["KC[SQ001]"], table.data["KC[SQ002]"]
    assert sq1.tolist()[::2] == [1, 0] and sq2.tolist()[::2] == [0, 0]
    assert pd.isna(sq1.iloc[1]) and pd.isna(sq2.iloc[1])  # row 2 skipped the question
    assert sq1.iloc[3] == 0 and sq2.iloc[3] == 1
    mapping = Mapping.from_dict(
        {
            "respondent_id": "id",
            "items": {"kc": {"type": "checklist",
                             "columns": {"parental_leave": "KC[SQ001]", "flexible_work": "KC[SQ002]"}}},
        }
    )  # fmt: skip
    wide = apply_mapping(table, mapping)
    assert wide["kc_parental_leave"].tolist()[::2] == [1, 0]
    assert wide["kc_flexible_work"].tolist()[::2] == [0, 0]
    assert wide.loc[1, ["kc_parental_leave", "kc_flexible_work"]].isna().all()
    assert wide.loc[3, ["kc_parental_leave", "kc_flexible_work"]].tolist() == [0, 1]
