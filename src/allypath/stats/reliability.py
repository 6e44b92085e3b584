"""Scale reliability: Cronbach's alpha and McDonald's omega, identical to R's ``psych``.

* :func:`cronbach_alpha` - ``psych::alpha``: raw and standardised alpha, Guttman's lambda 6,
  alpha if an item is deleted, item-rest correlations, confidence intervals.
* :func:`omega_total_one_factor` - McDonald's omega total from a one-factor minres model
  (``psych::omega(x, nfactors = 1)``).
* :func:`omega` - ``psych::omega``: Schmid-Leiman transformation of an oblique solution, giving
  omega hierarchical, omega total and the asymptotic omega limit.

Tested against psych 2.2.9 on the bfi scales and the Thurstone matrix (``tests/stats``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from allypath._values import plain
from allypath.errors import StatsError
from allypath.stats._correlation import (
    Matrix,
    Missing,
    check_positive_definite,
    correlation_input,
    cov2cor,
    item_frame,
    smc,
)
from allypath.stats.efa import FactorAnalysis, _check_n_factors, extract_factors
from allypath.stats.rotation import oblimin, promax

__all__ = [
    "AlphaResult",
    "OmegaResult",
    "cronbach_alpha",
    "omega",
    "omega_total_one_factor",
]


@dataclass(frozen=True, eq=False)
class AlphaResult:
    """Cronbach's alpha with psych's companion statistics.

    Attributes
    ----------
    alpha : float
        Raw alpha (psych ``raw_alpha``) from the item covariances.
    std_alpha : float
        Alpha from the item correlations.
    g6 : float
        Guttman's lambda 6 (``G6(smc)``).
    average_r : float
        Mean inter-item correlation.
    signal_noise : float
        ``k r / (1 - r)``.
    ase : float
        Asymptotic standard error of alpha (Duhachek & Iacobucci, 2004), psych's ``ase``.
    ci : tuple of float
        Feldt (1965) confidence interval, the one psych prints first (and pingouin's).
    ci_duhachek : tuple of float
        ``alpha +- z * ase``, psych's second interval.
    confidence : float
    n : int
        Rows used (all rows for pairwise deletion, complete rows for listwise).
    k : int
        Number of items.
    items, reversed_items : tuple of str
    missing : str
    mean, sd : float
        Mean and SD of the scale score (row mean of available items after reverse keying).
    item_stats : DataFrame
        Per item: ``n``, ``raw_r`` (item-total), ``std_r``, ``r_cor`` (overlap-corrected),
        ``r_drop`` (item-rest), ``alpha_if_deleted``, ``std_alpha_if_deleted``, ``mean``, ``sd``.
    omega_total : float or None
        McDonald's omega total from a one-factor minres model of the keyed items (None when
        there are fewer than 3 items or their correlation matrix is not positive definite).
    """

    alpha: float
    std_alpha: float
    g6: float
    average_r: float
    signal_noise: float
    ase: float
    ci: tuple[float, float]
    ci_duhachek: tuple[float, float]
    confidence: float
    n: int
    k: int
    items: tuple[str, ...]
    reversed_items: tuple[str, ...]
    missing: str
    mean: float
    sd: float
    item_stats: pd.DataFrame
    omega_total: float | None

    @property
    def alpha_if_deleted(self) -> pd.Series:
        """Raw alpha of the scale without each item."""
        return self.item_stats["alpha_if_deleted"]

    @property
    def item_rest_r(self) -> pd.Series:
        """Correlation of each item with the sum of the other items (psych ``r.drop``)."""
        return self.item_stats["r_drop"]

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python summary (JSON-ready)."""
        return {
            "alpha": self.alpha,
            "std_alpha": self.std_alpha,
            "omega_total": self.omega_total,
            "g6": self.g6,
            "average_r": self.average_r,
            "signal_noise": self.signal_noise,
            "ase": self.ase,
            "ci_low": self.ci[0],
            "ci_high": self.ci[1],
            "ci_method": "feldt",
            "ci_duhachek": list(self.ci_duhachek),
            "confidence": self.confidence,
            "n": self.n,
            "k": self.k,
            "items": list(self.items),
            "reversed_items": list(self.reversed_items),
            "missing": self.missing,
            "mean": self.mean,
            "sd": self.sd,
            "item_stats": {
                str(item): {str(col): plain(value) for col, value in row.items()}
                for item, row in self.item_stats.iterrows()
            },
        }


