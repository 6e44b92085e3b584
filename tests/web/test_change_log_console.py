"""Every console action that changes the survey set-up leaves one entry in the change log, in words;
a refused action leaves none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from allypath.web.audit.models import ChangeEvent
from allypath.web.orgs.models import Membership, Role, Wave

from .conftest import member
from .test_wave_console import _settings

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def _as(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _log(org) -> list[tuple[str, str, str, str]]:
    """The organisation's change log, oldest first: (who, what, wave, outcome)."""
    events = ChangeEvent.objects.filter(org=org).order_by("at", "id")
    return [(e.username, e.action, e.wave_name, e.detail) for e in events]


def _day(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def test_a_waves_life_in_the_console_is_logged_step_by_step(acme, mailoutbox):
    alice = member("alice", acme, Role.ORG_ADMIN)
    client = _as(alice)
    assert client.post(f"/console/{acme.slug}/waves/new/", _settings(opens_on=_day(0))).status_code == 302
    wave = Wave.objects.get(org=acme, name="Autumn")
    base = f"/console/{acme.slug}/waves/{wave.pk}"
    launch = client.get(f"{base}/launch/")
    assert (
        client.post(f"{base}/launch/", {"confirm_count": str(launch.context["audience"]["size"])}).status_code
        == 302
    )
    client.post(f"{base}/action/", {"action": "invite"})
    invited = len(mailoutbox)
    client.post(f"{base}/action/", {"action": "remind"})
    client.post(f"{base}/action/", {"action": "close"})  # not confirmed: refused, not logged
    client.post(f"{base}/action/", {"action": "close", "confirm": "yes"})
    log = _log(acme)
    assert [what for _, what, _, _ in log] == [
        "wave_created",
        "wave_launched",
        "invitations_sent",
        "reminders_sent",
        "wave_closed",
    ]
    assert {who for who, _, _, _ in log} == {"alice"} and {wave for _, _, wave, _ in log} == {"Autumn"}
    assert log[1][3] == "25 people invited" and log[2][3] == f"{invited} sent" and invited > 0
    assert log[3][3] == ""  # no count of reminders: it could tell who answered


def test_an_undone_launch_is_logged(acme, make_wave):
    alice = member("alice", acme, Role.ORG_ADMIN)
    wave = make_wave(acme)
    _as(alice).post(f"/console/{acme.slug}/waves/{wave.pk}/action/", {"action": "revert", "confirm": "yes"})
    assert _log(acme) == [("alice", "launch_undone", wave.name, "")]


def test_people_and_roles_changes_are_logged(acme):
    alice = member("alice", acme, Role.ORG_ADMIN)
    client = _as(alice)
    added = {
        "username": "newhr",
        "email": "newhr@acme.test",
        "password": "a long unusual phrase 42",
        "role": Role.VIEWER,
    }
    assert client.post(
        f"/console/{acme.slug}/people/", {**added, "password2": added["password"]}
    ).status_code in (200, 302)
    newhr = Membership.objects.get(org=acme, user__username="newhr")
    url = f"/console/{acme.slug}/people/{newhr.pk}/"
    client.post(url, {"role": Role.ANALYST})
    client.post(url, {"action": "remove"})  # not confirmed: refused, not logged
    client.post(url, {"action": "remove", "confirm": "yes"})
    assert _log(acme) == [
        ("alice", "member_added", "", "newhr as viewer"),
        ("alice", "role_changed", "", "newhr is now analyst"),
        ("alice", "member_removed", "", "newhr"),
    ]


def test_a_people_import_is_logged_with_its_counts(acme):
    alice = member("alice", acme, Role.ORG_ADMIN)
    people = (
        "employee_id,unit,level,region\n"
        + "".join(
            f"{e.employee_id},{e.unit.path},{e.level},{e.region}\n"
            for e in acme.employees.select_related("unit")
        )
        + "NEW1,Legal,Staff,EMEA\n"
    )
    upload = SimpleUploadedFile("people.csv", people.encode())
    assert _as(alice).post(f"/console/{acme.slug}/import/", {"file": upload}).status_code == 302
    ((who, what, wave, outcome),) = _log(acme)
    assert (who, what, wave) == ("alice", "people_imported", "")
    assert outcome.startswith("1 people added, ") and "0 no longer in the file" in outcome
