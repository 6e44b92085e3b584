"""The workbook HR downloads: shares in percent, averages left on their 1-5 scale."""

from __future__ import annotations

import pandas as pd

from allypath.engines.aggregate import FACTOR_COLUMNS, MIX_COLUMNS, TABLE_COLUMNS
from allypath.reports.board import readable_table
from allypath.reports.labels import FACTOR_LABELS


def _table() -> pd.DataFrame:
    row: dict[str, object] = {column: 0.25 for column in TABLE_COLUMNS}
    row.update(group="overall", unit="overall", n=40, suppressed="", note="", split="stages", margin=0.4)
    row.update({key: 2.743 for key in FACTOR_COLUMNS})
    return pd.DataFrame([row])[["group", "unit", *TABLE_COLUMNS[1:]]]


def test_every_average_keeps_its_scale_and_every_share_reads_in_percent() -> None:
    out = readable_table(_table())
    averages = [f"{FACTOR_LABELS[key]} (average, 1 to 5)" for key in FACTOR_COLUMNS]
    # low_policy_awareness starts like an interval bound (low_apathy) and was read as one: 274.3
    assert "low_policy_awareness" in FACTOR_COLUMNS
    assert {name: float(out.loc[0, name]) for name in averages} == {name: 2.743 for name in averages}
    shares = [c for c in out.columns if c.endswith("(%)")]
    assert len(shares) == len(MIX_COLUMNS) + 4  # the four stages' four figures and the two bands' bounds
    assert {float(out.loc[0, c]) for c in shares} == {25.0}
