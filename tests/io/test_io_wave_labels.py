"""The waves of a file as labels, one rule for every reader (the retest statistics and the methods
report's "no panel" reason): first seen first, without outer spaces, blanks in no wave."""

from __future__ import annotations

import pandas as pd

from allypath.io.waves import wave_labels


def test_labels_are_stripped_deduplicated_and_in_file_order() -> None:
    labels, blank = wave_labels(pd.Series(["B ", " A", None, "B", "A", "  ", 2026]))
    assert labels == ["B", "A", "2026"]
    assert blank.tolist() == [False, False, True, False, False, True, False]


def test_a_column_of_blanks_holds_no_wave() -> None:
    labels, blank = wave_labels(pd.Series([None, ""], dtype="object"))
    assert labels == []
    assert blank.all()
