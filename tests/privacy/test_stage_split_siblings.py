"""A small unit whose men are all at one stage hides its own split and a sibling's, not its parents'.

A review put 6 men, all at Ambivalence, in a unit "Tiny" of one organisation: the release hid the
stage split of everyone, of that organisation (933 men), of the senior leaders and of two large units,
and the board proposed no action. Tiny's split must stay hidden (all 6 at one stage tells each man's)
and must not follow by subtraction, but hiding one sibling unit does that as well as hiding the
parents did; the parents' splits follow from the levels' anyway, so hiding them protected nobody.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from allypath.privacy import Breakdown, PrivacyPolicy, solve, solve_release
from allypath.privacy.audit import find_small_derivable
from allypath.privacy.release import DETAIL_NONE, DETAIL_STAGES, Release
from allypath.privacy.solve import disclosive

K = 5
COLUMNS = ("unit", "org", "level", "region")
DECLARED = [
    Breakdown(c)
    for c in (
        ("unit",),
        ("org",),
        ("level",),
        ("region",),
        ("org", "level"),
        ("org", "region"),
        ("level", "region"),
        ("unit", "org"),
        ("unit", "level"),
        ("unit", "region"),
    )
]  # what `allypath report` declares for these columns
LEVELS = ("Individual contributor", "Manager", "Senior leader")
REGIONS = ("APAC", "Americas", "EMEA")


def _organisation() -> pd.DataFrame:
    """Two organisations of about 900 men in five units each; Meridian has a sixth unit, Tiny: 6 men
    of three levels and three regions, all at stage 2, as in the review's file."""
    rng = np.random.default_rng(7)
    rows = []
    units = {"Castellan": [170, 180, 175, 190, 185], "Meridian": [168, 183, 190, 196, 190]}
    for org, sizes in units.items():
        for number, size in enumerate(sizes):
            for _ in range(size):
                rows.append(
                    {
                        "unit": f"{org[0]}{number + 1}",
                        "org": org,
                        "level": LEVELS[rng.choice(3, p=[0.6, 0.3, 0.1])],
                        "region": REGIONS[rng.integers(3)],
                        "stage": int(rng.choice(4, p=[0.15, 0.3, 0.3, 0.25])) + 1,
                    }
                )
    tiny = [(2, 0), (2, 1), (0, 0), (0, 2), (0, 2), (1, 2)]  # (level, region) of each of the 6
    rows += [
        {"unit": "Tiny", "org": "Meridian", "level": LEVELS[lv], "region": REGIONS[rg], "stage": 2}
        for lv, rg in tiny
    ]
    frame = pd.DataFrame(rows)
    frame["respondent_id"] = [f"r{i}" for i in range(len(frame))]
    return frame


@pytest.fixture(scope="module")
def solved() -> tuple[pd.DataFrame, Release]:
    frame = _organisation()
    release = solve_release(frame, DECLARED, PrivacyPolicy(k=K), wave_column=None, hierarchy=("unit",))
    return frame, release


def _published(frame: pd.DataFrame, release: Release, detail: int) -> list[tuple[str, np.ndarray]]:
    """(name, members as a mask over the rows) of every cell shown with at least ``detail``."""
    out = []
    for cell in release.cells.values():
        if cell.shown and cell.detail >= detail:
            mask = np.ones(len(frame), dtype=bool)
            for column, value in cell.filters.items():
                mask &= (frame[column] == value).to_numpy()
            out.append((" · ".join(map(str, cell.values)) or "Everyone", mask))
    return out


def test_the_small_units_split_is_hidden_and_the_organisation_keeps_its_own(solved) -> None:
    frame, release = solved
    tiny = release.cell({"unit": "Tiny"})
    assert tiny.n == 6 and tiny.detail == DETAIL_NONE
    # the total, both organisations, every level and region and their crossings: every stage shown
    for columns in ((), ("org",), ("level",), ("region",), ("org", "level"), ("org", "region")):
        for values in frame.groupby(list(columns)).size().index if columns else [()]:
            values = values if isinstance(values, tuple) else (values,)
            cell = release.cell(dict(zip(columns, values, strict=True)))
            assert cell.detail == DETAIL_STAGES, (columns, values, cell.split_reason)
    for level in LEVELS:
        for region in REGIONS:
            assert release.cell({"level": level, "region": region}).detail == DETAIL_STAGES
    # of the units, Tiny and one sibling in its own organisation (a cut of "everyone minus the others")
    lowered = {u for u in frame["unit"].unique() if release.cell({"unit": u}).detail < DETAIL_STAGES}
    assert "Tiny" in lowered and len(lowered) <= 2, lowered
    assert {u for u in lowered if u != "Tiny"} <= set(frame.loc[frame["org"] == "Meridian", "unit"])


