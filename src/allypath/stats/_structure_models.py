"""The scoring model's item model with a discrete or a continuous latent variable, fitted by ML.

Both models share everything the scoring model assumes about an item (docs/scoring.md): an ordered
logit ``P(x <= c) = logistic(alpha_j (tau_c - loc))`` with the item's slope, four thresholds shared by
all items, an item offset ``delta_j``, and the respondent's acquiescence ``a`` integrated out over the
scoring model's Gauss-Hermite nodes, entering with the item's keying. They differ only in what the
person is:

* ``stages(S)``: one of S latent classes; ``loc = A[s, t_j] + delta_j + d_j a`` with a free S x 4
  table ``A`` (class s's agreement with an item written for stage t) and free class sizes: the
  scoring model with S stages instead of 4;
* ``continuum``: a continuous trait ``theta`` (on a grid of nodes); each stage column's agreement is
  a quadratic of theta, ``A_t(theta) = b_t0 + b_t1 theta + b_t2 theta^2``, which is single-peaked
  (an ideal-point, or unfolding, item) or monotone; theta's density is ``exp(-theta^2/2 + g3 theta^3
  + g4 theta^4)`` on the grid (g4 <= 0), which spans the normal, skewed and flat-topped (uniform-like)
  shapes, but never separate clumps.

A plain linear one-factor model cannot fit single-peaked items, so comparing stages with it favours
stages whatever the data (issue 15); here the two sides use the same items in the same way.

The log-likelihood is maximised with L-BFGS-B using its exact gradient (Fisher's identity: the
posterior expectation of the complete-data gradient). Thresholds are centred (the locations carry
the overall level) and the item offsets get a N(0, 1) ridge, which pins the one direction that
offsets and stage columns share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.optimize as sopt
from scipy.special import expit, logsumexp

__all__ = ["FittedStructure", "ItemData", "fit_structure", "person_loglik", "simulate_answers"]

Array = np.ndarray
N_COLUMNS = 4  # the stage an item is written for
GRID = np.linspace(-3.0, 3.0, 21)  # theta nodes of the continuum
_OFFSET_RIDGE = 0.5  # -log N(0, 1) prior on each item offset, up to a constant
# Quadratic fitted through the default affinity at these trait values gives the continuum's start.
_START_POSITIONS = np.array([-1.5, -0.5, 0.5, 1.5])


@dataclass(frozen=True)
class ItemData:
    """Answers as categories (0 .. K-1, -1 missing) and what the item model needs about each item."""

    x: Array  # (N, J) int
    column: Array  # (J,) stage the item is written for, 0..3
    direction: Array  # (J,) +1, or -1 for a reverse-keyed item (acquiescence pushes it down)
    slope: Array  # (J,)
    categories: int
    acquiescence: Array  # (Q,) node values
    acquiescence_logw: Array  # (Q,) log-weights

    @property
    def onehot(self) -> Array:
        n, j = self.x.shape
        out = np.zeros((n, j * self.categories))
        rows, cols = np.nonzero(self.x >= 0)
        out[rows, cols * self.categories + self.x[rows, cols]] = 1.0
        return out

    def subset(self, rows: Array) -> ItemData:
        return ItemData(
            self.x[rows], self.column, self.direction, self.slope, self.categories,
            self.acquiescence, self.acquiescence_logw,
        )  # fmt: skip


@dataclass(frozen=True)
class FittedStructure:
    """A fitted model: ``kind`` ("stages" or "continuum"), its size, parameters and log-likelihood."""

    kind: str
    size: int  # classes, or grid nodes for the continuum
    params: Array
    loglik: float
    npar: int
    converged: bool

    @property
    def name(self) -> str:
        return "continuum" if self.kind == "continuum" else f"{self.size} stages"


# --------------------------------------------------------------------------- parameters


def _unpack(
    kind: str, size: int, params: Array, n_items: int, categories: int
) -> tuple[Array, Array, Array, Array, Array]:
    """(log weights of the latent nodes, location table (nodes x 4), offsets, thresholds, extra)."""
    k = categories - 2
    gaps, offsets = params[-k:], params[-k - n_items : -k]
    head = params[: -k - n_items]
    steps = np.concatenate([[0.0], np.cumsum(np.exp(gaps))])
    thresholds = steps - steps.mean()
    if kind == "stages":
        eta = np.concatenate([[0.0], head[: size - 1]])
        table = head[size - 1 :].reshape(size, N_COLUMNS)
        logw = np.asarray(eta - logsumexp(eta))
        return logw, table, offsets, thresholds, np.exp(gaps)
    g3, g4 = head[0], head[1]
    beta = head[2:].reshape(N_COLUMNS, 3)
    basis = np.column_stack([np.ones_like(GRID), GRID, GRID**2])
    table = basis @ beta.T  # (grid, 4)
    raw = -(GRID**2) / 2 + g3 * GRID**3 + g4 * GRID**4
    return np.asarray(raw - logsumexp(raw)), table, offsets, thresholds, np.exp(gaps)


def _start(kind: str, size: int, n_items: int, affinity: Array, thresholds: Array) -> Array:
    gaps = np.log(np.diff(thresholds))
    offsets = np.zeros(n_items)
    if kind == "stages":
        positions = np.linspace(0.0, N_COLUMNS - 1.0, size)
        table = np.column_stack(
            [np.interp(positions, np.arange(N_COLUMNS), affinity[:, t]) for t in range(N_COLUMNS)]
        )
        return np.concatenate([np.zeros(size - 1), table.ravel(), offsets, gaps])
    beta = np.array([np.polyfit(_START_POSITIONS, affinity[:, t], 2)[::-1] for t in range(N_COLUMNS)])
    return np.concatenate([[0.0, 0.0], beta.ravel(), offsets, gaps])


def _bounds(kind: str, size: int, n_items: int, categories: int) -> list[tuple[float | None, float | None]]:
    k = categories - 2
    if kind == "stages":
        head: list[tuple[float | None, float | None]] = [(-10.0, 10.0)] * (size - 1)
        head += [(-8.0, 8.0)] * (size * N_COLUMNS)
    else:
        # g3 keeps the density from piling up at one end of the grid; g4 <= 0 keeps the tails thin
        head = [(-0.3, 0.3), (-2.0, 0.0)]
        head += [(-8.0, 8.0)] * (N_COLUMNS * 3)
    return head + [(-5.0, 5.0)] * n_items + [(-4.0, 2.0)] * k


def _npar(kind: str, size: int, n_items: int, categories: int) -> int:
    # item offsets less the four that the stage columns' levels already carry
    shared = (n_items - N_COLUMNS) + (categories - 2)
    return shared + (size - 1 + size * N_COLUMNS if kind == "stages" else 2 + 3 * N_COLUMNS)


# --------------------------------------------------------------------------- likelihood


def _category_terms(loc: Array, slope: Array, thresholds: Array) -> tuple[Array, Array, Array]:
    """log P(c), dlogP/dloc and the pieces for dlogP/dtau; ``loc`` is (J, nodes)."""
    z = slope[:, None, None] * (thresholds[None, None, :] - loc[..., None])  # (J, nodes, K-1)
    cdf = expit(z)
    dens = cdf * (1 - cdf) * slope[:, None, None]
    shape = (*loc.shape, 1)
    upper = np.concatenate([cdf, np.ones(shape)], axis=-1)
    lower = np.concatenate([np.zeros(shape), cdf], axis=-1)
    d_upper = np.concatenate([dens, np.zeros(shape)], axis=-1)
    d_lower = np.concatenate([np.zeros(shape), dens], axis=-1)
    prob = np.clip(upper - lower, 1e-300, None)
    return np.log(prob), -(d_upper - d_lower) / prob, np.stack([d_upper, d_lower]) / prob


class _Objective:
    """Negative penalised log-likelihood and its gradient for one model on one data set."""

    def __init__(self, data: ItemData, kind: str, size: int) -> None:
        self.data, self.kind, self.size = data, kind, size
        self.onehot = data.onehot
        self.n_items = data.x.shape[1]
        self.nodes = (size if kind == "stages" else len(GRID)) * len(data.acquiescence)

    def location(self, table: Array, offsets: Array) -> Array:
        """(J, latent nodes * acquiescence nodes)."""
        d = self.data
        base = table[:, d.column].T + offsets[:, None]  # (J, latent)
        shift = d.direction[:, None] * d.acquiescence[None, :]  # (J, Q)
        return (base[:, :, None] + shift[:, None, :]).reshape(self.n_items, -1)

    def joint(self, params: Array) -> tuple[Array, tuple[Array, ...], tuple[Array, Array, Array]]:
        d = self.data
        unpacked = _unpack(self.kind, self.size, params, self.n_items, d.categories)
        logw, table, offsets, thresholds, _ = unpacked
        loc = self.location(table, offsets)
        terms = _category_terms(loc, d.slope, thresholds)
        flat = terms[0].transpose(0, 2, 1).reshape(self.n_items * d.categories, -1)  # (J*K, nodes)
        prior = (logw[:, None] + d.acquiescence_logw[None, :]).ravel()
        return self.onehot @ flat + prior[None, :], unpacked, terms

    def __call__(self, params: Array) -> tuple[float, Array]:
        d = self.data
        joint, (logw, _, offsets, _, gaps), (_, dloc, dtau) = self.joint(params)
        person = logsumexp(joint, axis=1)
        post = np.exp(joint - person[:, None])
        counts = (post.T @ self.onehot).reshape(self.nodes, self.n_items, d.categories).transpose(1, 0, 2)
        g_loc = (counts * dloc).sum(axis=2)  # (J, nodes)
        k1 = d.categories - 1
        g_tau = (counts[None] * dtau).sum(axis=(1, 2))  # (2, K): upper and lower ends
        g_thr = g_tau[0, :k1] - g_tau[1, 1:]  # d/d tau_k, k = 1..K-1
        # tau = c - mean(c), c = [0, cumsum(gaps)]: chain to the log-gaps
        jac = np.tril(np.ones((k1, k1 - 1)), -1) * gaps[None, :]
        jac -= jac.mean(axis=0, keepdims=True)
        g_gaps = g_thr @ jac
        g_latent = g_loc.reshape(self.n_items, -1, len(d.acquiescence)).sum(axis=2)  # (J, latent)
        g_offsets = g_latent.sum(axis=1) - 2 * _OFFSET_RIDGE * offsets
        g_table = np.zeros((g_latent.shape[1], N_COLUMNS))
        for t in range(N_COLUMNS):
            g_table[:, t] = g_latent[d.column == t].sum(axis=0)
        mass = post.reshape(len(person), -1, len(d.acquiescence)).sum(axis=(0, 2))
        g_weights = mass - len(person) * np.exp(logw)
        if self.kind == "stages":
            head = np.concatenate([g_weights[1:], g_table.ravel()])
        else:
            basis = np.column_stack([np.ones_like(GRID), GRID, GRID**2])
            head = np.concatenate([[g_weights @ GRID**3, g_weights @ GRID**4], (g_table.T @ basis).ravel()])
        value = person.sum() - _OFFSET_RIDGE * float(offsets @ offsets)
        grad = np.concatenate([head, g_offsets, g_gaps])
        return -float(value), -grad


def fit_structure(
    data: ItemData, kind: str, size: int, affinity: Array, thresholds: Array, *, start: Array | None = None
) -> FittedStructure:
    """Maximum-likelihood fit of ``stages`` (``size`` classes) or the ``continuum`` to ``data``."""
    objective = _Objective(data, kind, size)
    n_items = data.x.shape[1]
    x0 = _start(kind, size, n_items, affinity, thresholds) if start is None else start
    result = sopt.minimize(
        objective, x0, jac=True, method="L-BFGS-B",
        bounds=_bounds(kind, size, n_items, data.categories),
        options={"maxiter": 1000, "ftol": 1e-10, "gtol": 1e-5},
    )  # fmt: skip
    loglik = float(person_loglik(data, kind, size, result.x).sum())
    npar = _npar(kind, size, n_items, data.categories)
    return FittedStructure(kind, size, result.x, loglik, npar, bool(result.success))


def person_loglik(data: ItemData, kind: str, size: int, params: Array) -> Array:
    """Each person's marginal log-likelihood under fitted parameters (no penalty): held-out scoring."""
    joint, _, _ = _Objective(data, kind, size).joint(params)
    return np.asarray(logsumexp(joint, axis=1))


