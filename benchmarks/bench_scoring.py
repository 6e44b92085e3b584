"""Scoring 1,000,000 simulated respondents: the kernel.

:func:`allypath.scoring.run_kernel` on the answer matrix, against a numpy reduction over the same
matrix in the same process (the memory-bound floor: any scorer must read the answers once). Targets:
<= 1.5 s and a ratio <= 20. The command, ``allypath score in.parquet --out out.parquet``, is measured
by bench_stream (streamed, with its memory) against a pyarrow read + write of the same file.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import pandas as pd

import allypath
from allypath.scoring import build_plan, load_stage_model, run_kernel
from allypath.scoring.answers import read_answers


def _median(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _population(n: int) -> pd.DataFrame:
    block = allypath.simulate(min(n, 50_000), seed=1)
    copies = -(-n // len(block))
    frame = pd.concat([block] * copies, ignore_index=True).iloc[:n].copy()
    frame["respondent_id"] = [f"r{i:08d}" for i in range(n)]
    return frame


def run(quick: bool = False) -> list[dict[str, object]]:
    n = 100_000 if quick else 1_000_000
    frame = _population(n)
    instrument = allypath.load_instrument()
    model = load_stage_model()
    answers = read_answers(frame, instrument)
    plan = build_plan(instrument, model)
    matrix = answers.matrix
    run_kernel(matrix, plan)  # warm-up
    kernel = _median(lambda: run_kernel(matrix, plan), 3)
    floor = _median(lambda: matrix.sum(axis=1), 5)
    rows: list[dict[str, object]] = [
        {
            "name": f"scoring kernel, {n:,} respondents",
            "figure": kernel,
            "unit": "s",
            "baseline_name": "numpy sum over the same answer matrix",
            "baseline": floor,
            "ratio": kernel / floor,
            "target": "<= 1.5 s and ratio <= 20 (1M rows)",
            "notes": f"{matrix.shape[1]} answer columns, float32; 5-node acquiescence quadrature",
        }
    ]
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
