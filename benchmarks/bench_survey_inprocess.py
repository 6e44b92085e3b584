"""The survey path in process (issue 19, point 5): a survey page and a submission through Django's
test client, against the floor (benchmarks/floor_site.py) measured the same way in the same run.

No HTTP server and no load generator: what allypath's own code costs per request, which a busy shared
machine disturbs far less than the load benchmark (bench_survey_load). The ratio is milliseconds per
request over the floor's (lower is better); its inverse is the share of the floor's requests/s the kind
would reach were the CPU in Django the only limit (the HTTP server's own time per request, the same for
both, brings the load benchmark's shares closer to 1). The profile lists where a page's and a
submission's milliseconds go (benchmarks/profile_survey_path.py).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from benchmarks.profile_survey_path import run as measure

_KEEP = ("allypath/", "django/db/", "django/template/loader.py", "csp/", "csrf", "commit")


def _profile_table(title: str, rows: list[list[Any]]) -> list[str]:
    keep = [r for r in rows if any(k in str(r[3]) for k in _KEEP)][:16]
    lines = [f"**{title}**", "", "| function | cumulative ms | own ms | calls |", "|---|---|---|---|"]
    lines += [f"| `{where}` | {cum:.3f} | {own:.3f} | {calls:.0f} |" for cum, own, calls, where in keep]
    return lines


def run(quick: bool = True) -> list[dict[str, object]]:
    n = 300 if quick else 1000
    result = measure(n, profile=True)
    floor = float(result["floor"])  # type: ignore[arg-type]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows: list[dict[str, object]] = []
    for kind, name in (("page", "survey page in process"), ("submit", "survey submission (API) in process")):
        figure = float(result[kind])  # type: ignore[arg-type]
        rows.append(
            {
                "name": name,
                "figure": figure,
                "unit": "ms",
                "baseline_name": "plain Django page (7,788 bytes) through the test client, same run",
                "baseline": floor,
                "ratio": figure / floor,
                "target": "state it (the CPU share behind the load benchmark's ratio)",
                "notes": (
                    f"median of 5 passes of {n // 5} requests, SQLite (WAL, synchronous=FULL) in a temporary "
                    f"folder; share of the floor's requests/s {floor / figure:.3f}; load at the end {load}"
                ),
            }
        )
    text = "\n".join(
        [
            f"cProfile of {n} requests of each kind through Django's test client (the profiler inflates "
            "many small calls); milliseconds per request:",
            "",
            *_profile_table("Survey page (his first page, his draft read back)", result["page_profile"]),  # type: ignore[arg-type]
            "",
            *_profile_table("Submission through the API", result["submit_profile"]),  # type: ignore[arg-type]
        ]
    )
    rows.append({"profile": "survey path in process, where the milliseconds go", "text": text})
    return rows


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick="--full" not in sys.argv), indent=1, default=str))