def simulate_answers(data: ItemData, fitted: FittedStructure, rng: np.random.Generator) -> ItemData:
    """A data set of the same size and missing pattern drawn from ``fitted`` (parametric bootstrap)."""
    objective = _Objective(data, fitted.kind, fitted.size)
    logw, table, offsets, thresholds, _ = _unpack(
        fitted.kind, fitted.size, fitted.params, objective.n_items, data.categories
    )
    n = data.x.shape[0]
    latent = rng.choice(len(logw), size=n, p=np.exp(logw - logsumexp(logw)))
    acq = np.asarray(rng.normal(0.0, _acquiescence_sd(data), size=n))
    loc = table[latent][:, data.column] + offsets[None, :] + acq[:, None] * data.direction[None, :]
    cum = expit(data.slope[None, :, None] * (thresholds[None, None, :] - loc[..., None]))
    draws = (rng.random((n, len(data.column)))[..., None] > cum).sum(axis=2)
    x = np.where(data.x >= 0, draws, -1)
    return ItemData(
        x, data.column, data.direction, data.slope, data.categories, data.acquiescence,
        data.acquiescence_logw,
    )  # fmt: skip


def _acquiescence_sd(data: ItemData) -> float:
    weights = np.exp(data.acquiescence_logw)
    return float(np.sqrt(weights @ data.acquiescence**2))
