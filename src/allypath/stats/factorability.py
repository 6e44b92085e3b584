"""Is the correlation matrix worth factoring, and into how many factors?

* :func:`kmo` - Kaiser-Meyer-Olkin measure of sampling adequacy (``psych::KMO``).
* :func:`bartlett_sphericity` - Bartlett's test that the correlation matrix is the identity
  (``psych::cortest.bartlett``).
* :func:`parallel_analysis` - Horn's parallel analysis: keep the factors whose eigenvalues beat
  those of random data of the same size.

KMO and Bartlett match psych to 1e-10 on the bfi data (complete cases, as the R reference used).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from allypath.errors import StatsError
from allypath.stats._correlation import (
    Missing,
    check_positive_definite,
    correlation_input,
    item_frame,
    smc,
)

__all__ = [
    "BartlettResult",
    "KMOResult",
    "ParallelResult",
    "adequacy_label",
    "bartlett_sphericity",
    "kmo",
    "parallel_analysis",
]


@dataclass(frozen=True, eq=False)
class KMOResult:
    """Overall and per-item measure of sampling adequacy (0-1; above .8 is "meritorious")."""

    overall: float
    per_item: pd.Series

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "per_item": {str(k): float(v) for k, v in self.per_item.items()},
        }


@dataclass(frozen=True)
class BartlettResult:
    """Bartlett's test of sphericity: chi-square, degrees of freedom and p-value."""

    chisq: float
    df: int
    pvalue: float
    n_obs: int

    def to_dict(self) -> dict[str, Any]:
        return {"chisq": self.chisq, "df": self.df, "pvalue": self.pvalue, "n_obs": self.n_obs}


@dataclass(frozen=True, eq=False)
class ParallelResult:
    """Number of factors to keep, with the observed and simulated eigenvalues (largest first)."""

    n_factors: int
    observed: np.ndarray
    simulated: np.ndarray
    method: str
    quantile: float
    n_iter: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_factors": self.n_factors,
            "observed": [float(v) for v in self.observed],
            "simulated": [float(v) for v in self.simulated],
            "method": self.method,
            "quantile": self.quantile,
            "n_iter": self.n_iter,
        }


def kmo(data_or_corr: object, *, missing: Missing = "pairwise") -> KMOResult:
    """Kaiser-Meyer-Olkin measure of sampling adequacy.

    With :math:`r_{ij}` the correlations and :math:`q_{ij}` the partial (anti-image) correlations
    from :math:`R^{-1}`, off the diagonal,

    .. math:: \\mathrm{KMO} = \\frac{\\sum r_{ij}^2}{\\sum r_{ij}^2 + \\sum q_{ij}^2},
              \\qquad \\mathrm{MSA}_j = \\frac{\\sum_i r_{ij}^2}{\\sum_i r_{ij}^2 + \\sum_i q_{ij}^2}.

    Kaiser, H. F. (1970). A second generation little jiffy. Psychometrika, 35, 401-415.
    Raw data are correlated pairwise by default, as ``psych::KMO``.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.array([[1, .5, .4], [.5, 1, .3], [.4, .3, 1]])
    >>> round(kmo(r).overall, 4)
    0.6279
    """
    corr_frame, _, _ = correlation_input(data_or_corr, missing=missing, what="KMO")
    check_positive_definite(corr_frame, what="KMO")
    corr = corr_frame.to_numpy(copy=True)
    inverse = np.linalg.inv(corr)
    scale = 1.0 / np.sqrt(np.diag(inverse))
    partial = inverse * np.outer(scale, scale)
    np.fill_diagonal(partial, 0.0)
    np.fill_diagonal(corr, 0.0)
    r2, q2 = corr**2, partial**2
    overall = float(r2.sum() / (r2.sum() + q2.sum()))
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    return KMOResult(overall, pd.Series(per_item, index=corr_frame.columns, name="msa"))


#: Kaiser's (1974) names for the measure of sampling adequacy, from its lower bound up.
_ADEQUACY = (
    (0.9, "marvellous"),
    (0.8, "meritorious"),
    (0.7, "middling"),
    (0.6, "mediocre"),
    (0.5, "miserable"),
)


def adequacy_label(value: float) -> str:
    """Kaiser's (1974) word for a KMO value: "marvellous" from .9 down to "miserable" from .5, and
    "unacceptable" below .5.

    Kaiser, H. F. (1974). An index of factorial simplicity. Psychometrika, 39, 31-36.

    >>> adequacy_label(0.85), adequacy_label(0.49)
    ('meritorious', 'unacceptable')
    """
    return next((word for bound, word in _ADEQUACY if value >= bound), "unacceptable")


