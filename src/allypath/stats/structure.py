"""Four stages or one continuum? A test of the model's structure that can come out either way.

The scoring model says every man is at one of four stages. The rival says there are no stages: one
continuous trait, with single-peaked (ideal-point) items. Both are fitted to the same answers with
the same item model (:mod:`allypath.stats._structure_models`), and so are 3 and 5 stages:

1. **Held-out log-likelihood.** The respondents are split into ``folds``; each model is fitted on
   the other folds and scores the held-out respondents. A model with more parameters gains nothing
   here unless the structure is real. Two models are compared by the paired differences of each
   respondent's held-out log-likelihood: ``z = sum(d) / (sd(d) sqrt(n))`` (a cross-validated Vuong
   test).
2. **Parametric bootstrap.** Under the continuum fitted to all the data, ``bootstrap`` data sets of
   the same size and missing pattern are drawn and both models refitted; the p-value is the share of
   them whose log-likelihood ratio (4 stages over the continuum) reaches the observed one (McLachlan
   1987; Nylund, Asparouhov & Muthen 2007).

Verdict: ``"stages"`` when four stages beat the continuum out of sample (z >= ``min_z``), beat
three stages (z >= ``min_z``), five stages do not beat four (z < ``min_z``), and the bootstrap
(when run) rejects the continuum (p <= ``alpha``); ``"continuum"`` when the continuum beats every
stage model out of sample (z >= ``min_z``); otherwise ``"undecided"``.

How often each verdict comes out on data made to be stages or a continuum is measured in
``benchmarks/bench_structure.py`` and reported in docs/methods.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from allypath.errors import StatsError
from allypath.instrument import Instrument, load_instrument
from allypath.scoring import StageModel, load_stage_model
from allypath.stats._structure_models import (
    FittedStructure,
    ItemData,
    fit_structure,
    person_loglik,
    simulate_answers,
)

__all__ = ["StructureResult", "stage_structure", "structure_items"]

VERDICTS = ("stages", "continuum", "undecided")
_MODELS: tuple[tuple[str, int], ...] = (("continuum", 0), ("stages", 3), ("stages", 4), ("stages", 5))
_MIN_RESPONDENTS = 200


@dataclass
class StructureResult:
    """The verdict and the evidence behind it.

    Attributes
    ----------
    verdict : {"stages", "continuum", "undecided"}
    evidence : dict
        ``models``: per model its in-sample log-likelihood, parameters and BIC and its held-out
        log-likelihood; ``comparisons``: per pair the held-out difference per respondent, its z and
        which model it favours; ``bootstrap``: the observed statistic, the draws and the p-value;
        ``n``, ``folds``, ``rules``.
    reason : str
        The verdict in plain words.
    """

    verdict: str
    evidence: dict[str, Any]
    reason: str
    fits: dict[str, FittedStructure] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "reason": self.reason, "evidence": self.evidence}


def structure_items(
    data: pd.DataFrame, instrument: Instrument | None = None, model: StageModel | None = None
) -> ItemData:
    """The stage-informative answers of ``data`` as the item model needs them.

    Reverse-keyed items are reverse-scored; blanks are missing. Slopes, thresholds' count and the
    acquiescence nodes are the scoring model's, so that the structure test judges the model that
    assigns the stages.
    """
    instrument = instrument or load_instrument()
    model = model or load_stage_model()
    items = [item for item in model.stage_items(instrument) if item.id in data.columns]
    if len(items) < 8:
        raise StatsError(f"the structure test needs the stage items; only {len(items)} are in the data")
    columns = []
    for item in items:
        assert item.scale is not None
        values = pd.to_numeric(data[item.id], errors="coerce").to_numpy(dtype=float)
        scored = (item.scale.min + item.scale.max) - values if item.reverse else values
        category = scored - item.scale.min
        columns.append(np.where(np.isnan(category), -1, category).astype(int))
    x = np.column_stack(columns)
    answered = (x >= 0).sum(axis=1) >= len(items) // 2  # half the items, as placing needs
    nodes, logw = model.quadrature()
    return ItemData(
        x=x[answered],
        column=np.array([item.stage - 1 for item in items if item.stage is not None]),
        direction=np.array([-1.0 if item.reverse else 1.0 for item in items]),
        slope=np.array([model.discrimination.get(item.kind, 1.0) for item in items]),
        categories=model.categories,
        acquiescence=nodes,
        acquiescence_logw=logw,
    )


def stage_structure(
    data: pd.DataFrame | ItemData,
    *,
    instrument: Instrument | None = None,
    model: StageModel | None = None,
    folds: int = 2,
    bootstrap: int = 19,
    min_z: float = 2.0,
    alpha: float = 0.05,
    seed: int = 0,
    max_respondents: int | None = 2000,
    progress: Callable[[str], None] | None = None,
) -> StructureResult:
    """Test whether the answers show four stages, one continuum, or cannot tell.

    Parameters
    ----------
    data : pandas.DataFrame or ItemData
        Wide responses (the instrument's stage and context items), or :func:`structure_items`.
    folds : int
        Cross-validation folds for the held-out log-likelihood (at least 2).
    bootstrap : int
        Parametric bootstrap draws under the continuum; 0 skips it (the verdict then rests on the
        held-out comparison alone). With 19 draws the smallest p-value is .05.
    min_z, alpha : float
        Thresholds of the held-out comparisons and of the bootstrap.
    max_respondents : int or None
        Larger samples are subsampled at random (``seed``) to this size: the held-out comparison
        already has ample power (z about 12 on 1,000 stage respondents) and the fits cost time.

    Returns
    -------
    StructureResult

    Examples
    --------
    >>> import allypath
    >>> result = stage_structure(allypath.simulate(1500, seed=1), bootstrap=0)  # doctest: +SKIP
    >>> result.verdict  # doctest: +SKIP
    'stages'
    """
    model = model or load_stage_model()
    items = data if isinstance(data, ItemData) else structure_items(data, instrument, model)
    rng = np.random.default_rng(seed)
    subsampled_from = None
    if max_respondents is not None and items.x.shape[0] > max_respondents:
        subsampled_from = items.x.shape[0]
        items = items.subset(np.sort(rng.choice(subsampled_from, max_respondents, replace=False)))
    n = items.x.shape[0]
    if n < _MIN_RESPONDENTS:
        raise StatsError(f"the structure test needs at least {_MIN_RESPONDENTS} respondents, got {n}")
    if folds < 2:
        raise StatsError(f"folds must be at least 2, got {folds}")
    say = progress or (lambda _message: None)
    assignment = rng.permutation(np.arange(n) % folds)
    held_out = {}
    for kind, size in _MODELS:
        name = _name(kind, size)
        say(f"structure: {name}, held out")
        scores = np.empty(n)
        for fold in range(folds):
            train, test = assignment != fold, assignment == fold
            fitted = _fit(items.subset(np.flatnonzero(train)), kind, size, model)
            scores[test] = person_loglik(items.subset(np.flatnonzero(test)), kind, size, fitted.params)
        held_out[name] = scores
    say("structure: full data")
    fits = {_name(kind, size): _fit(items, kind, size, model) for kind, size in _MODELS}
    comparisons = _comparisons(held_out, min_z)
    boot = _bootstrap(items, fits, model, bootstrap, rng, say) if bootstrap > 0 else None
    verdict, reason = _verdict(comparisons, boot, min_z, alpha)
    evidence = {
        "n": n,
        "subsampled_from": subsampled_from,
        "items": int(items.x.shape[1]),
        "folds": folds,
        "models": {
            name: {
                "loglik": fit.loglik,
                "npar": fit.npar,
                "bic": -2 * fit.loglik + fit.npar * math.log(n),
                "heldout_loglik": float(held_out[name].sum()),
                "converged": fit.converged,
            }
            for name, fit in fits.items()
        },
        "comparisons": comparisons,
        "bootstrap": boot,
        "rules": {"min_z": min_z, "alpha": alpha},
    }
    return StructureResult(verdict, evidence, reason, fits)


def _name(kind: str, size: int) -> str:
    return "continuum" if kind == "continuum" else f"{size} stages"


def _fit(
    items: ItemData, kind: str, size: int, model: StageModel, start: np.ndarray | None = None
) -> FittedStructure:
    return fit_structure(items, kind, max(size, 1), model.affinity, model.thresholds, start=start)


def _compare(first: np.ndarray, second: np.ndarray, min_z: float) -> dict[str, float | str]:
    diff = first - second
    sd = float(diff.std(ddof=1))
    z = float(diff.sum() / (sd * math.sqrt(len(diff)))) if sd > 0 else 0.0
    favours = "first" if z >= min_z else "second" if z <= -min_z else "neither"
    return {"difference": float(diff.sum()), "per_respondent": float(diff.mean()), "z": z, "favours": favours}


def _comparisons(held_out: dict[str, np.ndarray], min_z: float) -> dict[str, dict[str, Any]]:
    pairs = [
        ("4 stages", "continuum"), ("4 stages", "3 stages"), ("5 stages", "4 stages"),
        ("continuum", "3 stages"), ("continuum", "5 stages"),
    ]  # fmt: skip
    out = {}
    for first, second in pairs:
        result = _compare(held_out[first], held_out[second], min_z)
        winner = {"first": first, "second": second}.get(str(result["favours"]))
        out[f"{first} vs {second}"] = {**result, "favours": winner}
    return out


def _bootstrap(
    items: ItemData,
    fits: dict[str, FittedStructure],
    model: StageModel,
    draws: int,
    rng: np.random.Generator,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """LR of 4 stages over the continuum, against its distribution under the fitted continuum."""
    null, alt = fits["continuum"], fits["4 stages"]
    observed = 2 * (alt.loglik - null.loglik)
    stats = []
    for draw in range(draws):
        say(f"structure: bootstrap {draw + 1} of {draws}")
        fake = simulate_answers(items, null, rng)
        # Starting from the fits to the real data: both are near optimal for a similar data set.
        fake_null = _fit(fake, "continuum", 0, model, start=null.params)
        fake_alt = _fit(fake, "stages", 4, model, start=alt.params)
        stats.append(2 * (fake_alt.loglik - fake_null.loglik))
    exceed = sum(s >= observed for s in stats)
    return {
        "statistic": "2 (loglik of 4 stages - loglik of the continuum)",
        "observed": observed,
        "draws": draws,
        "null_mean": float(np.mean(stats)),
        "null_max": float(np.max(stats)),
        "p_value": (1 + exceed) / (draws + 1),
    }


def _p_words(boot: dict[str, Any]) -> str:
    """The bootstrap's p-value, saying when it is the smallest its draws can give (no draw reached the
    data): then it measures the number of draws, not how far the data are from a continuum."""
    p = boot["p_value"]
    if p > 1 / (boot["draws"] + 1) + 1e-12:
        return f"p = {p:.3f}"
    return (
        f"p = {p:.3f}, the smallest {boot['draws']} draws can give: no draw under the continuum went as "
        "far as the data"
    )


def _verdict(
    comparisons: dict[str, dict[str, Any]], boot: dict[str, Any] | None, min_z: float, alpha: float
) -> tuple[str, str]:
    vs_continuum = comparisons["4 stages vs continuum"]
    vs_three = comparisons["4 stages vs 3 stages"]
    five = comparisons["5 stages vs 4 stages"]
    bootstrap_rejects = boot is None or boot["p_value"] <= alpha
    stages = (
        vs_continuum["favours"] == "4 stages"
        and vs_three["favours"] == "4 stages"
        and five["favours"] != "5 stages"
        and bootstrap_rejects
    )
    if stages:
        return "stages", (
            f"Four stages predict held-out answers better than one continuum (z = {vs_continuum['z']:.1f}) "
            f"and than three stages (z = {vs_three['z']:.1f}); five stages add nothing"
            + ("" if boot is None else f"; the bootstrap rejects the continuum ({_p_words(boot)})")
            + "."
        )
    continuum_wins = all(
        comparisons[key]["favours"] == "continuum"
        for key in ("4 stages vs continuum", "continuum vs 3 stages", "continuum vs 5 stages")
    )
    if continuum_wins:
        return "continuum", (
            "One continuous trait predicts held-out answers better than 3, 4 or 5 stages "
            f"(z = {-vs_continuum['z']:.1f} against four): the answers do not fall into distinct stages."
        )
    missing = []
    if vs_continuum["favours"] != "4 stages":
        missing.append(f"four stages do not beat one continuum out of sample (z = {vs_continuum['z']:.1f})")
    if vs_three["favours"] != "4 stages":
        missing.append(f"four stages do not beat three (z = {vs_three['z']:.1f})")
    if five["favours"] == "5 stages":
        missing.append(f"five stages beat four (z = {five['z']:.1f})")
    if not bootstrap_rejects and boot is not None:
        missing.append(f"the bootstrap does not reject the continuum ({_p_words(boot)})")
    return "undecided", "The data cannot tell stages from a continuum: " + "; ".join(missing) + "."
