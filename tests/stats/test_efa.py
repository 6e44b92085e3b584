"""Exploratory factor analysis and rotations: psych::fa on bfi, and the algebra behind the output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

from allypath.errors import StatsError
from allypath.stats.efa import FactorAnalysis, max_identifiable_factors
from allypath.stats.rotation import geomin, oblimin, promax, rotate, varimax

LOADING_TOL = 1e-4  # reference README: EFA loadings after column permutation and sign alignment


@pytest.fixture(scope="module")
def bfi_complete(reference_dir: Path) -> pd.DataFrame:
    items = pd.read_csv(reference_dir / "data" / "bfi.csv", index_col=0).iloc[:, :25]
    return items.dropna()


def _aligned_difference(ours: pd.DataFrame, theirs: pd.DataFrame) -> float:
    """Largest absolute loading difference after the best column permutation and sign flips."""
    a, b = ours.to_numpy(), theirs.to_numpy()
    cost = np.array([[min(np.abs(a[:, i] - b[:, j]).max(), np.abs(a[:, i] + b[:, j]).max())
                      for j in range(b.shape[1])] for i in range(a.shape[1])])  # fmt: skip
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].max())


@pytest.mark.reference
@pytest.mark.parametrize(
    ("method", "rotation", "suffix"),
    [
        ("minres", None, "minres_none"),
        ("minres", "varimax", "minres_varimax"),
        ("minres", "oblimin", "minres_oblimin"),
        ("minres", "promax", "minres_promax"),
        ("ml", "varimax", "ml_varimax"),
    ],
)
def test_loadings_match_psych_fa_on_bfi(
    method: str, rotation: str | None, suffix: str, bfi_complete: pd.DataFrame, reference_dir: Path
) -> None:
    expected = pd.read_csv(
        reference_dir / "expected" / f"ref_psych_bfi_fa5_{suffix}_loadings.csv", index_col=0
    )
    fa = FactorAnalysis(5, method=method, rotation=rotation).fit(bfi_complete)  # type: ignore[arg-type]
    assert list(fa.loadings_.index) == list(expected.index)
    assert _aligned_difference(fa.loadings_, expected) < LOADING_TOL
    assert fa.converged_


@pytest.mark.reference
def test_factor_order_and_signs_follow_psych(bfi_complete: pd.DataFrame, reference_dir: Path) -> None:
    expected = pd.read_csv(
        reference_dir / "expected" / "ref_psych_bfi_fa5_minres_oblimin_loadings.csv", index_col=0
    )
    fa = FactorAnalysis(5, rotation="oblimin").fit(bfi_complete)
    assert np.abs(fa.loadings_.to_numpy() - expected.to_numpy()).max() < LOADING_TOL


@pytest.mark.reference
@pytest.mark.parametrize(("method", "column"), [("minres", "h2_minres"), ("ml", "h2_ml")])
def test_communalities_match_psych(
    method: str, column: str, bfi_complete: pd.DataFrame, reference_dir: Path
) -> None:
    expected = pd.read_csv(reference_dir / "expected" / "ref_psych_bfi_fa5_communalities.csv")
    fa = FactorAnalysis(5, method=method, rotation="varimax").fit(bfi_complete)  # type: ignore[arg-type]
    assert fa.communalities_.to_numpy() == pytest.approx(expected[column].to_numpy(), abs=LOADING_TOL)
    assert fa.uniquenesses_.to_numpy() == pytest.approx(1 - expected[column].to_numpy(), abs=LOADING_TOL)


@pytest.mark.reference
def test_eigenvalues_are_those_of_the_correlation_matrix(
    bfi_complete: pd.DataFrame, reference_dir: Path
) -> None:
    expected = pd.read_csv(reference_dir / "expected" / "ref_bfi25_complete_eigenvalues.csv")
    fa = FactorAnalysis(5, rotation=None).fit(bfi_complete)
    assert fa.eigenvalues_ == pytest.approx(expected["eigen"].to_numpy(), abs=1e-10)


def test_oblique_communalities_use_phi_not_row_sums_of_squared_pattern(bfi_complete: pd.DataFrame) -> None:
    oblique = FactorAnalysis(5, rotation="oblimin").fit(bfi_complete)
    orthogonal = FactorAnalysis(5, rotation="varimax").fit(bfi_complete)
    pattern, phi = oblique.loadings_.to_numpy(), oblique.phi_.to_numpy()
    assert oblique.communalities_.to_numpy() == pytest.approx(np.diag(pattern @ phi @ pattern.T))
    # Rotation cannot change communalities; the naive row sum of squares would.
    assert oblique.communalities_.to_numpy() == pytest.approx(orthogonal.communalities_.to_numpy(), abs=1e-8)
    naive = (pattern**2).sum(axis=1)
    assert np.abs(naive - oblique.communalities_.to_numpy()).max() > 1e-2


@pytest.mark.parametrize("rotation", [None, "varimax", "oblimin", "promax", "geomin"])
def test_rotation_matrix_maps_unrotated_to_rotated_loadings(
    rotation: str | None, bfi_complete: pd.DataFrame
) -> None:
    fa = FactorAnalysis(5, rotation=rotation).fit(bfi_complete)
    rebuilt = fa.unrotated_loadings_.to_numpy() @ fa.rotation_matrix_
    assert rebuilt == pytest.approx(fa.loadings_.to_numpy(), abs=1e-10)
    assert np.diag(fa.phi_.to_numpy()) == pytest.approx(np.ones(5), abs=1e-10)
    model = fa.loadings_.to_numpy() @ fa.phi_.to_numpy() @ fa.loadings_.to_numpy().T
    unrotated = fa.unrotated_loadings_.to_numpy()
    assert model == pytest.approx(unrotated @ unrotated.T, abs=1e-8)


def test_orthogonal_rotations_have_identity_phi(bfi_complete: pd.DataFrame) -> None:
    fa = FactorAnalysis(5, rotation="varimax").fit(bfi_complete)
    assert fa.phi_.to_numpy() == pytest.approx(np.eye(5))
    oblique = FactorAnalysis(5, rotation="oblimin").fit(bfi_complete)
    off_diagonal = oblique.phi_.to_numpy()[~np.eye(5, dtype=bool)]
    assert np.abs(off_diagonal).max() > 0.1


def test_fitting_the_correlation_matrix_equals_fitting_the_data(bfi_complete: pd.DataFrame) -> None:
    from_data = FactorAnalysis(3, method="ml", rotation="oblimin").fit(bfi_complete)
    from_matrix = FactorAnalysis(3, method="ml", rotation="oblimin").fit(
        bfi_complete.corr(), n_obs=len(bfi_complete)
    )
    assert from_matrix.loadings_.to_numpy() == pytest.approx(from_data.loadings_.to_numpy(), abs=1e-8)
    assert from_matrix.fit_.chi_square == pytest.approx(from_data.fit_.chi_square, rel=1e-8)
    assert FactorAnalysis(3).fit(bfi_complete.corr()).fit_.chi_square is None  # no n_obs, no test


def test_ml_fit_statistics_are_consistent(bfi_complete: pd.DataFrame) -> None:
    fa = FactorAnalysis(5, method="ml", rotation="varimax").fit(bfi_complete)
    fit = fa.fit_
    p, m, n = 25, 5, len(bfi_complete)
    assert fit.dof == ((p - m) ** 2 - (p + m)) // 2 == 185
    assert fit.chi_square == pytest.approx(fit.objective * (n - 1 - (2 * p + 5) / 6 - 2 * m / 3))
    assert fit.rmsea is not None
    assert 0 < fit.rmsea < 0.1
    assert fit.bic == pytest.approx(fit.chi_square - fit.dof * np.log(n))
    # ML minimises the discrepancy, so no other extraction fits it better.
    assert fit.objective <= FactorAnalysis(5, rotation=None).fit(bfi_complete).fit_.objective


def test_variance_explained_is_sorted_and_sums_to_total_communality(bfi_complete: pd.DataFrame) -> None:
    fa = FactorAnalysis(5, rotation="varimax").fit(bfi_complete)
    ss = fa.variance_explained_["ss_loadings"].to_numpy()
    assert np.all(np.diff(ss) <= 0)
    assert ss.sum() == pytest.approx(fa.communalities_.sum())
    assert fa.variance_explained_["cumulative"].iloc[-1] == pytest.approx(ss.sum() / 25)


def test_to_dict_is_plain(bfi_complete: pd.DataFrame) -> None:
    summary = FactorAnalysis(2, rotation="promax").fit(bfi_complete).to_dict()
    assert summary["n_obs"] == len(bfi_complete)
    assert set(summary["loadings"]["A1"]) == {"F1", "F2"}
    assert isinstance(summary["communalities"]["N1"], float)
    assert summary["fit"]["dof"] == 251


def test_heywood_cases_are_reported() -> None:
    rng = np.random.default_rng(0)
    noise = pd.DataFrame(rng.integers(1, 6, size=(50, 4)).astype(float), columns=list("abcd"))
    fa = FactorAnalysis(1).fit(noise)
    assert fa.heywood_items_ == ("c",)
    assert fa.to_dict()["heywood_items"] == ["c"]


def test_bfi_has_no_heywood_case(bfi_complete: pd.DataFrame) -> None:
    assert FactorAnalysis(5).fit(bfi_complete).heywood_items_ == ()


def test_one_factor_needs_no_rotation(bfi_complete: pd.DataFrame) -> None:
    fa = FactorAnalysis(1, rotation="oblimin").fit(bfi_complete[["N1", "N2", "N3", "N4", "N5"]])
    assert fa.loadings_.shape == (5, 1)
    assert (fa.loadings_.to_numpy() > 0).all()
    assert fa.phi_.to_numpy() == pytest.approx(np.eye(1))


# --- rotations on their own -------------------------------------------------------------------------


def _two_factor_loadings() -> np.ndarray:
    return np.array([[0.7, 0.3], [0.6, 0.4], [0.65, 0.25], [0.3, 0.7], [0.2, 0.6], [0.35, 0.65]])


def test_varimax_increases_its_criterion_and_stays_orthogonal() -> None:
    start = _two_factor_loadings()

    def criterion(lam: np.ndarray) -> float:
        return float(np.sum(np.var(lam**2, axis=0)))

    result = varimax(start, normalize=False)
    assert criterion(result.loadings) > criterion(start)
    assert result.rotation_matrix.T @ result.rotation_matrix == pytest.approx(np.eye(2))


def test_oblimin_lowers_quartimin_and_keeps_the_model() -> None:
    start = _two_factor_loadings()

    def quartimin(lam: np.ndarray) -> float:
        sq = lam**2
        return float(np.sum(sq[:, 0] * sq[:, 1]))

    result = oblimin(start)
    assert result.converged
    assert quartimin(result.loadings) < quartimin(start)
    implied = result.loadings @ result.phi @ result.loadings.T
    assert implied == pytest.approx(start @ start.T, abs=1e-10)


def test_geomin_and_promax_keep_the_model() -> None:
    start = _two_factor_loadings()
    for result in (
        geomin(start),
        geomin(start, oblique=False),
        promax(start),
        promax(start, normalize=False),
    ):
        implied = result.loadings @ result.phi @ result.loadings.T
        assert implied == pytest.approx(start @ start.T, abs=1e-10)


def test_rotate_rejects_unknown_methods() -> None:
    with pytest.raises(StatsError, match="unknown rotation 'quartimax'"):
        rotate(_two_factor_loadings(), "quartimax")


# --- bad input ------------------------------------------------------------------------------------------


def test_max_identifiable_factors() -> None:
    assert max_identifiable_factors(3) == 1
    assert max_identifiable_factors(9) == 5
    assert max_identifiable_factors(25) == 18


def test_more_factors_than_identifiable_is_refused(bfi_complete: pd.DataFrame) -> None:
    with pytest.raises(StatsError, match="4 factors are more than 5 items can identify"):
        FactorAnalysis(4).fit(bfi_complete.iloc[:, :5])
    with pytest.raises(StatsError, match="at least 1"):
        FactorAnalysis(0).fit(bfi_complete)


def test_non_positive_definite_matrix_is_refused() -> None:
    corr = np.array([[1.0, 0.9, 0.9, 0.0], [0.9, 1.0, 0.9, 0.9], [0.9, 0.9, 1.0, 0.9], [0.0, 0.9, 0.9, 1.0]])
    with pytest.raises(StatsError, match="positive definite"):
        FactorAnalysis(1).fit(corr)


def test_collinear_items_are_refused_naming_an_item() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(50, 4)), columns=["a", "b", "c", "d"])
    frame["e"] = frame["a"] + frame["b"]
    with pytest.raises(StatsError, match="most involved item"):
        FactorAnalysis(1).fit(frame)


def test_non_numeric_and_constant_columns_are_named(bfi_complete: pd.DataFrame) -> None:
    frame = bfi_complete.iloc[:, :6].copy()
    frame["A3"] = "agree"
    with pytest.raises(StatsError, match="column 'A3' is not numeric"):
        FactorAnalysis(1).fit(frame)
    frame["A3"] = 4
    with pytest.raises(StatsError, match="column 'A3' has zero variance"):
        FactorAnalysis(1).fit(frame)


def test_too_few_rows_is_refused() -> None:
    with pytest.raises(StatsError, match="at least 3 rows"):
        FactorAnalysis(1).fit(np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 4.0, 3.0]]))


def test_unknown_method_or_rotation_and_unfitted_use_are_refused(bfi_complete: pd.DataFrame) -> None:
    with pytest.raises(StatsError, match="method must be"):
        FactorAnalysis(2, method="pa").fit(bfi_complete)  # type: ignore[arg-type]
    with pytest.raises(StatsError, match="unknown rotation"):
        FactorAnalysis(2, rotation="bentler").fit(bfi_complete)
    with pytest.raises(StatsError, match="not fitted"):
        FactorAnalysis(2).to_dict()
