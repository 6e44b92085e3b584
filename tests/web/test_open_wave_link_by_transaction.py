"""On PostgreSQL every row carries the transaction that wrote it (``xmin``). A submission used to mark
its invitation used in the transaction that stored the response, so while the wave was open a database
reader paired each response with its invitation. Now the submission writes no invitation row: it claims
the invitation under a key only the server can compute (``InvitationClaim``); at close the claims go
and no invitation is marked used."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.test import Client

pytestmark = [pytest.mark.db]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: xmin is its row stamp")
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
        cursor.execute("SELECT xmin::text FROM orgs_invitation WHERE wave_id = %s", [wave.pk])
        invitations = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT xmin::text, key FROM orgs_invitationclaim WHERE wave_id = %s", [wave.pk])
        claims = cursor.fetchall()
        cursor.execute("SELECT id FROM orgs_invitation WHERE wave_id = %s", [wave.pk])
        ids = {str(row[0]) for row in cursor.fetchall()}
    assert len(responses) == 3
    assert not responses & invitations  # was: each response's xmin on the invitation it used
    assert len(claims) == 3  # written with the responses (as a savepoint: the next xid)...
    assert not {key for _, key in claims} & ids  # ...they name no invitation
    wave.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orgs_invitation WHERE wave_id = %s AND used", [wave.pk])
        assert cursor.fetchone()[0] == 0  # a closed wave keeps no trace of who answered
        cursor.execute("SELECT count(*) FROM orgs_invitationclaim WHERE wave_id = %s", [wave.pk])
        assert cursor.fetchone()[0] == 0
