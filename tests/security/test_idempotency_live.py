"""Idempotent submission under real concurrency, against gunicorn on 127.0.0.1 (2 workers x 4 threads):
a double click, ten retries at once and two tabs each store exactly one response.

The contract (DESIGN §5, docs/web.md): the same submission_id and body -> the same receipt (201 once,
200 after); the same submission_id with other answers -> 422 ``submission_id_reused``; a request that
races an identical one still in flight -> 200 with the same receipt, or 409 ``link_used`` when it
reached the link after the first had claimed it. Never a second row, never a 5xx.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .live import Server, Site, Zygote, fresh_database, post_json

pytestmark = [pytest.mark.db, pytest.mark.slow]


@dataclass
class Live:
    site: Site
    server: Server
    tokens: list[str]
    answers: dict[str, Any]

    def body(self, token: str, submission_id: str | None = None, **changes: Any) -> dict[str, Any]:
        return {
            "token": token,
            "submission_id": submission_id or str(uuid.uuid4()),
            "answers": dict(self.answers),
            "language": "en",
        } | changes

    def stored_for(self, bodies: list[dict[str, Any]]) -> int:
        import hashlib

        # the idempotency key is the link and the submission_id together (keys.submission_key)
        keys = ",".join(
            "'"
            + hashlib.sha256(f"allypath:submission:{b['token']}:{b['submission_id']}".encode()).hexdigest()
            + "'"
            for b in bodies
        )
        return int(
            self.site.query(f"SELECT count(*) FROM survey_response WHERE submission_key IN ({keys})")[0][0]
        )


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp: Path = tmp_path_factory.mktemp("idempotency")
    with fresh_database("idem") as database_url:
        site = Site(tmp, database_url, {})
        seed = site.seed(people=40)
        zygote = Zygote(site)
        server = Server(site, workers=2, threads=4, zygote=zygote)
        server.start()
        try:
            yield Live(site, server, list(seed["tokens"]), seed["answers"])
        finally:
            server.stop()
            zygote.close()


def at_once(live: Live, bodies: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """POST every body from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(bodies))
    results: list[tuple[int, dict[str, Any]]] = [(0, {})] * len(bodies)

    def send(i: int) -> None:
        barrier.wait()
        results[i] = post_json(live.server.url + "/api/v1/responses", bodies[i], timeout=60)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def assert_one_response(results: list[tuple[int, dict[str, Any]]]) -> str:
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {200, 201, 409}, statuses
    receipts = {reply["receipt"] for status, reply in results if status in (200, 201)}
    assert len(receipts) == 1, receipts
    for status, reply in results:
        if status == 409:
            assert reply["code"] in ("link_used", "submission_id_reused"), reply
    return receipts.pop()


def test_a_double_click_stores_one_response(live: Live):
    body = live.body(live.tokens.pop())
    assert_one_response(at_once(live, [body, body]))
    assert live.stored_for([body]) == 1


def test_ten_simultaneous_retries_store_one_response_and_agree_on_the_receipt(live: Live):
    body = live.body(live.tokens.pop())
    receipt = assert_one_response(at_once(live, [body] * 10))
    assert live.stored_for([body]) == 1
    # and once settled, every further retry is a 200 with that receipt
    status, reply = post_json(live.server.url + "/api/v1/responses", body)
    assert (status, reply["receipt"]) == (200, receipt)


def test_two_tabs_on_one_link_store_one_response(live: Live):
    token = live.tokens.pop()
    tabs = [live.body(token), live.body(token)]  # each tab has its own submission_id
    results = at_once(live, tabs)
    assert sorted(status for status, _ in results) == [201, 409]
    loser = next(reply for status, reply in results if status == 409)
    assert loser["code"] == "link_used"
    assert live.stored_for(tabs) == 1


def test_the_same_submission_id_with_other_answers_is_refused(live: Live):
    body = live.body(live.tokens.pop())
    assert post_json(live.server.url + "/api/v1/responses", body)[0] == 201
    other = body | {"answers": {**body["answers"], next(iter(body["answers"])): 1}}
    status, reply = post_json(live.server.url + "/api/v1/responses", other)
    assert status == 422 and reply["code"] == "submission_id_reused"
    assert reply["errors"][0]["field"] == "submission_id"
    assert live.stored_for([body]) == 1


def test_many_links_submitted_concurrently_each_store_exactly_once(live: Live):
    bodies = [live.body(live.tokens.pop()) for _ in range(12)]
    results = at_once(live, bodies + bodies)  # every submission sent twice, all at once
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 12 and set(statuses) <= {200, 201, 409}, statuses
    assert live.stored_for(bodies) == 12
