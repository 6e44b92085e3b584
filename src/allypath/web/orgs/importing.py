"""Import an organisation's people from an HRIS file, all or nothing."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.db import transaction

from allypath.errors import DataError
from allypath.io import read_hris
from allypath.web.orgs.models import Employee, Organisation, Unit
from allypath.web.uploads import check_upload

__all__ = ["ImportSummary", "import_hris", "import_hris_upload"]

_SUFFIXES = {".csv", ".txt", ".xlsx", ".xls", ".ods"}


@dataclass(frozen=True)
class ImportSummary:
    units_added: int
    employees_added: int
    employees_updated: int
    employees_deactivated: int


def _text(value: object) -> str:
    return (
        "" if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA else str(value)
    )


def import_hris(org: Organisation, path: str | os.PathLike[str]) -> ImportSummary:
    """Read ``path`` with :func:`allypath.io.read_hris` and make the org's population match it.

    The file is checked whole first (a :class:`DataError` lists every bad row and nothing changes);
    then units are added, people added or updated, and people missing from the file are deactivated
    (kept, since past invitations refer to them).
    """
    table = read_hris(path)
    if table.employees.empty:
        # read as "everyone has left", a header-only file switched off the whole organisation
        raise DataError(
            "the file lists no one: importing it would mark everyone in the organisation as gone;"
            " upload the full list of employees",
            file=str(path),
        )
    with transaction.atomic():
        # One import of an organisation at a time: its row is locked before its units and people are
        # read, so a second upload (the same file sent twice) waits for the first and then finds its
        # units and people instead of adding them again against the unique keys. SQLite's transaction
        # holds the one write lock from its start.
        list(Organisation.objects.select_for_update().filter(pk=org.pk).values_list("pk", flat=True))
        units = {u.path: u for u in Unit.objects.filter(org=org)}
        added_units = 0
        for row in table.units.to_dict("records"):  # parents come first
            path, parent_path = _text(row["unit"]), _text(row["parent"])
            if path in units:
                continue
            units[path] = Unit.objects.create(
                org=org,
                path=path,
                name=_text(row["name"]),
                parent=units[parent_path] if parent_path else None,
                depth=int(str(row["depth"])),
            )
            added_units += 1
        existing = {e.employee_id: e for e in Employee.objects.filter(org=org)}
        seen: set[str] = set()
        new: list[Employee] = []
        changed: list[Employee] = []
        fields = ("unit", "level", "region", "email", "language", "gender", "active")
        for record in table.employees.to_dict("records"):
            employee_id = _text(record["employee_id"])
            seen.add(employee_id)
            values = {
                "unit": units[_text(record["unit"])],
                "level": _text(record.get("level")),
                "region": _text(record.get("region")),
                "email": _text(record.get("email")),
                "language": _text(record.get("language")),
                "gender": _text(record.get("gender")),
                "active": True,
            }
            person = existing.get(employee_id)
            if person is None:
                new.append(Employee(org=org, employee_id=employee_id, **values))
            elif any(getattr(person, f) != values[f] for f in fields):
                for name, value in values.items():
                    setattr(person, name, value)
                changed.append(person)
        Employee.objects.bulk_create(new, batch_size=1000)
        Employee.objects.bulk_update(changed, fields, batch_size=1000)
        gone = Employee.objects.filter(org=org, active=True).exclude(employee_id__in=seen)
        deactivated = gone.update(active=False)
    return ImportSummary(added_units, len(new), len(changed), deactivated)


def import_hris_upload(org: Organisation, name: str, chunks: Iterable[bytes]) -> ImportSummary:
    """Import an uploaded file: kept on disk only for the time of the check, then removed."""
    suffix = Path(name).suffix.lower()
    if suffix not in _SUFFIXES:
        raise DataError(f"unsupported file type {suffix or '(none)'}; upload a .csv or .xlsx file", file=name)
    handle, tmp = tempfile.mkstemp(suffix=suffix, prefix="hris-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        try:
            check_upload(tmp, name)  # before any parser: a small workbook can unpack to gigabytes
            return import_hris(org, tmp)
        except DataError as exc:
            # Name the file as the user knows it, not the temporary path.
            raise DataError(exc.message, file=name, row=exc.row, column=exc.column) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
