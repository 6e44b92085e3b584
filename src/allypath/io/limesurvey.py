"""LimeSurvey "Export results" CSV.

Semicolon-separated, every field quoted, UTF-8 with a byte-order mark. With the "question code &
question text" heading option each heading reads ``code. question text``, where the text can be very
long and hold tabs or line breaks, and a sub-question's code carries its own code in brackets:
``G02Q03[SQ001]. Which of these have you used? [Parental leave]``. A multiple-choice question gives
one column per option holding ``Y`` when ticked and nothing (or ``N``) otherwise; free text may
hold line breaks.
"""

from __future__ import annotations

import os
import re

from allypath.errors import DataError
from allypath.io._records import build_table, data_rows, load_records, squash
from allypath.io._source import SourceColumn, SourceTable

__all__ = ["looks_like_limesurvey", "read_limesurvey"]

# "code. text": a code is letters, digits, underscores, with an optional [sub] part, and no spaces.
_HEADING = re.compile(r"^(?P<code>[A-Za-z_][\w#]*(?:\[[\w#]+\])*)\.\s+(?P<text>.*)$", re.DOTALL)
_SUBQUESTION = re.compile(r"^(?P<question>[^\[]+)\[(?P<sub>[^\]]+)\]")
_OPTION_TEXT = re.compile(r"^(?P<text>.*?)\s*\[(?P<option>[^\[\]]*)\]$", re.DOTALL)
_TICKED = {"Y": "1", "N": "0", "": "0"}
_ID_COLUMNS = frozenset({"id", "token", "refurl", "ipaddr", "seed"})


def looks_like_limesurvey(records: list[list[str]], delimiter: str) -> bool:
    """Whether a header looks like LimeSurvey's (``;``-separated, ``id. Response ID`` first)."""
    if not records or not records[0]:
        return False
    first = records[0][0].lstrip("\ufeff")
    return delimiter == ";" and (first.startswith("id. ") or first in {"id", "Response ID"})


def read_limesurvey(path: str | os.PathLike[str]) -> SourceTable:
    """Read a LimeSurvey results export.

    Parameters
    ----------
    path : path-like
        The ``.csv`` LimeSurvey wrote (the delimiter is sniffed; LimeSurvey uses ``;``).

    Returns
    -------
    SourceTable
        ``format="limesurvey"``. Columns are named by their question code (``G01Q02``,
        ``G01Q03[SQ001]``), labelled with the question text (tabs and line breaks collapsed). A
        sub-question column has ``group`` = the question code and ``option`` = the text in the
        trailing brackets. Multiple-choice columns (``Y``/empty) become integers 1/0, blank where the
        row left every column of the question empty (did not answer it).
        ``metadata["headings"]`` keeps each full original heading.

    Raises
    ------
    DataError
        A heading used twice, a row with the wrong number of fields, bytes that are not UTF-8 --
        naming file, row and column.
    """
    file = str(path)
    records, info = load_records(path, header_rows=1)
    headings = [h.lstrip("\ufeff") for h in records[0]]
    rows = data_rows(records, header_rows=1, names=headings, file=file)
    columns: list[SourceColumn] = []
    seen: dict[str, int] = {}
    for position, heading in enumerate(headings):
        column = _column(heading)
        if column.name in seen:
            raise DataError(
                f"the question code appears twice (columns #{seen[column.name] + 1} and #{position + 1})",
                file=file,
                row=0,
                column=column.name,
            )
        seen[column.name] = position
        columns.append(column)
    _tick_marks_to_numbers(columns, rows)
    names = [c.name for c in columns]
    return build_table(
        columns,
        rows,
        format="limesurvey",
        file=file,
        metadata={**info, "headings": dict(zip(names, headings, strict=True))},
        string_columns=[n for n in names if n in _ID_COLUMNS and n != "id"],
    )


def _column(heading: str) -> SourceColumn:
    match = _HEADING.match(heading.strip())
    if match is None:
        # Exported with "question code" headings only: the heading is the code.
        return SourceColumn(name=squash(heading))
    code, text = match.group("code"), squash(match.group("text"))
    sub = _SUBQUESTION.match(code)
    if sub is None:
        return SourceColumn(name=code, label=text or None)
    option = None
    option_match = _OPTION_TEXT.match(text)
    if option_match is not None:
        text, option = option_match.group("text").strip(), option_match.group("option").strip()
    return SourceColumn(
        name=code, label=text or None, group=sub.group("question"), option=option or sub["sub"]
    )


def _tick_marks_to_numbers(columns: list[SourceColumn], rows: list[list[str]]) -> None:
    """Turn the ``Y``/empty columns of multiple-choice questions into ``1``/``0``/blank in place.

    A question counts as multiple choice when every one of its sub-question columns holds only
    ``Y``, ``N`` or nothing and at least one ``Y`` was given. LimeSurvey writes the choice when
    ticked and nothing otherwise, so, as for SurveyMonkey and Qualtrics (see
    ``docs/import-mapping.md``): in a row where the question was answered -- some option ``Y`` or
    ``N``, or text in its ``[other]``/``[comment]`` column -- an empty option is 0; a row with every
    column of the question empty did not answer it and keeps every option blank (missing). Other
    bracketed columns (``[other]``, ``[comment]``, arrays) keep their values.
    """
    groups: dict[str, list[int]] = {}
    free: dict[str, list[int]] = {}
    for position, column in enumerate(columns):
        if column.group is None:
            continue
        free_text = column.name.endswith(("[other]", "[comment]"))
        (free if free_text else groups).setdefault(column.group, []).append(position)
    for group, positions in groups.items():
        values = {row[p].strip() for row in rows for p in positions}
        if "Y" not in values or not values <= set(_TICKED):
            continue
        evidence = positions + free.get(group, [])
        for row in rows:
            if not any(row[p].strip() for p in evidence):
                continue  # the question was skipped: every option stays blank
            for p in positions:
                row[p] = _TICKED[row[p].strip()]
