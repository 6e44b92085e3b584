"""The survey path under load (issue 19, point 5): requests per second at p95 <= 300 ms, against a floor.

Three kinds of request, each served by gunicorn with scripts/serve.sh's options (``GUNICORN``, the
options a deployment runs with) on this machine, with the load generator (locust,
benchmarks/locust_survey.py) on the same machine:

- the floor: a plain Django view returning a static page of the survey page's size
  (benchmarks/floor_site.py): what this machine, Django and gunicorn give at best;
- a respondent's survey page (his link opened and started once; then his first page of questions,
  with his draft read back);
- a whole response submitted through the API (each with a personal link of its own: a link answers once).

Closed-loop users with no think time, stepped up (1, 2, 4 ... 64 users, ``STEP_SECONDS`` each after a
warm-up): the figure of each kind is the most requests per second among the steps whose p95 is within
``P95_MS`` and that had no failure. The ratio is that figure over the floor's (higher is better; the
issue's goal is >= 0.60). Every step's requests/s and p95 are written under Profiles, with a cProfile of
one submission through Django's test client (where its milliseconds go).

SQLite in the site's data folder (the default deployment: ``make demo``/``make serve``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from security.live import Server, Site  # noqa: E402 - tests/ is put on the path just above

P95_MS = 300.0
GOAL = 0.60  # the goal: >= 60 % of the floor's requests/s
# scripts/serve.sh's gunicorn options (tests/test_bench_survey_load.py checks they still are).
GUNICORN = (
    "--workers",
    "2",
    "--threads",
    "2",
    "--timeout",
    "60",
    "--keep-alive",
    "75",
    "--no-control-socket",
    "--preload",
    "--max-requests",
    "50000",
    "--max-requests-jitter",
    "5000",
)
LOCUST = Path(sys.executable).with_name("locust")
LOCUSTFILE = ROOT / "benchmarks" / "locust_survey.py"
KINDS = {
    "floor": ("Floor", "floor"),
    "page": ("SurveyPage", "survey page"),
    "submit": ("Submission", "submission"),
}


@dataclass(frozen=True)
class Step:
    users: int
    rps: float
    p50_ms: float
    p95_ms: float
    requests: int
    failures: int
    short_of_links: bool = False

    @property
    def within(self) -> bool:
        return self.failures == 0 and not self.short_of_links and self.requests > 0 and self.p95_ms <= P95_MS


def best(steps: list[Step]) -> Step | None:
    """The step with the most requests/s among those within the p95 budget and without failures."""
    good = [s for s in steps if s.within]
    return max(good, key=lambda s: s.rps) if good else None


def serve_sh_options(text: str) -> dict[str, str]:
    """The gunicorn options of scripts/serve.sh, defaults of its ``${VAR:-n}`` substituted."""
    command = text[text.index("gunicorn allypath.web.wsgi:application") :]
    options = {}
    for name, value in re.findall(r"(--[a-z-]+)(?:[ =]+(\"?\$\{[A-Z_]+:-[^}]+\}\"?|[0-9]+))?", command):
        default = re.search(r":-([^}]+)\}", value)
        options[name] = default.group(1) if default else value
    return options


def _locust(server: Server, site: Site, kind: str, users: int, seconds: int, folder: Path) -> dict[str, Any]:
    user_class, _ = KINDS[kind]
    out = folder / f"{kind}-{users}.json"
    env = {**site.env, "ALLYPATH_LOAD_SEED": str(folder / "seed.json"), "ALLYPATH_LOAD_RESULTS": str(out)}
    done = subprocess.run(
        [
            str(LOCUST),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--reset-stats",
            "--stop-timeout",
            "5",
            "--host",
            server.url,
            "--only-summary",
            "--loglevel",
            "ERROR",
            user_class,
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=False,
    )
    if not out.exists():
        raise RuntimeError(f"locust wrote no results ({kind}, {users} users): {done.stderr[-2000:]}")
    result = dict(json.loads(out.read_text()))
    # Each locust run starts from seed.json: take out the links this one used (it pops from the end).
    seed_path = folder / "seed.json"
    seed = json.loads(seed_path.read_text())
    seed["tokens"] = seed["tokens"][: result["tokens_left"]]
    seed_path.write_text(json.dumps(seed))
    return result


def _steps(
    server: Server, site: Site, kind: str, users: tuple[int, ...], seconds: int, folder: Path
) -> list[Step]:
    _locust(server, site, kind, 2, 3, folder)  # warm-up: workers import, templates compile; not counted
    steps: list[Step] = []
    for n in users:
        result = _locust(server, site, kind, n, seconds, folder)
        entry = result["entries"].get(KINDS[kind][1], {})
        steps.append(
            Step(
                users=n,
                rps=float(entry.get("rps", 0.0)),
                p50_ms=float(entry.get("p50_ms", 0.0)),
                p95_ms=float(entry.get("p95_ms", 0.0)),
                requests=int(entry.get("requests", 0)),
                failures=int(entry.get("failures", 0)) + len(result["unexpected"]),
                short_of_links=kind == "submit" and result["tokens_left"] == 0,
            )
        )
        if steps[-1].p95_ms > 3 * P95_MS:  # well past the budget: more users only queue longer
            break
    return steps


PROFILE_CODE = """
import cProfile, io, json, pstats, uuid, django
django.setup()
from django.test import Client
seed = json.load(open({seed!r}))
tokens = seed["tokens"][:{n}]
client = Client(HTTP_HOST="127.0.0.1")
def submit(token):
    body = {{"token": token, "submission_id": str(uuid.uuid4()), "language": "en"}}
    body["answers"] = seed["answers"]
    answer = client.post("/api/v1/responses", body, content_type="application/json")
    assert answer.status_code == 201, (answer.status_code, answer.content[:300])
