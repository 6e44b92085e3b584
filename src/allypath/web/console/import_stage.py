"""Uploaded exports waiting for review: one private folder per upload, between the upload and the import.

A staged upload lives in ``<ALLYPATH_DATA_DIR>/imports/<key>/`` (never under the static root): the
file as uploaded, the mapping under review (``mapping.yaml``), the problems of the last check
(``problems.csv``) and ``meta.json`` (organisation, uploader, the file's name, format and row count).
The folder is readable by the server's user only, belongs to one organisation and one uploader (anyone
else gets a 404), is removed once the import is done or discarded, and one unused for :data:`MAX_AGE`
(24 h: the sweep counts from the last upload, review or check) is removed when any stage is created or
opened and by the daily ``send_due_reminders`` (:func:`allypath.web.config.sweep_uploads`), so a raw
export left under review is gone within a day or two even if nobody uploads again. ``key`` is 128
random bits.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404

from allypath.errors import DataError
from allypath.io import Mapping, SourceTable, detect_format, detect_mapping, read_any
from allypath.web.config import STAGED_UPLOADS, UPLOAD_MAX_AGE, sweep_uploads
from allypath.web.orgs.instruments import available_instrument
from allypath.web.orgs.models import Organisation
from allypath.web.security import spreadsheet_safe
from allypath.web.survey.imported import ImportProblem
from allypath.web.uploads import check_upload

__all__ = ["ALLOWED_SUFFIXES", "MAX_AGE", "Stage", "create_stage", "open_stage"]

#: File types the console accepts (the readers of allypath.io; format detection does the rest).
ALLOWED_SUFFIXES = (".csv", ".txt", ".tsv", ".sav", ".zsav", ".xlsx", ".xlsm", ".xls", ".ods", ".parquet")
MAX_AGE = UPLOAD_MAX_AGE  # seconds a staged upload is kept after its last use
_KEY = re.compile(r"^[0-9a-f]{32}$")
_PROBLEM_FIELDS = ("file", "row", "column", "message")


def _root() -> Path:
    root = Path(settings.ENV.data_dir) / STAGED_UPLOADS
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def _sweep() -> None:
    """Remove staged (and spooled) uploads unused for MAX_AGE: abandoned reviews must not keep
    respondents' data."""
    sweep_uploads(Path(settings.ENV.data_dir), MAX_AGE)


@dataclass(frozen=True)
class Stage:
    key: str
    folder: Path
    meta: dict[str, Any]

    @property
    def name(self) -> str:
        """The file's name as uploaded (what problems and pages name)."""
        return str(self.meta["name"])

    @property
    def path(self) -> Path:
        return self.folder / f"upload{self.meta['suffix']}"

    def source(self) -> SourceTable:
        try:
            return read_any(self.path, self.meta["format"])
        except DataError as exc:
            raise DataError(exc.message, file=self.name, row=exc.row, column=exc.column) from None

    def mapping(self) -> Mapping:
        text = (self.folder / "mapping.yaml").read_text(encoding="utf-8")
        return Mapping.from_yaml(text, file="mapping.yaml")

    def mapping_yaml(self) -> str:
        return (self.folder / "mapping.yaml").read_text(encoding="utf-8")

    def save_mapping(self, mapping: Mapping) -> None:
        _write(self.folder / "mapping.yaml", mapping.to_yaml())
        (self.folder / "problems.csv").unlink(missing_ok=True)

    def save_problems(self, problems: Iterable[ImportProblem]) -> None:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(_PROBLEM_FIELDS)
        for p in problems:
            cells = [p.file, "" if p.row is None else p.row, p.column, p.message]
            writer.writerow([spreadsheet_safe(c) for c in cells])  # file values must not run as formulas
        _write(self.folder / "problems.csv", out.getvalue())

    def problems_csv(self) -> str:
        path = self.folder / "problems.csv"
        if not path.exists():
            return ",".join(_PROBLEM_FIELDS) + "\n"
        return path.read_text(encoding="utf-8")

    def claim(self) -> bool:
        """Mark the upload as being imported; False when another request already did (a double click)."""
        try:
            os.close(os.open(self.folder / "importing", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            return False
        return True

    def release(self) -> None:
        (self.folder / "importing").unlink(missing_ok=True)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f\x7f]", "", base)[:200] or "upload"


def create_stage(
    org: Organisation, user: Any, name: str, chunks: Iterable[bytes], mapping_yaml: str | None = None
) -> Stage:
    """Stage an upload: store it privately, read it, and keep a mapping (``mapping_yaml`` as given, or
    one proposed by :func:`allypath.io.detect_mapping`). A file that cannot be read is removed again and
    its :class:`DataError` (naming the file as uploaded) raised."""
    name = _safe_name(name)
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise DataError(
            f"unsupported file type {suffix or '(none)'}; upload one of {', '.join(ALLOWED_SUFFIXES)}",
            file=name,
        )
    root = _root()
    _sweep()
    key = secrets.token_hex(16)
    folder = root / key
    folder.mkdir(mode=0o700)
    meta: dict[str, Any] = {"org": org.pk, "user": user.pk, "name": name, "suffix": suffix}
    stage = Stage(key, folder, meta)
    try:
        fd = os.open(stage.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        check_upload(stage.path, name)  # before any parser: a small workbook can unpack to gigabytes
        try:
            meta["format"] = detect_format(stage.path)
        except DataError as exc:
            raise DataError(exc.message, file=name, row=exc.row, column=exc.column) from None
        source = stage.source()
        if not source.names:
            raise DataError("the file has no columns: there is no header row", file=name, row=0)
        meta["rows"] = len(source)
        if mapping_yaml is not None:
            mapping = Mapping.from_yaml(mapping_yaml, file="mapping.yaml")
        else:
            mapping = detect_mapping(source, available_instrument())
        _write(folder / "meta.json", json.dumps(meta))
        stage.save_mapping(mapping)
    except BaseException:
        stage.discard()
        raise
    return stage


def open_stage(org: Organisation, user: Any, key: str) -> Stage:
    """The staged upload ``key`` of ``org`` made by ``user``; 404 for any other (or a removed one)."""
    if not _KEY.match(key):
        raise Http404("not found")
    _sweep()  # this one too, when unused for MAX_AGE (404 then, as for a removed one)
    folder = _root() / key
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, ValueError):
        raise Http404("not found") from None
    if meta.get("org") != org.pk or meta.get("user") != user.pk:
        raise Http404("not found")
    os.utime(folder)  # still under review: the sweep counts from the last use
    return Stage(key, folder, meta)
