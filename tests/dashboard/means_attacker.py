"""An attacker on the means HR sees: every published mean with its group, and what differences give.

A mean of group A (over the people who answered its question) and one of group B give the sum over
the answerers of A minus those of B; any linear combination of shown means gives the sum over the
people it isolates. :func:`exposures` finds, from the ground truth (who is in which group and who
answered), every set of 1..k-1 answerers whose sum such a combination yields: what an attacker who
knows the answerer counts could work out. :func:`decoded_pairs` is the attacker without ground
truth: he reads the answerer counts out of the published floats themselves.

:func:`unprotected` publishes every group of every table with no gate, so the tests can show that
:func:`exposures` finds the leak the release is there to stop.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

import numpy as np
import pandas as pd

ID = "respondent_id"
UNIT_COLUMNS = ("unit", "unit2", "unit3")

Filters = tuple[tuple[str, str], ...]


def normalised(filters: Mapping[str, object]) -> Filters:
    """The filters as sorted (column, value) pairs, with every unit above a unit path added (a
    sub-unit's filter names its whole ancestry), so nesting can be read from the filters alone."""
    out = {str(c): str(v) for c, v in filters.items() if v is not None}
    for column in UNIT_COLUMNS:
        if column in out:
            parts = out[column].split("/")
            for depth in range(1, len(parts)):
                out[UNIT_COLUMNS[depth - 1]] = "/".join(parts[:depth])
    return tuple(sorted(out.items()))


@dataclass(frozen=True)
class Shown:
    """One published mean: where, of which group (its filters, the wave among them), its shown size."""

    view: str
    filters: Filters
    n: int | None
    measure: str  # the frame column the mean is of
    value: float  # the mean of that column (low policy awareness turned back: 6 - shown)
    decimals: int | None  # as published: None for a full-precision float

    @property
    def wave(self) -> str:
        return dict(self.filters)["wave"]


@dataclass(frozen=True)
class Exposure:
    """A set of 1..k-1 answerers whose sum a combination of shown means yields."""

    wave: str
    measure: str
    people: frozenset[str]
    total: float  # their sum, as the combination gives it
    combination: tuple[tuple[float, Filters], ...]  # (coefficient, group) of the shown sums used

    def describe(self) -> str:
        parts = " ".join(f"{c:+g}*sum{dict(f)}" for c, f in self.combination)
        return (
            f"{self.measure} on {self.wave}: {len(self.people)} answerer(s) with sum {self.total:g} "
            f"from {parts}"
        )


def members(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    keep = np.ones(len(frame), dtype=bool)
    for column, value in filters:
        keep &= (frame[column].astype("string") == value).fillna(False).to_numpy(dtype=bool)
    return frame[keep]


def answerers(frame: pd.DataFrame, filters: Filters, measure: str) -> frozenset[str]:
    rows = members(frame, filters)
    answered = pd.to_numeric(rows[measure], errors="coerce").notna().to_numpy(dtype=bool)
    return frozenset(rows.loc[answered, ID].astype(str))


def _in_span(matrix: np.ndarray, target: np.ndarray) -> np.ndarray | None:
    """Coefficients x with x @ matrix == target, or None when no combination of the rows gives it:
    one group or the difference of two if that does it (the attack as one would write it), else the
    least-squares combination."""
    rows = len(matrix)
    for i in range(rows):
        if np.array_equal(matrix[i], target):
            return np.eye(rows)[i]
    for i in range(rows):
        for j in range(rows):
            if i != j and np.array_equal(matrix[i] - matrix[j], target):
                return np.eye(rows)[i] - np.eye(rows)[j]
    x, *_ = np.linalg.lstsq(matrix.T, target, rcond=None)
    return x if np.allclose(x @ matrix, target, atol=1e-7) else None


def _light_subsets(sizes: Sequence[int], below: int) -> Iterator[tuple[int, ...]]:
    """Every non-empty set of atoms whose sizes add up to less than ``below``."""
    light = [i for i, s in enumerate(sizes) if s < below]

    def grow(start: int, chosen: tuple[int, ...], weight: int) -> Iterator[tuple[int, ...]]:
        for position in range(start, len(light)):
            atom = light[position]
            if weight + sizes[atom] < below:
                picked = (*chosen, atom)
                yield picked
                yield from grow(position + 1, picked, weight + sizes[atom])

    yield from grow(0, (), 0)


def exposures(shown: Iterable[Shown], frame: pd.DataFrame, k: int) -> list[Exposure]:
    """Every set of 1..k-1 answerers whose sum some linear combination of ``shown`` means yields.

    Ground truth: ``frame`` (placed rows: ``respondent_id``, the filter columns, the measures) says
    who answered in each shown group; each shown mean times its answer count is the sum over them.
    People are grouped into atoms (the same membership in every shown set), and every set of atoms
    lighter than k is tested against the span of the shown sets, so pairs of nested groups, a total
    minus the groups shown beside it, and any longer combination are all covered.
    """
    by_measure: dict[tuple[str, str], dict[frozenset[str], Filters]] = {}
    values: dict[tuple[str, str, frozenset[str]], float] = {}
    for item in shown:
        people = answerers(frame, item.filters, item.measure)
        if not people:
            continue
        sets = by_measure.setdefault((item.wave, item.measure), {})
        sets.setdefault(people, item.filters)
        exact = values.get((item.wave, item.measure, people))
        if exact is None or item.decimals is None:  # the most precise figure published for the group
            values[(item.wave, item.measure, people)] = item.value * len(people)
    found = []
    values_of = frame.set_index(frame[ID].astype(str))
    for (wave, measure), sets in sorted(by_measure.items()):
        groups = list(sets)
        everyone: set[str] = set().union(*groups)
        signature: dict[tuple[bool, ...], list[str]] = {}
        for person in sorted(everyone):
            signature.setdefault(tuple(person in g for g in groups), []).append(person)
        atoms = list(signature.values())
        matrix = np.array([[float(sig[i]) for sig in signature] for i in range(len(groups))])
        for subset in _light_subsets([len(a) for a in atoms], k):
            target = np.zeros(len(atoms))
            target[list(subset)] = 1.0
            x = _in_span(matrix, target)
            if x is None:
                continue
            who = frozenset(p for a in subset for p in atoms[a])
            combination = tuple(
                (round(float(c), 6), sets[groups[i]]) for i, c in enumerate(x) if abs(c) > 1e-7
            )
            total = float(
                sum(float(c) * values[(wave, measure, groups[i])] for i, c in enumerate(x) if abs(c) > 1e-7)
            )
            truth = float(pd.to_numeric(values_of.loc[sorted(who), measure]).sum())
            assert math.isclose(total, truth, abs_tol=1e-6 + 0.05 * sum(len(g) for g in groups)), (
                "the shown means do not add up to the ground truth"
            )
            found.append(Exposure(wave, measure, who, truth, combination))
    return found


def inconsistencies(shown: Iterable[Shown]) -> list[str]:
    """The same group's mean published with two sizes, or two values beyond rounding, in two views."""
    seen: dict[tuple[Filters, str], Shown] = {}
    out = []
    for item in shown:
        first = seen.setdefault((item.filters, item.measure), item)
        slack = sum(0.5 * 10.0**-d for d in (first.decimals, item.decimals) if d is not None) + 1e-9
        if first.n != item.n or abs(first.value - item.value) > slack:
            out.append(
                f"{item.measure} of {dict(item.filters)}: {first.view} {first.n}/{first.value} vs "
                f"{item.view} {item.n}/{item.value}"
            )
    return out


def unprotected(
    frame: pd.DataFrame, tables: Sequence[Sequence[str]], measures: Sequence[str], wave: str, *, k: int = 1
) -> list[Shown]:
    """Every group of every table with its mean, with no gate but "at least ``k`` people" per group
    (primary suppression only): what a dashboard shows that does not protect differences."""
    rows = frame[frame["wave"].astype(str) == wave]
    out = []
    for table in tables:
        groups = [((), rows)] if not table else rows.groupby(list(table), dropna=True, observed=True)
        for key, part in groups:
            values = key if isinstance(key, tuple) else (key,)
            if len(part) < k:
                continue
            filters = normalised({"wave": wave, **dict(zip(table, values, strict=True))})
            for measure in measures:
                numbers = pd.to_numeric(part[measure], errors="coerce").dropna()
                if len(numbers):
                    out.append(Shown("unprotected", filters, len(part), measure, float(numbers.mean()), None))
    return out


# ---------------------------------------------------------------------- the attacker without ground truth


def answer_counts(mean: float, n: int, grid: int, decimals: int | None) -> list[tuple[int, Fraction]]:
    """The answer counts a (1..n) and sums a published mean can come from, when every answer is a
    multiple of 1/``grid`` (a construct of m items: grid lcm(1..m)). A full-precision float is read
    as the nearest fraction; a rounded one as the interval it stands for."""
    out = []
    for a in range(1, n + 1):
        if decimals is None:
            total = Fraction(mean).limit_denominator(10**6) * a
            if (total * grid).denominator == 1:
                out.append((a, total))
        else:
            half = 0.5 * 10.0**-decimals
            low, high = (
                math.ceil((mean - half) * a * grid - 1e-9),
                math.floor((mean + half) * a * grid + 1e-9),
            )
            if low == high:
                out.append((a, Fraction(low, grid)))
    return out


def nested(outer: Filters, inner: Filters) -> bool:
    return outer != inner and set(outer) <= set(inner)


def decoded_pairs(shown: Sequence[Shown], grid: Mapping[str, int], k: int) -> list[str]:
    """What an attacker reads from the published means alone: for two nested groups whose answer
    counts the floats pin (one candidate each), a difference of 1..k-1 answerers and their sum."""
    out: dict[tuple[str, Filters, Filters], str] = {}
    for a, b in combinations(shown, 2):
        if a.measure != b.measure or a.wave != b.wave:
            continue
        outer, inner = (a, b) if nested(a.filters, b.filters) else (b, a)
        if not nested(outer.filters, inner.filters) or outer.n is None or inner.n is None:
            continue
        first = answer_counts(outer.value, outer.n, grid[outer.measure], outer.decimals)
        second = answer_counts(inner.value, inner.n, grid[inner.measure], inner.decimals)
        if len(first) == 1 and len(second) == 1:
            (count_a, sum_a), (count_b, sum_b) = first[0], second[0]
            if 1 <= count_a - count_b < k:
                out.setdefault(
                    (outer.measure, outer.filters, inner.filters),
                    f"{outer.measure}: {dict(outer.filters)} ({outer.view}, {outer.value!r} = {sum_a}/{count_a})"
                    f" minus {dict(inner.filters)} ({inner.view}, {inner.value!r} = {sum_b}/{count_b}):"
                    f" {count_a - count_b} answerer(s) with sum {float(sum_a - sum_b):g}",
                )
    return list(out.values())
