"""Pieces shared by latent class and latent profile models: fit statistics and small checks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from allypath.errors import StatsError

__all__ = [
    "REPLICATION_TOLERANCE",
    "MixtureFit",
    "check_count",
    "information_criteria",
    "json_float",
    "order_by_size",
    "relative_entropy",
]

# Starts whose log-likelihood is this close to the best one count as having replicated it.
REPLICATION_TOLERANCE = 1e-4


def information_criteria(loglik: float, npar: int, n: int) -> dict[str, float]:
    """AIC, BIC and sample-size-adjusted BIC (smaller is better).

    ``aic = -2 L + 2 p``; ``bic = -2 L + p ln n`` (Schwarz 1978);
    ``sabic = -2 L + p ln((n + 2) / 24)`` (Sclove 1987).

    Examples
    --------
    >>> round(information_criteria(-293.704978780759, 23, 118)["bic"], 4)  # poLCA carcinoma/3
    697.1357
    """
    deviance = -2.0 * loglik
    return {
        "aic": deviance + 2.0 * npar,
        "bic": deviance + npar * math.log(n),
        "sabic": deviance + npar * math.log((n + 2) / 24),
    }


def relative_entropy(posterior: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Relative entropy of a classification: ``1 - sum -p ln p / (n ln K)``; NaN for one class.

    Parameters
    ----------
    posterior : ndarray of shape (n_rows, K)
        Posterior class probabilities, rows summing to 1.
    weights : ndarray of shape (n_rows,), optional
        Frequency weights (how many people each row stands for).

    References
    ----------
    Ramaswamy, DeSarbo, Reibstein & Robinson (1993), Marketing Science 12(1), 103-124.

    Examples
    --------
    >>> relative_entropy(np.array([[1.0, 0.0], [0.0, 1.0]]))
    1.0
    """
    n_classes = posterior.shape[1]
    if n_classes < 2:
        return math.nan
    w = np.ones(len(posterior)) if weights is None else np.asarray(weights, dtype=float)
    safe = np.clip(posterior, 1e-300, 1.0)
    entropy = -(w @ (posterior * np.log(safe)).sum(axis=1))
    return float(1.0 - entropy / (w.sum() * math.log(n_classes)))


def check_count(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise StatsError(f"{name} must be a whole number of at least 1, got {value!r}")


def order_by_size(shares: np.ndarray) -> np.ndarray:
    """Class order, largest share first (stable, so equal shares keep their fitted order)."""
    return np.argsort(-shares, kind="stable")


def json_float(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


class MixtureFit:
    """What a fitted latent class or profile result shares: information criteria, each row's most
    likely group and the start of its JSON summary. The result dataclasses provide the fields."""

    loglik: float
    npar: int
    n: int
    relative_entropy: float
    shares: np.ndarray
    posterior: pd.DataFrame

    @property
    def aic(self) -> float:
        return information_criteria(self.loglik, self.npar, self.n)["aic"]

    @property
    def bic(self) -> float:
        return information_criteria(self.loglik, self.npar, self.n)["bic"]

    @property
    def sabic(self) -> float:
        return information_criteria(self.loglik, self.npar, self.n)["sabic"]

    def _modal(self) -> pd.Series:
        """Most likely group (1..K) of each row used."""
        return pd.Series(self.posterior.to_numpy().argmax(axis=1) + 1, index=self.posterior.index)

    def _fit_summary(self) -> dict[str, Any]:
        """The fit figures of the JSON summary; ``entropy`` is the relative entropy (``None`` for one)."""
        return {
            "n": self.n,
            "loglik": self.loglik,
            "npar": self.npar,
            "aic": self.aic,
            "bic": self.bic,
            "sabic": self.sabic,
            "entropy": json_float(self.relative_entropy),
            "shares": [float(s) for s in self.shares],
        }
