"""The linear audit behind the differencing guard: can released counts single out a small group?

A viewer who has seen the count (and the score sums, via means) of groups G1..Gm can combine them
with any real coefficients: sum_i y_i * count(G_i) is the count of a set S exactly when the
indicator vector of S equals sum_i y_i * 1[G_i], i.e. when 1[S] lies in the row space of the
group-by-respondent incidence matrix. The audit answers: is there a set of 1..k-1 respondents
whose indicator lies in that row space? Pairwise rules ("two views differ by 0 or at least k")
miss combinations of three or more views, e.g. |A ∩ B| = |A| + |B| - |A ∪ B|; this audit does not.

Method
------
Respondents with the same memberships ("atoms") are indistinguishable to every combination, so
the row space is searched in atom coordinates, weighted by atom sizes. A derivable set is a union
of atoms; a small one uses only atoms smaller than k. Let L be the atoms of at least k members and
S the small ones. The vectors of the row space that vanish on L are z^T (Y^T B_S) with Y a basis of
the left null space of B_L. Bring a basis of that space to reduced form E (E[:, pivots] = I): any
0/1 vector in it equals c^T E with c its own values on the pivots, so c is itself 0/1 and only
subsets of pivots of total weight below k need trying. The search is exact; if it would exceed
``budget`` subsets it stops and reports "undecided", which the gate treats as a refusal.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy.linalg import null_space, qr

from allypath._blas import single_threaded_blas_in

__all__ = ["Finding", "cheapest_cut", "find_small_derivable"]

_TOL = 1e-7
DEFAULT_BUDGET = 200_000


@dataclass(frozen=True, slots=True)
class Finding:
    """A small derivable set: its atoms, its size and the groups whose counts combine into it.

    ``undecided`` is True when the search stopped at its budget before finishing; nothing was
    found then, but nothing was proven safe either.
    """

    atoms: tuple[int, ...]
    size: int
    groups: tuple[int, ...]
    undecided: bool = False


def _row_space_basis(matrix: np.ndarray) -> np.ndarray:
    """Orthonormal rows spanning the row space of a non-empty ``matrix`` (rank x columns)."""
    # full_matrices and the tolerance's exact form change nothing for 0/1 incidence data
    _, singular, vt = np.linalg.svd(matrix, full_matrices=False)  # pragma: no mutate
    rank = int((singular > _TOL * max(1.0, float(singular[0]))).sum())  # pragma: no mutate
    return vt[:rank]


def _count_light_subsets(weights: list[int], limit: int, cap: int) -> int:
    """How many non-empty subsets of ``weights`` (each >= 1) sum to at most ``limit`` (capped at
    ``cap + 1``): counted by total weight, without listing them."""
    ways = [1] + [0] * limit
    for weight in weights:
        for total in range(limit, weight - 1, -1):
            ways[total] = min(ways[total] + ways[total - weight], cap + 1)
    return min(sum(ways[1:]), cap + 1)


def _light_subsets(weights: np.ndarray, limit: int, budget: int) -> Iterator[tuple[int, ...]] | None:
    """Every subset of indices whose weights sum to at most ``limit``, lightest-first depth-first
    (None, without listing any, if there are more than ``budget``)."""
    # a stable sort only fixes which of equally light subsets is tried first
    order = [int(i) for i in np.argsort(weights, kind="stable") if weights[i] <= limit]  # pragma: no mutate
    if _count_light_subsets([int(weights[i]) for i in order], limit, budget) > budget:
        return None

    def walk(start: int, chosen: tuple[int, ...], total: int) -> Iterator[tuple[int, ...]]:
        for pos in range(start, len(order)):
            index = order[pos]
            weight = int(weights[index])
            if total + weight > limit:
                break  # order is by weight, so every later index is at least as heavy
            subset = (*chosen, index)
            yield subset
            yield from walk(pos + 1, subset, total + weight)

    return walk(0, (), 0)


def _first_small(
    chunk: list[tuple[int, ...]], reduced: np.ndarray, weights: np.ndarray, k: int
) -> tuple[int, np.ndarray] | None:
    """The first subset of ``chunk`` whose sum of reduced rows is a 0/1 vector weighing under k."""
    indicator = np.zeros((len(chunk), reduced.shape[0]))
    for row, subset in enumerate(chunk):
        indicator[row, list(subset)] = 1.0  # pragma: no mutate
    vectors = indicator @ reduced
    rounded = np.rint(vectors)
    # a 0/1 vector of this space has values 0/1 on the pivots, so sums of 2 or more at other atoms
    # only arise together with fractional or negative entries elsewhere
    whole = np.abs(vectors - rounded).max(axis=1) <= _TOL  # pragma: no mutate
    ok = whole & (rounded.min(axis=1) >= 0) & (rounded.max(axis=1) <= 1)
    ok &= rounded @ weights < k  # never 0: the vector is 1 on at least one pivot
    hits = np.flatnonzero(ok)
    return (int(hits[0]), rounded[hits[0]]) if hits.size else None


def _explain(incidence: np.ndarray, vector: np.ndarray) -> tuple[int, ...]:
    """Groups (row indices) with a non-zero coefficient in one combination that yields ``vector``."""
    coefficients, *_ = np.linalg.lstsq(incidence.T, vector, rcond=None)  # pragma: no mutate
    return tuple(int(i) for i in np.flatnonzero(np.abs(coefficients) > 1e-9))  # pragma: no mutate


@single_threaded_blas_in  # small matrices: BLAS threads only add synchronisation (allypath._blas)
def find_small_derivable(
    incidence: np.ndarray, weights: np.ndarray, k: int, *, budget: int = DEFAULT_BUDGET
) -> Finding | None:
    """The first set of 1..k-1 respondents whose count the released groups determine, or None.

    Parameters
    ----------
    incidence : (groups x atoms) array of 0/1
        Which atoms each released group covers.
    weights : (atoms,) array of int
        Respondents in each atom (at least 1).
    k : int
        Minimum group size.
    budget : int
        Most subsets of pivots tried before giving up with an ``undecided`` finding.

    Examples
    --------
    Groups A = {a, b}, B = {b, c} and A ∪ B, with atoms a, b, c of 4, 1 and 4 respondents:
    |A| + |B| - |A ∪ B| counts atom b alone.

    >>> B = np.array([[1, 1, 0], [0, 1, 1], [1, 1, 1]])
    >>> find_small_derivable(B, np.array([4, 1, 4]), k=5).atoms
    (1,)
    """
    matrix = np.asarray(incidence, dtype=float)  # pragma: no mutate
    weights = np.asarray(weights, dtype=np.int64)  # pragma: no mutate
    # atoms are never empty; an atom of exactly k can only add sets of k or more
    small = (weights > 0) & (weights < k)  # pragma: no mutate
    if not small.any() or matrix.shape[0] == 0:
        return None
    large = ~small
    if large.any():
        left = null_space(matrix[:, large].T)  # y with y^T B_L = 0
        if left.shape[1] == 0:
            return None
        reachable = left.T @ matrix[:, small]
    else:
        reachable = matrix[:, small]
    basis = _row_space_basis(reachable)
    rank = basis.shape[0]
    if rank == 0:
        return None
    _, _, permutation = qr(basis, mode="economic", pivoting=True)  # pragma: no mutate
    pivots = permutation[:rank]
    reduced = np.linalg.solve(basis[:, pivots], basis)  # reduced[:, pivots] is the identity
    small_atoms = np.flatnonzero(small)
    small_weights = weights[small]
    subsets = _light_subsets(small_weights[pivots], k - 1, budget)
    if subsets is None:
        return Finding((), 0, (), undecided=True)
    # subsets are checked in growing chunks, in the order listed: the first hit is the one a
    # one-by-one loop would find, at a fraction of the cost
    chunk: list[tuple[int, ...]] = []
    capacity = 64
    done = False
    while not done:
        subset = next(subsets, None)
        if subset is not None:
            chunk.append(subset)
            if len(chunk) < capacity:
                continue
        done = subset is None
        hit = _first_small(chunk, reduced, small_weights, k) if chunk else None
        if hit is not None:
            rounded = hit[1]
            members = small_atoms[rounded == 1]
            full = np.zeros(matrix.shape[1])
            full[members] = 1.0  # pragma: no mutate
            size = int(small_weights @ rounded)
            return Finding(tuple(int(a) for a in members), size, _explain(matrix, full))
        chunk, capacity = [], min(capacity * 4, 8192)
    return None


def cheapest_cut(incidence: np.ndarray, atoms: tuple[int, ...], costs: np.ndarray) -> tuple[int, ...]:
    """Groups (rows) to withhold so that the set of ``atoms``, derivable now, no longer is: the
    cheapest (least total ``costs``) of the cuts tried.

    A set is derivable exactly when its indicator t lies in the row space, so it no longer is once
    the rows left all miss some change v of the atoms with t . v != 0. The cuts tried: every row that
    sees one member of an atom a of the set change; every row that sees a member of a swap with one
    of an atom b outside it (the rows holding one of a, b: b in a sibling of the set's group spares
    every group holding both, such as their parents); and one row alone where every combination
    giving the set needs it (its coefficient is the same non-zero in all of them). Each breaks this
    set; the caller audits again for the rest.

    A parent of atoms 0, 1, 2 and two of its children, atoms 0 and 1: atom 2 is the parent minus
    both. Withholding the smaller child breaks that, where withholding the parent would cost more.

    >>> B = np.array([[1, 1, 1], [1, 0, 0], [0, 1, 0]])
    >>> cheapest_cut(B, (2,), np.array([100, 60, 30]))
    (2,)
    """
    held = np.asarray(incidence, dtype=bool)
    costs = np.asarray(costs, dtype=float)
    inside = np.zeros(held.shape[1], dtype=bool)
    inside[list(atoms)] = True
    options: list[tuple[float, tuple[int, ...]]] = []
    for a in sorted(atoms):
        options.append((float(costs @ held[:, a]), tuple(np.flatnonzero(held[:, a]).tolist())))
        swap = costs @ (held != held[:, [a]])  # the rows that see a swap of a with each b
        swap[inside] = np.inf
        b = int(np.argmin(swap))
        if swap[b] < np.inf:
            options.append((float(swap[b]), tuple(np.flatnonzero(held[:, a] != held[:, b]).tolist())))
    matrix = held.T.astype(float)
    coefficients, *_ = np.linalg.lstsq(matrix, inside.astype(float), rcond=None)  # pragma: no mutate
    free = null_space(matrix)  # combinations giving nothing: adding one gives the set again
    needed = (np.abs(coefficients) > 1e-9) & (
        np.abs(free).max(axis=1, initial=0.0) < 1e-9
    )  # pragma: no mutate
    options += [(float(costs[r]), (int(r),)) for r in np.flatnonzero(needed)]
    return min(options)[1]
