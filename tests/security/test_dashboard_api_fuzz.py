"""No 500 from the dashboard API on any query (issue 14, point 6): a property-based fuzz of its seven
read endpoints, signed in as an org admin, with the issue's cases in the corpus (a filter that matches
nobody, waves of another organisation, ids out of range, junk breakdowns, text that is not UTF-8).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from answer_patterns import sample_answers

from .conftest import tokens_of

pytestmark = [pytest.mark.db, pytest.mark.django_db]

ENDPOINTS = ("overview", "groups", "heatmap", "trends", "transitions", "plan", "comments")
_text = st.text(max_size=40) | st.sampled_from(["Sales", "Sales/EMEA", "Engineering", "Nobody", "Staff", ""])
_id = st.integers(-5, 10**12) | st.sampled_from(["", "x", "1.5", "9" * 40])


@pytest.fixture
def signed_in(acme, globex, alice, make_wave, instrument) -> tuple[Client, dict[str, int]]:
    waves = {}
    for name in ("spring", "autumn"):
        wave = make_wave(acme, name=name, k=3, k_text=3)
        client = Client()
        for number, token in enumerate(list(tokens_of(wave).values())[:12]):
            body = {
                "token": token,
                "submission_id": str(uuid.uuid4()),
                "answers": sample_answers(instrument.form("short"), level=1 + number % 5),
                "language": "en",
            }
            r = client.post("/api/v1/responses", json.dumps(body), content_type="application/json")
            assert r.status_code == 201, r.content
        waves[name] = wave.pk
    waves["other_org"] = make_wave(globex, name="theirs").pk
    client = Client()
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    return client, waves


@override_settings(ALLYPATH_SUBMIT_LIMIT_PER_TOKEN=0, ALLYPATH_SUBMIT_LIMIT_PER_IP=0)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    params=st.fixed_dictionaries(
        {},
        optional={
            "wave": _id,
            "from_wave": _id,
            "to_wave": _id,
            "unit": _text,
            "level": _text,
            "region": _text,
            "by": st.sampled_from(["unit", "level", "region", "wave", "", "stage", "<script>"]),
        },
    ),
)
@example(endpoint="groups", params={"unit": "Engineering", "level": "Nobody"})  # a filter total of 0
@example(endpoint="groups", params={"level": "Nobody", "by": "region"})
@example(endpoint="comments", params={"region": "Nowhere", "by": "unit"})
@example(endpoint="overview", params={"wave": "other_org"})
@example(endpoint="trends", params={"from_wave": "autumn", "to_wave": "autumn"})
def test_no_dashboard_query_makes_the_server_fail(signed_in, endpoint, params):
    client, waves = signed_in
    query: dict[str, Any] = {k: waves.get(v, v) if isinstance(v, str) else v for k, v in params.items()}
    r = client.get(f"/api/v1/orgs/acme/dashboard/{endpoint}", query)
    assert r.status_code < 500, (endpoint, query, r.status_code, r.content[:300])
    assert r.status_code in (200, 400, 404, 422), (endpoint, query, r.status_code)
    assert r["Content-Type"].startswith("application/json")


def test_undecodable_query_bytes_are_no_500(signed_in):
    client, _ = signed_in
    for endpoint in ENDPOINTS:
        r = client.get(f"/api/v1/orgs/acme/dashboard/{endpoint}?unit=%ED%A0%80&level=%FF%FE")
        assert r.status_code < 500, (endpoint, r.content[:300])