@dataclass(frozen=True, eq=False)
class OmegaResult:
    """McDonald's omegas from a Schmid-Leiman solution (``psych::omega``).

    Attributes
    ----------
    alpha : float
        Standardised alpha of the (sign-flipped) items.
    omega_h : float
        Omega hierarchical: share of total score variance due to the general factor.
    omega_total : float
        Share of total score variance due to all common factors.
    omega_limit : float
        Asymptotic omega hierarchical, ``omega_h / omega_total``-like (psych ``omega.lim``).
    g6 : float
        Guttman's lambda 6.
    ecv : float
        Explained common variance of the general factor.
    n_factors : int
    n_obs : int or None
    schmid_leiman : DataFrame
        Items x (``g``, ``F1*``..``Fm*``, ``h2``, ``u2``, ``p2``).
    phi : DataFrame
        Correlations of the oblique group factors.
    g_loadings : Series
        Loadings of the group factors on the general factor.
    flipped_items : tuple of str
        Items reversed because they load negatively on g (psych ``flip = TRUE``).
    """

    alpha: float
    omega_h: float
    omega_total: float
    omega_limit: float
    g6: float
    ecv: float
    n_factors: int
    n_obs: int | None
    schmid_leiman: pd.DataFrame
    phi: pd.DataFrame
    g_loadings: pd.Series
    flipped_items: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python summary (JSON-ready)."""
        return {
            "alpha": self.alpha,
            "omega_h": self.omega_h,
            "omega_total": self.omega_total,
            "omega_limit": self.omega_limit,
            "g6": self.g6,
            "ecv": self.ecv,
            "n_factors": self.n_factors,
            "n_obs": self.n_obs,
            "schmid_leiman": {
                str(item): {str(col): float(value) for col, value in row.items()}
                for item, row in self.schmid_leiman.iterrows()
            },
            "phi": {str(f): {str(g): float(v) for g, v in row.items()} for f, row in self.phi.iterrows()},
            "g_loadings": {str(k): float(v) for k, v in self.g_loadings.items()},
            "flipped_items": list(self.flipped_items),
        }


def _parse_keys(columns: Sequence[str], keys: Sequence[str] | None) -> tuple[list[str], list[str]]:
    """Items of the scale in key order, and those reverse-keyed (a leading "-")."""
    if keys is None:
        return list(columns), []
    if isinstance(keys, str):
        raise StatsError("keys must be a list of column names, not a single string")
    available = set(columns)
    items: list[str] = []
    reversed_items: list[str] = []
    for key in keys:
        key = str(key)
        if key in available:
            name = key
        elif key.startswith("-") and key[1:] in available:
            name = key[1:]
            reversed_items.append(name)
        else:
            raise StatsError(f"key {key!r} names no column of the data")
        if name in items:
            raise StatsError(f"item {name!r} appears more than once in keys")
        items.append(name)
    return items, reversed_items


def _alpha_core(cov: Matrix, corr: Matrix) -> tuple[float, float, float, float, float, float]:
    """psych's ``alpha.1``: raw alpha, std alpha, G6, average r, S/N and Q (for the ase)."""
    k = cov.shape[0]
    total = cov.sum()
    # Degenerate scales (perfectly correlated items) give inf/nan here, as in psych; no warnings.
    with np.errstate(divide="ignore", invalid="ignore"):
        return _alpha_formulas(cov, corr, k, total)


def _alpha_formulas(
    cov: Matrix, corr: Matrix, k: int, total: float
) -> tuple[float, float, float, float, float, float]:
    raw = (1 - np.trace(cov) / total) * k / (k - 1)
    sum_r = corr.sum()
    std = (1 - k / sum_r) * k / (k - 1)
    g6 = 1 - (k - smc(corr).sum()) / sum_r
    average_r = (sum_r - k) / (k * (k - 1))
    signal_noise = k * average_r / (1 - average_r)
    cc = cov @ cov
    q = (2 * k**2 / ((k - 1) ** 2 * total**3)) * (
        total * (np.trace(cc) + np.trace(cov) ** 2) - 2 * np.trace(cov) * cc.sum()
    )
    return float(raw), float(std), float(g6), float(average_r), float(signal_noise), float(q)


