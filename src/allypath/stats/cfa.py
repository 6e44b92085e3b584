"""Confirmatory factor analysis and structural equation models: the public entry points.

:func:`cfa` and :func:`sem` take a data frame and a lavaan model string and return a
:class:`SEMResult` whose fit measures and parameter estimates match lavaan 0.6's
``cfa()``/``sem()`` with their defaults (ML with the normal likelihood, first loading fixed
to 1, free residual variances and exogenous latent covariances, fixed exogenous
covariates, a mean structure when there are groups, expected-information standard errors).

References: Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
Journal of Statistical Software, 48(2). Bollen, K. A. (1989). Structural Equations with
Latent Variables. Wiley.

Example
-------
>>> import pandas as pd
>>> hs = pd.read_csv("HolzingerSwineford1939.csv")  # doctest: +SKIP
>>> res = cfa(hs, "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6")  # doctest: +SKIP
>>> round(res.fit["cfi"], 3)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from allypath._values import plain
from allypath.errors import DataError, StatsError
from allypath.stats._admissible import improper_reasons
from allypath.stats.fit_indices import fit_measures
from allypath.stats.lavaan_syntax import ParsedModel, build_parameter_table, parse_model
from allypath.stats.sem import GroupSample, MLSolution, fit_ml, standardized_solution

__all__ = ["SEMResult", "cfa", "sem"]

# the fit measures every result reports, in lavaan's order (lavaan names, dots -> "_")
FIT_KEYS = (
    "npar", "chisq", "df", "pvalue", "baseline_chisq", "baseline_df", "cfi", "tli", "nfi",
    "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "rmsea_pvalue", "srmr", "gfi", "agfi",
    "loglik", "unrestricted_loglik", "aic", "bic", "bic2", "ntotal", "ngroups",
)  # fmt: skip
_ESTIMATE_COLUMNS = [
    "lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue", "ci_lower", "ci_upper",
    "std_lv", "std_all",
]  # fmt: skip


@dataclass
class SEMResult:
    """A fitted CFA/SEM.

    Attributes
    ----------
    fit : dict
        Fit measures under lavaan's names (``chisq``, ``df``, ``cfi``, ``rmsea``, ...).
    estimates : pandas.DataFrame
        One row per parameter and group: ``lhs, op, rhs, group`` (1-based), ``label``,
        ``est, se, z, pvalue, ci_lower, ci_upper`` (95%), ``std_lv, std_all``.
    groups, nobs : list
        Group labels in lavaan's order (first appearance in the data) and their sizes.
    warnings : list of str
        Non-fatal problems (negative variances, singular information).
    improper : list of str
        Why the solution is inadmissible (negative variances, latent correlations or standardised
        loadings beyond +-1, a latent covariance matrix that is not positive definite); empty when it
        is proper. The fit measures of an improper solution are not evidence of fit.
    """

    fit: dict[str, float]
    estimates: pd.DataFrame
    groups: list[str]
    nobs: list[int]
    converged: bool
    iterations: int
    model: str
    options: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    solution: MLSolution | None = field(default=None, repr=False)
    improper: list[str] = field(default_factory=list)

    @property
    def proper(self) -> bool:
        """True when every estimate is admissible (see :attr:`improper`)."""
        return not self.improper

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (NaN becomes None) for the CLI and reports."""
        return {
            "model": self.model,
            "options": dict(self.options),
            "groups": [
                {"group": i + 1, "label": label, "nobs": n}
                for i, (label, n) in enumerate(zip(self.groups, self.nobs, strict=True))
            ],
            "converged": self.converged,
            "iterations": self.iterations,
            "fit": {k: plain(v) for k, v in self.fit.items()},
            "estimates": [
                {k: plain(v) for k, v in row.items()} for row in self.estimates.to_dict(orient="records")
            ],
            "warnings": list(self.warnings),
            "proper": self.proper,
            "improper": list(self.improper),
        }


