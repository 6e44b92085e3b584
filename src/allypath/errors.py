"""One exception tree for allypath.

Every error raised on bad input names where the problem is: the file, the row, the column or the field.
Callers catch :class:`AllypathError` to handle anything allypath raises on purpose.
"""

from __future__ import annotations

__all__ = [
    "AllypathError",
    "ConfigurationError",
    "DataError",
    "InstrumentError",
    "ModelSyntaxError",
    "PrivacyError",
    "StatsError",
]


class AllypathError(Exception):
    """Base class of every error allypath raises on purpose."""


class InstrumentError(AllypathError):
    """An instrument definition is invalid (names the file, item and field)."""


class ConfigurationError(AllypathError):
    """A setting or configuration value is invalid."""


class DataError(AllypathError):
    """Input data is invalid. Carries the location so messages and callers can point at it.

    Parameters
    ----------
    message : str
        What is wrong, in plain words.
    file, row, column : optional
        Where it is wrong. ``row`` is 1-based and counts data rows (the header is row 0).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file is not None:
            where.append(f"file {self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class StatsError(AllypathError):
    """A statistical analysis cannot be run on the given data or model (says why)."""


class ModelSyntaxError(StatsError):
    """A model string (lavaan syntax) cannot be parsed; names the line and the token."""


class PrivacyError(AllypathError):
    """A request would disclose a group below the minimum size; says which rule refused it."""
