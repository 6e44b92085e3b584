"""The release solved again after one new answer in the open wave, with each wave's decisions kept
(allypath.privacy.release.wave_store: what the web does), against a solve of every wave, in the same
process and on the same data.

    .venv/bin/python -m benchmarks.bench_wave_store [--quick]

The data is the release benchmark's (benchmarks/bench_release.py: 8 waves, level and region declared
with their crossings), its last wave open. Each timed solve with kept waves follows one more answer in
the open wave, and its release is checked equal to a solve of everything.
"""

from __future__ import annotations

import statistics
import sys
import time

import pandas as pd

from allypath.privacy import PrivacyPolicy, default_breakdowns, solve_release
from allypath.privacy.release import PublishedCell, wave_store
from benchmarks.bench_release import WAVES, frame

FULL = (25_000, 125)
QUICK = (1_000, 5)
OPEN = f"W{WAVES}"


class _Kept:
    def __init__(self) -> None:
        self.cells: dict[str, list[PublishedCell]] = {}
        self.solved = 0

    def get(self, digest: str) -> list[PublishedCell] | None:
        return self.cells.get(digest)

    def put(self, digest: str, cells: list[PublishedCell], seconds: float) -> None:
        self.solved += 1
        self.cells[digest] = cells


def run(quick: bool = False) -> list[dict[str, object]]:
    respondents, units = QUICK if quick else FULL
    data = frame(respondents, units)
    declared = default_breakdowns(["level", "region"], ["unit"])
    policy = PrivacyPolicy()

    def solve(rows: pd.DataFrame) -> dict:
        return solve_release(rows, declared, policy, open_waves=[OPEN]).to_dict()

    kept = _Kept()
    token = wave_store.set(kept)
    try:
        solve(data)  # every wave solved once and kept, as the first page after a deployment does
        timings, full = [], []
        for extra in range(3):
            newcomer = data[data["wave"] == OPEN].iloc[[extra]]
            data = pd.concat([data, newcomer], ignore_index=True)
            start = time.perf_counter()
            again = solve(data)
            timings.append(time.perf_counter() - start)
            wave_store.reset(token)
            start = time.perf_counter()
            everything = solve(data)
            full.append(time.perf_counter() - start)
            token = wave_store.set(kept)
            assert again == everything, "the kept waves gave another release than a full solve"
    finally:
        wave_store.reset(token)
    figure, baseline = statistics.median(timings), statistics.median(full)
    return [
        {
            "name": f"release solved again after one new answer, {respondents:,}x{units}",
            "figure": figure,
            "unit": "s",
            "baseline_name": "a solve of every wave, same data and process",
            "baseline": baseline,
            "ratio": figure / baseline,
            "target": "state it (a new answer in an open wave solves that wave only)",
            "notes": (
                f"{respondents:,} respondents, {units} units, {WAVES} waves (the last open), level and "
                f"region declared with their crossings; median of 3 new answers, each release equal to "
                f"the full solve's; {kept.solved - WAVES} wave solves after the first {WAVES}"
            ),
        }
    ]


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(result)
