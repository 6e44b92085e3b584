"""Invitations: hashed tokens, links shown once, e-mails, reminders that do not reveal who answered."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection

from allypath.web.orgs.invitations import export_links_csv, send_invitations, send_reminders
from allypath.web.orgs.models import Invitation, InvitationToken

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def wave(acme, make_wave):
    return make_wave(acme)


def _all_text_in_database() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.append(json.dumps(cursor.fetchall(), default=str))
    return "\n".join(chunks)


def test_the_links_csv_shows_each_link_once_and_the_database_keeps_only_hashes(wave):
    first = export_links_csv(wave)
    assert first.count == 25
    header, *rows = first.csv_text.strip().splitlines()
    assert header == "employee_id,email,language,link"
    tokens = [row.rsplit("/", 2)[-2] for row in rows]
    assert export_links_csv(wave).count == 0  # shown once
    stored = _all_text_in_database()
    assert not any(token in stored for token in tokens)
    assert InvitationToken.objects.count() == 25


def test_links_carry_the_employees_language_when_the_wave_offers_it(wave):
    rows = export_links_csv(wave).csv_text.splitlines()
    assert any(row.startswith("N000,") and ",fr," in row for row in rows)
    assert any(row.startswith("A000,") and ",ar," in row for row in rows)


def test_invitation_emails_go_to_everyone_with_an_address(wave, mailoutbox):
    sent = send_invitations(wave)
    assert sent == 24  # E000 has no e-mail address
    assert len(mailoutbox) == 24
    french = next(m for m in mailoutbox if m.to == ["n0@acme.test"])
    assert "Votre lien personnel" in french.body and "/s/" in french.body
    assert send_invitations(wave) == 0  # each person once


def test_reminders_go_only_to_unused_invitations_with_a_fresh_link_and_the_old_one_still_works(
    client, wave, mailoutbox, answers_for, instrument
):
    send_invitations(wave)
    first_links = {m.to[0]: m.body.split("/s/")[1].split("/")[0] for m in mailoutbox}
    body = {
        "token": first_links["s1@acme.test"],
        "submission_id": str(uuid.uuid4()),
        "answers": answers_for(instrument.form("short")),
        "language": "en",
    }
    assert (
        client.post("/api/v1/responses", json.dumps(body), content_type="application/json").status_code == 201
    )
    mailoutbox.clear()
    assert send_reminders(wave) is True  # whether it ran: nothing countable comes back to HR
    reminded = {m.to[0] for m in mailoutbox}
    assert "s1@acme.test" not in reminded
    assert len(reminded) == 23
    assert client.get(f"/s/{first_links['s2@acme.test']}/").status_code == 200
    fresh = next(m for m in mailoutbox if m.to == ["s2@acme.test"]).body.split("/s/")[1].split("/")[0]
    assert fresh != first_links["s2@acme.test"]
    assert client.get(f"/s/{fresh}/").status_code == 200
    # what is stored does not say who was reminded: the used invitation got a new token too (never sent)
    tokens = {
        i.employee.employee_id: i.tokens.count()
        for i in Invitation.objects.filter(wave=wave).select_related("employee")
    }
    assert tokens["S001"] == tokens["S002"] == 2
    assert "reminders_sent" not in {f.name for f in Invitation._meta.get_fields()}


def test_the_reminder_confirmation_shows_no_count(client, login, alice, acme, wave, mailoutbox):
    send_invitations(wave)
    login(alice)
    r = client.post(f"/console/{acme.slug}/waves/{wave.pk}/action/", {"action": "remind"}, follow=True)
    html = r.content.decode()
    assert "Reminders sent to everyone who has not answered yet." in html
    assert f"{len(mailoutbox) - 24} reminder" not in html and "24 reminder" not in html


def test_a_reminder_click_while_a_round_is_under_way_says_none_was_sent(
    client, login, alice, acme, wave, mailoutbox, monkeypatch
):
    """A double click: the second request finds the first round running and sends nothing; it says so
    instead of "Reminders sent"."""
    from contextlib import contextmanager

    from allypath.web.orgs import invitations

    send_invitations(wave)
    mailoutbox.clear()

    @contextmanager
    def another_round_running(_wave: object):
        yield False

    monkeypatch.setattr(invitations, "_reminder_round", another_round_running)
    login(alice)
    r = client.post(f"/console/{acme.slug}/waves/{wave.pk}/action/", {"action": "remind"}, follow=True)
    html = r.content.decode()
    assert "A reminder round for this wave was already under way" in html
    assert "Reminders sent" not in html and not mailoutbox


def test_the_links_csv_download_is_for_org_admins_after_the_warning_and_is_audited(
    client, login, alice, acme, wave
):
    from allypath.web.audit.models import AccessEvent

    login(alice)
    page = client.get(f"/console/{acme.slug}/waves/{wave.pk}/").content.decode()
    assert "answer for him, and see whether the link was used" in page and 'name="confirm"' in page
    refused = client.post(f"/console/{acme.slug}/waves/{wave.pk}/links.csv", follow=True)
    assert "confirm that you have read the warning" in refused.content.decode()
    assert not AccessEvent.objects.filter(view="console.links_csv").exists()
    r = client.post(f"/console/{acme.slug}/waves/{wave.pk}/links.csv", {"confirm": "yes"})
    assert r["Content-Type"].startswith("text/csv")
    assert r.content.decode().count("/s/") == 25
    event = AccessEvent.objects.get(view="console.links_csv")
    assert event.username == "alice" and event.wave_id == wave.pk
