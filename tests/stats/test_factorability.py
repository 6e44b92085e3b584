"""KMO, Bartlett's sphericity test and parallel analysis: psych values on bfi, and bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from allypath.errors import StatsError
from allypath.stats.factorability import bartlett_sphericity, kmo, parallel_analysis

TOL = 1e-6  # reference README: alpha, KMO, Bartlett chi2


@pytest.fixture(scope="module")
def bfi_items(reference_dir: Path) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "data" / "bfi.csv", index_col=0).iloc[:, :25]


@pytest.fixture(scope="module")
def expected(reference_dir: Path) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "expected" / "ref_psych_bfi_kmo_bartlett.csv").set_index("item")


@pytest.mark.reference
def test_kmo_matches_psych_on_complete_cases(bfi_items: pd.DataFrame, expected: pd.DataFrame) -> None:
    # The R script ran KMO(cc) on the 2436 complete rows, not on pairwise correlations.
    result = kmo(bfi_items.dropna())
    assert result.overall == pytest.approx(0.8486452, abs=TOL)
    assert result.overall == pytest.approx(expected["overall"].iloc[0], abs=TOL)
    assert result.per_item.to_numpy() == pytest.approx(expected["MSAi"].to_numpy(), abs=TOL)
    assert list(result.per_item.index) == list(expected.index)


@pytest.mark.reference
def test_kmo_listwise_on_incomplete_data_equals_complete_cases(
    bfi_items: pd.DataFrame, expected: pd.DataFrame
) -> None:
    result = kmo(bfi_items, missing="listwise")
    assert result.overall == pytest.approx(expected["overall"].iloc[0], abs=TOL)
    # pairwise (psych's default on raw data) uses more rows, so it differs slightly
    assert kmo(bfi_items).overall != pytest.approx(result.overall, abs=1e-6)


@pytest.mark.reference
def test_bartlett_matches_psych_on_complete_cases(bfi_items: pd.DataFrame, expected: pd.DataFrame) -> None:
    complete = bfi_items.dropna()
    result = bartlett_sphericity(complete)
    assert result.chisq == pytest.approx(expected["bartlett_chisq"].iloc[0], abs=TOL)
    assert result.df == 300 == expected["bartlett_df"].iloc[0]
    assert result.n_obs == 2436
    assert result.pvalue < 1e-300
    from_matrix = bartlett_sphericity(complete.corr(), n_obs=len(complete))
    assert from_matrix.chisq == pytest.approx(result.chisq, abs=TOL)


def test_bartlett_on_a_matrix_needs_the_sample_size(bfi_items: pd.DataFrame) -> None:
    with pytest.raises(StatsError, match="needs n_obs"):
        bartlett_sphericity(bfi_items.dropna().corr())


def test_bartlett_does_not_reject_independent_data() -> None:
    rng = np.random.default_rng(4)
    result = bartlett_sphericity(rng.normal(size=(400, 6)))
    assert result.df == 15
    assert result.pvalue > 0.001


def test_kmo_and_bartlett_to_dict(bfi_items: pd.DataFrame) -> None:
    complete = bfi_items.dropna()
    assert set(kmo(complete).to_dict()["per_item"]) == set(complete.columns)
    assert bartlett_sphericity(complete).to_dict()["df"] == 300


@pytest.mark.reference
def test_parallel_analysis_finds_the_big_five(bfi_items: pd.DataFrame, reference_dir: Path) -> None:
    eigen = pd.read_csv(reference_dir / "expected" / "ref_bfi25_complete_eigenvalues.csv")
    result = parallel_analysis(bfi_items.dropna(), n_iter=40, seed=1)
    assert result.observed == pytest.approx(eigen["eigen"].to_numpy(), abs=1e-10)
    assert result.n_factors == 5
    assert np.all(np.diff(result.simulated) <= 0)
    assert result.simulated[0] > 1 > result.simulated[-1]


def test_parallel_analysis_is_reproducible_and_seeded(bfi_items: pd.DataFrame) -> None:
    data = bfi_items.dropna().iloc[:500, :10]
    first = parallel_analysis(data, n_iter=10, seed=7)
    again = parallel_analysis(data, n_iter=10, seed=7)
    other = parallel_analysis(data, n_iter=10, seed=8)
    assert first.simulated == pytest.approx(again.simulated, abs=0)
    assert not np.allclose(first.simulated, other.simulated)
    assert first.to_dict()["n_iter"] == 10


def test_parallel_analysis_fa_variant_uses_reduced_matrix() -> None:
    rng = np.random.default_rng(2)
    factors = rng.normal(size=(600, 2))
    data = np.hstack(
        [factors[:, [0]] + rng.normal(size=(600, 4)), factors[:, [1]] + rng.normal(size=(600, 4))]
    )
    result = parallel_analysis(data, n_iter=20, method="fa")
    assert result.n_factors == 2
    assert result.observed.sum() < data.shape[1]  # SMCs on the diagonal, trace below p


def test_parallel_analysis_rarely_finds_a_factor_in_noise() -> None:
    # Under pure noise the first eigenvalue beats the 95% quantile about 5% of the time.
    rng = np.random.default_rng(5)
    found = [parallel_analysis(rng.normal(size=(200, 6)), n_iter=20, seed=s).n_factors for s in range(10)]
    assert sum(n > 0 for n in found) <= 2


def test_bad_input_is_refused(bfi_items: pd.DataFrame) -> None:
    frame = bfi_items.dropna().iloc[:50, :5].copy()
    frame["A2"] = "often"
    with pytest.raises(StatsError, match="column 'A2' is not numeric"):
        kmo(frame)
    frame["A2"] = 1.0
    with pytest.raises(StatsError, match="column 'A2' has zero variance"):
        bartlett_sphericity(frame)
    with pytest.raises(StatsError, match="quantile"):
        parallel_analysis(bfi_items.dropna(), quantile=1.5)
    with pytest.raises(StatsError, match="n_iter"):
        parallel_analysis(bfi_items.dropna(), n_iter=0)
    singular = np.array([[1.0, 1.0, 0.2], [1.0, 1.0, 0.2], [0.2, 0.2, 1.0]])
    with pytest.raises(StatsError, match="positive definite"):
        kmo(singular)
