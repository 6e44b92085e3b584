"""The probe search's meet in the middle by weight class (allypath.privacy.halves) lists exactly the
sets the search over every half listed, its grid finds the positions binary searches over sorted
values find, and a matrix's probes, kept for the next call, are null vectors of that matrix and of
no other.

``_full_search`` is the search as it was before it was split by weight class (every atom and every
light pair sorted together): the reference the new one must equal, set for set, on fingerprints
with planted cancelling sets, exact ties and sums on the edges of the tolerance windows.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from allypath.privacy import halves, probe
from allypath.privacy.halves import _near, _sums, light_matches
from allypath.privacy.probe import _ZERO, find_light_sets, probes


def _full_search(prints: np.ndarray, weights: np.ndarray, limit: int) -> set[tuple[int, ...]]:
    """Every half sorted by its first fingerprint, each one's negative looked up among them."""
    k = limit + 1
    singles = np.flatnonzero(weights <= limit)
    light = singles[weights[singles] <= limit - 1]
    first, second = np.triu_indices(light.size, k=1)
    first, second = light[first], light[second]
    keep = weights[first] + weights[second] <= limit
    pairs = np.column_stack([first[keep], second[keep]])
    halves = np.vstack([np.column_stack([singles, np.full(singles.size, -1)]), pairs])
    other = np.maximum(halves[:, 1], 0)
    weight = weights[halves[:, 0]] + np.where(halves[:, 1] >= 0, weights[other], 0)
    values = prints[halves[:, 0], 0] + np.where(halves[:, 1] >= 0, prints[other, 0], 0.0)
    maybe = np.flatnonzero((halves[:, 1] >= 0) & (np.abs(values) <= _ZERO))
    pair_zero = maybe[np.abs(_sums(prints, halves[maybe])).max(axis=1, initial=0.0) <= _ZERO]
    found = {tuple(sorted(int(a) for a in halves[h])) for h in pair_zero}
    keep = np.ones(halves.shape[0], dtype=bool)
    keep[pair_zero] = False
    order = np.flatnonzero(keep)[np.argsort(values[keep], kind="stable")]
    halves, weight, values = halves[order], weight[order], values[order]
    low = np.searchsorted(values, (-values - 2 * _ZERO)[::-1], side="left")[::-1]
    high = np.searchsorted(values, (-values + 2 * _ZERO)[::-1], side="right")[::-1]
    for i in range(values.size):
        for j in range(max(low[i], i + 1), high[i]):
            if weight[i] + weight[j] > k - 1:
                continue
            total = _sums(prints, halves[[i]]) + _sums(prints, halves[[j]])
            atoms = [int(a) for a in (*halves[i], *halves[j]) if a >= 0]
            if np.abs(total).max() <= 4 * _ZERO and len(set(atoms)) == len(atoms):
                found.add(tuple(sorted(atoms)))
    return found


