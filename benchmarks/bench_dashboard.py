"""Dashboard views through the privacy gate on 100,000 respondents, 500 units and 8 waves.

The data is a scored-like frame made with numpy (ids, unit, wave, stage, stage probabilities,
index and the barrier, norm and enabler scores); nothing is simulated item by item. The release is
solved once per run (its solve time is reported too): in the full run over the default declared set
(unit, level, region and their crossings, as an organisation declares them), in the quick run over
the unit breakdown only; then each session asks, for one wave, the four views
a dashboard opens: the stage mix per unit (with the organisation's total), the barrier heatmap per
unit, response rates per unit, and the trend per unit to the next wave. Every view reads its cells
from the release and computes the shown figures with pandas. The baseline is DuckDB running the same
group-by for the same view on the same frame in the same run, with no privacy: the price of reading
the release on top of a fast aggregation engine. Figures are p95 latencies over the sessions.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd

from allypath.analytics import factor_heatmap, response_rates, stage_mix, wave_change
from allypath.model import BARRIERS, ENABLERS, NORMS
from allypath.privacy import Breakdown, PrivacyPolicy, Release, default_breakdowns, solve_release

RESPONDENTS, UNITS, WAVES = 100_000, 500, 8
TARGET_MS = 300.0
CONSTRUCTS = sorted({f.construct for f in (*BARRIERS, *NORMS, *ENABLERS)})


def dashboard_frame(
    n: int = RESPONDENTS, units: int = UNITS, waves: int = WAVES, seed: int = 0
) -> pd.DataFrame:
    """A scored-like frame: ``n`` responses spread over ``waves`` waves and ``units`` units."""
    rng = np.random.default_rng(seed)
    unit = rng.integers(0, units, size=n)
    stage = rng.choice(4, size=n, p=[0.15, 0.35, 0.3, 0.2]) + 1
    probabilities = rng.dirichlet(np.ones(4), size=n)
    frame = pd.DataFrame(
        {
            "respondent_id": np.char.add("r", np.arange(n).astype(str)).astype(object),
            "unit": np.char.add("U", unit.astype(str)).astype(object),
            "wave": np.char.add("W", (np.arange(n) * waves // n + 1).astype(str)).astype(object),
            "level": rng.choice(["IC", "Manager", "Director", "Executive"], n, p=[0.7, 0.2, 0.08, 0.02]),
            "region": rng.choice(["EMEA", "APAC", "Americas", "Africa", "Oceania"], n),
            "status": "scored",
            "stage": stage.astype(np.int8),
            "p_apathy": probabilities[:, 0],
            "p_ambivalence": probabilities[:, 1],
            "p_reflective": probabilities[:, 2],
            "p_energised": probabilities[:, 3],
            "index": rng.uniform(0, 100, size=n),
        }
    )
    for construct in CONSTRUCTS:
        frame[f"score_{construct}"] = rng.uniform(1, 5, size=n).astype(np.float32)
    return frame


def _duckdb_views(con: duckdb.DuckDBPyConnection) -> dict[str, Callable[[str, str], object]]:
    stages = ", ".join(f"avg((stage = {s})::DOUBLE)" for s in range(1, 5))
    probabilities = ", ".join(
        f"avg({c})" for c in ("p_apathy", "p_ambivalence", "p_reflective", "p_energised")
    )
    scores = ", ".join(f"avg(score_{c})" for c in CONSTRUCTS)

    def mix(wave: str, _: str) -> object:
        return con.execute(
            f"SELECT unit, count(*), {stages}, {probabilities} FROM scored WHERE wave = ? GROUP BY unit",
            [wave],
        ).fetchall()

    def heatmap(wave: str, _: str) -> object:
        return con.execute(
            f"SELECT unit, count(*), {scores} FROM scored WHERE wave = ? GROUP BY unit", [wave]
        ).fetchall()

    def rates(wave: str, _: str) -> object:
        return con.execute(
            "SELECT s.unit, count(*) / any_value(i.invited) FROM scored s JOIN invited i USING (unit) "
            "WHERE s.wave = ? GROUP BY s.unit",
            [wave],
        ).fetchall()

    def trend(wave: str, later: str) -> object:
        return con.execute(
            f"SELECT unit, wave, count(*), avg(index), {stages} FROM scored "
            "WHERE wave IN (?, ?) GROUP BY unit, wave",
            [wave, later],
        ).fetchall()

    return {"stage_mix": mix, "barrier_heatmap": heatmap, "response_rates": rates, "trend": trend}


def _gated_views(
    frame: pd.DataFrame, invited: pd.DataFrame
) -> dict[str, Callable[[Release, str, str], object]]:
    return {
        "stage_mix": lambda release, wave, _: stage_mix(
            frame, "unit", release=release, filters={"wave": wave}, with_total=True
        ),
        "barrier_heatmap": lambda release, wave, _: factor_heatmap(
            frame, "unit", release=release, filters={"wave": wave}
        ),
        "response_rates": lambda release, wave, _: response_rates(
            frame, invited, "unit", release=release, filters={"wave": wave}
        ),
        "trend": lambda release, wave, later: wave_change(frame, "unit", (wave, later), release=release),
    }


def _p95(values: list[float]) -> float:
    return float(np.percentile(np.asarray(values), 95))


def run(quick: bool = False) -> list[dict[str, object]]:
    frame = dashboard_frame()
    invited = (frame.groupby("unit").size() * 12).rename("invited").reset_index()
    sessions = 8 if quick else 40
    con = duckdb.connect()
    con.register("scored", frame)
    con.register("invited", invited)
    duck = _duckdb_views(con)
    gated = _gated_views(frame, invited)
    waves = sorted(frame["wave"].unique())
    ours: dict[str, list[float]] = {name: [] for name in gated}
    theirs: dict[str, list[float]] = {name: [] for name in gated}
    shown: dict[str, list[float]] = {name: [] for name in gated}
    start = time.perf_counter()
    declared = [Breakdown.of("unit")] if quick else default_breakdowns(["level", "region"], ["unit"])
    scope = "unit breakdown" if quick else "unit, level, region and their crossings"
    release = solve_release(frame, declared, PrivacyPolicy())
    solve_seconds = time.perf_counter() - start
    for name in gated:  # warm-up: imports, DuckDB's first plan
        gated[name](release, waves[0], waves[1])
        duck[name](waves[0], waves[1])
    for session in range(sessions):
        wave = waves[session % (len(waves) - 1)]
        later = waves[waves.index(wave) + 1]
        for name, view in gated.items():
            start = time.perf_counter()
            table = view(release, wave, later)
            ours[name].append((time.perf_counter() - start) * 1000)
            shown[name].append(float(table["visible"].mean()))  # type: ignore[index]
            start = time.perf_counter()
            duck[name](wave, later)
            theirs[name].append((time.perf_counter() - start) * 1000)
    con.close()
    rows = []
    for name in gated:
        figure, baseline = _p95(ours[name]), _p95(theirs[name])
        rows.append(
            {
                "name": f"dashboard_{name}_p95",
                "figure": figure,
                "unit": "ms",
                "baseline_name": f"DuckDB {duckdb.__version__} group-by, same data and run, no privacy",
                "baseline": baseline,
                "ratio": figure / baseline,
                "target": f"p95 <= {TARGET_MS:.0f} ms",
                "notes": (
                    f"{RESPONDENTS:,} respondents, {UNITS} units, {WAVES} waves "
                    f"(~{RESPONDENTS // WAVES:,} per wave); "
                    f"p95 of {sessions} sessions (views in dashboard order), read from the release "
                    f"(solved once in {solve_seconds:.1f} s, {scope}); "
                    f"{np.mean(shown[name]):.0%} of groups shown"
                ),
            }
        )
    return rows


if __name__ == "__main__":
    for result in run(quick=True):
        print(result)
