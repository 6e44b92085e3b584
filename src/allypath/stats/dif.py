"""Do the stage items work the same in every group? Differential item functioning (DIF) of the scoring
model's items across languages or organisations (method: docs/methods.md).

The test is the anchored likelihood-ratio test of item response theory (Thissen, Steinberg & Wainer
1988) on the model that assigns the stages (:class:`allypath.scoring.StageModel`, the item likelihood
of :mod:`allypath.stats._calibration_em`). For each stage-informative item in turn:

* every *other* item keeps the scoring model's parameters, the same in every group (the anchors);
* each group has its own stage mix (a group may simply have more Reflective men: that is not DIF),
  so the stage posteriors come from the anchored model;
* **compact** model: the studied item has one offset for all groups; **augmented** model: one offset
  per group (uniform DIF: the item is easier to agree with in one group at the same stage);
* ``LR = 2 (loglik augmented - loglik compact)`` is chi-square with ``groups - 1`` df under no DIF;
  p-values are adjusted over the items by Benjamini & Hochberg (1995).

A significant LR on thousands of answers can be trivial, so each item also gets an **effect size** a
reader can judge: the largest difference, between two groups at the same stage, of the expected
answer on the item's 1-5 scale (acquiescence integrated out), with the bands ``negligible`` (below
0.25 of a scale point), ``moderate`` (0.25-0.5) and ``large`` (above 0.5). An item is **flagged**
only when its adjusted p is below ``alpha`` *and* its effect is at least moderate.

One round of purification (Candell & Drasgow 1988): items flagged in the first pass get their own
offset per group in the anchors, and every item is tested again, so that one item with DIF does not
distort the stage posteriors that the others are judged by.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import chi2
from statsmodels.stats.multitest import multipletests

from allypath._blas import single_threaded_blas
from allypath.errors import StatsError
from allypath.instrument import Instrument, load_instrument
from allypath.scoring import StageModel, choose_form, load_stage_model, score
from allypath.stats._calibration_em import N_STAGES, ItemDesign, ModelParameters, log_tables
from allypath.stats.calibration import _design, _parameters, _standard_nodes

__all__ = ["DIF_BANDS", "DIFResult", "ItemDIF", "item_dif"]

#: Effect-size bands on the answer scale (largest difference in expected answer at the same stage).
DIF_BANDS = {"moderate": 0.25, "large": 0.5}
#: Fewest placed respondents for a group to be tested.
MIN_GROUP_SIZE = 100
#: Larger groups are subsampled at random (fixed seed) to this many placed respondents: the test
#: already detects a moderate shift at this size, and the time grows with the rows.
MAX_PER_GROUP = 2000
_OFFSET_BOUND = 6.0  # logits: an offset this far out means (almost) everyone gives one answer
_STEP = 1e-5  # central difference of the item's category probabilities in its offset


@dataclass(frozen=True)
class ItemDIF:
    """The DIF test of one item.

    Attributes
    ----------
    item, stage, kind : the item, the stage it expresses (1-4) and its construct kind.
    lr, df, p_value, p_adjusted : the likelihood-ratio test and its Benjamini-Hochberg adjusted p.
    offsets : the item's offset per group (augmented model, on the reverse-scored logit scale).
    offset_common : its offset in the compact model.
    effect : largest difference in expected answer (1-5 scale) between two groups at the same stage.
    effect_stage : the stage (1-4) where that difference is largest.
    agrees_more, agrees_less : the groups that agree most and least with the statement as written
        there (raw answers, before reverse keying).
    size : ``negligible``, ``moderate`` or ``large`` (:data:`DIF_BANDS`).
    flagged : adjusted p below alpha and the effect at least moderate.
    """

    item: str
    stage: int
    kind: str
    lr: float
    df: int
    p_value: float
    p_adjusted: float
    offsets: dict[str, float]
    offset_common: float
    effect: float
    effect_stage: int
    agrees_more: str
    agrees_less: str
    size: str
    flagged: bool

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class DIFResult:
    """DIF of every stage-informative item across the groups of one column.

    Attributes
    ----------
    group : the grouping column.
    groups : placed respondents per tested group (after subsampling to ``max_per_group``).
    placed : placed respondents per tested group before subsampling.
    too_small : groups left out, with their placed respondents (fewer than ``min_group_size``).
    stage_mix : each tested group's stage mix under the anchored model.
    items : one :class:`ItemDIF` per item, in the instrument's order.
    purified : items flagged in the first pass and given group offsets in the anchors of the second.
    model : label of the scoring model whose items are tested.
    alpha, min_group_size, max_per_group, seed : the settings.
    """

    group: str
    groups: dict[str, int]
    placed: dict[str, int]
    too_small: dict[str, int]
    stage_mix: dict[str, list[float]]
    items: list[ItemDIF]
    purified: list[str]
    model: str
    alpha: float
    min_group_size: int
    max_per_group: int
    seed: int
    first_pass: list[ItemDIF] = field(default_factory=list, repr=False)

    @property
    def flagged(self) -> list[ItemDIF]:
        return [item for item in self.items if item.flagged]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``first_pass`` left out: ``purified`` names what it changed)."""
        return {
            "group": self.group,
            "groups": dict(self.groups),
            "placed": dict(self.placed),
            "too_small": dict(self.too_small),
            "subsampled": any(self.placed[g] > n for g, n in self.groups.items()),
            "stage_mix": {k: list(v) for k, v in self.stage_mix.items()},
            "items": [item.to_dict() for item in self.items],
            "flagged": [item.item for item in self.flagged],
            "purified": list(self.purified),
            "model": self.model,
            "rules": {
                "alpha": self.alpha,
                "p_adjustment": "Benjamini-Hochberg over the items",
                "bands": dict(DIF_BANDS),
                "min_group_size": self.min_group_size,
                "max_per_group": self.max_per_group,
                "seed": self.seed,
            },
        }


