"""Exploratory factor analysis: minres and maximum likelihood extraction, rotated as psych does.

:class:`FactorAnalysis` reproduces ``psych::fa`` (minres or ML extraction, then varimax, oblimin,
promax or geomin): loadings match psych to 1e-6 on the bfi data (``tests/stats/test_efa.py``).

Extraction
----------
Both methods optimise the uniquenesses :math:`\\psi` with L-BFGS-B on :math:`[0.005, 1]` from
:math:`1 - \\mathrm{smc}`, as psych does, with analytic gradients:

* **minres** (ULS): :math:`F(\\psi) = \\tfrac12 \\lVert R - \\Psi - \\Lambda\\Lambda' \\rVert^2`
  with :math:`\\Lambda` the first m eigenpairs of :math:`R - \\Psi`; gradient
  :math:`-\\mathrm{diag}(R - \\Psi - \\Lambda\\Lambda')`. At the optimum the diagonal residual is 0,
  so this is the same solution as minimising the off-diagonal residuals (Harman, 1966), which is
  how psych states minres.
* **ml**: :math:`F(\\psi) = -\\sum_{j>m} (\\log e_j - e_j) - m + p` with :math:`e_j` the
  eigenvalues of :math:`\\Psi^{-1/2} R \\Psi^{-1/2}` (``factanal``; Joreskog, 1967).

Signs and order follow psych: each factor is flipped so its loadings sum positive, and factors
are sorted by the variance they account for.

References
----------
Harman, H. H. (1976). Modern Factor Analysis. University of Chicago Press.
Joreskog, K. G. (1967). Some contributions to maximum likelihood factor analysis. Psychometrika 32.
Revelle, W. psych: Procedures for Psychological, Psychometric, and Personality Research (``fa``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize
from scipy import stats as scipy_stats

from allypath._blas import single_threaded_blas
from allypath.errors import StatsError
from allypath.stats._correlation import (
    Matrix,
    Missing,
    check_positive_definite,
    correlation_input,
    smc,
)
from allypath.stats.rotation import ROTATIONS, rotate

__all__ = ["FactorAnalysis", "FitStatistics", "extract_factors", "max_identifiable_factors"]

Method = Literal["minres", "ml"]

_PSI_BOUNDS = (0.005, 1.0)  # psych's bounds on the uniquenesses


def max_identifiable_factors(n_items: int) -> int:
    """Largest number of factors with non-negative degrees of freedom.

    .. math:: df = \\tfrac12 \\big[(p - m)^2 - (p + m)\\big] \\ge 0
    """
    m = 0
    while m + 1 < n_items and ((n_items - m - 1) ** 2 - (n_items + m + 1)) >= 0:
        m += 1
    return m


def _check_n_factors(n_factors: int, n_items: int) -> None:
    if not isinstance(n_factors, int | np.integer) or isinstance(n_factors, bool):
        raise StatsError(f"n_factors must be a whole number, got {n_factors!r}")
    if n_factors < 1:
        raise StatsError(f"n_factors must be at least 1, got {n_factors}")
    limit = max_identifiable_factors(n_items)
    if n_factors > limit:
        raise StatsError(
            f"{n_factors} factors are more than {n_items} items can identify (negative degrees "
            f"of freedom); at most {limit} factor(s) for {n_items} items"
        )


def _descending_eigen(matrix: Matrix) -> tuple[Matrix, Matrix]:
    values, vectors = np.linalg.eigh(matrix)
    order = np.argsort(values)[::-1]
    return values[order], vectors[:, order]


def _minres_loadings(corr: Matrix, psi: Matrix, n_factors: int) -> Matrix:
    """psych ``FAout.wls``: first eigenpairs of R with 1 - psi on the diagonal."""
    reduced = corr.copy()
    np.fill_diagonal(reduced, np.diag(corr) - psi)
    values, vectors = _descending_eigen(reduced)
    loadings: Matrix = vectors[:, :n_factors] * np.sqrt(np.maximum(values[:n_factors], 0.0))
    return loadings


def _ml_loadings(corr: Matrix, psi: Matrix, n_factors: int) -> Matrix:
    """``factanal``'s FAout: loadings from the eigenpairs of Psi^-1/2 R Psi^-1/2."""
    root = np.sqrt(psi)
    values, vectors = _descending_eigen(corr / np.outer(root, root))
    scaled = vectors[:, :n_factors] * np.sqrt(np.maximum(values[:n_factors] - 1.0, 0.0))
    loadings: Matrix = root[:, None] * scaled
    return loadings


