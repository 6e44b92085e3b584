"""The charts of the board report and the console dashboard, drawn from published rows only.

Each takes rows as the release publishes them (hidden groups carry no figure and are left out, with a
note saying how many), so a page and its export show the same picture. Drawings are memoised: the same
figures are drawn again on every visit of a page.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from allypath.analytics.factors import LIKERT, chance_margin
from allypath.engines.aggregate import DECIMALS
from allypath.model import FACTORS, STAGE_KEYS
from allypath.reports.charts import STAGE_COLORS, Chart, heatmap, line_chart, stacked_bar_chart
from allypath.reports.labels import FACTOR_LABELS, STAGE_NAMES

__all__ = ["factor_chart", "index_change_chart", "stage_mix_chart", "transition_chart"]


_CHARTS: OrderedDict[str, Chart] = OrderedDict()
_CHART_CACHE = 64  # the same figures are drawn again on every visit of a page: ~0.2 s a chart


def _chart(draw: Callable[..., Chart], data: pd.DataFrame, **options: Any) -> Chart:
    key = json.dumps([draw.__name__, data.to_json(orient="split"), options], sort_keys=True, default=str)
    if key in _CHARTS:
        _CHARTS.move_to_end(key)
        return _CHARTS[key]
    chart = draw(data, **options)
    _CHARTS[key] = chart
    if len(_CHARTS) > _CHART_CACHE:
        _CHARTS.popitem(last=False)
    return chart


def _visible(rows: pd.DataFrame) -> np.ndarray:
    """Which rows the gate showed: analytics rows carry ``visible``, aggregate tables ``suppressed``."""
    if "visible" in rows.columns:
        return rows["visible"].astype(bool).to_numpy()
    return (rows["suppressed"].fillna("") == "").to_numpy()


def _shown(rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return rows
    return rows[_visible(rows) & rows["share_apathy"].notna().to_numpy()]


def _hidden_note(rows: pd.DataFrame, shown: int) -> str:
    hidden = len(rows) - shown
    return (
        f" {hidden} group{'s' if hidden != 1 else ''} hidden by the privacy rules (see the table)."
        if hidden
        else ""
    )


def _margin_words(shown: pd.DataFrame) -> str:
    """How far the drawn means may move by chance: from the smallest shown group's margin to the
    largest's. The table's ``margin`` is each row's widest (each mean from the number of men it is
    over, :func:`~allypath.analytics.factors.widest_margins`); a table without one, from the sizes."""
    if "margin" in shown.columns:
        margins = pd.to_numeric(shown["margin"], errors="coerce").dropna().tolist()
    else:
        sizes = pd.to_numeric(shown["n"], errors="coerce").dropna() if "n" in shown.columns else pd.Series()
        margins = [m for n in sizes if (m := chance_margin(float(n), LIKERT)) is not None]
    if not margins:
        return ""
    low, high = min(margins), max(margins)
    span = f"{low:.1f}" if low == high else f"{low:.1f} to {high:.1f}, by group"
    return f" By chance alone a mean could be off by up to {span}, judged from how many men answered."


def stage_mix_chart(
    rows: pd.DataFrame, *, title: str, label: str = "group", names: Sequence[str] = STAGE_NAMES
) -> Chart | None:
    """Stacked bars of the stage shares of every shown row of a ``stage_mix``-like table; ``names``
    are the stages' names in the legend (the report's language)."""
    shown = _shown(rows)
    if shown.empty:
        return None
    long = pd.DataFrame(
        [
            {"group": str(row[label]), "stage": name, "share": round(float(row[f"share_{key}"]), DECIMALS)}
            for _, row in shown.iterrows()
            for name, key in zip(names, STAGE_KEYS, strict=True)
        ]
    )
    description = (
        f"Share of respondents at each stage for {len(shown)} group{'s' if len(shown) != 1 else ''}."
        + _hidden_note(rows, len(shown))
    )
    return _chart(
        stacked_bar_chart,
        long,
        category="group",
        value="share",
        stack="stage",
        title=title,
        description=description,
        stack_domain=list(names),
        colors=list(STAGE_COLORS),
        category_title="",
        value_title="share of respondents",
    )


def factor_chart(
    rows: pd.DataFrame, *, kinds: Sequence[str], title: str, label: str = "group"
) -> Chart | None:
    """Heatmap of group means (1-5) of the factors of ``kinds``; red marks where it hurts."""
    keys = [f.key for f in FACTORS if f.kind in kinds and f.key in rows.columns]
    shown = rows[_visible(rows)] if not rows.empty else rows
    long = pd.DataFrame(
        [
            # rounded once, as the table writes it (f"{x:.1f}"): rounding to 2 places first made
            # 2.849 show as 2.9 in the chart and 2.8 in the table
            {"group": str(row[label]), "factor": FACTOR_LABELS[key], "mean": float(f"{float(row[key]):.1f}")}
            for _, row in shown.iterrows()
            for key in keys
            if row[key] is not None and not pd.isna(row[key])
        ]
    )
    if long.empty:
        return None
    enabler = "enabler" in kinds  # high is good: the colours run the other way
    colors = ("#d6604d", "#f7f7f7", "#4393c3") if enabler else ("#4393c3", "#f7f7f7", "#d6604d")
    description = (
        f"Mean score (1-5) of each {' and '.join(kinds)} per group; "
        + ("low values (red) are missing enablers." if enabler else "high values (red) are strong obstacles.")
        + _margin_words(shown)
        + _hidden_note(rows, len(shown))
    )
    return _chart(
        heatmap,
        long,
        x="factor",
        y="group",
        value="mean",
        title=title,
        description=description,
        domain=(1.0, 5.0),
        colors=list(colors),
        value_format=".1f",
        label_threshold=None,
        cell_size=56,
    )


def index_change_chart(rows: pd.DataFrame, waves: tuple[str, str], *, title: str) -> Chart | None:
    """Mean developmental index on each wave, one line per shown group (``wave_change`` rows)."""
    shown = rows[_visible(rows)] if not rows.empty else rows
    long = pd.DataFrame(
        [
            {"wave": wave, "group": str(row["group"]), "index": round(float(row[f"index_{side}"]), 2)}
            for _, row in shown.iterrows()
            for wave, side in zip(waves, ("before", "after"), strict=True)
            if not pd.isna(row[f"index_{side}"])
        ]
    )
    if long.empty:
        return None
    return _chart(
        line_chart,
        long,
        x="wave",
        y="index",
        color="group",
        title=title,
        description=f"Mean developmental index (0-100) on {waves[0]} and {waves[1]} per group."
        + _hidden_note(rows, len(shown)),
        y_title="developmental index",
        x_title="wave",
        value_format=",.0f",
        height=200,
        y_domain=(0.0, 100.0),  # the whole scale: a cut axis made a few points look like a leap
    )


def transition_chart(rows: pd.DataFrame, *, title: str) -> Chart | None:
    """The stage-to-stage transition probabilities of one group (``transitions`` rows)."""
    shown = rows[_visible(rows) & rows["probability"].notna().to_numpy()]
    if shown.empty:
        return None
    long = pd.DataFrame(
        {
            "from": [f"from {STAGE_NAMES[int(s) - 1]}" for s in shown["from_stage"]],
            "to": [f"to {STAGE_NAMES[int(s) - 1]}" for s in shown["to_stage"]],
            "probability": shown["probability"].astype(float).round(3).to_numpy(),
        }
    )
    return _chart(
        heatmap,
        long,
        x="to",
        y="from",
        value="probability",
        title=title,
        description=(
            "Of the panel members at each stage on the first wave, the share at each stage on the second."
        ),
        domain=(0.0, 1.0),
        colors=["#f7fbff", "#9ecae1", "#2171b5"],
        value_format=".0%",
        label_threshold=0.5,
        cell_size=80,
    )
