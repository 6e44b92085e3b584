"""Fit indices of a maximum-likelihood SEM, computed exactly as lavaan 0.6 does.

Conventions that other Python libraries get wrong (measured; tests/reference/README.md):

- chi-square ``T = 2 N F_ML`` with the normal likelihood (N, not N - 1);
- RMSEA ``sqrt(max(T - df, 0) / (df N)) * sqrt(G)`` (Steiger & Lind 1980; the sqrt(G) is
  lavaan's multigroup correction), 90% CI by inverting the non-central chi-square
  (Browne & Cudeck 1993);
- CFI/TLI against the independence model with free variances (and free means) per group,
  ``df_b = G (p (p - 1) / 2)`` (minus covariances among fixed exogenous covariates);
- SRMR is Bentler's: residuals ``(s_ij - sigma_ij) / sqrt(s_ii s_jj)`` over the lower
  triangle with the diagonal, plus mean residuals ``(ybar_i - mu_i) / sqrt(s_ii)`` when the
  model has a mean structure; groups are averaged with weights n_g / N;
- GFI ``1 - tr[(Sigma^-1 S - I)^2] / tr[(Sigma^-1 S)^2]`` (Joreskog & Sorbom), with the mean
  parts ``d' Sigma^-1 d`` and ``ybar' Sigma^-1 ybar`` when there is a mean structure, and an
  n-weighted mean over groups;
- log-likelihood of the full data, AIC ``-2 logL + 2 npar``, BIC ``-2 logL + npar log N``.

Example
-------
>>> round(rmsea(85.305522, 24, 301), 7)
0.0921215
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
from scipy import optimize, special, stats

from allypath.stats.sem import GroupSample, MLSolution

__all__ = [
    "baseline_chisq",
    "cfi",
    "fit_measures",
    "fit_rating",
    "gfi",
    "loglik",
    "rmsea",
    "rmsea_ci",
    "rmsea_pvalue",
    "srmr_bentler",
    "tli",
]

Array = np.ndarray

#: Hu & Bentler's (1999) cut-offs, as (CFI at least, RMSEA at most, SRMR at most): good, then acceptable.
FIT_CUTOFFS = {"good": (0.95, 0.06, 0.08), "acceptable": (0.90, 0.08, 0.10)}


def fit_rating(fit: Mapping[str, float]) -> Literal["good", "acceptable", "poor"]:
    """How a model fits by the usual cut-offs (:data:`FIT_CUTOFFS`, Hu & Bentler 1999): "good" when
    CFI >= .95, RMSEA <= .06 and SRMR <= .08; "acceptable" when CFI >= .90, RMSEA <= .08 and
    SRMR <= .10; else "poor". ``fit`` holds lavaan's ``cfi``, ``rmsea`` and ``srmr``. Says nothing of
    an improper solution, whose indices show no fit at all: check that first.

    >>> fit_rating({"cfi": 0.931, "rmsea": 0.092, "srmr": 0.065})
    'poor'
    """
    for rating, (least_cfi, most_rmsea, most_srmr) in FIT_CUTOFFS.items():
        if fit["cfi"] >= least_cfi and fit["rmsea"] <= most_rmsea and fit["srmr"] <= most_srmr:
            return rating  # type: ignore[return-value]
    return "poor"


def cfi(chisq: float, df: float, baseline: float, baseline_df: float) -> float:
    """Comparative fit index (Bentler 1990).

    ``CFI = 1 - max(T - df, 0) / max(T - df, T_b - df_b, 0)``; 1 when both are 0.

    >>> round(cfi(85.305522, 24, 918.851589, 36), 7)
    0.9305597
    """
    t1 = max(chisq - df, 0.0)
    t2 = max(chisq - df, baseline - baseline_df, 0.0)
    return 1.0 if t1 == 0 and t2 == 0 else 1.0 - t1 / t2


def tli(chisq: float, df: float, baseline: float, baseline_df: float) -> float:
    """Tucker-Lewis index: ``(T_b/df_b - T/df) / (T_b/df_b - 1)``; 1 when df = 0.

    >>> round(tli(85.305522, 24, 918.851589, 36), 7)
    0.8958395
    """
    t2 = baseline / baseline_df - 1.0 if baseline_df > 0 else 0.0
    if df <= 0 or t2 == 0:
        return 1.0
    return (baseline / baseline_df - chisq / df) / t2


def rmsea(chisq: float, df: float, ntotal: int, ngroups: int = 1) -> float:
    """Root mean square error of approximation with N (not N - 1) and lavaan's sqrt(G)."""
    if df <= 0:
        return 0.0
    return math.sqrt(max(chisq / ntotal / df - 1.0 / ntotal, 0.0)) * math.sqrt(ngroups)


