"""A full disk is a visible error, never a silent success: nothing is acknowledged that was not stored, and
the same submission succeeds once space is back.

SQLite: ``PRAGMA max_page_count`` pins the database at its current size, so the next write fails
exactly as on a full disk (SQLITE_FULL). PostgreSQL: its disk_full error (SQLSTATE 53100) is raised
from the response insert, since a server's disk cannot be filled from a test.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection

from allypath.web.orgs.models import Wave
from allypath.web.survey.models import Response
from answer_patterns import sample_answers

from .conftest import tokens_of

# No test transaction around the test: a failed write must roll back for real, as in production.
pytestmark = [pytest.mark.db, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wave(acme, make_wave):
    return make_wave(acme)


@pytest.fixture
def body(wave, instrument) -> dict[str, Any]:
    return {
        "token": tokens_of(wave)["S001"],
        "submission_id": str(uuid.uuid4()),
        "answers": sample_answers(instrument.form("short")),
        "language": "en",
    }


@contextlib.contextmanager
def disk_full(monkeypatch) -> Iterator[None]:
    if connection.vendor == "sqlite":
        wave = Wave.objects.get()
        unit_id = wave.invitations.values_list("unit_id", flat=True).first()
        insert = (
            "INSERT INTO survey_response (id, wave_id, unit_id, level, region, language, submitted_on, "
            "answers, result, status, stage, submission_key, body_hash, receipt_hash, panel_key) "
            "VALUES (%s, %s, %s, '', '', 'en', '2020-01-01', %s, '{}', 'filler', NULL, %s, '', %s, '')"
        )
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA page_count")
            cursor.execute(f"PRAGMA max_page_count = {cursor.fetchone()[0] + 4}")
            # Pack the response table and its indexes with filler rows, largest first, until not even
            # the smallest fits: the next real response then needs a page the "disk" cannot give.
            for size in (16384, 2048, 256, 2):
                with contextlib.suppress(OperationalError):
                    for _ in range(10_000):
                        key = uuid.uuid4().hex * 2
                        cursor.execute(
                            insert,
                            [uuid.uuid4().hex, wave.pk, unit_id, '"' + "x" * size + '"', key, key[::-1]],
                        )
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM survey_response WHERE status = 'filler'")
                cursor.execute("PRAGMA max_page_count = 1073741823")
        return
    import psycopg.errors

    def full(*args: Any, **kwargs: Any) -> None:
        cause = psycopg.errors.DiskFull("could not extend file: No space left on device")
        raise OperationalError(str(cause)) from cause

    with monkeypatch.context() as patch:
        patch.setattr(Response, "save", full)
        yield


def post(client, body) -> Any:
    return client.post("/api/v1/responses", json.dumps(body), content_type="application/json")


def test_a_submission_on_a_full_disk_gets_a_503_and_stores_nothing(client, body, wave, monkeypatch):
    # Fill the pages a first write would need, so "full" is reached by the submission itself.
    with disk_full(monkeypatch):
        refused = post(client, body)
    assert refused.status_code == 503
    assert refused.json()["code"] == "storage_full"
    assert "Nothing was saved" in refused.json()["detail"]
    assert refused["Retry-After"] == "300"
    assert Response.objects.exclude(status="filler").count() == 0
    assert not wave.invitations.filter(used=True).exists(), "the link must stay usable"
    # space is back: the very same submission is stored and acknowledged once
    stored = post(client, body)
    assert stored.status_code == 201, stored.content
    assert Response.objects.exclude(status="filler").count() == 1


def test_the_html_survey_shows_the_full_disk_instead_of_a_receipt(client, wave, instrument, monkeypatch):
    token = tokens_of(wave)["S002"]
    assert client.post(f"/s/{token}/", {"language": "en"}).status_code == 302
    from allypath.web.survey.pages import page_count, page_items

    form = instrument.form("short")
    answers = sample_answers(form)
    last = page_count(form)
    for number in range(1, last + 1):
        fields: dict[str, Any] = {}
        for item in page_items(form, number):
            fields[f"q_{item.id}"] = answers[item.id]
        action = "submit" if number == last else "next"
        if number == last:
            with disk_full(monkeypatch):
                response = client.post(f"/s/{token}/p/{number}/", {**fields, "action": action})
        else:
            response = client.post(f"/s/{token}/p/{number}/", {**fields, "action": action})
            assert response.status_code == 302, (number, response.content[:500])
    assert response.status_code == 503
    assert "disk is full" in response.content.decode()
    assert Response.objects.exclude(status="filler").count() == 0
