"""SurveyMonkey CSV exports ("All responses data", expanded, actual answer text).

Two header rows: the first holds each question's text once, above the first of its columns, and
leaves the cells above the question's other columns blank; the second names what each column holds
(``Response``, ``Open-Ended Response``, a choice, a sub-question, ``Other (please specify)``).
Lines end in CRLF. A checkbox question has one column per choice holding the choice text when it was
ticked; a matrix question one column per row of the matrix.
"""

from __future__ import annotations

import os

from allypath.errors import DataError
from allypath.io._records import build_table, data_rows, load_records, squash, unique_names
from allypath.io._source import SourceColumn, SourceTable

__all__ = ["looks_like_surveymonkey", "read_surveymonkey"]

# Second-row cells that say "the answer" rather than naming a choice or sub-question.
_PLAIN = frozenset({"", "response", "open-ended response"})
_FIRST_CELLS = ("Respondent ID", "Collector ID")
_ID_COLUMNS = frozenset({"Respondent ID", "Collector ID"})


def looks_like_surveymonkey(records: list[list[str]]) -> bool:
    """Whether the first records have the shape of a SurveyMonkey export."""
    return len(records) >= 2 and tuple(records[0][:2]) == _FIRST_CELLS


def read_surveymonkey(path: str | os.PathLike[str]) -> SourceTable:
    """Read a SurveyMonkey CSV export with its two header rows.

    Parameters
    ----------
    path : path-like
        The ``.csv`` SurveyMonkey wrote (UTF-8, CRLF).

    Returns
    -------
    SourceTable
        ``format="surveymonkey"``. A question in one column is named by its text; a question
        spanning several columns gives each ``"<question> - <sub-header>"`` with ``group`` = the
        question text and ``option`` = the sub-header (choice, sub-question or field). The question
        text is every column's ``label``. Names repeated in the export get `` (2)``, `` (3)``.

    Raises
    ------
    DataError
        Missing second header row, a second-row cell with no question above it, a row with the
        wrong number of fields, bytes that are not UTF-8 -- naming file, row and column.
    """
    file = str(path)
    records, info = load_records(
        path, header_rows=2, delimiter=None
    )  # sniffed: a re-save in Excel may use semicolons
    questions, subs = records[0], records[1]
    if len(subs) != len(questions):
        raise DataError(
            f"the two header rows differ in length ({len(questions)} and {len(subs)} fields); "
            "a SurveyMonkey export has a question row and a sub-header row of equal length",
            file=file,
            row=0,
        )
    starts = _question_starts(questions, subs, file)
    names: list[str] = []
    columns_meta: list[tuple[str, str | None, str | None]] = []
    for position, sub in enumerate(subs):
        label = squash(questions[starts[position]])
        grouped = starts.count(starts[position]) > 1
        option = squash(sub) or None
        if not grouped and sub.strip().lower() in _PLAIN:
            name, option = label, None
        else:
            name = f"{label} - {option}" if option else label
        names.append(name)
        columns_meta.append((label, label if grouped else None, option))
    names = unique_names(names)
    rows = data_rows(records, header_rows=2, names=names, file=file)
    columns = [
        SourceColumn(name=name, label=label, group=group, option=option)
        for name, (label, group, option) in zip(names, columns_meta, strict=True)
    ]
    return build_table(
        columns,
        rows,
        format="surveymonkey",
        file=file,
        metadata={**info, "questions": sorted({c.group for c in columns if c.group})},
        string_columns=[n for n in names if n in _ID_COLUMNS],
    )


def _question_starts(questions: list[str], subs: list[str], file: str) -> list[int]:
    """For each column, the position of the first-row cell holding its question.

    A blank first-row cell continues the question to its left.
    """
    starts: list[int] = []
    current: int | None = None
    for position, question in enumerate(questions):
        if question.strip():
            current = position
        elif current is None:
            raise DataError(
                "the first header cell is blank; a SurveyMonkey export starts with 'Respondent ID'",
                file=file,
                row=0,
                column=subs[position] or f"#{position + 1}",
            )
        starts.append(current)
    return starts
