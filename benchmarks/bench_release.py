"""Solving the publication (DESIGN §6): how long one release takes, and how it grows with units.

A scored-like frame made with numpy: respondents spread over 8 waves and a number of units, with a
level (4 values) and a region (5) each; the declared set is the default one: unit, level, region and
their pairwise crossings. The release is solved over every wave (primary and line suppression, the
exact linear audit, the stage audit, comments). The baseline is DuckDB computing the counts of the
same cells (one GROUPING SETS query over the same frame) in the same run: the price of the
disclosure control on top of the aggregation it protects.

The full-size target of issue 13 is 100,000 respondents, 500 units and 8 waves; the rows before it
show how the time grows with units at about 200 respondents per unit. Small waves are audited by the
dense exact search, large ones by null-space probes (src/allypath/privacy/probe.py); see
BENCHMARKS.md and docs/privacy.md.
"""

from __future__ import annotations

import sys
import time

import duckdb
import numpy as np
import pandas as pd

from allypath.privacy import PrivacyPolicy, default_breakdowns, solve_release

WAVES = 8
FULL = ((1_000, 5), (4_000, 20), (25_000, 125), (100_000, 500))
QUICK = ((1_000, 5),)


def frame(respondents: int, units: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "unit": np.char.add("U", rng.integers(0, units, respondents).astype(str)).astype(object),
            "level": rng.choice(
                ["IC", "Manager", "Director", "Executive"], respondents, p=[0.7, 0.2, 0.08, 0.02]
            ),
            "region": rng.choice(["EMEA", "APAC", "Americas", "Africa", "Oceania"], respondents),
            "wave": np.char.add("W", (np.arange(respondents) * WAVES // respondents + 1).astype(str)),
            "stage": rng.choice(4, respondents, p=[0.15, 0.35, 0.3, 0.2]) + 1,
        }
    ).astype({"level": object, "region": object, "wave": object})


def _duckdb_cells(data: pd.DataFrame) -> float:
    con = duckdb.connect()
    con.register("scored", data)
    sets = "(wave), (wave, unit), (wave, level), (wave, region), (wave, level, region), " + (
        "(wave, unit, level), (wave, unit, region)"
    )
    start = time.perf_counter()
    con.execute(
        "SELECT wave, unit, level, region, count(*), "
        + ", ".join(f"count(*) FILTER (WHERE stage = {s})" for s in range(1, 5))
        + f" FROM scored GROUP BY GROUPING SETS ({sets})"
    ).fetchall()
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def run(quick: bool = False) -> list[dict[str, object]]:
    rows = []
    declared = default_breakdowns(["level", "region"], ["unit"])
    for respondents, units in QUICK if quick else FULL:
        data = frame(respondents, units)
        baseline = min(_duckdb_cells(data) for _ in range(3))
        start = time.perf_counter()
        release = solve_release(data, declared, PrivacyPolicy())
        seconds = time.perf_counter() - start
        rows.append(
            {
                "name": f"release_solve_{respondents}x{units}",
                "figure": seconds,
                "unit": "s",
                "baseline_name": f"DuckDB {duckdb.__version__} counts of the same cells, same run",
                "baseline": baseline,
                "ratio": seconds / baseline,
                "target": "state it (issue 13: 100,000 x 500 units x 8 waves)",
                "notes": (
                    f"{respondents:,} respondents, {units} units, {WAVES} waves, level and region declared "
                    f"with their crossings; {len(release.cells):,} cells, {release.shown_share():.0%} shown"
                ),
            }
        )
    return rows


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(result)
