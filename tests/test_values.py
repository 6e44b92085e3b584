"""allypath._values: the one rule for turning numpy and pandas values into plain Python."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from allypath._values import plain, plain_deep, records


def test_numpy_scalars_become_python_ones():
    assert plain(np.int64(3)) == 3 and type(plain(np.int64(3))) is int
    assert type(plain(np.float32(0.5))) is float
    assert plain(np.bool_(True)) is True


def test_every_kind_of_missing_and_non_finite_becomes_none():
    for missing in (None, pd.NA, pd.NaT, math.nan, np.float64("nan"), math.inf, -np.inf):
        assert plain(missing) is None, missing
    assert plain(0.0) == 0.0 and plain("") == ""  # zero and empty text are values, not missing


def test_deep_values_are_json_ready():
    value = {1: [np.int64(2), (np.nan, "x")], "k": {"inner": np.float64(1.5)}}
    assert plain_deep(value) == {"1": [2, [None, "x"]], "k": {"inner": 1.5}}
    json.dumps(plain_deep(value), allow_nan=False)  # raises on NaN or infinity


def test_records_gives_none_for_missing_cells():
    frame = pd.DataFrame({"n": pd.array([3, None], dtype="Int64"), "share": [0.25, np.nan]})
    assert records(frame) == [{"n": 3, "share": 0.25}, {"n": None, "share": None}]
