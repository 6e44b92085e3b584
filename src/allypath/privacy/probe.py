"""The linear audit for large tables: small derivable sets found by null-space probes.

:func:`allypath.privacy.audit.find_small_derivable` reduces the row space to a dense basis and lists
subsets of its pivots; past a few thousand cells and atoms both the dense algebra and the listing
grow out of reach (a wave of 12,500 respondents in 500 units, crossed with level and region, is
about 2,500 shown cells over 5,000 atoms). This module answers the same question another way.

A set S of atoms is derivable when 1[S] lies in the row space of the shown cells, i.e. when it is
orthogonal to every vector z of their null space (B z = 0): sum over S of z_j = 0. A few random null
vectors ("probes", each the residual of a sparse least-squares fit of random numbers, LSMR) give every
atom a fingerprint; a set whose fingerprints sum to zero on every probe is derivable (a set that is
not would need every probe to vanish on a fixed non-zero vector: probability zero, and the tolerance
is far below the probes' spread). Then the small sets (at most k - 1 atoms, weight at most k - 1) are
found by meeting in the middle: every atom and every light pair of atoms is a "half", halves are
sorted by their first fingerprint, and two halves match when their fingerprints cancel. This is
exact for k <= 5 (a set of at most 4 atoms is two halves of at most 2); for larger k the caller
falls back to a coarser rule.

The same probes tell whether a hidden cell's count follows from the shown ones (restore): its
indicator, in atom coordinates, is orthogonal to the null space.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import lsmr

__all__ = ["MAX_K", "Probes", "find_light_sets", "find_small_sets", "probes"]

MAX_K = 5  # halves of at most two atoms cover every set of at most k - 1 = 4 atoms
PROBES = 4
_SEED = 20263
# a fingerprint sum this close to zero is zero: probes have entries of order 1 and are exact to
# about 1e-12 (LSMR run to 1e-14), while a window this narrow keeps chance near-misses rare among
# the millions of halves
_ZERO = 1e-8


@dataclass(frozen=True)
class Probes:
    """Random vectors of the null space of a (cells x atoms) matrix, one column each."""

    vectors: np.ndarray  # (atoms x PROBES)

    def vanishes(self, indicator: sp.csr_matrix) -> np.ndarray:
        """Whether each row of ``indicator`` (rows x atoms, 0/1) is orthogonal to every probe, i.e.
        lies in the row space of the matrix the probes came from."""
        sums = indicator @ self.vectors
        return np.asarray(np.abs(sums).max(axis=1) <= _ZERO * np.maximum(1.0, indicator.sum(axis=1).A1))


def probes(matrix: sp.csr_matrix, count: int = PROBES) -> Probes:
    """``count`` random vectors z with ``matrix @ z == 0`` (to rounding), fixed by the seed."""
    rng = np.random.default_rng(_SEED)
    transposed = sp.csr_matrix(matrix.T, dtype=float)
    columns = []
    for _ in range(count):
        draw = rng.standard_normal(matrix.shape[1])
        fit = lsmr(transposed, draw, atol=1e-14, btol=1e-14, maxiter=20 * max(matrix.shape))[0]
        columns.append(draw - transposed @ fit)
    vectors = np.column_stack(columns)
    residual = np.abs(matrix @ vectors).max(initial=0.0)
    if residual > 1e-9:  # pragma: no cover - LSMR did not converge; the caller falls back
        raise ArithmeticError(f"null-space probes did not converge (residual {residual:.1e})")
    return Probes(vectors)


def _halves(weights: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Every atom and every pair of atoms weighing at most ``limit`` together: (halves x 2) atom
    indices (-1 for none) and their weights."""
    singles = np.flatnonzero(weights <= limit)
    light = singles[weights[singles] <= limit - 1]
    first, second = np.triu_indices(light.size, k=1)
    first, second = light[first], light[second]
    keep = weights[first] + weights[second] <= limit
    pairs = np.column_stack([first[keep], second[keep]])
    halves = np.vstack([np.column_stack([singles, np.full(singles.size, -1)]), pairs])
    weight = weights[halves[:, 0]] + np.where(halves[:, 1] >= 0, weights[np.maximum(halves[:, 1], 0)], 0)
    return halves, weight


