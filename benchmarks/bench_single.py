"""Scoring one web submission: without pandas (``score_record``) against the DataFrame path.

Issue 19, point 5 (its scoring part): a submission went dict -> wide row -> one-row DataFrame ->
``allypath.score`` -> ``to_dict`` -> dict. ``web.survey.scoring.score_one`` now puts the wide row
straight into the kernel (``allypath.scoring.score_record``); ``score_many`` (imported files) still
builds one DataFrame, and for one submission it is the old path, so it is the baseline here.

Submissions: simulated respondents turned into checked answers as the survey posts them (numbers,
option lists, open text, skipped questions), a sixth of them straight-lining and a sixth answering
at random, so scored, suspect and insufficient rows are all timed. Each pass scores every submission
once with each path (paths alternate between passes); the figure is the median over passes of the
mean time per submission, in this one process (no HTTP, no database: the load test is separate).

The profile: cProfile of both paths over the same submissions, the cumulative time per submission of
the steps each path goes through.
"""

from __future__ import annotations

import cProfile
import math
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import allypath
from allypath.web.survey.answers import check_answers
from allypath.web.survey.scoring import score_many, score_one

BASELINE = "the DataFrame path, same submissions and process (score_many of one: what score_one was)"


def submissions(n: int, form: str, seed: int = 7) -> list[dict[str, Any]]:
    """Checked answers of ``n`` simulated respondents, some careless."""
    instrument = allypath.load_instrument()
    active = instrument.form(form)
    rng = np.random.default_rng(seed)
    out = []
    for k, record in enumerate(allypath.simulate(n, seed=seed, form=form).to_dict("records")):
        answers: dict[str, object] = {}
        for item in active.items:
            if item.type == "checklist":
                values = [record.get(f"{item.id}_{o.id}") for o in item.options]
                if all(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
                    continue
                answers[item.id] = [o.id for o, v in zip(item.options, values, strict=True) if v == 1]
            elif item.type == "text":
                if rng.random() < 0.3:
                    answers[item.id] = "Our mentoring scheme helped me speak up."
            elif item.type == "likert" and k % 6 == 3:
                answers[item.id] = 4
            elif item.type == "likert" and k % 6 == 4:
                answers[item.id] = int(rng.integers(1, 6))
            else:
                value = record.get(item.id)
                if value is not None and not (isinstance(value, float) and math.isnan(value)):
                    answers[item.id] = int(value)
        clean, errors = check_answers(answers, active)
        assert not errors, errors
        out.append(clean)
    return out


def per_call(work: Callable[[dict[str, Any]], object], cleans: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    for clean in cleans:
        work(clean)
    return (time.perf_counter() - start) / len(cleans)


def profile(work: Callable[[dict[str, Any]], object], cleans: list[dict[str, Any]]) -> pstats.Stats:
    profiler = cProfile.Profile()
    profiler.enable()
    for clean in cleans:
        work(clean)
    profiler.disable()
    return pstats.Stats(profiler)


# (file ending, function, label): the steps of a submission, in the order it goes through them
_STEPS = [
    ("web/survey/scoring.py", "score_many", "score_many: the DataFrame path, whole"),
    ("web/survey/scoring.py", "score_one", "score_one: the path without pandas, whole"),
    ("web/survey/answers.py", "wide_row", "wide_row (answers to one wide row)"),
    ("pandas/core/frame.py", "__init__", "pd.DataFrame(rows)"),
    ("pandas/core/frame.py", "__setitem__", "frame[numeric] = ...astype(float64)"),
    ("scoring/engine.py", "score", "allypath.score"),
    ("scoring/engine.py", "score_record", "allypath.scoring.score_record"),
    ("scoring/answers.py", "read_answers", "read_answers (checks, per pandas column)"),
    ("scoring/answers.py", "read_record", "read_record (checks, whole-row operations)"),
    ("scoring/kernel.py", "run_kernel", "run_kernel"),
    ("scoring/careless.py", "flag_careless", "flag_careless"),
    ("scoring/engine.py", "_output_columns", "_output_columns"),
    ("pandas/core/frame.py", "to_dict", "DataFrame.to_dict"),
]


def profile_table(frame: pstats.Stats, record: pstats.Stats, n: int) -> str:
    def cell(stats: pstats.Stats, ending: str, name: str) -> str:
        found = [
            value[3]
            for (file, _, function), value in stats.stats.items()  # type: ignore[attr-defined]
            if file.endswith(ending) and function == name
        ]
        return f"{max(found) / n * 1000:.2f}" if found else "—"

    lines = ["| step | DataFrame path, ms | without pandas, ms |", "|---|---|---|"]
    for ending, name, label in _STEPS:
        lines.append(f"| {label} | {cell(frame, ending, name)} | {cell(record, ending, name)} |")
    return "\n".join(lines)


def run(quick: bool = False) -> list[dict[str, object]]:
    n, passes = (100, 3) if quick else (400, 7)
    instrument = allypath.load_instrument()
    rows: list[dict[str, object]] = []
    profiles: list[str] = []
    for form in ("full", "short"):
        cleans = submissions(n, form)
        record_path: Callable[[dict[str, Any]], object] = lambda c: score_one(c, instrument, form)  # noqa: E731,B023
        frame_path: Callable[[dict[str, Any]], object] = lambda c: score_many([c], instrument, form)  # noqa: E731,B023
        per_call(record_path, cleans[:10])  # warm-up: plans, caches
        per_call(frame_path, cleans[:10])
        times: dict[str, list[float]] = {"record": [], "frame": []}
        for k in range(passes):
            order = [("record", record_path), ("frame", frame_path)]
            for name, work in order if k % 2 == 0 else order[::-1]:
                times[name].append(per_call(work, cleans))
        record, frame = statistics.median(times["record"]), statistics.median(times["frame"])
        statuses = {str(score_one(c, instrument, form)["status"]) for c in cleans}
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        rows.append(
            {
                "name": f"one web submission scored, {form} form",
                "figure": record * 1000,
                "unit": "ms",
                "baseline_name": BASELINE,
                "baseline": frame * 1000,
                "ratio": record / frame,
                "target": "state it (issue 19, point 5: score one response without pandas)",
                "notes": f"median of {passes} alternating passes over {n} submissions (statuses: "
                f"{', '.join(sorted(statuses))}); web.survey.scoring.score_one, values identical to the "
                f"DataFrame path (tests/scoring/test_single_response.py); load average {load}",
            }
        )
        if form == "full":
            table = profile_table(profile(frame_path, cleans), profile(record_path, cleans), n)
            profiles.append(
                f"{n} full-form submissions, cProfile: cumulative time per submission of each step (with "
                "the profiler's own overhead, which weighs most on the DataFrame path's many small "
                "calls; the figures in the table above are without it):\n\n" + table
            )
    rows.append({"profile": "one web submission scored", "text": "\n\n".join(profiles)})
    return rows


if __name__ == "__main__":
    for row in run(quick="--full" not in sys.argv):
        print(row)
