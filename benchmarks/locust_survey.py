"""Locust users of the survey-path load benchmark (bench_survey_load), one kind per run.

    ALLYPATH_LOAD_SEED=seed.json ALLYPATH_LOAD_RESULTS=out.json locust -f benchmarks/locust_survey.py \\
        --headless -u 8 -r 8 -t 10s --reset-stats --host http://127.0.0.1:8000 Floor|SurveyPage|Submission

Closed loop, no think time: each simulated user sends its next request as soon as the last one is
answered, so the throughput at a number of users is what the server gives at that concurrency, and the
p95 is what one request waits. The benchmark steps the number of users up.

- ``Floor``: GET the plain Django page (benchmarks/floor_site.py);
- ``SurveyPage``: a respondent's survey page (his first page of questions, his draft read back), after
  opening his link and starting once;
- ``Submission``: a whole response submitted through the API, each with a new personal link.

At the end ``out.json`` holds, per request name, the requests, failures, requests per second, the
percentiles and the mean size of the answers; and the unexpected answers (status and start of the body).
Refuses any host but the loopback interface.
"""

from __future__ import annotations

import ipaddress
import json
import os
import threading
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locust import constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment

SEED: dict[str, Any] = (
    json.loads(Path(os.environ["ALLYPATH_LOAD_SEED"]).read_text())
    if os.environ.get("ALLYPATH_LOAD_SEED")
    else {"tokens": [], "answers": {}}
)
RESULTS = Path(os.environ.get("ALLYPATH_LOAD_RESULTS", "bench-load.json"))

_tokens: list[str] = list(SEED["tokens"])
_lock = threading.Lock()
_unexpected: list[str] = []


def _next_token() -> str | None:
    with _lock:
        return _tokens.pop() if _tokens else None


@events.test_start.add_listener
def _only_loopback(environment: Environment, **_: Any) -> None:
    name = urlsplit(environment.host or "").hostname or ""
    try:
        loopback = name == "localhost" or ipaddress.ip_address(name).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(f"refusing to load {environment.host!r}: this benchmark targets 127.0.0.1 only")


@events.quitting.add_listener
def _write_results(environment: Environment, **_: Any) -> None:
    entries = {
        name: {
            "requests": stats.num_requests,
            "failures": stats.num_failures,
            "rps": stats.total_rps,
            "p50_ms": stats.get_response_time_percentile(0.50),
            "p95_ms": stats.get_response_time_percentile(0.95),
            "p99_ms": stats.get_response_time_percentile(0.99),
            "bytes": stats.avg_content_length,
        }
        for (name, _method), stats in environment.stats.entries.items()
    }
    RESULTS.write_text(
        json.dumps({"entries": entries, "tokens_left": len(_tokens), "unexpected": _unexpected[:20]})
    )


class _Closed(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def _expect(self, response: Any, status: int) -> bool:
        if response.status_code != status:
            with _lock:
                _unexpected.append(f"{response.request.method} {response.status_code}: {response.text[:160]}")
            return False
        return True


class Floor(_Closed):
    @task
    def floor(self) -> None:
        self._expect(self.client.get("/floor/", name="floor"), 200)


class SurveyPage(_Closed):
    """Opens one link and starts it (not counted: --reset-stats), then reloads his first page."""

    page = ""

    def on_start(self) -> None:
        token = _next_token()
        if token is None:
            raise RuntimeError("no personal link left: seed more people")
        link = f"/s/{token}/"
        self._expect(self.client.get(link, name="start"), 200)
        csrf = next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")
        started = self.client.post(
            link,
            data={"language": "en", "csrfmiddlewaretoken": csrf},
            name="start",
            allow_redirects=False,
        )
        self._expect(started, 302)
        self.page = f"/s/{token}/p/1/?lang=en"

    @task
    def survey_page(self) -> None:
        self._expect(self.client.get(self.page, name="survey page"), 200)


class Submission(_Closed):
    """A whole response through the API, each with a new link (a link answers once)."""

    @task
    def submit(self) -> None:
        token = _next_token()
        if token is None:
            self.environment.runner.quit()
            return
        body = {
            "token": token,
            "submission_id": str(uuid.uuid4()),
            "answers": SEED["answers"],
            "language": "en",
        }
        self._expect(self.client.post("/api/v1/responses", json=body, name="submission"), 201)
