"""Latent class analysis versus poLCA's timings on this hardware class.

The R figures are the ``seconds_20_starts`` column of tests/reference/expected/ref_poLCA_fits.csv:
``poLCA(..., nrep = 20, maxiter = 20000, tol = 1e-10)`` wall-clock (poLCA 1.6.0.2, R 4.2.2, 2 cores):
carcinoma/3 0.212 s, values/3 7.59 s, gss82/4 56.6 s, election/4 5.33 s. Ours time the public
:func:`allypath.stats.latent.latent_class` call with the same settings (20 starts, tol 1e-10,
max_iter 20000) on a data frame already in memory: recoding, EM, posteriors and tidy output.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from allypath.stats.latent import latent_class

ELECTION_ITEMS = [
    f"{trait}{who}" for who in ("G", "B") for trait in ("MORAL", "CARES", "KNOW", "LEAD", "DISHON", "INTEL")
]
CASES = [
    # (dataset, classes, items or None for every column, target)
    ("carcinoma", 3, None, "ratio <= 2 (within 2x of poLCA)"),
    ("values", 3, None, "ratio <= 1 (no slower than poLCA)"),
    ("gss82", 4, None, "ratio <= 1 (no slower than poLCA)"),
    ("election", 4, ELECTION_ITEMS, "ratio <= 1 (no slower than poLCA)"),
]


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


def run(quick: bool = False) -> list[dict[str, object]]:
    """Median wall-clock of 20-start poLCA-equivalent fits, as ratios to poLCA's."""
    reference = _reference_dir()
    timings = pd.read_csv(reference / "expected" / "ref_poLCA_fits.csv").set_index(["dataset", "nclass"])[
        "seconds_20_starts"
    ]
    results: list[dict[str, object]] = []
    for dataset, n_classes, items, target in CASES:
        data = pd.read_csv(reference / "data" / f"poLCA_{dataset}.csv")
        if items is not None:
            data = data[items]
        repeats = 3 if quick else (9 if len(data) < 500 else 5)
        fit = latent_class(data, n_classes)
        figure = _median_seconds(lambda d=data, k=n_classes: latent_class(d, k), repeats)
        baseline = float(timings.loc[(dataset, n_classes)])
        results.append(
            {
                "name": f"lca_{dataset}_{n_classes}_classes_20_starts",
                "figure": figure,
                "unit": "s",
                "baseline_name": "poLCA 1.6.0.2 (R 4.2.2)",
                "baseline": baseline,
                "ratio": figure / baseline,
                "target": target,
                "notes": (
                    f"median of {repeats}; N={fit.n}, {len(fit.categories)} items, "
                    f"{len(data) - fit.n} incomplete rows dropped; same log-likelihood as poLCA "
                    f"({fit.loglik:.4f}); {fit.replicated}/20 starts reach it"
                ),
            }
        )
    return results


if __name__ == "__main__":
    for result in run(quick=True):
        print(f"{result['name']:40s} {result['figure']:.4f} s  ratio {result['ratio']:.4f}")
