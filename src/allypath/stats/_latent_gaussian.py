"""Gaussian mixtures named as in mclust, fitted with scikit-learn (the engine behind latent profiles).

mclust names a covariance structure by volume, shape and orientation, each Equal (E) or Variable
(V) across profiles, or I for axis-aligned (Fraley & Raftery 2002). scikit-learn's
``GaussianMixture`` covers four of them directly; the two "equal variances, no covariances" models
(EEI, the default of Mplus and tidyLPA, and EII) are its ``diag`` and ``spherical`` fits with the
variances pooled across profiles in every M-step, which is the ML update for a shared diagonal.

=====  ===================  ===========================  ==========================
mclust scikit-learn         meaning                      covariance parameters
=====  ===================  ===========================  ==========================
VVV    full                 free covariance per profile  G d (d + 1) / 2
EEE    tied                 one shared covariance        d (d + 1) / 2
VVI    diag                 own variances, no covs       G d
EEI    diag, pooled         shared variances, no covs    d
VII    spherical            one variance per profile     G
EII    spherical, pooled    one variance overall         1
=====  ===================  ===========================  ==========================

The shared reference (mclust 6.0 on iris) covers EEI, VVI, EEE and VVV with 2-4 profiles. Other
mclust models (EVI, VEI, EEV, VEV, ...) need constrained M-steps that scikit-learn does not have.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.mixture import GaussianMixture

from allypath.errors import StatsError

__all__ = [
    "MCLUST_MODELS",
    "fit_gaussian_mixture",
    "full_covariances",
    "gaussian_npar",
    "resolve_covariance",
]

# mclust name -> (scikit-learn covariance_type, pool variances across profiles)
MCLUST_MODELS: dict[str, tuple[str, bool]] = {
    "VVV": ("full", False),
    "EEE": ("tied", False),
    "VVI": ("diag", False),
    "EEI": ("diag", True),
    "VII": ("spherical", False),
    "EII": ("spherical", True),
}
_SKLEARN_NAMES = {"full": "VVV", "tied": "EEE", "diag": "VVI", "spherical": "VII"}


def resolve_covariance(covariance: str) -> str:
    """The mclust model name for a covariance given as an mclust name or a scikit-learn type.

    Examples
    --------
    >>> resolve_covariance("diag"), resolve_covariance("eei")
    ('VVI', 'EEI')
    """
    key = covariance.strip()
    if key.lower() in _SKLEARN_NAMES:
        return _SKLEARN_NAMES[key.lower()]
    if key.upper() in MCLUST_MODELS:
        return key.upper()
    supported = ", ".join([*MCLUST_MODELS, *_SKLEARN_NAMES])
    raise StatsError(f"covariance {covariance!r} is not supported; use one of {supported}")


def gaussian_npar(model: str, n_profiles: int, n_variables: int) -> int:
    """Free parameters as mclust counts them (its ``df``): means, mixing proportions, covariances.

    ``G d + (G - 1) + covariance parameters`` (table in the module docstring).
    """
    g, d = n_profiles, n_variables
    covariance = {
        "VVV": g * d * (d + 1) // 2,
        "EEE": d * (d + 1) // 2,
        "VVI": g * d,
        "EEI": d,
        "VII": g,
        "EII": 1,
    }[model]
    return g * d + (g - 1) + covariance


class _PooledVarianceMixture(GaussianMixture):
    """``diag``/``spherical`` GaussianMixture whose variances are shared by all profiles (EEI, EII).

    The M-step first computes each profile's variances, then replaces them by their average
    weighted by profile size, which is the ML estimate of a shared diagonal covariance.
    """

    def _m_step(self, X: Any, log_resp: Any, xp: Any = None) -> None:
        super()._m_step(X, log_resp, xp=xp)
        per_profile: np.ndarray = self.covariances_  # type: ignore[has-type]
        pooled = np.tensordot(self.weights_, per_profile, axes=1)
        self.covariances_ = np.broadcast_to(pooled, per_profile.shape).copy()
        self.precisions_cholesky_ = 1.0 / np.sqrt(self.covariances_)


def fit_gaussian_mixture(
    values: np.ndarray,
    n_profiles: int,
    model: str,
    *,
    n_init: int,
    seed: int,
    tol: float,
    max_iter: int,
    reg_covar: float,
) -> GaussianMixture:
    """Fit one mclust-named Gaussian mixture with ``n_init`` k-means-initialised EM starts."""
    covariance_type, pooled = MCLUST_MODELS[model]
    estimator = _PooledVarianceMixture if pooled else GaussianMixture
    mixture = estimator(
        n_components=n_profiles,
        covariance_type=covariance_type,
        n_init=n_init,
        random_state=seed,
        tol=tol,
        max_iter=max_iter,
        reg_covar=reg_covar,
    )
    return mixture.fit(values)


def full_covariances(mixture: GaussianMixture) -> np.ndarray:
    """Every profile's covariance as a full (G, d, d) matrix, whatever the covariance type."""
    g, d = mixture.means_.shape
    covariances = np.asarray(mixture.covariances_)
    kind = mixture.covariance_type
    if kind == "full":
        return covariances.copy()
    if kind == "tied":
        return np.broadcast_to(covariances, (g, d, d)).copy()
    if kind == "diag":
        return np.einsum("gi,ij->gij", covariances, np.eye(d))
    return covariances[:, None, None] * np.eye(d)[None]
