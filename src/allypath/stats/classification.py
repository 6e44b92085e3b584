"""How reliably are people placed in a stage? Classification accuracy and consistency of the stage
model (method: docs/methods.md, "How reliably are people placed?").

Alpha and omega describe a sum score; a stage is a classification, so its reliability is the chance
that it is right (**accuracy**) and the chance that it would come out the same again
(**consistency**). Both follow from the stage probabilities alone (Rudner 2001, 2005, carried over
to latent classes as in Lee 2010 and Wang, Song, Chen, Meng & Ding 2015). With ``p_i`` a placed
respondent's stage probabilities and ``a_i`` his stage (the most probable one):

* expected **confusion matrix** ``C[t, a] = sum_i p_it [a_i = a]``: how many people at true stage t
  are expected among those placed in stage a;
* expected **accuracy** ``sum_t C[t, t] / n`` = the mean top probability;
* ``Q(a | t) = C[t, a] / sum_a C[t, a]``: where a second, independent administration would place
  someone whose true stage is t;
* expected **consistency** ``sum_i sum_t p_it Q(a_i | t) / n = sum_t pi_t sum_a Q(a | t)^2``: for
  each person, the chance that answering again would land him on the stage he has now, averaged;
  Cohen's kappa corrects it for the agreement two random placements with the same stage mix reach.

Both are model-based: they are right when the model's probabilities are. :func:`split_half_check`
tests that on the data: the stage items are split into two halves, each half places everyone, and
the agreement the model predicts between the halves is compared with the agreement observed. When
the answers do not come from four stages (a continuum, or a model that misfits), the halves agree
less than predicted and the indices above are too optimistic.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from allypath.errors import StatsError
from allypath.instrument import Instrument, load_instrument
from allypath.scoring import PROBABILITY_COLUMNS, StageModel, choose_form, load_stage_model, score
from allypath.stats._calibration_em import N_STAGES, ItemDesign, posterior
from allypath.stats.calibration import _design, _parameters, _standard_nodes

__all__ = [
    "ClassificationResult",
    "SplitHalfResult",
    "classification_by_group",
    "classification_reliability",
    "split_half_check",
]


@dataclass(frozen=True)
class ClassificationResult:
    """Expected classification accuracy and consistency of a set of placed respondents.

    Attributes
    ----------
    n : respondents.
    accuracy : expected share placed in their true stage (the mean top probability).
    consistency : expected chance that a second administration gives the same stage.
    kappa : ``consistency`` corrected for chance (Cohen's kappa against the stage mix placed).
    confusion : expected counts, true stage (rows) by stage placed (columns).
    by_stage : per true stage: expected respondents, accuracy ``Q(t | t)`` and consistency
        ``sum_a Q(a | t)^2``.
    """

    n: int
    accuracy: float
    consistency: float
    kappa: float
    confusion: np.ndarray
    by_stage: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "consistency": self.consistency,
            "kappa": self.kappa,
            "confusion": [[float(v) for v in row] for row in self.confusion],
            "by_stage": [dict(row) for row in self.by_stage],
        }


def classification_reliability(probabilities: np.ndarray | pd.DataFrame) -> ClassificationResult:
    """Expected accuracy and consistency from stage probabilities (rows: placed respondents).

    Parameters
    ----------
    probabilities : (n, 4) array or DataFrame
        Each row a respondent's stage probabilities (``p_apathy`` .. ``p_energised`` when a
        DataFrame); rows with a blank are left out.

    Examples
    --------
    >>> result = classification_reliability(np.array([[0.9, 0.1, 0, 0], [0.2, 0.8, 0, 0]]))
    >>> round(result.accuracy, 2), round(result.consistency, 3)
    (0.85, 0.747)
    """
    frame = probabilities[list(PROBABILITY_COLUMNS)] if isinstance(probabilities, pd.DataFrame) else None
    p = np.asarray(frame if frame is not None else probabilities, dtype=float)
    if p.ndim != 2 or p.shape[1] != N_STAGES:
        raise StatsError(f"stage probabilities must have {N_STAGES} columns, got shape {p.shape}")
    p = p[~np.isnan(p).any(axis=1)]
    if not len(p):
        raise StatsError("no placed respondents: classification reliability needs stage probabilities")
    placed = p.argmax(axis=1)
    confusion = np.stack([p[placed == a].sum(axis=0) for a in range(N_STAGES)], axis=1)  # (true, placed)
    expected = confusion.sum(axis=1)
    rows = np.divide(confusion, expected[:, None], out=np.zeros_like(confusion), where=expected[:, None] > 0)
    per_stage_consistency = (rows**2).sum(axis=1)
    consistency = float((expected * per_stage_consistency).sum() / len(p))
    mix = np.bincount(placed, minlength=N_STAGES) / len(p)
    chance = float((mix**2).sum())
    kappa = (consistency - chance) / (1 - chance) if chance < 1 else math.nan
    by_stage = [
        {
            "stage": t + 1,
            "expected_n": float(expected[t]),
            "accuracy": float(rows[t, t]) if expected[t] > 0 else math.nan,
            "consistency": float(per_stage_consistency[t]) if expected[t] > 0 else math.nan,
        }
        for t in range(N_STAGES)
    ]
    return ClassificationResult(
        n=len(p),
        accuracy=float(p.max(axis=1).mean()),
        consistency=consistency,
        kappa=float(kappa),
        confusion=confusion,
        by_stage=by_stage,
    )


def classification_by_group(
    scored: pd.DataFrame, group_columns: Sequence[str] = (), *, min_size: int = 100
) -> dict[str, Any]:
    """:func:`classification_reliability` overall and per group of each column in ``group_columns``.

    ``scored`` is :func:`allypath.score`'s output (attribute columns carried through); only rows
    with ``status == "scored"`` count. A group with fewer than ``min_size`` of them is reported as
    ``{"n": ..., "too_small": True}``. Returns ``{"overall": result, "groups": {column: {label:
    result or too small}}}`` with :class:`ClassificationResult` values.
    """
    placed = scored.loc[scored["status"] == "scored"]
    out: dict[str, Any] = {"overall": classification_reliability(placed), "groups": {}}
    for column in group_columns:
        if column not in placed.columns:
            continue
        labels = placed[column].astype("string")
        per_group: dict[str, Any] = {}
        for label, part in placed.groupby(labels, sort=True):
            per_group[str(label)] = (
                classification_reliability(part)
                if len(part) >= min_size
                else {"n": len(part), "too_small": True}
            )
        out["groups"][column] = per_group
    return out


# --------------------------------------------------------------------------- split-half check


@dataclass(frozen=True)
class SplitHalfResult:
    """Agreement between the stages two halves of the items give, observed and predicted.

    Attributes
    ----------
    n : respondents placed by the full set of items.
    items : items in each half.
    observed : share placed in the same stage by both halves.
    predicted : the agreement the model's probabilities predict (each half's probabilities with
        the other half's expected placement by true stage, averaged over both directions).
    shortfall : ``predicted - observed`` (positive: the model is surer than the answers bear out).
    z : paired z of the shortfall (per respondent, observed agreement minus predicted).
    """

    n: int
    items: tuple[int, int]
    observed: float
    predicted: float
    shortfall: float
    z: float

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _half(design: ItemDesign, keep: np.ndarray) -> ItemDesign:
    return dataclasses.replace(
        design,
        item_ids=tuple(i for i, k in zip(design.item_ids, keep, strict=True) if k),
        column=design.column[keep],
        direction=design.direction[keep],
        kinds=tuple(i for i, k in zip(design.kinds, keep, strict=True) if k),
        codes=design.codes[:, keep],
        fixed_slopes=design.fixed_slopes[keep],
    )


def _placement_rows(p: np.ndarray, placed: np.ndarray) -> np.ndarray:
    """Q(a | t): where a respondent at true stage t is placed, (true, placed), from probabilities."""
    confusion = np.stack([p[placed == a].sum(axis=0) for a in range(N_STAGES)], axis=1)
    total = confusion.sum(axis=1, keepdims=True)
    out: np.ndarray = np.divide(confusion, total, out=np.zeros_like(confusion), where=total > 0)
    return out


def split_half_check(
    data: pd.DataFrame, *, instrument: Instrument | None = None, model: StageModel | None = None
) -> SplitHalfResult:
    """Do the stage probabilities hold up? Two halves of the items against each other.

    Within the items of each stage (stage scale and context items written for it), items go
    alternately to half A and half B, so each half covers every stage. Each half gives every
    placed respondent stage probabilities under ``model`` (its prior, its item parameters). If the
    model is right, the halves are independent given the stage and agree, on average, as often as
    ``sum_t p_A(t) Q_B(a_A | t)`` predicts; fewer agreements than that mean the model's
    probabilities (and so :func:`classification_reliability`) are too sure of themselves.

    Raises
    ------
    StatsError
        Fewer than 50 placed respondents, or fewer than 2 stage items of some stage.
    """
    full = instrument or load_instrument()
    active = full.form(choose_form(data.columns, full))
    model = model or load_stage_model()
    scored = score(data, active, model=model, on_error="mark")
    placed = (scored["status"] == "scored").to_numpy()
    if placed.sum() < 50:
        raise StatsError(
            f"the split-half check needs at least 50 placed respondents, got {int(placed.sum())}"
        )
    design = _design(data.iloc[np.flatnonzero(placed)], model.stage_items(active), model)
    first = np.zeros(design.n_items, dtype=bool)
    for t in range(N_STAGES):
        members = np.flatnonzero(design.column == t)
        if len(members) < 2:
            raise StatsError(
                f"the split-half check needs at least 2 items of every stage; stage {t + 1} has "
                f"{len(members)}"
            )
        first[members[::2]] = True
    parameters = _parameters(model, design)
    nodes, log_weights = _standard_nodes(model)
    halves = []
    for keep in (first, ~first):
        half_parameters = dataclasses.replace(parameters, offsets=parameters.offsets[keep])
        joint = posterior(half_parameters, _half(design, keep), nodes, log_weights)[0]
        stages = joint.reshape(-1, N_STAGES, len(nodes)).sum(axis=2)
        # The scoring engine's tempering (docs/scoring.md), so the halves judge the probabilities it gives.
        tempered = stages ** (1.0 / model.temperature)
        halves.append(tempered / tempered.sum(axis=1, keepdims=True))
    p_a, p_b = halves
    a, b = p_a.argmax(axis=1), p_b.argmax(axis=1)
    q_a, q_b = _placement_rows(p_a, a), _placement_rows(p_b, b)
    # Each person's chance that the other half places him where this half did, both ways round.
    predicted = 0.5 * ((p_a * q_b[:, a].T).sum(axis=1) + (p_b * q_a[:, b].T).sum(axis=1))
    gap = (a == b).astype(float) - predicted
    spread = float(gap.std(ddof=1))
    z = float(gap.mean() / spread * math.sqrt(len(gap))) if spread > 0 else 0.0
    return SplitHalfResult(
        n=len(gap),
        items=(int(first.sum()), int((~first).sum())),
        observed=float((a == b).mean()),
        predicted=float(predicted.mean()),
        shortfall=float(-gap.mean()),
        z=z,
    )
