"""Detect an export's format from its first bytes, extension and header shape; read it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from allypath.errors import DataError
from allypath.io._records import peek_records
from allypath.io._source import SourceTable
from allypath.io.googleforms import looks_like_google_forms, read_google_forms
from allypath.io.limesurvey import looks_like_limesurvey, read_limesurvey
from allypath.io.qualtrics import looks_like_qualtrics, read_qualtrics
from allypath.io.spss import read_spss
from allypath.io.surveymonkey import looks_like_surveymonkey, read_surveymonkey
from allypath.io.wide import read_csv, read_parquet
from allypath.io.xlsx import read_xlsx

__all__ = ["FORMATS", "detect_format", "read_any"]

_READERS: dict[str, Callable[[str], SourceTable]] = {
    "csv": read_csv,
    "parquet": read_parquet,
    "qualtrics": read_qualtrics,
    "surveymonkey": read_surveymonkey,
    "limesurvey": read_limesurvey,
    "google_forms": read_google_forms,
    "spss": read_spss,
    "xlsx": read_xlsx,
}
#: The format names :func:`read_any` accepts.
FORMATS: tuple[str, ...] = tuple(_READERS)

_MAGIC = (
    (b"$FL2", "spss"),
    (b"$FL3", "spss"),
    (b"PAR1", "parquet"),
    (b"PK\x03\x04", "xlsx"),
    (b"\xd0\xcf\x11\xe0", "xlsx"),  # legacy .xls (OLE2)
)
_EXTENSIONS = {
    ".sav": "spss",
    ".zsav": "spss",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".ods": "xlsx",
}


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format of an export: one of :data:`FORMATS`.

    Binary formats are recognised by their first bytes (then the extension); text exports by the
    shape of their header rows: Qualtrics (ImportId row, or ``V1,V2,V3``), SurveyMonkey
    (``Respondent ID, Collector ID``), LimeSurvey (``;``-separated, ``id. Response ID``), Google
    Forms (``Timestamp`` first); anything else is the plain wide CSV.
    """
    file = str(path)
    try:
        with open(file, "rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise DataError("no such file", file=file) from None
    except IsADirectoryError:
        raise DataError("is a directory, not a file", file=file) from None
    if not head:
        raise DataError("the file is empty (0 bytes): there is no header row", file=file, row=0)
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    suffix = Path(file).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    records, delimiter = peek_records(file, count=3)
    if looks_like_qualtrics(records):
        return "qualtrics"
    if looks_like_surveymonkey(records):
        return "surveymonkey"
    if looks_like_limesurvey(records, delimiter):
        return "limesurvey"
    if looks_like_google_forms(records):
        return "google_forms"
    return "csv"


def read_any(path: str | os.PathLike[str], format: str | None = None) -> SourceTable:
    """Read any supported export, detecting its format unless ``format`` names it.

    Parameters
    ----------
    path : path-like
        The export.
    format : str, optional
        One of :data:`FORMATS` to skip detection.

    Returns
    -------
    SourceTable
        As the format's own reader returns it. A plain CSV separated by ``;``, tab or ``|`` is read
        with that delimiter (recorded in ``metadata["delimiter"]``).

    Examples
    --------
    >>> table = read_any("export.csv")  # doctest: +SKIP
    >>> table.format  # doctest: +SKIP
    'qualtrics'
    """
    file = str(path)
    name = format or detect_format(file)
    if name not in _READERS:
        raise DataError(f"unknown format {name!r}; known formats: {', '.join(FORMATS)}", file=file)
    if name == "csv":
        _, delimiter = peek_records(file, count=1)
        return read_csv(file, delimiter=delimiter)
    return _READERS[name](file)
