"""POST /api/v1/responses: the submission contract (DESIGN §5) and its privacy promises (§6)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from allypath.web.orgs.keys import panel_key, token_hash
from allypath.web.orgs.models import Invitation, InvitationClaim, Wave
from allypath.web.survey.models import Draft, Response

pytestmark = [pytest.mark.db, pytest.mark.django_db]

URL = "/api/v1/responses"


def post(client: Client, body: Any, **extra: Any) -> Any:
    return client.post(URL, data=json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def wave(acme, make_wave) -> Wave:
    return make_wave(acme)


@pytest.fixture
def tokens(wave, issue_tokens) -> dict[str, str]:
    return issue_tokens(wave)


@pytest.fixture
def body(wave, tokens, instrument, answers_for) -> dict[str, Any]:
    return {
        "token": tokens["S001"],
        "submission_id": str(uuid.uuid4()),
        "answers": answers_for(instrument.form("short")),
        "language": "en",
    }


def test_a_valid_submission_is_stored_and_gets_a_receipt(client, body, wave):
    r = post(client, body)
    assert r.status_code == 201, r.content
    receipt = r.json()["receipt"]
    assert len(receipt.replace("-", "")) == 24
    assert r.json()["report_url"].endswith(f"/r/{receipt}/?lang=en")
    response = Response.objects.get()
    assert response.wave == wave
    assert response.status == "scored"
    assert response.result["stage"] in (1, 2, 3, 4)
    assert response.unit.path == "Sales/EMEA"


def test_a_retry_with_the_same_submission_id_gets_the_same_receipt_and_stores_nothing_more(client, body):
    first = post(client, body)
    second = post(client, body)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["receipt"] == first.json()["receipt"]
    assert Response.objects.count() == 1


def test_the_same_submission_id_with_other_answers_is_a_conflict(client, body):
    assert post(client, body).status_code == 201
    changed = body | {"answers": {**body["answers"], "ap1": 1}}
    r = post(client, changed)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "submission_id"
    assert Response.objects.count() == 1


def test_a_used_link_cannot_answer_twice(client, body):
    assert post(client, body).status_code == 201
    r = post(client, body | {"submission_id": str(uuid.uuid4())})
    assert r.status_code == 409
    assert r.json()["code"] == "link_used"
    assert Response.objects.count() == 1


def test_an_unknown_token_is_refused_naming_the_token(client, body):
    r = post(client, body | {"token": "not-a-real-token"})
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["token"]
    assert not Response.objects.exists()


def test_a_closed_wave_takes_no_answers(client, body, wave):
    wave.close()
    r = post(client, body)
    assert r.status_code == 409
    assert r.json()["code"] == "link_closed"


def test_an_expired_link_takes_no_answers(client, body, wave):
    # closes_on is not frozen (dates may move), so the model lets it change after launch
    wave.opens_on = timezone.localdate() - dt.timedelta(days=30)
    wave.closes_on = timezone.localdate() - dt.timedelta(days=1)
    wave.save()
    r = post(client, body)
    assert r.status_code == 409
    assert r.json()["code"] == "link_expired"


def test_tampered_and_out_of_range_answers_are_refused_naming_each_field(client, body):
    answers = {
        **body["answers"],
        "ap1": 9,
        "ap2": "4",
        "sp1": 7,
        "ep": ["mentoring", "none"],
        "kc": ["bogus"],
        "zz99": 3,
        "ot1": "x" * 2001,
    }
    r = post(client, body | {"answers": answers})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {
        "answers.ap1",
        "answers.ap2",
        "answers.sp1",
        "answers.ep",
        "answers.kc",
        "answers.zz99",
        "answers.ot1",
    }
    assert not Response.objects.exists()
    assert not Invitation.objects.filter(used=True).exists()


def test_questions_of_the_full_form_are_refused_in_a_short_form_wave(client, body, instrument):
    full_only = next(i.id for i in instrument.items if not i.short and i.type == "likert")
    r = post(client, body | {"answers": {full_only: 3}})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == f"answers.{full_only}"


def test_a_language_the_wave_does_not_offer_is_refused(client, body):
    r = post(client, body | {"language": "de"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "language"


def test_a_body_that_breaks_the_schema_is_refused_naming_the_field(client, body):
    r = post(client, body | {"submission_id": "not-a-uuid"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "submission_id"


def test_malformed_json_is_a_clear_client_error(client):
    r = client.post(URL, data="{not json", content_type="application/json")
    assert r.status_code in (400, 422)
    assert "detail" in r.json()


def test_an_oversized_body_is_refused_with_a_clear_message(client, body):
    huge = body | {"answers": {**body["answers"], "ot2": "x" * 200_000}}
    r = post(client, huge)
    assert r.status_code == 413
    assert "limit" in r.json()["detail"]
    assert not Response.objects.exists()


def test_a_response_row_holds_no_token_employee_id_address_or_time(client, body, wave, tokens):
    r = post(client, body, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="SecretBrowser/1.0")
    assert r.status_code == 201
    row = Response.objects.values().get()
    flat = json.dumps(row, default=str)
    token = body["token"]
    assert token not in flat
    assert token_hash(token) not in flat
    assert "S001" not in flat
    assert "203.0.113.9" not in flat and "SecretBrowser" not in flat
    assert type(row["submitted_on"]).__name__ == "date"  # the day, never a time
    field_types = {
        f.get_internal_type() for f in Response._meta.get_fields() if hasattr(f, "get_internal_type")
    }
    assert "DateTimeField" not in field_types
    assert row["panel_key"] == ""
    assert row["id"].version == 4  # random, says nothing about order


def test_the_invitation_is_claimed_without_pointing_to_the_response_and_forgotten_at_close(
    client, body, wave, tokens
):
    post(client, body)
    # While the wave is open the submission leaves the invitation's row as it was: it is claimed under
    # a key the database cannot turn into an invitation (its row would share the response's xmin).
    claimed = [i.employee.employee_id for i in Invitation.objects.all() if i.claimed]
    assert claimed == ["S001"]
    assert not Invitation.objects.filter(used=True).exists()
    (claim,) = InvitationClaim.objects.values_list("key", flat=True)
    ids = {str(pk) for pk in Invitation.objects.values_list("pk", flat=True)}
    assert claim not in ids and len(claim) == 64
    wave.close()  # a closed wave takes no answer: who answered is not kept (the claims go, no flag)
    assert not Invitation.objects.filter(used=True).exists()
    assert not InvitationClaim.objects.exists()
    assert not any(i.claimed for i in Invitation.objects.all())
    # his link now says the wave is closed, as an unanswered one does; a second answer is refused
    again = post(client, {**body, "submission_id": str(uuid.uuid4())})
    other = post(client, {**body, "token": tokens["S002"], "submission_id": str(uuid.uuid4())})
    assert again.status_code == other.status_code == 409
    assert again.json()["errors"] == other.json()["errors"]
    names = {f.name for f in Invitation._meta.get_fields()}
    assert not any("response" in n for n in names)
    assert not any(f.related_model is Invitation for f in Response._meta.get_fields() if f.is_relation)


def test_a_panel_wave_stores_the_keyed_hash_of_the_employee_id_instead_of_any_id(
    client, acme, make_wave, instrument, issue_tokens, answers_for
):
    wave = make_wave(acme, privacy_mode="panel", name="Panel")
    tokens = issue_tokens(wave)
    body = {
        "token": tokens["N002"],
        "submission_id": str(uuid.uuid4()),
        "answers": answers_for(instrument.form("short")),
        "language": "fr",
    }
    assert post(client, body).status_code == 201
    row = Response.objects.get()
    assert row.panel_key == panel_key(acme.pk, "N002")
    assert "N002" not in json.dumps(Response.objects.values().get(), default=str)


def test_an_api_submission_leaves_no_way_to_another_browsers_draft(client, body, wave):
    from allypath.web.orgs.keys import draft_key

    # A browser's draft is keyed by the link and that browser's secret: the API call (which has no
    # browser secret) cannot find it; it stays unreachable and goes when the wave closes.
    Draft.objects.create(key=draft_key(body["token"], "b" * 43), wave=wave, language="en", sealed="x")
    assert post(client, body).status_code == 201
    wave.close()
    assert not Draft.objects.exists()


def test_the_same_submission_id_and_answers_with_another_link_never_return_the_first_receipt(
    client, body, tokens
):
    first = post(client, body)
    assert first.status_code == 201
    other = post(client, body | {"token": tokens["S002"]})
    # another link, so another submission: stored on its own, with its own receipt
    assert other.status_code == 201
    assert other.json()["receipt"] != first.json()["receipt"]
    assert Response.objects.count() == 2


def test_the_same_submission_id_with_a_used_link_of_the_wave_is_refused_without_a_receipt(
    client, body, tokens
):
    first = post(client, body)
    assert (
        post(client, body | {"token": tokens["S002"], "submission_id": str(uuid.uuid4())}).status_code == 201
    )
    again = post(client, body | {"token": tokens["S002"]})
    assert again.status_code == 409 and again.json()["code"] == "link_used"
    assert first.json()["receipt"] not in again.content.decode()


def test_an_empty_submission_is_stored_as_insufficient(client, body):
    r = post(client, body | {"answers": {}})
    assert r.status_code == 201
    assert Response.objects.get().status == "insufficient"


def test_the_stored_body_hash_does_not_give_away_the_language_or_equal_answers(client, body, tokens):
    import hashlib

    assert post(client, body).status_code == 201
    assert (
        post(client, body | {"token": tokens["S002"], "submission_id": str(uuid.uuid4())}).status_code == 201
    )
    first, second = Response.objects.values_list("body_hash", flat=True)
    assert first != second  # the same answers, two hashes: no grouping of identical answer sets
    for language in ("en", "fr", "ar"):  # the host's guess: hash the stored answers with each language
        canonical = json.dumps(
            {"answers": body["answers"], "language": language}, sort_keys=True, separators=(",", ":")
        )
        assert hashlib.sha256(canonical.encode()).hexdigest() not in (first, second)


def test_a_double_click_whose_first_request_commits_mid_way_gets_its_receipt_not_a_refusal(
    client, body, monkeypatch
):
    """The second request looks the link up, then the first one stores the answers, then the second
    checks the claim: it is the same submission, so it gets the same receipt (it used to get 409)."""
    from allypath.web.survey import links

    check_claim = links._claimed
    first: dict[str, Any] = {}

    def first_request_commits_now(invitation_id: int) -> bool:
        monkeypatch.setattr(links, "_claimed", check_claim)
        first["response"] = post(client, body)
        return check_claim(invitation_id)

    monkeypatch.setattr(links, "_claimed", first_request_commits_now)
    second = post(client, body)
    assert first["response"].status_code == 201
    assert second.status_code == 200, second.content
    assert second.json()["receipt"] == first["response"].json()["receipt"]
    assert Response.objects.count() == 1
    other = post(client, body | {"submission_id": str(uuid.uuid4())})
    assert other.status_code == 409  # another submission on the used link is still refused
