"""Four stages or one continuum? :func:`stages_vs_continuum` and its result.

The Gender Equity Mindset Model describes four stages. Whether the stage scale scores show four
distinct groups of men, or one developmental continuum on which the stages are bands, is an
empirical question with a standard answer: fit a latent profile model (discrete groups, local
independence) and a one-factor model (one continuous latent trait) to the same scores and compare
them by BIC (Lubke & Muthén 2005; Masyn, Henderson & Greenbaum 2010). Both are full multivariate
normal likelihoods of the same observed scores, so their log-likelihoods and BICs are comparable;
the models are not nested, which is why the comparison uses BIC rather than a likelihood-ratio test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.linalg import cho_factor, cho_solve
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from allypath.errors import StatsError
from allypath.stats._latent_common import check_count, information_criteria
from allypath.stats._latent_profile import LatentProfileResult, latent_profile, numeric_matrix

__all__ = ["StageStructureResult", "stages_vs_continuum"]

Verdict = Literal["stages", "continuum", "inconclusive"]


def _evidence(delta_bic: float) -> str:
    """Kass & Raftery's (1995) words for a BIC difference (about 2 ln Bayes factor)."""
    size = abs(delta_bic)
    if size > 10:
        return "very strong"
    if size > 6:
        return "strong"
    if size > 2:
        return "positive"
    return "weak"


