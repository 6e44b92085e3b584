"""A wave's finest cells: usable responses grouped by every declared column at once, the input of the
solve (:func:`finest_cells` for a DataFrame; the engines run the same group-by in SQL or count it
batch by batch, and :func:`_in_order` puts their cells in this module's order)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["COMMENT_COLUMNS", "finest_cells"]

COMMENT_COLUMNS = ("ot1", "ot2")


def _json(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _commenters(rows: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    present = [c for c in columns if c in rows.columns]
    if not present:
        return np.zeros(len(rows), dtype=np.int64)
    wrote = np.zeros(len(rows), dtype=bool)
    for column in present:
        text = rows[column].astype("string").str.strip()
        wrote |= (text.notna() & (text != "")).to_numpy(dtype=bool)
    return wrote.astype(np.int64)


def finest_cells(
    rows: pd.DataFrame, columns: Sequence[str], *, comment_columns: Sequence[str] = COMMENT_COLUMNS
) -> pd.DataFrame:
    """Usable responses grouped by every column at once: ``n``, ``stage_1``..``stage_4``, ``commenters``.

    A missing value is a value here ("level unknown"): those respondents are in the totals and in
    no level's cell.
    """
    stage = pd.to_numeric(rows["stage"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    measures = np.zeros((len(rows), 6), dtype=np.int64)
    measures[:, 0] = 1
    for number in range(1, 5):
        measures[:, number] = stage == number
    measures[:, 5] = _commenters(rows, comment_columns)
    names = ["n", *(f"stage_{s}" for s in range(1, 5)), "commenters"]
    if not len(rows):
        return pd.DataFrame(columns=[*columns, *names])
    factors = [pd.factorize(rows[c], sort=True, use_na_sentinel=True) for c in columns]
    if factors:
        key = np.stack([codes for codes, _ in factors], axis=1)
        combos, inverse = np.unique(key, axis=0, return_inverse=True)
        inverse = inverse.ravel()
    else:
        combos, inverse = np.zeros((1, 0), dtype=np.int64), np.zeros(len(rows), dtype=np.int64)
    sums = np.zeros((len(combos), measures.shape[1]), dtype=np.int64)
    np.add.at(sums, inverse, measures)
    data: dict[str, Any] = {}
    for position, (column, (_, uniques)) in enumerate(zip(columns, factors, strict=True)):
        values = np.asarray(uniques, dtype=object)
        codes = combos[:, position]
        data[column] = [None if code < 0 else _json(values[code]) for code in codes]
    for position, name in enumerate(names):
        data[name] = sums[:, position]
    return pd.DataFrame(data)


def _in_order(finest: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``finest`` sorted as :func:`finest_cells` sorts its cells (by each column's sorted values in
    turn, a missing value first), whatever order an engine gave them in: the same cells then get the
    same decisions on every engine."""
    present = [c for c in columns if c in finest.columns]
    if len(finest) < 2 or not present:
        return finest.reset_index(drop=True)
    codes = []
    for column in present:
        try:
            found, _ = pd.factorize(finest[column], sort=True, use_na_sentinel=True)
        except TypeError:  # values that do not compare (text beside numbers): by their text
            text = finest[column].map(lambda v: None if v is None else str(v))
            found, _ = pd.factorize(text, sort=True, use_na_sentinel=True)
        codes.append(found)
    return finest.iloc[np.lexsort(codes[::-1])].reset_index(drop=True)
