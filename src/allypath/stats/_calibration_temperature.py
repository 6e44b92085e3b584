"""Temperature of the stage posterior and its calibration error, from held-out answers alone.

A respondent's true stage is never observed, so the calibration of the stage probabilities cannot be
checked against it on real data. What can be checked is whether the stage probabilities anticipate
answers they were not computed from. For each held-out respondent, each stage scale is left out in
turn (all the items, stage and context, that express that stage): the stage probabilities from the
other three scales, tempered as ``p ** (1 / T)`` and renormalised, predict each left-out answer as
``sum_s p_T(s) P(answer | s, other answers)``.

* The temperature ``T`` maximises the log-likelihood of those predictions (a proper scoring rule on
  outcomes the probabilities did not see, as temperature scaling fits ``T`` on a validation set;
  Guo et al. 2017). When the model is right the untempered probabilities are the correct predictive
  weights, so ``T`` is 1 up to noise; when they are too sure of themselves, hedging predicts the
  left-out answers better and ``T`` exceeds 1.
* A whole scale is left out: answers to one scale share any person-level tendency on that scale the
  model does not represent, and with such answers on both sides a sharper posterior would be
  rewarded for predicting that tendency, not the stage (splitting each scale into halves gave
  temperatures of 1.0-1.5 on data that needed about 1.8).
* Each left-out answer is predicted on its own, not the scale's answers jointly: the calibrated
  model fits every item's answers given the stage, but not the extra agreement between answers to
  the same scale, and a joint prediction would ask the temperature to make up for that too (it gave
  2.5-2.8 where about 1.8 was right).
* The calibration error (ECE, 10 equal-width bins of the top stage probability) compares, in each
  bin, the mean top probability with the mean probability that the top stage is right once the
  left-out answers are read too (by a reference model): a label-free "hit rate". When the
  probabilities are calibrated the two agree in expectation (a posterior is a martingale); when they
  are overconfident the left-out answers pull the top stage down. Because the check starts from the
  probabilities it judges, it understates the error that true stages would show (measured in
  docs/methods.md), but it moves the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp

from allypath.stats._calibration_em import N_STAGES, ItemDesign, ModelParameters, log_tables

__all__ = [
    "ECE_BINS",
    "TEMPERATURE_BOUNDS",
    "LeftOutScales",
    "cross_fitted",
    "expected_calibration_error",
    "fit_temperature",
    "label_free_ece",
    "left_out_scales",
    "predictive_loglik",
    "temper",
]

#: Bounds of the fitted temperature: below 0.5 would sharpen probabilities past anything the checks
#: support; above 5 the probabilities are nearly flat and the model is not worth scoring with.
TEMPERATURE_BOUNDS = (0.5, 5.0)
#: Equal-width bins of the top probability in the expected calibration error.
ECE_BINS = 10


@dataclass(frozen=True)
class LeftOutScales:
    """One fold per stage scale with items; arrays are (folds, respondents, stages[, nodes]).

    Attributes
    ----------
    stage_logp : log P(stage | answers to the other scales), untempered.
    node_logp : log P(acquiescence node | stage, answers to the other scales).
    left_loglik : log P(answers to the left-out scale | stage, node), all of them jointly.
    answered : whether the respondent answered at least one left-out item (else the fold tells
        nothing about him and the error skips it).
    item_predictive : per fold, (left-out items, n, stages): the probability of each left-out
        answer given the stage and the other answers, ``sum_q P(q | s, other answers) P(answer |
        s, q)`` (1 for a missing answer). The temperature does not change it, so it is computed once.
    """

    stage_logp: np.ndarray
    node_logp: np.ndarray
    left_loglik: np.ndarray
    answered: np.ndarray
    item_predictive: tuple[np.ndarray, ...]

    @property
    def n(self) -> int:
        return int(self.stage_logp.shape[1])

    def rows(self, index: np.ndarray) -> LeftOutScales:
        """The same folds for a subset of respondents."""
        return LeftOutScales(
            self.stage_logp[:, index],
            self.node_logp[:, index],
            self.left_loglik[:, index],
            self.answered[:, index],
            tuple(items[:, index] for items in self.item_predictive),
        )

    def evidence(self) -> np.ndarray:
        """log P(left-out answers | stage, other answers), (folds, n, stages): acquiescence, which
        both sides share, integrated over its posterior given the other answers."""
        out: np.ndarray = logsumexp(self.node_logp + self.left_loglik, axis=-1)
        return out


def left_out_scales(
    p: ModelParameters, design: ItemDesign, nodes: np.ndarray, log_weights: np.ndarray
) -> LeftOutScales:
    """The leave-one-scale-out folds of ``design``'s respondents under the model ``p``."""
    table = log_tables(p, design, nodes)  # (items, K + 1, stages * nodes)
    n, n_nodes = design.codes.shape[0], len(nodes)
    scales = [t for t in range(N_STAGES) if np.any(design.column == t)]
    members = [np.flatnonzero(design.column == t) for t in scales]
    flat = np.zeros((len(scales), n, table.shape[2]))
    for f, items in enumerate(members):
        for j in items:
            flat[f] += table[j][design.codes[:, j]]
    per_scale = flat.reshape(len(scales), n, N_STAGES, n_nodes)
    prior = np.log(p.prior)[:, None] + log_weights[None, :]
    kept = per_scale.sum(axis=0)[None] - per_scale + prior[None, None]
    joint = logsumexp(kept, axis=-1)  # (folds, n, stages)
    stage_logp = joint - logsumexp(joint, axis=-1, keepdims=True)
    node_logp = kept - joint[..., None]
    item_predictive = tuple(
        np.stack([_answer_given_stage(table[j], design.codes[:, j], node_logp[f]) for j in items])
        for f, items in enumerate(members)
    )
    return LeftOutScales(
        stage_logp=stage_logp,
        node_logp=node_logp,
        left_loglik=per_scale,
        answered=np.stack([(design.codes[:, items] > 0).any(axis=1) for items in members]),
        item_predictive=item_predictive,
    )


