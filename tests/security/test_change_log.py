"""The change log: every console action on the survey set-up is recorded (who, what, which wave, its
outcome in words), entries cannot be changed or removed, and org admins read them on the audit page."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from allypath.web.audit import AuditLogError, record_change
from allypath.web.audit.models import ChangeEvent

pytestmark = [pytest.mark.db, pytest.mark.django_db]

Action = ChangeEvent.Action


@pytest.fixture
def wave(acme, make_wave):
    return make_wave(acme)


def test_record_change_stores_who_what_which_wave_and_the_outcome(rf, alice, acme, wave):
    request = rf.post("/console/acme/")
    request.user = alice
    record_change(request, org=acme, wave=wave, action=Action.WAVE_CLOSED, detail="unfinished drafts deleted")
    event = ChangeEvent.objects.get()
    assert (event.user_id, event.username, event.org, event.wave_id) == (alice.pk, "alice", acme, wave.pk)
    assert (event.wave_name, event.action, event.detail) == (
        wave.name,
        "wave_closed",
        "unfinished drafts deleted",
    )


def test_a_wave_of_another_organisation_is_refused(alice, acme, globex, make_wave):
    with pytest.raises(AuditLogError):
        record_change(alice, org=acme, wave=make_wave(globex), action=Action.WAVE_LAUNCHED)
    assert not ChangeEvent.objects.exists()


def test_a_draft_wave_with_a_history_can_still_be_deleted_and_its_history_names_it(alice, acme, make_wave):
    draft = make_wave(acme, launch=False, name="Autumn draft")
    record_change(alice, org=acme, wave=draft, action=Action.WAVE_CREATED)
    name = draft.name
    draft.delete()
    assert ChangeEvent.objects.get().wave_name == name


def test_entries_cannot_be_changed_or_removed(alice, acme):
    record_change(alice, org=acme, action=Action.MEMBER_ADDED, detail="erin as viewer")
    event = ChangeEvent.objects.get()
    event.detail = "nothing happened"
    with pytest.raises(AuditLogError):
        event.save()
    with pytest.raises(AuditLogError):
        event.delete()
    with pytest.raises(AuditLogError):
        ChangeEvent.objects.filter(pk=event.pk).update(detail="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_changeevent SET username = 'mallory'")
    assert ChangeEvent.objects.get().detail == "erin as viewer"
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_changeevent")
        assert ChangeEvent.objects.count() == 1


def test_org_admins_read_the_changes_in_words_and_viewers_cannot(login, alice, bob, acme, wave):
    record_change(bob, org=acme, wave=wave, action=Action.REMINDERS_SENT, detail="<b>late</b>")
    html = login(alice).get("/console/acme/audit/").content.decode()
    assert "Changes to the survey set-up" in html
    assert "e-mailed reminders" in html and "reminders_sent" not in html
    assert wave.name in html and "&lt;b&gt;late&lt;/b&gt;" in html
    assert login(bob).get("/console/acme/audit/").status_code == 403
