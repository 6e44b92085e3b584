"""A submission that was checked while its wave was open, and reaches its invitation after the wave
closed, is refused because the survey closed: not stored in the closed wave (its figures are
published), and not refused as "already used" (nobody used the link)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from allypath.web import backup
from allypath.web.orgs.models import Invitation, WaveStatus
from allypath.web.survey import submission
from allypath.web.survey.models import Response
from web.conftest import psycopg_connection

pytestmark = [pytest.mark.db]


def _post(client: Client, token: str, answers: dict[str, Any]) -> Any:
    body = {"token": token, "submission_id": str(uuid.uuid4()), "answers": answers, "language": "en"}
    return client.post("/api/v1/responses", json.dumps(body), content_type="application/json")


@pytest.mark.django_db(transaction=True)
def test_a_wave_closed_while_the_answers_were_scored_refuses_them_as_closed(
    monkeypatch, acme, make_wave, issue_tokens, answers_for, instrument
):
    wave = make_wave(acme)
    tokens = issue_tokens(wave)
    scored = submission.score_one

    def close_first(*args: Any, **kwargs: Any) -> Any:
        wave.close()  # committed between the link's look-up and the claim of its invitation
        return scored(*args, **kwargs)

    monkeypatch.setattr(submission, "score_one", close_first)
    answer = _post(Client(), tokens["S001"], answers_for(instrument.form("short")))
    assert answer.status_code == 409, answer.content
    assert answer.json()["code"] == "link_closed"
    assert not Response.objects.filter(wave=wave).exists()
    assert not any(invitation.claimed for invitation in Invitation.objects.filter(wave=wave))
    wave.refresh_from_db()
    assert wave.status == WaveStatus.CLOSED


@pytest.mark.django_db(transaction=True)
def test_a_submission_checked_before_a_close_that_waits_for_it_is_stored(
    monkeypatch, acme, make_wave, issue_tokens, answers_for, instrument
):
    """The other order: the claim comes first, the close after; the answer counts."""
    wave = make_wave(acme)
    tokens = issue_tokens(wave)
    answer = _post(Client(), tokens["S001"], answers_for(instrument.form("short")))
    assert answer.status_code == 201, answer.content
    wave.close()
    assert Response.objects.filter(wave=wave).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: row locks and rewrites")
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_submission_waiting_for_a_close_is_refused_as_closed_not_used(
    acme, make_wave, issue_tokens, answers_for, instrument
):
    wave = make_wave(acme)
    tokens = issue_tokens(wave)
    answers = answers_for(instrument.form("short"))
    out: list[Any] = []

    def send() -> None:
        from django.db import connections

        try:
            out.append(_post(Client(), tokens["S002"], answers))
        finally:
            connections.close_all()

    with psycopg_connection() as closing:  # what Wave.close does, held open: lock the wave, close it, rewrite
        closing.execute("SELECT id FROM orgs_wave WHERE id = %s FOR UPDATE", (wave.pk,))
        thread = threading.Thread(target=send)
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive()  # the submission waits for the close
        closing.execute("UPDATE orgs_wave SET status = 'closed' WHERE id = %s", (wave.pk,))
        for statement in backup._pg_scramble_statements("orgs_invitation"):
            closing.execute(statement)
        closing.commit()
    thread.join(60)
    assert out, "the submission did not finish"
    answer = out[0]
    assert answer.status_code == 409, answer.content
    assert answer.json()["code"] == "link_closed"  # was "link_used": the claim found no row
    assert not Response.objects.filter(wave=wave).exists()
    assert not any(invitation.claimed for invitation in Invitation.objects.filter(wave=wave))
