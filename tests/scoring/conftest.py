from __future__ import annotations

import pandas as pd
import pytest

import allypath


@pytest.fixture(scope="session")
def simulated() -> pd.DataFrame:
    return allypath.simulate(3000, seed=11)


@pytest.fixture(scope="session")
def scored(simulated: pd.DataFrame) -> pd.DataFrame:
    return allypath.score(simulated)
