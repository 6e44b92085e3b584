"""Maximum-likelihood estimation of structural equation models, with lavaan's conventions.

The model is written in RAM form over all variables v = (observed, latent)::

    v = A v + u,   Cov(u) = S,   E(v) = (I - A)^-1 m
    Sigma = F B S B' F',   mu = F B m,   B = (I - A)^-1,   F = [I_p 0]

where ``A`` holds loadings (``=~``) and regressions (``~``), ``S`` (residual) variances and
covariances (``~~``) and ``m`` intercepts (``~ 1``). Groups share one parameter vector;
equal labels (including the ``.pN.`` labels of ``group_equal``) map to one free parameter.

The fit function is lavaan's (likelihood "normal", so covariances use divisor N)::

    F_ML = sum_g n_g / (2 N) [log|Sigma_g| - log|S_g| + tr(S_g Sigma_g^-1) - p
                              + (ybar_g - mu_g)' Sigma_g^-1 (ybar_g - mu_g)]

minimised by Fisher scoring with the analytic gradient and the expected information
``I = sum_g n_g/N [1/2 Delta_S' (Sigma^-1 x Sigma^-1) Delta_S + Delta_m' Sigma^-1 Delta_m]``;
standard errors are ``sqrt(diag((N I)^-1))`` (lavaan's default ``information = "expected"``)
or from the observed information (the Hessian of F_ML) on request.

References: McArdle, J. J. & McDonald, R. P. (1984). Some algebraic properties of the
reticular action model. BJMSP 37, 234-251. Rosseel (2012), lavaan, JSS 48(2).

Example
-------
>>> import numpy as np
>>> from allypath.stats.lavaan_syntax import build_parameter_table, parse_model
>>> table = build_parameter_table(parse_model("f =~ x1 + x2 + x3"))
>>> cov = np.array([[1.0, .5, .4], [.5, 1.0, .3], [.4, .3, 1.0]])
>>> sol = fit_ml(table, [GroupSample("all", 100, np.zeros(3), cov)])
>>> abs(sol.fmin) < 1e-8  # one factor, three indicators: the model reproduces the covariances exactly
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize as sopt

from allypath._blas import single_threaded_blas
from allypath.errors import StatsError
from allypath.stats.lavaan_syntax import ParameterRow, ParameterTable

__all__ = ["GroupSample", "MLSolution", "fit_ml", "standardized_solution"]

Array = np.ndarray


@dataclass(frozen=True)
class GroupSample:
    """Sample statistics of one group: ``cov`` uses divisor N (the ML estimate)."""

    label: str
    nobs: int
    mean: Array
    cov: Array


@dataclass
class MLSolution:
    """The fitted model. Per-row arrays follow ``table.parameters``."""

    table: ParameterTable
    samples: list[GroupSample]
    values: Array
    se: Array
    free_index: Array
    x: Array
    vcov: Array
    fmin: float
    implied_cov: list[Array]
    implied_mean: list[Array]
    total_cov: list[Array]
    converged: bool
    iterations: int
    warnings: list[str] = field(default_factory=list)

    @property
    def npar(self) -> int:
        """Number of free parameters after equality constraints (lavaan's ``npar``)."""
        return int(self.x.size)


# --------------------------------------------------------------------------- structure


@dataclass
class _GroupMatrices:
    """Where each free parameter of one group sits in A, S and m."""

    sample: GroupSample
    weight: float  # n_g / N
    a0: Array
    s0: Array
    m0: Array
    a_r: Array
    a_c: Array
    a_k: Array
    s_r: Array
    s_c: Array
    s_k: Array
    m_r: Array
    m_k: Array


class _RamModel:
    """Implied moments, fit function, gradient and information for a parameter vector."""

    def __init__(self, table: ParameterTable, samples: Sequence[GroupSample]) -> None:
        self.table = table
        self.p = len(table.observed)
        self.names = table.observed + table.latent
        self.n = len(self.names)
        self.meanstructure = table.meanstructure
        self.free_index, self.nfree = _free_indices(table)
        try:
            self._sample_chol = [np.linalg.cholesky(s.cov) for s in samples]
        except np.linalg.LinAlgError:
            raise StatsError("a sample covariance matrix is not positive definite") from None
        self._logdet_s = [2.0 * float(np.sum(np.log(np.diag(c)))) for c in self._sample_chol]
        position = {name: i for i, name in enumerate(self.names)}
        total = sum(s.nobs for s in samples)
        self.groups = [self._group(table, g + 1, s, s.nobs / total, position) for g, s in enumerate(samples)]
        # entries -> parameters map for accumulating per-entry derivatives
        self._entry_maps = [
            _one_hot(np.concatenate([gm.a_k, gm.s_k, gm.m_k]), self.nfree) for gm in self.groups
        ]

    def _group(
        self,
        table: ParameterTable,
        group: int,
        sample: GroupSample,
        weight: float,
        position: dict[str, int],
    ) -> _GroupMatrices:
        n = self.n
        a0, s0, m0 = np.zeros((n, n)), np.zeros((n, n)), np.zeros(n)
        a_free: list[tuple[int, int, int]] = []
        s_free: list[tuple[int, int, int]] = []
        m_free: list[tuple[int, int]] = []
        obs = {name: i for i, name in enumerate(table.observed)}
        for row, k in zip(table.parameters, self.free_index, strict=True):
            if row.group != group:
                continue
            lhs = position[row.lhs]
            value = row.value if row.value is not None else 0.0
            if row.exo:  # fixed.x: the sample moment itself
                value = (
                    sample.mean[obs[row.lhs]] if row.op == "~1" else sample.cov[obs[row.lhs], obs[row.rhs]]
                )
                row.value = float(value)
            if row.op == "~1":
                if k >= 0:
                    m_free.append((lhs, k))
                m0[lhs] = value
                continue
            rhs = position[row.rhs]
            if row.op == "=~":
                target, r, c = a_free, rhs, lhs
                a0[r, c] = value
            elif row.op == "~":
                target, r, c = a_free, lhs, rhs
                a0[r, c] = value
            else:
                target, r, c = s_free, lhs, rhs
                s0[r, c] = s0[c, r] = value
            if k >= 0:
                target.append((r, c, k))
        a = np.array(a_free, dtype=int).reshape(-1, 3)
        s = np.array(s_free, dtype=int).reshape(-1, 3)
        m = np.array(m_free, dtype=int).reshape(-1, 2)
        return _GroupMatrices(
            sample, weight, a0, s0, m0, a[:, 0], a[:, 1], a[:, 2], s[:, 0], s[:, 1], s[:, 2],
            m[:, 0], m[:, 1],
        )  # fmt: skip

    # ---------------------------------------------------------------- moments

    def matrices(self, gm: _GroupMatrices, x: Array) -> tuple[Array, Array, Array]:
        a, s, m = gm.a0.copy(), gm.s0.copy(), gm.m0.copy()
        a[gm.a_r, gm.a_c] = x[gm.a_k]
        s[gm.s_r, gm.s_c] = x[gm.s_k]
        s[gm.s_c, gm.s_r] = x[gm.s_k]
        m[gm.m_r] = x[gm.m_k]
        return a, s, m

    def moments(self, gm: _GroupMatrices, x: Array) -> tuple[Array, Array, Array]:
        """``B = (I - A)^-1``, total covariance ``C = B S B'`` and total means ``B m``."""
        a, s, m = self.matrices(gm, x)
        b = np.linalg.inv(np.eye(self.n) - a)
        return b, b @ s @ b.T, b @ m

    def objective(self, x: Array) -> float:
        total = 0.0
        p = self.p
        for gm, sample_chol, logdet_s in zip(self.groups, self._sample_chol, self._logdet_s, strict=True):
            _, c, bm = self.moments(gm, x)
            try:
                chol = np.linalg.cholesky(c[:p, :p])
            except np.linalg.LinAlgError:
                return np.inf
            # numpy only: scipy's triangular wrappers cost more than the arithmetic here
            linv = np.linalg.inv(chol)
            value = 2.0 * np.sum(np.log(np.diag(chol))) - logdet_s - p
            value += np.sum((linv @ sample_chol) ** 2)  # tr(S Sigma^-1)
            if self.meanstructure:
                value += np.sum((linv @ (gm.sample.mean - bm[:p])) ** 2)
            total += gm.weight * 0.5 * float(value)
        return total

    def gradient(self, x: Array) -> Array:
        """Analytic gradient of F_ML (see the module docstring for the formulas)."""
        grad = np.zeros(self.nfree)
        p = self.p
        for gm, emap in zip(self.groups, self._entry_maps, strict=True):
            b, c, bm = self.moments(gm, x)
            g = b[:p]
            v = np.linalg.inv(c[:p, :p])
            resid = gm.sample.cov
            vd = np.zeros(p)
            if self.meanstructure:
                d = gm.sample.mean - bm[:p]
                vd = v @ d
                resid = resid + np.outer(d, d)
            w = v - v @ resid @ v
            gw = g.T @ w
            d_a = 2.0 * gw @ c[:p, :]
            d_s = gw @ g
            gvd = g.T @ vd
            d_a -= 2.0 * np.outer(gvd, bm)
            d_m = -2.0 * gvd
            per_entry = np.concatenate(
                [
                    d_a[gm.a_r, gm.a_c],
                    d_s[gm.s_r, gm.s_c] * np.where(gm.s_r == gm.s_c, 1.0, 2.0),
                    d_m[gm.m_r],
                ]
            )
            grad += gm.weight * 0.5 * (per_entry @ emap)
        return grad

    def information(self, x: Array) -> Array:
        """Expected information per observation, sum_g n_g/N Delta_g' W_g Delta_g.

        Each covariance derivative is a symmetric rank-2 matrix w (u v' + v u'), so
        ``tr(V dS_k V dS_l)`` reduces to inner products of the whitened vectors u, v.
        """
        info = np.zeros((self.nfree, self.nfree))
        p = self.p
        for gm, emap in zip(self.groups, self._entry_maps, strict=True):
            b, c, bm = self.moments(gm, x)
            linv = np.linalg.inv(np.linalg.cholesky(c[:p, :p]))
            gt = linv @ b[:p]  # L' G with V = Sigma^-1 = L L'
            ct = linv @ c[:p, :]
            u = np.concatenate([gt[:, gm.a_r], gt[:, gm.s_r]], axis=1)
            vv = np.concatenate([ct[:, gm.a_c], gt[:, gm.s_c]], axis=1)
            w = np.concatenate([np.ones(gm.a_r.size), np.where(gm.s_r == gm.s_c, 0.5, 1.0)])
            uu, vvv, uv = u.T @ u, vv.T @ vv, u.T @ vv
            cov_part = np.outer(w, w) * (uu * vvv + uv * uv.T)  # 1/2 * 2[...]
            n_entries = gm.a_r.size + gm.s_r.size + gm.m_r.size
            entries = np.zeros((n_entries, n_entries))
            ncov = u.shape[1]
            entries[:ncov, :ncov] = cov_part
            if self.meanstructure:
                z = np.concatenate(
                    [gt[:, gm.a_r] * bm[gm.a_c], np.zeros((p, gm.s_r.size)), gt[:, gm.m_r]],
                    axis=1,
                )
                entries += z.T @ z
            info += gm.weight * (emap.T @ entries @ emap)
        return info

    def observed_information(self, x: Array) -> Array:
        """Hessian of F_ML by central differences of the analytic gradient."""
        h = 1e-5 * np.maximum(1.0, np.abs(x))
        hess = np.empty((self.nfree, self.nfree))
        for k in range(self.nfree):
            step = np.zeros_like(x)
            step[k] = h[k]
            hess[:, k] = (self.gradient(x + step) - self.gradient(x - step)) / (2 * h[k])
        return 0.5 * (hess + hess.T)

    def jacobian(self, x: Array) -> Array:
        """d(vech Sigma_g, mu_g)/dx stacked over groups (for the identification check)."""
        blocks = []
        p = self.p
        low = np.tril_indices(p)
        for gm, emap in zip(self.groups, self._entry_maps, strict=True):
            b, c, bm = self.moments(gm, x)
            g = b[:p]
            da = g[:, None, gm.a_r] * c[gm.a_c, :p].T[None, :, :]
            ds = g[:, None, gm.s_r] * g[:, gm.s_c][None, :, :]
            ds = ds * np.where(gm.s_r == gm.s_c, 0.5, 1.0)
            dsig = np.concatenate([da, ds, np.zeros((p, p, gm.m_r.size))], axis=2)
            dsig = dsig + dsig.transpose(1, 0, 2)
            rows = [dsig[low]]
            if self.meanstructure:
                rows.append(
                    np.concatenate(
                        [g[:, gm.a_r] * bm[gm.a_c], np.zeros((p, gm.s_r.size)), g[:, gm.m_r]],
                        axis=1,
                    )
                )
            blocks.append(np.vstack(rows) @ emap)
        return np.vstack(blocks)


def _one_hot(index: Array, size: int) -> Array:
    out = np.zeros((index.size, size))
    out[np.arange(index.size), index] = 1.0
    return out


def _free_indices(table: ParameterTable) -> tuple[Array, int]:
    """One index per distinct free parameter; equal labels share one (union-find)."""
    parent: dict[str, str] = {}

    def find(label: str) -> str:
        while parent.setdefault(label, label) != label:
            label = parent[label]
        return label

    labels = {row.label for row in table.parameters if row.label}
    for a, b in table.equalities:
        missing = [lab for lab in (a, b) if lab not in labels]
        if missing:
            raise StatsError(f"equality constraint '{a} == {b}' uses unknown label(s) {missing}")
        parent[find(a)] = find(b)
    index = np.full(len(table.parameters), -1, dtype=int)
    by_label: dict[str, int] = {}
    count = 0
    for i, row in enumerate(table.parameters):
        if not row.free:
            continue
        if row.label:
            root = find(row.label)
            if root not in by_label:
                by_label[root] = count
                count += 1
            index[i] = by_label[root]
        else:
            index[i] = count
            count += 1
    return index, count


# --------------------------------------------------------------------------- start values


def _start_values(model: _RamModel) -> Array:
    """Starting values from one-factor principal components of each factor's indicators.

    Loadings and factor variances come from the first principal component of the
    indicators' correlation matrix (rescaled to the marker), residual variances from the
    unexplained part, intercepts from the sample means, everything else from lavaan's
    simple defaults (loadings on other factors 1, regressions and covariances 0).
    """
    table = model.table
    x0 = np.full(model.nfree, np.nan)
    observed = {name: i for i, name in enumerate(table.observed)}
    for g, gm in enumerate(model.groups):
        rows = [(r, k) for r, k in zip(table.parameters, model.free_index, strict=True)]
        rows = [(r, k) for r, k in rows if r.group == g + 1]
        guess = _factor_guess(rows, gm.sample, observed, table.latent)
        for row, k in rows:
            if k < 0 or not np.isnan(x0[k]):
                continue
            x0[k] = row.value if row.value is not None else guess.get(_rk(row), 0.0)
    return x0


def _rk(row: ParameterRow) -> tuple[str, str, str]:
    return row.lhs, row.op, row.rhs


def _factor_guess(
    rows: list[tuple[ParameterRow, int]],
    sample: GroupSample,
    observed: dict[str, int],
    latent: list[str],
) -> dict[tuple[str, str, str], float]:
    guess: dict[tuple[str, str, str], float] = {}
    var = np.diag(sample.cov)
    for name, i in observed.items():
        guess[(name, "~~", name)] = 0.5 * var[i]
        guess[(name, "~1", "")] = sample.mean[i]
    for lv in latent:
        load = [r for r, _ in rows if r.op == "=~" and r.lhs == lv and r.rhs in observed]
        guess[(lv, "~~", lv)] = 0.05
        # A higher-order factor's loadings on other factors start at 1, as in lavaan's simple
        # starts: at 0 the expected information is singular at the start values.
        for r, _ in rows:
            if r.op == "=~" and r.lhs == lv and r.rhs in latent:
                guess[_rk(r)] = 1.0
        if len(load) < 2:
            continue
        idx = [observed[r.rhs] for r in load]
        sd = np.sqrt(var[idx])
        corr = sample.cov[np.ix_(idx, idx)] / np.outer(sd, sd)
        eigval, eigvec = np.linalg.eigh(corr)
        std_load = np.clip(np.sqrt(max(eigval[-1], 1e-6)) * eigvec[:, -1], -0.95, 0.95)
        fixed = [j for j, r in enumerate(load) if not r.free and r.value]
        ref = fixed[0] if fixed else 0
        if std_load[ref] < 0:
            std_load = -std_load
        raw = std_load * sd
        if fixed:
            lv_sd = abs(raw[ref] / float(load[ref].value or 1.0))
        else:
            var_row = next((r for r, _ in rows if _rk(r) == (lv, "~~", lv)), None)
            lv_sd = math.sqrt(var_row.value) if var_row and var_row.value and not var_row.free else 1.0
        lv_sd = max(lv_sd, 1e-3)
        guess[(lv, "~~", lv)] = lv_sd**2
        for j, r in enumerate(load):
            guess[(lv, "=~", r.rhs)] = raw[j] / lv_sd
            resid = var[idx[j]] * (1.0 - std_load[j] ** 2)
            guess[(r.rhs, "~~", r.rhs)] = max(resid, 0.1 * var[idx[j]])
    return guess


# --------------------------------------------------------------------------- fitting


def _parameter_names(table: ParameterTable, free_index: Array, nfree: int) -> list[str]:
    names = [""] * nfree
    for row, k in zip(table.parameters, free_index, strict=True):
        if k >= 0 and not names[k]:
            text = f"{row.lhs} ~ 1" if row.op == "~1" else f"{row.lhs} {row.op} {row.rhs}"
            suffix = f" (group {row.group})" if table.ngroups > 1 else ""
            names[k] = f"{text}{suffix}"
    return names


def _check_identified(model: _RamModel, x0: Array, names: list[str]) -> None:
    """Refuse models whose moments do not pin down every parameter (rank of d sigma/d x)."""
    ndat = model.jacobian(x0).shape[0] - _fixed_moments(model)
    if model.nfree > ndat:
        raise StatsError(
            f"the model is not identified: it has {model.nfree} free parameters but the data "
            f"give only {ndat} sample moments (degrees of freedom {ndat - model.nfree})"
        )
    # a generic point: perturb the start values so zero covariances do not hide a rank
    rng = np.random.default_rng(20240101)
    point = x0 + 0.1 * (1.0 + np.abs(x0)) * rng.uniform(0.2, 1.0, x0.size)
    jac = model.jacobian(point)
    _, sv, vt = np.linalg.svd(jac, full_matrices=True)
    tol = max(jac.shape) * np.finfo(float).eps * 1e4 * (sv[0] if sv.size else 1.0)
    rank = int(np.sum(sv > tol))
    if rank < model.nfree:
        null = vt[rank:]
        weight = np.max(np.abs(null), axis=0)
        involved = [names[k] for k in np.argsort(-weight) if weight[k] > 0.05][:6]
        raise StatsError(
            "the model is not identified: these parameters cannot be told apart from the "
            f"data: {', '.join(involved)}. Fix one of them (a marker loading to 1, a latent "
            "variance to 1 or a latent mean to 0) or remove parameters"
        )


def _fixed_moments(model: _RamModel) -> int:
    """Moments of fixed exogenous covariates, which are not data for the model."""
    px = len(model.table.exogenous_observed)
    per_group = px * (px + 1) // 2 + (px if model.meanstructure else 0)
    return per_group * len(model.groups)


def _optimize(model: _RamModel, x: Array, *, tol: float, max_iter: int) -> tuple[Array, bool, int]:
    """Fisher scoring, refined by BFGS updates of the expected information near the optimum.

    Scoring is robust far from the optimum but converges only linearly when the model
    misfits (the expected information is not the Hessian there). Close to the optimum the
    secant (BFGS) updates correct the curvature from successive gradients at no extra
    cost, which makes the last digits converge superlinearly.
    """
    f = model.objective(x)
    if not np.isfinite(f):
        raise StatsError("the starting values give an implied covariance matrix that is not "
                         "positive definite; supply start values with start(...)")  # fmt: skip
    curvature: Array | None = None  # quasi-Newton matrix once refining
    grad = model.gradient(x)
    for iteration in range(1, max_iter + 1):
        hessian = curvature if curvature is not None else model.information(x)
        try:
            step = -np.linalg.solve(hessian, grad)
        except np.linalg.LinAlgError:
            return x, False, iteration
        decrement = -grad @ step
        if decrement <= 0 and curvature is not None:
            curvature = None  # lost positive definiteness: back to scoring
            continue
        if decrement < tol:
            return x, True, iteration
        t = 1.0
        while True:
            x_new = x + t * step
            f_new = model.objective(x_new)
            if np.isfinite(f_new) and f_new <= f - 1e-4 * t * decrement:
                break
            t *= 0.5
            if t < 1e-8:
                # no progress along the direction: at the optimum up to rounding?
                return x, bool(decrement < 1e3 * tol), iteration
        grad_new = model.gradient(x_new)
        if decrement < 1e-6:
            s_k, y_k = x_new - x, grad_new - grad
            sy = s_k @ y_k
            if sy > 0:
                hs = hessian @ s_k
                curvature = hessian + np.outer(y_k, y_k) / sy - np.outer(hs, hs) / (s_k @ hs)
        x, f, grad = x_new, f_new, grad_new
    return x, False, max_iter


def fit_ml(
    table: ParameterTable,
    samples: Sequence[GroupSample],
    *,
    information: str = "expected",
    tol: float = 1e-15,
    max_iter: int = 500,
) -> MLSolution:
    """Fit a parameter table to grouped sample moments by maximum likelihood.

    Parameters
    ----------
    table : ParameterTable
        From :func:`allypath.stats.lavaan_syntax.build_parameter_table`.
    samples : sequence of GroupSample
        One per group, in the table's group order; ``cov`` with divisor N.
    information : {"expected", "observed"}
        Which information matrix gives the standard errors (lavaan default: expected).
    tol : float
        Convergence threshold on the Newton decrement g' I^-1 g of F_ML.

    Returns
    -------
    MLSolution

    Raises
    ------
    StatsError
        When the model is not identified or the optimiser does not converge.
    """
    if information not in ("expected", "observed"):
        raise StatsError(f"information must be 'expected' or 'observed', not {information!r}")
    with single_threaded_blas():  # tiny matrices: BLAS threads only add synchronisation
        return _fit(table, samples, information, tol, max_iter)


def _fit(
    table: ParameterTable,
    samples: Sequence[GroupSample],
    information: str,
    tol: float,
    max_iter: int,
) -> MLSolution:
    model = _RamModel(table, samples)
    names = _parameter_names(table, model.free_index, model.nfree)
    x0 = _start_values(model)
    _check_identified(model, x0, names)
    x, converged, iterations = _optimize(model, x0, tol=tol, max_iter=max_iter)
    if not converged:
        # Fisher scoring can stall far from a well-fitting solution; quasi-Newton finishes
        result = sopt.minimize(
            model.objective, x, jac=model.gradient, method="BFGS",
            options={"gtol": 1e-10, "maxiter": 5000},
        )  # fmt: skip
        x, iterations = result.x, iterations + int(result.nit)
        converged = bool(np.max(np.abs(model.gradient(x))) < 1e-6)
    if not converged:
        raise StatsError(
            "the model did not converge; check the model (is it identified?) and the data "
            "(very different variances across variables?)"
        )
    return _solution(model, x, converged, iterations, information)


def _solution(model: _RamModel, x: Array, converged: bool, iterations: int, information: str) -> MLSolution:
    table = model.table
    total_n = sum(gm.sample.nobs for gm in model.groups)
    warnings: list[str] = []
    info = model.information(x) if information == "expected" else model.observed_information(x)
    eig = np.linalg.eigvalsh(info) if info.size else np.ones(1)
    if eig.min() <= 1e-10 * max(eig.max(), 1e-300):
        vcov = np.full_like(info, np.nan)
        warnings.append("the information matrix is singular: standard errors are not available "
                        "(the model may be empirically under-identified)")  # fmt: skip
    else:
        vcov = np.linalg.inv(info) / total_n
    values = np.array([r.value if r.value is not None else np.nan for r in table.parameters])
    free = model.free_index >= 0
    values[free] = x[model.free_index[free]]
    se = np.zeros(len(table.parameters))
    se[free] = np.sqrt(np.clip(np.diag(vcov)[model.free_index[free]], 0.0, None))
    if np.isnan(vcov).any():
        se[free] = np.nan
    implied_cov, implied_mean, total_cov = [], [], []
    for gm in model.groups:
        _, c, bm = model.moments(gm, x)
        implied_cov.append(c[: model.p, : model.p])
        implied_mean.append(bm[: model.p] if model.meanstructure else gm.sample.mean.copy())
        total_cov.append(c)
    for row, value in zip(table.parameters, values, strict=True):
        if row.op == "~~" and row.lhs == row.rhs and value < 0:
            warnings.append(f"negative variance estimate for {row.lhs} (group {row.group}): "
                            "a Heywood case; the model may be misspecified")  # fmt: skip
    return MLSolution(
        table=table, samples=[gm.sample for gm in model.groups], values=values, se=se,
        free_index=model.free_index, x=x, vcov=vcov, fmin=model.objective(x),
        implied_cov=implied_cov, implied_mean=implied_mean, total_cov=total_cov,
        converged=converged, iterations=iterations, warnings=warnings,
    )  # fmt: skip


# --------------------------------------------------------------------------- standardising


def standardized_solution(solution: MLSolution) -> tuple[Array, Array]:
    """lavaan's ``std.lv`` and ``std.all`` columns, per parameter row.

    std.all scales every variable by its model-implied total SD: a loading or regression
    ``b`` of y on x becomes ``b sd(x) / sd(y)``; a variance is divided by the total variance;
    a covariance between different variables by the product of their *residual* SDs (a
    residual correlation), a mean by the SD. std.lv does the same with latent variables only.
    """
    table = solution.table
    names = table.observed + table.latent
    pos = {name: i for i, name in enumerate(names)}
    is_latent = np.array([name in set(table.latent) for name in names])
    residual_var = np.full((table.ngroups, len(names)), np.nan)
    for row, value in zip(table.parameters, solution.values, strict=True):
        if row.op == "~~" and row.lhs == row.rhs:
            residual_var[row.group - 1, pos[row.lhs]] = value
    out = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for only_latent in (True, False):
            total_sd = np.sqrt([np.diag(c) for c in solution.total_cov])
            resid_sd = np.sqrt(residual_var)
            if only_latent:  # observed variables keep their raw metric
                total_sd[:, ~is_latent] = 1.0
                resid_sd[:, ~is_latent] = 1.0
            std = np.full(len(table.parameters), np.nan)
            for i, (row, value) in enumerate(zip(table.parameters, solution.values, strict=True)):
                sd, rsd, lhs = total_sd[row.group - 1], resid_sd[row.group - 1], pos[row.lhs]
                if row.op == "~1":
                    std[i] = value / sd[lhs]
                    continue
                rhs = pos[row.rhs]
                if row.op == "=~":
                    std[i] = value * sd[lhs] / sd[rhs]
                elif row.op == "~":
                    std[i] = value * sd[rhs] / sd[lhs]
                elif lhs == rhs:
                    std[i] = value / sd[lhs] ** 2
                else:
                    std[i] = value / (rsd[lhs] * rsd[rhs])
            out.append(std)
    return out[0], out[1]
