"""``/`` and the receipt-code form: a way back to the report that needs the code, and tells nothing else."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from allypath.web.survey.models import Response

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def receipt(client, acme, make_wave, issue_tokens, answers_for, instrument) -> str:
    wave = make_wave(acme)
    body = {
        "token": issue_tokens(wave)["S003"],
        "submission_id": str(uuid.uuid4()),
        "answers": answers_for(instrument.form("short")),
        "language": "fr",
    }
    r = client.post("/api/v1/responses", json.dumps(body), content_type="application/json")
    assert r.status_code == 201
    return str(r.json()["receipt"])


def test_the_landing_page_says_what_allypath_is_and_offers_the_receipt_form_in_three_languages(client):
    html = client.get("/").content.decode()
    assert "allypath" in html and "private report" in html
    assert 'name="code"' in html and 'action="/r/"' in html and "csrfmiddlewaretoken" in html
    assert 'hreflang="fr"' in html and 'hreflang="ar"' in html
    arabic = client.get("/?lang=ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic and "افتح تقريري" in arabic


def test_a_receipt_typed_loosely_opens_its_report(client, receipt):
    typed = "  " + receipt.lower().replace("-", " ") + " "
    r = client.post("/r/", {"code": typed, "language": "en"})
    assert r.status_code == 303 and r["Location"] == f"/r/{receipt}/?lang=en"
    assert "Your private report" in client.get(r["Location"]).content.decode()


def test_a_wrong_or_malformed_code_says_so_plainly_and_opens_nothing(client, receipt):
    wrong = client.post("/r/", {"code": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"})
    assert wrong.status_code == 404 and "No report has this code" in wrong.content.decode()
    assert "Location" not in wrong
    bad = client.post("/r/", {"code": "hello<script>"})
    assert bad.status_code == 422 and "24 letters" in bad.content.decode()
    assert "<script>" not in bad.content.decode()  # what was typed comes back escaped
    assert client.post("/r/", {"code": "x" * 100_000}).status_code in (413, 422)


def test_the_form_is_protected_against_cross_site_posts(receipt):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/r/", {"code": receipt}).status_code == 403


def test_a_used_link_offers_the_receipt_form_and_nothing_of_the_response(
    client, acme, make_wave, issue_tokens, answers_for, instrument
):
    wave = make_wave(acme)
    token = issue_tokens(wave)["S004"]
    body = {
        "token": token,
        "submission_id": str(uuid.uuid4()),
        "answers": answers_for(instrument.form("short")),
        "language": "en",
    }
    receipt = client.post("/api/v1/responses", json.dumps(body), content_type="application/json").json()[
        "receipt"
    ]
    page = Client().get(f"/s/{token}/")
    html = page.content.decode()
    assert page.status_code == 410
    assert "already been used" in html and 'name="code"' in html
    assert receipt not in html and Response.objects.count() == 1
