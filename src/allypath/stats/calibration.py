"""Calibrate the stage scoring model on real responses (method: docs/methods.md, "Calibration").

:func:`calibrate` fits the ordinal ideal-point stage model (:class:`allypath.scoring.StageModel`)
by maximum marginal likelihood, EM from the base model (:mod:`allypath.stats._calibration_em`),
and returns a new, versioned scoring model that ``allypath score --model`` uses. It learns what the
hand-set default cannot know: how easy each item is to agree with (item offsets), where the answer
categories sit (thresholds), how each stage answers each stage's items (affinity), how noisy the
context items are, how strongly people acquiesce, and the stage mix (prior).

It refuses, with every reason, data that cannot support a calibration: too few placed respondents,
a stage too rare to estimate, or stages too poorly separated for the classes to mean anything.

On the held-out respondents it also fits a temperature for the stage probabilities (above 1 where
they were too sure of themselves) and measures their calibration error before and after, without
true stages (:mod:`allypath.stats._calibration_temperature`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from allypath._blas import single_threaded_blas
from allypath.errors import ConfigurationError, StatsError
from allypath.instrument import Instrument, Item, load_instrument
from allypath.model import STAGES
from allypath.scoring import (
    PROBABILITY_COLUMNS,
    CarelessRules,
    StageModel,
    choose_form,
    load_stage_model,
    score,
)
from allypath.stats._calibration_em import (
    N_STAGES,
    EMResult,
    ItemDesign,
    ModelParameters,
    centre_offsets,
    fit_em,
)
from allypath.stats._calibration_em import posterior as answer_posterior
from allypath.stats._calibration_temperature import (
    ECE_BINS,
    TEMPERATURE_BOUNDS,
    cross_fitted,
    fit_temperature,
    label_free_ece,
    left_out_scales,
    temper,
)
from allypath.stats._latent_common import information_criteria, relative_entropy
from allypath.stats.structure import StructureResult

__all__ = [
    "MIN_EXPECTED_PER_STAGE",
    "MIN_PLACED",
    "MIN_RELATIVE_ENTROPY",
    "MIN_STAGE_SHARE",
    "CalibrationResult",
    "calibrate",
    "temperature_in_words",
]

#: Fewest respondents the base model can place (every stage scale answered enough).
MIN_PLACED = 300
#: The calibrated model must beat the base on held-out respondents by this paired z (one-sided ~.02).
MIN_HELDOUT_Z = 2.0
#: Fewest respondents expected in every stage (sum of posterior probabilities).
MIN_EXPECTED_PER_STAGE = 30.0
#: Smallest share of any stage in the fitted stage mix.
MIN_STAGE_SHARE = 0.02
#: Smallest relative entropy of the fitted classification (1 = everyone placed with certainty).
#: Measured: 0.91 on the study simulator, 0.84 on the robustness generator; below 0.5 most people
#: sit between two stages and the fitted "stages" no longer describe distinct answer patterns.
MIN_RELATIVE_ENTROPY = 0.5
#: Fewest held-out respondents to fit the posterior's temperature on (it stays 1 with fewer): each
#: of the cross-fitting's groups then has at least 10.
MIN_TEMPERATURE_ROWS = 50
#: The fitted temperature must predict held-out answers better by this paired z (cross-fitted).
MIN_TEMPERATURE_Z = 2.0
#: Groups of held-out respondents in the temperature's cross-fitting.
TEMPERATURE_PARTS = 5
_REFERENCE_KIND = "stage"  # its slope fixes the scale of the latent agreement


@dataclass(frozen=True)
class CalibrationResult:
    """A calibrated stage scoring model and how it was fitted.

    Attributes
    ----------
    model : StageModel
        The new scoring model (id of the base, version ``<base>+cal.<data hash>``, ``fit_report``
        filled). ``model.save(path)`` writes it for ``allypath score --model``.
    base_model : StageModel
        The model EM started from.
    fit_report : dict
        JSON-ready diagnostics: sample, log-likelihoods, information criteria, separation, stage
        mix before and after, convergence, the posterior's temperature and its calibration error
        before and after (also stored in ``model.fit_report``).
    posterior : DataFrame
        ``p_apathy``..``p_energised`` under the calibrated model, tempered as it scores, for every
        fitted row (indexed like the input).
    history : tuple of float
        Marginal log-likelihood at each EM iteration (non-decreasing).
    """

    model: StageModel
    base_model: StageModel
    fit_report: dict[str, Any]
    posterior: pd.DataFrame = field(repr=False)
    history: tuple[float, ...] = field(repr=False)

    def save(self, path: str | Path) -> None:
        """Write the calibrated model as YAML (atomically)."""
        self.model.save(path)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the model's dict (with its ``fit_report``)."""
        return self.model.to_dict()


