"""Durability: concurrent submissions to gunicorn on 127.0.0.1 while the server is killed with SIGKILL at
random moments, again and again. After every restart:

- every acknowledged (2xx) submission is stored exactly once, and nothing else is;
- a submission whose answer was lost in the crash, retried with the same submission_id and body, gets
  200 (it had been stored) or 201 (it had not), never a second row;
- each stored response used up exactly one invitation;
- SQLite's ``PRAGMA integrity_check`` says ok.

CI runs ``ALLYPATH_CRASH_KILLS`` (default 5) kills; ``make soak`` runs 50+ with the same assertions.
SQLite file database by default; PostgreSQL when the suite runs with DATABASE_URL.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import random
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .live import Server, Site, Zygote, engine, fresh_database, post_json

pytestmark = [pytest.mark.db, pytest.mark.slow]

KILLS = int(os.environ.get("ALLYPATH_CRASH_KILLS", "5"))
CLIENTS = int(os.environ.get("ALLYPATH_CRASH_CLIENTS", "6"))
PEOPLE = int(os.environ.get("ALLYPATH_CRASH_PEOPLE", str(max(300, KILLS * 90))))


def submission_key(token: str, submission_id: str) -> str:
    # the same label as allypath.web.orgs.keys.submission_key (the test must not trust the app for it)
    return hashlib.sha256(f"allypath:submission:{token}:{submission_id}".encode()).hexdigest()


@dataclass
class Ledger:
    """What the clients know: acknowledged submissions and those whose answer was lost."""

    acked: dict[str, tuple[str, str]] = field(default_factory=dict)  # submission_id -> (token, receipt)
    lost: dict[str, str] = field(default_factory=dict)  # submission_id -> token
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def client_loop(url: str, tokens: deque[str], answers: dict[str, Any], ledger: Ledger, stop: threading.Event):
    while not stop.is_set():
        try:
            token = tokens.popleft()
        except IndexError:
            return
        submission_id = str(uuid.uuid4())
        body = {"token": token, "submission_id": submission_id, "answers": answers, "language": "en"}
        try:
            status, reply = post_json(url + "/api/v1/responses", body, timeout=30)
        except (OSError, http.client.HTTPException):  # the server died under us (even mid-body):
            # the answer is lost, the outcome unknown
            with ledger.lock:
                ledger.lost[submission_id] = token
            return  # a real client waits for the server to come back (retry_lost does that)
        with ledger.lock:
            if status == 201:
                ledger.acked[submission_id] = (token, reply["receipt"])
            else:
                ledger.unexpected.append(f"{status} {reply}")


def retry_lost(url: str, answers: dict[str, Any], ledger: Ledger) -> tuple[int, int]:
    """Send every lost submission again, same id and body: (found stored, stored now)."""
    already = fresh = 0
    for submission_id, token in list(ledger.lost.items()):
        body = {"token": token, "submission_id": submission_id, "answers": answers, "language": "en"}
        status, reply = post_json(url + "/api/v1/responses", body, timeout=60)
        if status in (200, 201):
            ledger.acked[submission_id] = (token, reply["receipt"])
            del ledger.lost[submission_id]
            already += status == 200
            fresh += status == 201
        else:
            ledger.unexpected.append(f"retry {status} {reply}")
    return already, fresh


def check_invariants(site: Site, ledger: Ledger, kill: int) -> None:
    if not site.database_url:
        assert site.query("PRAGMA integrity_check") == [("ok",)], f"after kill {kill}"
    stored = [row[0] for row in site.query("SELECT submission_key FROM survey_response")]
    assert len(stored) == len(set(stored)), f"a response was stored twice (kill {kill})"
    expected = {submission_key(token, sid) for sid, (token, _) in ledger.acked.items()}
    missing = expected - set(stored)
    assert not missing, f"{len(missing)} acknowledged responses lost after kill {kill}"
    unknown = set(stored) - expected - {submission_key(token, sid) for sid, token in ledger.lost.items()}
    assert not unknown, f"{len(unknown)} stored responses nobody sent (kill {kill})"
    # claimed while the wave is open (the used flags are set from the claims at close)
    used = site.query(
        "SELECT (SELECT count(*) FROM orgs_invitation WHERE used) + (SELECT count(*) FROM orgs_invitationclaim)"
    )[0][0]
    assert used == len(stored), f"{used} invitations used for {len(stored)} responses (kill {kill})"


def test_acknowledged_responses_survive_repeated_sigkills_exactly_once(tmp_path: Path):
    rng = random.Random(int(os.environ.get("ALLYPATH_CRASH_SEED", "20250101")))
    with fresh_database("crash") as database_url:
        site = Site(tmp_path, database_url, {"ALLYPATH_SUBMIT_LIMIT_PER_IP": "0"})
        seed = site.seed(people=PEOPLE)
        tokens: deque[str] = deque(seed["tokens"])
        answers = seed["answers"]
        zygote = Zygote(site)
        server = Server(site, workers=2, threads=4, zygote=zygote)
        ledger = Ledger()
        retried = {"stored_before": 0, "stored_on_retry": 0}
        started = time.monotonic()
        for kill in range(1, KILLS + 1):
            server.start()
            already, fresh = retry_lost(server.url, answers, ledger)
            retried["stored_before"] += already
            retried["stored_on_retry"] += fresh
            stop = threading.Event()
            clients = [
                threading.Thread(target=client_loop, args=(server.url, tokens, answers, ledger, stop))
                for _ in range(CLIENTS)
            ]
            for thread in clients:
                thread.start()
            time.sleep(rng.uniform(0.3, 2.0))
            server.kill()  # SIGKILL to gunicorn's master and workers, mid-request
            stop.set()
            for thread in clients:
                thread.join(timeout=60)
            check_invariants(site, ledger, kill)
        server.start()
        already, fresh = retry_lost(server.url, answers, ledger)
        retried["stored_before"] += already
        retried["stored_on_retry"] += fresh
        server.stop()
        zygote.close()
        check_invariants(site, ledger, KILLS)
        elapsed = time.monotonic() - started
    assert ledger.unexpected == []
    assert ledger.lost == {}
    assert len(ledger.acked) >= KILLS * 3, "too few submissions to prove anything"
    print(
        f"\ncrash[{engine()}]: {KILLS} SIGKILLs, {len(ledger.acked)} responses acknowledged and present "
        f"once, {retried['stored_before']} lost answers had been stored, {retried['stored_on_retry']} "
        f"stored on retry, {elapsed:.0f} s"
    )
