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

import hashlib
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import lsmr

from allypath.privacy.halves import light_matches

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


# The last matrix's probes: the stage audit searches one matrix once per stage, and the probes of a
# matrix are a function of it (seeded), so they are computed once. One entry, replaced whole.
_LAST: tuple[tuple[object, ...], Probes] | None = None


def _key(matrix: sp.csr_matrix, count: int) -> tuple[object, ...]:
    csr = sp.csr_matrix(matrix)
    digest = hashlib.blake2b(digest_size=16)
    for array in (csr.indptr, csr.indices, csr.data):
        digest.update(np.ascontiguousarray(array).tobytes())
    return (csr.shape, str(csr.data.dtype), str(csr.indices.dtype), count, digest.digest())


def probes(matrix: sp.csr_matrix, count: int = PROBES) -> Probes:
    """``count`` random vectors z with ``matrix @ z == 0`` (to rounding), fixed by the seed."""
    global _LAST
    key = _key(matrix, count)
    last = _LAST
    if last is not None and last[0] == key:
        return last[1]
    found = _probes(matrix, count)
    _LAST = (key, found)
    return found


def _probes(matrix: sp.csr_matrix, count: int) -> Probes:
    rng = np.random.default_rng(_SEED)
    transposed = sp.csr_matrix(matrix.T, dtype=float)
    columns = []
    for _ in range(count):
        draw = rng.standard_normal(matrix.shape[1])
        fit = lsmr(transposed, draw, atol=1e-14, btol=1e-14, maxiter=20 * max(matrix.shape))[0]
        columns.append(draw - transposed @ fit)
    vectors = np.column_stack(columns)
    vectors.flags.writeable = False  # kept for the next call on the same matrix
    residual = np.abs(matrix @ vectors).max(initial=0.0)
    if residual > 1e-9:  # pragma: no cover - LSMR did not converge; the caller falls back
        raise ArithmeticError(f"null-space probes did not converge (residual {residual:.1e})")
    return Probes(vectors)


def find_small_sets(matrix: sp.csr_matrix, weights: np.ndarray, k: int) -> list[tuple[int, ...]] | None:
    """Every set of 1..k-1 respondents (a union of atoms, each atom a column of ``matrix``) whose
    count the shown cells (its rows) determine, lightest first; None when k > :data:`MAX_K`.

    Sets are listed as sorted atom indices, sets of one weight in that order (the caller cuts the
    first of equal candidates first: tests/privacy/test_tie_order.py). Every small derivable set
    holds one listed (one that holds another derivable set also yields their difference, so the
    search skips such unions).
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
    for atoms in light_matches(prints[rest], weights[small][rest], limit, _ZERO):
        found.add(tuple(sorted(int(small[rest[a]]) for a in atoms)))
    return sorted(found, key=lambda s: (int(weights[list(s)].sum()), s))