# --------------------------------------------------------------------------- data -> design


def _codes(values: np.ndarray, item: Item) -> np.ndarray:
    """Answers on the item's scale -> category codes 1..K after reverse keying, 0 = missing."""
    assert item.scale is not None
    scored = (item.scale.max - values) if item.reverse else (values - item.scale.min)
    return np.nan_to_num(scored + 1, nan=0.0).astype(np.int16)


def _design(frame: pd.DataFrame, items: tuple[Item, ...], base: StageModel) -> ItemDesign:
    used = [item for item in items if item.id in frame.columns and frame[item.id].notna().any()]
    for item in used:
        assert item.scale is not None
        width = item.scale.max - item.scale.min + 1
        if width != base.categories:
            raise ConfigurationError(
                f"item {item.id} has {width} answer categories but the scoring model "
                f"{base.label} has {base.categories}"
            )
    codes = np.column_stack(
        [_codes(pd.to_numeric(frame[item.id], errors="coerce").to_numpy(dtype=float), item) for item in used]
    )
    return ItemDesign(
        item_ids=tuple(item.id for item in used),
        column=np.array([int(item.stage or 1) - 1 for item in used]),
        direction=np.array([-1.0 if item.reverse else 1.0 for item in used]),
        kinds=tuple(item.kind for item in used),
        codes=codes,
        categories=base.categories,
        fixed_slopes=np.array([base.item_discrimination.get(item.id, np.nan) for item in used]),
    )


def _parameters(model: StageModel, design: ItemDesign) -> ModelParameters:
    kinds = sorted(set(design.kinds) | {_REFERENCE_KIND})
    return ModelParameters(
        thresholds=np.asarray(model.thresholds, dtype=float).copy(),
        affinity=np.asarray(model.affinity, dtype=float).copy(),
        offsets=np.array([model.item_offsets.get(i, 0.0) for i in design.item_ids]),
        slopes={k: float(model.discrimination.get(k, 1.0)) for k in kinds},
        acquiescence_sd=float(model.acquiescence_sd),
        prior=np.asarray(model.prior, dtype=float).copy(),
    )


def _jittered(start: ModelParameters, rng: np.random.Generator) -> ModelParameters:
    """Another start: the base perturbed (affinity, offsets) with a random stage mix."""
    out = start.copy()
    out.affinity = out.affinity + rng.normal(0.0, 0.3, out.affinity.shape)
    out.offsets = out.offsets + rng.normal(0.0, 0.2, out.offsets.shape)
    out.prior = rng.dirichlet(np.full(N_STAGES, 8.0))
    return out


def _standard_nodes(model: StageModel) -> tuple[np.ndarray, np.ndarray]:
    """Standardised acquiescence nodes z_q and their log-weights (one node when it is off)."""
    if model.quadrature_nodes <= 1 or model.acquiescence_sd <= 0:
        return np.zeros(1), np.zeros(1)
    nodes, weights = np.polynomial.hermite_e.hermegauss(model.quadrature_nodes)
    return nodes, np.log(weights / weights.sum())


# --------------------------------------------------------------------------- checks


def _separation_problems(shares: np.ndarray, expected: np.ndarray, entropy: float) -> list[str]:
    problems = []
    labels = [s.label.get_lang("en") for s in STAGES]
    for label, share, count in zip(labels, shares, expected, strict=True):
        if count < MIN_EXPECTED_PER_STAGE:
            problems.append(
                f"stage {label!r} holds only {count:.1f} expected respondents "
                f"(needs at least {MIN_EXPECTED_PER_STAGE:.0f})"
            )
        elif share < MIN_STAGE_SHARE:
            problems.append(
                f"stage {label!r} has a near-zero share ({share:.1%}; needs at least {MIN_STAGE_SHARE:.0%})"
            )
    if not math.isnan(entropy) and entropy < MIN_RELATIVE_ENTROPY:
        problems.append(
            f"the stages are poorly separated (relative entropy {entropy:.2f}, needs at least "
            f"{MIN_RELATIVE_ENTROPY:.2f}): most respondents sit between stages"
        )
    return problems


