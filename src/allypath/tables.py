"""Wide response tables (docs/architecture.md) for the CLI and services: CSV or Parquet by extension.

A thin façade over :mod:`allypath.io` so that commands read and write the contract format through the
one reader and writer per format.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from allypath.errors import DataError
from allypath.io import read_csv, read_parquet, read_wide_arrow, write_wide, write_wide_arrow

__all__ = ["read_arrow", "read_table", "write_arrow", "write_table"]


def read_table(path: str | Path, *, notes: list[str] | None = None) -> pd.DataFrame:
    """A wide response table from ``.csv`` or ``.parquet``; errors name the file, row and column.

    What the reader changed on the way in (e.g. R's row-name column dropped) is appended to
    ``notes`` when a list is given, for the caller to show.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        table = read_csv(path, delimiter=None)  # a semicolon CSV (Excel in many locales) reads as it is
        if notes is not None:
            notes.extend(table.metadata.get("notes", []))
        return table.data
    if suffix in (".parquet", ".pq"):
        return read_parquet(path).data
    raise DataError(f"unknown file type {suffix or '(none)'}; use .csv or .parquet", file=str(path))


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` atomically to ``.csv`` or ``.parquet`` (a failed run leaves nothing)."""
    write_wide(frame, path)


def read_arrow(path: str | Path) -> pa.Table:
    """:func:`read_table` as an Arrow table: the same checks, no pandas (for large inputs)."""
    return read_wide_arrow(path, delimiter=None)


def write_arrow(table: pa.Table, path: str | Path) -> None:
    """:func:`write_table` for an Arrow table."""
    write_wide_arrow(table, path)
