"""The board report: where groups stand, what holds them back, what to do; as PDF, HTML, CSV and XLSX.

Everything comes from :mod:`allypath.analytics` as the organisation's release publishes it (the web
passes the organisation's release, the CLI solves one over the file's declared breakdowns), so a
hidden group carries its reason and no figure. The same chart helpers draw the console dashboard, so
a page and its export show the same picture.

The aggregate table (:func:`aggregate_table`, the CSV and XLSX) has one row for the whole selection
(``overall``) and one per group: the group size ``n``, ``suppressed`` (the gate's reason code, empty
when shown) and ``note`` (why, in words), the stage shares with Wilson intervals, the mean stage
probabilities and the mean of every barrier, norm and enabler. Hidden values are empty.

:func:`aggregate_duckdb` builds the same table from a Parquet dataset with DuckDB group-bys
(bounded memory, any size): the finest cells of the declared breakdowns are solved into the same
release, so its hidden cells equal the in-memory path's.

Django-free: the web and the CLI both call it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from allypath.analytics import (
    PlanItem,
    action_plan,
    diagnostic_answers,
    factor_heatmap,
    policy_awareness,
    stage_mix,
    wilson_interval,
)
from allypath.analytics._gating import discloses_answers, placed, view_release
from allypath.analytics.factors import LIKERT
from allypath.analytics.mix import BAND_COLUMNS, SPLITS
from allypath.analytics.narrative import QUESTIONS as SUMMARY_QUESTIONS
from allypath.analytics.narrative import Summary, released_figures, summarise, verdict
from allypath.errors import DataError
from allypath.io.xlsx import FORMULA_TRIGGERS, write_xlsx
from allypath.model import FACTORS, INTERVENTIONS, STAGE_KEYS, STAGES
from allypath.privacy import Breakdown, PrivacyPolicy, Release, describe, solve_release
from allypath.privacy.release import COMMENT_COLUMNS
from allypath.reports.charts import STAGE_COLORS, Chart, heatmap, line_chart, stacked_bar_chart

__all__ = [
    "FACTOR_LABELS",
    "INTERVENTION_LABELS",
    "STAGE_NAMES",
    "Board",
    "aggregate_duckdb",
    "aggregate_table",
    "board_html",
    "board_pdf",
    "build_board",
    "factor_chart",
    "index_change_chart",
    "records",
    "refused_board",
    "stage_mix_chart",
    "table_csv",
    "table_xlsx",
    "transition_chart",
    "write_board",
]

STAGE_NAMES = tuple(s.short_label.get_lang("en") for s in STAGES)
FACTOR_LABELS = {f.key: f.label.get_lang("en") for f in FACTORS}
INTERVENTION_LABELS = {i.key: i.label.get_lang("en") for i in INTERVENTIONS}
MIX_COLUMNS = [f"{part}_{key}" for part in ("share", "low", "high", "expected") for key in STAGE_KEYS]
FACTOR_COLUMNS = [f.key for f in FACTORS]
TABLE_COLUMNS = [
    "group",
    "n",
    "suppressed",
    "note",
    "split",
    *MIX_COLUMNS,
    "share_early",
    "share_late",
    "low_early",
    "high_early",
    *FACTOR_COLUMNS,
]
DECIMALS = 6
SCALE_MAX = 5  # the 1-5 agreement scale; low policy awareness reads 6 - claimed awareness


# --------------------------------------------------------------------------- plain rows


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts with ``None`` for every missing value (templates and JSON)."""
    out = []
    for row in frame.to_dict("records"):
        out.append({str(k): _plain(v) for k, v in row.items()})
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# --------------------------------------------------------------------------- charts (memoised)

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


