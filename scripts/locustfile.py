"""Load scenario: respondents open their survey link, answer it page by page, submit through the API and
read their report -- against a local allypath server only.

    ALLYPATH_LOAD_SEED=seed.json ALLYPATH_LOAD_RESULTS=out.json \\
        locust -f scripts/locustfile.py --headless -u 200 -r 20 -t 5m --host http://127.0.0.1:8000

``seed.json`` comes from tests/security/site_seed.py (personal links and the answers per page). Each
simulated respondent uses one link once. At the end ``out.json`` holds every acknowledged submission
(to check that none was lost), the count of 5xx answers and the response-time percentiles.
Refuses any host but the loopback interface.
"""

from __future__ import annotations

import ipaddress
import json
import os
import random
import threading
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from locust.env import Environment

SEED = json.loads(Path(os.environ["ALLYPATH_LOAD_SEED"]).read_text())
RESULTS = Path(os.environ.get("ALLYPATH_LOAD_RESULTS", "load-results.json"))
THINK = (
    float(os.environ.get("ALLYPATH_LOAD_THINK_MIN", "1")),
    float(os.environ.get("ALLYPATH_LOAD_THINK_MAX", "3")),
)

_tokens: list[str] = list(SEED["tokens"])
_lock = threading.Lock()
_acked: dict[str, str] = {}  # submission_id -> token (the idempotency key is both)
_server_errors: list[str] = []
_unexpected: list[str] = []


def _loopback(host: str) -> bool:
    name = urlsplit(host).hostname or ""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@events.test_start.add_listener
def _only_loopback(environment: Environment, **_: Any) -> None:
    if not _loopback(environment.host or ""):
        raise SystemExit(f"refusing to load {environment.host!r}: this scenario targets 127.0.0.1 only")


@events.request.add_listener
def _count_5xx(name: str, response: Any = None, exception: Any = None, **_: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    if status >= 500:
        with _lock:
            _server_errors.append(f"{status} {name}")


@events.quitting.add_listener
def _write_results(environment: Environment, **_: Any) -> None:
    total = environment.stats.total
    RESULTS.write_text(
        json.dumps(
            {
                "acked": _acked,
                "server_errors": _server_errors,
                "unexpected": _unexpected[:50],
                "requests": total.num_requests,
                "failures": total.num_failures,
                "p50_ms": total.get_response_time_percentile(0.50),
                "p95_ms": total.get_response_time_percentile(0.95),
                "p99_ms": total.get_response_time_percentile(0.99),
                "max_ms": total.max_response_time,
                "rps": total.total_rps,
                "by_name_p95_ms": {
                    name: stats.get_response_time_percentile(0.95)
                    for (name, _method), stats in environment.stats.entries.items()
                },
            }
        )
    )


class Respondent(HttpUser):
    wait_time = between(*THINK)

    def _expect(self, response: Any, *statuses: int) -> bool:
        if response.status_code not in statuses:
            with _lock:
                error = getattr(response, "error", None) or response.text[:200]
                _unexpected.append(
                    f"{response.request.method} {response.url} {response.status_code}: {error}"
                )
            return False
        return True

    @task
    def answer_the_survey(self) -> None:
        with _lock:
            if not _tokens:
                self.stop()
                return
            token = _tokens.pop()
        self.client.cookies.clear()
        link = f"/s/{token}/"
        if not self._expect(self.client.get(link, name="/s/[token]/"), 200):
            return
        csrf = self.client.cookies.get("csrftoken", "")
        start = self.client.post(
            link,
            {"language": "en", "csrfmiddlewaretoken": csrf},
            name="/s/[token]/ start",
            allow_redirects=False,
        )
        if not self._expect(start, 302):
            return
        pages = SEED["pages"]
        for number, fields in enumerate(pages, start=1):
            url = f"/s/{token}/p/{number}/"
            self.wait()
            if not self._expect(self.client.get(url, name="/s/[token]/p/[n]/"), 200):
                return
            data: list[tuple[str, str]] = [(name, value) for name, value in fields]
            action = "next" if number < len(pages) else "save"
            data += [("action", action), ("language", "en"), ("csrfmiddlewaretoken", csrf)]
            posted = self.client.post(url, data, name="/s/[token]/p/[n]/ save", allow_redirects=False)
            if not self._expect(posted, 302):
                return
        self.wait()
        submission_id = str(uuid.uuid4())
        body = {"token": token, "submission_id": submission_id, "answers": SEED["answers"], "language": "en"}
        submitted = self.client.post("/api/v1/responses", json=body, name="/api/v1/responses")
        if not self._expect(submitted, 201):
            return
        receipt = submitted.json()["receipt"]
        with _lock:
            _acked[submission_id] = token
        if random.random() < 0.5:  # noqa: S311 - half of them read their report straight away
            self._expect(self.client.get(f"/r/{receipt}/", name="/r/[receipt]/"), 200)
