"""Latent profile analysis of continuous scores: :func:`latent_profile` and its result.

Conventions (missing rows, profile order, fit statistics) are those of :mod:`allypath.stats.latent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from allypath.errors import StatsError
from allypath.stats._latent_common import (
    MixtureFit,
    check_count,
    order_by_size,
    relative_entropy,
)
from allypath.stats._latent_gaussian import (
    fit_gaussian_mixture,
    full_covariances,
    gaussian_npar,
    resolve_covariance,
)

__all__ = ["LatentProfileResult", "latent_profile", "numeric_matrix"]


@dataclass(frozen=True)
class LatentProfileResult(MixtureFit):
    """A fitted latent profile model (see :func:`latent_profile`).

    Attributes
    ----------
    n_profiles, n, n_dropped, npar : int
        Profiles, rows used, rows dropped for missing values, free parameters (mclust's ``df``).
    model : str
        mclust model name (``VVI``, ``EEI``, ``EEE``, ``VVV``, ``VII``, ``EII``).
    loglik, relative_entropy : float
        Maximised log-likelihood and relative entropy (module docstring).
    shares : ndarray of shape (G,)
        Profile sizes, largest first; profile 1 is the largest.
    means : DataFrame
        Profile (``profile_1``..) by variable.
    covariances : ndarray of shape (G, d, d)
        Each profile's covariance matrix (in the order of ``means``).
    posterior : DataFrame
        ``profile_1``..``profile_G`` posterior probabilities, indexed like the rows used.
    converged : bool
        Whether the best start converged.
    """

    n_profiles: int
    model: str
    n: int
    n_dropped: int
    npar: int
    loglik: float
    relative_entropy: float
    shares: np.ndarray
    means: pd.DataFrame
    covariances: np.ndarray
    posterior: pd.DataFrame
    converged: bool

    @property
    def modal_profile(self) -> pd.Series:
        """Most likely profile (1..G) of each row used."""
        return self._modal()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary; ``entropy`` is the relative entropy (``None`` for one profile)."""
        return {
            "n_profiles": self.n_profiles,
            "model": self.model,
            **self._fit_summary(),
            "means": {str(k): [float(v) for v in row] for k, row in self.means.iterrows()},
        }


def numeric_matrix(data: pd.DataFrame | np.ndarray) -> tuple[pd.DataFrame, int]:
    """Continuous scores as a float frame with incomplete rows dropped; refuses unusable columns."""
    if isinstance(data, pd.DataFrame):
        frame = data
    else:
        array = np.asarray(data)
        if array.ndim != 2:
            raise StatsError(f"data must be two-dimensional (rows x scores), got {array.ndim} dimensions")
        frame = pd.DataFrame(array, columns=[f"score_{j + 1}" for j in range(array.shape[1])])
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise StatsError(f"data is empty ({frame.shape[0]} rows x {frame.shape[1]} columns)")
    columns = {}
    for name in frame.columns:
        try:
            values = pd.to_numeric(frame[name], errors="raise").astype(float)
        except (ValueError, TypeError) as exc:
            raise StatsError(f"column {name!r} is not numeric: {exc}") from exc
        if values.isna().all():
            raise StatsError(f"column {name!r} has no observed values (every value is missing)")
        if np.isinf(values).any():
            raise StatsError(f"column {name!r} holds an infinite value")
        if values.nunique() < 2:
            raise StatsError(f"column {name!r} is constant; it cannot separate profiles: drop it")
        columns[str(name)] = values
    numeric = pd.DataFrame(columns, index=frame.index)
    complete = numeric.notna().all(axis=1)
    if complete.sum() < 2:
        raise StatsError("fewer than 2 rows have every score observed")
    return numeric.loc[complete], int((~complete).sum())


def latent_profile(
    data: pd.DataFrame | np.ndarray,
    n_profiles: int,
    *,
    covariance: str = "diag",
    n_init: int = 10,
    seed: int = 0,
    tol: float = 1e-6,
    max_iter: int = 5_000,
    reg_covar: float = 1e-6,
) -> LatentProfileResult:
    """Latent profile analysis: a Gaussian mixture over continuous scores (mclust's models).

    ``f(x) = sum_g pi_g N(x; mu_g, Sigma_g)``, fitted by EM (scikit-learn ``GaussianMixture``,
    ``n_init`` k-means starts). Reproduces mclust 6 on iris: the same log-likelihood at 2 profiles
    and a higher or equal one at 3-4 (mclust uses a single hierarchical start).

    Parameters
    ----------
    data : DataFrame or 2-D array
        One numeric column per score. Rows with a missing score are dropped.
    n_profiles : int
        Number of profiles (1 gives one multivariate normal).
    covariance : str
        An mclust model name or scikit-learn type: ``"diag"`` = ``"VVI"`` (own variances, no
        covariances: classic LPA, the default), ``"EEI"`` (shared variances: Mplus/tidyLPA
        default), ``"full"`` = ``"VVV"``, ``"tied"`` = ``"EEE"``, ``"spherical"`` = ``"VII"``,
        ``"EII"``. See :mod:`allypath.stats._latent_gaussian` for the table.
    n_init, seed, tol, max_iter, reg_covar
        EM starts, their seed, convergence threshold on the change of the mean per-row
        log-likelihood (scikit-learn's rule; 1e-6 is tighter than mclust's relative 1e-5, and
        flat likelihoods, such as profiles fitted to one continuum, need many iterations below
        it), iteration cap, and the ridge added to variances (keeps profiles from collapsing on a
        point; its effect on the log-likelihood is second order).

    Returns
    -------
    LatentProfileResult

    Raises
    ------
    StatsError
        On a non-numeric, constant or all-missing column, an unknown covariance, fewer complete
        rows than free parameters, or ``n_profiles`` / ``n_init`` below 1.

    References
    ----------
    Scrucca, Fop, Murphy & Raftery (2016). mclust 5. The R Journal 8(1), 289-317.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.vstack([rng.normal(0, 1, (100, 2)), rng.normal(5, 1, (100, 2))])
    >>> fit = latent_profile(x, 2)
    >>> fit.npar, fit.means.round(0).abs().to_numpy().tolist()
    (9, [[0.0, 0.0], [5.0, 5.0]])
    """
    check_count(n_profiles, "n_profiles")
    check_count(n_init, "n_init")
    model = resolve_covariance(covariance)
    frame, n_dropped = numeric_matrix(data)
    n, d = frame.shape
    npar = gaussian_npar(model, n_profiles, d)
    if n < npar:
        raise StatsError(
            f"only {n} complete rows for {npar} free parameters ({n_profiles} profiles, model "
            f"{model}, {d} scores): use fewer profiles, a simpler covariance or more data"
        )
    values = frame.to_numpy()
    # Small matrices: BLAS and OpenMP (k-means starts) threads only contend for the cores
    # (k-means starts measured 10x slower with threads on a busy 2-core machine).
    with threadpool_limits(limits=1):
        mixture = fit_gaussian_mixture(
            values,
            n_profiles,
            model,
            n_init=n_init,
            seed=seed,
            tol=tol,
            max_iter=max_iter,
            reg_covar=reg_covar,
        )
        loglik = float(mixture.score(values) * n)
        posterior = mixture.predict_proba(values)
    order = order_by_size(mixture.weights_)
    labels = [f"profile_{g + 1}" for g in range(n_profiles)]
    return LatentProfileResult(
        n_profiles=n_profiles,
        model=model,
        n=n,
        n_dropped=n_dropped,
        npar=npar,
        loglik=loglik,
        relative_entropy=relative_entropy(posterior),
        shares=np.asarray(mixture.weights_)[order],
        means=pd.DataFrame(mixture.means_[order], index=labels, columns=frame.columns),
        covariances=full_covariances(mixture)[order],
        posterior=pd.DataFrame(posterior[:, order], index=frame.index, columns=labels),
        converged=bool(mixture.converged_),
    )