def bartlett_sphericity(
    data_or_corr: object, n_obs: int | None = None, *, missing: Missing = "pairwise"
) -> BartlettResult:
    """Bartlett's (1951) test that the population correlation matrix is the identity.

    .. math:: \\chi^2 = -\\Big(n - 1 - \\frac{2p + 5}{6}\\Big) \\ln |R|,
              \\qquad df = \\frac{p(p-1)}{2}

    With raw data ``n`` is the number of rows (after listwise deletion if asked), as
    ``psych::cortest.bartlett``; with a correlation matrix ``n_obs`` is required.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.array([[1, .5, .4], [.5, 1, .3], [.4, .3, 1]])
    >>> result = bartlett_sphericity(r, n_obs=100)
    >>> result.df, round(result.chisq, 3)
    (3, 46.449)
    """
    corr_frame, n_used, _ = correlation_input(data_or_corr, n_obs, missing=missing, what="Bartlett's test")
    if n_used is None:
        raise StatsError("Bartlett's test on a correlation matrix needs n_obs (the sample size)")
    check_positive_definite(corr_frame, what="Bartlett's test")
    p = corr_frame.shape[0]
    log_det = float(np.linalg.slogdet(corr_frame.to_numpy())[1])
    chisq = -log_det * (n_used - 1 - (2 * p + 5) / 6)
    df = p * (p - 1) // 2
    return BartlettResult(chisq, df, float(scipy_stats.chi2.sf(chisq, df)), int(n_used))


def _eigenvalues(corr: np.ndarray, method: str) -> np.ndarray:
    if method == "fa":
        corr = corr.copy()
        np.fill_diagonal(corr, smc(corr))
    values: np.ndarray = np.sort(np.linalg.eigvalsh(corr))[::-1]
    return values


def parallel_analysis(
    data: object,
    n_iter: int = 100,
    seed: int = 0,
    quantile: float = 0.95,
    *,
    method: Literal["pc", "fa"] = "pc",
    missing: Missing = "pairwise",
) -> ParallelResult:
    """Horn's (1965) parallel analysis.

    Eigenvalues of the observed correlation matrix are compared with the ``quantile`` of the
    eigenvalues of ``n_iter`` correlation matrices of standard normal data with the same number of
    rows and items. ``n_factors`` counts the leading observed eigenvalues that exceed their
    simulated counterpart, stopping at the first that does not (as ``psych::fa.parallel``).
    ``method="pc"`` uses the full correlation matrix (Horn's original); ``method="fa"`` the reduced
    matrix with squared multiple correlations on the diagonal (Humphreys & Ilgen, 1969). The
    quantile rule (Glorfeld, 1995) is less prone to over-extraction than the mean. Deterministic for
    a given ``seed``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 1))
    >>> x = f + rng.normal(size=(300, 6))
    >>> parallel_analysis(x, n_iter=20).n_factors
    1
    """
    if method not in ("pc", "fa"):
        raise StatsError(f"method must be 'pc' or 'fa', got {method!r}")
    if not 0 < quantile < 1:
        raise StatsError(f"quantile must be between 0 and 1, got {quantile}")
    if n_iter < 1:
        raise StatsError(f"n_iter must be at least 1, got {n_iter}")
    frame = item_frame(data, min_rows=3, what="parallel analysis")
    corr_frame, n_rows, _ = correlation_input(frame, missing=missing, what="parallel analysis")
    assert n_rows is not None  # raw data always give a row count
    if method == "fa":
        check_positive_definite(corr_frame, what="parallel analysis")
    observed = _eigenvalues(corr_frame.to_numpy(), method)
    rng = np.random.default_rng(seed)
    p = corr_frame.shape[0]
    draws = np.empty((n_iter, p))
    for i in range(n_iter):
        random_corr = np.asarray(np.corrcoef(rng.standard_normal((n_rows, p)), rowvar=False))
        draws[i] = _eigenvalues(random_corr, method)
    simulated = np.quantile(draws, quantile, axis=0)
    exceeds = observed > simulated
    n_factors = int(p if exceeds.all() else np.argmin(exceeds))
    return ParallelResult(n_factors, observed, simulated, method, quantile, n_iter)