def _data_hash(design: ItemDesign) -> str:
    digest = hashlib.sha256()
    digest.update("\0".join(design.item_ids).encode())
    digest.update(np.ascontiguousarray(design.codes).tobytes())
    return digest.hexdigest()[:10]


# --------------------------------------------------------------------------- public


def calibrate(
    data: pd.DataFrame,
    *,
    instrument: Instrument | None = None,
    base_model: StageModel | None = None,
    seed: int = 0,
    n_starts: int = 1,
    max_iter: int = 500,
    tol: float = 1e-6,
    progress: Callable[[int, float], None] | None = None,
    structure: StructureResult | None = None,
    force: bool = False,
    holdout: float = 0.25,
) -> CalibrationResult:
    """Fit the stage scoring model to responses and return a new, versioned model.

    Maximum marginal likelihood by EM (Bock & Aitkin 1981; Dempster, Laird & Rubin 1977): the
    E-step is the scoring engine's posterior over stage and acquiescence (Gauss-Hermite nodes); the
    M-step maximises the expected complete-data log-likelihood over the thresholds, the 4 x 4
    affinity table, the item offsets, the non-reference slopes and the acquiescence SD (L-BFGS-B,
    analytic gradient) and sets the prior to the mean posterior. Identification: the ``stage``
    items' slope and the thresholds' mean stay at the base values, offsets sum to zero per affinity
    column, and the Apathy column of the affinity decreases and the Energised column increases with
    the stage, which fixes the order of the classes by development.

    Parameters
    ----------
    data : DataFrame
        Wide responses (docs/architecture.md). Only rows the base model can place enter the fit.
    instrument : Instrument, optional
        Default: the packaged instrument. The form (full or short) follows the columns.
    base_model : StageModel, optional
        Start values and the fixed parts (categories, quadrature, between-stage rules). Default:
        the packaged model.
    seed : int
        Seed of the extra random starts (``n_starts > 1``); the first start is always the base.
    n_starts : int
        EM runs; the one with the highest likelihood is kept.
    max_iter, tol : int, float
        EM stops after ``max_iter`` iterations or when an iteration gains less than ``tol``
        log-likelihood per respondent.
    progress : callable, optional
        Called with (iteration, log-likelihood) after every E-step (for progress bars).
    structure : StructureResult, optional
        The stages-or-continuum test on these data (:func:`allypath.stats.stage_structure`).
        Calibration fits four stages, so unless its verdict is ``"stages"`` it is refused; its
        verdict and reason are recorded in the model's ``fit_report["structure"]``.
    force : bool
        Calibrate although the structure test did not find stages; the model file then carries
        the warning (``fit_report["structure"]["warning"]``).
    holdout : float
        Share of the placed respondents (drawn with ``seed``) kept out of the fit. The model is
        returned only if its log-likelihood of their answers beats the base model's; otherwise the
        calibration is refused (it would fit noise). On them the posterior's temperature is then
        fitted and the calibration error of the stage probabilities measured before and after
        (:mod:`allypath.stats._calibration_temperature`; with fewer than
        ``MIN_TEMPERATURE_ROWS`` held out the temperature stays 1). 0 fits on everyone and skips
        both.

    Returns
    -------
    CalibrationResult

    Raises
    ------
    StatsError
        The structure test's verdict is not ``"stages"`` (without ``force``). The calibrated
        model does not predict the held-out answers better than the base model. Fewer than
        ``MIN_PLACED`` placed respondents; after fitting, a stage with fewer than
        ``MIN_EXPECTED_PER_STAGE`` expected respondents or a share below ``MIN_STAGE_SHARE``, or a
        relative entropy below ``MIN_RELATIVE_ENTROPY``. The message lists every reason.
    ConfigurationError
        An item's number of answer categories differs from the model's.
    DataError
        Unknown item columns (as :func:`allypath.score`).

    Examples
    --------
    >>> import allypath
    >>> result = calibrate(allypath.simulate(2000, seed=3))  # doctest: +SKIP
    >>> result.model.version  # doctest: +SKIP
    '1.0.0+cal.3f9c...'
    """
    if n_starts < 1 or max_iter < 1:
        raise StatsError(f"n_starts and max_iter must be at least 1, got {n_starts} and {max_iter}")
    if not 0 <= holdout < 1:
        raise StatsError(f"holdout must be a share in [0, 1), got {holdout}")
    structure_note = _structure_note(structure, force)
    instrument = instrument or load_instrument()
    base = base_model or load_stage_model()
    form = choose_form(data.columns, instrument)
    active = instrument.form(form)
    # Rows are chosen by the answered-share rule alone: the careless checks judge fit to the base
    # model, which is what calibration changes (rows that misfit it may fit the calibrated one).
    unchecked = dataclasses.replace(base, careless=CarelessRules.off())
    scored = score(data, active, model=unchecked, form="full", on_error="mark")
    placed = (scored["status"] == "scored").to_numpy()
    n_placed = int(placed.sum())
    if n_placed < MIN_PLACED:
        raise StatsError(
            f"cannot calibrate on {n_placed} placed respondent(s) of {len(data)}: at least "
            f"{MIN_PLACED} are needed (a respondent is placed when every stage scale is answered enough)"
        )
    frame = data.loc[placed]
    all_rows = _design(frame, base.stage_items(active), base)
    rng = np.random.default_rng(seed)
    held = rng.random(n_placed) < holdout
    design = dataclasses.replace(all_rows, codes=all_rows.codes[~held])
    nodes, log_weights = _standard_nodes(base)
    base_parameters = centre_offsets(_parameters(base, design), design)
    own_slope = {k for k, fixed in zip(design.kinds, design.fixed_slopes, strict=True) if np.isnan(fixed)}
    free_kinds = tuple(sorted(own_slope - {_REFERENCE_KIND}))
    starts = [base_parameters] + [_jittered(base_parameters, rng) for _ in range(n_starts - 1)]
    with single_threaded_blas():
        fits = [
            fit_em(
                design,
                start,
                nodes,
                log_weights,
                free_kinds=free_kinds,
                max_iter=max_iter,
                tol=tol,
                progress=progress,
            )
            for start in starts
        ]
    best = max(fits, key=lambda fit: fit.loglik)
    expected = best.stage_posterior.sum(axis=0)
    entropy = relative_entropy(best.stage_posterior)
    problems = _separation_problems(best.parameters.prior, expected, entropy)
    if problems:
        raise StatsError("cannot calibrate on these data: " + "; ".join(problems))
    heldout = _heldout_check(all_rows, held, base_parameters, best, nodes, log_weights)
    with single_threaded_blas():
        tempering = _temperature_check(
            all_rows, held, base_parameters, base.temperature, best, nodes, log_weights
        )
    fitted_rows = placed.copy()
    fitted_rows[np.flatnonzero(placed)[held]] = False
    report = _fit_report(best, fits, design, base, scored, fitted_rows, entropy, expected, form)
    report["n_rows"], report["n_placed"] = len(data), n_placed
    report["n_fitted"], report["heldout"] = int(fitted_rows.sum()), heldout
    report.update(tempering)
    if structure_note is not None:
        report["structure"] = structure_note
    model = _new_model(base, best.parameters, design, report)
    fitted_index = frame.index[~held]
    tempered = _tempered_posterior(best.stage_posterior, model.temperature)
    posterior = pd.DataFrame(tempered, index=fitted_index, columns=list(PROBABILITY_COLUMNS))
    return CalibrationResult(model, base, report, posterior, tuple(best.history))


