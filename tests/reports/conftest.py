"""The frame the board report tests share: Northwind's 240 simulated men, scored, by team."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import allypath


@pytest.fixture(scope="session")
def scored() -> pd.DataFrame:
    """240 simulated men (seed 5) scored, in two teams, Ops and Sales, every other row. Built once per
    test process; a test that changes it works on a copy."""
    frame = allypath.score(allypath.simulate(240, seed=5))
    frame["team"] = pd.array(np.where(np.arange(len(frame)) % 2, "Ops", "Sales"), dtype="string")
    return frame
