"""Intraclass correlations of an n x k matrix (n people or targets, k occasions or judges).

Shrout & Fleiss (1979) defined six ICCs from one two-way analysis of variance; the three single-measure
ones are computed here, with McGraw & Wong's (1996) F-based confidence intervals:

* ICC(1,1): one-way random effects. Each target rated by different judges; the occasions are not told
  apart, so a shift of every score between occasions counts as disagreement and as noise.
* ICC(2,1): two-way random effects, absolute agreement, McGraw & Wong's ICC(A,1). The occasions are a
  sample of possible occasions and a shift of everyone between them counts as disagreement: the usual
  test-retest choice (Koo & Li 2016).
* ICC(3,1): two-way mixed effects, consistency, McGraw & Wong's ICC(C,1). A shift of everyone between
  occasions is ignored; only the ordering and spacing of people must hold.

No installed library used by the core computes them (scipy, statsmodels and scikit-learn have none;
pingouin does, but would bring matplotlib and seaborn into the core), so they are written here from
the mean squares. Tested against Shrout & Fleiss's Table 2 and against pingouin (``tests/stats``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as scipy_stats

from allypath.errors import StatsError

__all__ = ["ICCResult", "intraclass_correlations"]


@dataclass(frozen=True)
class ICCResult:
    """The three single-measure ICCs of one matrix, each with its confidence interval.

    Attributes
    ----------
    icc1, icc2, icc3 : float
        ICC(1,1), ICC(2,1) (absolute agreement), ICC(3,1) (consistency). NaN when the matrix does
        not vary at all (no between-target nor error variance: the ratio is 0/0).
    icc1_ci, icc2_ci, icc3_ci : tuple of float
        Their confidence intervals (McGraw & Wong 1996).
    n, k : int
        Targets (rows) and occasions (columns).
    confidence : float
    ms_rows, ms_columns, ms_error, ms_within : float
        The mean squares they come from: between targets, between occasions, residual, and within
        targets (occasions and residual pooled, the one-way model's error).
    """

    icc1: float
    icc2: float
    icc3: float
    icc1_ci: tuple[float, float]
    icc2_ci: tuple[float, float]
    icc3_ci: tuple[float, float]
    n: int
    k: int
    confidence: float
    ms_rows: float
    ms_columns: float
    ms_error: float
    ms_within: float

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python summary (JSON-ready), with McGraw & Wong's names beside Shrout & Fleiss's."""
        return {
            "icc1": self.icc1,
            "icc1_ci": list(self.icc1_ci),
            "icc2": self.icc2,
            "icc2_ci": list(self.icc2_ci),
            "icc3": self.icc3,
            "icc3_ci": list(self.icc3_ci),
            "names": {"icc1": "ICC(1,1)", "icc2": "ICC(2,1) = ICC(A,1)", "icc3": "ICC(3,1) = ICC(C,1)"},
            "n": self.n,
            "k": self.k,
            "confidence": self.confidence,
            "ms_rows": self.ms_rows,
            "ms_columns": self.ms_columns,
            "ms_error": self.ms_error,
            "ms_within": self.ms_within,
        }


def _ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN for 0/0 (a matrix with no variance has no ICC)."""
    if denominator == 0:
        return float("nan")
    return numerator / denominator


def _f_ratio(between: float, error: float) -> float:
    """The F ratio of two mean squares: infinite where the error is 0 and the targets differ (perfect
    agreement), NaN where neither varies."""
    if error == 0:
        return float("inf") if between > 0 else float("nan")
    return between / error


def _f_interval(f_value: float, df1: float, df2: float, k: int, tail: float) -> tuple[float, float]:
    """The interval of ICC(1,1) and ICC(3,1): the observed F ratio divided and multiplied by the F
    quantiles, mapped back to the ICC scale by ICC = (F - 1) / (F + k - 1)."""
    if np.isinf(f_value):
        return (1.0, 1.0)  # no error at all: agreement is perfect, whatever the sample
    if np.isnan(f_value):
        return (float("nan"), float("nan"))
    low = f_value / scipy_stats.f.ppf(1 - tail, df1, df2)
    high = f_value * scipy_stats.f.ppf(1 - tail, df2, df1)
    return (float((low - 1) / (low + k - 1)), float((high - 1) / (high + k - 1)))


def _agreement_interval(
    icc2: float, ms_rows: float, ms_columns: float, ms_error: float, n: int, k: int, tail: float
) -> tuple[float, float]:
    """McGraw & Wong's (1996, Table 7, case 2A) interval of ICC(A,1): its F ratio has no exact
    distribution, so the denominator's degrees of freedom are Satterthwaite's approximation ``v``."""
    if icc2 == 1:
        return (1.0, 1.0)  # no error and no shift between occasions: perfect agreement
    if not np.isfinite(icc2) or ms_error == 0:
        return (float("nan"), float("nan"))
    f_columns = ms_columns / ms_error
    shared = n * (1 + (k - 1) * icc2) - k * icc2
    v = ((k - 1) * (n - 1) * (k * icc2 * f_columns + shared) ** 2) / (
        (n - 1) * (k * icc2 * f_columns) ** 2 + shared**2
    )
    f_upper = scipy_stats.f.ppf(1 - tail, n - 1, v)
    f_lower = scipy_stats.f.ppf(1 - tail, v, n - 1)
    spread = k * ms_columns + (k * n - k - n) * ms_error
    low = n * (ms_rows - f_upper * ms_error) / (f_upper * spread + n * ms_rows)
    high = n * (f_lower * ms_rows - ms_error) / (spread + n * f_lower * ms_rows)
    return (float(low), float(high))


def intraclass_correlations(matrix: Any, *, confidence: float = 0.95) -> ICCResult:
    """ICC(1,1), ICC(2,1) and ICC(3,1) of a complete n x k matrix, with confidence intervals.

    With the two-way ANOVA mean squares between rows (``MSR``), between columns (``MSC``), residual
    (``MSE``) and within rows (``MSW``, columns and residual pooled):

    .. math::

        ICC(1,1) = (MSR - MSW) / (MSR + (k-1) MSW)
        ICC(2,1) = (MSR - MSE) / (MSR + (k-1) MSE + k (MSC - MSE) / n)
        ICC(3,1) = (MSR - MSE) / (MSR + (k-1) MSE)

    Parameters
    ----------
    matrix : array-like, n x k
        One row per target (person), one column per occasion (wave, judge). No missing values: drop
        incomplete rows first.
    confidence : float
        Coverage of the intervals (default 95%).

    References
    ----------
    Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
    reliability. Psychological Bulletin, 86(2), 420-428.
    McGraw, K. O. & Wong, S. P. (1996). Forming inferences about some intraclass correlation
    coefficients. Psychological Methods, 1(1), 30-46.

    Examples
    --------
    Shrout & Fleiss's Table 2 (6 targets, 4 judges):

    >>> ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> r = intraclass_correlations(ratings)
    >>> round(r.icc1, 2), round(r.icc2, 2), round(r.icc3, 2)
    (0.17, 0.29, 0.71)
    """
    values = np.asarray(matrix, dtype="float64")
    if values.ndim != 2:
        raise StatsError(f"the ICC needs a table of people by occasions (2 dimensions), not {values.ndim}")
    n, k = values.shape
    if n < 2 or k < 2:
        raise StatsError(f"the ICC needs at least 2 people and 2 occasions, not {n} and {k}")
    if not np.isfinite(values).all():
        raise StatsError("the ICC needs a complete table: drop the people with a missing value first")
    if not 0 < confidence < 1:
        raise StatsError(f"confidence must lie between 0 and 1, not {confidence}")
    grand = values.mean()
    ss_rows = k * float(((values.mean(axis=1) - grand) ** 2).sum())
    ss_columns = n * float(((values.mean(axis=0) - grand) ** 2).sum())
    ss_error = float(((values - grand) ** 2).sum()) - ss_rows - ss_columns
    ss_error = max(ss_error, 0.0)  # rounding can leave -1e-15 where the residual is exactly 0
    df_error = (n - 1) * (k - 1)
    ms_rows = ss_rows / (n - 1)
    ms_columns = ss_columns / (k - 1)
    ms_error = ss_error / df_error
    ms_within = (ss_columns + ss_error) / (n * (k - 1))

    icc1 = _ratio(ms_rows - ms_within, ms_rows + (k - 1) * ms_within)
    icc2 = _ratio(ms_rows - ms_error, ms_rows + (k - 1) * ms_error + k * (ms_columns - ms_error) / n)
    icc3 = _ratio(ms_rows - ms_error, ms_rows + (k - 1) * ms_error)
    tail = (1 - confidence) / 2
    return ICCResult(
        icc1=icc1,
        icc2=icc2,
        icc3=icc3,
        icc1_ci=_f_interval(_f_ratio(ms_rows, ms_within), n - 1, n * (k - 1), k, tail),
        icc2_ci=_agreement_interval(icc2, ms_rows, ms_columns, ms_error, n, k, tail),
        icc3_ci=_f_interval(_f_ratio(ms_rows, ms_error), n - 1, df_error, k, tail),
        n=n,
        k=k,
        confidence=confidence,
        ms_rows=ms_rows,
        ms_columns=ms_columns,
        ms_error=ms_error,
        ms_within=ms_within,
    )