def _reverse(frame: pd.DataFrame, reversed_items: Sequence[str]) -> pd.DataFrame:
    """Reverse-key items as psych::alpha: (min + max) - x with the scale's observed min and max.

    psych takes one min and max over all the scale's items (not per item), so items sharing a
    response scale (1-6, say) are reversed exactly (7 - x). The constant does not affect alpha.
    """
    if not reversed_items:
        return frame
    values = frame.to_numpy()
    adjust = np.nanmin(values) + np.nanmax(values)
    flipped = frame.copy()
    flipped[list(reversed_items)] = adjust - flipped[list(reversed_items)]
    return flipped


def cronbach_alpha(
    data: object,
    keys: Sequence[str] | None = None,
    *,
    missing: Missing = "pairwise",
    confidence: float = 0.95,
) -> AlphaResult:
    """Cronbach's alpha, identical to ``psych::alpha`` (pingouin agrees on the raw alpha).

    .. math:: \\alpha = \\frac{k}{k-1}\\Big(1 - \\frac{\\mathrm{tr}\\,C}{\\mathbf 1' C \\mathbf 1}\\Big)

    with C the item covariance matrix, pairwise-complete by default as in psych (each covariance
    from the rows where both items are answered). Cronbach, L. J. (1951). Psychometrika, 16, 297.

    Parameters
    ----------
    data : DataFrame or 2-D array
        One row per respondent, one numeric column per item.
    keys : list of str, optional
        The scale's items; a leading ``"-"`` marks a reverse-keyed item (``["-A1", "A2", ...]``).
        Default: every column, none reversed. Reversal is ``(min + max) - x`` with the observed
        minimum and maximum of the scale's items, as psych does.
    missing : {"pairwise", "listwise"}
        ``"listwise"`` first drops rows with any missing item (psych ``use = "complete.obs"``).
    confidence : float
        Level of the confidence intervals. ``ci`` is Feldt's F-based interval with
        ``df = (n - 1, (n - 1)(k - 1))``; ``ci_duhachek`` is ``alpha +- z * ase``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, 5, 4]])
    >>> round(cronbach_alpha(x).alpha, 4)
    0.9286
    """
    if not 0 < confidence < 1:
        raise StatsError(f"confidence must be between 0 and 1, got {confidence}")
    if missing not in ("pairwise", "listwise"):
        raise StatsError(f"missing must be 'pairwise' or 'listwise', got {missing!r}")
    frame = item_frame(data, min_rows=3, what="Cronbach's alpha")
    items, reversed_items = _parse_keys(list(frame.columns), keys)
    frame = item_frame(frame[items], min_rows=3, what="Cronbach's alpha")
    if missing == "listwise":
        frame = item_frame(frame.dropna(), min_rows=3, what="Cronbach's alpha (complete rows)")
    frame = _reverse(frame, reversed_items)
    cov_frame = frame.cov(min_periods=2)
    if cov_frame.isna().to_numpy().any():
        i, j = np.argwhere(cov_frame.isna().to_numpy())[0]
        raise StatsError(
            f"items {items[i]!r} and {items[j]!r} are never answered together (fewer than 2 rows)"
        )
    cov = cov_frame.to_numpy()
    corr = cov2cor(cov)
    k, n = len(items), frame.shape[0]
    raw, std, g6, average_r, signal_noise, q = _alpha_core(cov, corr)

    drop = np.full((k, 2), np.nan)
    r_drop = np.empty(k)
    for i in range(k):
        rest = [j for j in range(k) if j != i]
        if k > 2:
            drop[i] = _alpha_core(cov[np.ix_(rest, rest)], corr[np.ix_(rest, rest)])[:2]
        rest_var = cov[np.ix_(rest, rest)].sum()
        r_drop[i] = (cov[:, i].sum() - cov[i, i]) / np.sqrt(cov[i, i] * rest_var)
    corrected = corr.copy()
    np.fill_diagonal(corrected, smc(corr))
    with np.errstate(divide="ignore", invalid="ignore"):
        std_r = corr.sum(axis=0) / np.sqrt(corr.sum())
        r_cor = corrected.sum(axis=0) / np.sqrt(corrected.sum())
    total_score = frame.mean(axis=1, skipna=True)
    item_stats = pd.DataFrame(
        {
            "n": frame.notna().sum().astype(int).to_numpy(),
            "raw_r": frame.corrwith(total_score).to_numpy(),
            "std_r": std_r,
            "r_cor": r_cor,
            "r_drop": r_drop,
            "alpha_if_deleted": drop[:, 0],
            "std_alpha_if_deleted": drop[:, 1],
            "mean": frame.mean().to_numpy(),
            "sd": frame.std(ddof=1).to_numpy(),
        },
        index=pd.Index(items, name="item"),
    )
    ase = float(np.sqrt(q / n))
    quantile = 1 - (1 - confidence) / 2
    f_high = scipy_stats.f.ppf(quantile, n - 1, (n - 1) * (k - 1))
    f_low = scipy_stats.f.ppf(1 - quantile, n - 1, (n - 1) * (k - 1))
    z = float(scipy_stats.norm.ppf(quantile))
    return AlphaResult(
        alpha=raw,
        std_alpha=std,
        g6=g6,
        average_r=average_r,
        signal_noise=signal_noise,
        ase=ase,
        ci=(float(1 - (1 - raw) * f_high), float(1 - (1 - raw) * f_low)),
        ci_duhachek=(raw - z * ase, raw + z * ase),
        confidence=confidence,
        n=n,
        k=k,
        items=tuple(items),
        reversed_items=tuple(reversed_items),
        missing=missing,
        mean=float(total_score.mean()),
        sd=float(total_score.std(ddof=1)),
        item_stats=item_stats,
        omega_total=_omega_total_if_possible(frame, missing),
    )


