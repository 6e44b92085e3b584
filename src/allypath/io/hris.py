"""HRIS organisation files: who is in which unit, at which level, in which region.

A CSV or XLSX with one row per employee. The unit is either a path (``Sales/EMEA/North``) or a name
plus a ``parent_unit`` column naming the unit above it. Every row is checked and every problem is
reported in one error, so a person fixes the file once; nothing is returned unless the whole file is
valid. Every value is read as text (employee ids keep their leading zeros).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from allypath.errors import DataError
from allypath.io._text import decode_records, detect_encoding, first_line, read_bytes, sniff_delimiter
from allypath.io.xlsx import cell_text

__all__ = ["GENDER_VALUES", "HRIS_COLUMNS", "HrisTable", "read_hris"]

_REQUIRED = ("employee_id", "unit", "level", "region")
_OPTIONAL = ("parent_unit", "email", "language", "gender")
#: The columns an HRIS file may have (the first four are required).
HRIS_COLUMNS: tuple[str, ...] = _REQUIRED + _OPTIONAL
_ALIASES = {"parent": "parent_unit", "e_mail": "email", "employee": "employee_id", "sex": "gender"}
#: What an HRIS gender cell may say, and the word kept. The survey is for men (the research studied men's
#: journey to allyship), so a wave's default audience is the people recorded as men; the column is optional
#: and only ever used to choose whom to invite -- it never reaches a response or a figure.
GENDER_VALUES: dict[str, str] = {
    "man": "man",
    "male": "man",
    "m": "man",
    "homme": "man",
    "h": "man",
    "woman": "woman",
    "female": "woman",
    "f": "woman",
    "w": "woman",
    "femme": "woman",
    "another": "another",
    "other": "another",
    "non-binary": "another",
    "nonbinary": "another",
    "x": "another",
    "autre": "another",
    "undisclosed": "",
    "prefer not to say": "",
    "unknown": "",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_SHOWN_PROBLEMS = 200
_XLSX = {".xlsx", ".xlsm", ".xls", ".ods"}


@dataclass(frozen=True)
class HrisTable:
    """A validated organisation file.

    Parameters
    ----------
    employees : pandas.DataFrame
        ``employee_id, unit, level, region`` (+ ``email``, ``language``, ``gender`` when the file has
        them), all text; ``gender`` is ``man``, ``woman``, ``another`` or missing; ``unit`` is the
        full path (``Sales/EMEA/North``); blank level/region are missing.
    units : pandas.DataFrame
        Every unit of the hierarchy, parents first: ``unit`` (path), ``name``, ``parent`` (path,
        missing for a top-level unit), ``depth`` (0 at the top), ``employees`` (direct members).
    file : str
        Where it was read from.
    """

    employees: pd.DataFrame
    units: pd.DataFrame
    file: str


@dataclass(frozen=True)
class _Problem:
    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.message}"


def read_hris(path: str | os.PathLike[str]) -> HrisTable:
    """Read and validate an HRIS organisation file (CSV or XLSX).

    Parameters
    ----------
    path : path-like
        ``.csv`` (UTF-8, delimiter sniffed) or ``.xlsx``/``.xls``/``.ods`` (first sheet). Columns:
        ``employee_id``, ``unit``, ``level``, ``region``, optional ``parent_unit``, ``email``,
        ``language``, ``gender`` (man/male/m, woman/female/f, another/other/x, or blank); header
        case and spaces do not matter (``Employee ID`` works).

    Returns
    -------
    HrisTable

    Raises
    ------
    DataError
        One error listing every problem -- unknown or missing column, empty or duplicate employee
        id, empty unit or path segment, a unit with two parents, a cycle of parents, an invalid
        e-mail or language code -- each with its row and column.

    Examples
    --------
    >>> org = read_hris("org.csv")  # doctest: +SKIP
    >>> org.units[["unit", "depth"]]  # doctest: +SKIP
    """
    file = str(path)
    header, rows = _cells(path)
    problems: list[_Problem] = []
    columns = _check_header(header, problems)
    if any(name not in columns for name in _REQUIRED):
        _raise(problems, file)  # rows cannot be checked without their key columns
    records: list[dict[str, str]] = []
    seen_ids: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue  # blank lines left by spreadsheets
        if len(row) != len(header):
            problems.append(_Problem(number, None, f"has {len(row)} fields, the header {len(header)}"))
            continue
        record = {name: row[i].strip() for i, name in enumerate(columns) if name in HRIS_COLUMNS}
        _check_row(number, record, seen_ids, problems)
        records.append(record | {"_row": str(number)})
    if "parent_unit" in columns:
        _resolve_parents(records, problems)
    else:
        for record in records:
            record["unit"] = "/".join(part.strip() for part in record["unit"].split("/"))
    if problems:
        _raise(problems, file)
    return _table(records, columns, file)


def _cells(path: str | os.PathLike[str]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the file as text."""
    file = str(path)
    if Path(file).suffix.lower() in _XLSX:
        read_bytes(path)  # missing or 0-byte files get the common message
        try:
            workbook = CalamineWorkbook.from_path(file)
            cells = workbook.get_sheet_by_index(0).to_python(skip_empty_area=True)
        except CalamineError as exc:
            raise DataError(f"is not a readable workbook ({exc})", file=file) from None
        rows = [[cell_text(v) for v in row] for row in cells]
    else:
        raw = read_bytes(path)
        delimiter = sniff_delimiter(first_line(raw, detect_encoding(raw)))
        rows, _ = decode_records(raw, file=file, delimiter=delimiter)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DataError("has no header row", file=file, row=0)
    return rows[0], rows[1:]


