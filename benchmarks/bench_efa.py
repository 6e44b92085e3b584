"""Exploratory factor analysis and reliability on bfi versus psych's timings on this hardware class.

The R figures are from the project's reference run (tests/reference):
``psych::fa(cc, nfactors = 5, rotate = "varimax", fm = "minres")`` on the 2436 complete bfi rows
took 0.03 s (reference README), and the five ``psych::alpha`` pairs (pairwise on all 2800 rows plus
complete cases) took 0.304 s in total (``alpha_time_s`` in ref_psych_bfi_alpha_omega.csv). Ours
time the same public calls on a data frame already in memory: correlation, extraction, rotation and
output for the EFA; both alphas (with their item statistics and one-factor omega) for every scale.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from allypath.stats.efa import FactorAnalysis
from allypath.stats.reliability import cronbach_alpha

PSYCH_FA_SECONDS = 0.03
TARGET = "ratio <= 1 (no slower than psych)"
BFI_KEYS = {
    "A": ["-A1", "A2", "A3", "A4", "A5"],
    "C": ["C1", "C2", "C3", "-C4", "-C5"],
    "E": ["-E1", "-E2", "E3", "E4", "E5"],
    "N": ["N1", "N2", "N3", "N4", "N5"],
    "O": ["O1", "-O2", "O3", "O4", "-O5"],
}


def _reference_dir() -> Path:
    # The copies the tests use (tests/reference/README.md gives their origin and licence).
    return Path(__file__).resolve().parent.parent / "tests" / "reference"


def _median_seconds(work: Callable[[], object], repeats: int) -> float:
    work()  # warm-up: first-call costs (imports, caches) are not what we compare
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _row(name: str, figure: float, baseline: float, notes: str) -> dict[str, object]:
    return {
        "name": name,
        "figure": figure,
        "unit": "s",
        "baseline_name": "psych 2.2.9 (R 4.2.2)",
        "baseline": baseline,
        "ratio": figure / baseline,
        "target": TARGET,
        "notes": notes,
    }


def run(quick: bool = False) -> list[dict[str, object]]:
    reference = _reference_dir()
    items = pd.read_csv(reference / "data" / "bfi.csv", index_col=0).iloc[:, :25]
    complete = items.dropna()
    alpha_table = pd.read_csv(reference / "expected" / "ref_psych_bfi_alpha_omega.csv")
    psych_alpha_seconds = float(alpha_table["alpha_time_s"].sum())
    repeats = 5 if quick else 30

    def fit_efa() -> object:
        return FactorAnalysis(5, method="minres", rotation="varimax").fit(complete).to_dict()

    def all_alphas() -> object:
        for keys in BFI_KEYS.values():
            cronbach_alpha(items, keys)
            cronbach_alpha(complete, keys)
        return None

    efa_seconds = _median_seconds(fit_efa, repeats)
    alpha_seconds = _median_seconds(all_alphas, max(3, repeats // 3))
    return [
        _row(
            "efa_bfi_5f_minres_varimax",
            efa_seconds,
            PSYCH_FA_SECONDS,
            f"FactorAnalysis(5, 'minres', 'varimax').fit on 2436x25 + to_dict; median of {repeats}",
        ),
        _row(
            "alpha_bfi_5_scales_pairwise_and_complete",
            alpha_seconds,
            psych_alpha_seconds,
            "cronbach_alpha on 2800 rows (pairwise) and 2436 complete rows for A, C, E, N, O; "
            "ours also fits a one-factor omega per call",
        ),
    ]


if __name__ == "__main__":
    for result in run(quick=True):
        print(result)
