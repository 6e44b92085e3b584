"""Trend lines say which group they are without colour (issue 16, point 6): each line is named at its end
with its value, drawn in a colour-blind-safe colour and its own dash pattern, on the index's whole 0-100
scale, with no text under 12 px."""

from __future__ import annotations

import re

import pandas as pd

from allypath.reports.board_charts import index_change_chart
from allypath.reports.charts import GROUP_COLORS


def test_trend_lines_are_named_at_their_end_in_safe_colours_and_dashes() -> None:
    rows = pd.DataFrame(
        [
            {"group": "Everyone", "visible": True, "index_before": 52.1, "index_after": 58.3},
            {"group": "Ops", "visible": True, "index_before": 60.0, "index_after": 55.5},
            {"group": "Sales", "visible": True, "index_before": 48.0, "index_after": 57.0},
            {"group": "Tech", "visible": False, "index_before": None, "index_after": None},
        ]
    )
    chart = index_change_chart(rows, ("2026 Q1", "2026 Q3"), title="Index")
    assert chart is not None
    labels = re.findall(r">([A-Za-z]+: \d+)</text>", chart.svg)
    assert sorted(labels) == ["Everyone: 58", "Ops: 56", "Sales: 57"]  # named where they end, hidden Tech not
    strokes = {
        c.upper()
        for c in re.findall(r'<path[^>]*stroke="(#[0-9a-fA-F]{6})"[^>]*stroke-width="2.5"', chart.svg)
    }
    assert strokes and strokes <= {c.upper() for c in GROUP_COLORS}
    assert len(set(re.findall(r'stroke-dasharray="([^"]+)"', chart.svg))) >= 2  # dashes tell lines apart
    axis = chart.spec["layer"][0]["encoding"]["y"]["scale"]
    assert axis["domain"] == [0.0, 100.0]
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"', chart.svg)]
    assert sizes and min(sizes) >= 12
