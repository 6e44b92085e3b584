"""Cells of an ``.xlsx`` sheet that python-calamine reads as blank but are not: refused, not missed.

A workbook stores each formula with the value it last computed. One written by a script (openpyxl,
pandas) and never opened in Excel has no such value, and an error cell (``#DIV/0!``, ``#N/A``) has
no number: python-calamine returns an empty cell for both, and an answer would silently become
missing. python-calamine exposes no formulas, so the sheet's XML is read here: a byte search over
it finds whether such a cell may exist at all (see ``_SUSPECT``), and only then are its cells parsed
to name the first one.

The XML comes from an uploaded file: a document type declaration (which no spreadsheet program
writes, and which entity attacks need) is refused before any parsing, and the parsing itself is
defusedxml's (no document type, no entity, no external reference).

Only Office Open XML workbooks (``.xlsx``, ``.xlsm``) are checked; ``.xls`` and ``.ods`` are not.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Sequence
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeTree

from allypath.errors import DataError

__all__ = ["refuse_unsaved_cells"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_STRICT = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Bytes that every sheet with a formula lacking its saved value, or an error cell, contains:
# ``<v />`` / ``<v/>`` / ``<v></v>`` (openpyxl writes an empty value), a formula closing its cell
# with no value (``</f></c>``, a shared formula's ``<f t="shared" si="0"/></c>``), ``t="e"``, and
# ``:f`` (namespace-prefixed tags such as ``<x:f>``, which only the parser reads). A sheet of
# calculated formulas holds none of them (except ``<v></v>``, an empty text result): it is not
# parsed. Plain byte searches: on a 126 MB sheet they take 0.6 s where a regular expression took
# 1-3 s and the parser 17 s.
_SUSPECT = (b"<v/>", b"<v />", b"<v></v>", b"</f></c>", b"/></c>", b't="e"', b"t='e'", b":f")
_CHUNK = 1 << 20
_REFERENCE = re.compile(r"^([A-Z]+)([0-9]+)$")
_NO_VALUE = (
    "cell {cell} holds a formula without a saved value ({formula}): the workbook was written by a "
    "program that does not calculate, and reads as a blank cell; open the file in Excel and save it, "
    "or export it as CSV"
)
_ERROR = (
    "cell {cell} holds the error {error} instead of a value (a formula that failed); fix it in the "
    "workbook, or clear the cell if there is no answer"
)


def refuse_unsaved_cells(file: str, sheet: str, start: tuple[int, int] | None, header: Sequence[str]) -> None:
    """Raise a :class:`DataError` for the first cell of ``sheet`` that holds a formula with no saved
    value or an error value, naming ``file``, the data row and the column.

    ``start`` is the (row, column) of the sheet's first used cell, 0-based (python-calamine's
    ``sheet.start``: the header row is row 0 of the table read); ``header`` the column names.
    """
    if not zipfile.is_zipfile(file):
        return
    with zipfile.ZipFile(file) as archive:
        member = _sheet_member(archive, sheet, file)
        if member is None:
            return
        with archive.open(member) as stream:
            if not _any_suspect(stream, file):
                return
        with archive.open(member) as stream:
            found = _bad_cells(stream, file)
    if not found:
        return
    (reference, message), more = found[0], len(found) - 1
    top, left = start or (0, 0)
    match = _REFERENCE.match(reference)
    row = column = None
    if match is not None:
        row = int(match.group(2)) - 1 - top
        position = _column_index(match.group(1)) - left
        column = header[position] if 0 <= position < len(header) else f"#{position + 1}"
    others = f"; {more} more cell(s) like it" if more else ""
    raise DataError(f"{message}{others}", file=file, row=row, column=column)


def _sheet_member(archive: zipfile.ZipFile, sheet: str, file: str) -> str | None:
    """The zip member holding the sheet named ``sheet`` (via workbook.xml and its relationships)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        return None
    workbook = _parsed(_declared(archive.read("xl/workbook.xml"), file), file)
    rid = None
    for element in workbook.iter():
        if element.tag in {f"{_MAIN}sheet", f"{_STRICT}sheet"} and element.get("name") == sheet:
            rid = element.get(f"{_REL}id") or element.get(
                "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
            )
            break
    if rid is None or "xl/_rels/workbook.xml.rels" not in names:
        return None
    relations = _declared(archive.read("xl/_rels/workbook.xml.rels"), file)
    for relation in _parsed(relations, file):
        if relation.tag == f"{_PACKAGE_REL}Relationship" and relation.get("Id") == rid:
            target = relation.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            path = posixpath.normpath(path)
            return path if path in names else None
    return None


def _parsed(data: bytes, file: str) -> Element:
    try:
        return SafeTree.fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as exc:
        raise DataError(f"the workbook's XML cannot be read ({exc})", file=file) from None


def _declared(data: bytes, file: str) -> bytes:
    """``data``, refused if it declares a document type (see the module)."""
    if b"<!DOCTYPE" in data:
        raise DataError("the workbook's XML declares a document type, which no spreadsheet writes", file=file)
    return data


def _any_suspect(stream: IO[bytes], file: str) -> bool:
    """Whether the XML may hold a formula without a value or an error cell (chunks overlap: no match
    is cut)."""
    tail = b""
    first = True
    while chunk := stream.read(_CHUNK):
        if first:
            _declared(chunk, file)  # a declaration comes before the root element
            first = False
        window = tail + chunk
        if any(pattern in window for pattern in _SUSPECT):
            return True
        tail = chunk[-16:]
    return False


def _bad_cells(stream: IO[bytes], file: str) -> list[tuple[str, str]]:
    """(reference, message) of every formula cell without a saved value and every error cell."""
    try:
        return _cells_without_values(stream)
    except (ParseError, DefusedXmlException) as exc:
        raise DataError(f"the workbook's XML cannot be read ({exc})", file=file) from None


def _cells_without_values(stream: IO[bytes]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for _, element in SafeTree.iterparse(stream, events=("end",), forbid_dtd=True):
        tag = _local(element.tag)
        if tag == "row":
            element.clear()  # its cells were looked at: memory stays one row's
        if tag != "c":
            continue
        kind = element.get("t", "n")
        formula = value = None
        for child in element:
            name = _local(child.tag)
            if name == "f":
                formula = child
            elif name == "v":
                value = child
        text = value.text if value is not None else None
        cell = element.get("r", "?")
        if kind == "e" and text:
            found.append((cell, _ERROR.format(cell=cell, error=text.strip())))
        elif formula is not None and (value is None or (not text and kind not in {"str", "inlineStr"})):
            shown = f"={formula.text[:60]}" if formula.text else "a shared formula"
            found.append((cell, _NO_VALUE.format(cell=cell, formula=shown)))
        element.clear()
    return found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_index(letters: str) -> int:
    """0-based column of ``AB`` and the like."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1