def _answer_given_stage(table: np.ndarray, codes: np.ndarray, node_logp: np.ndarray) -> np.ndarray:
    """(n, stages): P(each respondent's answer | stage, other answers), acquiescence integrated over
    its posterior given the other answers; ``table`` is the item's (K + 1, stages * nodes)."""
    answer = table[codes].reshape(node_logp.shape)
    out: np.ndarray = np.exp(logsumexp(node_logp + answer, axis=-1))
    return out


def temper(stage_logp: np.ndarray, temperature: float | np.ndarray) -> np.ndarray:
    """log of ``p ** (1 / T)`` renormalised over the last axis (as the scoring kernel tempers);
    ``temperature`` may be an array broadcast against ``stage_logp``."""
    scaled = stage_logp / temperature
    out: np.ndarray = scaled - logsumexp(scaled, axis=-1, keepdims=True)
    return out


def predictive_loglik(folds: LeftOutScales, temperature: float) -> np.ndarray:
    """Per respondent, the summed log-probability of each left-out answer predicted from the
    tempered stage probabilities of the other scales, (n,). A missing answer adds 0."""
    stage_p = np.exp(temper(folds.stage_logp, temperature))
    total = np.zeros(folds.n)
    for f, items in enumerate(folds.item_predictive):
        total += np.log(np.einsum("jns,ns->jn", items, stage_p[f])).sum(axis=0)
    return total


def fit_temperature(folds: LeftOutScales) -> float:
    """The temperature in ``TEMPERATURE_BOUNDS`` that best predicts the left-out answers.

    Searched on log T (bounded scalar search): the predictive log-likelihood is smooth in it and a
    step from 1 to 2 weighs as much as one from 1 to 0.5.
    """
    low, high = np.log(TEMPERATURE_BOUNDS)

    def loss(log_t: float) -> float:
        return -float(predictive_loglik(folds, float(np.exp(log_t))).sum())

    found = minimize_scalar(loss, bounds=(low, high), method="bounded", options={"xatol": 1e-3})
    return float(np.exp(found.x))


def cross_fitted(folds: LeftOutScales, parts: int) -> tuple[np.ndarray, np.ndarray]:
    """Each respondent's temperature fitted without him, and his predictive gain from it.

    The respondents are cut into ``parts`` consecutive groups (they are a random draw already); a
    group is tempered with the temperature fitted on the others. Returns the per-respondent
    temperature and ``predictive_loglik(T) - predictive_loglik(1)``, both (n,): an out-of-sample
    gain, so a temperature that only fits noise shows no gain on average.
    """
    group = np.arange(folds.n) * parts // max(folds.n, 1)
    temperature = np.ones(folds.n)
    gain = np.zeros(folds.n)
    for g in range(parts):
        mine = np.flatnonzero(group == g)
        t = fit_temperature(folds.rows(np.flatnonzero(group != g)))
        part = folds.rows(mine)
        temperature[mine] = t
        gain[mine] = predictive_loglik(part, t) - predictive_loglik(part, 1.0)
    return temperature, gain


def expected_calibration_error(top: np.ndarray, hit: np.ndarray, bins: int = ECE_BINS) -> float:
    """Binned ECE: ``sum_b (n_b / n) |mean top_b - mean hit_b|`` over equal-width bins of ``top``.

    ``hit`` is 0/1 where the truth is known, or a probability that the top class is right.
    """
    top, hit = np.asarray(top, dtype=float), np.asarray(hit, dtype=float)
    if len(top) == 0:
        return float("nan")
    which = np.minimum((top * bins).astype(int), bins - 1)
    # sum_b (n_b / n) |mean(top - hit) in b| = sum_b |sum of (top - hit) in b| / n
    gap = np.bincount(which, weights=top - hit, minlength=bins)
    return float(np.abs(gap).sum() / len(top))


def label_free_ece(stage_logp: np.ndarray, evidence: np.ndarray, answered: np.ndarray) -> float:
    """ECE of the stage probabilities ``stage_logp`` (folds, n, stages), judged by the left-out
    answers' ``evidence`` (a reference model's, same shape): the "hit" of a top stage is its
    probability once the left-out answers are read too."""
    top = stage_logp.argmax(axis=-1)[..., None]
    updated = stage_logp + evidence
    updated -= logsumexp(updated, axis=-1, keepdims=True)
    p_top = np.exp(np.take_along_axis(stage_logp, top, axis=-1)[..., 0])
    hit = np.exp(np.take_along_axis(updated, top, axis=-1)[..., 0])
    return expected_calibration_error(p_top[answered], hit[answered])
