"""The survey path's look-ups written once per process (web/survey/prepared.py) give exactly what the
ORM gives: the same instances, field by field, with the same related objects, and the same counts."""

from __future__ import annotations

import pytest
from django.db import models

from allypath.web.orgs.keys import draft_key
from allypath.web.orgs.models import Employee, Invitation, InvitationToken
from allypath.web.survey.links import find_link
from allypath.web.survey.models import Draft
from allypath.web.survey.submission import _stored_language
from allypath.web.survey.views import _find_draft

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def _fields(instance: models.Model) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_link_is_read_as_the_orm_reads_it_with_its_invitation_wave_org_and_employee(
    acme, make_wave, issue_tokens
):
    wave = make_wave(acme, languages=["en", "fr"])
    tokens = issue_tokens(wave)
    for token in list(tokens.values())[:3]:
        found = find_link(token)
        assert found is not None
        orm = InvitationToken.objects.select_related("invitation__wave__org", "invitation__employee").get(
            pk=found.pk
        )
        pairs = [
            (found, orm),
            (found.invitation, orm.invitation),
            (found.invitation.wave, orm.invitation.wave),
            (found.invitation.wave.org, orm.invitation.wave.org),
            (found.invitation.employee, orm.invitation.employee),
        ]
        for mine, theirs in pairs:
            assert _fields(mine) == _fields(theirs)
            assert {type(v) for v in _fields(mine).values()} == {type(v) for v in _fields(theirs).values()}
            assert not mine._state.adding and mine._state.db == "default"
        assert found.invitation.wave.languages == ["en", "fr"]  # a JSON field, decoded
        assert found.invitation.used is False  # a boolean, not SQLite's 0
    assert find_link("no-such-token") is None


def test_a_draft_is_read_as_the_orm_reads_it(acme, make_wave):
    wave = make_wave(acme)
    key = draft_key("some-token", "A" * 43)
    Draft.objects.create(key=key, wave=wave, language="fr", page=2, active_seconds=None)
    mine = _find_draft(key, wave)
    assert mine is not None and _fields(mine) == _fields(Draft.objects.get(key=key))
    other = make_wave(acme, name="Autumn pulse")
    assert _find_draft(key, other) is None  # another wave's link finds nothing
    assert _find_draft(draft_key("other-token", "A" * 43), wave) is None


def test_the_speakers_are_counted_as_the_orm_counts_them_case_insensitively(acme, make_wave, issue_tokens):
    wave = make_wave(acme)
    issue_tokens(wave)
    invitation = Invitation.objects.select_related("employee").filter(wave=wave).first()
    assert invitation is not None
    Employee.objects.filter(pk=invitation.employee_id).update(language="FR-ca")
    same = Invitation.objects.filter(
        wave_id=wave.pk, unit_id=invitation.unit_id, level=invitation.level, region=invitation.region
    )
    for language in ("fr", "en", "ar", "f%", "_r"):
        for k in (1, 2, 3, 50):
            expected = same.filter(employee__language__istartswith=language)[:k].count()
            assert (_stored_language(invitation, language, k) == language) == (expected >= k), (language, k)
    assert _stored_language(invitation, "fr", 1) == "fr"  # FR-ca counts for fr
    assert _stored_language(invitation, "f%", 1) == ""  # a wildcard matches only itself


def test_a_survey_page_reads_three_rows_and_a_submission_three_before_it_writes(
    acme, make_wave, issue_tokens, answers_for, instrument
):
    """The link (with its invitation, wave, organisation, employee), whether a submission claimed it
    while the wave is open, and the draft for a page; the link, its claim and the speakers of his
    language for a submission (an earlier submission with the id is looked for only once the link is
    refused), and once his invitation is claimed, its wave's status (it may have closed meanwhile): no
    session, no other look-up."""
    import json
    import uuid

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    tokens = list(issue_tokens(make_wave(acme)).values())
    client = Client()
    assert client.post(f"/s/{tokens[0]}/", {"language": "en"}).status_code == 302
    with CaptureQueriesContext(connection) as page:
        assert client.get(f"/s/{tokens[0]}/p/1/?lang=en").status_code == 200
    assert [q["sql"].split()[0] for q in page.captured_queries] == ["SELECT", "SELECT", "SELECT"]
    body = {
        "token": tokens[1],
        "submission_id": str(uuid.uuid4()),
        "answers": answers_for(instrument.form("short")),
        "language": "en",
    }
    with CaptureQueriesContext(connection) as sent:
        answer = Client().post("/api/v1/responses", data=json.dumps(body), content_type="application/json")
        assert answer.status_code == 201
    statements = [q["sql"].split()[0] for q in sent.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert statements == ["SELECT", "SELECT", "SELECT", "INSERT", "SELECT", "INSERT"]
    assert not any("django_session" in q["sql"] for q in [*page.captured_queries, *sent.captured_queries])