def _omega_total_if_possible(frame: pd.DataFrame, missing: Missing) -> float | None:
    if frame.shape[1] < 3:
        return None
    try:
        return omega_total_one_factor(frame, missing=missing)
    except StatsError:
        return None


def omega_total_one_factor(
    data: object, keys: Sequence[str] | None = None, *, missing: Missing = "pairwise"
) -> float:
    """McDonald's omega total from a one-factor minres model (``psych::omega(x, nfactors = 1)``).

    .. math:: \\omega_t = \\frac{\\mathbf 1' R \\mathbf 1 - \\sum_i u_i^2}{\\mathbf 1' R \\mathbf 1}

    with R the correlation matrix of the items (reversed where they load negatively, as psych)
    and :math:`u_i^2 = 1 - \\lambda_i^2` the uniquenesses. McDonald, R. P. (1999). Test Theory.

    Parameters
    ----------
    data : DataFrame, 2-D array, or a correlation matrix
    keys : list of str, optional
        Scale items, ``"-"`` for reverse-keyed; reversal does not change omega total (psych flips
        negatively loading items anyway) but ``keys`` selects the items.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.array([[1, .5, .4], [.5, 1, .3], [.4, .3, 1]])
    >>> round(omega_total_one_factor(r), 4)
    0.6818
    """
    if keys is not None:
        frame = item_frame(data, min_rows=3, what="omega")
        items, reversed_items = _parse_keys(list(frame.columns), keys)
        data = _reverse(frame[items], reversed_items)
    corr_frame, _, _ = correlation_input(data, missing=missing, what="omega")
    _check_n_factors(1, corr_frame.shape[0])
    check_positive_definite(corr_frame, what="omega")
    corr = corr_frame.to_numpy()
    loadings, _, _ = extract_factors(corr, 1, "minres")
    signs = np.where(loadings[:, 0] < 0, -1.0, 1.0)
    total = float((corr * np.outer(signs, signs)).sum())
    uniqueness = float(np.sum(1.0 - loadings[:, 0] ** 2))
    return (total - uniqueness) / total


def _general_loadings(phi: Matrix, method: Literal["minres", "ml"]) -> Matrix:
    """Loadings of the group factors on g: one factor of Phi (psych schmid)."""
    if phi.shape[0] > 2:
        loadings, _, _ = extract_factors(phi, 1, method)
        result: Matrix = loadings[:, 0]
        return result
    # Two group factors cannot identify g; psych's default ("equal") splits their correlation.
    r = phi[0, 1]
    return np.array([np.sqrt(abs(r)), np.sign(r) * np.sqrt(abs(r))])