def _uls_objective(psi: Matrix, corr: Matrix, n_factors: int) -> tuple[float, Matrix]:
    loadings = _minres_loadings(corr, psi, n_factors)
    residual = corr - np.diag(psi) - loadings @ loadings.T
    return 0.5 * float(np.sum(residual**2)), -np.diag(residual).copy()


def _ml_objective(psi: Matrix, corr: Matrix, n_factors: int) -> tuple[float, Matrix]:
    root = np.sqrt(psi)
    values, _ = _descending_eigen(corr / np.outer(root, root))
    rest = values[n_factors:]
    value = -(float(np.sum(np.log(rest) - rest)) - n_factors + corr.shape[0])
    loadings = _ml_loadings(corr, psi, n_factors)
    gradient = np.diag(loadings @ loadings.T + np.diag(psi) - corr) / psi**2
    return value, gradient


def extract_factors(corr: Matrix, n_factors: int, method: Method = "minres") -> tuple[Matrix, Matrix, bool]:
    """Unrotated loadings, uniquenesses and convergence flag for a correlation matrix.

    Loadings are signed as psych signs them (each column sums positive).
    """
    if method not in ("minres", "ml"):
        raise StatsError(f"method must be 'minres' or 'ml', got {method!r}")
    objective = _uls_objective if method == "minres" else _ml_objective
    start = np.clip(1.0 - smc(corr), *_PSI_BOUNDS)
    with single_threaded_blas():
        result = optimize.minimize(
            objective,
            start,
            args=(corr, n_factors),
            jac=True,
            method="L-BFGS-B",
            bounds=[_PSI_BOUNDS] * corr.shape[0],
            options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 2000},
        )
    psi = np.asarray(result.x, dtype=float)
    loadings = (_minres_loadings if method == "minres" else _ml_loadings)(corr, psi, n_factors)
    signs = np.where(loadings.sum(axis=0) < 0, -1.0, 1.0)
    return loadings * signs, psi, bool(result.success)


@dataclass(frozen=True)
class FitStatistics:
    """psych ``factor.stats`` fit measures (the chi-square needs ``n_obs``).

    ``objective`` is the ML discrepancy :math:`\\mathrm{tr}(M^{-1}R) - \\log|M^{-1}R| - p` of the
    model :math:`M` (unit diagonal); ``chi_square`` uses Bartlett's correction
    :math:`(n - 1 - (2p + 5)/6 - 2m/3)`; ``rms`` is the root mean square off-diagonal residual.
    """

    dof: int
    objective: float
    rms: float
    chi_square: float | None
    p_value: float | None
    rmsea: float | None
    tli: float | None
    bic: float | None