def _sums(prints: np.ndarray, halves: np.ndarray) -> np.ndarray:
    """Each half's fingerprint: its atom's, or the sum of its two atoms'."""
    second = np.where((halves[:, 1] >= 0)[:, None], prints[np.maximum(halves[:, 1], 0)], 0.0)
    return prints[halves[:, 0]] + second


def find_small_sets(matrix: sp.csr_matrix, weights: np.ndarray, k: int) -> list[tuple[int, ...]] | None:
    """Every set of 1..k-1 respondents (a union of atoms, each atom a column of ``matrix``) whose
    count the shown cells (its rows) determine, lightest first; None when k > :data:`MAX_K`.

    Sets are listed as sorted atom indices. Every small derivable set holds one listed (one that
    holds another derivable set also yields their difference, so the search skips such unions).
    """
    if k > MAX_K:
        return None
    return find_light_sets(matrix, weights, k - 1)


def find_light_sets(matrix: sp.csr_matrix, weights: np.ndarray, limit: int) -> list[tuple[int, ...]]:
    """Every derivable set of atoms of total weight 1..``limit`` (at most 4: at most four atoms,
    each weighing at least 1), as :func:`find_small_sets` lists them; atoms of weight 0 or above
    ``limit`` take no part."""
    if not 1 <= limit <= MAX_K - 1:
        raise ValueError(f"the search covers sets of at most {MAX_K - 1} atoms, not {limit}")
    k = limit + 1
    weights = np.asarray(weights, dtype=np.int64)
    small = np.flatnonzero((weights > 0) & (weights < k))
    if small.size == 0 or matrix.shape[0] == 0:
        return []
    prints = probes(matrix).vectors[small]
    found: set[tuple[int, ...]] = set()
    # a derivable set that holds a derivable set also yields their difference, so the minimal
    # ones are enough: atoms derivable alone leave the search once listed
    zero = np.abs(prints).max(axis=1) <= _ZERO
    found.update((int(small[a]),) for a in np.flatnonzero(zero))
    rest = np.flatnonzero(~zero)
    halves, weight = _halves(weights[small][rest], k - 1)
    halves = np.where(halves >= 0, rest[np.maximum(halves, 0)], -1)
    # the first fingerprint of every half; the others only where the first one matches
    values = prints[halves[:, 0], 0] + np.where(
        halves[:, 1] >= 0, prints[np.maximum(halves[:, 1], 0), 0], 0.0
    )
    maybe = np.flatnonzero((halves[:, 1] >= 0) & (np.abs(values) <= _ZERO))
    pair_zero = maybe[np.abs(_sums(prints, halves[maybe])).max(axis=1) <= _ZERO]
    found.update(tuple(sorted(int(small[a]) for a in halves[h])) for h in pair_zero)
    keep = np.ones(halves.shape[0], dtype=bool)
    keep[pair_zero] = False
    # two halves whose fingerprints cancel: halves sorted by their first fingerprint, each one's
    # negative searched among them (queries in ascending order too, which keeps the search fast)
    order = np.flatnonzero(keep)[np.argsort(values[keep], kind="stable")]
    halves, weight, values = halves[order], weight[order], values[order]
    low = np.searchsorted(values, (-values - 2 * _ZERO)[::-1], side="left")[::-1]
    high = np.searchsorted(values, (-values + 2 * _ZERO)[::-1], side="right")[::-1]
    spans = high - low
    first = np.repeat(np.arange(values.size), spans)
    second = np.repeat(low - np.cumsum(spans) + spans, spans) + np.arange(int(spans.sum()))
    keep = (second > first) & (weight[first] + weight[second] <= k - 1)
    first, second = first[keep], second[keep]
    total = _sums(prints, halves[first]) + _sums(prints, halves[second])
    keep = np.abs(total).max(axis=1) <= 4 * _ZERO
    first, second = first[keep], second[keep]
    a0, a1, b0, b1 = halves[first, 0], halves[first, 1], halves[second, 0], halves[second, 1]
    shared = (a0 == b0) | (a0 == b1) | ((a1 >= 0) & ((a1 == b0) | (a1 == b1)))
    for x, y, u, v in zip(a0[~shared], a1[~shared], b0[~shared], b1[~shared], strict=True):
        found.add(tuple(sorted(int(small[a]) for a in (x, y, u, v) if a >= 0)))
    return sorted(found, key=lambda s: (int(weights[list(s)].sum()), s))
