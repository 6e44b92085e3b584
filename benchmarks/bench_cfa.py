"""CFA and measurement invariance on Holzinger-Swineford versus lavaan's timings on this hardware class.

The R figures are from the project's reference run (tests/reference/README.md; lavaan 0.6.14,
R 4.2.2, 2 cores): ``cfa()`` 0.25 s and the invariance sequence (configural, metric, scalar,
strict, equal means: 5 fits) 0.88 s. Both are wall-clock around the fitting calls, data already in
memory; ours likewise time the whole public call (data checks, estimation, fit measures,
standardized solution) on a loaded data frame.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from allypath.stats.cfa import cfa
from allypath.stats.invariance import measurement_invariance

HS_MODEL = """
  visual  =~ x1 + x2 + x3
  textual =~ x4 + x5 + x6
  speed   =~ x7 + x8 + x9
"""
LAVAAN_CFA_SECONDS = 0.25
LAVAAN_INVARIANCE_SECONDS = 0.88  # 5 fits
TARGET = "ratio <= 1 (no slower than lavaan)"


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
        "baseline_name": "lavaan 0.6.14 (R 4.2.2)",
        "baseline": baseline,
        "ratio": figure / baseline,
        "target": TARGET,
        "notes": notes,
    }


def run(quick: bool = False) -> list[dict[str, object]]:
    """Median wall-clock of the HS CFA and of the HS invariance sequence, as ratios to lavaan."""
    hs = pd.read_csv(_reference_dir() / "data" / "HolzingerSwineford1939.csv")
    repeats = 3 if quick else 9
    cfa_time = _median_seconds(lambda: cfa(hs, HS_MODEL), repeats)
    four = _median_seconds(lambda: measurement_invariance(hs, HS_MODEL, group="school"), repeats)
    five_levels = ("configural", "metric", "scalar", "strict", "means")
    five = _median_seconds(
        lambda: measurement_invariance(hs, HS_MODEL, group="school", levels=five_levels), repeats
    )
    return [
        _row("cfa_hs_3factor", cfa_time, LAVAAN_CFA_SECONDS, f"median of {repeats}; N=301, 21 parameters"),
        _row(
            "invariance_hs_school_4_levels",
            four,
            LAVAAN_INVARIANCE_SECONDS,
            f"median of {repeats}; configural..strict (4 fits) against lavaan's 5 fits",
        ),
        _row(
            "invariance_hs_school_5_fits",
            five,
            LAVAAN_INVARIANCE_SECONDS,
            f"median of {repeats}; the same 5 fits as the R script (+ equal latent means)",
        ),
    ]


if __name__ == "__main__":
    for result in run(quick=True):
        print(f"{result['name']:32s} {result['figure']:.4f} s  ratio {result['ratio']:.3f}")
