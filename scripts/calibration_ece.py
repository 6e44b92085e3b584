"""Measure calibration's temperature and the calibration error (ECE) of the stage probabilities.

For each kind of data and seed: calibrate on N respondents (``allypath.stats.calibrate``, its default
quarter held out unless ``--holdout``), then score N_TEST new respondents of the same kind, whose
true stages are known, with the base model, the calibrated model untempered and the calibrated model
at its temperature. Prints the fitted temperature, whether it was kept (and its z), the label-free
ECE the fit report gives (base -> calibrated -> tempered, on the held-out respondents), and the
hit-rate ECE (10 equal-width bins of the top probability against whether it is the true stage) and
accuracy on the new respondents, also at the fitted temperature where the check did not keep it.
The careless checks are off when scoring: the posterior's calibration over every placed respondent
is measured, not which rows the checks set aside.

Kinds of data:

* ``simulator``: the study simulator (``allypath.simulate``);
* ``alternative``: ``AlternativeGenerator`` (probit answers, another ideal-point curve, item
  difficulties, strong acquiescence);
* ``noisy answers``: the simulator with 30 % of the answers replaced by a uniformly random one;
* ``random respondents``: the simulator with 15 % of the respondents answering uniformly at random;
* ``scale shift``: the scoring model's own form with item difficulties it does not know and a
  person-level shift per stage scale (SD 0.6) it does not represent.

Usage: ``python scripts/calibration_ece.py [--n 4000] [--test 5000] [--seeds 1 2 3] [--holdout 0.25]``;
docs/methods.md quotes a run with the defaults.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

import allypath
from allypath.errors import StatsError
from allypath.scoring import PROBABILITY_COLUMNS, CarelessRules, StageModel, load_stage_model
from allypath.stats import calibrate
from allypath.stats._calibration_temperature import expected_calibration_error
from allypath.synth.alternative import AlternativeGenerator

STAGE_KINDS = ("stage", "context")


def _likert_items(frame: pd.DataFrame) -> list[allypath.instrument.Item]:
    instrument = allypath.load_instrument()
    return [
        i for i in instrument.items if i.kind in STAGE_KINDS and i.type == "likert" and i.id in frame.columns
    ]


def noisy_answers(frame: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """Each stage or context answer replaced, with probability ``share``, by a uniformly random one."""
    rng = np.random.default_rng(seed + 7919)
    out = frame.copy()
    for item in _likert_items(out):
        assert item.scale is not None
        values = out[item.id].to_numpy(dtype=float).copy()
        swap = (rng.random(len(out)) < share) & ~np.isnan(values)
        values[swap] = rng.integers(item.scale.min, item.scale.max + 1, size=int(swap.sum()))
        out[item.id] = values
    return out


def random_respondents(frame: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """A ``share`` of the respondents answer every stage and context item uniformly at random."""
    rng = np.random.default_rng(seed + 104729)
    out = frame.copy()
    chosen = rng.random(len(out)) < share
    for item in _likert_items(out):
        assert item.scale is not None
        values = out[item.id].to_numpy(dtype=float).copy()
        swap = chosen & ~np.isnan(values)
        values[swap] = rng.integers(item.scale.min, item.scale.max + 1, size=int(swap.sum()))
        out[item.id] = values
    return out


def scale_shift(n: int, seed: int, *, shift_sd: float = 0.6, offset_sd: float = 0.5) -> pd.DataFrame:
    """The scoring model's own form with unknown item difficulties and a per-scale person shift
    (as tests/stats/test_calibration_temperature.py draws them)."""
    model, instrument = load_stage_model(), allypath.load_instrument()
    items = model.stage_items(instrument)
    difficulty = np.random.default_rng(77).normal(0.0, offset_sd, len(items))
    rng = np.random.default_rng(seed)
    stage = rng.choice(4, size=n, p=model.prior)
    acquiescence = rng.normal(0.0, model.acquiescence_sd, size=n)
    shift = rng.normal(0.0, shift_sd, size=(n, 4))
    columns = {}
    for item, offset in zip(items, difficulty, strict=True):
        assert item.stage is not None
        direction = -1.0 if item.reverse else 1.0
        location = model.affinity[stage, item.stage - 1] + direction * acquiescence + shift[:, item.stage - 1]
        probs = model.category_probabilities(location + offset, model.discrimination.get(item.kind, 1.0))
        scored = 1 + (rng.random(n)[:, None] > probs.cumsum(axis=1)[:, :-1]).sum(axis=1)
        columns[item.id] = (6 - scored) if item.reverse else scored
    frame = pd.DataFrame(columns)
    frame["true_stage"] = stage + 1
    return frame


KINDS: dict[str, Callable[[int, int], pd.DataFrame]] = {
    "simulator": lambda n, seed: allypath.simulate(n, seed=seed),
    "alternative": lambda n, seed: AlternativeGenerator().generate(n, seed),
    "noisy answers": lambda n, seed: noisy_answers(allypath.simulate(n, seed=seed), 0.3, seed),
    "random respondents": lambda n, seed: random_respondents(allypath.simulate(n, seed=seed), 0.15, seed),
    "scale shift": scale_shift,
}


def hit_rate(data: pd.DataFrame, model: StageModel) -> tuple[float, float]:
    """Hit-rate ECE and accuracy of the top stage over every placed respondent."""
    scored = allypath.score(
        data, model=dataclasses.replace(model, careless=CarelessRules.off()), on_error="mark"
    )
    probs = scored[list(PROBABILITY_COLUMNS)].to_numpy(dtype=float)
    ok = ~np.isnan(probs).any(axis=1)
    hit = probs[ok].argmax(axis=1) == data["true_stage"].to_numpy()[ok] - 1
    return expected_calibration_error(probs[ok].max(axis=1), hit), float(hit.mean())


def measure(kind: str, n: int, n_test: int, seed: int, holdout: float) -> str:
    make = KINDS[kind]
    data, new = make(n, seed), make(n_test, 1000 + seed)
    try:
        result = calibrate(data, holdout=holdout)
    except StatsError as exc:
        return f"| {kind} | {seed} | refused: {str(exc)[:90]}... |"
    report, error = result.fit_report, result.fit_report["calibration_error"]
    base, base_acc = hit_rate(new, load_stage_model())
    untempered, cal_acc = hit_rate(new, dataclasses.replace(result.model, temperature=1.0))
    tempered, _ = hit_rate(new, result.model)
    # what the fitted temperature would have done where the check did not keep it
    fitted, _ = hit_rate(new, dataclasses.replace(result.model, temperature=error["temperature_fitted"]))
    kept = "kept" if error["temperature_kept"] else "not kept"
    label_free = (report["ece_before"], error["ece_calibrated_untempered"], report["ece_after"])
    return (
        f"| {kind} | {seed} | {error['temperature_fitted']:.2f} ({kept}, z = {error['temperature_z']:.1f}) "
        f"| {' -> '.join(f'{v:.3f}' for v in label_free)} "
        f"| {base:.3f} -> {untempered:.3f} -> {tempered:.3f} | {fitted:.3f} "
        f"| {base_acc:.3f} -> {cal_acc:.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000, help="respondents to calibrate on")
    parser.add_argument("--test", type=int, default=5000, help="new respondents to measure on")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--holdout", type=float, default=0.25)
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=list(KINDS))
    args = parser.parse_args()
    print(f"calibrated on {args.n} ({args.holdout:.0%} held out), measured on {args.test} new respondents")
    print(
        "| data | seed | temperature fitted | label-free ECE, held out: base -> calibrated -> tempered "
        "| hit-rate ECE, new: base -> calibrated -> tempered | hit-rate ECE at the fitted temperature "
        "| accuracy: base -> calibrated |"
    )
    print("|---|---|---|---|---|---|---|")
    for kind in args.kinds:
        for seed in args.seeds:
            print(measure(kind, args.n, args.test, seed, args.holdout), flush=True)


if __name__ == "__main__":
    main()
