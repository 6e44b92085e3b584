"""Qualtrics CSV exports, current and legacy.

Current export (2017 on): three header rows -- the column names (``Q1``, ``ResponseId``...), the
question texts (in the survey's UI language), and one JSON object per column naming the Qualtrics
ImportId (``{"ImportId":"QID1"}``). Legacy export: two header rows -- ``V1..V10`` plus question names,
then the texts -- a UTF-8 byte-order mark and a trailing comma on every line. Answers are either the
choice text or the numeric recode values, depending on the export option; both read as they are and
a mapping turns them into scale values.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter

from allypath.errors import DataError
from allypath.io._records import (
    build_table,
    data_rows,
    drop_blank_columns,
    load_records,
    peek_records,
    squash,
)
from allypath.io._source import SourceColumn, SourceTable

__all__ = ["looks_like_qualtrics", "read_qualtrics"]

_IMPORT_ID = re.compile(r'^\{\s*"ImportId"\s*:')
_MULTI = re.compile(r"^(?P<question>.+)_(?P<option>\d+)$")
# Identifier columns are text even when they look like numbers.
_ID_COLUMNS = ("ResponseId", "ResponseID", "V1", "ExternalReference", "ExternalDataReference")


def looks_like_qualtrics(records: list[list[str]]) -> bool:
    """Whether the first records have the shape of a Qualtrics export (current or legacy)."""
    if len(records) >= 3 and records[2] and _IMPORT_ID.match(records[2][0]):
        return True
    return bool(len(records) >= 2 and records[0][:3] == ["V1", "V2", "V3"])


def read_qualtrics(path: str | os.PathLike[str]) -> SourceTable:
    """Read a Qualtrics CSV export (current three-header-row or legacy ``V1..`` export).

    Parameters
    ----------
    path : path-like
        The ``.csv`` Qualtrics wrote (UTF-8, with or without byte-order mark).

    Returns
    -------
    SourceTable
        ``format="qualtrics"``. Column names from the first header row, labels (question texts)
        from the second; ``metadata["variant"]`` is ``current`` or ``legacy``,
        ``metadata["import_ids"]`` maps each column to its ImportId (current export only).
        Multi-answer columns ``Q7_1, Q7_2...`` share ``group="Q7"`` with the choice as ``option``.

    Raises
    ------
    DataError
        A file that is not a Qualtrics export, a row with the wrong number of fields, bytes that are
        not UTF-8 -- naming file, row and column.
    """
    file = str(path)
    probe, _ = peek_records(path, count=3, delimiter=None)  # sniffed: a re-save in Excel may use semicolons
    if looks_like_qualtrics(probe):
        legacy = probe[0][:3] == ["V1", "V2", "V3"]
    elif len(probe) >= 2:
        legacy = False  # current export without the ImportId row (an older option)
    else:
        raise DataError(
            "is not a Qualtrics export: expected column names, question texts and ImportIds in "
            "the first three rows",
            file=file,
            row=0,
        )
    has_import_ids = not legacy and len(probe) >= 3 and bool(_IMPORT_ID.match(probe[2][0]))
    header_rows = 3 if has_import_ids else 2
    records, info = load_records(
        path, header_rows=header_rows, delimiter=None
    )  # sniffed: a re-save in Excel may use semicolons
    names, labels = records[0], records[1]
    width = len(names)
    labels = labels + [""] * (width - len(labels))
    rows = data_rows(records, header_rows=header_rows, names=names, file=file)
    keep, names = drop_blank_columns(names, rows, extra=[labels])
    rows = [[row[i] for i in keep] for row in rows]
    labels = [labels[i] for i in keep]
    import_ids = _import_ids(records[2], keep, names, file) if has_import_ids else {}
    _refuse_duplicates(names, file)
    columns = _columns(names, labels)
    strings = [n for n in names if n in _ID_COLUMNS]
    return build_table(
        columns,
        rows,
        format="qualtrics",
        file=file,
        metadata={**info, "variant": "legacy" if legacy else "current", "import_ids": import_ids},
        string_columns=strings,
    )


def _import_ids(row: list[str], keep: list[int], names: list[str], file: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    for position, name in zip(keep, names, strict=True):
        cell = row[position] if position < len(row) else ""
        if not cell:
            continue
        try:
            ids[name] = str(json.loads(cell)["ImportId"])
        except (ValueError, KeyError, TypeError):
            raise DataError(
                f"the ImportId header cell is not the JSON Qualtrics writes: {cell[:60]!r}",
                file=file,
                row=0,
                column=name,
            ) from None
    return ids


def _refuse_duplicates(names: list[str], file: str) -> None:
    for name, count in Counter(names).items():
        if count > 1 and name:
            raise DataError(f"the column name appears {count} times", file=file, row=0, column=name)


def _columns(names: list[str], labels: list[str]) -> list[SourceColumn]:
    """Columns with their labels; ``Q7_1, Q7_2`` sharing a stem become one group."""
    stems = Counter(m.group("question") for n in names if (m := _MULTI.match(n)))
    columns = []
    for name, raw_label in zip(names, labels, strict=True):
        label = squash(raw_label) or None
        group = option = None
        match = _MULTI.match(name)
        if match and stems[match.group("question")] > 1:
            group = match.group("question")
            if label and " - " in label:
                label, option = (part.strip() for part in label.rsplit(" - ", 1))
        columns.append(SourceColumn(name=name, label=label, group=group, option=option))
    return columns