# --------------------------------------------------------------------------- the anchored model


@dataclass(frozen=True)
class _Anchored:
    """The answers of one analysis and the scoring model's item likelihood on them."""

    design: ItemDesign
    parameters: ModelParameters
    nodes: np.ndarray  # standardised acquiescence nodes
    log_weights: np.ndarray
    group: np.ndarray  # (n,) group index
    n_groups: int

    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    def item_probabilities(self, j: int, offsets: np.ndarray) -> np.ndarray:
        """P(code | stage, node) of item j at each of ``offsets``, (len(offsets), K + 1, S * Q); code 0
        (missing) has probability 1. One call of the calibration module's likelihood for them all."""
        count = len(offsets)
        design = dataclasses.replace(
            self.design,
            item_ids=(self.design.item_ids[j],) * count,
            column=np.repeat(self.design.column[j], count),
            direction=np.repeat(self.design.direction[j], count),
            kinds=(self.design.kinds[j],) * count,
            codes=self.design.codes[:1, [j] * count],
            fixed_slopes=np.repeat(self.design.fixed_slopes[j], count),
        )
        parameters = dataclasses.replace(self.parameters, offsets=np.asarray(offsets, dtype=float))
        return np.exp(log_tables(parameters, design, self.nodes))

    def item_loglik(self, j: int, offsets: np.ndarray) -> np.ndarray:
        """log P(answer to item j | stage, node) per respondent with a per-group offset, (n, S * Q)."""
        tables = np.log(self.item_probabilities(j, offsets))
        out: np.ndarray = tables[self.group, self.design.codes[:, j]]
        return out

    def joint(self, group_offsets: dict[int, np.ndarray]) -> np.ndarray:
        """log P(all answers | stage, node), (n, S * Q); items in ``group_offsets`` get group offsets."""
        table = log_tables(self.parameters, self.design, self.nodes)
        total = np.zeros((self.design.codes.shape[0], table.shape[2]))
        for j in range(self.design.n_items):
            total += (
                self.item_loglik(j, group_offsets[j])
                if j in group_offsets
                else table[j][self.design.codes[:, j]]
            )
        return total

    def stage_mix(self, joint: np.ndarray, tol: float = 1e-9, max_iter: int = 500) -> np.ndarray:
        """Each group's stage mix maximising the anchored likelihood (EM over the priors), (G, S)."""
        weights = np.exp(joint - joint.max(axis=1, keepdims=True)).reshape(-1, N_STAGES, self.n_nodes)
        by_stage = (weights * np.exp(self.log_weights)[None, None, :]).sum(axis=2)  # (n, S)
        mix = np.tile(self.parameters.prior, (self.n_groups, 1))
        for _ in range(max_iter):
            post = by_stage * mix[self.group]
            post /= post.sum(axis=1, keepdims=True)
            new = np.array([post[self.group == g].mean(axis=0) for g in range(self.n_groups)])
            done = np.abs(new - mix).max() < tol
            mix = new
            if done:
                break
        return np.clip(mix, 1e-6, None) / np.clip(mix, 1e-6, None).sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class _Fit:
    loglik: float
    offsets: np.ndarray  # (G,)
    mix: np.ndarray  # (G, S)


