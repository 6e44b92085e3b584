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
``limit - 1`` only single atoms of weight 1. Here halves are grouped by weight, each group meets
only the groups it can, and the smaller group of two is the one sorted. Candidates are gathered
with a wider window (``3 zero``), then the original tests run on them exactly as written there
(the same floating-point sums, the same orientation), so the same sets come out: the wider window
only lets through more candidates for those tests, never fewer.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["light_matches"]


def _near(values: np.ndarray, queries: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """(query, position) for every position of the sorted ``values`` whose value lies within
    ``width`` of the query's negative."""
    low = np.searchsorted(values, -queries - width, side="left")
    # most queries meet nothing: the window's upper end is looked up only where its lower end
    # holds a value inside it (the binary searches are most of the time here)
    upper = -queries + width
    hit = np.flatnonzero(values[np.minimum(low, values.size - 1)] <= upper)
    hit = hit[low[hit] < values.size]
    high = low.copy()
    high[hit] = np.searchsorted(values, upper[hit], side="right")
    spans = high - low
    query = np.repeat(np.arange(queries.size), spans)
    position = np.repeat(low - np.cumsum(spans) + spans, spans) + np.arange(int(spans.sum()))
    return query, position


def _pairs(weights: np.ndarray, cap: int) -> np.ndarray:
    """Every pair (i < j) of atoms weighing at most ``cap`` together, in row-major order."""
    light = np.flatnonzero(weights <= cap - 1)
    first, second = np.triu_indices(light.size, k=1)
    first, second = light[first], light[second]
    keep = weights[first] + weights[second] <= cap
    return np.column_stack([first[keep], second[keep]])


def _cancelling_pairs(prints: np.ndarray, weights: np.ndarray, limit: int, zero: float) -> np.ndarray:
    """Pairs (i < j) of atoms weighing at most ``limit`` whose every fingerprint sums to within
    ``zero`` of 0 (their first one first, as the whole search did)."""
    light = np.flatnonzero(weights <= limit - 1)
    values = prints[light, 0]
    order = np.argsort(values, kind="stable")
    query, position = _near(values[order], values, 2 * zero)
    a, b = light[query], light[order[position]]
    keep = (a < b) & (weights[a] + weights[b] <= limit)
    a, b = a[keep], b[keep]
    keep = np.abs(prints[a, 0] + prints[b, 0]) <= zero
    a, b = a[keep], b[keep]
    keep = np.abs(prints[a] + prints[b]).max(axis=1, initial=0.0) <= zero
    return np.column_stack([a[keep], b[keep]])


def light_matches(
    prints: np.ndarray, weights: np.ndarray, limit: int, zero: float
) -> Iterator[tuple[int, ...]]:
    """Sets of 2 to 4 atoms (indices into ``prints``: atoms x probes, none all zero) of total weight
    at most ``limit`` that the fingerprints call derivable, as the meet in the middle finds them
    (some more than once)."""
    atoms = prints.shape[0]
    cancelling = _cancelling_pairs(prints, weights, limit, zero)
    yield from (tuple(int(a) for a in pair) for pair in cancelling)
    # the halves that can meet another one: weight at most limit - 1, cancelling pairs left out
    pairs = _pairs(weights, limit - 1)
    if cancelling.size and pairs.size:
        gone = np.isin(pairs[:, 0] * atoms + pairs[:, 1], cancelling[:, 0] * atoms + cancelling[:, 1])
        pairs = pairs[~gone]
    singles = np.flatnonzero(weights <= limit - 1)
    halves = np.vstack([np.column_stack([singles, np.full(singles.size, -1)]), pairs])
    # a half's rank is its place among the halves as the full search listed them (singles first)
    rank = np.where(halves[:, 1] < 0, halves[:, 0], atoms + halves[:, 0] * atoms + halves[:, 1])
    second = np.maximum(halves[:, 1], 0)
    weight = weights[halves[:, 0]] + np.where(halves[:, 1] >= 0, weights[second], 0)
    values = prints[halves[:, 0], 0] + np.where(halves[:, 1] >= 0, prints[second, 0], 0.0)
    groups = [np.flatnonzero(weight == w) for w in range(limit)]
    found: list[tuple[np.ndarray, np.ndarray]] = []
    for light in range(1, limit):
        for heavy in range(light, limit - light + 1):
            x, y = groups[light], groups[heavy]
            if x.size == 0 or y.size == 0:
                continue
            if x.size > y.size:
                x, y = y, x
            # ties may fall in any order: which half comes first is decided by rank below
            order = x[np.argsort(values[x])]
            if light == heavy:
                # the sorted halves look themselves up: queries in ascending order of their
                # negatives keep the binary searches in cache (unordered, they took seconds)
                backwards = order[::-1]
                query, position = _near(values[order], values[backwards], 3 * zero)
                u, v = backwards[query], order[position]
                keep = rank[u] < rank[v]
                u, v = u[keep], v[keep]
            else:
                query, position = _near(values[order], values[y], 3 * zero)
                u, v = y[query], order[position]
            found.append((u, v))
    if not found:
        return
    u = np.concatenate([f[0] for f in found])
    v = np.concatenate([f[1] for f in found])
    # the full search looked up each half's negative from the half that sorts first
    swap = (values[v] < values[u]) | ((values[v] == values[u]) & (rank[v] < rank[u]))
    first, later = np.where(swap, v, u), np.where(swap, u, v)
    keep = (values[later] >= -values[first] - 2 * zero) & (values[later] <= -values[first] + 2 * zero)
    first, later = first[keep], later[keep]
    total = _sums(prints, halves[first]) + _sums(prints, halves[later])
    keep = np.abs(total).max(axis=1, initial=0.0) <= 4 * zero
    a0, a1 = halves[first[keep], 0], halves[first[keep], 1]
    b0, b1 = halves[later[keep], 0], halves[later[keep], 1]
    shared = (a0 == b0) | (a0 == b1) | ((a1 >= 0) & ((a1 == b0) | (a1 == b1)))
    for x, y, u, v in zip(a0[~shared], a1[~shared], b0[~shared], b1[~shared], strict=True):
        yield tuple(int(a) for a in (x, y, u, v) if a >= 0)


def _sums(prints: np.ndarray, halves: np.ndarray) -> np.ndarray:
    """Each half's fingerprint: its atom's, or the sum of its two atoms'."""
    second = np.where((halves[:, 1] >= 0)[:, None], prints[np.maximum(halves[:, 1], 0)], 0.0)
    return prints[halves[:, 0]] + second
