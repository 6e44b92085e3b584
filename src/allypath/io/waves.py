"""The waves of a data file, in one order for every command: the order they first appear in the file.

Labels such as "Spring" and "Autumn" have no order of their own, and files are appended wave after
wave, so the first seen is the earliest. ``allypath summary`` and ``allypath report`` choose the wave to
show by it (:mod:`allypath.cli._waves`), and :func:`allypath.stats.retest_reliability` the two waves to
pair, so "the last wave" and "the one before it" are the same waves everywhere.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["wave_labels", "waves_in_order"]


def waves_in_order(values: pd.Series) -> tuple[list[Hashable], np.ndarray]:
    """The distinct waves of ``values`` as stored, first seen first, and a mask of the rows whose wave
    is blank (missing, or only spaces): such a row is in no wave. Compare labels after ``str().strip()``."""
    text = values.astype("string").str.strip()
    blank = (text.isna() | (text == "")).to_numpy(dtype=bool)
    return list(dict.fromkeys(values[~blank].tolist())), blank


def wave_labels(values: pd.Series) -> tuple[list[str], np.ndarray]:
    """The waves of ``values`` as labels, first seen first: each stored value as text without its outer
    spaces, so " A" and "A" are one wave; and the mask of blank rows, as :func:`waves_in_order`."""
    distinct, blank = waves_in_order(values)
    return list(dict.fromkeys(str(value).strip() for value in distinct)), blank
