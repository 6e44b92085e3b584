"""Data that hold several waves (a ``wave`` column): reported one wave at a time.

A file of two waves was summed into one group of everyone who ever answered, and the report then said
"there is no earlier wave to compare with" (a review). Now the report and the summary show one wave
(``--wave``; by default the last in the file), through a release solved over every wave of the file,
and the report compares it with the wave before it, as the console's dashboard does. Waves are taken
in the order they first appear in the file: labels such as "Spring" and "Autumn" have no order of
their own, and files are appended wave after wave. One man may answer every wave (a panel): his id
then repeats across waves, but not within one (:func:`allypath.io.ids.refuse_duplicate_ids`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from allypath.errors import DataError
from allypath.io.waves import waves_in_order

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["WAVE_COLUMN", "WaveChoice", "choose_wave"]

WAVE_COLUMN = "wave"


@dataclass(frozen=True)
class WaveChoice:
    """The waves the data hold (labels, in the order they first appear), the one to report (None when
    the data are one wave: reported whole, as before) and the one before it (None: the first)."""

    waves: tuple[str, ...]
    chosen: Hashable | None = None
    previous: Hashable | None = None

    @property
    def several(self) -> bool:
        return self.chosen is not None

    def filters(self) -> dict[str, Hashable]:
        return {} if self.chosen is None else {WAVE_COLUMN: self.chosen}

    def words(self) -> str:
        """The wave reported, in words (empty for data of one wave)."""
        if self.chosen is None:
            return ""
        if self.previous is None:
            return f"wave {self.chosen}, the first of the data's {len(self.waves)}"
        return f"wave {self.chosen}, compared with wave {self.previous}"


def _listed(labels: list[str]) -> str:
    return ", ".join(labels) if len(labels) <= 6 else ", ".join([*labels[:5], f"... ({len(labels)} waves)"])


def choose_wave(frame: pd.DataFrame, wanted: str | None, file: str) -> WaveChoice:
    """The wave to report: ``wanted`` (a label), or the last wave of the data when it holds several.

    Refused, naming the file: ``--wave`` for data with no wave column or a label the data lack, and a
    blank wave on some row of data that hold several (that row would count in no wave).
    """
    if WAVE_COLUMN not in frame.columns:
        if wanted is not None:
            raise DataError(f"--wave {wanted}: the data have no wave column", file=file, column=WAVE_COLUMN)
        return WaveChoice(())
    distinct, blank = waves_in_order(frame[WAVE_COLUMN])  # the values as stored, first seen first
    labels = [str(value).strip() for value in distinct]
    if wanted is not None and wanted.strip() not in labels:
        raise DataError(
            f"--wave {wanted}: the data hold the waves {_listed(labels) or '(none)'}",
            file=file,
            column=WAVE_COLUMN,
        )
    if len(distinct) <= 1:
        return WaveChoice(tuple(labels))
    if blank.any():
        row = int(np.flatnonzero(blank)[0])
        raise DataError(
            f"the wave is blank while the data hold the waves {_listed(labels)}: give every row its wave",
            file=file,
            row=row + 1,
            column=WAVE_COLUMN,
        )
    at = labels.index(wanted.strip()) if wanted is not None else len(labels) - 1
    return WaveChoice(tuple(labels), distinct[at], distinct[at - 1] if at > 0 else None)
