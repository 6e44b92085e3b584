"""What every reader returns: the source data as it came, plus what the format says about it.

A :class:`SourceTable` keeps the original column names and values; turning it into the wide response
format is the job of a mapping (:func:`allypath.io.apply_mapping`). Keeping the two apart means one
reader per format and one place where source values become scale values.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

__all__ = ["COLUMN_TYPES", "ColumnType", "SourceColumn", "SourceTable"]

ColumnType = Literal["integer", "number", "boolean", "string", "date", "datetime", "time", "empty"]
#: The column types a reader reports. ``empty`` is a column with no value at all (nothing to infer).
#: Integer columns are pandas ``Int64`` (nullable), numbers ``float64``, strings pandas ``str``.
COLUMN_TYPES: tuple[str, ...] = (
    "integer",
    "number",
    "boolean",
    "string",
    "date",
    "datetime",
    "time",
    "empty",
)


@dataclass(frozen=True)
class SourceColumn:
    """One column of a source file and what the format says about it.

    Parameters
    ----------
    name : str
        The column name in :attr:`SourceTable.data` (the export's own variable name or code).
    label : str or None
        The question text (or variable label) the export carries for the column, if any.
    type : ColumnType
        The type of the values (see :data:`COLUMN_TYPES`).
    value_labels : dict
        Code -> label, where the format has them (SPSS value labels).
    missing_codes : tuple
        Codes the format declares missing (SPSS user-missing values). They are already missing in the
        data; they are kept so that a person can see what was dropped.
    missing_ranges : tuple of (low, high)
        Ranges the format declares missing (SPSS ``MISSING VALUES x (1 THRU 5)``).
    group : str or None
        The question a multi-column answer belongs to: a multi-select question (LimeSurvey, Qualtrics),
        a spanning SurveyMonkey question, an SPSS multiple-response set.
    option : str or None
        For a column of a group, the option (sub-question) text it stands for.
    """

    name: str
    label: str | None = None
    type: ColumnType = "string"
    value_labels: dict[Hashable, str] = field(default_factory=dict)
    missing_codes: tuple[Any, ...] = ()
    missing_ranges: tuple[tuple[float, float], ...] = ()
    group: str | None = None
    option: str | None = None

    @property
    def text(self) -> str:
        """The label when there is one, else the name (what a person would read as the question)."""
        return self.label or self.name


@dataclass(frozen=True)
class SourceTable:
    """A parsed export: one row per response, original column names, and the format's metadata.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per response; columns in file order, named as in :attr:`columns`.
    columns : tuple of SourceColumn
        One entry per column of ``data``, in the same order.
    format : str
        The reader that produced it: ``csv``, ``parquet``, ``qualtrics``, ``surveymonkey``,
        ``limesurvey``, ``google_forms``, ``spss`` or ``xlsx``.
    file : str
        The path it was read from (errors name it).
    metadata : dict
        Format-specific facts (header variant, encoding, multiple-response sets, ...).
    """

    data: pd.DataFrame
    columns: tuple[SourceColumn, ...]
    format: str
    file: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if names != [str(c) for c in self.data.columns]:
            raise ValueError("SourceTable.columns must describe data.columns one to one, in order")

    def __iter__(self) -> Iterator[SourceColumn]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.data)

    def column(self, name: str) -> SourceColumn:
        """The :class:`SourceColumn` called ``name`` (KeyError when there is none)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in file order."""
        return tuple(c.name for c in self.columns)

    def groups(self) -> dict[str, tuple[SourceColumn, ...]]:
        """Multi-column questions: group name -> its columns, in file order."""
        out: dict[str, list[SourceColumn]] = {}
        for col in self.columns:
            if col.group is not None:
                out.setdefault(col.group, []).append(col)
        return {k: tuple(v) for k, v in out.items()}
