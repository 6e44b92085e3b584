"""The charts of the board report and the console dashboard, drawn from published rows only.

Each takes rows as the release publishes them (hidden groups carry no figure and are left out, with a
note saying how many), so a page and its export show the same picture. Drawings are memoised: the same
figures are drawn again on every visit of a page.

The board report draws them in its language (``language``: en, fr or ar): the legend, the axis titles,
the descriptions and what a screen reader says of each mark in that language's words
(:data:`~allypath.reports.board_words.CHART_WORDS`), numbers with its decimal comma. The console draws
them in English.
"""

from __future__ import annotations

import copy
import dataclasses
import html
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from allypath._kept import Kept
from allypath.analytics.factors import LIKERT, chance_margin
from allypath.analytics.plan_words import decimal
from allypath.engines.aggregate import DECIMALS
from allypath.model import FACTORS, STAGE_KEYS
from allypath.reports.board_words import chart_words
from allypath.reports.charts import STAGE_COLORS, Chart, heatmap, line_chart, render_svg, stacked_bar_chart
from allypath.reports.labels import STAGE_NAMES

__all__ = ["factor_chart", "index_change_chart", "stage_mix_chart", "transition_chart"]


# the same figures are drawn again on every visit of a page: ~0.2 s a chart
_CHARTS: Kept[str, Chart] = Kept(64)


#: Numbers as d3 writes them in each language other than English (Vega's ``config.locale``).
_NUMBER_LOCALES: dict[str, dict[str, Any]] = {
    "fr": {
        "decimal": ",",
        "thousands": "\u00a0",
        "grouping": [3],
        "currency": ["", "\u00a0€"],
        "percent": "\u00a0%",
    },
    "ar": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", ""], "percent": "%"},
}
_SPOKEN = "_spoken"  # the column of each mark's accessible text (reports.charts)


def _chart(
    draw: Callable[..., Chart],
    data: pd.DataFrame,
    *,
    language: str = "en",
    guides: dict[str, str] | None = None,
    **options: Any,
) -> Chart:
    key = json.dumps(
        [draw.__name__, data.to_json(orient="split"), options, language, guides], sort_keys=True, default=str
    )
    kept = _CHARTS.get(key)
    if kept is not None:
        return kept
    chart = draw(data, **options)
    if language in _NUMBER_LOCALES:
        chart = _localised(chart, language, guides or {})
    _CHARTS.put(key, chart)
    return chart


def _localised(chart: Chart, language: str, guides: dict[str, str]) -> Chart:
    """``chart`` drawn again with ``language``'s numbers (3,8 and 20 %) and each mark's spoken value
    with the same numbers; Vega's own words for a screen reader, English sentences ("X-axis for a
    discrete scale with ..."), replaced by ``guides`` (``axisX``, ``axisY``, ``legend``) and the
    chart's title (the renderer ignores a spec's own ``description`` of an axis)."""
    spec = copy.deepcopy(chart.spec)
    spec.setdefault("config", {})["locale"] = {"number": _NUMBER_LOCALES[language]}
    for rows in spec.get("datasets", {}).values():
        for row in rows:
            if isinstance(row, dict) and isinstance(row.get(_SPOKEN), str):
                row[_SPOKEN] = _spoken_in(row[_SPOKEN], language)
    svg = render_svg(spec, title=chart.title, description=chart.description)
    said = {**guides, "title": chart.title}
    for guide, (role, opening) in _GUIDES.items():
        if guide in said:
            pattern = rf'(aria-roledescription="{role}" aria-label="){opening}[^"]*(")'
            svg = re.sub(pattern, _saying(html.escape(said[guide], quote=True)), svg)
    return dataclasses.replace(chart, spec=spec, svg=svg)