def _fit_statistics(corr: Matrix, model: Matrix, n_obs: int | None, n_factors: int) -> FitStatistics:
    p = corr.shape[0]
    dof = p * (p - 1) // 2 - p * n_factors + n_factors * (n_factors - 1) // 2
    residual = corr - model
    np.fill_diagonal(residual, 0.0)
    rms = float(np.sqrt(np.sum(residual**2) / (p * (p - 1))))
    implied = model.copy()
    np.fill_diagonal(implied, np.diag(corr))
    ratio = np.linalg.solve(implied, corr)
    objective = float(np.trace(ratio) - np.linalg.slogdet(ratio)[1] - p)
    if n_obs is None:
        return FitStatistics(dof, objective, rms, None, None, None, None, None)
    multiplier = (n_obs - 1) - (2 * p + 5) / 6 - (2 * n_factors) / 3
    chi_square = max(objective * multiplier, 0.0)
    p_value = float(scipy_stats.chi2.sf(chi_square, dof)) if dof > 0 else None
    rmsea = float(np.sqrt(max(objective / dof - 1 / (n_obs - 1), 0.0))) if dof > 0 else None
    null_objective = float(np.trace(corr) - np.linalg.slogdet(corr)[1] - p)
    m0 = null_objective * 2 / (p * (p - 1))
    tli = (m0 - objective / dof) / (m0 - 1 / multiplier) if dof > 0 else None
    bic = chi_square - dof * np.log(n_obs)
    return FitStatistics(dof, objective, rms, chi_square, p_value, rmsea, tli, float(bic))