def rmsea_ci(
    chisq: float, df: float, ntotal: int, ngroups: int = 1, level: float = 0.90
) -> tuple[float, float]:
    """Confidence interval of the RMSEA from the non-central chi-square (Browne & Cudeck).

    The bounds solve ``P(chi2_df(lambda) <= T) = 1 - alpha/2`` and ``alpha/2`` for the
    non-centrality lambda and map it as ``sqrt(lambda / (N df)) * sqrt(G)``.
    """
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2
    scale = math.sqrt(ngroups)
    lower = upper = 0.0
    if df >= 1 and _cdf(chisq, df, 0.0) >= upper_p:
        lam = optimize.brentq(lambda v: _cdf(chisq, df, v) - upper_p, 0.0, chisq, xtol=1e-10)
        lower = math.sqrt(lam / (ntotal * df)) * scale
    n_rmsea = max(ntotal, 4 * chisq)
    if df >= 1 and _cdf(chisq, df, n_rmsea) <= lower_p <= _cdf(chisq, df, 0.0):
        lam = optimize.brentq(lambda v: _cdf(chisq, df, v) - lower_p, 0.0, n_rmsea, xtol=1e-10)
        upper = math.sqrt(lam / (ntotal * df)) * scale
    return lower, upper


def _cdf(chisq: float, df: float, ncp: float) -> float:
    """P(chi2_df(ncp) <= chisq); the central distribution at ncp = 0."""
    # the ufunc directly: scipy.stats.ncx2.cdf costs 50x more per call in the root search
    return float(special.chndtr(chisq, df, max(ncp, 0.0)))


def rmsea_pvalue(chisq: float, df: float, ntotal: int, ngroups: int = 1, h0: float = 0.05) -> float:
    """P-value of the close-fit test H0: RMSEA <= h0 (Browne & Cudeck 1993)."""
    if df <= 0:
        return float("nan")
    ncp = ntotal * df * h0**2 / ngroups
    return float(stats.ncx2.sf(chisq, df, ncp))


def baseline_chisq(samples: Sequence[GroupSample], exogenous: Sequence[int] = ()) -> tuple[float, int]:
    """Chi-square and df of lavaan's independence (baseline) model.

    Variances (and means) are free per group, covariances zero except among fixed
    exogenous covariates, whose block stays at its sample values:
    ``T_b = sum_g n_g (log|Sigma_b,g| - log|S_g|)``.
    """
    total, df = 0.0, 0
    ex = list(exogenous)
    for s in samples:
        p = s.cov.shape[0]
        rest = [i for i in range(p) if i not in ex]
        logdet_b = float(np.sum(np.log(np.diag(s.cov)[rest])))
        if ex:
            logdet_b += np.linalg.slogdet(s.cov[np.ix_(ex, ex)])[1]
        total += s.nobs * (logdet_b - np.linalg.slogdet(s.cov)[1])
        df += p * (p - 1) // 2 - len(ex) * (len(ex) - 1) // 2
    return total, df


def srmr_bentler(
    samples: Sequence[GroupSample],
    implied_cov: Sequence[Array],
    implied_mean: Sequence[Array],
    meanstructure: bool,
) -> float:
    """Bentler's standardized root mean square residual, n-weighted over groups."""
    ntotal = sum(s.nobs for s in samples)
    value = 0.0
    for s, sigma, mu in zip(samples, implied_cov, implied_mean, strict=True):
        p = s.cov.shape[0]
        inv_sd = 1.0 / np.sqrt(np.diag(s.cov))
        resid = (s.cov - sigma) * np.outer(inv_sd, inv_sd)
        squares = float(np.sum(resid[np.tril_indices(p)] ** 2))
        count = p * (p + 1) / 2
        if meanstructure:
            squares += float(np.sum(((s.mean - mu) * inv_sd) ** 2))
            count += p
        value += s.nobs / ntotal * math.sqrt(squares / count)
    return value


