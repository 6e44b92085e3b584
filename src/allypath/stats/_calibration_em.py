"""EM for the ordinal ideal-point stage model (the numeric core of :mod:`allypath.stats.calibration`).

The model is the scoring engine's (:class:`allypath.scoring.StageModel`): person i has a stage
``s`` (prior ``pi``) and an acquiescence ``a = sd * z`` (``z ~ N(0, 1)``, integrated on the model's
Gauss-Hermite nodes); his answer to item j is an ordered logit with location

    eta_jsq = affinity[s, t_j] + offset_j + direction_j * sd * z_q

and slope ``discrimination[kind_j]``. The E-step computes the joint posterior over (stage, node) of
every respondent; the expected complete-data log-likelihood then depends on the data only through
the expected counts ``N[j, c, s, q]`` (answers c to item j among people at stage s and node q), so
the M-step is a small smooth problem (items x categories x stages x nodes) solved by L-BFGS-B with
analytic gradients.

Identification (each constraint removes one direction the likelihood cannot see):

* scale: the slope of the ``stage`` items stays at the base model's value (other kinds are free
  relative to it);
* location: the mean of the thresholds stays at the base model's value;
* item offsets sum to zero within the items of each affinity column (else a column shift and the
  offsets trade off);
* development order: the Apathy column of the affinity decreases and the Energised column increases
  with the stage (by at least ``MIN_STEP``), so stage 1 is always the least and stage 4 the most
  developed class (no label switching) and the developmental index stays monotone in those answers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

__all__ = ["EMResult", "ItemDesign", "ModelParameters", "fit_em", "posterior"]

N_STAGES = 4
# Smallest step between adjacent thresholds and in the monotone affinity columns.
MIN_STEP = 0.05
# A weak N(0, OFFSET_PRIOR_SD^2) prior on item offsets: negligible with thousands of answers, but it
# keeps an item that (almost) nobody disagrees with from running its offset off to infinity.
OFFSET_PRIOR_SD = 1.5
_SLOPE_BOUNDS = (np.log(0.1), np.log(5.0))
_SD_BOUNDS = (0.0, 3.0)


@dataclass(frozen=True)
class ItemDesign:
    """The stage-informative items and the answers to them.

    Attributes
    ----------
    item_ids : item ids, in column order of ``codes``.
    column : affinity column (0..3: the stage the item expresses) per item.
    direction : +1, or -1 for a reverse-keyed item (acquiescence pushes its scored answer down).
    kinds : construct kind per item (``stage`` or ``context``).
    codes : (n, items) category codes 1..K after reverse keying, 0 = missing.
    categories : K.
    fixed_slopes : per item, a slope the base model fixes for that item (its
        ``item_discrimination``), NaN where the item takes its kind's slope.
    """

    item_ids: tuple[str, ...]
    column: np.ndarray
    direction: np.ndarray
    kinds: tuple[str, ...]
    codes: np.ndarray
    categories: int
    fixed_slopes: np.ndarray

    @property
    def n_items(self) -> int:
        return len(self.item_ids)


@dataclass
class ModelParameters:
    """Values of the free parts of a stage model (what EM updates)."""

    thresholds: np.ndarray  # (K - 1,)
    affinity: np.ndarray  # (4, 4)
    offsets: np.ndarray  # (items,)
    slopes: dict[str, float]  # per kind
    acquiescence_sd: float
    prior: np.ndarray  # (4,)

    def copy(self) -> ModelParameters:
        return ModelParameters(
            self.thresholds.copy(),
            self.affinity.copy(),
            self.offsets.copy(),
            dict(self.slopes),
            self.acquiescence_sd,
            self.prior.copy(),
        )


@dataclass
class EMResult:
    """What :func:`fit_em` returns."""

    parameters: ModelParameters
    loglik: float
    history: list[float]
    iterations: int
    converged: bool
    npar: int
    stage_posterior: np.ndarray  # (n, 4)
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- likelihood pieces


def _locations(p: ModelParameters, design: ItemDesign, nodes: np.ndarray) -> np.ndarray:
    """eta[j, s, q] (items x stages x nodes)."""
    base = p.affinity[:, design.column].T + p.offsets[:, None]  # (J, S)
    shift = design.direction[:, None] * p.acquiescence_sd * nodes[None, :]  # (J, Q)
    eta: np.ndarray = base[:, :, None] + shift[:, None, :]
    return eta


def _item_slopes(p: ModelParameters, design: ItemDesign) -> np.ndarray:
    by_kind = np.array([p.slopes[kind] for kind in design.kinds])
    return np.where(np.isnan(design.fixed_slopes), by_kind, design.fixed_slopes)


def _cumulative(
    thresholds: np.ndarray, eta: np.ndarray, slopes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(category), the logistic CDF at each threshold and its density, all (J, S, Q, .)."""
    u = slopes[:, None, None, None] * (thresholds[None, None, None, :] - eta[..., None])
    cdf = 0.5 * (1.0 + np.tanh(0.5 * u))  # the logistic function, without overflow warnings
    zeros = np.zeros((*eta.shape, 1))
    probs = np.diff(np.concatenate([zeros, cdf, zeros + 1.0], axis=-1), axis=-1)
    return np.clip(probs, 1e-12, None), cdf, cdf * (1.0 - cdf)


