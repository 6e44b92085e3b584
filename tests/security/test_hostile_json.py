"""No 500 on hostile JSON (issue 14, point 6): bounded nesting, lone surrogates refused naming the field,
and a property-based fuzz of ``POST /api/v1/responses`` with those cases in its corpus.

Found before the guard: JSON nested 5,000 deep was a RecursionError (500) before any view ran (the
rate limiter parses the body); a lone surrogate (``"\\ud800"``) in the token failed in its hash, in an
answer when it was stored.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from allypath.web.middleware import MAX_JSON_DEPTH, json_depth
from allypath.web.survey.models import Response
from answer_patterns import sample_answers

from .conftest import tokens_of

pytestmark = [pytest.mark.db, pytest.mark.django_db]

URL = "/api/v1/responses"
SURROGATE = "\ud800"


@pytest.fixture
def wave(acme, make_wave):
    return make_wave(acme)


@pytest.fixture
def body(wave, instrument) -> dict[str, Any]:
    return {
        "token": next(iter(tokens_of(wave).values())),
        "submission_id": str(uuid.uuid4()),
        "answers": sample_answers(instrument.form("short")),
        "language": "en",
    }


def send(client: Client, raw: str | bytes) -> Any:
    return client.post(URL, raw, content_type="application/json")


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_depth_counts_brackets_outside_strings_only():
    assert json_depth(b"{}") == 1
    assert json_depth(b'{"a": [1, {"b": []}]}') == 4
    assert json_depth(b'{"a": "[[[[{{{{\\"]]]"}') == 1
    assert json_depth(nested(5000).encode()) == 5000


@pytest.mark.parametrize(
    "where",
    ["top", "answers", "item", "language"],
)
def test_json_nested_thousands_deep_is_a_422_naming_the_body_not_a_500(client, body, where):
    deep = nested(5000)
    raw = {
        "top": deep,
        "answers": json.dumps(body | {"answers": "@"}).replace('"@"', deep),
        "item": json.dumps(body | {"answers": {"ap1": "@"}}).replace('"@"', deep),
        "language": json.dumps(body | {"language": "@"}).replace('"@"', deep),
    }[where]
    r = send(client, raw)
    assert r.status_code == 422, r.content[:200]
    assert r.json()["errors"] == [
        {"field": "body", "message": f"nests deeper than {MAX_JSON_DEPTH} levels", "code": "too_deep"}
    ]
    assert not Response.objects.exists()


def test_an_ordinary_submission_is_far_below_the_depth_limit(client, body):
    assert json_depth(json.dumps(body).encode()) <= 3
    assert send(client, json.dumps(body)).status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b | {"token": "abc" + SURROGATE}, "token"),
        (lambda b: b | {"language": SURROGATE + "n"}, "language"),
        (lambda b: b | {"answers": {**b["answers"], "ot1": "fine" + SURROGATE}}, "answers.ot1"),
        (lambda b: b | {"answers": {**b["answers"], "ep": ["mentoring", "\udfff"]}}, "answers.ep.1"),
        (lambda b: b | {"answers": {"x" + SURROGATE: 3}}, "answers.x\\ud800"),
        (lambda b: b | {"submission_id": SURROGATE}, "submission_id"),
    ],
)
def test_a_lone_surrogate_is_a_422_naming_the_field(client, body, change, field):
    raw = json.dumps(change(body))  # ensure_ascii: the surrogate travels as a \\ud800 escape
    r = send(client, raw)
    assert r.status_code == 422, r.content[:300]
    assert r.json()["errors"][0]["field"] == field
    assert r.json()["errors"][0]["code"] == "invalid_text"
    assert not Response.objects.exists()


def test_a_proper_surrogate_pair_is_ordinary_text(client, body, instrument):
    text = next(i.id for i in instrument.form("short").items if i.type == "text")
    r = send(client, json.dumps(body | {"answers": {**body["answers"], text: "thanks \U0001f44d"}}))
    assert r.status_code == 201
    assert Response.objects.get().answers[text] == "thanks \U0001f44d"


def test_invalid_utf8_bytes_in_a_survey_form_post_are_no_500(client, wave, instrument):
    from allypath.web.survey.pages import page_count

    token = next(iter(tokens_of(wave).values()))
    client.post(f"/s/{token}/", {"language": "en"})
    last = page_count(instrument.form("short"))
    raw = b"action=save&language=en&q_ot1=%ED%A0%80abc%FF"
    r = client.post(f"/s/{token}/p/{last}/", raw, content_type="application/x-www-form-urlencoded")
    assert r.status_code < 500


# -- property-based fuzz, with the cases above in the corpus -------------------------------------------

_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)  # surrogates included
_scalars = st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats() | _text
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@override_settings(ALLYPATH_SUBMIT_LIMIT_PER_TOKEN=0, ALLYPATH_SUBMIT_LIMIT_PER_IP=0)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    token=_text | _json,
    submission_id=st.uuids().map(str) | _json,
    answers=st.dictionaries(st.sampled_from(["ap1", "ot1", "ep", "sp1", "zz"]) | _text, _json, max_size=5)
    | _json,
    language=st.sampled_from(["en", "fr", "xx"]) | _json,
    extra=st.sampled_from(["", nested(5000), '"\\ud800"', '{"a":' * 40 + "1" + "}" * 40]),
)
@example(token="x", submission_id=str(uuid.uuid4()), answers={"ot1": SURROGATE}, language="en", extra="")
@example(token=SURROGATE, submission_id=str(uuid.uuid4()), answers={}, language="en", extra="")
@example(token="x", submission_id=str(uuid.uuid4()), answers={}, language="en", extra=nested(5000))
def test_no_submission_body_makes_the_server_fail(
    client, body, token, submission_id, answers, language, extra
):
    for fuzzed in (
        {"token": token, "submission_id": submission_id, "answers": answers, "language": language},
        body | {"answers": answers},  # a real link, so the answers reach the checks and the scoring
    ):
        raw = json.dumps(fuzzed)
        if extra:
            raw = raw[:-1] + ', "extra": ' + extra + "}"
        r = send(client, raw)
        assert r.status_code < 500, (raw[:200], r.status_code, r.content[:300])
        assert r.status_code in (201, 200, 409, 422), (raw[:200], r.status_code)