def stage_mix_chart(rows: pd.DataFrame, *, title: str, label: str = "group") -> Chart | None:
    """Stacked bars of the stage shares of every shown row of a ``stage_mix``-like table."""
    shown = _shown(rows)
    if shown.empty:
        return None
    long = pd.DataFrame(
        [
            {"group": str(row[label]), "stage": name, "share": round(float(row[f"share_{key}"]), DECIMALS)}
            for _, row in shown.iterrows()
            for name, key in zip(STAGE_NAMES, STAGE_KEYS, strict=True)
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
        stack_domain=list(STAGE_NAMES),
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


# --------------------------------------------------------------------------- the aggregate table


def _round(frame: pd.DataFrame) -> pd.DataFrame:
    numbers = [c for c in (*MIX_COLUMNS, *BAND_COLUMNS, *FACTOR_COLUMNS) if c in frame.columns]
    frame[numbers] = frame[numbers].astype(float).round(DECIMALS)
    return frame


def _finish_table(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    frame = frame.reindex(columns=["group", *by, *TABLE_COLUMNS[1:]])
    frame["n"] = frame["n"].astype("Int64")
    for column in ("suppressed", "note", "split"):
        frame[column] = frame[column].fillna("").astype(str)
    return _round(frame).reset_index(drop=True)


def _by_list(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def aggregate_table(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """The overall row and one row per group of ``by``: sizes, stage mix and factor means, as published.

    Hidden values are empty; ``suppressed`` is the reason code (empty when shown), ``note`` says why
    in words, ``split`` how much of the stage split is shown (``stages``, ``bands`` or ``hidden``).
    """
    filters = dict(filters or {})
    columns = _by_list(by)
    if release is None:
        release = view_release(placed(scored), columns, filters, policy)
    mix = stage_mix(scored, columns, release=release, filters=filters, with_total=True)
    heat = pd.concat(
        [
            factor_heatmap(scored, [], release=release, filters=filters),
            factor_heatmap(scored, columns, release=release, filters=filters),
        ],
        ignore_index=True,
    ).set_index("group")
    rows = []
    for row in records(mix):
        figures = heat.loc[row["group"]] if row["group"] in heat.index else None
        out: dict[str, Any] = {"group": row["group"], **{c: row.get(c) for c in columns}}
        if not row["visible"]:
            out.update(n=None, suppressed=row["reason"] or "", note=row["message"] or "", split="")
        else:
            out.update(n=row["n"], suppressed="", note=row["split_message"] or "", split=row["split"] or "")
            out.update({c: row[c] for c in (*MIX_COLUMNS, *BAND_COLUMNS)})
            if figures is not None:
                out.update({c: _plain(figures[c]) for c in FACTOR_COLUMNS if c in figures.index})
        rows.append(out)
    if rows:
        for column in columns:
            rows[0][column] = "overall"
    return _finish_table(pd.DataFrame(rows), columns)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _duck_sql(by: Sequence[str], columns: set[str]) -> str:
    """Counts per stage, mean probabilities and factor means per group and overall, in one scan."""
    keys = ", ".join(_quoted(c) for c in by)
    parts = ["count(*) AS n", f"GROUPING({keys}) AS grouping_id"]
    parts += [f"{_quoted(c)} AS {_quoted('by_' + c)}" for c in by]
    for number, key in enumerate(STAGE_KEYS, start=1):
        parts.append(f"count(*) FILTER (WHERE stage = {number}) AS count_{key}")
        probability = f"p_{key}"
        mean = f"avg({_quoted(probability)})" if probability in columns else "NULL"
        parts.append(f"{mean} AS expected_{key}")
    for factor in FACTORS:
        column = f"score_{factor.construct}"
        mean = f"avg({_quoted(column)})" if column in columns else "NULL"
        count = f"count({_quoted(column)})" if column in columns else "0"
        parts.append(f"{mean} AS {_quoted(factor.key)}")
        parts.append(f"{count} AS {_quoted('answered_' + factor.key)}")
    placed_rows = "WHERE status = 'scored'" if "status" in columns else ""  # as analytics: placed rows
    # identifiers are quoted above and no value is interpolated: not an injection vector
    return (
        f"SELECT {', '.join(parts)} FROM scored {placed_rows} "  # noqa: S608
        f"GROUP BY GROUPING SETS (({keys}), ())"
    )


def _finest_sql(columns: Sequence[str], present: set[str]) -> str:
    """The finest cells of the declared columns: counts, stage counts and commenters."""
    keys = ", ".join(_quoted(c) for c in columns)
    wrote = " OR ".join(
        f"(trim(CAST({_quoted(c)} AS VARCHAR)) <> '')" for c in COMMENT_COLUMNS if c in present
    )
    parts = ["count(*) AS n"]
    parts += [f"count(*) FILTER (WHERE stage = {s}) AS stage_{s}" for s in range(1, 5)]
    parts.append(f"count(*) FILTER (WHERE {wrote}) AS commenters" if wrote else "0 AS commenters")
    placed_rows = "WHERE status = 'scored'" if "status" in present else ""
    select = f"{keys}, " if columns else ""
    group = f"GROUP BY {keys}" if columns else ""
    return f"SELECT {select}{', '.join(parts)} FROM scored {placed_rows} {group}"  # noqa: S608


def aggregate_duckdb(
    source: str | Path,
    by: str | Sequence[str],
    policy: PrivacyPolicy,
    *,
    breakdowns: Sequence[Breakdown] | None = None,
    hierarchy: Sequence[str] = (),
) -> pd.DataFrame:
    """:func:`aggregate_table` for a Parquet file or folder of scored rows, with DuckDB.

    Two scans: the finest cells of every declared column (solved into the release exactly as the
    in-memory path solves its rows), then the figures of ``by`` and the total. Only counts and means
    leave DuckDB, and the same release decides every cell, so both engines hide the same cells.
    """
    import duckdb

    from allypath.engines import parquet_source

    columns = _by_list(by)
    declared = list(breakdowns or [Breakdown(tuple(columns))])
    if Breakdown(tuple(columns)) not in declared:
        declared.append(Breakdown(tuple(columns)))
    needed = sorted({c for b in declared for c in b.columns})
    con = duckdb.connect()
    try:
        con.execute("SET threads = 2")
        relation = con.read_parquet(parquet_source(source), union_by_name=True)
        present = set(relation.columns)
        for column in needed:
            if column not in present:
                raise DataError(f"the scored data has no column {column!r}", file=str(source), column=column)
        if "stage" not in present:
            raise DataError("the data is not scored (no stage column)", file=str(source), column="stage")
        finest_rel = relation.query("scored", _finest_sql(needed, present))
        assert finest_rel is not None
        finest = finest_rel.df()
        answer = relation.query("scored", _duck_sql(columns, present))
        assert answer is not None  # a SELECT always returns a relation
        result = answer.df()
    except duckdb.Error as exc:
        raise DataError(f"cannot aggregate the Parquet input ({exc})", file=str(source)) from None
    finally:
        con.close()
    for column in needed:  # DuckDB's NULL is pandas' None/NaN: both mean "no value" to the release
        finest[column] = finest[column].astype(object).where(finest[column].notna(), None)
    release = solve_release(
        pd.DataFrame(), declared, policy, wave_column=None, hierarchy=hierarchy, finest=finest
    )
    return _release_rows(result, columns, release)


def _release_rows(result: pd.DataFrame, by: list[str], release: Release) -> pd.DataFrame:
    total = result[result["grouping_id"] != 0]
    groups = result[result["grouping_id"] == 0]
    keep = np.ones(len(groups), dtype=bool)
    for column in by:
        keep &= groups[f"by_{column}"].notna().to_numpy()
    groups = groups[keep]
    values = [tuple(_plain(row[f"by_{c}"]) for c in by) for _, row in groups.iterrows()]
    order = sorted(range(len(values)), key=lambda i: values[i])
    rows = [_count_row({}, total.iloc[0] if len(total) else None, release)]
    rows[0].update({c: "overall" for c in by})
    for i in order:
        filters = dict(zip(by, values[i], strict=True))
        rows.append(_count_row(filters, groups.iloc[i], release))
    return _finish_table(pd.DataFrame(rows), by)


def _count_row(filters: dict[str, Any], row: pd.Series | None, release: Release) -> dict[str, Any]:
    cell = release.cell(filters)
    out: dict[str, Any] = {"group": describe(filters), **filters}
    if row is None or cell.n is None:
        out.update(n=None, suppressed=cell.reason, note=release.message(cell.reason), split="")
        return out
    n = int(row["n"])
    if n != cell.n:
        raise DataError("the data changed while it was aggregated", column="n")
    counts = np.array([float(row[f"count_{k}"]) for k in STAGE_KEYS])
    low, high = wilson_interval(counts, float(n))
    out.update(n=n, suppressed="", note=release.message(cell.split_reason), split=SPLITS[cell.detail])
    if cell.detail == 2:
        for index, key in enumerate(STAGE_KEYS):
            out[f"share_{key}"] = counts[index] / n
            out[f"low_{key}"] = float(low[index])
            out[f"high_{key}"] = float(high[index])
            out[f"expected_{key}"] = _plain(row[f"expected_{key}"])
    if cell.detail == 1:
        early = (counts[0] + counts[1]) / n
        band_low, band_high = wilson_interval(counts[0] + counts[1], float(n))
        out.update(
            share_early=early, share_late=1 - early, low_early=float(band_low), high_early=float(band_high)
        )
    for factor in FACTORS:
        mean = _plain(row[factor.key])
        answered = int(row[f"answered_{factor.key}"] or 0)
        if mean is not None and discloses_answers(np.array([float(mean)]), np.array([answered]), LIKERT)[0]:
            mean = None  # as the in-memory path: a mean that pins everyone's answer is withheld
        if mean is not None and factor.key == "low_policy_awareness":
            mean = SCALE_MAX + 1 - float(mean)  # as analytics.factor_heatmap: reads like a barrier
        out[factor.key] = mean
    return out


def table_csv(table: pd.DataFrame) -> str:
    """The aggregate table as CSV: hidden values empty, text cells spreadsheet-safe."""
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(_csv_safe)
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, na_rep="", float_format=f"%.{DECIMALS}f", lineterminator="\n")
    return buffer.getvalue()


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value  # shown as text by spreadsheets, never run as a formula (CWE-1236)
    return value


# --------------------------------------------------------------------------- the board report


@dataclass
class Board:
    """Everything the board report shows, already through the gate.

    ``table`` is :func:`aggregate_table`'s (first row overall); ``awareness`` the overall policy
    awareness row; ``diagnostics`` the three questions overall and per group; ``plan`` the proposed
    interventions per group; ``adopted`` the plan HR adopted (dicts with owner, due, status);
    ``band`` the non-response band row and ``rate`` the response rate (web only: they need the
    invited counts). ``summary`` is the selection's summary in words (:mod:`allypath.analytics.narrative`),
    the same the console's pages open with. Parts left ``None`` were not available (e.g. the DuckDB
    engine has no rows).
    """

    title: str
    subtitle: str
    by: str
    policy: PrivacyPolicy
    table: pd.DataFrame
    by_label: str = ""
    awareness: dict[str, Any] | None = None
    diagnostics: pd.DataFrame | None = None
    plan: list[PlanItem] | None = None
    adopted: list[dict[str, Any]] = field(default_factory=list)
    band: dict[str, Any] | None = None
    rate: dict[str, Any] | None = None
    summary: Summary | None = None
    notes: list[str] = field(default_factory=list)
    declared: list[Breakdown] = field(default_factory=list)
    generated: dt.date = field(default_factory=dt.date.today)


def build_board(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    title: str,
    subtitle: str = "",
    by_label: str = "",
    filters: Mapping[str, Hashable] | None = None,
    plan_limit: int = 3,
    previous: Hashable | None = None,
    language: str = "en",
    **extra: Any,
) -> Board:
    """Compute every part of the board report for ``scored`` by ``by``, as ``release`` publishes it.

    The summary compares the filters' wave with ``previous`` (a wave label; None: no comparison) and
    is written in ``language`` (en, fr or ar).
    """
    filters = dict(filters or {})
    columns = _by_list(by)
    if release is None:
        release = view_release(placed(scored), columns, filters, policy)
    table = aggregate_table(scored, columns, release=release, filters=filters)
    awareness = records(policy_awareness(scored, [], release=release, filters=filters))
    diagnostics = pd.concat(
        [
            diagnostic_answers(scored, [], release=release, filters=filters),
            diagnostic_answers(scored, columns, release=release, filters=filters),
        ],
        ignore_index=True,
    )
    plan = action_plan(scored, columns, release=release, filters=filters, limit=plan_limit)
    figures = released_figures(scored, release=release, filters=filters, previous=previous)
    summary = summarise(figures, language)
    return Board(
        title=title,
        subtitle=subtitle,
        by=" × ".join(columns),
        by_label=by_label or " × ".join(columns),
        policy=release.policy,
        table=table,
        awareness=awareness[0] if awareness else None,
        diagnostics=diagnostics,
        plan=plan,
        summary=summary,
        **extra,
    )


def refused_board(
    total: Mapping[str, Any],
    *,
    by: str,
    policy: PrivacyPolicy,
    title: str,
    subtitle: str = "",
    by_label: str = "",
) -> Board:
    """The report of a selection the gate hides as a whole: its one row says why, nothing else shows."""
    row = {"group": total["group"], by: "overall", "n": None, "split": ""}
    row.update(suppressed=total.get("reason") or "below_k", note=total.get("message") or "hidden")
    return Board(
        title=title,
        subtitle=subtitle,
        by=by,
        by_label=by_label or by,
        policy=policy,
        table=_finish_table(pd.DataFrame([row]), [by]),
        notes=["The privacy rules hide this whole selection, so the report shows no figure."],
    )


def _pct(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


def _num(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value):.{digits}f}"


def _nobreak(value: str) -> Any:
    """``value`` escaped, each hyphenated word kept on one line ("always-available" is never split
    after its hyphen in a narrow table header)."""
    from markupsafe import Markup, escape

    words = [f'<span class="nowrap">{escape(w)}</span>' if "-" in w else escape(w) for w in value.split()]
    return Markup(" ".join(words))  # noqa: S704 - every word escaped above


def _css_string(value: str) -> Any:
    from markupsafe import Markup

    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ").replace("\n", " ")
    return Markup(f'"{text}"')  # noqa: S704 - escaped for a CSS string above


ANSWER_WORDS = {"yes": "Yes", "partly": "Partly", "no": "No", "unknown": "Not known"}
INTERVENTION_TEXT = {i.key: i.description.get_lang("en") for i in INTERVENTIONS}
EVERYONE_LABEL = "Everyone"


def _group_answers(row: Mapping[str, Any]) -> list[str]:
    """A group's answers to the three questions from its published factor means, by the summary's
    rule, on the means as the table writes them (one decimal)."""
    means = {key: None if row.get(key) is None else float(f"{float(row[key]):.1f}") for key in FACTOR_COLUMNS}
    return [ANSWER_WORDS[verdict(q, means)] for q in SUMMARY_QUESTIONS]


def _by_columns(table: pd.DataFrame) -> list[str]:
    """The breakdown's columns of an aggregate table (between ``group`` and ``n``)."""
    columns = list(table.columns)
    return columns[1 : columns.index("n")] if "n" in columns else []


def _human(row: Mapping[str, Any], by: Sequence[str]) -> str:
    """A row's name in plain words: the overall row is "Everyone", a group its values of the
    breakdown ("Ops/EMEA", "Ops/EMEA, Staff"): the wave and the filters are in the subtitle."""
    values = [str(row[c]) for c in by if row.get(c) not in (None, "")]
    if not values or all(v == "overall" for v in values):
        return EVERYONE_LABEL
    return ", ".join(values)


def _date(day: dt.date) -> str:
    """A date as people write it: 4 December 2026."""
    return f"{day.day} {day:%B %Y}"


def _key_message(summary: Summary | None) -> dict[str, Any] | None:
    """The cover's key message, from the summary (the same released figures, the same words):
    where the men are, the three answers, what to do first."""
    if summary is None:
        return None
    if summary.hidden:
        return {"lines": [summary.hidden], "answers": [], "actions": [], "summary": summary}
    return {
        "lines": list(summary.where[:2]),
        "answers": list(summary.answers),
        "actions": list(summary.actions),
        "summary": summary,
    }


def board_html(board: Board) -> str:
    """The report as one self-contained HTML page (charts inline as SVG, print styles for the PDF).

    Printed (the PDF): a cover with the key message, the summary, then the figures; every page
    numbered; tables split so that each fits a portrait page with every column; groups named in
    plain words (never ``unit=...``).
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("allypath.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = _pct
    env.filters["num"] = _num
    env.filters["css_string"] = _css_string
    env.filters["nobreak"] = _nobreak
    by = _by_columns(board.table)
    table = board.table.copy()
    table["label"] = [_human(row, by) for row in records(board.table)]
    rows = records(table)
    names = {row["group"]: row["label"] for row in rows}
    hidden = [r for r in rows if r["suppressed"]]
    plan: dict[str, list[tuple[PlanItem, str]]] = {}
    described: set[str] = set()  # each intervention explained once, where it first appears
    for item in board.plan or []:
        text = "" if item.intervention in described else INTERVENTION_TEXT.get(item.intervention, "")
        described.add(item.intervention)
        plan.setdefault(names.get(item.group, item.group), []).append((item, text))
    adopted = [{**a, "label": names.get(a["group"], a["group"])} for a in board.adopted]
    group_answers = [(row, _group_answers(row)) for row in rows[1:]]
    kinds = {"barriers": ("barrier", "norm"), "enablers": ("enabler",)}
    factor_tables = [
        (name, [(f.key, FACTOR_LABELS[f.key]) for f in FACTORS if f.kind in wanted])
        for name, wanted in kinds.items()
    ]
    context = {
        "board": board,
        "overall": rows[0] if rows else None,
        "groups": rows[1:],
        "hidden": hidden,
        "stage_names": STAGE_NAMES,
        "stage_keys": STAGE_KEYS,
        "factor_tables": factor_tables,
        "interventions": INTERVENTION_LABELS,
        "plan": plan,
        "adopted": adopted,
        "questions": [(q.key, q.text("en")) for q in SUMMARY_QUESTIONS],
        "group_answers": group_answers,
        "key": _key_message(board.summary),
        "generated": _date(board.generated),
        "mix_chart": stage_mix_chart(
            table, title=f"Stage mix: everyone and by {board.by_label}", label="label"
        ),
        "barrier_chart": factor_chart(
            table,
            kinds=("barrier", "norm"),
            title="Barriers and norms (1-5, higher is worse)",
            label="label",
        ),
        "enabler_chart": factor_chart(
            table, kinds=("enabler",), title="Enablers (1-5, higher is better)", label="label"
        ),
        "reasons": sorted({(r["suppressed"], r["note"]) for r in hidden}),
    }
    return env.get_template("board.html").render(**context)


def board_pdf(board: Board) -> bytes:
    """The report as a PDF (WeasyPrint; the same HTML and SVG as :func:`board_html`)."""
    from weasyprint import HTML

    return bytes(HTML(string=board_html(board)).write_pdf())


def table_xlsx(table: pd.DataFrame, path: str | Path) -> Path:
    """The aggregate table as a one-sheet workbook (formula-injection safe, see :func:`write_xlsx`)."""
    return write_xlsx(table, path, sheet="aggregates")


FORMATS = ("pdf", "html", "csv", "xlsx")


def write_board(board: Board, path: str | Path) -> Path:
    """Write the report in the format named by ``path``'s suffix: .pdf, .html, .csv or .xlsx."""
    target = Path(path)
    kind = target.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise DataError(
            f"cannot write a report as {target.suffix!r}; use .pdf, .html, .csv or .xlsx", file=str(path)
        )
    if kind == "xlsx":
        return table_xlsx(board.table, target)
    if kind == "pdf":
        target.write_bytes(board_pdf(board))
    else:
        text = table_csv(board.table) if kind == "csv" else board_html(board)
        target.write_text(text, encoding="utf-8")
    return target
