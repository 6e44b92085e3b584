"""Each respondent once: a ``respondent_id`` on two rows is refused where the data comes in (``allypath
score``, ``allypath import``), naming the file and both rows, rather than counted twice or refused
later without them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from allypath.errors import DataError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["ID_COLUMN", "refuse_duplicate_ids"]

ID_COLUMN = "respondent_id"


def refuse_duplicate_ids(ids: pd.Series | pa.ChunkedArray | pa.Array, *, file: str | None) -> None:
    """Raise a :class:`DataError` naming ``file`` and the first two rows (1-based data rows) that share
    a respondent_id; blank ids are not compared."""
    import pyarrow as pa

    values = ids.to_pandas() if isinstance(ids, pa.ChunkedArray | pa.Array) else ids
    text = values.reset_index(drop=True).astype("string").str.strip()
    present = text.notna() & (text != "")
    repeated = (text.duplicated(keep="first") & present).to_numpy()
    if not repeated.any():
        return
    second = int(np.flatnonzero(repeated)[0])
    value = text.iloc[second]
    first = int(np.flatnonzero((text == value).fillna(False).to_numpy())[0])
    others = int(repeated.sum()) - 1
    more = f"; {others} more row(s) repeat an earlier id" if others else ""
    raise DataError(
        f"respondent_id {value!r} is on rows {first + 1} and {second + 1}: each respondent must appear "
        f"once{more}",
        file=file,
        column=ID_COLUMN,
    )