def _heldout_check(
    design: ItemDesign,
    held: np.ndarray,
    base: ModelParameters,
    best: EMResult,
    nodes: np.ndarray,
    log_weights: np.ndarray,
) -> dict[str, Any] | None:
    """Log-likelihood per held-out respondent under the base and the calibrated model; refuses
    a calibration that does not improve it."""
    if not held.any():
        return None
    rows = dataclasses.replace(design, codes=design.codes[held])
    before = answer_posterior(base, rows, nodes, log_weights)[1]
    after = answer_posterior(best.parameters, rows, nodes, log_weights)[1]
    gain = after - before
    spread = float(gain.std(ddof=1)) if len(gain) > 1 else 0.0
    # Paired z of the per-respondent gains: a gain within noise is no reason to replace the model.
    z = float(gain.mean() / spread * np.sqrt(len(gain))) if spread > 0 else 0.0
    if z < MIN_HELDOUT_Z:
        raise StatsError(
            f"not calibrating: the calibrated model does not predict the {len(gain)} held-out "
            f"respondents' answers better than the base model (log-likelihood per respondent "
            f"{after.mean():.4f} against {before.mean():.4f}, z = {z:.2f}, needs {MIN_HELDOUT_Z:.0f}); "
            "it would fit noise, so the base model stays"
        )
    return {
        "n": len(gain),
        "loglik_per_respondent_base": float(before.mean()),
        "loglik_per_respondent_calibrated": float(after.mean()),
        "gain_per_respondent": float(gain.mean()),
        "z": z,
    }