def _planted(seed: int, atoms: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Random fingerprints with cancelling sets of 2, 3 and 4 atoms planted, some of them just
    inside or just outside the windows, and some exact ties among first fingerprints."""
    rng = np.random.default_rng(seed)
    prints = rng.standard_normal((atoms, probe.PROBES))
    weights = rng.integers(1, 5, atoms)
    for size in (2, 3, 3, 4, 4, 4):
        chosen = rng.choice(atoms, size, replace=False)
        weights[chosen] = 1
        prints[chosen[-1]] = -prints[chosen[:-1]].sum(axis=0)
        # off by a hair: inside the tolerance, near its edge, or beyond it
        prints[chosen[-1], rng.integers(probe.PROBES)] += (
            rng.choice([0.0, 0.5, 0.99, 1.01, 1.9, 2.1, 4.1]) * _ZERO
        )
    ties = rng.choice(atoms, 4, replace=False)
    prints[ties[1], 0] = prints[ties[0], 0]
    prints[ties[3], 0] = -prints[ties[2], 0]
    return prints, weights


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("limit", [1, 2, 3, 4])
def test_the_search_by_weight_class_lists_what_the_full_search_lists(seed: int, limit: int) -> None:
    prints, weights = _planted(seed)
    expected = _full_search(prints, weights, limit)
    found = {tuple(sorted(s)) for s in light_matches(prints, weights, limit, _ZERO)}
    assert found == expected
    if limit == 4 and seed < 5:
        assert any(len(s) >= 3 for s in expected)  # the planted sets are there to be found


def _table_matrix(seed: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """Cells of a unit x level x region crossing (each margin and pairwise table) over the finest
    cells, with their sizes, a few cells dropped as if hidden."""
    rng = np.random.default_rng(seed)
    units, levels, regions = 12, 3, 4
    finest = np.array([(u, v, r) for u in range(units) for v in range(levels) for r in range(regions)])
    rows = []
    for columns in ((0,), (1,), (2,), (0, 1), (0, 2), (1, 2)):
        keys = {tuple(f[list(columns)]) for f in finest}
        for key in sorted(keys):
            rows.append(np.all(finest[:, list(columns)] == key, axis=1))
    matrix = np.array(rows, dtype=np.int32)
    matrix = matrix[rng.random(matrix.shape[0]) > 0.15]
    return sp.csr_matrix(matrix), rng.integers(0, 5, finest.shape[0])


@pytest.mark.parametrize("seed", range(6))
def test_find_light_sets_equals_the_full_search_on_built_tables(seed: int) -> None:
    matrix, weights = _table_matrix(seed)
    small = np.flatnonzero((weights > 0) & (weights < 5))
    prints = probes(matrix).vectors[small]
    zero = np.abs(prints).max(axis=1) <= _ZERO
    rest = np.flatnonzero(~zero)
    expected = {(int(small[a]),) for a in np.flatnonzero(zero)}
    expected |= {
        tuple(sorted(int(small[rest[a]]) for a in s))
        for s in _full_search(prints[rest], weights[small][rest], 4)
    }
    assert set(find_light_sets(matrix, weights, 4)) == expected


def test_kept_probes_are_null_vectors_of_the_matrix_asked_about() -> None:
    """Probes kept from one call are given again only for the same matrix: after another matrix, or
    the same one less a row (a cell hidden), each answer is a null vector of the matrix asked."""
    matrix, _ = _table_matrix(0)
    fewer = matrix[1:]
    # the same shape, other cells: columns shuffled (reversed would map the crossing onto itself)
    other = sp.csr_matrix(matrix.toarray()[:, np.random.default_rng(1).permutation(matrix.shape[1])])
    for asked in (matrix, matrix, fewer, matrix, other, fewer, fewer):
        vectors = probes(asked).vectors
        assert vectors.shape == (asked.shape[1], probe.PROBES)
        assert np.abs(asked @ vectors).max() < 1e-9
        assert np.abs(vectors).max() > 1e-3  # not the zero vector
    assert probes(fewer) is probes(fewer)  # the second call on one matrix is not solved again
    with pytest.raises(ValueError):
        probes(fewer).vectors[0, 0] = 1.0  # kept probes cannot be changed by a caller


def _near_by_binary_search(values: np.ndarray, queries: np.ndarray, width: float) -> set[tuple[int, int]]:
    """(query, position) pairs as binary searches over the sorted values find them."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    low = np.searchsorted(ordered, -queries - width, side="left")
    high = np.searchsorted(ordered, -queries + width, side="right")
    return {(q, int(order[p])) for q in range(queries.size) for p in range(low[q], high[q])}


@pytest.mark.parametrize("seed", range(12))
def test_the_grid_finds_the_positions_binary_searches_find(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """halves._near (a grid over unsorted values) against binary searches: windows whose ends fall
    about on values, ties, one value or all equal, queries beyond either end of the values, queries
    looked up over several slices."""
    monkeypatch.setattr(halves, "_SLICE", 64)
    rng = np.random.default_rng(seed)
    width = 3 * _ZERO
    size = int(rng.choice([1, 2, 7, 300]))
    values = rng.standard_normal(size) * rng.choice([1e-9, 1.0, 50.0])
    values[rng.random(size) < 0.2] = values[0]  # ties
    queries = np.concatenate(
        [
            -values,
            -values + rng.choice([-1.0, 1.0], size) * width,  # windows ending about on a value
            -values + rng.uniform(-2, 2, size) * width,
            rng.standard_normal(500) * 3,
            [np.abs(values).max() * 10 + 1, -np.abs(values).max() * 10 - 1],
        ]
    )
    query, position = _near(values, queries, width)
    found = set(zip(query.tolist(), position.tolist(), strict=True))
    assert len(found) == query.size  # each pair once
    assert found == _near_by_binary_search(values, queries, width)
    assert all((q, q) in found for q in range(size))  # a value lies in its own negative's window