def omega(
    data_or_corr: object,
    n_factors: int = 3,
    *,
    n_obs: int | None = None,
    fm: Literal["minres", "ml"] = "minres",
    rotation: Literal["oblimin", "promax"] = "oblimin",
    missing: Missing = "pairwise",
) -> OmegaResult:
    """McDonald's omega hierarchical and total via Schmid-Leiman, identical to ``psych::omega``.

    Steps (psych ``schmid``): extract ``n_factors`` (``fm``) and varimax-rotate; rotate obliquely
    (oblimin, or unnormalised Promax); factor the factor correlations Phi with one factor to get
    g; the items' g loadings are :math:`P g` and the residualised group loadings
    :math:`\\mathrm{sign}(P)\\sqrt{P^2 (1 - g^2)}`. Items loading negatively on g are flipped. Then,
    with :math:`V_t = \\mathbf 1' R \\mathbf 1`,

    .. math:: \\omega_h = \\frac{(\\sum_i g_i)^2}{V_t}, \\qquad
              \\omega_t = \\frac{V_t - \\sum_i u_i^2}{V_t}.

    Schmid, J., & Leiman, J. M. (1957). Psychometrika, 22, 53-61. Zinbarg, R. E., Revelle, W.,
    Yovel, I., & Li, W. (2005). Psychometrika, 70, 123-133.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> g = rng.normal(size=(400, 1))
    >>> groups = np.repeat(rng.normal(size=(400, 3)), 3, axis=1)
    >>> x = g + 0.7 * groups + rng.normal(size=(400, 9))
    >>> result = omega(x, n_factors=3)
    >>> bool(result.omega_h < result.omega_total)
    True
    """
    if rotation not in ("oblimin", "promax"):
        raise StatsError(f"omega supports rotation 'oblimin' or 'promax', got {rotation!r}")
    corr_frame, n_used, _ = correlation_input(data_or_corr, n_obs, missing=missing, what="omega")
    if isinstance(n_factors, int) and n_factors < 2:
        raise StatsError(
            "omega hierarchical needs at least 2 group factors; "
            "use omega_total_one_factor for a one-factor omega"
        )
    _check_n_factors(n_factors, corr_frame.shape[0])
    check_positive_definite(corr_frame, what="omega")
    names = list(corr_frame.columns)
    corr = corr_frame.to_numpy()

    orthogonal = FactorAnalysis(n_factors, fm, "varimax").fit(corr).loadings_.to_numpy()
    oblique = oblimin(orthogonal) if rotation == "oblimin" else promax(orthogonal, normalize=False)
    pattern, phi = oblique.loadings, oblique.phi
    g = _general_loadings(phi, fm)
    general = pattern @ g
    h2 = np.sum(orthogonal**2, axis=1)
    u2 = np.diag(corr) - h2
    group = np.sign(pattern) * np.sqrt(np.clip(pattern**2 * (1 - g**2), 0.0, None))

    key = np.where(general < 0, -1.0, 1.0)
    flipped = corr * np.outer(key, key)
    general, group = general * key, group * key[:, None]
    total = float(flipped.sum())
    common = total - float(u2.sum())
    general_sq = float(general.sum() ** 2)
    n_items = len(names)
    variances = np.concatenate([[np.sum(general**2)], np.sum(group**2, axis=0)])

    factor_names = [f"F{j + 1}" for j in range(n_factors)]
    schmid = pd.DataFrame(
        np.column_stack([general, group, h2, u2, general**2 / h2]),
        index=names,
        columns=["g", *[f"{f}*" for f in factor_names], "h2", "u2", "p2"],
    )
    return OmegaResult(
        alpha=(total - float(np.trace(flipped))) / total * n_items / (n_items - 1),
        omega_h=general_sq / total,
        omega_total=common / total,
        omega_limit=general_sq / common,
        g6=(total + float(smc(flipped).sum()) - float(np.trace(flipped))) / total,
        ecv=float(variances[0] / variances.sum()),
        n_factors=n_factors,
        n_obs=n_used,
        schmid_leiman=schmid,
        phi=pd.DataFrame(phi, index=factor_names, columns=factor_names),
        g_loadings=pd.Series(g, index=factor_names, name="g"),
        flipped_items=tuple(name for name, k in zip(names, key, strict=True) if k < 0),
    )
