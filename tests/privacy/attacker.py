"""The attacker of the oracle tests: everything one viewer obtained, combined every way we know.

It is written apart from the gate on purpose (brute force over sets, a projector instead of the
gate's reduced-basis search) so that it can disagree with the gate.

Released figures are equations: for each group G shown, count(G) = 1[G] . 1 and
sum(G) = 1[G] . score. A set S is *derivable* when 1[S] is a linear combination of the released
indicators; its count and score sum then follow from the released numbers by least squares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

TOL = 1e-8


@dataclass
class Release:
    """One released group: its members (row indices of the population) and what was shown.

    ``split`` holds its published stage counts (4 values) or band counts (2 values), if any.
    """

    label: str
    members: np.ndarray
    count: float
    total: float  # sum of the score over members (a mean times a count gives the same)
    split: np.ndarray | None = None


@dataclass
class Breach:
    how: str
    members: tuple[int, ...]
    derived_count: float
    derived_total: float = float("nan")


@dataclass
class Attacker:
    population: int
    releases: list[Release] = field(default_factory=list)

    def see(
        self, label: str, members: np.ndarray, count: float, total: float, split: np.ndarray | None = None
    ) -> None:
        self.releases.append(
            Release(label, np.asarray(members, dtype=int), float(count), float(total), split)
        )

    # ------------------------------------------------------------ the equations
    def _matrix(self) -> np.ndarray:
        matrix = np.zeros((len(self.releases), self.population))
        for row, release in enumerate(self.releases):
            matrix[row, release.members] = 1.0
        return matrix

    def _solve(self, matrix: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, float]:
        coefficients, *_ = np.linalg.lstsq(matrix.T, target, rcond=None)
        residual = float(np.abs(matrix.T @ coefficients - target).max())
        return coefficients, residual

    # ------------------------------------------------------------ set algebra
    def set_algebra(self, k: int) -> list[Breach]:
        """Differences of nested pairs and of chains, unions of disjoint groups, inclusion-exclusion."""
        found: list[Breach] = []
        sets = [frozenset(r.members.tolist()) for r in self.releases]
        counts = [r.count for r in self.releases]
        totals = [r.total for r in self.releases]
        index = {s: i for i, s in enumerate(sets)}
        for i, j in combinations(range(len(sets)), 2):
            a, b = sets[i], sets[j]
            for big, small in ((i, j), (j, i)):
                if sets[small] < sets[big]:
                    derived = counts[big] - counts[small]
                    if 0 < derived < k:
                        members = tuple(sorted(sets[big] - sets[small]))
                        found.append(
                            Breach("nested difference", members, derived, totals[big] - totals[small])
                        )
            union = a | b
            if a & b and union in index:  # |A ∩ B| = |A| + |B| - |A ∪ B|
                derived = counts[i] + counts[j] - counts[index[union]]
                if 0 < derived < k:
                    found.append(Breach("inclusion-exclusion", tuple(sorted(a & b)), derived))
        # chains: a group minus several disjoint released subgroups of it
        for i, big in enumerate(sets):
            inside = [j for j, s in enumerate(sets) if j != i and s < big]
            for size in (2, 3):
                for chosen in combinations(inside, size):
                    parts = [sets[j] for j in chosen]
                    if sum(len(p) for p in parts) != len(frozenset().union(*parts)):
                        continue
                    derived = counts[i] - sum(counts[j] for j in chosen)
                    if 0 < derived < k:
                        rest = big - frozenset().union(*parts)
                        found.append(Breach("chain difference", tuple(sorted(rest)), derived))
        return found

    # ------------------------------------------------------------ linear algebra
    def individuals(self) -> list[Breach]:
        """Individuals whose score follows from a least-squares combination of released sums."""
        if not self.releases:
            return []
        matrix = self._matrix()
        projector = np.linalg.pinv(matrix) @ matrix
        found = []
        for person in np.flatnonzero(np.abs(np.diag(projector) - 1.0) < 1e-7):
            target = np.zeros(self.population)
            target[person] = 1.0
            coefficients, residual = self._solve(matrix, target)
            if residual < 1e-6:
                totals = np.array([r.total for r in self.releases])
                counts = np.array([r.count for r in self.releases])
                found.append(
                    Breach(
                        "individual score",
                        (int(person),),
                        float(coefficients @ counts),
                        float(coefficients @ totals),
                    )
                )
        return found

    def small_sets(self, k: int) -> list[Breach]:
        """Every set of 1..k-1 people whose count a linear combination of released counts gives.

        People in the same released groups are interchangeable ("atoms"), so derivable sets are
        unions of atoms; every union of atoms weighing less than k is tried against the
        orthogonal projector onto the released row space.
        """
        if not self.releases:
            return []
        matrix = self._matrix()
        covered = np.flatnonzero(matrix.sum(axis=0) > 0)
        _, atom_of = np.unique(matrix[:, covered].T, axis=0, return_inverse=True)
        atom_of = atom_of.ravel()
        weights = np.bincount(atom_of)
        small = np.flatnonzero(weights < k)
        projector = np.linalg.pinv(matrix) @ matrix
        indicators = np.zeros((small.size, self.population))
        for row, atom in enumerate(small):
            indicators[row, covered[atom_of == atom]] = 1.0
        # how far each small atom's indicator is from the row space; a union is derivable
        # exactly when these residuals cancel
        residuals = indicators @ projector.T - indicators
        counts = np.array([r.count for r in self.releases])
        found = []
        for size in range(1, k):
            chosen = np.array(list(combinations(range(small.size), size)), dtype=int).reshape(-1, size)
            light = weights[small][chosen].sum(axis=1) < k
            chosen = chosen[light]
            if chosen.size == 0:
                continue
            gaps = np.abs(residuals[chosen].sum(axis=1)).max(axis=1)
            for combo in chosen[gaps < 1e-7]:
                target = indicators[combo].sum(axis=0)
                coefficients, _ = self._solve(matrix, target)
                members = tuple(int(p) for p in np.flatnonzero(target))
                found.append(Breach("linear combination", members, float(coefficients @ counts)))
        return found

    def breaches(self, k: int) -> list[Breach]:
        return [*self.set_algebra(k), *self.individuals(), *self.small_sets(k), *self.stage_certainty()]

    # ------------------------------------------------------------ stages with certainty
    def stage_certainty(self) -> list[Breach]:
        """Sets whose published stage (or band) counts put all members but at most one in one
        stage: each member, or a member who knows his own answer, learns the others' stages.

        The sets tried: every released split, every difference of two nested released splits, and
        every atom (people in the same released groups) and pair of atoms whose indicator lies in
        the row space of the released splits, with their counts from least squares.
        """
        found: list[Breach] = []
        # exact stages (DESIGN §6.3); the release also keeps two bands from being near-certain,
        # but knowing "Apathy or Ambivalence" is not knowing a stage, so only stages are attacked
        for width in (4,):
            rows = [r for r in self.releases if r.split is not None and r.split.size >= width]
            if not rows:
                continue
            splits = np.array([_fold(r.split, width) for r in rows], dtype=float)
            matrix = np.zeros((len(rows), self.population))
            for i, release in enumerate(rows):
                matrix[i, release.members] = 1.0
            projector = np.linalg.pinv(matrix) @ matrix
            candidates: list[np.ndarray] = [matrix[i] for i in range(len(rows))]
            for i, j in combinations(range(len(rows)), 2):
                for big, small in ((i, j), (j, i)):
                    if np.all(matrix[small] <= matrix[big]) and matrix[big].sum() > matrix[small].sum():
                        candidates.append(matrix[big] - matrix[small])
            covered = np.flatnonzero(matrix.sum(axis=0) > 0)
            _, atom_of = np.unique(matrix[:, covered].T, axis=0, return_inverse=True)
            atoms = (
                [covered[atom_of.ravel() == a] for a in range(int(atom_of.max()) + 1)] if covered.size else []
            )
            indicators = []
            for members in atoms:
                vector = np.zeros(self.population)
                vector[members] = 1.0
                indicators.append(vector)
            derivable = [v for v in indicators if np.abs(projector @ v - v).max() < 1e-7]
            candidates += derivable
            candidates += [a + b for a, b in combinations(derivable, 2)]
            for target in candidates:
                size = round(target.sum())
                if size < 2 or np.abs(projector @ target - target).max() > 1e-7:
                    continue
                coefficients, *_ = np.linalg.lstsq(matrix.T, target, rcond=None)
                counts = coefficients @ splits
                if counts.max() >= size - 1 - 1e-7:
                    members = tuple(int(p) for p in np.flatnonzero(target))
                    found.append(Breach(f"stage certainty ({width} categories)", members, float(size)))
        return found


def _fold(split: np.ndarray, width: int) -> np.ndarray:
    """A split at ``width`` categories: 4 stages, or their 2 bands."""
    if split.size == width:
        return split
    return np.array([split[0] + split[1], split[2] + split[3]])
