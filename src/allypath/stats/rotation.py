"""Factor rotations with the conventions of R (``stats::varimax``, GPArotation, ``psych``).

The algorithms are ports, not approximations, because R's own stopping rules decide the last digits
of a published solution: ``varimax`` is the SVD iteration of ``stats::varimax`` (Kaiser
normalisation on, relative tolerance 1e-5), ``oblimin`` and ``geomin`` use Jennrich's gradient
projection algorithm exactly as GPArotation's ``GPForth``/``GPFoblq`` do (no normalisation,
``eps = 1e-5``), and ``promax`` is psych's: Kaiser-normalise the rows, varimax, raise to the power 4,
least-squares fit, rescale so the factor variances are 1 (psych's ``kaiser(f, "Promax")``; this
differs from ``stats::promax``, which leaves the factor scale free and returns no Phi).

Every function returns a :class:`RotationResult` where ``loadings = unrotated @ rotation_matrix``
and ``phi`` is the factor correlation matrix (identity for orthogonal rotations).

References
----------
Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor analysis.
Psychometrika, 23, 187-200.
Jennrich, R. I. (2002). A simple general method for oblique rotation. Psychometrika, 67, 7-19.
Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and software for
arbitrary rotation criteria in factor analysis. Educational and Psychological Measurement, 65.
Hendrickson, A. E., & White, P. O. (1964). Promax. British Journal of Statistical Psychology, 17.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from allypath.errors import StatsError
from allypath.stats._correlation import Matrix

__all__ = [
    "ROTATIONS",
    "RotationResult",
    "geomin",
    "oblimin",
    "promax",
    "rotate",
    "varimax",
]

ROTATIONS = ("varimax", "oblimin", "promax", "geomin")

# A rotation criterion maps loadings L to (gradient dQ/dL, criterion value Q), as GPArotation's vgQ.*
Criterion = Callable[[Matrix], tuple[Matrix, float]]


@dataclass(frozen=True, eq=False)
class RotationResult:
    """Rotated loadings with their rotation matrix and factor correlations.

    Attributes
    ----------
    loadings : ndarray (items x factors)
        Rotated pattern loadings, ``unrotated @ rotation_matrix``.
    rotation_matrix : ndarray (factors x factors)
    phi : ndarray (factors x factors)
        Factor correlations; the identity after an orthogonal rotation.
    converged : bool
    iterations : int
    """

    loadings: Matrix
    rotation_matrix: Matrix
    phi: Matrix
    converged: bool
    iterations: int


def _check_loadings(loadings: Matrix) -> Matrix:
    array = np.asarray(loadings, dtype=float)
    if array.ndim != 2 or array.shape[1] < 2:
        raise StatsError("rotation needs a loadings matrix with at least 2 factors")
    if not np.all(np.isfinite(array)):
        raise StatsError("rotation needs finite loadings")
    return array


def _row_norms(loadings: Matrix) -> Matrix:
    norms: Matrix = np.sqrt(np.sum(loadings**2, axis=1))
    if np.any(norms == 0):
        raise StatsError("Kaiser normalisation is undefined for an item with all-zero loadings")
    return norms


def varimax(
    loadings: Matrix, *, normalize: bool = True, tol: float = 1e-5, max_iter: int = 1000
) -> RotationResult:
    """Varimax rotation, a port of R's ``stats::varimax``.

    Maximises the summed variance of squared loadings within each factor,

    .. math:: V = \\sum_j \\Big[ \\tfrac{1}{p} \\sum_i \\lambda_{ij}^4
              - \\big(\\tfrac{1}{p} \\sum_i \\lambda_{ij}^2\\big)^2 \\Big],

    by SVD updates of the rotation; stops when the criterion grows by less than ``tol`` (relative).
    With ``normalize`` (Kaiser) rows are scaled to unit length first. Kaiser (1958).

    Examples
    --------
    >>> import numpy as np
    >>> result = varimax(np.array([[0.7, 0.3], [0.6, 0.4], [0.3, 0.7], [0.2, 0.6]]))
    >>> bool(np.allclose(result.phi, np.eye(2)))
    True
    """
    x = _check_loadings(loadings)
    n_items, n_factors = x.shape
    scale = _row_norms(x) if normalize else np.ones(n_items)
    x = x / scale[:, None]
    rotation = np.eye(n_factors)
    criterion = 0.0
    converged = False
    iteration = 0
    for iteration in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        z = x @ rotation
        b = x.T @ (z**3 - z * (np.sum(z**2, axis=0) / n_items))
        u, singular, vt = np.linalg.svd(b)
        rotation = u @ vt
        previous = criterion
        criterion = float(np.sum(singular))
        if criterion < previous * (1 + tol):
            converged = True
            break
    rotated = (x @ rotation) * scale[:, None]
    return RotationResult(rotated, rotation, np.eye(n_factors), converged, iteration)


def _oblimin_criterion(gamma: float) -> Criterion:
    def criterion(lam: Matrix) -> tuple[Matrix, float]:
        n_items, n_factors = lam.shape
        x = (lam**2) @ (1.0 - np.eye(n_factors))
        if gamma != 0:
            x = (np.eye(n_items) - gamma / n_items) @ x
        return lam * x, float(np.sum(lam**2 * x) / 4)

    return criterion


def _geomin_criterion(delta: float) -> Criterion:
    def criterion(lam: Matrix) -> tuple[Matrix, float]:
        n_factors = lam.shape[1]
        l2 = lam**2 + delta
        product = np.exp(np.sum(np.log(l2), axis=1) / n_factors)
        return (2.0 / n_factors) * (lam / l2) * product[:, None], float(np.sum(product))

    return criterion


def _gpa_oblique(
    a: Matrix, criterion: Criterion, *, normalize: bool, tol: float, max_iter: int
) -> RotationResult:
    """GPArotation ``GPFoblq``: gradient projection over matrices T with unit-length columns.

    Loadings are ``A (T')^{-1}`` and factor correlations ``T'T``.
    """
    n_factors = a.shape[1]
    weights = _row_norms(a) if normalize else np.ones(a.shape[0])
    a = a / weights[:, None]
    t = np.eye(n_factors)
    step = 1.0
    lam = a @ np.linalg.inv(t).T
    gq, f = criterion(lam)
    gradient = -(lam.T @ gq @ np.linalg.inv(t)).T
    converged = False
    iteration = 0
    for iteration in range(max_iter + 1):  # noqa: B007 - the count is reported
        projected = gradient - t * np.sum(t * gradient, axis=0)
        s = float(np.sqrt(np.sum(projected**2)))
        if s < tol:
            converged = True
            break
        step *= 2
        for _ in range(11):  # step halving, as GPArotation
            x = t - step * projected
            t_new = x / np.sqrt(np.sum(x**2, axis=0))
            lam = a @ np.linalg.inv(t_new).T
            gq_new, f_new = criterion(lam)
            if f - f_new > 0.5 * s**2 * step:
                break
            step /= 2
        t = t_new
        f = f_new
        gradient = -(lam.T @ gq_new @ np.linalg.inv(t_new)).T
    rotation_matrix = np.asarray(np.linalg.inv(t).T, dtype=np.float64)
    rotated = (a @ rotation_matrix) * weights[:, None]
    return RotationResult(rotated, rotation_matrix, t.T @ t, converged, iteration)


def _gpa_orthogonal(
    a: Matrix, criterion: Criterion, *, normalize: bool, tol: float, max_iter: int
) -> RotationResult:
    """GPArotation ``GPForth``: gradient projection over orthogonal matrices T, loadings ``A T``."""
    n_factors = a.shape[1]
    weights = _row_norms(a) if normalize else np.ones(a.shape[0])
    a = a / weights[:, None]
    t = np.eye(n_factors)
    step = 1.0
    gq, f = criterion(a @ t)
    gradient = a.T @ gq
    converged = False
    iteration = 0
    for iteration in range(max_iter + 1):  # noqa: B007 - the count is reported
        m = t.T @ gradient
        projected = gradient - t @ ((m + m.T) / 2)
        s = float(np.sqrt(np.sum(projected**2)))
        if s < tol:
            converged = True
            break
        step *= 2
        for _ in range(11):
            u, _, vt = np.linalg.svd(t - step * projected)
            t_new = u @ vt
            gq_new, f_new = criterion(a @ t_new)
            if f_new < f - 0.5 * s**2 * step:
                break
            step /= 2
        t = t_new
        f = f_new
        gradient = a.T @ gq_new
    rotated = (a @ t) * weights[:, None]
    return RotationResult(rotated, t, np.eye(n_factors), converged, iteration)


def oblimin(
    loadings: Matrix,
    gamma: float = 0.0,
    *,
    normalize: bool = False,
    tol: float = 1e-5,
    max_iter: int = 1000,
) -> RotationResult:
    """Direct oblimin rotation (GPArotation ``oblimin``; ``gamma=0`` is quartimin, psych's default).

    Minimises

    .. math:: Q(\\Lambda) = \\tfrac14 \\sum_{j \\ne k} \\sum_i \\lambda_{ij}^2 \\lambda_{ik}^2
              - \\tfrac{\\gamma}{4p} \\sum_{j \\ne k} \\Big(\\sum_i \\lambda_{ij}^2\\Big)
              \\Big(\\sum_i \\lambda_{ik}^2\\Big)

    by gradient projection (Jennrich, 2002), no Kaiser normalisation, as ``psych::fa`` calls it.

    Examples
    --------
    >>> import numpy as np
    >>> result = oblimin(np.array([[0.7, 0.3], [0.6, 0.4], [0.3, 0.7], [0.2, 0.6]]))
    >>> bool(np.allclose(np.diag(result.phi), 1.0))
    True
    """
    a = _check_loadings(loadings)
    return _gpa_oblique(a, _oblimin_criterion(gamma), normalize=normalize, tol=tol, max_iter=max_iter)


def geomin(
    loadings: Matrix,
    delta: float = 0.01,
    *,
    oblique: bool = True,
    normalize: bool = False,
    tol: float = 1e-5,
    max_iter: int = 1000,
) -> RotationResult:
    """Geomin rotation (Yates, 1987), GPArotation ``geominQ`` (oblique) or ``geominT``.

    Minimises :math:`\\sum_i \\big(\\prod_j (\\lambda_{ij}^2 + \\delta)\\big)^{1/m}` with
    ``delta = 0.01`` as GPArotation. Geomin has many local minima; the result is the one reached
    from the unrotated start, as in R.
    """
    a = _check_loadings(loadings)
    gpa = _gpa_oblique if oblique else _gpa_orthogonal
    return gpa(a, _geomin_criterion(delta), normalize=normalize, tol=tol, max_iter=max_iter)


def promax(loadings: Matrix, power: int = 4, *, normalize: bool = True) -> RotationResult:
    """Promax rotation as ``psych::fa(rotate = "promax")`` does it.

    psych calls ``kaiser(f, rotate = "Promax")``: rows are divided by :math:`\\sqrt{h^2}`, varimax
    rotated (``stats::varimax``), the target :math:`Q = \\Lambda |\\Lambda|^{m-1}` is fitted by
    least squares :math:`U = (\\Lambda'\\Lambda)^{-1}\\Lambda' Q`, columns of U are rescaled so
    that :math:`\\Phi = U^{-1} U^{-T}` has a unit diagonal, and rows are scaled back. Hendrickson
    and White (1964); ``power=4`` as psych. ``normalize=False`` skips the row scaling (psych's
    bare ``Promax``, which ``psych::schmid``/``omega`` use).

    Examples
    --------
    >>> import numpy as np
    >>> result = promax(np.array([[0.7, 0.3], [0.6, 0.4], [0.3, 0.7], [0.2, 0.6]]))
    >>> bool(np.allclose(np.diag(result.phi), 1.0))
    True
    """
    a = _check_loadings(loadings)
    if power < 1:
        raise StatsError(f"promax power must be at least 1, got {power}")
    h = _row_norms(a) if normalize else np.ones(a.shape[0])
    normalized = a / h[:, None]
    rotated = varimax(normalized)
    x = rotated.loadings
    target = x * np.abs(x) ** (power - 1)
    u = np.linalg.lstsq(x, target, rcond=None)[0]
    try:
        scale = np.diag(np.linalg.inv(u.T @ u))
    except np.linalg.LinAlgError as error:
        raise StatsError("promax failed: the factors are exactly uncorrelated") from error
    u = u * np.sqrt(scale)
    rotation_matrix = rotated.rotation_matrix @ u
    inverse = np.linalg.inv(rotation_matrix)
    phi = inverse @ inverse.T
    return RotationResult(a @ rotation_matrix, rotation_matrix, phi, rotated.converged, rotated.iterations)


def rotate(loadings: Matrix, method: str | None) -> RotationResult:
    """Rotate with one of :data:`ROTATIONS` (``None`` or ``"none"`` leaves the loadings as they are).

    ``"geomin"`` is the oblique geominQ.
    """
    a = np.asarray(loadings, dtype=float)
    n_factors = a.shape[1] if a.ndim == 2 else 0
    if method is None or method == "none" or n_factors < 2:
        if method not in (None, "none", *ROTATIONS):
            raise StatsError(f"unknown rotation {method!r}; use one of {', '.join(ROTATIONS)}")
        return RotationResult(a.copy(), np.eye(n_factors), np.eye(n_factors), True, 0)
    if method == "varimax":
        return varimax(a)
    if method == "oblimin":
        return oblimin(a)
    if method == "promax":
        return promax(a)
    if method == "geomin":
        return geomin(a)
    raise StatsError(f"unknown rotation {method!r}; use one of {', '.join(ROTATIONS)} or None")
