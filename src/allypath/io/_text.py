"""Bytes to CSV records, with every decoding or quoting problem located at its row and column.

Text exports come in UTF-8 (with or without a byte-order mark) and, from Excel's "Unicode text",
UTF-16 with a byte-order mark. Anything else is refused, naming the first row and column holding a
byte that is not UTF-8, because guessing a legacy code page silently corrupts names.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn

from allypath.errors import DataError

__all__ = [
    "atomic_path",
    "decode_records",
    "delimiter_name",
    "detect_encoding",
    "first_line",
    "read_bytes",
    "sniff_delimiter",
    "sniff_delimiter_of",
]

_UNDECODABLE = re.compile("[\udc80-\udcff]")
_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def delimiter_name(delimiter: str) -> str:
    """A readable name for a delimiter (``;`` -> ``semicolon``)."""
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The whole file; a clear error when it is missing or empty."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError("no such file", file=file) from None
    except IsADirectoryError:
        raise DataError("is a directory, not a file", file=file) from None
    if not raw:
        raise DataError("the file is empty (0 bytes): there is no header row", file=file, row=0)
    return raw


def detect_encoding(raw: bytes) -> str:
    """``utf-8-sig`` or ``utf-16`` when a byte-order mark says so, else ``utf-8``."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def first_line(raw: bytes, encoding: str) -> str:
    """The first physical line, decoded leniently (for sniffing only)."""
    head = raw[: 64 * 1024].decode(encoding, errors="replace")
    return head.splitlines()[0] if head else ""


def sniff_delimiter(line: str) -> str:
    """The most frequent of ``, ; TAB |`` outside double quotes in ``line`` (``,`` on a tie)."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def sniff_delimiter_of(text: str, lines: int = 5) -> str:
    """The delimiter that splits the first records of ``text`` into the same number of fields (more
    than one), a comma first; else :func:`sniff_delimiter` of the first line.

    The first line alone misleads where a header holds question titles: French typography puts
    spaces around semicolons ("Votre rôle ; votre équipe"), which outnumbered the commas of a
    comma-separated Google Forms header.
    """
    text = text.lstrip("\ufeff")
    for delimiter in _DELIMITERS:
        widths = []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for record in reader:
                if record:
                    widths.append(len(record))
                if len(widths) == lines:
                    break
        except csv.Error:
            continue
        # a record cut off by the end of the sample may be short: it is not held against the delimiter
        complete = widths[:-1] if len(widths) == lines or len(widths) < 2 else widths
        if len(complete) >= 2 and complete[0] > 1 and len(set(complete)) == 1:
            return delimiter
    return sniff_delimiter(text.splitlines()[0] if text else "")


def decode_records(
    raw: bytes,
    *,
    file: str,
    delimiter: str,
    header_rows: int = 1,
) -> tuple[list[list[str]], str]:
    """Decode ``raw`` and split it into CSV records.

    Parameters
    ----------
    raw : bytes
        The file's bytes.
    file : str
        Named in errors.
    delimiter : str
        The field delimiter.
    header_rows : int
        How many records are header rows: errors count data rows from 1 after them (row 0 is the
        header) and name the column from the first header record.

    Returns
    -------
    records, encoding

    Raises
    ------
    DataError
        On a byte that is not UTF-8 (naming the first such row and column), a damaged UTF-16 file
        (cut off after an odd number of bytes, a broken surrogate pair) or broken quoting.
    """
    encoding = detect_encoding(raw)
    try:
        text = raw.decode(encoding)
        clean = True
    except UnicodeDecodeError as exc:
        # Decode again keeping the bad bytes as lone surrogates, so the CSV parser can still say
        # which record and field they sit in.
        try:
            text = raw.decode(encoding, errors="surrogateescape")
        except UnicodeDecodeError:
            # UTF-16 cut off mid-character (an odd number of bytes) or with a broken surrogate pair:
            # the bad bytes cannot all be kept as surrogates. Locate the first one from the text before it.
            _raise_undecodable_at(raw, exc, file=file, delimiter=delimiter, header_rows=header_rows)
        clean = False
    records = _parse(text, file=file, delimiter=delimiter, header_rows=header_rows)
    if not clean:
        _raise_undecodable(records, file=file, header_rows=header_rows, encoding=encoding)
    return records, encoding


def _row_number(record_index: int, header_rows: int) -> int:
    """0 for any header record, else the 1-based data row."""
    return max(record_index - header_rows + 1, 0)


def _parse(text: str, *, file: str, delimiter: str, header_rows: int) -> list[list[str]]:
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        row = _row_number(len(records), header_rows)
        raise DataError(
            f"the CSV quoting is broken near line {reader.line_num} ({exc}); "
            "check for an unclosed or stray double quote",
            file=file,
            row=row,
        ) from None
    # A trailing empty line is not a record.
    while records and records[-1] == []:
        records.pop()
    return records


def _raise_undecodable(
    records: Sequence[Sequence[str]], *, file: str, header_rows: int, encoding: str
) -> None:
    names = list(records[0]) if records else []
    for index, record in enumerate(records):
        for position, value in enumerate(record):
            match = _UNDECODABLE.search(value)
            if match is None:
                continue
            bad = match.group().encode("utf-8", errors="surrogateescape")
            column = names[position] if position < len(names) else f"#{position + 1}"
            if _UNDECODABLE.search(column):
                column = f"#{position + 1}"
            raise DataError(
                f"byte 0x{bad.hex()} is not valid {encoding.replace('-sig', '')}; the file mixes "
                "encodings or was saved in a legacy code page: save it as 'CSV UTF-8' and retry",
                file=file,
                row=_row_number(index, header_rows),
                column=column,
            )


def _raise_undecodable_at(
    raw: bytes, exc: UnicodeDecodeError, *, file: str, delimiter: str, header_rows: int
) -> NoReturn:
    """Raise a :class:`DataError` for the first undecodable bytes (``exc``), naming their row and
    column as read from the text before them."""
    encoding = detect_encoding(raw).replace("-sig", "")
    marker = "\ue000"  # where the bad bytes begin: the record and field it ends up in are theirs
    before = raw[: exc.start].decode(encoding, errors="replace").lstrip("\ufeff") + marker
    try:
        records = list(csv.reader(io.StringIO(before, newline=""), delimiter=delimiter))
    except csv.Error:  # an unclosed quote before the bad bytes: no row can be named
        records = []
    at_end = exc.end == len(raw)
    row: int | None = None
    column: str | None = None
    if records and (records[-1] != [marker] or not at_end):  # not a stray byte after the last row
        index, position = len(records) - 1, len(records[-1]) - 1
        names = records[0] if index else []
        row = _row_number(index, header_rows)
        column = names[position] if position < len(names) else f"#{position + 1}"
    if exc.reason == "truncated data" and at_end:
        what = (
            f"the file has an odd number of bytes, which {encoding.upper()} text cannot have: it looks cut "
            "off at the end"
        )
    else:
        bad = " ".join(f"0x{b:02x}" for b in raw[exc.start : exc.end])
        what = f"bytes {bad} are not valid {encoding.upper()} ({exc.reason}): the file is damaged"
    raise DataError(
        f"{what}; export it again, preferably as 'CSV UTF-8', and retry", file=file, row=row, column=column
    )


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it over ``path`` only if the block succeeds.

    Readers of ``path`` see the old file or the complete new one, never a half-written file. The
    file is created with mode 0600 (response data is personal data); widen it deliberately if needed.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise DataError("the folder to write into does not exist", file=str(target))
    fd, tmp_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=f".tmp{target.suffix}"
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
