"""Shared input handling for the psychometric functions: item frames, correlation matrices, SMCs.

Every public function in ``reliability``, ``efa`` and ``factorability`` accepts either raw item data
(one row per respondent, one numeric column per item) or, where it makes sense, a correlation
matrix. This module turns both into the same thing, and refuses bad input with a
:class:`~allypath.errors.StatsError` that names the cause and, where there is one, the column.

Conventions follow R's ``psych`` package, because the results are checked against it:

* "pairwise" correlations use, for each pair of items, the rows where both are present, with the
  means and standard deviations of those rows (R ``cor(x, use = "pairwise")``; pandas does the same).
* A square, symmetric input is read as a correlation (or covariance) matrix, as ``psych`` does.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from allypath.errors import StatsError

__all__ = [
    "Matrix",
    "Missing",
    "check_positive_definite",
    "correlation_input",
    "cov2cor",
    "item_frame",
    "smc",
]

Matrix = npt.NDArray[np.float64]
Missing = Literal["pairwise", "listwise"]

# Smallest eigenvalue a correlation matrix may have and still count as positive definite. Matrices
# built from real data sit far above this; exact collinearity or a bad pairwise matrix falls below.
_PD_TOLERANCE = 1e-10


def item_frame(data: object, *, min_rows: int = 3, what: str = "this analysis") -> pd.DataFrame:
    """Validate raw item data and return it as a float DataFrame.

    Parameters
    ----------
    data : DataFrame or 2-D array
        One row per respondent, one numeric column per item; NaN marks a missing answer.
    min_rows : int
        Fewest rows (respondents) the analysis can work with.
    what : str
        Name of the analysis, used in error messages.

    Raises
    ------
    StatsError
        If a column is not numeric, an item has no answers or no variance, or there are too few
        rows or items.
    """
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
    else:
        array = np.asarray(data)
        if array.ndim != 2:
            raise StatsError(f"{what} needs a 2-D table of items, got {array.ndim} dimension(s)")
        frame = pd.DataFrame(array, columns=[f"V{i + 1}" for i in range(array.shape[1])])
    frame.columns = [str(c) for c in frame.columns]
    if frame.columns.duplicated().any():
        duplicated = frame.columns[frame.columns.duplicated()][0]
        raise StatsError(f"column {duplicated!r} appears more than once")
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_bool_dtype(series):
            frame[column] = series.astype(float)
        elif not pd.api.types.is_numeric_dtype(series):
            raise StatsError(
                f"column {column!r} is not numeric (dtype {series.dtype}); "
                "drop it or recode it before running " + what
            )
    frame = frame.astype(float)
    if frame.shape[1] < 2:
        raise StatsError(f"{what} needs at least 2 items, got {frame.shape[1]}")
    if frame.shape[0] < min_rows:
        raise StatsError(f"{what} needs at least {min_rows} rows, got {frame.shape[0]}")
    values = frame.to_numpy()
    if np.isinf(values).any():
        column = frame.columns[np.isinf(values).any(axis=0)][0]
        raise StatsError(f"column {column!r} holds an infinite value")
    counts = np.sum(~np.isnan(values), axis=0)
    for column, count in zip(frame.columns, counts, strict=True):
        if count < 2:
            raise StatsError(f"column {column!r} has fewer than 2 answers")
    std = frame.std(ddof=1).to_numpy()
    for column, value in zip(frame.columns, std, strict=True):
        if not value > 0:
            raise StatsError(
                f"column {column!r} has zero variance (every answer is the same); "
                "a constant item carries no information, drop it"
            )
    return frame


def _looks_like_matrix(values: npt.NDArray[np.float64]) -> bool:
    """psych's rule: a square, symmetric input is a correlation or covariance matrix."""
    return (
        values.ndim == 2
        and values.shape[0] == values.shape[1]
        and bool(np.all(np.isfinite(values)))
        and bool(np.allclose(values, values.T, atol=1e-12, rtol=0.0))
    )


def cov2cor(matrix: Matrix) -> Matrix:
    """Rescale a covariance matrix to a correlation matrix (R ``cov2cor``)."""
    scale = 1.0 / np.sqrt(np.diag(matrix))
    result: Matrix = matrix * np.outer(scale, scale)
    np.fill_diagonal(result, 1.0)
    return result


