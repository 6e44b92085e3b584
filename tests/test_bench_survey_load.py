"""The survey-path load benchmark's own rules: the same gunicorn options as scripts/serve.sh, and how
the figure is picked from the steps (benchmarks/bench_survey_load.py)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.bench_survey_load import GUNICORN, Step, best, serve_sh_options

SERVE_SH = Path(__file__).resolve().parents[1] / "scripts" / "serve.sh"


def _pairs(options: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, part in enumerate(options):
        if part.startswith("--"):
            following = options[i + 1] if i + 1 < len(options) else ""
            out[part] = "" if following.startswith("--") else following
    return out


def test_the_benchmark_serves_with_the_options_a_deployment_runs_with():
    deployed = serve_sh_options(SERVE_SH.read_text())
    deployed.pop("--bind")
    deployed.pop("--error-logfile")
    assert _pairs(GUNICORN) == deployed


def test_reading_serve_sh_takes_the_defaults_of_its_variables():
    text = (
        'exec gunicorn allypath.web.wsgi:application --workers "${ALLYPATH_WORKERS:-3}" --threads 2 --preload'
    )
    assert serve_sh_options(text) == {"--workers": "3", "--threads": "2", "--preload": ""}


def _step(users: int, rps: float, p95: float, failures: int = 0, short: bool = False) -> Step:
    return Step(users, rps, p95 / 2, p95, requests=100, failures=failures, short_of_links=short)


def test_the_figure_is_the_best_throughput_within_the_p95_budget():
    steps = [_step(2, 100, 20), _step(8, 180, 120), _step(32, 250, 900)]
    assert best(steps) == steps[1]  # more requests/s at 32 users, but p95 900 ms is over 300


def test_steps_with_failures_or_without_enough_links_do_not_count():
    steps = [_step(2, 100, 20), _step(8, 180, 120, failures=1), _step(16, 190, 150, short=True)]
    assert best(steps) == steps[0]
    assert best([_step(2, 50, 301)]) is None
