"""Measurement invariance across groups: configural, metric, scalar and strict models.

Each level adds cross-group equality constraints to the one before (lavaan ``group.equal``):

========== ============================================ ==================================
level      equal across groups                          what it licenses
========== ============================================ ==================================
configural nothing (same pattern of loadings)           same constructs in every group
metric     loadings                                     comparing relations (correlations)
scalar     + intercepts (latent means free in 2..G)     comparing (latent) means
strict     + residual variances                         comparing observed sums/means
means      + latent means (optional, after scalar)      the groups do not differ in mean
========== ============================================ ==================================

A level is *supported* when it fits not much worse than the level before it. The verdict
uses Chen's (2007) change-in-fit cut-offs, ``delta CFI >= -.010`` and
``delta RMSEA <= .015``, because the chi-square difference test rejects trivial
differences in large samples; the chi-square difference test (lavaan's ``lavTestLRT``
for ML) is reported beside it and the verdict says where the two disagree.

The levels are nested, so each is tested only if the one before it holds: after the first
failure the later levels are fitted (their fit measures are shown) but *not tested* -- strict
invariance cannot hold when scalar invariance does not. A level whose solution is improper
(negative variances, latent correlations beyond +-1) cannot hold either: its fit measures
describe an impossible model, so the sequence stops there too.

References: Meredith, W. (1993). Measurement invariance, factor analysis and factorial
invariance. Psychometrika 58, 525-543. Chen, F. F. (2007). Sensitivity of goodness of fit
indexes to lack of measurement invariance. Structural Equation Modeling 14, 464-504.

Example
-------
>>> mi = measurement_invariance(hs, HS_MODEL, group="school")  # doctest: +SKIP
>>> mi.levels[["level", "chisq", "df", "cfi"]]  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from scipy import stats

from allypath._values import plain
from allypath.errors import StatsError
from allypath.stats.cfa import SEMResult, cfa

__all__ = ["LEVEL_CONSTRAINTS", "InvarianceResult", "measurement_invariance"]

#: The ``group_equal`` constraints of each level.
LEVEL_CONSTRAINTS: dict[str, tuple[str, ...]] = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
    "means": ("loadings", "intercepts", "means"),
}
_LEVEL_WORDS = {
    "configural": "configural invariance (the same factor structure in every group)",
    "metric": "metric invariance (equal loadings: relations between constructs compare)",
    "scalar": "scalar invariance (equal intercepts: latent means compare)",
    "strict": "strict invariance (equal residual variances: observed scores compare)",
    "means": "equal latent means",
}
_FIT_COLUMNS = ("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic")


@dataclass
class InvarianceResult:
    """The invariance sequence.

    Attributes
    ----------
    levels : pandas.DataFrame
        One row per level: ``level``, fit (``npar, chisq, df, pvalue, cfi, tli, rmsea,
        srmr, aic, bic``), change from the previous level (``delta_chisq, delta_df,
        delta_pvalue, delta_cfi, delta_rmsea, delta_srmr``), ``proper`` (an admissible
        solution), the decisions ``supported_chen`` and ``supported_chisq`` (None where the
        level was not tested because an earlier one failed under that criterion) and
        ``status``: ``"holds"``, ``"fails"``, ``"improper"`` or ``"not tested"`` (Chen's).
    verdict : str
        Plain-language conclusion.
    supported_level : str or None
        Highest level supported by Chen's criteria (None if even configural failed).
    fits : dict
        The fitted :class:`~allypath.stats.cfa.SEMResult` of each level.
    """

    levels: pd.DataFrame
    verdict: str
    supported_level: str | None
    criteria: dict[str, float]
    fits: dict[str, SEMResult] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """``{"levels": [{"level": ..., "chisq": ..., ...}, ...], "verdict": ..., ...}``."""
        rows = []
        for record in self.levels.to_dict(orient="records"):
            rows.append({k: plain(v) for k, v in record.items()})
        return {
            "levels": rows,
            "verdict": self.verdict,
            "supported_level": self.supported_level,
            "criteria": dict(self.criteria),
        }


def measurement_invariance(
    data: pd.DataFrame,
    model: str,
    group: str,
    levels: Sequence[str] = ("configural", "metric", "scalar", "strict"),
    *,
    group_partial: Sequence[str] = (),
    std_lv: bool = False,
    delta_cfi: float = 0.01,
    delta_rmsea: float = 0.015,
    alpha: float = 0.05,
) -> InvarianceResult:
    """Fit the invariance levels in order and judge how far invariance holds.

    Parameters
    ----------
    data : pandas.DataFrame
    model : str
        lavaan syntax of the measurement model.
    group : str
        Column with the groups (at least two).
    levels : sequence of str
        Levels to fit, in order; each is compared with the one before it. Choose from
        ``configural, metric, scalar, strict, means``.
    group_partial : sequence of str
        Parameters left free across groups (partial invariance), e.g. ``("x3 ~ 1",)``.
    delta_cfi, delta_rmsea : float
        Chen's (2007) cut-offs: a level holds if CFI drops by at most ``delta_cfi`` and
        RMSEA rises by at most ``delta_rmsea``.
    alpha : float
        Level of the chi-square difference test reported beside them.

    Returns
    -------
    InvarianceResult
    """
    unknown = [lev for lev in levels if lev not in LEVEL_CONSTRAINTS]
    if unknown or not levels:
        raise StatsError(f"unknown invariance level(s) {unknown}; choose from {list(LEVEL_CONSTRAINTS)}")
    if group not in data.columns:
        raise StatsError(f"group column {group!r} is not in the data")
    if data[group].dropna().nunique() < 2:
        raise StatsError(f"measurement invariance needs at least two groups in {group!r}")
    fits = {
        level: cfa(
            data,
            model,
            group=group,
            group_equal=LEVEL_CONSTRAINTS[level],
            group_partial=group_partial,
            std_lv=std_lv,
        )
        for level in levels
    }
    rows = _level_rows(fits, delta_cfi, delta_rmsea, alpha)
    supported = _supported_level(rows)
    criteria = {"delta_cfi": delta_cfi, "delta_rmsea": delta_rmsea, "alpha": alpha}
    verdict = _verdict(rows, supported, criteria)
    return InvarianceResult(pd.DataFrame(rows), verdict, supported, criteria, fits)


def _level_rows(
    fits: dict[str, SEMResult], delta_cfi: float, delta_rmsea: float, alpha: float
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for level, result in fits.items():
        row: dict[str, Any] = {"level": level}
        row.update({k: float(result.fit[k]) for k in _FIT_COLUMNS})
        nan = float("nan")
        row.update(delta_chisq=nan, delta_df=nan, delta_pvalue=nan, delta_cfi=nan,
                   delta_rmsea=nan, delta_srmr=nan)  # fmt: skip
        row.update(proper=result.proper, supported_chen=True, supported_chisq=True)
        if previous is not None:
            d_chisq = row["chisq"] - previous["chisq"]
            d_df = row["df"] - previous["df"]
            row["delta_chisq"], row["delta_df"] = d_chisq, d_df
            if d_df > 0:
                row["delta_pvalue"] = float(stats.chi2.sf(max(d_chisq, 0.0), d_df))
            for key in ("cfi", "rmsea", "srmr"):
                row[f"delta_{key}"] = row[key] - previous[key]
            row["supported_chen"] = bool(
                row["delta_cfi"] >= -delta_cfi - 1e-12 and row["delta_rmsea"] <= delta_rmsea
            )
            row["supported_chisq"] = bool(
                not math.isfinite(row["delta_pvalue"]) or row["delta_pvalue"] >= alpha
            )
        rows.append(row)
        previous = row
    _stop_at_first_failure(rows)
    return rows


def _stop_at_first_failure(rows: list[dict[str, Any]]) -> None:
    """Each criterion tests a level only if every level before it held (and all were proper)."""
    for key in ("supported_chen", "supported_chisq"):
        failed = False
        for row in rows:
            if failed:
                row[key] = None
                continue
            if not row["proper"]:
                row[key] = False
            failed = not row[key]
    for row in rows:
        if row["supported_chen"] is None:
            row["status"] = "not tested"
        elif not row["proper"]:
            row["status"] = "improper"
        else:
            row["status"] = "holds" if row["supported_chen"] else "fails"


def _supported_level(rows: list[dict[str, Any]]) -> str | None:
    supported = None
    for row in rows:
        if row["status"] != "holds":
            break
        supported = str(row["level"])
    return supported


def _p(value: float) -> str:
    if not math.isfinite(value):
        return "p not defined"
    return "p < .001" if value < 0.001 else f"p = {value:.3f}".replace("0.", ".", 1)


def _verdict(rows: list[dict[str, Any]], supported: str | None, criteria: dict[str, float]) -> str:
    first = rows[0]
    parts: list[str] = []
    stopped = next((row for row in rows if row["status"] != "holds"), None)
    if supported is None:
        parts.append("No level of invariance is supported.")
    else:
        head = _LEVEL_WORDS[supported]
        parts.append(head[0].upper() + head[1:] + " holds")
        if stopped is not None:
            parts[-1] += f"; {stopped['level']} invariance does not."
        else:
            parts[-1] += "."
    if stopped is not None and stopped["status"] == "improper":
        parts.append(
            f"The {stopped['level']} model has an improper solution (negative variances or latent "
            "correlations beyond +-1), so its fit cannot be read as support."
        )
    untested = [str(row["level"]) for row in rows if row["status"] == "not tested"]
    if untested and stopped is not None:
        why = "could not be estimated properly" if stopped["status"] == "improper" else "does not hold"
        parts.append(f"Not tested, because {stopped['level']} invariance {why}: {', '.join(untested)}.")
    parts.append(
        f"Criterion: Chen (2007), a level holds if CFI drops by at most "
        f"{criteria['delta_cfi']:.3f} and RMSEA rises by at most {criteria['delta_rmsea']:.3f}"
        " relative to the level before; the chi-square difference test is shown beside it."
    )
    tests = []
    for row in rows[1:]:
        if row["status"] == "not tested":
            continue
        agree = "agrees" if row["supported_chen"] == row["supported_chisq"] else "disagrees"
        tests.append(
            f"{row['level']}: delta CFI = {row['delta_cfi']:+.3f}, delta RMSEA = "
            f"{row['delta_rmsea']:+.3f}; chi-square difference({int(row['delta_df'])}) = "
            f"{row['delta_chisq']:.2f}, {_p(row['delta_pvalue'])} (the test {agree})"
        )
    if tests:
        parts.append("Changes: " + "; ".join(tests) + ".")
    if first["cfi"] < 0.95 or first["rmsea"] > 0.08:
        parts.append(
            f"Note: the {first['level']} model itself fits only moderately (CFI "
            f"{first['cfi']:.3f}, RMSEA {first['rmsea']:.3f}), so read the comparisons with care."
        )
    return " ".join(parts)