def gfi(
    samples: Sequence[GroupSample],
    implied_cov: Sequence[Array],
    implied_mean: Sequence[Array],
    meanstructure: bool,
) -> float:
    """Goodness-of-fit index (LISREL, ML weight at the estimates), n-weighted over groups."""
    ntotal = sum(s.nobs for s in samples)
    value = 0.0
    for s, sigma, mu in zip(samples, implied_cov, implied_mean, strict=True):
        v_inv = np.linalg.inv(sigma)
        vs = v_inv @ s.cov
        resid = vs - np.eye(vs.shape[0])
        num = 0.5 * float(np.sum(resid * resid.T))
        den = 0.5 * float(np.sum(vs * vs.T))
        if meanstructure:
            d = s.mean - mu
            num += float(d @ v_inv @ d)
            den += float(s.mean @ v_inv @ s.mean)
        value += s.nobs / ntotal * (1.0 - num / den)
    return value


def loglik(
    samples: Sequence[GroupSample],
    implied_cov: Sequence[Array],
    implied_mean: Sequence[Array],
) -> float:
    """Full-data normal log-likelihood of the model (pass S and ybar for the saturated one).

    ``logL = -1/2 sum_g n_g [p log(2 pi) + log|Sigma| + tr(S Sigma^-1) + d' Sigma^-1 d]``
    """
    total = 0.0
    for s, sigma, mu in zip(samples, implied_cov, implied_mean, strict=True):
        p = s.cov.shape[0]
        v_inv = np.linalg.inv(sigma)
        d = s.mean - mu
        kernel = np.linalg.slogdet(sigma)[1] + np.trace(v_inv @ s.cov) + d @ v_inv @ d
        total += -0.5 * s.nobs * (p * math.log(2 * math.pi) + kernel)
    return float(total)


def fit_measures(solution: MLSolution) -> dict[str, float]:
    """All fit measures of a fitted model, keyed by lavaan's names (dots become underscores).

    Returns
    -------
    dict
        ``npar, chisq, df, pvalue, baseline_chisq, baseline_df, cfi, tli, nfi, rmsea,
        rmsea_ci_lower, rmsea_ci_upper, rmsea_pvalue, srmr, gfi, agfi, loglik,
        unrestricted_loglik, aic, bic, bic2, ntotal, ngroups``.
    """
    table = solution.table
    samples = solution.samples
    ngroups = len(samples)
    ntotal = sum(s.nobs for s in samples)
    p = len(table.observed)
    px = len(table.exogenous_observed)
    ms = table.meanstructure
    ndat = ngroups * (p * (p + 1) // 2 + (p if ms else 0))
    ndat -= ngroups * (px * (px + 1) // 2 + (px if ms else 0))
    npar = solution.npar
    df = ndat - npar
    chisq = max(2.0 * ntotal * solution.fmin, 0.0)
    exo = [table.observed.index(v) for v in table.exogenous_observed]
    b_chisq, b_df = baseline_chisq(samples, exo)
    ll = loglik(samples, solution.implied_cov, solution.implied_mean)
    ll_sat = loglik(samples, [s.cov for s in samples], [s.mean for s in samples])
    lower, upper = rmsea_ci(chisq, df, ntotal, ngroups)
    g = gfi(samples, solution.implied_cov, solution.implied_mean, ms)
    nel = ndat + ngroups * (px * (px + 1) // 2 + (px if ms else 0))
    return {
        "npar": float(npar),
        "chisq": chisq,
        "df": float(df),
        "pvalue": float(stats.chi2.sf(chisq, df)) if df > 0 else float("nan"),
        "baseline_chisq": b_chisq,
        "baseline_df": float(b_df),
        "cfi": cfi(chisq, df, b_chisq, b_df),
        "tli": tli(chisq, df, b_chisq, b_df),
        "nfi": (b_chisq - chisq) / b_chisq if b_chisq > 0 else float("nan"),
        "rmsea": rmsea(chisq, df, ntotal, ngroups),
        "rmsea_ci_lower": lower,
        "rmsea_ci_upper": upper,
        "rmsea_pvalue": rmsea_pvalue(chisq, df, ntotal, ngroups),
        "srmr": srmr_bentler(samples, solution.implied_cov, solution.implied_mean, ms),
        "gfi": g,
        "agfi": 1.0 - nel / df * (1.0 - g) if df > 0 else 1.0,
        "loglik": ll,
        "unrestricted_loglik": ll_sat,
        "aic": -2.0 * ll + 2.0 * npar,
        "bic": -2.0 * ll + npar * math.log(ntotal),
        "bic2": -2.0 * ll + npar * math.log((ntotal + 2.0) / 24.0),
        "ntotal": float(ntotal),
        "ngroups": float(ngroups),
    }