def _temperature_check(
    design: ItemDesign,
    held: np.ndarray,
    base: ModelParameters,
    base_temperature: float,
    best: EMResult,
    nodes: np.ndarray,
    log_weights: np.ndarray,
) -> dict[str, Any]:
    """The posterior's temperature, fitted on the held-out respondents, and the calibration error of
    the stage probabilities before (base model) and after (calibrated model at that temperature).

    The temperature is kept only if it predicts left-out answers better out of sample: each of
    ``TEMPERATURE_PARTS`` groups of held-out respondents is tempered with the temperature fitted on
    the others, and the paired z of their gains must reach ``MIN_TEMPERATURE_Z`` (a temperature
    within noise stays 1, as a calibration within noise is refused). The error after uses the same
    cross-fitted temperatures, so fitting the temperature cannot flatter it. Both errors are judged
    by the calibrated model's reading of the left-out answers (the better account of these answers:
    it passed the held-out check), so they share one yardstick.
    """
    n = int(held.sum())
    if n < MIN_TEMPERATURE_ROWS:
        return _temperature_not_measured(n)
    rows = dataclasses.replace(design, codes=design.codes[held])
    after = left_out_scales(best.parameters, rows, nodes, log_weights)
    before = left_out_scales(base, rows, nodes, log_weights)
    evidence = after.evidence()
    candidate = fit_temperature(after)
    crossed, gain = cross_fitted(after, TEMPERATURE_PARTS)
    spread = float(gain.std(ddof=1))
    # Paired z of the out-of-sample gains, as in the held-out check of the model itself.
    z = float(gain.mean() / spread * np.sqrt(n)) if spread > 0 else 0.0
    kept = z >= MIN_TEMPERATURE_Z
    untempered = label_free_ece(after.stage_logp, evidence, after.answered)
    tempered = temper(after.stage_logp, crossed[None, :, None])
    return {
        "temperature": candidate if kept else 1.0,
        "ece_before": label_free_ece(temper(before.stage_logp, base_temperature), evidence, before.answered),
        "ece_after": label_free_ece(tempered, evidence, after.answered) if kept else untempered,
        "calibration_error": {
            "method": _TEMPERATURE_METHOD,
            "n": n,
            "checks": int(after.answered.sum()),
            "bins": ECE_BINS,
            "base_temperature": float(base_temperature),
            "ece_calibrated_untempered": untempered,
            "temperature_fitted": candidate,
            "temperature_kept": bool(kept),
            "temperature_z": z,
            "predictive_gain_per_respondent": float(gain.mean()),
            "temperature_bounds": list(TEMPERATURE_BOUNDS),
        },
    }


_TEMPERATURE_METHOD = (
    "on the held-out respondents, each stage scale left out in turn: the stage probabilities from the "
    "other scales are checked against the left-out answers, read by the calibrated model (no true "
    "stages needed); the temperature maximises the log-likelihood of each left-out answer and is kept "
    f"only if it predicts them better out of sample ({TEMPERATURE_PARTS}-fold cross-fitting, z >= "
    f"{MIN_TEMPERATURE_Z:.0f}); ECE over {ECE_BINS} equal-width bins of the top probability"
)


def _temperature_not_measured(n: int) -> dict[str, Any]:
    why = "no respondents held out" if n == 0 else f"only {n} respondents held out"
    return {
        "temperature": 1.0,
        "ece_before": None,
        "ece_after": None,
        "calibration_error": {
            "method": f"not measured: {why} (needs {MIN_TEMPERATURE_ROWS}); the temperature stays 1",
        },
    }


def _tempered_posterior(posterior: np.ndarray, temperature: float) -> np.ndarray:
    """(n, 4) stage probabilities tempered as the scoring kernel tempers them."""
    return np.exp(temper(np.log(np.clip(posterior, 1e-300, None)), temperature))


