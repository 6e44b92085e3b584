"""Measure the careless-responding checks (allypath.scoring.careless) on simulated respondents.

Three kinds of respondent, scored with the default model:

* model-consistent: ``allypath.simulate`` (stage data with acquiescence, item offsets and missing
  answers), and the differently built ``allypath.synth.alternative`` generator;
* uniformly random: every likert answer drawn uniformly from its scale;
* straight-lined: one answer, drawn per respondent, to every likert item.

Prints the share set aside as ``suspect`` (of the rows placed in a stage) per kind and per check, on
the full and the short form. Usage: ``python scripts/careless_rates.py [N] [SEED]``; docs/methods.md
quotes a run with N = 20,000 and seed 2026.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

import allypath
from allypath.synth.alternative import AlternativeGenerator

CHECKS = {
    "same answer ... in a row": "in a row",
    "almost the same answer": "almost the same",
    "unlike any stage": "unlike any stage",
    "more scattered": "scattered",
    "answered like their opposites": "opposites",
}


def _likert_columns(frame: pd.DataFrame, form: str) -> list[str]:
    instrument = allypath.load_instrument().form(form)
    return [i.id for i in instrument.items if i.type == "likert" and i.id in frame.columns]


def kinds(n: int, seed: int, form: str) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    model = allypath.simulate(n, seed=seed)
    instrument = allypath.load_instrument().form(form)
    keep = [
        c
        for c in model.columns
        if not instrument.has_column(c) or c in {col.id for col in instrument.columns}
    ]
    model = model[keep]
    columns = _likert_columns(model, form)
    random = model.copy()
    for column in columns:
        random[column] = rng.integers(1, 6, n).astype(float)
    straight = model.copy()
    value = rng.integers(1, 6, n).astype(float)
    for column in columns:
        straight[column] = value
    out = {"model-consistent (simulate)": model, "uniformly random": random, "straight-lined": straight}
    if form == "full":
        out["model-consistent (alternative generator)"] = AlternativeGenerator().generate(n, seed=seed)
    return out


def rates(scored: pd.DataFrame) -> dict[str, float]:
    candidates = scored["status"] != "insufficient"
    judged = scored[candidates]
    reasons = judged["reason"].astype("string").fillna("")
    out = {
        "placed or suspect": float(candidates.mean()),
        "suspect": float((judged["status"] == "suspect").mean()),
    }
    for label, needle in CHECKS.items():
        out[label] = float(reasons.str.contains(needle, regex=False).mean())
    return out


def main(n: int = 20_000, seed: int = 2026) -> None:
    for form in ("full", "short"):
        print(f"\n{form} form, {n:,} respondents per kind (shares of those placed or set aside)")
        for name, frame in kinds(n, seed, form).items():
            figures = rates(allypath.score(frame, form=form))
            shown = ", ".join(f"{k} {v:.1%}" for k, v in figures.items())
            print(f"  {name}: {shown}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