def cfa(
    data: pd.DataFrame,
    model: str,
    *,
    group: str | None = None,
    group_equal: Sequence[str] = (),
    group_partial: Sequence[str] = (),
    estimator: str = "ML",
    std_lv: bool = False,
    missing: str = "listwise",
    meanstructure: bool | None = None,
    information: str = "expected",
    fixed_x: bool = True,
) -> SEMResult:
    """Fit a confirmatory factor analysis by maximum likelihood, as lavaan's ``cfa()``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent; the model's observed variables must be numeric columns.
    model : str
        lavaan model syntax (``=~``, ``~``, ``~~``, ``~ 1``, modifiers ``1*x``, ``NA*x``,
        ``a*x``, ``c(a, b)*x``).
    group : str, optional
        Column holding the groups of a multigroup model (order: first appearance).
    group_equal : sequence of str
        Cross-group equality constraints: ``loadings``, ``intercepts``, ``means``,
        ``residuals``, ``residual.covariances``, ``lv.variances``, ``lv.covariances``,
        ``regressions``.
    group_partial : sequence of str
        Exceptions to ``group_equal``, e.g. ``("x3 ~ 1",)``.
    estimator : {"ML"}
    std_lv : bool
        Fix latent variances to 1 and free all loadings.
    missing : {"listwise"}
        Rows with a missing value in a model variable (or the group) are dropped.
    meanstructure : bool, optional
        Default: only with groups or ``~ 1`` in the model.
    information : {"expected", "observed"}
        Information matrix for standard errors (lavaan default: expected).
    fixed_x : bool
        Fix the moments of exogenous observed covariates at their sample values.

    Returns
    -------
    SEMResult

    Raises
    ------
    ModelSyntaxError
        The model string cannot be parsed (names line and token).
    StatsError
        Unknown variables, too few rows, a constant column, a singular sample covariance
        matrix, a non-identified or non-converging model.
    DataError
        A model variable is not numeric.
    """
    if estimator.upper() != "ML":
        raise StatsError(f"estimator {estimator!r} is not supported; use 'ML'")
    if missing != "listwise":
        raise StatsError(f"missing={missing!r} is not supported; use 'listwise'")
    parsed = parse_model(model)
    frame, labels = _model_frame(data, parsed, group)
    samples = [_group_sample(frame, labels, g, parsed.observed) for g in _group_order(labels)]
    table = build_parameter_table(
        parsed,
        ngroups=len(samples),
        meanstructure=bool(meanstructure),
        std_lv=std_lv,
        fixed_x=fixed_x,
        group_equal=tuple(group_equal) if len(samples) > 1 else (),
        group_partial=tuple(group_partial),
    )
    solution = fit_ml(table, samples, information=information)
    options = {
        "estimator": "ML", "group": group, "group_equal": list(group_equal),
        "group_partial": list(group_partial), "std_lv": std_lv, "missing": missing,
        "meanstructure": table.meanstructure, "information": information, "fixed_x": fixed_x,
    }  # fmt: skip
    measures = fit_measures(solution)
    estimates = _estimates(solution)
    return SEMResult(
        fit={k: measures[k] for k in FIT_KEYS},
        estimates=estimates,
        groups=[s.label for s in samples],
        nobs=[s.nobs for s in samples],
        converged=solution.converged,
        iterations=solution.iterations,
        model=model,
        options=options,
        warnings=list(solution.warnings),
        solution=solution,
        improper=improper_reasons(estimates, list(table.latent)),
    )


def sem(
    data: pd.DataFrame,
    model: str,
    *,
    group: str | None = None,
    group_equal: Sequence[str] = (),
    group_partial: Sequence[str] = (),
    estimator: str = "ML",
    std_lv: bool = False,
    missing: str = "listwise",
    meanstructure: bool | None = None,
    information: str = "expected",
    fixed_x: bool = True,
) -> SEMResult:
    """Fit a structural equation model, as lavaan's ``sem()`` (same defaults as :func:`cfa`).

    Example
    -------
    >>> res = sem(pd_data, "ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2; dem60 ~ ind60")  # doctest: +SKIP
    """
    return cfa(
        data, model, group=group, group_equal=group_equal, group_partial=group_partial,
        estimator=estimator, std_lv=std_lv, missing=missing, meanstructure=meanstructure,
        information=information, fixed_x=fixed_x,
    )  # fmt: skip


# --------------------------------------------------------------------------- data