def temperature_in_words(report: dict[str, Any]) -> str:
    """What the temperature and the calibration error of a fit report mean, in plain words."""
    error = report.get("calibration_error") or {}
    if report.get("ece_after") is None:
        return f"Calibration error of the stage probabilities: {error.get('method', 'not measured')}."
    before, after = report["ece_before"], report["ece_after"]
    untempered, temperature = error["ece_calibrated_untempered"], report["temperature"]
    checked = (
        f"checked on {error['n']} held-out respondents against answers the probabilities did not use "
        "(no true stages needed; such a check understates the error)"
    )
    if not error.get("temperature_kept"):
        return (
            f"The stage probabilities needed no tempering: {checked}, their calibration error is "
            f"{after:.3f} with the calibrated model against {before:.3f} with the base model. A "
            f"temperature of {error['temperature_fitted']:.2f} did not predict held-out answers better "
            f"beyond noise (z = {error['temperature_z']:.1f}, needs {MIN_TEMPERATURE_Z:.0f}), so it stays 1."
        )
    mood = "too sure of themselves" if temperature > 1 else "not sure enough of themselves"
    return (
        f"The stage probabilities were {mood}: {checked}, their calibration error was {before:.3f} with "
        f"the base model and {untempered:.3f} with the calibrated model; with a temperature of "
        f"{temperature:.2f} (each probability raised to the power 1/{temperature:.2f}, then rescaled to "
        f"sum to 1) it is {after:.3f}. The model file carries the temperature and scoring applies it."
    )


def _structure_note(structure: StructureResult | None, force: bool) -> dict[str, Any] | None:
    """What the model file records of the structure test; refuses when it found no stages."""
    if structure is None:
        return None
    note: dict[str, Any] = {"verdict": structure.verdict, "reason": structure.reason}
    if structure.verdict == "stages":
        return note
    if not force:
        raise StatsError(
            f"not calibrating: the structure test's verdict is {structure.verdict!r}, not 'stages'. "
            f"{structure.reason} Calibration would fit four stages to data that do not show them; "
            "pass force=True (--force) to calibrate anyway, and the model will carry this warning"
        )
    note["forced"] = True
    note["warning"] = (
        f"calibrated although the structure test found {structure.verdict!r}, not stages: the stage "
        "labels of this model are not supported by the data it was fitted to"
    )
    return note


def _fit_report(
    best: EMResult,
    fits: list[EMResult],
    design: ItemDesign,
    base: StageModel,
    scored: pd.DataFrame,
    placed: np.ndarray,
    entropy: float,
    expected: np.ndarray,
    form: str,
) -> dict[str, Any]:
    n = int(placed.sum())
    base_probs = scored.loc[placed, list(PROBABILITY_COLUMNS)].to_numpy()
    agreement = float(np.mean(base_probs.argmax(axis=1) == best.stage_posterior.argmax(axis=1)))
    criteria = information_criteria(best.loglik, best.npar, n)
    base_loglik = best.history[0] if fits[0] is best else fits[0].history[0]
    return {
        "method": "maximum marginal likelihood, EM (Bock-Aitkin quadrature over acquiescence)",
        "base_model": base.label,
        "calibrated_on": dt.date.today().isoformat(),
        "data_hash": _data_hash(design),
        "form": form,
        "n_rows": len(placed),
        "n_placed": n,
        "n_items": design.n_items,
        "items": list(design.item_ids),
        "loglik": best.loglik,
        "loglik_base": float(base_loglik),
        "npar": best.npar,
        "aic": criteria["aic"],
        "bic": criteria["bic"],
        "relative_entropy": entropy,
        "mean_top_probability": float(best.stage_posterior.max(axis=1).mean()),
        "expected_per_stage": [float(v) for v in expected],
        "prior_base": [float(v) for v in base.prior],
        "agreement_with_base": agreement,
        "iterations": best.iterations,
        "converged": best.converged,
        "starts": len(fits),
        "start_logliks": [f.loglik for f in fits],
        "warnings": list(best.warnings),
    }


def _new_model(
    base: StageModel, fitted: ModelParameters, design: ItemDesign, report: dict[str, Any]
) -> StageModel:
    offsets = dict(base.item_offsets)
    offsets.update({item: float(v) for item, v in zip(design.item_ids, fitted.offsets, strict=True)})
    discrimination = dict(base.discrimination)
    discrimination.update(fitted.slopes)
    release = base.version.split("+", 1)[0]
    return dataclasses.replace(
        base,
        temperature=float(report["temperature"]),
        version=f"{release}+cal.{report['data_hash']}",
        thresholds=np.asarray(fitted.thresholds, dtype=float),
        affinity=np.asarray(fitted.affinity, dtype=float),
        discrimination={k: float(v) for k, v in discrimination.items()},
        prior=np.asarray(fitted.prior, dtype=float),
        item_offsets=offsets,
        acquiescence_sd=float(fitted.acquiescence_sd),
        fit_report=report,
    )
