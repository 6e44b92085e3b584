"""HRIS organisation files: paths or parents, and one error listing every bad row."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from allypath.errors import DataError
from allypath.io import read_hris


def test_unit_paths_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_text(
        "Employee ID,Unit,Level,Region,Email,Language\n"
        "00017,Sales/EMEA/North,manager,EMEA,a@example.org,fr-CA\n"
        "00018,Sales / EMEA,staff,EMEA,,en\n"
        "00019,R&D,staff,,,\n",
        encoding="utf-8",
    )
    org = read_hris(path)
    employees = org.employees
    assert list(employees.columns) == ["employee_id", "unit", "level", "region", "email", "language"]
    assert employees["employee_id"].tolist() == ["00017", "00018", "00019"]
    assert employees["unit"].tolist() == ["Sales/EMEA/North", "Sales/EMEA", "R&D"]
    assert employees["region"].isna().tolist() == [False, False, True]
    units = org.units
    assert units["unit"].tolist() == ["R&D", "Sales", "Sales/EMEA", "Sales/EMEA/North"]
    assert units.set_index("unit")["parent"].isna().to_dict() == {
        "R&D": True,
        "Sales": True,
        "Sales/EMEA": False,
        "Sales/EMEA/North": False,
    }
    assert units.set_index("unit").loc["Sales/EMEA/North", "parent"] == "Sales/EMEA"
    assert units.set_index("unit")["depth"].to_dict()["Sales/EMEA/North"] == 2
    assert units.set_index("unit")["employees"].to_dict() == {
        "R&D": 1,
        "Sales": 0,
        "Sales/EMEA": 1,
        "Sales/EMEA/North": 1,
    }


def test_unit_and_parent_columns_from_xlsx(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["employee_id", "unit", "parent_unit", "level", "region"])
    sheet.append([101, "North", "EMEA", "staff", "EMEA"])
    sheet.append([102, "EMEA", "Sales", "manager", "EMEA"])
    sheet.append([103, "Sales", None, "director", "Global"])
    sheet.append([None, None, None, None, None])  # a blank row left in the sheet
    path = tmp_path / "org.xlsx"
    workbook.save(path)
    org = read_hris(path)
    assert org.employees["employee_id"].tolist() == ["101", "102", "103"]
    assert org.employees["unit"].tolist() == ["Sales/EMEA/North", "Sales/EMEA", "Sales"]
    assert "parent_unit" not in org.employees.columns
    assert org.units["unit"].tolist() == ["Sales", "Sales/EMEA", "Sales/EMEA/North"]


def test_every_bad_row_is_listed_in_one_error(tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_text(
        "employee_id,unit,level,region,salary\n"
        "E1,Sales,staff,EMEA,50000\n"
        "E2,,staff,EMEA,1\n"
        "E1,R&D,staff,US,2\n"
        ",R&D,staff,US,3\n"
        "E5,Sales//North,staff,US,4\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as error:
        read_hris(path)
    message = str(error.value)
    assert error.value.file == str(path)
    assert message.startswith(f"file {path}: 5 problems in the organisation file; nothing")
    assert "row 0, column 'salary': unknown column" in message
    assert "row 2, column 'unit': the unit is empty" in message
    assert "row 3, column 'employee_id': duplicate employee id 'E1' (first on row 1)" in message
    assert "row 4, column 'employee_id': the employee id is empty" in message
    assert "row 5, column 'unit': the unit path 'Sales//North' has an empty part" in message


def test_parent_conflicts_and_cycles(tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_text(
        "employee_id,unit,parent_unit,level,region\n"
        "1,North,EMEA,staff,EU\n"
        "2,North,Sales,staff,EU\n"
        "3,A,B,staff,EU\n"
        "4,B,A,staff,EU\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as error:
        read_hris(path)
    message = str(error.value)
    assert "row 2, column 'parent_unit': unit 'North' has parent 'Sales' here but 'EMEA'" in message
    assert "the parents of 'A' form a cycle: A -> B -> A" in message


def test_a_single_problem_sets_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_text("employee_id,unit,level,region,language\nE1,Sales,staff,EU,english\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_hris(path)
    assert (error.value.row, error.value.column) == (1, "language")
    assert "nothing was imported" in str(error.value)


def test_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_text("employee_id,unit,level\nE1,Sales,staff\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_hris(path)
    assert (error.value.row, error.value.column) == (0, "region")