def _model_frame(
    data: pd.DataFrame, parsed: ParsedModel, group: str | None
) -> tuple[pd.DataFrame, pd.Series | None]:
    """The model's columns as floats, listwise complete, plus the group labels."""
    if not isinstance(data, pd.DataFrame):
        raise StatsError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    unknown = [v for v in parsed.observed if v not in data.columns]
    if unknown:
        raise StatsError(
            f"the model uses variables that are not in the data: {', '.join(unknown)} "
            f"(latent variables must appear on the left of '=~')"
        )
    if group is not None and group not in data.columns:
        raise StatsError(f"group column {group!r} is not in the data")
    columns = {}
    for name in parsed.observed:
        column = data[name]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            columns[name] = column.astype(float)
            continue
        values = pd.to_numeric(column, errors="coerce")
        bad = values.isna() & column.notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
            raise DataError(
                f"model variable is not numeric (value {column[bad].iloc[0]!r})",
                row=row,
                column=name,
            )
        columns[name] = values.astype(float)
    frame = pd.DataFrame(columns, index=data.index)
    keep = frame.notna().all(axis=1)
    if not keep.any():
        raise StatsError(f"no row answers every model variable{_blank_columns(frame)}")
    labels = None
    if group is not None:
        keep &= data[group].notna()
        labels = data.loc[keep, group].map(_group_label)
        # a group every row of which lacks a variable would vanish, and the fit (and "invariance
        # holds") be about the other groups only, with nothing said
        for value in _group_order(data.loc[data[group].notna(), group].map(_group_label)):
            if value not in set(labels):
                rows = frame.loc[data[group].notna() & (data[group].map(_group_label) == value)]
                raise StatsError(
                    f"group {value!r} has no row that answers every model variable{_blank_columns(rows)}"
                )
    return frame.loc[keep], labels


def _blank_columns(frame: pd.DataFrame) -> str:
    """Which model variables are blank in every row of ``frame``, to say why no row is complete."""
    blank = [str(c) for c in frame.columns if frame[c].isna().all()]
    return f" ({', '.join(blank)} blank in every row)" if blank else ""


def _group_label(value: Any) -> str:
    # a group column with gaps is read as floats: show 7.0 as "7", as R does
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _group_order(labels: pd.Series | None) -> list[str | None]:
    if labels is None:
        return [None]
    return list(dict.fromkeys(labels.tolist()))


def _group_sample(
    frame: pd.DataFrame, labels: pd.Series | None, label: str | None, observed: list[str]
) -> GroupSample:
    values = frame.to_numpy() if label is None else frame.loc[labels == label].to_numpy()
    where = "" if label is None else f" in group {label!r}"
    p, n = len(observed), values.shape[0]
    if n < p + 1:
        raise StatsError(
            f"too few rows{where}: {n} complete row(s) (after dropping rows with missing "
            f"values) but {p} observed variables need at least {p + 1}"
        )
    mean = values.mean(axis=0)
    centred = values - mean
    cov = centred.T @ centred / n  # ML estimate (divisor N), as lavaan's normal likelihood
    constant = [observed[i] for i in np.flatnonzero(np.diag(cov) <= 1e-12 * (1 + mean**2))]
    if constant:
        raise StatsError(f"constant column(s){where} (zero variance): {', '.join(constant)}")
    _check_positive_definite(cov, observed, where)
    return GroupSample(label or "all", n, mean, cov)


def _check_positive_definite(cov: np.ndarray, observed: list[str], where: str) -> None:
    sd = np.sqrt(np.diag(cov))
    eigval, eigvec = np.linalg.eigh(cov / np.outer(sd, sd))
    if eigval[0] > 1e-10:
        return
    involved = [observed[i] for i in np.flatnonzero(np.abs(eigvec[:, 0]) > 0.1)]
    raise StatsError(
        f"the sample covariance matrix{where} is not positive definite: columns "
        f"{', '.join(involved)} are linearly dependent (duplicated or a sum of others)"
    )


# --------------------------------------------------------------------------- output


def _estimates(solution: MLSolution) -> pd.DataFrame:
    table = solution.table
    std_lv, std_all = standardized_solution(solution)
    est = solution.values
    free = solution.free_index >= 0
    se = solution.se
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(free, est / se, np.nan)
    pvalue = 2.0 * stats.norm.sf(np.abs(z))
    half = stats.norm.ppf(0.975) * se
    frame = pd.DataFrame(
        {
            "lhs": [r.lhs for r in table.parameters],
            "op": [r.op for r in table.parameters],
            "rhs": [r.rhs for r in table.parameters],
            "group": [r.group for r in table.parameters],
            "label": [r.label for r in table.parameters],
            "est": est,
            "se": se,
            "z": z,
            "pvalue": pvalue,
            "ci_lower": est - half,
            "ci_upper": est + half,
            "std_lv": std_lv,
            "std_all": std_all,
        },
        columns=_ESTIMATE_COLUMNS,
    )
    return frame
