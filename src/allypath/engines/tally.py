"""Counting scored batches by the finest cells of the declared columns, batch after batch
(:class:`CellTally`): what the DuckDB scans of :func:`allypath.engines.aggregate.aggregate_duckdb`
compute, kept without the scored rows ever being written. The DuckDB and Spark engines feed it;
:func:`allypath.engines.aggregate.tally_table` turns it into the board's table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from allypath.model import FACTORS, STAGE_KEYS
from allypath.privacy.release import COMMENT_COLUMNS

__all__ = ["TALLY_ENDS", "TALLY_SUMS", "TALLY_VALUES", "CellTally", "tally_schema"]


#: Columns a placed row is counted and summed by in a :class:`CellTally`: the stage probabilities
#: (``expected_*``) and the construct score of every factor (its mean and answered count).
TALLY_VALUES = (
    *(f"p_{key}" for key in STAGE_KEYS),
    *dict.fromkeys(f"score_{factor.construct}" for factor in FACTORS),
)
#: The construct scores whose ends are counted too (the men at 1 and at 5 of a 1-5 score): a mean is
#: withheld where a difference of shown means would pin a group at an end, which the release of the
#: score's ends decides from these counts (``privacy.release.end_codes``).
TALLY_ENDS = tuple(name for name in TALLY_VALUES if name.startswith("score_"))
SCORE_ENDS = (1.0, 5.0)
_COUNTS = 6  # n, stage_1..stage_4, commenters; then a sum and a count per value column
_ENDS_AT = _COUNTS + 2 * len(TALLY_VALUES)  # then the low and high ends of each score of TALLY_ENDS
#: The counts and sums of a cell as :meth:`CellTally.to_arrow` names them (the tally's own order).
TALLY_SUMS = (
    "n",
    *(f"stage_{s}" for s in range(1, 5)),
    "commenters",
    *(f"{part}_{name}" for name in TALLY_VALUES for part in ("sum", "count")),
    *(f"{part}_{name}" for name in TALLY_ENDS for part in ("low", "high")),
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
        self._sums = np.zeros((0, len(TALLY_SUMS)), dtype=np.float64)
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
                values = scored.column(name).cast(pa.float64()).to_numpy(zero_copy_only=False)
                total, count = _sum_count(values, cell, width, sums[:, 0])
                sums[:, _COUNTS + 2 * j] = total
                sums[:, _COUNTS + 2 * j + 1] = count
                if name in TALLY_ENDS:
                    at = _ENDS_AT + 2 * TALLY_ENDS.index(name)
                    sums[:, at], sums[:, at + 1] = _ends(values, cell, width)
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
        (``answered_<column>``) and, for those of :data:`TALLY_ENDS`, how many are at its low and its
        high end (``low_<column>``, ``high_<column>``)."""
        data: dict[str, Any] = {c: self._values_of(c, self._cells[:, self.columns.index(c)]) for c in columns}
        names = ["n", *(f"stage_{s}" for s in range(1, 5)), "commenters"]
        for j, name in enumerate(names):
            data[name] = self._sums[:, j].astype(np.int64)
        for name in answered:
            data[f"answered_{name}"] = self._sums[:, _COUNTS + 2 * TALLY_VALUES.index(name) + 1].astype(
                np.int64
            )
        ends = [name for name in answered if name in TALLY_ENDS]
        for name in ends:
            at = _ENDS_AT + 2 * TALLY_ENDS.index(name)
            data[f"low_{name}"] = self._sums[:, at].astype(np.int64)
            data[f"high_{name}"] = self._sums[:, at + 1].astype(np.int64)
        extra = [
            *(f"answered_{name}" for name in answered),
            *(f"{p}_{n}" for n in ends for p in ("low", "high")),
        ]
        return pd.DataFrame(data, columns=[*columns, *names, *extra])

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
    column = scored.column("stage")
    if pa.types.is_integer(column.type):  # as scored: small whole numbers, NULL for none
        values = pc.fill_null(column, 0).to_numpy()
        return np.where((values >= 1) & (values <= 4), values, 0).astype(np.intp)
    values = column.cast(pa.float64()).to_numpy(zero_copy_only=False)
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


def _ends(values: np.ndarray, cell: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, how many values of a 1-5 score are at its low end and how many at its high end (as
    ``privacy.release.end_codes`` places them). Few men sit at an end, so the cells of those few are
    counted, not weights over every row."""
    low, high = SCORE_ENDS
    with np.errstate(invalid="ignore"):
        at_low = cell[values <= low + 1e-9]
        at_high = cell[values >= high - 1e-9]
    return np.bincount(at_low, minlength=width), np.bincount(at_high, minlength=width)


def _sum_count(
    values: np.ndarray, cell: np.ndarray, width: int, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, the sum and the number of a value column's values (missing and NaN left out).

    Without a missing value every row counts: one pass. Otherwise the rows of missing values are
    moved to the last cell (the rows not counted, which the caller drops), so one pass still sums
    the others and an unweighted count counts them, where masking the values to 0 took two more
    weighted passes. The sums are the same: each cell adds the same values in the same order.
    """
    answered = values == values  # NaN is the one value not equal to itself
    if answered.all():
        return np.bincount(cell, weights=values, minlength=width), rows.copy()
    counted = np.where(answered, cell, width - 1)
    total = np.bincount(counted, weights=values, minlength=width)
    return total, np.bincount(counted, minlength=width).astype(np.float64)
