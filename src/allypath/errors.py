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
    "RequestProblem",
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


class RequestProblem(AllypathError):  # noqa: N818 - a refused request, not a server fault
    """A web request the server will not serve as asked: the HTTP ``status`` to answer with, the query or
    body ``field`` at fault (None when no one field is) and a plain ``message`` for people.

    Raised anywhere below a view; the API and the console each turn it into their error answer in one
    place, so no view maps it by hand. ``code`` is the machine-readable cause clients may branch on.
    """

    def __init__(
        self, status: int, message: str, *, field: str | None = None, code: str = "invalid_request"
    ) -> None:
        self.status = status
        self.field = field
        self.message = message
        self.code = code
        super().__init__(message)

    #: Seconds after which the same request may succeed (a 503 while figures are prepared), else None.
    retry_after: int | None = None

    def field_errors(self) -> list[tuple[str, str, str]]:
        """``(field, message, code)`` for each field at fault, as the API lists them."""
        return [] if self.field is None else [(self.field, self.message, self.code)]
