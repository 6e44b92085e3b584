"""Read and write wide response tables (CSV or Parquet) for the CLI and services.

Reading names the file in every error; writing is atomic (a failed run leaves nothing behind).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from allypath._files import atomic_path
from allypath.errors import DataError

__all__ = ["read_table", "write_table"]

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def _format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise DataError(
            f"unknown file type {path.suffix or '(none)'}; use .csv or .parquet", file=str(path)
        ) from None


def read_table(path: str | Path) -> pd.DataFrame:
    """A wide response table from CSV (UTF-8, optional byte-order mark) or Parquet."""
    path = Path(path)
    kind = _format(path)
    if not path.exists():
        raise DataError("no such file", file=str(path))
    if path.stat().st_size == 0:
        raise DataError("the file is empty (0 bytes)", file=str(path))
    if kind == "parquet":
        try:
            return pq.read_table(path).to_pandas()
        except (pa.ArrowInvalid, OSError) as exc:
            raise DataError(f"not a readable Parquet file ({exc})", file=str(path)) from None
    from allypath.io import read_csv

    return read_csv(path).data


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` to CSV or Parquet by the file's extension, atomically."""
    path = Path(path)
    kind = _format(path)
    with atomic_path(path) as tmp:
        if kind == "parquet":
            table = pa.Table.from_pandas(frame, preserve_index=False)
            metadata = {**(table.schema.metadata or {})}
            for key, value in frame.attrs.items():
                metadata[f"allypath.{key}".encode()] = str(value).encode()
            pq.write_table(table.replace_schema_metadata(metadata), tmp)
        else:
            pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), tmp)
