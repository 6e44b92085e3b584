"""A wave solved over its own tables (``solve_release(wave_breakdowns=...)``): the web fixes each
wave's when its figures are first published, so a later declaration changes nothing already seen."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from allypath.privacy import Breakdown, PrivacyPolicy, solve_release
from allypath.privacy.release import Release

UNIT, LEVEL, CROSSED = Breakdown.of("unit"), Breakdown.of("level"), Breakdown.of("unit", "level")


def _rows() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    n = 240
    return pd.DataFrame(
        {
            "wave": np.where(np.arange(n) < n // 2, "W1", "W2"),
            "unit": rng.choice(["A", "B", "C"], n),
            "level": rng.choice(["Staff", "Manager"], n),
            "stage": rng.integers(1, 5, n),
        }
    )


def test_each_wave_is_solved_over_its_own_tables_exactly_as_alone():
    rows = _rows()
    policy = PrivacyPolicy(k=5)
    both = solve_release(
        rows, [UNIT, LEVEL, CROSSED], policy, wave_breakdowns={"W1": [UNIT, LEVEL]}, current=[UNIT, LEVEL]
    )
    # W1's cells are those of a release of W1 over its two tables; W2's of one over all three
    alone_w1 = solve_release(rows[rows["wave"] == "W1"], [UNIT, LEVEL], policy)
    alone_w2 = solve_release(rows[rows["wave"] == "W2"], [UNIT, LEVEL, CROSSED], policy)
    for wave, alone in (("W1", alone_w1), ("W2", alone_w2)):
        mine = {k: c for k, c in both.cells.items() if k[0] == wave}
        assert mine == alone.cells
    assert not any(len(c.columns) == 2 for c in both.cells.values() if c.wave == "W1")
    assert any(len(c.columns) == 2 for c in both.cells.values() if c.wave == "W2")


def test_a_table_a_wave_lacks_is_refused_with_why_in_words():
    rows = _rows()
    # W1 was published over unit x level, which is no longer declared; W2 over unit alone, before
    # level was declared
    release = solve_release(
        rows,
        [UNIT, LEVEL, CROSSED],
        PrivacyPolicy(k=5),
        wave_breakdowns={"W1": [UNIT, CROSSED], "W2": [UNIT]},
        current=[UNIT, LEVEL],
    )
    added = release.cell({"level": "Staff"}, wave="W2")
    assert not added.shown and not added.declared and added.reason == "not_declared_wave"
    assert release.message(added.reason).startswith("this breakdown was added after this wave's figures")
    dropped = release.cell({"unit": "A", "level": "Staff"}, wave="W2")
    assert dropped.reason == "not_declared"
    assert release.cell({"unit": "A", "level": "Staff"}, wave="W1").declared
    assert release.declares(["level"]) and not release.declares(["level"], "W2")
    # never declared at all
    assert release.cell({"region": "EMEA"}, wave="W1").reason == "not_declared"


def test_the_waves_tables_survive_storing_and_must_be_declared_ones():
    rows = _rows()
    release = solve_release(
        rows, [UNIT, LEVEL], PrivacyPolicy(k=5), wave_breakdowns={"W1": [UNIT]}, current=[LEVEL, UNIT]
    )
    again = Release.from_dict(release.to_dict())
    assert again.wave_breakdowns == {"W1": (UNIT,)} and again.current == (LEVEL, UNIT)
    assert again.fingerprint() == release.fingerprint()
    # a release without waves' own tables stores exactly what it did before they existed
    plain = solve_release(rows, [UNIT, LEVEL], PrivacyPolicy(k=5)).to_dict()
    assert "wave_breakdowns" not in plain and "current" not in plain
    with pytest.raises(ValueError, match="W1's breakdowns must be among the declared ones"):
        solve_release(rows, [UNIT], PrivacyPolicy(k=5), wave_breakdowns={"W1": [LEVEL]})
