"""Shared steps of the survey-tool CSV readers: load records, check widths, build the table."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from allypath.errors import DataError
from allypath.io._arrow import frame_from_records
from allypath.io._source import SourceColumn, SourceTable
from allypath.io._text import (
    decode_records,
    detect_encoding,
    read_bytes,
    sniff_delimiter_of,
)

__all__ = [
    "build_table",
    "data_rows",
    "drop_blank_columns",
    "load_records",
    "peek_records",
    "squash",
    "unique_names",
]

_WHITESPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse tabs, line breaks and runs of spaces into single spaces (for labels)."""
    return _WHITESPACE.sub(" ", text).strip()


def load_records(
    path: str | os.PathLike[str], *, header_rows: int, delimiter: str | None = None
) -> tuple[list[list[str]], dict[str, Any]]:
    """Decode and split a survey export; the delimiter is sniffed from the first line if not given.

    Returns the records and ``{"encoding", "delimiter"}``.
    """
    file = str(path)
    raw = read_bytes(path)
    encoding = detect_encoding(raw)
    if delimiter is None:
        delimiter = sniff_delimiter_of(raw[: 64 * 1024].decode(encoding, errors="replace"))
    records, encoding = decode_records(raw, file=file, delimiter=delimiter, header_rows=header_rows)
    if len(records) < header_rows:
        raise DataError(
            f"the file has {len(records)} line(s); this format starts with {header_rows} header rows",
            file=file,
            row=0,
        )
    return records, {"encoding": encoding, "delimiter": delimiter}


def peek_records(
    path: str | os.PathLike[str], *, count: int = 3, delimiter: str | None = None
) -> tuple[list[list[str]], str]:
    """The first ``count`` records, parsed leniently from the first 64 KiB (for sniffing only).

    Returns the records and the delimiter used (sniffed from the first line unless given).
    """
    file = str(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(64 * 1024)
    except OSError as exc:
        raise DataError(f"cannot be opened ({exc.strerror})", file=file) from None
    if not head:
        raise DataError("the file is empty (0 bytes): there is no header row", file=file, row=0)
    encoding = detect_encoding(head)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    if delimiter is None:
        delimiter = sniff_delimiter_of(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) == count:
                break
    except csv.Error:
        pass  # sniffing only: the real read reports the problem with its location
    return records, delimiter


def data_rows(
    records: Sequence[Sequence[str]],
    *,
    header_rows: int,
    names: Sequence[str],
    file: str,
) -> list[list[str]]:
    """The data records, each checked to have one field per column.

    Extra trailing fields that are empty are dropped (exports often end lines with a delimiter);
    anything else that does not fit the header is refused, naming the row and column.
    """
    width = len(names)
    rows: list[list[str]] = []
    for index, record in enumerate(records[header_rows:], start=1):
        if len(record) == width:
            rows.append(list(record))
            continue
        if len(record) > width and not any(cell.strip() for cell in record[width:]):
            rows.append(list(record[:width]))
            continue
        column = names[len(record)] if len(record) < width else f"#{width + 1}"
        raise DataError(
            f"the row has {len(record)} fields but the header has {width}; check the delimiter "
            "and the quoting of this row",
            file=file,
            row=index,
            column=column,
        )
    return rows


def unique_names(names: Sequence[str]) -> list[str]:
    """Make repeated names unique by appending `` (2)``, `` (3)``... in file order."""
    seen: dict[str, int] = {}
    out: list[str] = []
    taken = set(names)
    for name in names:
        count = seen.get(name, 0) + 1
        seen[name] = count
        candidate = name
        while count > 1 and (candidate == name or candidate in taken):
            candidate = f"{name} ({count})"
            count += 1
        taken.add(candidate)
        out.append(candidate)
    return out


def drop_blank_columns(
    names: list[str], rows: list[list[str]], extra: Sequence[Sequence[str]] = ()
) -> tuple[list[int], list[str]]:
    """Positions of columns to keep: those with a name, a header value in ``extra`` or any data."""
    keep: list[int] = []
    for position, name in enumerate(names):
        named = name.strip() or any(h[position].strip() for h in extra if position < len(h))
        if named or any(row[position].strip() for row in rows):
            keep.append(position)
    return keep, [names[i] for i in keep]


def build_table(
    columns: Sequence[SourceColumn],
    rows: Sequence[Sequence[str]],
    *,
    format: str,
    file: str,
    metadata: dict[str, Any],
    string_columns: Sequence[str] = (),
) -> SourceTable:
    """Type the rows (same inference as the wide CSV) and attach the column descriptions."""
    names = [c.name for c in columns]
    frame, types = frame_from_records(names, rows, string_columns=string_columns)
    typed = tuple(
        replace(col, type="string" if col.name in string_columns else kind)
        for col, kind in zip(columns, types, strict=True)
    )
    return SourceTable(data=frame, columns=typed, format=format, file=file, metadata=metadata)
