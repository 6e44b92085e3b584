"""Intraclass correlations: Shrout & Fleiss's published example, pingouin's values and intervals, and
the edges (perfect agreement, no variance, bad input)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin
import pytest

from allypath.errors import StatsError
from allypath.stats import intraclass_correlations

# Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


@pytest.fixture
def unrounded_pingouin(monkeypatch: pytest.MonkeyPatch) -> None:
    """pingouin rounds its intervals to 2 decimals by default: compare the full values."""
    monkeypatch.setitem(pingouin.options, "round.column.CI95", None)


def _pingouin(matrix: np.ndarray) -> pd.DataFrame:
    long = pd.DataFrame(matrix).rename_axis("target").reset_index().melt(id_vars="target", var_name="rater")
    return pingouin.intraclass_corr(long, targets="target", raters="rater", ratings="value").set_index("Type")


def test_shrout_fleiss_table_2_to_the_published_two_decimals():
    result = intraclass_correlations(SHROUT_FLEISS)
    assert (round(result.icc1, 2), round(result.icc2, 2), round(result.icc3, 2)) == (0.17, 0.29, 0.71)
    assert (result.n, result.k) == (6, 4)


@pytest.mark.usefixtures("unrounded_pingouin")
@pytest.mark.parametrize(
    "matrix",
    [
        np.asarray(SHROUT_FLEISS, dtype=float),
        # a retest: 80 people, a stable trait plus noise and a small shift at the second occasion
        (lambda rng: rng.normal(size=(80, 1)) + rng.normal(scale=0.6, size=(80, 2)) + np.array([0.0, 0.3]))(
            np.random.default_rng(7)
        ),
    ],
    ids=["shrout-fleiss", "random-80x2"],
)
def test_values_and_intervals_match_pingouin(matrix: np.ndarray):
    expected = _pingouin(matrix)
    result = intraclass_correlations(matrix)
    for name, value, interval in [
        ("ICC(1,1)", result.icc1, result.icc1_ci),
        ("ICC(A,1)", result.icc2, result.icc2_ci),
        ("ICC(C,1)", result.icc3, result.icc3_ci),
    ]:
        assert value == pytest.approx(expected.loc[name, "ICC"], abs=1e-10), name
        assert interval == pytest.approx(tuple(np.asarray(expected.loc[name, "CI95"])), abs=1e-10), name


def test_agreement_is_below_consistency_when_everyone_shifts_between_occasions():
    rng = np.random.default_rng(3)
    trait = rng.normal(size=(200, 1))
    same = trait + rng.normal(scale=0.3, size=(200, 2))
    shifted = same + np.array([0.0, 1.5])  # everyone scores 1.5 higher the second time
    before, after = intraclass_correlations(same), intraclass_correlations(shifted)
    assert after.icc3 == pytest.approx(before.icc3)  # consistency ignores the shift
    assert after.icc2 < before.icc2 - 0.2  # absolute agreement counts it


def test_a_narrower_confidence_gives_a_narrower_interval():
    wide = intraclass_correlations(SHROUT_FLEISS, confidence=0.95).icc3_ci
    narrow = intraclass_correlations(SHROUT_FLEISS, confidence=0.5).icc3_ci
    assert wide[0] < narrow[0] < narrow[1] < wide[1]


def test_perfect_agreement_is_one_with_an_interval_of_one():
    result = intraclass_correlations([[1, 1], [2, 2], [4, 4]])
    assert (result.icc1, result.icc2, result.icc3) == (1.0, 1.0, 1.0)
    assert result.icc2_ci == (1.0, 1.0) and result.icc3_ci == (1.0, 1.0)


def test_a_matrix_that_does_not_vary_has_no_icc():
    result = intraclass_correlations([[3, 3], [3, 3], [3, 3]])
    assert np.isnan(result.icc2) and np.isnan(result.icc2_ci[0])


@pytest.mark.parametrize(
    ("matrix", "said"),
    [
        ([1.0, 2.0, 3.0], "2 dimensions"),
        ([[1.0, 2.0]], "at least 2 people"),
        ([[1.0, np.nan], [2.0, 3.0]], "complete table"),
    ],
)
def test_bad_matrices_are_refused_saying_why(matrix: list, said: str):
    with pytest.raises(StatsError, match=said):
        intraclass_correlations(matrix)


def test_to_dict_names_the_iccs_as_both_papers_do():
    out = intraclass_correlations(SHROUT_FLEISS).to_dict()
    assert out["names"]["icc2"] == "ICC(2,1) = ICC(A,1)"
    assert out["icc2_ci"] == pytest.approx(list(intraclass_correlations(SHROUT_FLEISS).icc2_ci))
