"""Where the survey path's milliseconds go, in process (no HTTP, no load generator): usable when the
machine is busy, as ratios against the floor measured the same way in the same run.

    .venv/bin/python -m benchmarks.profile_survey_path [--n 500] [--profile]

Seeds a throw-away SQLite site (tests/security/site_seed.py), then in one process each: the floor
(benchmarks/floor_site.py through Django's test client), a respondent's first survey page (his link
started once, GET repeated) and a whole submission through the API (a new link each). Prints the
median milliseconds per request of each over alternating passes, the ratios floor/kind (the share of
the floor's requests/s each would reach were the CPU the only limit), and with ``--profile`` the
cProfile of each (cumulative ms per request).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from security.live import Site  # noqa: E402 - tests/ is put on the path just above

APP_CODE = """
import cProfile, io, json, pstats, statistics, time, uuid, django
django.setup()
from django.test import Client
seed = json.load(open({seed!r}))
n, profile = {n}, {profile}
tokens = list(seed["tokens"])
reader = Client(HTTP_HOST="127.0.0.1")
token = tokens.pop()
assert reader.get(f"/s/{{token}}/").status_code == 200  # as a browser (and locust): the CSRF cookie first
assert reader.post(f"/s/{{token}}/", {{"language": "en"}}).status_code == 302
page_url = f"/s/{{token}}/p/1/?lang=en"
api = Client(HTTP_HOST="127.0.0.1")

def page():
    answer = reader.get(page_url)
    assert answer.status_code == 200, answer.status_code

def submit():
    body = {{"token": tokens.pop(), "submission_id": str(uuid.uuid4()), "language": "en",
            "answers": seed["answers"]}}
    answer = api.post("/api/v1/responses", body, content_type="application/json")
    assert answer.status_code == 201, (answer.status_code, answer.content[:300])

def timed(fn, count):
    start = time.perf_counter()
    for _ in range(count):
        fn()
    return (time.perf_counter() - start) / count * 1000

for _ in range(30):
    page(); submit()
out = {{"page": [], "submit": []}}
for _ in range(5):
    out["page"].append(timed(page, n // 5))
    out["submit"].append(timed(submit, n // 5))
result = {{k: statistics.median(v) for k, v in out.items()}}

def top(fn, count):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        fn()
    profiler.disable()
    rows = []
    for (file, line, name), (cc, nc, tt, ct, callers) in pstats.Stats(profiler).stats.items():
        where = file.split("site-packages/")[-1] if "site-packages" in file else file.split("src/")[-1]
        per = (round(ct / count * 1000, 3), round(tt / count * 1000, 3), nc / count)
        rows.append((*per, where + ":" + name))
    rows.sort(reverse=True)
    return rows[:60]

if profile:
    result["page_profile"] = top(page, n)
    result["submit_profile"] = top(submit, n)
from django.db import connection
print(json.dumps(result))
"""

FLOOR_CODE = """
import json, statistics, time
import benchmarks.floor_site
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
def floor():
    assert client.get("/floor/").status_code == 200
for _ in range(200):
    floor()
passes = []
for _ in range(5):
    start = time.perf_counter()
    for _ in range({n}):
        floor()
    passes.append((time.perf_counter() - start) / {n} * 1000)
print(json.dumps({{"floor": statistics.median(passes)}}))
"""


def run(n: int = 500, profile: bool = False) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="allypath-profile-survey-"))
    try:
        site = Site(folder, "", {"ALLYPATH_SUBMIT_LIMIT_PER_IP": "0", "ALLYPATH_SUBMIT_LIMIT_PER_TOKEN": "0"})
        site.seed(people=2 * n + 100)
        app = json.loads(
            site.python(APP_CODE.format(seed=str(folder / "seed.json"), n=n, profile=profile), timeout=900)
        )
        floor_env = Site(folder, "", {"ALLYPATH_FLOOR_BYTES": "7788", "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"})
        floor = json.loads(floor_env.python(FLOOR_CODE.format(n=n * 4)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result: dict[str, object] = {**app, **floor}
    result["page_share_of_floor"] = floor["floor"] / app["page"]
    result["submit_share_of_floor"] = floor["floor"] / app["submit"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    result = run(args.n, args.profile)
    for key in ("floor", "page", "submit"):
        print(f"{key}: {result[key]:.3f} ms per request")
    print(f"page share of floor: {result['page_share_of_floor']:.3f}")
    print(f"submit share of floor: {result['submit_share_of_floor']:.3f}")
    for key in ("page_profile", "submit_profile"):
        if key in result:
            print(f"\n{key} (cumulative ms, own ms, calls per request, function)")
            for cum, own, calls, where in result[key]:  # type: ignore[attr-defined]
                print(f"{cum:8.3f} {own:8.3f} {calls:6.1f}  {where}")


if __name__ == "__main__":
    main()