class FactorAnalysis:
    """Exploratory factor analysis, psych-compatible (``psych::fa``).

    Parameters
    ----------
    n_factors : int
        Number of factors to extract.
    method : {"minres", "ml"}
        Minimum residual (unweighted least squares, psych's default) or maximum likelihood.
    rotation : {"varimax", "oblimin", "promax", "geomin"} or None
        As psych: ``varimax`` is ``stats::varimax``, ``oblimin`` GPArotation's quartimin, ``promax``
        psych's Kaiser-normalised Promax (power 4), ``geomin`` GPArotation's geominQ.
    missing : {"pairwise", "listwise"}
        How raw data with missing answers are correlated (psych uses pairwise).

    Attributes
    ----------
    loadings_ : DataFrame (items x factors)
        Rotated pattern loadings, factors named F1..Fm in order of variance accounted for.
    unrotated_loadings_ : DataFrame
    phi_ : DataFrame
        Factor correlations (identity after an orthogonal rotation or none).
    structure_ : DataFrame
        Structure coefficients, loadings @ phi.
    communalities_ : Series
        :math:`\\mathrm{diag}(P \\Phi P')`, correct for oblique rotations (not row sums of
        squared pattern loadings).
    uniquenesses_ : Series
        :math:`1 - h^2`.
    eigenvalues_ : ndarray
        Eigenvalues of the correlation matrix, largest first.
    rotation_matrix_ : ndarray
        ``loadings_ = unrotated_loadings_ @ rotation_matrix_``.
    variance_explained_ : DataFrame
        SS loadings, proportion and cumulative proportion of variance per factor.
    correlation_ : DataFrame
    n_obs_ : int or None
    fit_ : FitStatistics
    heywood_items_ : tuple of str
        Items whose communality reached the bound (>= 0.995): a Heywood case, as psych warns.
    converged_ : bool

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(500, 2))
    >>> x = np.hstack([f[:, [0]] + rng.normal(size=(500, 3)), f[:, [1]] + rng.normal(size=(500, 3))])
    >>> fa = FactorAnalysis(2, rotation="varimax").fit(x)
    >>> fa.loadings_.shape
    (6, 2)
    """

    def __init__(
        self,
        n_factors: int = 1,
        method: Method = "minres",
        rotation: str | None = "oblimin",
        *,
        missing: Missing = "pairwise",
    ) -> None:
        self.n_factors = n_factors
        self.method = method
        self.rotation = rotation
        self.missing = missing

    def fit(self, data_or_corr: object, n_obs: int | None = None) -> FactorAnalysis:
        """Fit on raw item data (rows = respondents) or on a correlation matrix.

        Parameters
        ----------
        data_or_corr : DataFrame or array
            Raw data, or a square symmetric correlation/covariance matrix.
        n_obs : int, optional
            Sample size when a matrix is given (needed only for the chi-square).
        """
        if self.method not in ("minres", "ml"):
            raise StatsError(f"method must be 'minres' or 'ml', got {self.method!r}")
        if self.rotation not in (None, "none", *ROTATIONS):
            raise StatsError(f"unknown rotation {self.rotation!r}; use one of {', '.join(ROTATIONS)} or None")
        corr_frame, n_obs_used, _ = correlation_input(
            data_or_corr, n_obs, missing=self.missing, what="factor analysis"
        )
        items = list(corr_frame.columns)
        _check_n_factors(self.n_factors, len(items))
        check_positive_definite(corr_frame, what="factor analysis")
        corr = corr_frame.to_numpy()

        unrotated, _, converged = extract_factors(corr, int(self.n_factors), self.method)
        unrotated[unrotated == 0.0] = 1e-15  # as psych: exact zeros upset varimax
        rotated = rotate(unrotated, self.rotation)
        loadings, phi = rotated.loadings, rotated.phi
        # psych: flip each factor to a positive loading sum, then sort by variance accounted for.
        signs = np.where(loadings.sum(axis=0) < 0, -1.0, 1.0)
        loadings = loadings * signs
        phi = phi * np.outer(signs, signs)
        variance = np.diag(phi @ loadings.T @ loadings)
        order = np.argsort(-variance, kind="stable")
        loadings, phi, variance = loadings[:, order], phi[np.ix_(order, order)], variance[order]
        rotation_matrix = (rotated.rotation_matrix * signs)[:, order]

        names = [f"F{j + 1}" for j in range(loadings.shape[1])]
        self.correlation_ = corr_frame
        self.n_obs_ = n_obs_used
        self.unrotated_loadings_ = pd.DataFrame(unrotated, index=items, columns=names)
        self.loadings_ = pd.DataFrame(loadings, index=items, columns=names)
        self.phi_ = pd.DataFrame(phi, index=names, columns=names)
        self.structure_ = pd.DataFrame(loadings @ phi, index=items, columns=names)
        model = loadings @ phi @ loadings.T
        communalities = np.diag(model)
        self.communalities_ = pd.Series(communalities, index=items, name="communality")
        self.uniquenesses_ = pd.Series(1.0 - communalities, index=items, name="uniqueness")
        self.eigenvalues_ = np.sort(np.linalg.eigvalsh(corr))[::-1]
        self.rotation_matrix_ = rotation_matrix
        total = float(len(items))
        self.variance_explained_ = pd.DataFrame(
            {
                "ss_loadings": variance,
                "proportion": variance / total,
                "cumulative": np.cumsum(variance) / total,
            },
            index=names,
        )
        self.fit_ = _fit_statistics(corr, model, n_obs_used, loadings.shape[1])
        self.heywood_items_ = tuple(
            item for item, h2 in zip(items, communalities, strict=True) if h2 >= 1 - _PSI_BOUNDS[0] - 1e-9
        )
        self.converged_ = converged and rotated.converged
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "loadings_"):
            raise StatsError("this FactorAnalysis is not fitted yet; call fit() first")

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python summary (JSON-ready) of the fitted model."""
        self._check_fitted()
        fit = self.fit_
        return {
            "method": self.method,
            "rotation": self.rotation or "none",
            "n_factors": int(self.n_factors),
            "n_obs": self.n_obs_,
            "items": list(self.loadings_.index),
            "loadings": _nested(self.loadings_),
            "phi": _nested(self.phi_),
            "communalities": {k: float(v) for k, v in self.communalities_.items()},
            "uniquenesses": {k: float(v) for k, v in self.uniquenesses_.items()},
            "eigenvalues": [float(v) for v in self.eigenvalues_],
            "variance_explained": _nested(self.variance_explained_),
            "fit": {
                "dof": fit.dof,
                "objective": fit.objective,
                "rms": fit.rms,
                "chi_square": fit.chi_square,
                "p_value": fit.p_value,
                "rmsea": fit.rmsea,
                "tli": fit.tli,
                "bic": fit.bic,
            },
            "heywood_items": list(self.heywood_items_),
            "converged": self.converged_,
        }


def _nested(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    return {
        str(row): {str(col): float(value) for col, value in values.items()}
        for row, values in frame.iterrows()
    }
