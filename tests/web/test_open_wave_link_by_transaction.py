"""A known limit, kept visible: on PostgreSQL, while a wave is open, a response and the invitation it
used were written by one transaction, so both rows carry the same ``xmin`` until the wave closes (or a
backup rewrites them) and a database reader can pair them. docs/security.md states the limit; the test
turns green (and ``strict`` then fails it, to be removed) once a submission no longer writes the
invitation's row in the response's transaction."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.test import Client

pytestmark = [pytest.mark.db]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: xmin is its row stamp")
@pytest.mark.xfail(
    strict=True,
    reason="known limit (docs/security.md): a submission claims its invitation's row in the transaction "
    "that stores the response, so both share an xmin while the wave is open",
)
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_an_open_waves_response_shares_no_transaction_with_its_invitation(
    acme, make_wave, issue_tokens, answers_for, instrument
):
    wave = make_wave(acme)
    tokens = issue_tokens(wave)
    answers = answers_for(instrument.form("short"))
    for token in list(tokens.values())[:3]:
        body = {"token": token, "submission_id": str(uuid.uuid4()), "answers": answers, "language": "en"}
        sent = Client().post("/api/v1/responses", json.dumps(body), content_type="application/json")
        assert sent.status_code == 201, sent.content
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM survey_response WHERE wave_id = %s", [wave.pk])
        responses = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT xmin::text FROM orgs_invitation WHERE wave_id = %s AND used", [wave.pk])
        used = {row[0] for row in cursor.fetchall()}
    assert len(used) == 3 and len(responses) == 3
    assert not responses & used  # no response pairs with the invitation it used
