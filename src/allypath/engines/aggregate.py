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
import pyarrow as pa
import pyarrow.compute as pc

from allypath._values import plain, records
from allypath.analytics import factor_heatmap, stage_mix, wilson_interval
from allypath.analytics._gating import discloses_answers, placed, view_release
from allypath.analytics.factors import LIKERT, widest_margins
from allypath.analytics.mix import BAND_COLUMNS, SPLITS
from allypath.errors import DataError
from allypath.model import FACTORS, STAGE_KEYS
from allypath.privacy import Breakdown, PrivacyPolicy, Release, describe, solve_release
from allypath.privacy.release import COMMENT_COLUMNS

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
    for score in _SCORES:  # who answered each score: the answerers' own release (see _answerer_gates)
        counted = f"count({_quoted(score)})" if score in present else "count(*)"  # absent: no mean at all
        parts.append(f"{counted} AS {_quoted('answered_' + score)}")
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

    columns, declared, needed = _declared(by, breakdowns)
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
    gates = _answerer_gates(finest, needed, declared, policy, hierarchy)
    finest = finest.drop(columns=[f"answered_{score}" for score in _SCORES])
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
    finest = finest.drop(columns=[f"answered_{score}" for score in _SCORES])
    release = solve_release(
        pd.DataFrame(), declared, policy, wave_column=None, hierarchy=hierarchy, finest=finest
    )
    return _release_rows(tally.figures(columns), columns, release, gates)


#: The factors' score columns, each once (a factor's mean is over those who answered its score).
_SCORES = tuple(dict.fromkeys(f"score_{factor.construct}" for factor in FACTORS))


