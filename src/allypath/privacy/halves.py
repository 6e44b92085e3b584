"""The meet-in-the-middle step of the probe search (:func:`allypath.privacy.probe.find_light_sets`),
by weight class.

Every atom, and every pair of atoms weighing at most ``limit`` together, is a "half"; a set is
listed when its fingerprints vanish (a single atom is listed by the caller, a pair here) or when two
halves weighing at most ``limit`` together cancel: their first fingerprints within ``2 zero`` of
each other's negative, as seen from the half that sorts first (by that fingerprint, then singles
before pairs, each in atom order), and every fingerprint of the sum within ``4 zero``.

The search used to sort every half (about 6 million pairs in a wave of 12,500 respondents over 500
units) and look each one's negative up among all of them, though a half can only meet halves light
enough to stay within ``limit``: pairs of weight ``limit`` meet nothing, and pairs of weight
``limit - 1`` only single atoms of weight 1. Here halves are grouped by weight, each group built
from the atoms of the weights it pairs (:class:`_Halves`), each group meets only the groups it can,
and the smaller group of two is the table the other looks up; a group meeting itself is its own
table from ``-4 zero`` up and looks up only its halves up to ``4 zero`` (the lower of two cancelling
halves is at most about 0). Nothing is sorted: lookups go through a grid (:func:`_near`, the same
positions a binary search over sorted halves finds). Candidates are gathered with a wider window
(``3 zero``), then the original tests run on them exactly as written there (the same floating-point
sums, the same orientation), so the same sets come out: the wider window only lets through more
candidates for those tests, never fewer.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["light_matches"]

_SLICE = 1 << 18  # queries looked up at once by :func:`_near`


def _near(values: np.ndarray, queries: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """(query, position) for every position of ``values`` whose value lies within ``width`` of the
    query's negative.

    Millions of queries, millions of values: a grid finds the windows, neither values nor queries
    are sorted (sorting a group of a million halves, then binary searches of 2 million queries into
    2,000 values, took most of a large wave's search). The grid maps a number x to cell
    floor((x - lowest value) / step), the same sums for values and window ends; rounding keeps that
    map non-decreasing, so every value within a window lies in a cell between those of its ends
    (clipped to the grid), and only those cells' values are tested against the window, as a binary
    search over the sorted values tests them: exactly the positions it finds come out."""
    if values.size == 0 or queries.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lowest = values.min()
    # about 16 cells a value (few candidates to test), at most 4 million cells (32 MB of starts)
    step = max(float(values.max() - lowest), 1.0) / min(16 * values.size, 1 << 22)
    cell = np.floor((values - lowest) / step).astype(np.int64)
    cells = int(cell.max()) + 1
    # the values grouped by cell (a stable sort of 16-bit keys is a radix sort: two of them, the
    # low bits first, sort by cell in a third of the time an argsort of the values takes)
    by_cell = np.argsort(cell.astype(np.uint16), kind="stable")
    if cells > 1 << 16:
        by_cell = by_cell[np.argsort((cell[by_cell] >> 16).astype(np.uint16), kind="stable")]
    starts = np.concatenate([[0], np.cumsum(np.bincount(cell, minlength=cells))])
    grouped = values[by_cell]  # a query's candidates side by side
    found_query, found_position = [], []
    # a slice of queries at a time: arrays of millions (a large wave's stage audit asks 4.6 million
    # queries) come fresh from the system, page by page, at every step; slices are reused
    for begin in range(0, queries.size, _SLICE):
        negative = -queries[begin : begin + _SLICE]
        lower, upper = negative - width, negative + width
        first = np.clip(np.floor((lower - lowest) / step), 0, cells - 1).astype(np.int64)
        last = np.clip(np.floor((upper - lowest) / step), 0, cells - 1).astype(np.int64)
        query, slot = _spans(starts[first], starts[last + 1])
        keep = (grouped[slot] >= lower[query]) & (grouped[slot] <= upper[query])
        found_query.append(query[keep] + begin)
        found_position.append(by_cell[slot[keep]])
    return np.concatenate(found_query), np.concatenate(found_position)


def _spans(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(query, position) for every position from ``low`` up to ``high`` (excluded) of each query."""
    hit = np.flatnonzero(high > low)  # most queries meet nothing
    spans = high[hit] - low[hit]
    query = np.repeat(hit, spans)
    position = np.repeat(low[hit] - np.cumsum(spans) + spans, spans) + np.arange(int(spans.sum()))
    return query, position


def _cancelling_pairs(prints: np.ndarray, weights: np.ndarray, limit: int, zero: float) -> np.ndarray:
    """Pairs (i < j) of atoms weighing at most ``limit`` whose every fingerprint sums to within
    ``zero`` of 0 (their first one first, as the whole search did)."""
    light = np.flatnonzero(weights <= limit - 1)
    values = prints[light, 0]
    query, position = _near(values, values, 2 * zero)
    a, b = light[query], light[position]
    keep = (a < b) & (weights[a] + weights[b] <= limit)
    a, b = a[keep], b[keep]
    keep = np.abs(prints[a, 0] + prints[b, 0]) <= zero
    a, b = a[keep], b[keep]
    keep = np.abs(prints[a] + prints[b]).max(axis=1, initial=0.0) <= zero
    return np.column_stack([a[keep], b[keep]])


class _Halves:
    """The halves of one weight: its single atoms, then its pairs of atoms class by class (by the
    lighter atom's weight), built from the atoms of each weight rather than filtered out of every
    light pair. A pair's first fingerprint is the sum of its atoms' (in either order: the same
    number), a single atom's its own plus 0.0 (-0.0 turns 0.0), as the full search summed them."""

    def __init__(self, first: np.ndarray, weights: np.ndarray, weight: int) -> None:
        singles = np.flatnonzero(weights == weight)
        chunks = [first[singles] + 0.0]
        self._parts: list[tuple[str, np.ndarray, np.ndarray]] = [("single", singles, singles)]
        sizes = [singles.size]
        for lighter in range(weight // 2 + 1):
            a = np.flatnonzero(weights == lighter)
            if lighter == weight - lighter:
                # each pair (i < j) of the class, row by row (faster than np.triu_indices)
                chunks.extend(first[a[r]] + first[a[r + 1 :]] for r in range(a.size))
                self._parts.append(("within", a, a))
                sizes.append(a.size * (a.size - 1) // 2)
            else:
                b = np.flatnonzero(weights == weight - lighter)
                chunks.append(np.add.outer(first[a], first[b]).ravel())
                self._parts.append(("across", a, b))
                sizes.append(a.size * b.size)
        self.values = np.concatenate(chunks)
        self._offsets = np.cumsum([0, *sizes[:-1]])

    def atoms(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The atoms of the halves at ``index``: the smaller first, the other -1 for a single."""
        one, other = np.full(index.size, -1), np.full(index.size, -1)
        part = np.searchsorted(self._offsets, index, side="right") - 1
        for p, (kind, a, b) in enumerate(self._parts):
            mine = np.flatnonzero(part == p)
            local = index[mine] - self._offsets[p]
            if kind == "single":
                one[mine] = a[local]
            elif kind == "within":
                rows = np.concatenate([[0], np.cumsum(np.arange(a.size - 1, 0, -1))])
                row = np.searchsorted(rows, local, side="right") - 1
                one[mine], other[mine] = a[row], a[row + 1 + local - rows[row]]
            else:
                i, j = a[local // b.size], b[local % b.size]
                one[mine], other[mine] = np.minimum(i, j), np.maximum(i, j)
        return one, other


def light_matches(
    prints: np.ndarray, weights: np.ndarray, limit: int, zero: float
) -> Iterator[tuple[int, ...]]:
    """Sets of 2 to 4 atoms (indices into ``prints``: atoms x probes, none all zero; weights at
    least 0) of total weight at most ``limit`` that the fingerprints call derivable, as the meet in
    the middle finds them (some more than once)."""
    atoms = prints.shape[0]
    cancelling = _cancelling_pairs(prints, weights, limit, zero)
    yield from (tuple(int(a) for a in pair) for pair in cancelling)
    groups = {w: _Halves(prints[:, 0], weights, w) for w in range(1, limit)}
    found: list[tuple[np.ndarray, ...]] = []
    for light in range(1, limit):
        for heavy in range(light, limit - light + 1):
            x, y = groups[light], groups[heavy]
            if x.values.size == 0 or y.values.size == 0:
                continue
            if x.values.size > y.values.size:
                x, y = y, x
            if light == heavy:
                # of two halves that cancel, the lower is at most about zero and the higher at
                # least about -zero (fingerprints are of order 1: rounding is far below zero), so
                # the halves up to 4 zero look up those from -4 zero: half the table. Both near 0,
                # a pair is found twice: the caller lists it once.
                table = np.flatnonzero(x.values >= -4 * zero)
                asking = np.flatnonzero(x.values <= 4 * zero)
                query, position = _near(x.values[table], x.values[asking], 3 * zero)
                y, v, w = x, asking[query], table[position]
            else:
                v, w = _near(x.values, y.values, 3 * zero)
            found.append((*y.atoms(v), y.values[v], *x.atoms(w), x.values[w]))
    if not found:
        return
    u0, u1, u_value, v0, v1, v_value = (np.concatenate([f[i] for f in found]) for i in range(6))
    # a cancelling pair is no half (the sets that hold it hold a smaller derivable set)
    keys = cancelling[:, 0] * atoms + cancelling[:, 1]
    keep = ~(((u1 >= 0) & np.isin(u0 * atoms + u1, keys)) | ((v1 >= 0) & np.isin(v0 * atoms + v1, keys)))
    u0, u1, u_value, v0, v1, v_value = (a[keep] for a in (u0, u1, u_value, v0, v1, v_value))
    # the full search looked up each half's negative from the half that sorts first
    u_rank, v_rank = _rank(u0, u1, atoms), _rank(v0, v1, atoms)
    swap = (v_value < u_value) | ((v_value == u_value) & (v_rank < u_rank))
    first = np.column_stack([np.where(swap, v0, u0), np.where(swap, v1, u1)])
    later = np.column_stack([np.where(swap, u0, v0), np.where(swap, u1, v1)])
    first_value, later_value = np.where(swap, v_value, u_value), np.where(swap, u_value, v_value)
    keep = (later_value >= -first_value - 2 * zero) & (later_value <= -first_value + 2 * zero)
    first, later = first[keep], later[keep]
    total = _sums(prints, first) + _sums(prints, later)
    keep = np.abs(total).max(axis=1, initial=0.0) <= 4 * zero
    a0, a1 = first[keep, 0], first[keep, 1]
    b0, b1 = later[keep, 0], later[keep, 1]
    shared = (a0 == b0) | (a0 == b1) | ((a1 >= 0) & ((a1 == b0) | (a1 == b1)))
    for x0, x1, y0, y1 in zip(a0[~shared], a1[~shared], b0[~shared], b1[~shared], strict=True):
        yield tuple(int(a) for a in (x0, x1, y0, y1) if a >= 0)


def _rank(one: np.ndarray, other: np.ndarray, atoms: int) -> np.ndarray:
    """A half's place among the halves as the full search listed them (singles first)."""
    return np.where(other < 0, one, atoms + one * atoms + other)


def _sums(prints: np.ndarray, halves: np.ndarray) -> np.ndarray:
    """Each half's fingerprint: its atom's, or the sum of its two atoms'."""
    second = np.where((halves[:, 1] >= 0)[:, None], prints[np.maximum(halves[:, 1], 0)], 0.0)
    return prints[halves[:, 0]] + second
