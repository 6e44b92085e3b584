"""Bounds on what an uploaded file unpacks to, checked before any parser reads it.

A spreadsheet is a zip of XML: issue 14 uploaded a 17.7 MB .xlsx holding 209 MB of XML and a million
rows, which the HRIS import read for 9.7 s and 440 MB before refusing it. The upload size limit says
nothing about that. Here, before pandas or openpyxl see the file:

- zip-based workbooks (.xlsx, .xlsm, .ods): the sizes declared in the zip directory, then the bytes
  actually inflated (streamed in small pieces and counted, since declared sizes can lie), must stay
  under ``ALLYPATH_MAX_UNPACKED_BYTES``; worksheet rows are counted on the way;
- text files (.csv, .tsv, .txt): lines are counted;
- Parquet: the row count and uncompressed size recorded in its footer;

and every count must stay under ``ALLYPATH_MAX_UPLOAD_ROWS``. Each check stops at the first byte past a
bound, so a refusal costs at most the bound's worth of work, in constant memory.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

from django.conf import settings

from allypath.errors import DataError

__all__ = ["check_upload"]

_ZIPPED = {".xlsx", ".xlsm", ".ods"}
_TEXT = {".csv", ".tsv", ".txt"}
_PIECE = 1 << 16
_ROW_TAGS = (b"<row", b"<table:table-row")  # Office Open XML, OpenDocument
_LONGEST_TAG = max(len(tag) for tag in _ROW_TAGS)


def _refuse(name: str, what: str) -> DataError:
    return DataError(f"the file is too large once unpacked: {what}", file=name)


def _check_zip(path: Path, name: str, max_bytes: int, max_rows: int) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise DataError(
            "the file is not a readable workbook (a damaged or renamed file?)", file=name
        ) from None
    with archive:
        members = archive.infolist()
        declared = sum(m.file_size for m in members)
        if declared > max_bytes:
            raise _refuse(
                name, f"{declared:,} bytes; the limit is {max_bytes:,} (ALLYPATH_MAX_UNPACKED_BYTES)"
            )
        try:
            _inflate(archive, members, name, max_bytes, max_rows)
        except (zipfile.BadZipFile, zlib.error, EOFError):
            # e.g. sizes in the zip directory that do not match the data (zipfile then fails its CRC)
            raise DataError(
                "the file is not a readable workbook (a damaged or forged file?)", file=name
            ) from None


def _inflate(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], name: str, max_bytes: int, max_rows: int
) -> None:
    """Inflate every member in small pieces, counting bytes and worksheet rows, up to the bounds."""
    inflated = rows = 0
    for member in members:
        sheet = member.filename.startswith("xl/worksheets/") or member.filename == "content.xml"
        tail = b""
        with archive.open(member) as stream:
            while piece := stream.read(_PIECE):
                inflated += len(piece)
                if inflated > max_bytes:
                    raise _refuse(name, f"more than {max_bytes:,} bytes (ALLYPATH_MAX_UNPACKED_BYTES)")
                if sheet:
                    rows += sum((tail + piece).count(tag) for tag in _ROW_TAGS)
                    # too short to hold a whole tag, long enough to complete one cut in two
                    tail = piece[-(_LONGEST_TAG - 1) :]
                    if rows > max_rows + 1:  # + the header row
                        raise _refuse(name, f"more than {max_rows:,} rows (ALLYPATH_MAX_UPLOAD_ROWS)")


def _check_text(path: Path, name: str, max_rows: int) -> None:
    lines = 0
    with path.open("rb") as handle:
        while piece := handle.read(_PIECE * 16):
            lines += piece.count(b"\n")
            if lines > max_rows + 1:
                raise _refuse(name, f"more than {max_rows:,} rows (ALLYPATH_MAX_UPLOAD_ROWS)")


def _check_parquet(path: Path, name: str, max_bytes: int, max_rows: int) -> None:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, ValueError):
        raise DataError("the file is not a readable Parquet file", file=name) from None
    if meta.num_rows > max_rows:
        raise _refuse(name, f"{meta.num_rows:,} rows; the limit is {max_rows:,} (ALLYPATH_MAX_UPLOAD_ROWS)")
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if unpacked > max_bytes:
        raise _refuse(name, f"{unpacked:,} bytes; the limit is {max_bytes:,} (ALLYPATH_MAX_UNPACKED_BYTES)")


def check_upload(path: str | os.PathLike[str], name: str) -> None:
    """Raise :class:`DataError` (naming the file as uploaded) when ``path`` unpacks past the bounds."""
    path = Path(path)
    suffix = Path(name).suffix.lower()
    max_bytes, max_rows = settings.ALLYPATH_MAX_UNPACKED_BYTES, settings.ALLYPATH_MAX_UPLOAD_ROWS
    if suffix in _ZIPPED:
        _check_zip(path, name, max_bytes, max_rows)
    elif suffix in _TEXT:
        _check_text(path, name, max_rows)
    elif suffix == ".parquet":
        _check_parquet(path, name, max_bytes, max_rows)