def _saying(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement that puts ``text`` between a match's two groups (no escape is read in it)."""
    return lambda match: match.group(1) + text + match.group(2)


#: Vega's English description of each guide: its role and how its words open.
_GUIDES = {
    "axisX": ("axis", "X-axis"),
    "axisY": ("axis", "Y-axis"),
    "legend": ("legend", ""),
    "title": ("title", "Title text"),
}


def _spoken_in(text: str, language: str) -> str:
    """A mark's spoken words ("Groupe: Ops; Moyenne: 3.8") with its value, the last, as ``language``
    writes numbers ("3,8", "20 %")."""
    head, sep, value = text.rpartition(": ")
    locale = _NUMBER_LOCALES[language]
    value = value.replace(".", locale["decimal"]).replace("%", locale["percent"])
    return head + sep + value


def _guide(words: dict[str, str], name: str, items: Sequence[str]) -> str:
    """A screen reader's description of an axis or a legend: its name and its values."""
    return words["guide"].format(name=name[:1].upper() + name[1:], items=words["list"].join(items))


def _visible(rows: pd.DataFrame) -> np.ndarray:
    """Which rows the gate showed: analytics rows carry ``visible``, aggregate tables ``suppressed``."""
    if "visible" in rows.columns:
        return rows["visible"].astype(bool).to_numpy()
    return (rows["suppressed"].fillna("") == "").to_numpy()


def _shown(rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return rows
    return rows[_visible(rows) & rows["share_apathy"].notna().to_numpy()]


def _hidden_note(rows: pd.DataFrame, shown: int, language: str = "en") -> str:
    hidden = len(rows) - shown
    if not hidden:
        return ""
    return chart_words(language)["hidden_one" if hidden == 1 else "hidden_many"].format(n=hidden)


def _margin_words(shown: pd.DataFrame, language: str = "en") -> str:
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
    words = chart_words(language)
    low_text, high_text = decimal(low, language), decimal(high, language)
    span = (
        words["span_one"].format(low=low_text)
        if low == high
        else words["span_range"].format(low=low_text, high=high_text)
    )
    return words["margin"].format(span=span)


def stage_mix_chart(
    rows: pd.DataFrame,
    *,
    title: str,
    label: str = "group",
    names: Sequence[str] = STAGE_NAMES,
    language: str = "en",
) -> Chart | None:
    """Stacked bars of the stage shares of every shown row of a ``stage_mix``-like table; ``names``
    are the stages' names in the legend, ``language`` the words around them (the report's)."""
    shown = _shown(rows)
    if shown.empty:
        return None
    words = chart_words(language)
    group, stage, share = words["group"], words["stage"], words["share"]
    long = pd.DataFrame(
        [
            {group: str(row[label]), stage: name, share: round(float(row[f"share_{key}"]), DECIMALS)}
            for _, row in shown.iterrows()
            for name, key in zip(names, STAGE_KEYS, strict=True)
        ]
    )
    # The stages in the order the segments run: colour is not the only way to tell them apart (WCAG 1.4.1).
    order = words["mix_order"].format(stages=words["list"].join(names))
    description = (
        words["mix_one" if len(shown) == 1 else "mix_many"].format(n=len(shown))
        + order
        + _hidden_note(rows, len(shown), language)
    )
    guides = None
    if language in _NUMBER_LOCALES:
        groups = list(dict.fromkeys(long[group]))
        guides = {
            "axisX": words["share_title"],
            "axisY": _guide(words, group, groups),
            "legend": _guide(words, stage, list(names)),
        }
    return _chart(
        stacked_bar_chart,
        long,
        language=language,
        guides=guides,
        category=group,
        value=share,
        stack=stage,
        title=title,
        description=description,
        stack_domain=list(names),
        colors=list(STAGE_COLORS),
        category_title="",
        value_title=words["share_title"],
    )


def factor_chart(
    rows: pd.DataFrame, *, kinds: Sequence[str], title: str, label: str = "group", language: str = "en"
) -> Chart | None:
    """Heatmap of group means (1-5) of the factors of ``kinds``; red marks where it hurts. Factors
    are named and the chart described in ``language`` (the report's)."""
    keys = [f.key for f in FACTORS if f.kind in kinds and f.key in rows.columns]
    labels = {f.key: f.label.get_lang(language) for f in FACTORS}
    words = chart_words(language)
    group, factor, mean = words["group"], words["factor"], words["mean"]
    shown = rows[_visible(rows)] if not rows.empty else rows
    long = pd.DataFrame(
        [
            # rounded once, as the table writes it (f"{x:.1f}"): rounding to 2 places first made
            # 2.849 show as 2.9 in the chart and 2.8 in the table
            {group: str(row[label]), factor: labels[key], mean: float(f"{float(row[key]):.1f}")}
            for _, row in shown.iterrows()
            for key in keys
            if row[key] is not None and not pd.isna(row[key])
        ]
    )
    if long.empty:
        return None
    enabler = "enabler" in kinds  # high is good: the colours run the other way
    colors = ("#d6604d", "#f7f7f7", "#4393c3") if enabler else ("#4393c3", "#f7f7f7", "#d6604d")
    named = words["kinds_and"].join(words.get(f"kind_{kind}", kind) for kind in kinds)
    description = (
        words["factor_enablers" if enabler else "factor_barriers"].format(kinds=named)
        + _margin_words(shown, language)
        + _hidden_note(rows, len(shown), language)
    )
    guides = None
    if language in _NUMBER_LOCALES:
        guides = {
            "axisX": _guide(words, factor, list(dict.fromkeys(long[factor]))),
            "axisY": _guide(words, group, list(dict.fromkeys(long[group]))),
        }
    return _chart(
        heatmap,
        long,
        language=language,
        guides=guides,
        x=factor,
        y=group,
        value=mean,
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
