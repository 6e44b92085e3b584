"""The aggregate table of the board report, from scored rows in memory or from Parquet with DuckDB.

:func:`aggregate_table` (pandas, through :mod:`allypath.analytics`) and :func:`aggregate_duckdb`
(DuckDB group-bys over a Parquet dataset of any size, bounded memory) give the same table: one row for
the whole selection (``overall``) and one per group, with the group size ``n``, ``suppressed`` (the
gate's reason code, empty when shown) and ``note`` (why, in words), the stage shares with Wilson
intervals, the mean stage probabilities and the mean of every barrier, norm and enabler; hidden values
are empty. On the DuckDB path the finest cells of the declared breakdowns are solved into the same
release as in memory, so both hide the same cells (tests/dashboard/test_board.py compares them).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from allypath._values import plain, records
from allypath.analytics import factor_heatmap, stage_mix, wilson_interval
from allypath.analytics._gating import discloses_answers, placed, view_release
from allypath.analytics.factors import LIKERT
from allypath.analytics.mix import BAND_COLUMNS, SPLITS
from allypath.errors import DataError
from allypath.model import FACTORS, STAGE_KEYS
from allypath.privacy import Breakdown, PrivacyPolicy, Release, describe, solve_release
from allypath.privacy.release import COMMENT_COLUMNS

__all__ = [
    "DECIMALS",
    "FACTOR_COLUMNS",
    "MIX_COLUMNS",
    "TABLE_COLUMNS",
    "aggregate_duckdb",
    "aggregate_table",
    "by_list",
    "finish_table",
]

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


def _round(frame: pd.DataFrame) -> pd.DataFrame:
    numbers = [c for c in (*MIX_COLUMNS, *BAND_COLUMNS, *FACTOR_COLUMNS) if c in frame.columns]
    frame[numbers] = frame[numbers].astype(float).round(DECIMALS)
    return frame


def finish_table(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    frame = frame.reindex(columns=["group", *by, *TABLE_COLUMNS[1:]])
    frame["n"] = frame["n"].astype("Int64")
    for column in ("suppressed", "note", "split"):
        frame[column] = frame[column].fillna("").astype(str)
    return _round(frame).reset_index(drop=True)


def by_list(by: str | Sequence[str]) -> list[str]:
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
    columns = by_list(by)
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
                out.update({c: plain(figures[c]) for c in FACTOR_COLUMNS if c in figures.index})
        rows.append(out)
    if rows:
        for column in columns:
            rows[0][column] = "overall"
    return finish_table(pd.DataFrame(rows), columns)


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

    columns = by_list(by)
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
    values = [tuple(plain(row[f"by_{c}"]) for c in by) for _, row in groups.iterrows()]
    order = sorted(range(len(values)), key=lambda i: values[i])
    rows = [_count_row({}, total.iloc[0] if len(total) else None, release)]
    rows[0].update({c: "overall" for c in by})
    for i in order:
        filters = dict(zip(by, values[i], strict=True))
        rows.append(_count_row(filters, groups.iloc[i], release))
    return finish_table(pd.DataFrame(rows), by)


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
            out[f"expected_{key}"] = plain(row[f"expected_{key}"])
    if cell.detail == 1:
        early = (counts[0] + counts[1]) / n
        band_low, band_high = wilson_interval(counts[0] + counts[1], float(n))
        out.update(
            share_early=early, share_late=1 - early, low_early=float(band_low), high_early=float(band_high)
        )
    for factor in FACTORS:
        mean = plain(row[factor.key])
        answered = int(row[f"answered_{factor.key}"] or 0)
        if mean is not None and discloses_answers(np.array([float(mean)]), np.array([answered]), LIKERT)[0]:
            mean = None  # as the in-memory path: a mean that pins everyone's answer is withheld
        if mean is not None and factor.key == "low_policy_awareness":
            mean = SCALE_MAX + 1 - float(mean)  # as analytics.factor_heatmap: reads like a barrier
        out[factor.key] = mean
    return out
