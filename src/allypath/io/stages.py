"""A scored file's stages are 1, 2, 3 or 4, or blank where none was placed: a file edited by hand
("two", 9) crashed the report or was summarised with stage 9, so the first bad cell is refused, naming
the file, row and column. ``allypath summary``, ``allypath report`` and
:func:`allypath.stats.retest_reliability` read scored files through this one check."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from allypath._written import as_written
from allypath.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BAD_STAGE", "STAGE_COLUMN", "checked_stages"]

STAGE_COLUMN = "stage"
BAD_STAGE = (
    "a stage is 1, 2, 3 or 4, or blank where none was placed (got {});"
    " score the answers again with `allypath score` rather than editing the stages"
)


def checked_stages(stage: pd.Series, *, file: str | None) -> pd.Series:
    """``stage`` as numbers (float, NaN where blank), or a :class:`DataError` naming the first cell
    that is not 1, 2, 3 or 4 (its row counted from 1 in the order of ``stage``)."""
    import pandas as pd

    numbers = pd.to_numeric(stage, errors="coerce")
    bad = (stage.notna() & numbers.isna()) | (numbers.notna() & ~numbers.isin([1, 2, 3, 4]))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        cell = as_written(stage.iloc[row])  # 9 as written, not 9.0 nor np.float64(9.0)
        raise DataError(BAD_STAGE.format(cell), file=file, row=row + 1, column=STAGE_COLUMN)
    return numbers.astype("float64")
