"""Waves closed by earlier versions forget who answered (migration orgs 0009, and ``Wave.close``).

Before 38d1a69 closing a wave marked its answered invitations ``used``. Kept, those flags told whoever
reads the database or a backup who of a group's invitees answered, and such a wave's link read "already
used" where an unanswered one read "closed". Here a wave closed the old way is made by setting the
flags as those versions did; the migration's step must clear them, keep every invitation and token,
and (PostgreSQL) leave no heap order that puts the formerly used invitations apart.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection

from allypath.web.orgs.models import Invitation, InvitationToken, WaveStatus

pytestmark = [pytest.mark.db]

_MIGRATION = importlib.import_module("allypath.web.orgs.migrations.0009_forget_who_answered_closed_waves")


def _forget() -> None:
    _MIGRATION.forget_used_flags(django_apps, SimpleNamespace(connection=connection))


def _closed_the_old_way(wave: Any, answered: list[int]) -> None:
    """What closing did before 38d1a69: the status, and the answered invitations marked used."""
    wave.close()
    Invitation.objects.filter(pk__in=answered).update(used=True)


@pytest.mark.django_db
def test_a_wave_closed_the_old_way_no_longer_says_who_answered(acme, make_wave, issue_tokens, client):
    wave = make_wave(acme)
    links = issue_tokens(wave)
    invitations = list(Invitation.objects.filter(wave=wave).order_by("pk").values_list("pk", flat=True))
    answered = invitations[::3]
    _closed_the_old_way(wave, answered)
    tokens_before = set(InvitationToken.objects.values_list("pk", "invitation_id", "issued_on"))
    rows_before = set(Invitation.objects.values_list("pk", "employee_id", "unit_id", "level", "region"))
    used_link = next(t for t, inv in _links_by_invitation(links).items() if inv in answered)
    unused_link = next(t for t, inv in _links_by_invitation(links).items() if inv not in answered)
    # The leak before: the answered man's link read differently from another's.
    assert _page(client, used_link) == "used"
    assert _page(client, unused_link) == "closed"

    _forget()

    assert not Invitation.objects.filter(used=True).exists()
    assert (
        set(Invitation.objects.values_list("pk", "employee_id", "unit_id", "level", "region")) == rows_before
    )
    assert set(InvitationToken.objects.values_list("pk", "invitation_id", "issued_on")) == tokens_before
    assert _page(client, used_link) == _page(client, unused_link) == "closed"


@pytest.mark.django_db
def test_an_open_waves_flags_stay_until_it_closes(acme, make_wave, issue_tokens):
    # A flag from before claims still refuses a second answer while the wave is open.
    wave = make_wave(acme)
    issue_tokens(wave)
    first = Invitation.objects.filter(wave=wave).order_by("pk").first()
    assert first is not None
    Invitation.objects.filter(pk=first.pk).update(used=True)
    _forget()
    assert Invitation.objects.get(pk=first.pk).used
    wave.refresh_from_db()
    wave.close()
    assert wave.status == WaveStatus.CLOSED
    assert not Invitation.objects.filter(used=True).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's heap order (ctid)")
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_cleared_invitations_do_not_gather_at_the_heaps_end(acme, make_wave, issue_tokens):
    # An UPDATE writes each changed row's new version at the end of the heap: the formerly used
    # invitations would then be exactly the last rows. Rewritten in random order, the chance that
    # 11 of 32 land last by luck is 1 in 129 million.
    wave = make_wave(acme)
    issue_tokens(wave)
    invitations = list(Invitation.objects.filter(wave=wave).order_by("pk").values_list("pk", flat=True))
    answered = set(invitations[::3])
    _closed_the_old_way(wave, sorted(answered))
    _forget()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM orgs_invitation WHERE wave_id = %s ORDER BY ctid", [wave.pk])
        heap = [row[0] for row in cursor.fetchall()]
    assert sorted(heap) == invitations
    assert set(heap[-len(answered) :]) != answered


def _page(client: Any, token: str) -> str:
    """What a link's page says of it: "used" or "closed" (its own words)."""
    text = client.get(f"/s/{token}/").content.decode()
    used, closed = "already been used" in text, "survey is closed" in text
    assert used != closed, "the page says one of the two"
    return "used" if used else "closed"


def _links_by_invitation(links: dict[str, str]) -> dict[str, int]:
    """Token -> invitation id, from the fixture's employee id -> token."""
    by_employee = dict(Invitation.objects.values_list("employee__employee_id", "pk"))
    return {token: by_employee[employee] for employee, token in links.items()}
