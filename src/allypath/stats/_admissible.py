"""Is a fitted CFA/SEM solution admissible? The reasons it is not, in plain words.

An *improper* (inadmissible) solution has estimates no population can have: a negative variance
(a Heywood case), a latent correlation beyond +-1, a standardised loading beyond +-1, or a latent
covariance matrix that is not positive semi-definite. Its chi-square, CFI and RMSEA are still
numbers, but they describe an impossible model, so they must not be read as "the model fits"
(Chen, Bollen, Paxton, Curran & Kirby 2001; Kolenikov & Bollen 2012). lavaan says the same with
its "covariance matrix of latent variables is not positive definite" and "some estimated ov
variances are negative" warnings.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["improper_reasons"]

# Estimates within this distance of the bound are boundary solutions, not beyond it: an optimiser
# converges to 1.0000001 for a correlation that is 1 in the population.
_TOLERANCE = 1e-6


def improper_reasons(
    estimates: pd.DataFrame, latent: list[str], names: Mapping[str, str] | None = None
) -> list[str]:
    """Why a solution is improper (an empty list when it is admissible).

    Parameters
    ----------
    estimates : pandas.DataFrame
        :attr:`allypath.stats.SEMResult.estimates` (``lhs, op, rhs, group, est, std_all``).
    latent : list of str
        The latent variables of the model.
    names : mapping, optional
        What to call a variable in the sentences (a factor's label, an item's question): a report
        for people passes them; by default the model's own names.

    Returns
    -------
    list of str
        One sentence per problem, naming the variables and the group.

    Examples
    --------
    >>> rows = pd.DataFrame({"lhs": ["f", "g", "f"], "op": ["~~", "~~", "~~"], "rhs": ["f", "g", "g"],
    ...                      "group": [1, 1, 1], "est": [1.0, 1.0, 1.08], "std_all": [1.0, 1.0, 1.08]})
    >>> improper_reasons(rows, ["f", "g"])
    ['the correlation of latent factors f and g is 1.080 (beyond +-1)']
    """
    reasons: list[str] = []
    called = dict(names or {})

    def name(variable: object) -> str:
        return called.get(str(variable), str(variable))

    groups = sorted(estimates["group"].unique())
    several = len(groups) > 1
    for group in groups:
        rows = estimates[estimates["group"] == group]
        where = f" (group {group})" if several else ""
        variances = rows[(rows["op"] == "~~") & (rows["lhs"] == rows["rhs"])]
        for row in variances.itertuples():
            if float(row.est) < -_TOLERANCE:
                kind = "latent factor" if row.lhs in latent else "residual of"
                reasons.append(f"negative variance ({float(row.est):.3f}) for {kind} {name(row.lhs)}{where}")
        covariances = rows[
            (rows["op"] == "~~")
            & (rows["lhs"] != rows["rhs"])
            & rows["lhs"].isin(latent)
            & rows["rhs"].isin(latent)
        ]
        beyond_one = False
        for row in covariances.itertuples():
            r = float(row.std_all)
            if np.isfinite(r) and abs(r) > 1 + _TOLERANCE:
                beyond_one = True
                reasons.append(
                    f"the correlation of latent factors {name(row.lhs)} and {name(row.rhs)} is {r:.3f} "
                    f"(beyond +-1){where}"
                )
        loadings = rows[rows["op"] == "=~"]
        for row in loadings.itertuples():
            value = float(row.std_all)
            if np.isfinite(value) and abs(value) > 1 + _TOLERANCE:
                reasons.append(
                    f"the standardised loading of {name(row.rhs)} on {name(row.lhs)} is {value:.3f} "
                    f"(beyond +-1){where}"
                )
        psi = _latent_covariance(rows, latent)
        # A correlation beyond +-1 already makes the matrix indefinite: say the more telling thing once.
        if psi is not None and not beyond_one and _indefinite(psi):
            reasons.append(f"the covariance matrix of the latent factors is not positive definite{where}")
    return list(dict.fromkeys(reasons))


def _indefinite(psi: np.ndarray) -> bool:
    return bool(np.linalg.eigvalsh(psi)[0] < -_TOLERANCE * max(1.0, float(np.abs(psi).max())))


def _latent_covariance(rows: pd.DataFrame, latent: list[str]) -> np.ndarray | None:
    """The latent (residual) covariance matrix of one group, or None with fewer than two factors."""
    if len(latent) < 2:
        return None
    index = {name: i for i, name in enumerate(latent)}
    psi = np.zeros((len(latent), len(latent)))
    block = rows[(rows["op"] == "~~") & rows["lhs"].isin(latent) & rows["rhs"].isin(latent)]
    for lhs, rhs, value in zip(block["lhs"], block["rhs"], block["est"].to_numpy(float), strict=True):
        i, j = index[str(lhs)], index[str(rhs)]
        psi[i, j] = psi[j, i] = value
    return psi