def _fit_item(anchored: _Anchored, j: int, rest: np.ndarray, start: _Fit, *, free: bool) -> _Fit:
    """Maximise the marginal likelihood over item j's offset(s) and the groups' stage mixes.

    ``rest`` is log P(other answers | stage, node), (n, S * Q). A respondent's likelihood is
    ``sum_k rest_k * cell_k * P(his answer | k)`` over the stage x node cells k, so the rows are
    blocked by group and answer and every term is a matrix-vector product. The gradient is exact in
    the stage mix (softmax logits) and takes a central difference of the item's category
    probabilities in its offset (a tiny table; the likelihood stays the calibration module's).
    """
    n_groups, n_nodes = anchored.n_groups, anchored.n_nodes
    codes = anchored.design.codes[:, j]
    shift = rest.max(axis=1)
    scaled = np.exp(rest - shift[:, None])
    categories = anchored.design.categories
    blocks = [
        [np.ascontiguousarray(scaled[(anchored.group == g) & (codes == c)]) for c in range(categories + 1)]
        for g in range(n_groups)
    ]
    sizes = np.bincount(anchored.group, minlength=n_groups)
    constant = float(shift.sum())
    node_weights = np.exp(anchored.log_weights)
    n_offsets = n_groups if free else 1
    steps = np.array([0.0, _STEP, -_STEP])

    def unpack(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        offsets = theta[:n_offsets] if free else np.repeat(theta[0], n_groups)
        logits = np.zeros((n_groups, N_STAGES))
        logits[:, 1:] = theta[n_offsets:].reshape(n_groups, N_STAGES - 1)
        mix = np.exp(logits - logits.max(axis=1, keepdims=True))
        return offsets, mix / mix.sum(axis=1, keepdims=True)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        offsets, mix = unpack(theta)
        tables = anchored.item_probabilities(j, (offsets[:, None] + steps[None, :]).reshape(-1))
        value, grad = constant, np.zeros_like(theta)
        for g in range(n_groups):
            probs, upper, lower = tables[3 * g], tables[3 * g + 1], tables[3 * g + 2]
            slope = (upper - lower) / (2 * _STEP)
            cell = (mix[g][:, None] * node_weights[None, :]).reshape(-1)  # (S * Q)
            d_cells = np.zeros_like(cell)
            for c, block in enumerate(blocks[g]):
                if not len(block):
                    continue
                weights = cell * probs[c]
                total = block @ weights
                value += float(np.log(total).sum())
                inverse = block.T @ (1.0 / total)  # (S * Q)
                grad[g if free else 0] += float(inverse @ (cell * slope[c]))
                d_cells += inverse * weights
            d_mix = d_cells.reshape(N_STAGES, n_nodes).sum(axis=1) - sizes[g] * mix[g]
            grad[n_offsets + g * (N_STAGES - 1) : n_offsets + (g + 1) * (N_STAGES - 1)] = d_mix[1:]
        return -value, -grad

    start_offsets = start.offsets if free else np.array([float(np.mean(start.offsets))])
    logits = np.log(start.mix / start.mix[:, :1])[:, 1:]
    theta0 = np.concatenate([start_offsets, logits.reshape(-1)])
    bounds = [(-_OFFSET_BOUND, _OFFSET_BOUND)] * n_offsets + [(-20.0, 20.0)] * (n_groups * (N_STAGES - 1))
    with single_threaded_blas():
        solution = minimize(objective, theta0, jac=True, method="L-BFGS-B", bounds=bounds)
    offsets, mix = unpack(solution.x)
    return _Fit(-float(solution.fun), np.asarray(offsets, dtype=float), mix)


def _expected_answers(anchored: _Anchored, j: int, offsets: np.ndarray) -> np.ndarray:
    """Expected scored answer (1..K) per group and stage, acquiescence integrated out, (G, S)."""
    weights = np.exp(anchored.log_weights)
    out = np.empty((anchored.n_groups, N_STAGES))
    tables = anchored.item_probabilities(j, offsets)
    for g in range(anchored.n_groups):
        probs = tables[g, 1:]  # (K, S * Q)
        categories = np.arange(1, probs.shape[0] + 1)[:, None]
        by_cell = (categories * probs).sum(axis=0).reshape(N_STAGES, anchored.n_nodes)
        out[g] = by_cell @ weights
    return out


def _size(effect: float) -> str:
    if effect > DIF_BANDS["large"]:
        return "large"
    return "moderate" if effect >= DIF_BANDS["moderate"] else "negligible"


def _test_items(
    anchored: _Anchored, labels: list[str], free_in_anchors: dict[int, np.ndarray], alpha: float
) -> tuple[list[ItemDIF], dict[int, np.ndarray], np.ndarray]:
    """Test every item against the anchors; returns the items, their group offsets and the mix."""
    joint = anchored.joint(free_in_anchors)
    mix = anchored.stage_mix(joint)
    table = log_tables(anchored.parameters, anchored.design, anchored.nodes)
    design = anchored.design
    raw: list[tuple[float, float, np.ndarray]] = []
    for j in range(design.n_items):
        own = (
            anchored.item_loglik(j, free_in_anchors[j])
            if j in free_in_anchors
            else table[j][design.codes[:, j]]
        )
        rest = joint - own
        start = _Fit(0.0, np.full(anchored.n_groups, anchored.parameters.offsets[j]), mix)
        compact = _fit_item(anchored, j, rest, start, free=False)
        augmented = _fit_item(anchored, j, rest, compact, free=True)
        raw.append(
            (max(2 * (augmented.loglik - compact.loglik), 0.0), float(compact.offsets[0]), augmented.offsets)
        )
    df = anchored.n_groups - 1
    p_values = np.array([float(chi2.sf(lr, df)) for lr, _, _ in raw])
    adjusted = multipletests(p_values, alpha=alpha, method="fdr_bh")[1]
    items, offsets_by_item = [], {}
    for j, ((lr, common, offsets), p, q) in enumerate(zip(raw, p_values, adjusted, strict=True)):
        expected = _expected_answers(anchored, j, offsets)
        spread = expected.max(axis=0) - expected.min(axis=0)
        stage = int(spread.argmax())
        # On the raw scale a reverse-keyed item's agreement runs the other way.
        raw_expected = expected[:, stage] * design.direction[j]
        effect = float(spread[stage])
        size = _size(effect)
        flagged = bool(q < alpha and size != "negligible")
        items.append(
            ItemDIF(
                item=design.item_ids[j],
                stage=int(design.column[j]) + 1,
                kind=design.kinds[j],
                lr=float(lr),
                df=df,
                p_value=float(p),
                p_adjusted=float(q),
                offsets={label: float(v) for label, v in zip(labels, offsets, strict=True)},
                offset_common=common,
                effect=effect,
                effect_stage=stage + 1,
                agrees_more=labels[int(raw_expected.argmax())],
                agrees_less=labels[int(raw_expected.argmin())],
                size=size,
                flagged=flagged,
            )
        )
        offsets_by_item[j] = offsets
    return items, offsets_by_item, mix


# --------------------------------------------------------------------------- public


def item_dif(
    data: pd.DataFrame,
    group: str,
    *,
    instrument: Instrument | None = None,
    model: StageModel | None = None,
    min_group_size: int = MIN_GROUP_SIZE,
    max_per_group: int = MAX_PER_GROUP,
    alpha: float = 0.05,
    seed: int = 0,
    purify: bool = True,
) -> DIFResult:
    """Test every stage-informative item for uniform DIF across the groups in column ``group``.

    Parameters
    ----------
    data : DataFrame
        Wide responses (docs/architecture.md) with the column ``group``.
    group : str
        The grouping column (e.g. ``"language"``, ``"org"``); blank values are left out.
    instrument, model : optional
        Default: the packaged instrument (form from the columns) and scoring model. Respondents the
        model cannot place (too few answers, or set aside as careless) are left out.
    min_group_size : int
        Groups with fewer placed respondents are not tested (listed in ``too_small``).
    max_per_group : int
        Larger groups are subsampled at random (``seed``) to this many respondents.
    alpha : float
        Level of the Benjamini-Hochberg adjusted p-values.
    purify : bool
        Test again with the first pass's flagged items freed in the anchors.

    Returns
    -------
    DIFResult

    Raises
    ------
    StatsError
        ``group`` is not a column, or fewer than two groups have ``min_group_size`` placed
        respondents.

    Examples
    --------
    >>> import allypath
    >>> result = item_dif(allypath.simulate(3000, seed=1), "language")  # doctest: +SKIP
    >>> result.flagged  # doctest: +SKIP
    []
    """
    if group not in data.columns:
        raise StatsError(f"no column {group!r} in the data")
    full = instrument or load_instrument()
    active = full.form(choose_form(data.columns, full))
    model = model or load_stage_model()
    scored = score(data, active, model=model, on_error="mark")
    labels = data[group].astype("string")
    placed = (scored["status"] == "scored").to_numpy() & labels.notna().to_numpy()
    counts = labels[placed].value_counts().sort_index()
    kept = [str(k) for k, v in counts.items() if v >= min_group_size]
    too_small = {str(k): int(v) for k, v in counts.items() if v < min_group_size}
    if len(kept) < 2:
        raise StatsError(
            f"DIF across {group!r} needs two groups with at least {min_group_size} placed respondents; "
            f"got {', '.join(f'{k} ({v})' for k, v in counts.items()) or 'none'}"
        )
    rng = np.random.default_rng(seed)
    rows = []
    for label in kept:
        members = np.flatnonzero(placed & (labels == label).fillna(False).to_numpy())
        if len(members) > max_per_group:
            members = np.sort(rng.choice(members, max_per_group, replace=False))
        rows.append(members)
    chosen = np.concatenate(rows)
    group_index = np.concatenate([np.full(len(r), g) for g, r in enumerate(rows)])
    design = _design(data.iloc[chosen], model.stage_items(active), model)
    nodes, log_weights = _standard_nodes(model)
    anchored = _Anchored(design, _parameters(model, design), nodes, log_weights, group_index, len(kept))
    items, offsets, mix = _test_items(anchored, kept, {}, alpha)
    first_pass, purified = items, [i for i, item in enumerate(items) if item.flagged]
    if purify and purified:
        items, _, mix = _test_items(anchored, kept, {j: offsets[j] for j in purified}, alpha)
    return DIFResult(
        group=group,
        groups={label: len(r) for label, r in zip(kept, rows, strict=True)},
        placed={label: int(counts[label]) for label in kept},
        too_small=too_small,
        stage_mix={label: [float(v) for v in mix[g]] for g, label in enumerate(kept)},
        items=items,
        purified=[design.item_ids[j] for j in purified] if purify else [],
        model=model.label,
        alpha=alpha,
        min_group_size=min_group_size,
        max_per_group=max_per_group,
        seed=seed,
        first_pass=first_pass,
    )
