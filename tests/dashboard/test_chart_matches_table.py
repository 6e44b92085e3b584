"""A chart and its table say the same number: the factor heatmap rounds once, as the table does."""

from __future__ import annotations

import re

import pandas as pd

from allypath.reports.board_charts import factor_chart


def test_the_heatmap_writes_each_mean_as_the_table_does() -> None:
    # 2.849 and 2.447 showed as 2.9 and 2.5 in the chart (rounded to 2.85 and 2.45 first) but 2.8
    # and 2.4 in the table and the CSV.
    rows = pd.DataFrame(
        [
            {"group": "Corporate", "visible": True, "fear": 2.849, "unwelcome": 2.447},
            {"group": "Trading", "visible": True, "fear": 3.25, "unwelcome": 1.05},
        ]
    )
    chart = factor_chart(rows, kinds=("barrier", "norm"), title="Barriers")
    assert chart is not None
    written = re.findall(r">(\d\.\d)</text>", chart.svg)
    table = [f"{v:.1f}" for v in (2.849, 2.447, 3.25, 1.05)]
    assert sorted(written) == sorted(table), (written, table)


def test_no_chart_writes_text_smaller_than_12_px() -> None:
    rows = pd.DataFrame(
        [{"group": f"A long unit name number {i}", "visible": True, "fear": 2.0 + i / 10} for i in range(4)]
    )
    chart = factor_chart(rows, kinds=("barrier", "norm"), title="Barriers")
    assert chart is not None
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)px"', chart.svg)]
    assert sizes and min(sizes) >= 12, sorted(set(sizes))
    assert "A long unit name number 3" in chart.svg  # not cut
