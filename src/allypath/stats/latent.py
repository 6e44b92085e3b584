"""Latent class (categorical items) and latent profile (continuous scores) analysis.

Reproduces poLCA 1.6 (Linzer & Lewis 2011) for latent classes and mclust 6 (Scrucca et al. 2016)
for latent profiles, and answers the Gender Equity Mindset Model's own question: are the four stages
distinct groups of men, or points on one continuum (:func:`stages_vs_continuum`)?

Conventions, shared by both kinds of model:

- Missing values: rows with any missing item are dropped (poLCA's default ``na.rm = TRUE``; mclust
  accepts no missing values). ``n`` counts the rows used, ``n_dropped`` the rows dropped.
- Classes and profiles are numbered by size, largest first (``shares`` is descending).
- ``loglik`` is the full-data log-likelihood; ``npar`` counts free parameters as poLCA and mclust do;
  ``aic = -2 loglik + 2 npar``, ``bic = -2 loglik + npar ln n`` (smaller is better; mclust reports
  the negative), ``sabic = -2 loglik + npar ln((n + 2) / 24)`` (Sclove 1987).
- ``relative_entropy = 1 - sum_i sum_k -p_ik ln p_ik / (n ln K)`` from the posterior class
  probabilities ``p_ik`` (Ramaswamy et al. 1993; Mplus's "entropy"): 1 means every person is
  classified with certainty. It is undefined (NaN) for one class. It is not ``poLCA.entropy``, the
  entropy of the fitted response-pattern distribution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

from allypath.errors import StatsError
from allypath.stats._latent_class import LatentClassResult, latent_class
from allypath.stats._latent_common import information_criteria, relative_entropy
from allypath.stats._latent_profile import LatentProfileResult, latent_profile
from allypath.stats._latent_stages import StageStructureResult, stages_vs_continuum

__all__ = [
    "LatentClassResult",
    "LatentProfileResult",
    "StageStructureResult",
    "compare_latent",
    "comparison_verdicts",
    "information_criteria",
    "latent_class",
    "latent_profile",
    "plural_of",
    "relative_entropy",
    "stages_vs_continuum",
]


def compare_latent(
    data: pd.DataFrame | np.ndarray,
    k_range: Iterable[int] = range(1, 5),
    kind: Literal["class", "profile"] = "class",
    **options: Any,
) -> pd.DataFrame:
    """Fit 1..K classes (or profiles) and tabulate the statistics used to choose K.

    Columns: ``k``, ``n``, ``loglik``, ``npar``, ``aic``, ``bic``, ``sabic``, ``entropy``
    (relative entropy), ``smallest_share`` and ``lowest_bic`` (True on the row with the smallest
    BIC). ``options`` go to :func:`latent_class` or :func:`latent_profile` (``n_init``, ``seed``,
    ``covariance``...).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.vstack([rng.normal(0, 1, (150, 2)), rng.normal(4, 1, (150, 2))])
    >>> table = compare_latent(x, range(1, 4), kind="profile")
    >>> int(table.loc[table["lowest_bic"], "k"].iloc[0])
    2
    """
    if kind not in ("class", "profile"):
        raise StatsError(f"kind must be 'class' or 'profile', got {kind!r}")
    ks = list(k_range)
    if not ks:
        raise StatsError("k_range is empty")
    fitter: Callable[..., LatentClassResult | LatentProfileResult]
    fitter = latent_class if kind == "class" else latent_profile
    rows = []
    for k in ks:
        fit = fitter(data, k, **options)
        rows.append(
            {
                "k": k,
                "n": fit.n,
                "loglik": fit.loglik,
                "npar": fit.npar,
                "aic": fit.aic,
                "bic": fit.bic,
                "sabic": fit.sabic,
                "entropy": fit.relative_entropy,
                "smallest_share": float(fit.shares.min()),
            }
        )
    table = pd.DataFrame(rows)
    table["lowest_bic"] = table["bic"] == table["bic"].min()
    return table


#: A group smaller than this share of people is rarely a type worth naming (a common rule in LCA).
SMALL_GROUP = 0.05
#: Relative entropy below this: many people sit between groups (Clark & Muthén's 0.8).
CLEAR_ENTROPY = 0.8


def comparison_verdicts(rows: list[dict[str, Any]], kind: str) -> list[str]:
    """What a :func:`compare_latent` table (as records) says, in sentences: the count BIC prefers, and
    what to be wary of there (a relative entropy under :data:`CLEAR_ENTROPY`, a smallest group under
    :data:`SMALL_GROUP`)."""
    best = min(rows, key=lambda row: row["bic"])
    count = int(best["k"])
    counts = [int(row["k"]) for row in rows]
    said = [
        f"BIC (lower is better: it weighs the fit against the number of parameters) is lowest with "
        f"{count} {plural_of(kind, count)}."
    ]
    if len(counts) > 1 and count == max(counts):
        said.append(
            f"{count} is the largest count tried and BIC is still falling: try more "
            f"{plural_of(kind, 2)} before choosing."
        )
    if count > 1:
        entropy = float(best["entropy"])
        said.append(
            f"With {count} {plural_of(kind, count)}, relative entropy is {entropy:.2f} (1: everyone clearly "
            "in one group): "
            + (
                "people are classified with little doubt."
                if entropy >= CLEAR_ENTROPY
                else "many people sit between groups, so a person's group is an uncertain guess."
            )
        )
        smallest = float(best["smallest_share"])
        if smallest < SMALL_GROUP:
            said.append(
                f"Its smallest {kind} holds {smallest:.1%} of people: a group that small is rarely a type "
                "worth naming; compare with the next smaller count."
            )
    return said


def plural_of(kind: str, count: int) -> str:
    """``kind`` ("class" or "profile") as the word for ``count`` of them."""
    if count == 1:
        return kind
    return "classes" if kind == "class" else "profiles"
