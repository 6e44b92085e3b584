"""Each respondent once, and each row named: a ``respondent_id`` on two rows, or a blank
``respondent_id`` in a file that has the column, is refused where the data comes in (``allypath
score``, ``allypath import``), naming the file and the rows, rather than counted twice (or, blank,
never comparable) or refused later without them. A file with no ``respondent_id`` column at all is
not checked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from allypath.errors import DataError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd
    import pyarrow as pa

__all__ = ["ID_COLUMN", "blank_id_error", "refuse_duplicate_ids"]

ID_COLUMN = "respondent_id"


def blank_id_error(row: int, others: int, *, file: str | None, column: str = ID_COLUMN) -> DataError:
    """The error for a blank id on ``row`` (1-based) and ``others`` more blank rows (every engine's)."""
    more = f"; {others} more row(s) have a blank id" if others else ""
    return DataError(
        "the respondent_id is blank: each row needs its respondent's id, so that no one is counted "
        f"twice (a file without ids has no respondent_id column){more}",
        file=file,
        row=row,
        column=column,
    )


def refuse_duplicate_ids(
    ids: pd.Series | pa.ChunkedArray | pa.Array,
    *,
    file: str | None,
    rows: Sequence[int] | np.ndarray | None = None,
    waves: pd.Series | None = None,
    column: str = ID_COLUMN,
) -> None:
    """Raise a :class:`DataError` naming ``file`` and the first row whose respondent_id is blank
    (missing, or only spaces) where others are not, else the first two rows (1-based data rows) that
    share a respondent_id (compared as text without the spaces around them).

    ``rows`` gives each id's row number in the file when it is not its position plus 1 (an import
    that set empty rows aside). ``waves`` is the data's wave column, if it has one: where it holds
    several waves an id may come back in each (the same man answering again: a panel), and is refused
    only twice within one wave. ``column`` is the ids' column, named in the error (a panel file may
    key its people by another column than respondent_id).
    """
    import pyarrow as pa

    values = ids.to_pandas() if isinstance(ids, pa.ChunkedArray | pa.Array) else ids
    text = values.reset_index(drop=True).astype("string").str.strip()
    number = np.arange(1, len(text) + 1) if rows is None else np.asarray(rows, dtype=np.int64)
    present = (text.notna() & (text != "")).to_numpy(dtype=bool)
    if not present.any():
        return  # a column of no id at all (an anonymous export that keeps the header): no ids to check
    if not present.all():
        blank = np.flatnonzero(~present)
        raise blank_id_error(int(number[blank[0]]), len(blank) - 1, file=file, column=column)
    wave = None if waves is None else waves.reset_index(drop=True).astype("string").str.strip()
    if wave is not None and wave[wave.notna() & (wave != "")].nunique() < 2:
        wave = None  # one wave: each id once in the data
    keys = text if wave is None else text + "\x1f" + wave.fillna("")
    repeated = keys.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return
    second = int(np.flatnonzero(repeated)[0])
    first = int(np.flatnonzero((keys == keys.iloc[second]).fillna(False).to_numpy())[0])
    others = int(repeated.sum()) - 1
    where = f"rows {number[first]} and {number[second]}"
    if wave is None:
        more = f"; {others} more row(s) repeat an earlier id" if others else ""
        message = f"{column} {text.iloc[second]!r} is on {where}: each respondent must appear once{more}"
    else:
        more = f"; {others} more row(s) repeat an earlier id of their wave" if others else ""
        message = (
            f"{column} {text.iloc[second]!r} is on {where}, both of wave {wave.iloc[second]}: each "
            f"respondent must appear once in a wave{more}"
        )
    raise DataError(message, file=file, column=column)
