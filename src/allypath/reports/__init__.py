"""Reports: charts (one Vega-Lite spec -> SVG for web and PDF) and the methods report.

The methods report pulls in the whole statistics engine, so its names load on first use: a web
view that only draws charts does not pay for scikit-learn and the SEM engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from allypath.reports.charts import (
    STAGE_COLORS,
    Chart,
    bar_chart,
    heatmap,
    line_chart,
    render_svg,
    stacked_bar_chart,
)

if TYPE_CHECKING:
    from allypath.reports.methods import MethodsReport, ReportTable, Section, methods_report, stage_cfa_model

__all__ = [
    "STAGE_COLORS",
    "Chart",
    "MethodsReport",
    "ReportTable",
    "Section",
    "bar_chart",
    "heatmap",
    "line_chart",
    "methods_report",
    "render_svg",
    "stacked_bar_chart",
    "stage_cfa_model",
]

_LAZY = {"MethodsReport", "ReportTable", "Section", "methods_report", "stage_cfa_model"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module("allypath.reports.methods"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