def _normalise(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().casefold())
    return _ALIASES.get(key, key)


def _check_header(header: list[str], problems: list[_Problem]) -> list[str]:
    columns = [_normalise(h) for h in header]
    for position, (raw, name) in enumerate(zip(header, columns, strict=True)):
        if not name:
            problems.append(_Problem(0, f"#{position + 1}", "the column has no name"))
        elif name not in HRIS_COLUMNS:
            problems.append(
                _Problem(
                    0,
                    raw,
                    f"unknown column; an HRIS file has only {', '.join(HRIS_COLUMNS)} "
                    "(leave out anything else: it would be personal data with no use here)",
                )
            )
        elif name in columns[:position]:
            problems.append(_Problem(0, raw, "the column appears twice"))
    for name in _REQUIRED:
        if name not in columns:
            problems.append(_Problem(0, name, "the required column is missing"))
    return columns


# Longest value per column (the web app's database columns), and characters no value may hold: NUL and
# other control characters cannot be stored by PostgreSQL or shown sensibly anywhere.
_MAX_LENGTH = {
    "employee_id": 100,
    "unit": 500,
    "parent_unit": 500,
    "level": 100,
    "region": 100,
    "email": 254,
    "language": 16,
    "gender": 40,
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_row(
    number: int, record: dict[str, str], seen_ids: dict[str, int], problems: list[_Problem]
) -> None:
    for column, value in record.items():
        if _CONTROL.search(value):
            problems.append(_Problem(number, column, "the value contains control characters (e.g. NUL)"))
            return
        if len(value) > _MAX_LENGTH.get(column, 500):
            problems.append(
                _Problem(
                    number,
                    column,
                    f"the value is {len(value)} characters; the limit is {_MAX_LENGTH.get(column, 500)}",
                )
            )
            return
    employee = record["employee_id"]
    if not employee:
        problems.append(_Problem(number, "employee_id", "the employee id is empty"))
    elif employee in seen_ids:
        problems.append(
            _Problem(
                number,
                "employee_id",
                f"duplicate employee id {employee!r} (first on row {seen_ids[employee]})",
            )
        )
    else:
        seen_ids[employee] = number
    unit = record["unit"]
    if not unit:
        problems.append(_Problem(number, "unit", "the unit is empty"))
    elif "parent_unit" in record and "/" in unit:
        problems.append(_Problem(number, "unit", "give the unit as a path or with parent_unit, not both"))
    elif any(not part.strip() for part in unit.split("/")):
        problems.append(_Problem(number, "unit", f"the unit path {unit!r} has an empty part"))
    email = record.get("email", "")
    if email and not _EMAIL.match(email):
        problems.append(_Problem(number, "email", f"{email!r} is not an e-mail address"))
    language = record.get("language", "")
    if language and not _LANGUAGE.match(language):
        problems.append(
            _Problem(number, "language", f"{language!r} is not a language code such as en, fr-CA")
        )
    gender = record.get("gender", "")
    if gender:
        word = GENDER_VALUES.get(gender.casefold())
        if word is None:
            problems.append(
                _Problem(
                    number,
                    "gender",
                    f"{gender!r} is not a gender this file can hold: write man, woman, another, "
                    "or leave it blank",
                )
            )
        else:
            record["gender"] = word


def _resolve_parents(records: list[dict[str, str]], problems: list[_Problem]) -> None:
    """Turn unit names with parents into paths; report a unit with two parents or a cycle."""
    parent_of: dict[str, tuple[str, int]] = {}
    for record in records:
        unit, parent, row = record["unit"], record["parent_unit"], int(record["_row"])
        if not unit:
            continue
        if unit in parent_of and parent_of[unit][0] != parent:
            first_parent, first_row = parent_of[unit]
            problems.append(
                _Problem(
                    row,
                    "parent_unit",
                    f"unit {unit!r} has parent {parent or '(none)'!r} here but "
                    f"{first_parent or '(none)'!r} on row {first_row}",
                )
            )
            continue
        parent_of.setdefault(unit, (parent, row))
    paths: dict[str, str] = {}
    for record in records:
        unit = record["unit"]
        if not unit:
            continue
        chain = [unit]
        while parent_of.get(chain[-1], ("", 0))[0]:
            parent = parent_of[chain[-1]][0]
            if parent in chain:
                problems.append(
                    _Problem(
                        int(record["_row"]),
                        "parent_unit",
                        f"the parents of {unit!r} form a cycle: {' -> '.join([*chain, parent])}",
                    )
                )
                break
            chain.append(parent)
        else:
            paths[unit] = "/".join(reversed(chain))
        record["unit"] = paths.get(unit, unit)


def _table(records: list[dict[str, str]], columns: list[str], file: str) -> HrisTable:
    keep = [c for c in HRIS_COLUMNS if c in columns and c != "parent_unit"]
    employees = pd.DataFrame({c: [r[c] for r in records] for c in keep}, dtype="str")
    for name in keep:
        employees[name] = employees[name].mask(employees[name] == "")
    members = employees["unit"].value_counts().to_dict() if len(employees) else {}
    units: dict[str, tuple[str, str | None, int]] = {}
    for path in employees["unit"].dropna().tolist():
        parts = path.split("/")
        for depth in range(len(parts)):
            unit = "/".join(parts[: depth + 1])
            parent = "/".join(parts[:depth]) if depth else None
            units.setdefault(unit, (parts[depth], parent, depth))
    ordered = sorted(units.items(), key=lambda kv: (kv[1][2], kv[0]))
    unit_frame = pd.DataFrame(
        {
            "unit": pd.Series([u for u, _ in ordered], dtype="str"),
            "name": pd.Series([v[0] for _, v in ordered], dtype="str"),
            "parent": pd.Series([v[1] for _, v in ordered], dtype="str"),
            "depth": pd.Series([v[2] for _, v in ordered], dtype="int64"),
            "employees": pd.Series([int(members.get(u, 0)) for u, _ in ordered], dtype="int64"),
        }
    )
    return HrisTable(employees=employees, units=unit_frame, file=file)


def _raise(problems: list[_Problem], file: str) -> None:
    problems = sorted(problems, key=lambda p: p.row)
    if len(problems) == 1:
        only = problems[0]
        raise DataError(f"{only.message} (nothing was imported)", file=file, row=only.row, column=only.column)
    shown = "\n".join(f"  {p}" for p in problems[:_SHOWN_PROBLEMS])
    more = len(problems) - _SHOWN_PROBLEMS
    if more > 0:
        shown += f"\n  ... and {more} more"
    raise DataError(
        f"{len(problems)} problems in the organisation file; nothing was imported:\n{shown}",
        file=file,
    )