@dataclass(frozen=True)
class StageStructureResult:
    """Comparison of a k-stage profile model with a one-continuum (one-factor) model.

    Attributes
    ----------
    stages : LatentProfileResult
        The k-profile model.
    continuum_loglik : float
        Log-likelihood of the one-factor model.
    continuum_npar : int
        Its free parameters: ``d`` means plus ``min(2 d, d (d + 1) / 2)`` covariance parameters
        (``d`` loadings and ``d`` unique variances; with 3 or fewer scores the model is saturated).
    loadings, unique_variances : Series
        The factor loadings (sign arbitrary) and unique variances of each score.
    table : DataFrame
        One row per model (``stages``, ``continuum``): description, loglik, npar, aic, bic, sabic.
    delta_bic : float
        ``BIC(continuum) - BIC(stages)``: positive favours stages, negative the continuum.
    verdict : {"stages", "continuum", "inconclusive"}
        The better model when ``|delta_bic|`` reaches the threshold, else ``"inconclusive"``.
    summary : str
        The verdict in plain words, with the numbers behind it.
    """

    stages: LatentProfileResult
    continuum_loglik: float
    continuum_npar: int
    loadings: pd.Series
    unique_variances: pd.Series
    table: pd.DataFrame
    delta_bic: float
    verdict: Verdict
    summary: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary of both models and the verdict."""
        return {
            "verdict": self.verdict,
            "summary": self.summary,
            "delta_bic": self.delta_bic,
            "n": self.stages.n,
            "stages": self.stages.to_dict(),
            "continuum": {
                "loglik": self.continuum_loglik,
                "npar": self.continuum_npar,
                **information_criteria(self.continuum_loglik, self.continuum_npar, self.stages.n),
                "loadings": {str(k): float(v) for k, v in self.loadings.items()},
            },
        }


def _one_factor(values: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """ML one-factor model: log-likelihood, loadings and unique variances.

    Minimises the ML discrepancy ``F = ln|Sigma| + tr(Sigma^-1 R)`` over loadings and unique
    variances (bounded above 0, so Heywood cases stay proper) on the correlation matrix ``R``, with
    the analytic gradient ``dF/dSigma = Sigma^-1 - Sigma^-1 R Sigma^-1``. The model is scale
    invariant, so the result is rescaled to the covariances; the log-likelihood is then
    ``-n/2 (d ln 2 pi + ln|Sigma| + tr(Sigma^-1 S))`` with ``S`` the ML covariance. (scikit-learn's
    FactorAnalysis needs 10^5+ iterations when a unique variance heads to 0, measured 18 s.)
    """
    n, d = values.shape
    centred = values - values.mean(axis=0)
    scale = np.sqrt((centred**2).mean(axis=0))
    corr = (centred / scale).T @ (centred / scale) / n
    identity = np.eye(d)

    def discrepancy(theta: np.ndarray) -> tuple[float, np.ndarray]:
        loadings, unique = theta[:d], theta[d:]
        sigma = np.outer(loadings, loadings) + np.diag(unique)
        factor = cho_factor(sigma)
        inverse = cho_solve(factor, identity)
        value = 2.0 * np.log(np.diag(factor[0])).sum() + float(np.sum(inverse * corr))
        gradient = inverse - inverse @ corr @ inverse
        return value, np.concatenate([2.0 * gradient @ loadings, np.diag(gradient)])

    # Start from the first principal component, which is close to the one-factor solution.
    eigenvalues, eigenvectors = np.linalg.eigh(corr)
    start = eigenvectors[:, -1] * np.sqrt(eigenvalues[-1]) * 0.9
    theta0 = np.concatenate([start, np.clip(1.0 - start**2, 0.05, None)])
    bounds = [(None, None)] * d + [(1e-8, None)] * d
    solution = minimize(
        discrepancy,
        theta0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10_000},
    )
    log_det_scale = 2.0 * np.log(scale).sum()
    loglik = -0.5 * n * (d * math.log(2 * math.pi) + float(solution.fun) + log_det_scale)
    return loglik, solution.x[:d] * scale, solution.x[d:] * scale**2


def _summary(
    verdict: Verdict,
    n_stages: int,
    stages: LatentProfileResult,
    bic_stages: float,
    bic_continuum: float,
    delta: float,
    threshold: float,
) -> str:
    numbers = (
        f"BIC {bic_stages:.1f} for {n_stages} stages against {bic_continuum:.1f} for one continuum; "
        f"difference {abs(delta):.1f}, {_evidence(delta)} evidence"
    )
    if verdict == "stages":
        entropy = stages.relative_entropy
        return (
            f"The scores fall into {n_stages} distinct stages rather than along one continuum "
            f"({numbers}). People are assigned to stages with relative entropy {entropy:.2f}; the "
            f"smallest stage holds {stages.shares.min():.0%} of them. Check that the stage profiles "
            "make sense: strongly skewed scores alone can favour distinct groups."
        )
    if verdict == "continuum":
        return (
            f"The scores lie along one continuum rather than in {n_stages} distinct stages "
            f"({numbers}). Read stage labels as bands on one developmental scale, not as separate "
            "groups of people."
        )
    leaning = "stages" if delta > 0 else "one continuum"
    return (
        f"The data do not decide between {n_stages} distinct stages and one continuum ({numbers}; "
        f"it leans to {leaning} but stays below the {threshold:g}-point threshold). Collect more "
        "responses before treating the stages as distinct groups."
    )


def stages_vs_continuum(
    scale_scores: pd.DataFrame | np.ndarray,
    n_stages: int = 4,
    *,
    covariance: str = "diag",
    n_init: int = 10,
    seed: int = 0,
    min_bic_difference: float = 6.0,
) -> StageStructureResult:
    """Do the stage scale scores show distinct stages or one continuum? Compare the two by BIC.

    (a) Stages: a latent profile model with ``n_stages`` profiles and, by default, own variances
    and no covariances within a profile (VVI: the stages alone explain how the scores go together).
    (b) Continuum: a one-factor model, ``x = mu + lambda eta + e`` with ``eta ~ N(0, 1)`` and
    independent errors, so ``x ~ N(mu, lambda lambda' + Psi)``: one continuous trait explains how
    the scores go together. ``delta_bic = BIC(b) - BIC(a)``; the verdict names the model with the
    lower BIC when the difference is at least ``min_bic_difference`` (6 = "strong evidence" on
    Kass & Raftery's scale), else ``"inconclusive"``.

    Parameters
    ----------
    scale_scores : DataFrame or 2-D array
        One column per stage scale score (at least 2 columns), one row per respondent; rows with a
        missing score are dropped.
    n_stages : int
        Profiles in the stage model (at least 2).
    covariance, n_init, seed
        Passed to :func:`latent_profile` for the stage model.
    min_bic_difference : float
        Smallest BIC difference that yields a verdict.

    Returns
    -------
    StageStructureResult

    Notes
    -----
    A mixture can beat a one-factor model on data from one non-normal continuous trait (Bauer &
    Curran 2003): a "stages" verdict says that distinct groups describe the data better, which is
    evidence for stages only when the profiles are interpretable and replicate.

    References
    ----------
    Lubke, G. H. & Muthén, B. (2005). Investigating population heterogeneity with factor mixture
    models. Psychological Methods 10(1), 21-39.
    Kass, R. E. & Raftery, A. E. (1995). Bayes factors. JASA 90(430), 773-795.
    Bauer, D. J. & Curran, P. J. (2003). Distributional assumptions of growth mixture models.
    Psychological Methods 8(3), 338-363.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> trait = rng.normal(size=(500, 1))
    >>> scores = trait @ np.array([[-0.8, -0.4, 0.6, 0.9]]) + rng.normal(0, 0.5, (500, 4))
    >>> stages_vs_continuum(scores).verdict
    'continuum'
    """
    check_count(n_stages, "n_stages")
    if n_stages < 2:
        raise StatsError(f"n_stages must be at least 2 to compare stages with a continuum, got {n_stages}")
    if not (isinstance(min_bic_difference, int | float) and min_bic_difference >= 0):
        raise StatsError(f"min_bic_difference must be a number >= 0, got {min_bic_difference!r}")
    frame, _ = numeric_matrix(scale_scores)
    n, d = frame.shape
    if d < 2:
        raise StatsError(f"need at least 2 scale scores (columns) to compare structures, got {d}")
    continuum_npar = d + min(2 * d, d * (d + 1) // 2)
    if n < continuum_npar:
        raise StatsError(f"only {n} complete rows for the {continuum_npar} parameters of one continuum")
    stages = latent_profile(frame, n_stages, covariance=covariance, n_init=n_init, seed=seed)
    with threadpool_limits(limits=1):
        continuum_loglik, loadings, uniquenesses = _one_factor(frame.to_numpy())

    continuum_ic = information_criteria(continuum_loglik, continuum_npar, n)
    table = pd.DataFrame(
        [
            {
                "model": f"{n_stages} profiles ({stages.model})",
                "loglik": stages.loglik,
                "npar": stages.npar,
                "aic": stages.aic,
                "bic": stages.bic,
                "sabic": stages.sabic,
            },
            {"model": "one factor", "loglik": continuum_loglik, "npar": continuum_npar, **continuum_ic},
        ],
        index=pd.Index(["stages", "continuum"], name="structure"),
    )
    delta = continuum_ic["bic"] - stages.bic
    verdict: Verdict
    if delta >= min_bic_difference:
        verdict = "stages"
    elif delta <= -min_bic_difference:
        verdict = "continuum"
    else:
        verdict = "inconclusive"
    summary = _summary(verdict, n_stages, stages, stages.bic, continuum_ic["bic"], delta, min_bic_difference)
    return StageStructureResult(
        stages=stages,
        continuum_loglik=continuum_loglik,
        continuum_npar=continuum_npar,
        loadings=pd.Series(loadings, index=frame.columns, name="loading"),
        unique_variances=pd.Series(uniquenesses, index=frame.columns, name="unique_variance"),
        table=table,
        delta_bic=float(delta),
        verdict=verdict,
        summary=summary,
    )