def test_no_subtraction_of_published_splits_gives_the_small_units_stages(solved) -> None:
    frame, release = solved
    stages = np.eye(4, dtype=np.int64)[frame["stage"].to_numpy() - 1]  # one row per man
    full = _published(frame, release, DETAIL_STAGES)
    is_tiny = (frame["unit"] == "Tiny").to_numpy()
    # the attack of the review: a parent minus every child of it whose stages are shown
    for parent in ({}, {"org": "Meridian"}):
        cell = release.cell(parent)
        assert cell.detail == DETAIL_STAGES
        inside = np.ones(len(frame), dtype=bool)
        for column, value in parent.items():
            inside &= (frame[column] == value).to_numpy()
        for table in (("unit",), ("unit", "org")):
            rest = inside.copy()
            for unit in frame.loc[inside, "unit"].unique():
                org = frame.loc[frame["unit"] == unit, "org"].iat[0]
                filters = {"unit": unit} if table == ("unit",) else {"unit": unit, "org": org}
                if release.cell(filters).detail == DETAIL_STAGES:
                    rest &= (frame["unit"] != unit).to_numpy()
            counts = stages[rest].sum(axis=0)
            assert rest.sum() > is_tiny.sum() and not disclosive(counts, int(rest.sum())), (parent, table)
    # every linear combination: Tiny's men are not in the row space of the splits shown in full
    matrix = np.array([mask for _, mask in full], dtype=float)
    coefficients, *_ = np.linalg.lstsq(matrix.T, is_tiny.astype(float), rcond=None)
    assert np.abs(matrix.T @ coefficients - is_tiny).max() > 1e-6


def test_the_audits_own_search_finds_no_stage_pinned_by_the_published_splits(solved) -> None:
    """The search of the solver's stage audit (find_small_derivable over the atoms that are all, or
    all but one, at a stage), run on the published splits alone: no set of men has its stages pinned."""
    frame, release = solved
    full = _published(frame, release, DETAIL_STAGES)
    matrix = np.array([mask for _, mask in full], dtype=np.int8)
    assert matrix.any(axis=0).all()  # the total shows every stage: every man is in some split
    _, atom_of = np.unique(matrix.T, axis=0, return_inverse=True)
    atom_of = atom_of.ravel()
    cover = np.zeros((matrix.shape[0], int(atom_of.max()) + 1))
    for atom in range(cover.shape[1]):
        cover[:, atom] = matrix[:, np.flatnonzero(atom_of == atom)[0]]
    sizes = np.bincount(atom_of)
    for stage in range(1, 5):
        others = sizes - np.bincount(
            atom_of, weights=(frame["stage"] == stage).to_numpy(), minlength=sizes.size
        )
        candidate = others <= 1
        m = int(candidate.sum())
        search = np.where(candidate, np.where(others == 0, 1, m + 1), 4 * (m + 1)).astype(np.int64)
        assert find_small_derivable(cover, search, 2 * (m + 1)) is None, stage


def test_with_units_alone_a_sibling_is_lowered_and_not_everyone(solved) -> None:
    """Declared by unit only, nothing but the total gives the rest's split: the line rule itself must
    lower a sibling there, as the stage audit is exact for a wave this size (it cuts what is left)."""
    frame, _ = solved
    units = [Breakdown(("unit",))]
    release = solve_release(frame, units, PrivacyPolicy(k=K), wave_column=None, hierarchy=("unit",))
    assert release.cell({}).detail == DETAIL_STAGES
    assert release.cell({"unit": "Tiny"}).detail == DETAIL_NONE
    full = [u for u in frame["unit"].unique() if release.cell({"unit": u}).detail == DETAIL_STAGES]
    assert len(full) == frame["unit"].nunique() - 2  # Tiny and one sibling
    rest = ~frame["unit"].isin(full).to_numpy()
    counts = np.bincount(frame.loc[rest, "stage"], minlength=5)[1:]
    assert not disclosive(counts, int(rest.sum()))  # everyone minus the units shown in full


def test_where_the_stage_search_is_limited_the_parent_is_lowered(solved, monkeypatch) -> None:
    """A large wave's stage search (probes) covers sets of up to four atoms only, so a sibling lowered
    in place of the parent could be given back by its own parts without the search noticing: there
    the line rule keeps lowering the parent, which no other shown split gives back here."""
    frame, _ = solved
    monkeypatch.setattr(solve, "DENSE_AUDIT_CELLS", 0)
    units = [Breakdown(("unit",))]
    release = solve_release(frame, units, PrivacyPolicy(k=K), wave_column=None, hierarchy=("unit",))
    assert release.cell({}).detail < DETAIL_STAGES
    assert all(
        release.cell({"unit": u}).detail == DETAIL_STAGES for u in frame["unit"].unique() if u != "Tiny"
    )