def log_tables(p: ModelParameters, design: ItemDesign, nodes: np.ndarray) -> np.ndarray:
    """log P(code c | s, q) per item as (J, K + 1, S * Q); code 0 (missing) holds zeros."""
    probs, _, _ = _cumulative(p.thresholds, _locations(p, design, nodes), _item_slopes(p, design))
    n_items, _, n_nodes, k = probs.shape
    table = np.zeros((n_items, k + 1, N_STAGES * n_nodes))
    table[:, 1:, :] = np.log(probs).transpose(0, 3, 1, 2).reshape(n_items, k, N_STAGES * n_nodes)
    return table


def _joint_loglik(p: ModelParameters, design: ItemDesign, nodes: np.ndarray) -> np.ndarray:
    """log P(answers_i | s, q) for every respondent, (n, S * Q)."""
    table = log_tables(p, design, nodes)
    total = np.zeros((design.codes.shape[0], table.shape[2]))
    for j in range(design.n_items):
        total += table[j][design.codes[:, j]]
    return total


def posterior(
    p: ModelParameters, design: ItemDesign, nodes: np.ndarray, log_weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Joint posterior over (stage, node), (n, S * Q), and each respondent's marginal log-likelihood."""
    joint = _joint_loglik(p, design, nodes)
    joint += (np.log(p.prior)[:, None] + log_weights[None, :]).reshape(-1)[None, :]
    peak = joint.max(axis=1, keepdims=True)
    weights = np.exp(joint - peak)
    total = weights.sum(axis=1, keepdims=True)
    return weights / total, (np.log(total) + peak)[:, 0]


# --------------------------------------------------------------------------- parametrisation


class _Layout:
    """Maps a flat vector theta to the parameters, linearly except slopes (log) and the sd.

    Every linear block is ``value = matrix @ theta[block] (+ constant)``, so the gradient with
    respect to theta is ``matrix.T @ gradient with respect to value``.
    """

    def __init__(self, design: ItemDesign, base: ModelParameters, free_kinds: tuple[str, ...], *, sd: bool):
        self.design = design
        self.fixed_slopes = {k: v for k, v in base.slopes.items() if k not in free_kinds}
        self.free_kinds = free_kinds
        self.estimate_sd = sd
        self.threshold_centre = float(base.thresholds.mean())
        k1 = len(base.thresholds)
        # thresholds = centred cumulative sum of the gaps (gap 1 is the position of the first
        # threshold, which centring removes, so only the k1 - 1 later gaps are free).
        cumulative = np.tril(np.ones((k1, k1)))[:, 1:]
        self.threshold_matrix = cumulative - cumulative.mean(axis=0, keepdims=True)
        # affinity: columns 0 and 3 are a start value and monotone steps, columns 1 and 2 free.
        self.affinity_matrix = np.zeros((16, 16))
        for s in range(N_STAGES):
            self.affinity_matrix[s * 4 + 0, 0] = 1.0
            self.affinity_matrix[s * 4 + 0, 1 : 1 + s] = -1.0
            self.affinity_matrix[s * 4 + 3, 4] = 1.0
            self.affinity_matrix[s * 4 + 3, 5 : 5 + s] = 1.0
            self.affinity_matrix[s * 4 + 1, 8 + s] = 1.0
            self.affinity_matrix[s * 4 + 2, 12 + s] = 1.0
        # offsets: within each affinity column, the last item's offset is minus the sum of the others.
        columns = []
        for t in range(N_STAGES):
            members = np.flatnonzero(design.column == t)
            for free in members[:-1]:
                basis = np.zeros(design.n_items)
                basis[free] = 1.0
                basis[members[-1]] = -1.0
                columns.append(basis)
        self.offset_matrix = np.array(columns).T if columns else np.zeros((design.n_items, 0))
        sizes = [k1 - 1, 16, self.offset_matrix.shape[1], len(free_kinds), int(sd)]
        edges = np.cumsum([0, *sizes])
        self.blocks = [slice(int(a), int(b)) for a, b in itertools.pairwise(edges)]
        self.size = int(edges[-1])

    def bounds(self) -> list[tuple[float | None, float | None]]:
        t, a, _o, s, d = self.blocks
        out: list[tuple[float | None, float | None]] = [(None, None)] * self.size
        for i in range(t.start, t.stop):
            out[i] = (MIN_STEP, None)
        for i in (*range(a.start + 1, a.start + 4), *range(a.start + 5, a.start + 8)):
            out[i] = (MIN_STEP, None)
        for i in range(s.start, s.stop):
            out[i] = _SLOPE_BOUNDS
        for i in range(d.start, d.stop):
            out[i] = _SD_BOUNDS
        return out

    def encode(self, p: ModelParameters) -> np.ndarray:
        """theta for ``p``, projected onto the constraints (steps clipped to ``MIN_STEP``)."""
        theta = np.zeros(self.size)
        t, a, o, s, d = self.blocks
        theta[t] = np.maximum(np.diff(p.thresholds), MIN_STEP)
        aff = p.affinity
        theta[a.start] = aff[0, 0]
        theta[a.start + 1 : a.start + 4] = np.maximum(-np.diff(aff[:, 0]), MIN_STEP)
        theta[a.start + 4] = aff[0, 3]
        theta[a.start + 5 : a.start + 8] = np.maximum(np.diff(aff[:, 3]), MIN_STEP)
        theta[a.start + 8 : a.start + 12] = aff[:, 1]
        theta[a.start + 12 : a.start + 16] = aff[:, 2]
        if self.offset_matrix.shape[1]:
            theta[o] = np.linalg.lstsq(self.offset_matrix, p.offsets, rcond=None)[0]
        theta[s] = [np.clip(np.log(p.slopes[k]), *_SLOPE_BOUNDS) for k in self.free_kinds]
        if self.estimate_sd:
            theta[d] = np.clip(p.acquiescence_sd, *_SD_BOUNDS)
        return theta

    def decode(self, theta: np.ndarray, prior: np.ndarray, sd: float) -> ModelParameters:
        t, a, o, s, d = self.blocks
        slopes = dict(self.fixed_slopes)
        slopes.update({k: float(np.exp(v)) for k, v in zip(self.free_kinds, theta[s], strict=True)})
        return ModelParameters(
            thresholds=self.threshold_matrix @ theta[t] + self.threshold_centre,
            affinity=(self.affinity_matrix @ theta[a]).reshape(N_STAGES, N_STAGES),
            offsets=self.offset_matrix @ theta[o],
            slopes=slopes,
            acquiescence_sd=float(theta[d][0]) if self.estimate_sd else sd,
            prior=prior,
        )


def centre_offsets(p: ModelParameters, design: ItemDesign) -> ModelParameters:
    """Move each column's mean offset into the affinity column (same model, identified offsets)."""
    out = p.copy()
    for t in range(N_STAGES):
        members = design.column == t
        if members.any():
            mean = float(out.offsets[members].mean())
            out.offsets[members] -= mean
            out.affinity[:, t] += mean
    return out


# --------------------------------------------------------------------------- M-step


def _expected_counts(posterior_sq: np.ndarray, one_hot: np.ndarray, design: ItemDesign) -> np.ndarray:
    """N[j, c, s, q] = sum_i r_i(s, q) [code_ij = c] for c = 1..K, as (J, S, Q, K)."""
    k = design.categories
    counts = (one_hot.T @ posterior_sq).reshape(design.n_items, k + 1, N_STAGES, -1)[:, 1:]
    out: np.ndarray = counts.transpose(0, 2, 3, 1)
    return out


def _objective(
    layout: _Layout, counts: np.ndarray, nodes: np.ndarray, prior: np.ndarray, sd: float
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Negative expected complete-data log-likelihood (+ offset prior) and its gradient in theta."""
    design = layout.design
    # an item with its own fixed slope does not inform its kind's slope
    kind_index = {
        kind: np.array([k == kind for k in design.kinds]) & np.isnan(design.fixed_slopes)
        for kind in layout.free_kinds
    }

    def value_and_gradient(theta: np.ndarray) -> tuple[float, np.ndarray]:
        p = layout.decode(theta, prior, sd)
        eta = _locations(p, design, nodes)
        slopes = _item_slopes(p, design)
        probs, _, density = _cumulative(p.thresholds, eta, slopes)
        value = float(np.sum(counts * np.log(probs)))
        ratio = counts / probs
        # d value / d u_k, u_k = slope (tau_k - eta): category k gains F_k, category k + 1 loses it.
        du = (ratio[..., :-1] - ratio[..., 1:]) * density  # (J, S, Q, K - 1)
        slope4 = slopes[:, None, None, None]
        d_tau = np.sum(du * slope4, axis=(0, 1, 2))
        d_eta = -np.sum(du, axis=-1) * slopes[:, None, None]  # (J, S, Q)
        d_slope = np.sum(du * (p.thresholds[None, None, None, :] - eta[..., None]), axis=(1, 2, 3))
        d_affinity = np.zeros((N_STAGES, N_STAGES))
        per_stage = d_eta.sum(axis=2)  # (J, S)
        for t in range(N_STAGES):
            d_affinity[:, t] = per_stage[design.column == t].sum(axis=0)
        d_offsets = per_stage.sum(axis=1)
        # the offset prior (MAP): -o^2 / (2 sd^2)
        value -= float(np.sum(p.offsets**2)) / (2 * OFFSET_PRIOR_SD**2)
        d_offsets = d_offsets - p.offsets / OFFSET_PRIOR_SD**2
        t_block, a_block, o_block, s_block, d_block = layout.blocks
        grad = np.zeros(layout.size)
        grad[t_block] = layout.threshold_matrix.T @ d_tau
        grad[a_block] = layout.affinity_matrix.T @ d_affinity.reshape(-1)
        grad[o_block] = layout.offset_matrix.T @ d_offsets
        grad[s_block] = [float(np.sum(d_slope[kind_index[k]]) * p.slopes[k]) for k in layout.free_kinds]
        if layout.estimate_sd:
            grad[d_block] = float(np.sum(d_eta * design.direction[:, None, None] * nodes[None, None, :]))
        return -value, -grad

    return value_and_gradient


# --------------------------------------------------------------------------- EM


def count_parameters(layout: _Layout) -> int:
    """Free parameters: theta plus the three free prior probabilities."""
    return layout.size + N_STAGES - 1


def fit_em(
    design: ItemDesign,
    start: ModelParameters,
    nodes: np.ndarray,
    log_weights: np.ndarray,
    *,
    free_kinds: tuple[str, ...],
    max_iter: int = 500,
    tol: float = 1e-6,
    progress: Callable[[int, float], None] | None = None,
) -> EMResult:
    """Maximise the marginal likelihood by EM from ``start``.

    ``nodes`` are the standardised acquiescence nodes (``z_q``) and ``log_weights`` their log
    quadrature weights. Stops when the log-likelihood gains less than ``tol`` per respondent in an
    iteration. The acquiescence sd is estimated when there is more than one node.
    """
    estimate_sd = len(nodes) > 1
    layout = _Layout(design, start, free_kinds, sd=estimate_sd)
    one_hot = np.zeros((design.codes.shape[0], design.n_items * (design.categories + 1)))
    rows = np.arange(design.codes.shape[0])
    for j in range(design.n_items):
        one_hot[rows, j * (design.categories + 1) + design.codes[:, j]] = 1.0
    theta = layout.encode(start)
    current = layout.decode(theta, start.prior, start.acquiescence_sd)
    history: list[float] = []
    converged = False
    n = max(design.codes.shape[0], 1)
    iteration = 0
    for iteration in range(1, max_iter + 1):
        post_sq, marginal = posterior(current, design, nodes, log_weights)
        history.append(float(marginal.sum()))
        if progress is not None:
            progress(iteration, history[-1])
        if len(history) > 1 and abs(history[-1] - history[-2]) < tol * n:
            converged = True
            break
        stage_mass = post_sq.reshape(-1, N_STAGES, len(nodes)).sum(axis=(0, 2))
        prior = stage_mass / stage_mass.sum()
        counts = _expected_counts(post_sq, one_hot, design)
        solution = minimize(
            _objective(layout, counts, nodes, prior, current.acquiescence_sd),
            theta,
            jac=True,
            method="L-BFGS-B",
            bounds=layout.bounds(),
            options={"maxiter": 200, "ftol": 1e-12, "gtol": 1e-8},
        )
        theta = solution.x
        current = layout.decode(theta, prior, current.acquiescence_sd)
    post_sq, marginal = posterior(current, design, nodes, log_weights)
    stage_posterior = post_sq.reshape(-1, N_STAGES, len(nodes)).sum(axis=2)
    warnings = [] if converged else [f"EM stopped after {max_iter} iterations before converging"]
    return EMResult(
        parameters=current,
        loglik=float(marginal.sum()),
        history=history,
        iterations=iteration,
        converged=converged,
        npar=count_parameters(layout),
        stage_posterior=stage_posterior,
        warnings=warnings,
    )
