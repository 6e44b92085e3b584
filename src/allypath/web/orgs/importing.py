"""Import an organisation's people from an HRIS file, all or nothing."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import transaction

from allypath.errors import DataError
from allypath.io import read_hris
from allypath.web.config import STAGED_UPLOADS, UPLOAD_MAX_AGE, sweep_uploads
from allypath.web.orgs.models import Employee, Organisation, Unit
from allypath.web.uploads import check_upload

__all__ = [
    "ConfirmationNeeded",
    "ImportSummary",
    "ImportUnderWay",
    "PendingImport",
    "confirm_hris_upload",
    "discard_hris_upload",
    "import_hris",
    "import_hris_upload",
]

_SUFFIXES = {".csv", ".txt", ".xlsx", ".xls", ".ods"}
_VALUES = ("level", "region", "email", "language", "gender")
_FIELDS = ("unit", *_VALUES, "active")


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


class ConfirmationNeeded(Exception):  # noqa: N818 - a question for the user, not a fault
    """The import would mark people as no longer in the organisation and was not made: nothing was
    written. ``pending`` is the stored upload to confirm (:func:`confirm_hris_upload`)."""

    def __init__(self, summary: ImportSummary, pending: PendingImport | None = None) -> None:
        super().__init__(f"the import would mark {summary.employees_deactivated} people as gone")
        self.summary = summary
        self.pending = pending


class ImportUnderWay(Exception):  # noqa: N818 - news for the user, not a fault
    """The kept upload is being imported by an earlier click: this one does nothing."""


#: An import's marker older than this belongs to a process that died: a new click takes the file over.
STALE_IMPORT_SECONDS = 600


@dataclass(frozen=True)
class PendingImport:
    """An uploaded people file kept, until it is confirmed, cancelled or a day old, to be imported."""

    key: str
    name: str
    summary: ImportSummary


def import_hris(
    org: Organisation, path: str | os.PathLike[str], *, marks_gone: int | None = None
) -> ImportSummary:
    """Read ``path`` with :func:`allypath.io.read_hris` and make the org's population match it.

    The file is checked whole first (a :class:`DataError` lists every bad row and nothing changes);
    then units are added, people added or updated, and people missing from the file are deactivated
    (kept, since past invitations refer to them). With ``marks_gone``, the import is made only if it
    deactivates exactly that many people (0: nobody; else the number a person confirmed), counted under
    the organisation's lock; otherwise :class:`ConfirmationNeeded` carries the counts and nothing changes.
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
        list(
            Organisation.objects.select_for_update(no_key=True).filter(pk=org.pk).values_list("pk", flat=True)
        )
        units = {u.path: u for u in Unit.objects.filter(org=org)}
        new_units = [row for row in table.units.to_dict("records") if _text(row["unit"]) not in units]
        existing = {e.employee_id: e for e in Employee.objects.filter(org=org)}
        records = table.employees.to_dict("records")
        seen = {_text(record["employee_id"]) for record in records}
        gone = [e.pk for e in existing.values() if e.active and e.employee_id not in seen]
        new: list[tuple[str, str, dict[str, object]]] = []
        changed: list[tuple[Employee, str, dict[str, object]]] = []
        for record in records:
            employee_id, path = _text(record["employee_id"]), _text(record["unit"])
            values: dict[str, object] = {name: _text(record.get(name)) for name in _VALUES} | {"active": True}
            person = existing.get(employee_id)
            if person is None:
                new.append((employee_id, path, values))
            elif (
                path not in units
                or person.unit_id != units[path].pk
                or any(getattr(person, name) != value for name, value in values.items())
            ):
                changed.append((person, path, values))
        summary = ImportSummary(len(new_units), len(new), len(changed), len(gone))
        if marks_gone is not None and len(gone) != marks_gone:
            raise ConfirmationNeeded(summary)
        for row in new_units:  # parents come first
            unit_path, parent_path = _text(row["unit"]), _text(row["parent"])
            units[unit_path] = Unit.objects.create(
                org=org,
                path=unit_path,
                name=_text(row["name"]),
                parent=units[parent_path] if parent_path else None,
                depth=int(str(row["depth"])),
            )
        for person, path, values in changed:
            person.unit = units[path]
            for name, value in values.items():
                setattr(person, name, value)
        Employee.objects.bulk_create(
            [Employee(org=org, employee_id=i, unit=units[path], **values) for i, path, values in new],
            batch_size=1000,
        )
        Employee.objects.bulk_update([p for p, _, _ in changed], _FIELDS, batch_size=1000)
        for start in range(0, len(gone), 1000):
            Employee.objects.filter(pk__in=gone[start : start + 1000]).update(active=False)
    return summary


