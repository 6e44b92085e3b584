"""A second generator, built differently from what the scoring model assumes.

It exists to test that scoring does not merely fit its own simulator. Differences from the scoring
model's assumptions:

* probit (normal-ogive) answers with its own thresholds, not the ordered logit;
* a Gaussian-shaped ideal-point curve of agreement by stage distance, not the scoring table;
* strong acquiescence: a person-level shift on every raw answer (so it flips sign on reverse-keyed
  items once they are reverse-scored), which the scoring model does not model;
* item-specific difficulty (a fixed location shift per item);
* noisier context items;
* items missing at random (the rate depends on an observed attribute, ``mode``).

Because the generator is known exactly, its Bayes-optimal classifier is computable:
``P(s | x) ∝ π_s ∫ Π_j P(x_j | s, a) φ(a) da``, integrated over the acquiescence ``a`` with
Gauss-Hermite quadrature (60 nodes: exact to far below the Monte-Carlo error of any accuracy
reported). No rule can beat its accuracy on average, which gives the yardstick.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import ndtr

from allypath.instrument import Instrument, Item, load_instrument

__all__ = ["AlternativeGenerator", "highest_scale_mean"]


@dataclass(frozen=True)
class AlternativeGenerator:
    """Parameters of the robustness generator (see the module docstring)."""

    prior: tuple[float, float, float, float] = (0.2, 0.3, 0.3, 0.2)
    amplitude: float = 1.9
    width: float = 1.1
    baseline: float = -0.9
    thresholds: tuple[float, float, float, float] = (-1.3, -0.45, 0.45, 1.3)
    noise: float = 1.0
    context_noise: float = 1.7
    acquiescence_sd: float = 0.6
    difficulty_sd: float = 0.45
    missing_rates: tuple[float, float] = (0.05, 0.15)
    seed: int = 2024
    instrument: Instrument = field(default_factory=load_instrument)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(
            i for i in self.instrument.items if i.kind in ("stage", "context") and i.type == "likert"
        )

    def difficulties(self) -> np.ndarray:
        return np.random.default_rng(self.seed).normal(0.0, self.difficulty_sd, len(self.items))

    def _location(self, stage_idx: np.ndarray, item: Item) -> np.ndarray:
        assert item.stage is not None
        distance = (stage_idx + 1) - item.stage
        return self.baseline + self.amplitude * np.exp(-(distance**2) / (2 * self.width**2))

    def _noise(self, item: Item) -> float:
        return self.context_noise if item.kind == "context" else self.noise

    def generate(self, n: int, seed: int) -> pd.DataFrame:
        """``n`` respondents with ``true_stage`` and the stage and context items (raw answers 1-5)."""
        rng = np.random.default_rng(seed)
        stage_idx = rng.choice(4, size=n, p=self.prior)
        acquiescence = rng.normal(0.0, self.acquiescence_sd, size=n)
        mode = rng.integers(0, 2, size=n)
        cuts = np.asarray(self.thresholds)
        columns: dict[str, np.ndarray] = {}
        for item, difficulty in zip(self.items, self.difficulties(), strict=True):
            content = self._location(stage_idx, item) + difficulty
            # Acquiescence shifts the raw answer (towards "agree"), so on a reverse-keyed item it
            # pushes the reverse-scored answer the other way.
            direction = -1.0 if item.reverse else 1.0
            latent = content + direction * acquiescence + rng.normal(0.0, self._noise(item), size=n)
            scored = 1 + (latent[:, None] > cuts).sum(axis=1)
            raw = ((6 - scored) if item.reverse else scored).astype(float)
            raw[rng.random(n) < np.asarray(self.missing_rates)[mode]] = np.nan
            columns[item.id] = raw
        frame = pd.DataFrame(columns)
        frame.insert(0, "mode", mode)
        frame.insert(0, "true_stage", stage_idx + 1)
        return frame

    def bayes_posterior(self, frame: pd.DataFrame, nodes: int = 60) -> np.ndarray:
        """Exact posterior P(stage | answers) of this generator (n x 4)."""
        x_nodes, w_nodes = np.polynomial.hermite_e.hermegauss(nodes)
        acquiescence = x_nodes * self.acquiescence_sd
        log_w = np.log(w_nodes / w_nodes.sum())
        n = len(frame)
        loglik = np.zeros((n, 4, nodes))
        cuts = np.concatenate([[-np.inf], np.asarray(self.thresholds), [np.inf]])
        stages = np.arange(4)
        for item, difficulty in zip(self.items, self.difficulties(), strict=True):
            raw = frame[item.id].to_numpy(dtype=float)
            scored = np.where(np.isnan(raw), 0, (6 - raw) if item.reverse else raw).astype(int)
            direction = -1.0 if item.reverse else 1.0
            # mean of the latent answer per stage and quadrature node: (4, nodes)
            mean = (self._location(stages, item) + difficulty)[:, None] + direction * acquiescence[None, :]
            sd = self._noise(item)
            upper = ndtr((cuts[1:][:, None, None] - mean[None]) / sd)  # (5, 4, nodes)
            lower = ndtr((cuts[:-1][:, None, None] - mean[None]) / sd)
            table = np.zeros((6, 4, nodes))  # row 0: missing, no evidence
            table[1:] = np.log(np.clip(upper - lower, 1e-300, None))
            loglik += table[scored]
        total = loglik + log_w[None, None, :]
        peak = total.max(axis=2, keepdims=True)
        marginal = np.log(np.exp(total - peak).sum(axis=2)) + peak[..., 0]
        marginal += np.log(np.asarray(self.prior))[None, :]
        marginal -= marginal.max(axis=1, keepdims=True)
        post = np.exp(marginal)
        return post / post.sum(axis=1, keepdims=True)


def highest_scale_mean(frame: pd.DataFrame, instrument: Instrument | None = None) -> np.ndarray:
    """The plain rule: the stage whose scale has the highest mean (reverse-keyed items reversed)."""
    instrument = instrument or load_instrument()
    means = []
    for construct in sorted(instrument.constructs_of("stage"), key=lambda c: c.stage or 0):
        cols = []
        for item in construct.items:
            assert item.scale is not None
            values = frame[item.id].to_numpy(dtype=float)
            cols.append((item.scale.min + item.scale.max) - values if item.reverse else values)
        means.append(np.nanmean(np.column_stack(cols), axis=1))
    stacked = np.nan_to_num(np.column_stack(means), nan=-np.inf)
    return stacked.argmax(axis=1) + 1