def correlation_input(
    data_or_corr: object,
    n_obs: int | None = None,
    *,
    missing: Missing = "pairwise",
    min_rows: int = 3,
    what: str = "this analysis",
) -> tuple[pd.DataFrame, int | None, pd.DataFrame | None]:
    """Return ``(correlation matrix, n_obs, item frame or None)`` from data or a matrix.

    A square symmetric input is a correlation (or covariance, rescaled) matrix and ``n_obs`` is
    taken as given. Anything else is raw data: ``n_obs`` becomes its number of rows (after
    listwise deletion when ``missing="listwise"``), as psych does.
    """
    if missing not in ("pairwise", "listwise"):
        raise StatsError(f"missing must be 'pairwise' or 'listwise', got {missing!r}")
    values: npt.NDArray[np.float64] | None = None
    names: list[str]
    if isinstance(data_or_corr, pd.DataFrame):
        if all(pd.api.types.is_numeric_dtype(t) for t in data_or_corr.dtypes):
            values = data_or_corr.to_numpy(dtype=float)
        names = [str(c) for c in data_or_corr.columns]
    else:
        array = np.asarray(data_or_corr)
        if array.dtype.kind in "biuf":
            values = array.astype(float)
        names = [f"V{i + 1}" for i in range(array.shape[1] if array.ndim == 2 else 0)]
    if values is not None and _looks_like_matrix(values):
        if np.any(np.diag(values) <= 0):
            raise StatsError("the matrix has a non-positive diagonal; it is not a correlation matrix")
        corr = cov2cor(values)
        if np.any(np.abs(corr) > 1 + 1e-10):
            raise StatsError("the matrix has correlations outside [-1, 1]")
        if n_obs is not None and n_obs < min_rows:
            raise StatsError(f"{what} needs n_obs >= {min_rows}, got {n_obs}")
        return pd.DataFrame(corr, index=names, columns=names), n_obs, None
    frame = item_frame(data_or_corr, min_rows=min_rows, what=what)
    if missing == "listwise":
        frame = frame.dropna()
        if frame.shape[0] < min_rows:
            raise StatsError(f"{what} needs at least {min_rows} complete rows, got {frame.shape[0]}")
        item_frame(frame, min_rows=min_rows, what=what)  # re-check variances after deletion
    corr_frame = frame.corr(method="pearson", min_periods=2)
    if corr_frame.isna().to_numpy().any():
        i, j = np.argwhere(corr_frame.isna().to_numpy())[0]
        raise StatsError(
            f"columns {frame.columns[i]!r} and {frame.columns[j]!r} have too few rows answered "
            "together to correlate them"
        )
    corr = corr_frame.to_numpy(copy=True)
    np.fill_diagonal(corr, 1.0)
    return pd.DataFrame(corr, index=frame.columns, columns=frame.columns), frame.shape[0], frame


def check_positive_definite(corr: pd.DataFrame, *, what: str = "this analysis") -> None:
    """Raise StatsError if ``corr`` is not positive definite, naming the most collinear item."""
    values = corr.to_numpy()
    eigenvalues, eigenvectors = np.linalg.eigh(values)
    if eigenvalues[0] > _PD_TOLERANCE:
        return
    # The eigenvector of the smallest eigenvalue weights most the items in the linear dependency.
    culprit = corr.columns[int(np.argmax(np.abs(eigenvectors[:, 0])))]
    raise StatsError(
        f"{what} needs a positive definite correlation matrix; this one is not (smallest "
        f"eigenvalue {eigenvalues[0]:.3g}), most involved item {culprit!r}. Items may be exact "
        "linear combinations of each other, or pairwise deletion produced an impossible matrix "
        "(try missing='listwise')"
    )


def smc(corr: Matrix) -> Matrix:
    """Squared multiple correlation of each item with all the others.

    .. math:: \\mathrm{smc}_i = 1 - 1 / (R^{-1})_{ii}

    As psych does, a singular matrix falls back to the pseudo-inverse and the result is clipped
    to [0, 1].
    """
    try:
        inverse = np.linalg.inv(corr)
    except np.linalg.LinAlgError:
        inverse = np.linalg.pinv(corr)
    result: Matrix = np.clip(1.0 - 1.0 / np.diag(inverse), 0.0, 1.0)
    return result
