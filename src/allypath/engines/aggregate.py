"""The aggregate table of the board report, from scored rows in memory or from Parquet with DuckDB.

:func:`aggregate_table` (pandas, through :mod:`allypath.analytics`) and :func:`aggregate_duckdb`
(DuckDB group-bys over a Parquet dataset of any size, bounded memory) give the same table: one row for
the whole selection (``overall``) and one per group, with the group size ``n``, ``suppressed`` (the
gate's reason code, empty when shown) and ``note`` (why, in words), the stage shares with Wilson
intervals, the mean stage probabilities and the mean of every barrier, norm and enabler, and ``margin``,
the widest any of those means may move by chance (each from the number of men it is over); hidden values
are empty. On the DuckDB path the finest cells of the declared breakdowns are solved into the same
release as in memory, so both hide the same cells (tests/dashboard/test_board.py compares them).

Unscored data need not be written out scored and read back: :class:`CellTally` keeps, batch by batch,
the counts and sums of the finest cells that the two DuckDB scans compute, and
:func:`aggregate_unscored_duckdb` feeds it the batches the DuckDB engine scores (one pass, no temporary
file); :func:`tally_table` turns it into the same table.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from allypath._values import plain, records
from allypath.analytics import factor_heatmap, stage_mix, wilson_interval
from allypath.analytics._gating import discloses_answers, placed, view_release
from allypath.analytics.factors import LIKERT, widest_margins
from allypath.analytics.mix import BAND_COLUMNS, SPLITS
from allypath.engines.tally import SCORE_ENDS, TALLY_SUMS, TALLY_VALUES, CellTally, tally_schema
from allypath.errors import DataError
from allypath.model import FACTORS, STAGE_KEYS
from allypath.privacy import Breakdown, PrivacyPolicy, Release, describe, solve_release
from allypath.privacy.release import COMMENT_COLUMNS, DETAIL_STAGES, ENDS

if TYPE_CHECKING:  # pragma: no cover - the engine imports DuckDB, loaded on first use
    from allypath.engines.batches import BatchScorer

__all__ = [
    "DECIMALS",
    "FACTOR_COLUMNS",
    "MIX_COLUMNS",
    "TABLE_COLUMNS",
    "TALLY_SUMS",
    "TALLY_VALUES",
    "CellTally",
    "aggregate_duckdb",
    "aggregate_table",
    "aggregate_unscored_duckdb",
    "by_list",
    "finish_table",
    "tally_schema",
    "tally_table",
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
    "margin",
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
                out.update({c: plain(figures[c]) for c in (*FACTOR_COLUMNS, "margin") if c in figures.index})
        rows.append(out)
    if rows:
        for column in columns:
            rows[0][column] = "overall"
    return finish_table(pd.DataFrame(rows), columns)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _over_numbers(aggregate: str, column: str, test: str = "") -> str:
    """``aggregate`` ("avg", "count") of a value column's numbers, a NaN left out as missing (as pandas
    and the tally leave it): a file written with NaN rather than null would otherwise count it as an
    answer, average to NaN, and place it at the high end (DuckDB orders NaN above every number).
    ``test`` adds a condition on the column (``>= 5``). The connection must not propagate the files'
    statistics (:func:`aggregate_duckdb`): Parquet's leave NaN out, and DuckDB 2.0 then folds
    ``isnan`` to false."""
    quoted = _quoted(column)
    target = "*" if aggregate == "count" and test else quoted
    also = f" AND {quoted} {test}" if test else ""
    return f"{aggregate}({target}) FILTER (WHERE NOT isnan({quoted}){also})"


def _duck_sql(by: Sequence[str], columns: set[str]) -> str:
    """Counts per stage, mean probabilities and factor means per group and overall, in one scan."""
    keys = ", ".join(_quoted(c) for c in by)
    parts = ["count(*) AS n", f"GROUPING({keys}) AS grouping_id"]
    parts += [f"{_quoted(c)} AS {_quoted('by_' + c)}" for c in by]
    for number, key in enumerate(STAGE_KEYS, start=1):
        parts.append(f"count(*) FILTER (WHERE stage = {number}) AS count_{key}")
        probability = f"p_{key}"
        mean = _over_numbers("avg", probability) if probability in columns else "NULL"
        parts.append(f"{mean} AS expected_{key}")
    for factor in FACTORS:
        column = f"score_{factor.construct}"
        mean = _over_numbers("avg", column) if column in columns else "NULL"
        count = _over_numbers("count", column) if column in columns else "0"
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
    low, high = SCORE_ENDS
    for score in _SCORES:  # who answered each score, and who is at its ends: its release (_answerer_gates)
        counted = _over_numbers("count", score) if score in present else "count(*)"  # absent: no mean at all
        parts.append(f"{counted} AS {_quoted('answered_' + score)}")
        for part, test in (("low", f"<= {low + 1e-9!r}"), ("high", f">= {high - 1e-9!r}")):
            ends = _over_numbers("count", score, test) if score in present else "0"
            parts.append(f"{ends} AS {_quoted(part + '_' + score)}")
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
    from allypath.engines.duckdb_engine import read_parquet_relation

    columns, declared, needed = _declared(by, breakdowns)
    con = duckdb.connect()
    try:
        con.execute("SET threads = 2")
        # Parquet's column statistics leave NaN out, and DuckDB folds isnan() to false from them: a
        # file written with NaN for a missing score would count it as an answer (_over_numbers)
        con.execute("SET disabled_optimizers = 'statistics_propagation'")
        relation = read_parquet_relation(con, parquet_source(source))
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
    gates = _answerer_gates(finest, needed, declared, policy, hierarchy)
    finest = finest.drop(columns=_GATE_COLUMNS)
    release = solve_release(
        pd.DataFrame(), declared, policy, wave_column=None, hierarchy=hierarchy, finest=finest
    )
    return _release_rows(result, columns, release, gates)


def _declared(
    by: str | Sequence[str], breakdowns: Sequence[Breakdown] | None
) -> tuple[list[str], list[Breakdown], list[str]]:
    """``by`` as a list, the declared breakdowns (``by`` among them) and every column they name."""
    columns = by_list(by)
    declared = list(breakdowns or [Breakdown(tuple(columns))])
    if Breakdown(tuple(columns)) not in declared:
        declared.append(Breakdown(tuple(columns)))
    return columns, declared, sorted({c for b in declared for c in b.columns})


def aggregate_unscored_duckdb(
    source: str | Path,
    by: str | Sequence[str],
    policy: PrivacyPolicy,
    *,
    breakdowns: Sequence[Breakdown] | None = None,
    hierarchy: Sequence[str] = (),
    scorer: BatchScorer | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """:func:`aggregate_duckdb` for unscored Parquet data: scored and counted in one pass.

    DuckDB reads the answers and the declared columns in batches, each batch is scored
    (:func:`allypath.engines.duckdb_engine.tally_parquet_duckdb`) and counted into a
    :class:`CellTally`; no scored row is written anywhere. The table equals scoring the data into a
    file and running :func:`aggregate_duckdb` on it. ``scorer`` defaults to marking bad rows
    (``on_error="mark"``, as the report does); ``on_batch`` gets the rows of each batch counted.
    """
    from allypath.engines.batches import BatchScorer
    from allypath.engines.duckdb_engine import tally_parquet_duckdb

    columns, declared, needed = _declared(by, breakdowns)
    scorer = scorer or BatchScorer(on_error="mark", source=str(source))
    tally = tally_parquet_duckdb(source, scorer, needed, on_batch=on_batch)
    return tally_table(tally, columns, policy, breakdowns=declared, hierarchy=hierarchy)


def tally_table(
    tally: CellTally,
    by: str | Sequence[str],
    policy: PrivacyPolicy,
    *,
    breakdowns: Sequence[Breakdown] | None = None,
    hierarchy: Sequence[str] = (),
) -> pd.DataFrame:
    """The aggregate table from a :class:`CellTally` of every declared column: the finest cells
    solved into the release as :func:`aggregate_duckdb` solves them, then the rows of ``by``."""
    columns, declared, needed = _declared(by, breakdowns)
    missing = [c for c in needed if c not in tally.columns]
    if missing:
        raise ValueError(f"the tally does not count by {', '.join(missing)}")
    finest = tally.finest(needed, answered=_SCORES)
    gates = _answerer_gates(finest, needed, declared, policy, hierarchy)
    finest = finest.drop(columns=_GATE_COLUMNS)
    release = solve_release(
        pd.DataFrame(), declared, policy, wave_column=None, hierarchy=hierarchy, finest=finest
    )
    return _release_rows(tally.figures(columns), columns, release, gates)


#: The factors' score columns, each once (a factor's mean is over those who answered its score).
_SCORES = tuple(dict.fromkeys(f"score_{factor.construct}" for factor in FACTORS))
#: The finest cells' columns the answerers' releases are solved from (not the organisation's).
_GATE_COLUMNS = [f"{part}_{score}" for score in _SCORES for part in ("answered", "low", "high")]


def _answerer_gates(
    finest: pd.DataFrame,
    columns: Sequence[str],
    declared: Sequence[Breakdown],
    policy: PrivacyPolicy,
    hierarchy: Sequence[str],
) -> dict[str, Release]:
    """Per score, the release of its answerers and its ends from the finest cells' counts, as
    ``solve_answerers`` solves it from rows (``analytics._gating``): a mean is shown only where it
    shows the group's answerers (some men may leave a score blank) and their split between the ends
    (no difference of shown means pins a group at 1 or at 5)."""
    gates: dict[str, Release] = {}
    for score in _SCORES:
        answered = finest[f"answered_{score}"].to_numpy(dtype=np.int64)
        low = finest[f"low_{score}"].to_numpy(dtype=np.int64)
        high = finest[f"high_{score}"].to_numpy(dtype=np.int64)
        if (answered == finest["n"].to_numpy(dtype=np.int64)).all() and not (low.any() or high.any()):
            continue  # everyone answered and no one is at an end: the release's own cells decide
        # as end_codes: 1 at the low end, 4 at the high end, 2 between
        cells = finest[list(columns)].assign(
            n=answered, stage_1=low, stage_2=answered - low - high, stage_3=0, stage_4=high
        )
        cells = cells.assign(commenters=0)[answered > 0].reset_index(drop=True)
        gates[score] = solve_release(
            pd.DataFrame(),
            declared,
            policy,
            wave_column=None,
            hierarchy=hierarchy,
            finest=cells,
            spare_parents=True,
            telling=ENDS,
        )
    return gates


def _release_rows(
    result: pd.DataFrame, by: list[str], release: Release, gates: Mapping[str, Release]
) -> pd.DataFrame:
    total = result[result["grouping_id"] != 0]
    groups = result[result["grouping_id"] == 0]
    keep = np.ones(len(groups), dtype=bool)
    for column in by:
        keep &= groups[f"by_{column}"].notna().to_numpy()
    groups = groups[keep]
    values = [tuple(plain(row[f"by_{c}"]) for c in by) for _, row in groups.iterrows()]
    order = sorted(range(len(values)), key=lambda i: values[i])
    rows = [_count_row({}, total.iloc[0] if len(total) else None, release, gates)]
    rows[0].update({c: "overall" for c in by})
    for i in order:
        filters = dict(zip(by, values[i], strict=True))
        rows.append(_count_row(filters, groups.iloc[i], release, gates))
    return finish_table(pd.DataFrame(rows), by)


def _count_row(
    filters: dict[str, Any], row: pd.Series | None, release: Release, gates: Mapping[str, Release]
) -> dict[str, Any]:
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
    sizes = []  # the published number each shown mean is over, for the row's margin
    for factor in FACTORS:
        mean = plain(row[factor.key])
        answered = int(row[f"answered_{factor.key}"] or 0)
        if mean is not None and discloses_answers(np.array([float(mean)]), np.array([answered]), LIKERT)[0]:
            mean = None  # as the in-memory path: a mean that pins everyone's answer is withheld
        gate = gates.get(f"score_{factor.construct}")
        if mean is not None and gate is not None and gate.cell(filters).n is None:
            mean = None  # its answerers are withheld by their own release (as the in-memory path)
        if mean is not None and gate is not None and gate.cell(filters).detail < DETAIL_STAGES:
            mean = None  # a difference of shown means would pin a group at an end (as in memory)
        if mean is not None and factor.key == "low_policy_awareness":
            mean = SCALE_MAX + 1 - float(mean)  # as analytics.factor_heatmap: reads like a barrier
        out[factor.key] = mean
        if mean is not None:
            answerers = n if gate is None else gate.cell(filters).n
            sizes.append(np.nan if answerers is None else float(answerers))
    # as analytics.factor_heatmap: the widest margin of the row's means
    (out["margin"],) = widest_margins(np.array([sizes or [np.nan]]), LIKERT)
    return out