def _answerer_gates(
    finest: pd.DataFrame,
    columns: Sequence[str],
    declared: Sequence[Breakdown],
    policy: PrivacyPolicy,
    hierarchy: Sequence[str],
) -> dict[str, Release]:
    """Per score some placed men left blank, its answerers' release from the finest cells' counts, as
    ``solve_answerers`` solves it from rows (``analytics._gating.AnswerGate``: a mean over them is
    shown only where it shows them)."""
    gates: dict[str, Release] = {}
    for score in _SCORES:
        answered = finest[f"answered_{score}"].to_numpy(dtype=np.int64)
        if (answered == finest["n"].to_numpy(dtype=np.int64)).all():
            continue  # everyone answered: the release's own people
        cells = finest[list(columns)].assign(n=answered, stage_1=0, stage_2=answered, stage_3=0, stage_4=0)
        cells = cells.assign(commenters=0)[answered > 0].reset_index(drop=True)  # each answerer a "no"
        gates[score] = solve_release(
            pd.DataFrame(), declared, policy, wave_column=None, hierarchy=hierarchy, finest=cells
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
        if mean is not None and factor.key == "low_policy_awareness":
            mean = SCALE_MAX + 1 - float(mean)  # as analytics.factor_heatmap: reads like a barrier
        out[factor.key] = mean
        if mean is not None:
            answerers = n if gate is None else gate.cell(filters).n
            sizes.append(np.nan if answerers is None else float(answerers))
    # as analytics.factor_heatmap: the widest margin of the row's means
    (out["margin"],) = widest_margins(np.array([sizes]) if sizes else np.full((1, 1), np.nan), LIKERT)
    return out


#: Columns a placed row is counted and summed by in a :class:`CellTally`: the stage probabilities
#: (``expected_*``) and the construct score of every factor (its mean and answered count).
TALLY_VALUES = (
    *(f"p_{key}" for key in STAGE_KEYS),
    *dict.fromkeys(f"score_{factor.construct}" for factor in FACTORS),
)
_COUNTS = 6  # n, stage_1..stage_4, commenters; then a sum and a count per value column
#: The counts and sums of a cell as :meth:`CellTally.to_arrow` names them (the tally's own order).
TALLY_SUMS = (
    "n",
    *(f"stage_{s}" for s in range(1, 5)),
    "commenters",
    *(f"{part}_{name}" for name in TALLY_VALUES for part in ("sum", "count")),
)
_PACK_BITS = 62  # cells are found by their columns' codes packed into one int64 while they fit
# A batch counts into every combination of its columns' values while there are at most this many
# (or this many per row); past that, into the combinations that occur (numbered by a sort).
_DENSE_CELLS = 1 << 16
_DENSE_PER_ROW = 4


class CellTally:
    """Placed rows of scored batches counted by the finest cells of ``columns``, batch after batch.

    Per cell: the rows, the rows in each stage, the commenters, and the sum and count of every value
    column (:data:`TALLY_VALUES`) -- what the two DuckDB scans of :func:`aggregate_duckdb` compute,
    so :func:`tally_table` gives the same table without the scored rows ever being written. Memory
    grows with the cells seen, never with the rows. A missing value is a value of its column, as in
    a DuckDB group-by (``None`` in the finest cells).
    """

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.rows = 0
        self._codes: list[dict[Any, int]] = [{None: 0} for _ in self.columns]  # value -> code
        self._names: list[list[Any]] = [[None] for _ in self.columns]  # code -> value
        self._cells = np.zeros((0, len(self.columns)), dtype=np.int64)  # each cell's codes
        self._sums = np.zeros((0, _COUNTS + 2 * len(TALLY_VALUES)), dtype=np.float64)
        self._bits: tuple[int, ...] | None = None  # the packing of the keys below
        self._keys = np.zeros(0, dtype=np.int64)  # packed codes, sorted
        self._at = np.zeros(0, dtype=np.intp)  # the cell of each sorted key
        self._index: dict[tuple[int, ...], int] | None = None  # when the codes no longer pack

    def add(self, scored: pa.Table) -> None:
        """Count the placed rows (``status`` is ``scored``) of one scored batch."""
        n = scored.num_rows
        self.rows += n
        if n == 0:
            return
        local, dims = [], []
        lookups = []
        for slot, column in enumerate(self.columns):
            codes, values = _dictionary(scored.column(column))
            local.append(codes)
            dims.append(len(values) + 1)
            lookups.append(self._global_codes(slot, values))
        size = int(np.prod(dims, dtype=np.float64))
        combos: np.ndarray | None = None
        if size <= max(_DENSE_PER_ROW * n, _DENSE_CELLS):
            cell = np.ravel_multi_index(local, dims) if local else np.zeros(n, dtype=np.intp)
        else:  # too many combinations for a dense count: number the ones that occur
            combos, inverse = np.unique(np.stack(local, axis=1), axis=0, return_inverse=True)
            cell, size = inverse.ravel(), len(combos)
        placed = _placed_mask(scored)
        if placed is not None:
            cell = np.where(placed, cell, size)  # rows not placed go to one extra cell, dropped below
        width = size + 1
        sums = np.zeros((width, self._sums.shape[1]), dtype=np.float64)
        stage = _stage_codes(scored)
        by_stage = np.bincount(cell * 5 + stage, minlength=width * 5).reshape(width, 5)
        sums[:, 0] = by_stage.sum(axis=1)
        sums[:, 1:5] = by_stage[:, 1:]
        wrote = _commented(scored)
        if wrote is not None:
            sums[:, 5] = np.bincount(cell, weights=wrote, minlength=width)
        names = set(scored.column_names)
        for j, name in enumerate(TALLY_VALUES):
            if name in names:
                total, count = _sum_count(scored.column(name), cell, width, sums[:, 0])
                sums[:, _COUNTS + 2 * j] = total
                sums[:, _COUNTS + 2 * j + 1] = count
        seen = np.flatnonzero(sums[:size, 0] > 0)
        if not len(seen):
            return
        parts = np.unravel_index(seen, dims) if combos is None else tuple(combos[seen].T)
        codes = np.zeros((len(seen), len(self.columns)), dtype=np.int64)
        for j, (lookup, part) in enumerate(zip(lookups, parts, strict=True)):
            codes[:, j] = lookup[part]
        self._merge(codes, sums[seen])

    def _global_codes(self, slot: int, values: list[Any]) -> np.ndarray:
        """This batch's dictionary of one column as the tally's codes (0 first: a missing value)."""
        known, names = self._codes[slot], self._names[slot]
        out = np.zeros(len(values) + 1, dtype=np.int64)
        for position, value in enumerate(values, start=1):
            code = known.get(value)
            if code is None:
                code = known[value] = len(names)
                names.append(value)
            out[position] = code
        return out

    def _merge(self, codes: np.ndarray, sums: np.ndarray) -> None:
        bits = tuple(max(1, (len(names) - 1).bit_length()) for names in self._names)
        if self._index is None and sum(bits) > _PACK_BITS:
            self._index = {tuple(row): i for i, row in enumerate(self._cells.tolist())}
        if self._index is not None:  # the slow way, for many columns of many values
            fresh: list[int] = []
            for i, key in enumerate(map(tuple, codes.tolist())):
                at = self._index.get(key)
                if at is None:
                    self._index[key] = len(self._cells) + len(fresh)
                    fresh.append(i)
                else:
                    self._sums[at] += sums[i]
            self._cells = np.concatenate([self._cells, codes[fresh]])
            self._sums = np.concatenate([self._sums, sums[fresh]])
            return
        if bits != self._bits:  # a column has more values than its bits held: pack every cell again
            self._bits = bits
            self._keys = self._pack(self._cells)
            self._at = np.argsort(self._keys, kind="stable")
            self._keys = self._keys[self._at]
        keys = self._pack(codes)
        position = np.searchsorted(self._keys, keys)
        found = np.zeros(len(keys), dtype=bool)
        inside = position < len(self._keys)
        found[inside] = self._keys[position[inside]] == keys[inside]
        if found.any():
            self._sums[self._at[position[found]]] += sums[found]  # a batch names each cell once
        if not found.all():
            self._cells = np.concatenate([self._cells, codes[~found]])
            self._sums = np.concatenate([self._sums, sums[~found]])
            packed = self._pack(self._cells)
            self._at = np.argsort(packed, kind="stable")
            self._keys = packed[self._at]

    def _pack(self, codes: np.ndarray) -> np.ndarray:
        assert self._bits is not None
        key = np.zeros(len(codes), dtype=np.int64)
        for j, width in enumerate(self._bits):
            key <<= width
            key |= codes[:, j]
        return key

    def finest(self, columns: Sequence[str], answered: Sequence[str] = ()) -> pd.DataFrame:
        """The finest cells of ``columns`` (all of the tally's, in any order): what ``_finest_sql`` gives;
        with ``answered`` (columns of :data:`TALLY_VALUES`) also how many answered each
        (``answered_<column>``)."""
        data: dict[str, Any] = {c: self._values_of(c, self._cells[:, self.columns.index(c)]) for c in columns}
        names = ["n", *(f"stage_{s}" for s in range(1, 5)), "commenters"]
        for j, name in enumerate(names):
            data[name] = self._sums[:, j].astype(np.int64)
        for name in answered:
            data[f"answered_{name}"] = self._sums[:, _COUNTS + 2 * TALLY_VALUES.index(name) + 1].astype(
                np.int64
            )
        return pd.DataFrame(data, columns=[*columns, *names, *(f"answered_{name}" for name in answered)])

    def figures(self, by: Sequence[str]) -> pd.DataFrame:
        """The figures of every group of ``by`` and of the total: what ``_duck_sql`` gives."""
        slots = [self.columns.index(c) for c in by]
        groups, inverse = np.unique(self._cells[:, slots], axis=0, return_inverse=True)
        sums = np.zeros((len(groups) + 1, self._sums.shape[1]), dtype=np.float64)
        np.add.at(sums, inverse.ravel(), self._sums)
        sums[-1] = self._sums.sum(axis=0)
        data: dict[str, Any] = {
            "n": sums[:, 0].astype(np.int64),
            "grouping_id": np.r_[np.zeros(len(groups), dtype=np.int64), 1],
        }
        for j, column in enumerate(by):
            data[f"by_{column}"] = [*self._values_of(column, groups[:, j]), None]
        means = {}
        for j, name in enumerate(TALLY_VALUES):
            total, count = sums[:, _COUNTS + 2 * j], sums[:, _COUNTS + 2 * j + 1]
            with np.errstate(invalid="ignore", divide="ignore"):
                means[name] = np.where(count > 0, total / count, np.nan)
            means[f"answered_{name}"] = count.astype(np.int64)
        for number, key in enumerate(STAGE_KEYS, start=1):
            data[f"count_{key}"] = sums[:, number].astype(np.int64)
            data[f"expected_{key}"] = means[f"p_{key}"]
        for factor in FACTORS:
            data[factor.key] = means[f"score_{factor.construct}"]
            data[f"answered_{factor.key}"] = means[f"answered_score_{factor.construct}"]
        return pd.DataFrame(data)

    def _values_of(self, column: str, codes: np.ndarray) -> list[Any]:
        names = self._names[self.columns.index(column)]
        return [names[code] for code in codes.tolist()]

    def keep(self) -> list[str]:
        """The scored columns :meth:`add` reads: what a scorer must keep for this tally."""
        return [*self.columns, "status", "stage", *TALLY_VALUES, *COMMENT_COLUMNS]

    def merge(self, other: CellTally) -> None:
        """Add the counts of ``other`` (a tally of the same columns, e.g. another partition's)."""
        if other.columns != self.columns:
            raise ValueError(f"cannot merge a tally by {other.columns} into one by {self.columns}")
        self.rows += other.rows
        if not len(other._cells):
            return
        codes = np.zeros_like(other._cells)
        for slot in range(len(self.columns)):  # the other's codes as this tally's (0 stays missing)
            lookup = self._global_codes(slot, other._names[slot][1:])
            codes[:, slot] = lookup[other._cells[:, slot]]
        self._merge(codes, other._sums)  # the other's cells are distinct, so these are too

    def to_arrow(self, types: Mapping[str, pa.DataType] | None = None) -> pa.RecordBatch:
        """The tally as one small record batch (:func:`tally_schema`): a row per cell, its columns'
        values (of ``types``, inferred when not given) then its counts and sums; the rows counted
        are in ``rows`` of the first row. A tally without cells is one row of zero counts, so every
        partition of a Spark job sends one batch of one schema, whatever it saw."""
        schema = tally_schema(self.columns, types or {})
        cells = max(1, len(self._cells))
        sums = self._sums if len(self._cells) else np.zeros((1, self._sums.shape[1]))
        rows = np.zeros(cells, dtype=np.int64)
        rows[0] = self.rows
        arrays: list[pa.Array] = []
        for slot, column in enumerate(self.columns):
            codes = self._cells[:, slot] if len(self._cells) else np.zeros(1, dtype=np.int64)
            values = self._values_of(column, codes)
            kind = schema.field(column).type
            arrays.append(pa.array(values) if pa.types.is_null(kind) else pa.array(values, type=kind))
        arrays.append(pa.array(rows))
        arrays += [pa.array(sums[:, j]) for j in range(sums.shape[1])]
        if any(pa.types.is_null(schema.field(c).type) for c in self.columns):  # inferred types
            schema = pa.schema([pa.field(f.name, a.type) for f, a in zip(schema, arrays, strict=True)])
        return pa.RecordBatch.from_arrays(arrays, schema=schema)

    @classmethod
    def from_arrow(cls, data: pa.Table | pa.RecordBatch, columns: Sequence[str]) -> CellTally:
        """A tally from the batches of :meth:`to_arrow`, one or many (e.g. every partition's, in
        one table): cells named more than once are added up, in the order of the rows."""
        table = pa.Table.from_batches([data]) if isinstance(data, pa.RecordBatch) else data
        tally = cls(columns)
        tally.rows = int(pc.sum(table.column("rows")).as_py() or 0)
        table = table.filter(pc.greater(table.column("n"), 0))  # an empty tally's row of zeros
        if not table.num_rows:
            return tally
        codes = np.zeros((table.num_rows, len(tally.columns)), dtype=np.int64)
        for slot, column in enumerate(tally.columns):
            local, values = _dictionary(table.column(column))
            codes[:, slot] = tally._global_codes(slot, values)[local]
        sums = np.column_stack([table.column(name).to_numpy() for name in TALLY_SUMS])
        cells, inverse = np.unique(codes, axis=0, return_inverse=True)
        added = np.zeros((len(cells), sums.shape[1]), dtype=np.float64)
        np.add.at(added, inverse.ravel(), sums)
        tally._merge(cells, added)
        return tally


def tally_schema(columns: Sequence[str], types: Mapping[str, pa.DataType]) -> pa.Schema:
    """The schema of :meth:`CellTally.to_arrow`: the columns (of ``types``; null, to be inferred,
    when not given), ``rows``, then :data:`TALLY_SUMS` as float64 (whole counts stay exact)."""
    fields = [pa.field(c, types.get(c, pa.null())) for c in columns]
    fields.append(pa.field("rows", pa.int64()))
    return pa.schema([*fields, *(pa.field(name, pa.float64()) for name in TALLY_SUMS)])


def _dictionary(column: pa.ChunkedArray) -> tuple[np.ndarray, list[Any]]:
    """A column's values as codes into its distinct values (1-based; 0 = missing) and those values."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not pa.types.is_dictionary(array.type):
        array = pc.dictionary_encode(array)
    codes = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp) + 1
    return codes, array.dictionary.to_pylist()


def _placed_mask(scored: pa.Table) -> np.ndarray | None:
    """Rows whose status is ``scored`` (None when there is no status column: every row counts)."""
    if "status" not in scored.column_names:
        return None
    status = scored.column("status").combine_chunks()
    if pa.types.is_dictionary(status.type):
        names = status.dictionary.to_pylist()
        if "scored" not in names:
            return np.zeros(len(status), dtype=bool)
        codes = status.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return np.asarray(codes == names.index("scored"))
    return np.asarray(pc.fill_null(pc.equal(status.cast(pa.large_string()), "scored"), False))


def _stage_codes(scored: pa.Table) -> np.ndarray:
    """The stage 1..4 of each row, 0 for none (missing, or any other value)."""
    values = scored.column("stage").cast(pa.float64()).to_numpy(zero_copy_only=False)
    stage = np.zeros(len(values), dtype=np.intp)
    for number in range(1, 5):
        stage[values == number] = number
    return stage


def _commented(scored: pa.Table) -> np.ndarray | None:
    """Rows that wrote something in a comment column (blank text is nothing), as DuckDB's scan."""
    present = [c for c in COMMENT_COLUMNS if c in scored.column_names]
    if not present:
        return None
    wrote = np.zeros(scored.num_rows, dtype=bool)
    for column in present:
        text = pc.utf8_trim_whitespace(scored.column(column).cast(pa.large_string()))
        wrote |= np.asarray(pc.fill_null(pc.not_equal(text, ""), False))
    return wrote


def _sum_count(
    column: pa.ChunkedArray, cell: np.ndarray, width: int, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, the sum and the number of a value column's values (missing and NaN left out).

    A cell without a missing value among its rows sums to a number and counts all its rows: one
    pass. Only when a cell's sum is NaN are the missing values masked (a second pass).
    """
    values = column.cast(pa.float64()).to_numpy(zero_copy_only=False)
    total = np.bincount(cell, weights=values, minlength=width)
    if not np.isnan(total[:-1]).any():
        return total, rows.copy()
    answered = ~np.isnan(values)
    total = np.bincount(cell, weights=np.where(answered, values, 0.0), minlength=width)
    return total, np.bincount(cell, weights=answered, minlength=width)