for token in tokens[:20]:
    submit(token)
profiler = cProfile.Profile()
profiler.enable()
for token in tokens[20:]:
    submit(token)
profiler.disable()
out = io.StringIO()
stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
per = {n} - 20
rows = []
for (file, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():
    if "site-packages" in file and "allypath" not in file:
        where = file.split("site-packages/")[-1]
    else:
        where = file.split("src/")[-1]
    rows.append((ct / per * 1000, tt / per * 1000, nc / per, where + ":" + name))
rows.sort(reverse=True)
print(json.dumps(rows[:40]))
"""


def _profile(site: Site, folder: Path, n: int) -> str:
    rows = json.loads(site.python(PROFILE_CODE.format(seed=str(folder / "seed.json"), n=n), timeout=600))
    keep = [r for r in rows if "allypath" in r[3] or "django/db" in r[3] or "sqlite3" in r[3]][:18]
    lines = [
        f"cProfile of {n - 20} submissions through Django's test client (after 20 warm-up ones), in one "
        "process on the same SQLite site; the profiler's overhead inflates many small calls. "
        "Milliseconds per submission, cumulative (with what it calls) and own:",
        "",
        "| function | cumulative ms | own ms | calls |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{where}` | {cum:.2f} | {own:.2f} | {calls:.0f} |" for cum, own, calls, where in keep]
    return "\n".join(lines)


def _step_table(name: str, steps: list[Step]) -> str:
    lines = [
        f"**{name}**",
        "",
        "| users | requests/s | p50 ms | p95 ms | failures |",
        "|---|---|---|---|---|",
    ]
    for s in steps:
        mark = "" if s.within else " (out)"
        lines.append(f"| {s.users} | {s.rps:.0f}{mark} | {s.p50_ms:.0f} | {s.p95_ms:.0f} | {s.failures} |")
    return "\n".join(lines)


def run(quick: bool = True) -> list[dict[str, object]]:
    users = (2, 8, 24) if quick else (1, 2, 4, 8, 16, 32, 64)
    seconds = 6 if quick else 15
    people = 8_000 if quick else 40_000  # a submission uses its link up: enough for every step
    folder = Path(tempfile.mkdtemp(prefix="allypath-bench-load-"))
    try:
        site = Site(folder, "", {"ALLYPATH_SUBMIT_LIMIT_PER_IP": "0"})
        site.seed(people=people)
        measured: dict[str, list[Step]] = {}
        app = Server(site, options=GUNICORN)
        app.start()
        try:
            measured["page"] = _steps(app, site, "page", users, seconds, folder)
            measured["submit"] = _steps(app, site, "submit", users, seconds, folder)
            page_bytes = int(
                json.loads((folder / f"page-{users[0]}.json").read_text())["entries"]["survey page"]["bytes"]
            )
        finally:
            app.stop()
        floor_site = Site(folder, "", {"ALLYPATH_FLOOR_BYTES": str(page_bytes)})
        floor = Server(floor_site, app="benchmarks.floor_site:application", options=GUNICORN)
        floor.start()
        try:
            measured["floor"] = _steps(floor, floor_site, "floor", users, seconds, folder)
        finally:
            floor.stop()
        profile = _profile(site, folder, 120 if quick else 520)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    floor_best = best(measured["floor"])
    floor_rps = floor_best.rps if floor_best else float("nan")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows: list[dict[str, object]] = []
    names = {"page": "survey page under load", "submit": "survey submission (API) under load"}
    for kind in ("page", "submit"):
        top = best(measured[kind])
        rps = top.rps if top else float("nan")
        rows.append(
            {
                "name": names[kind],
                "figure": rps,
                "unit": "requests/s",
                "baseline_name": f"plain Django page ({page_bytes:,} bytes), same gunicorn options",
                "baseline": floor_rps,
                "ratio": rps / floor_rps,
                "target": f">= {GOAL:.2f} of the floor at p95 <= {P95_MS:.0f} ms (a share: higher is better)",
                "notes": (
                    (
                        f"best step {top.users} users: p50 {top.p50_ms:.0f} ms, p95 {top.p95_ms:.0f} ms; "
                        if top
                        else "no step within the p95 budget; "
                    )
                    + (
                        f"floor's best {floor_best.users} users, p95 {floor_best.p95_ms:.0f} ms; "
                        if floor_best
                        else ""
                    )
                    + f"{seconds} s per step, locust on the same 2 cores, SQLite; load at the end {load}"
                ),
            }
        )
    tables = [
        _step_table("Plain Django page (the floor)", measured["floor"]),
        _step_table("Survey page", measured["page"]),
        _step_table("Submission through the API", measured["submit"]),
    ]
    text = (
        "Each step: that many closed-loop users for the step's seconds; (out) marks a step over the p95 "
        f"budget of {P95_MS:.0f} ms or with failures.\n\n" + "\n\n".join(tables) + "\n\n" + profile
    )
    rows.append({"profile": "survey path under load, step by step", "text": text})
    return rows


if __name__ == "__main__":
    print(json.dumps(run(quick="--full" not in sys.argv), indent=1, default=str))