# -- uploads from the console ------------------------------------------------------------------------
# A file that would mark people as gone is kept until its importer confirms it, in a private folder
# ``<ALLYPATH_DATA_DIR>/imports/people-<key>/`` (mode 700, the file 600, never under the static root;
# ``key`` is 128 random bits): the file, and ``pending.json`` (organisation, uploader, the file's name
# and the counts shown). It belongs to one organisation and one uploader, and is removed once imported,
# cancelled or refused, or unused for a day (the sweep of every staged upload).

_PREFIX = "people-"
_KEY = re.compile(r"^[0-9a-f]{32}$")
_GONE_AWAY = (
    "This upload is no longer waiting to be imported (it was imported or cancelled, or is more than a day"
    " old): upload the file again"
)


def _folder(key: str) -> Path:
    root = Path(settings.ENV.data_dir) / STAGED_UPLOADS
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root / f"{_PREFIX}{key}"


def _sweep() -> None:
    sweep_uploads(Path(settings.ENV.data_dir), UPLOAD_MAX_AGE)


def _pending(key: str, folder: Path, meta: dict[str, Any], summary: ImportSummary) -> PendingImport:
    meta["summary"] = asdict(summary)
    tmp = folder / "pending.json.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(meta, out)
    os.replace(tmp, folder / "pending.json")
    return PendingImport(key, str(meta["name"]), summary)


def _run(folder: Path, meta: dict[str, Any], org: Organisation, marks_gone: int) -> ImportSummary:
    """Import the kept file if it marks ``marks_gone`` people as gone; any other end but a new
    confirmation removes it."""
    name = str(meta["name"])
    key = folder.name.removeprefix(_PREFIX)
    try:
        summary = import_hris(org, folder / f"upload{meta['suffix']}", marks_gone=marks_gone)
    except ConfirmationNeeded as exc:
        (folder / "importing").unlink(missing_ok=True)
        raise ConfirmationNeeded(exc.summary, _pending(key, folder, meta, exc.summary)) from None
    except DataError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        # Name the file as the user knows it, not the stored copy.
        raise DataError(exc.message, file=name, row=exc.row, column=exc.column) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    return summary


def import_hris_upload(
    org: Organisation, name: str, chunks: Iterable[bytes], *, user: Any = None
) -> ImportSummary:
    """Import an uploaded file at once if it marks nobody as gone. Otherwise nothing changes and
    :class:`ConfirmationNeeded` carries the counts and the kept file (``user``'s to confirm)."""
    suffix = Path(name).suffix.lower()
    if suffix not in _SUFFIXES:
        raise DataError(f"unsupported file type {suffix or '(none)'}; upload a .csv or .xlsx file", file=name)
    _sweep()
    key = secrets.token_hex(16)
    folder = _folder(key)
    folder.mkdir(mode=0o700)
    meta: dict[str, Any] = {"org": org.pk, "user": getattr(user, "pk", None), "name": name, "suffix": suffix}
    try:
        fd = os.open(folder / f"upload{suffix}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        check_upload(
            folder / f"upload{suffix}", name
        )  # before any parser: a small workbook can unpack to gigabytes
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _run(folder, meta, org, marks_gone=0)


def _open(org: Organisation, user: Any, key: str) -> tuple[Path, dict[str, Any]]:
    if not _KEY.match(key):
        raise DataError(_GONE_AWAY)
    _sweep()
    folder = _folder(key)
    try:
        meta = json.loads((folder / "pending.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, ValueError):
        raise DataError(_GONE_AWAY) from None
    if meta.get("org") != org.pk or meta.get("user") != user.pk:
        raise DataError(_GONE_AWAY)
    return folder, meta


def confirm_hris_upload(org: Organisation, user: Any, key: str) -> ImportSummary:
    """Import the kept upload ``key`` that ``user`` confirmed, if it still marks as gone the number of
    people shown; else :class:`ConfirmationNeeded` with the new counts (nothing changed)."""
    folder, meta = _open(org, user, key)
    marker = folder / "importing"
    try:  # a second click on the confirmation waits for nothing: the first one imports
        os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if time.time() - marker.stat().st_mtime < STALE_IMPORT_SECONDS:
            raise ImportUnderWay from None
        # the process that began importing it died: this click imports it (the import is one transaction)
        marker.touch()
    except FileNotFoundError:  # imported or cancelled meanwhile
        raise DataError(_GONE_AWAY) from None
    return _run(folder, meta, org, marks_gone=int(meta["summary"]["employees_deactivated"]))


def discard_hris_upload(org: Organisation, user: Any, key: str) -> None:
    """Cancel the kept upload ``key``: it is removed and nothing is imported."""
    try:
        folder, _ = _open(org, user, key)
    except DataError:
        return
    shutil.rmtree(folder, ignore_errors=True)
