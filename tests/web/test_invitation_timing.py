"""The host cannot date an invitation's use (DESIGN §6 (c)): not by reminders, not by storage order.

Reminders: a count of reminders per invitation, or fresh tokens for unused invitations only, put each
answer between two reminders; the responses of that (unit, level, region) and those days then often
leave one, naming its author. Here a reminder goes out between two sets of answers, and every row the
host reads must be the same for an invitation answered before it as for one answered after it.

Storage order (PostgreSQL): marking an invitation used stamps its row with the transaction (``xmin``)
and writes it at the heap's end, so the used invitations sorted either way follow the order of use.
Closing the wave and taking a backup rewrite them in random order, without losing or undoing a
submission that runs at the same time.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import re
import smtplib
import threading
import time
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from allypath.web import backup
from allypath.web.orgs import invitations
from allypath.web.orgs.invitations import MailError, send_invitations, send_reminders
from allypath.web.orgs.models import Invitation, InvitationToken
from allypath.web.survey.models import Response
from answer_patterns import submit_answers
from web.conftest import psycopg_connection

pytestmark = [pytest.mark.db]

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")

#: What says who an invitation is (and whether it was used): everything else on its row must not
#: depend on when it was used.
WHO = {"id", "wave_id", "employee_id", "unit_id", "level", "region", "used"}


def _link(message: Any) -> str:
    return str(message.body.split("/s/")[1].split("/")[0])


def _rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def host_view(wave_id: int) -> dict[str, tuple[Any, ...]]:
    """Employee id -> what the host reads about his invitation besides who he is and ``used``:
    the rest of its row, and its tokens (how many, issued which days)."""
    people = {r["id"]: r["employee_id"] for r in _rows("SELECT id, employee_id FROM orgs_employee", [])}
    tokens: dict[int, list[Any]] = {}
    for token in _rows(
        "SELECT t.invitation_id, t.issued_on FROM orgs_invitationtoken t "
        "JOIN orgs_invitation i ON i.id = t.invitation_id WHERE i.wave_id = %s ORDER BY t.id",
        [wave_id],
    ):
        tokens.setdefault(token["invitation_id"], []).append(str(token["issued_on"]))
    return {
        people[row["employee_id"]]: (
            tuple(sorted((k, str(v)) for k, v in row.items() if k not in WHO)),
            tuple(tokens.get(row["id"], [])),
        )
        for row in _rows("SELECT * FROM orgs_invitation WHERE wave_id = %s", [wave_id])
    }


def _invite(wave: Any, mailoutbox: list[Any]) -> tuple[dict[str, str], dict[str, str]]:
    """E-mail the invitations: (address -> employee id, employee id -> his link)."""
    send_invitations(wave)
    invited = Invitation.objects.filter(wave=wave)
    people = dict(invited.values_list("employee__email", "employee__employee_id"))
    return people, {people[m.to[0]]: _link(m) for m in mailoutbox}


def _later(monkeypatch: pytest.MonkeyPatch, days: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day


BEFORE = ["S001", "N002", "A001"]  # answer on the day of the invitations
AFTER = ["S003", "N004", "E002"]  # answer after the reminder, the next day


@pytest.mark.django_db
def test_a_reminder_between_answers_leaves_no_row_that_says_which_came_before_it(
    client, acme, make_wave, mailoutbox, answers_for, instrument, monkeypatch
):
    wave = make_wave(acme)
    people, links = _invite(wave, mailoutbox)
    answers = answers_for(instrument.form("short"))
    for person in BEFORE:
        submit_answers(client, links[person], answers)
    last_before = InvitationToken.objects.order_by("-pk").values_list("pk", flat=True)[0]
    reminder_day = _later(monkeypatch, 1)
    mailoutbox.clear()
    send_reminders(wave)
    reminded = {people[m.to[0]] for m in mailoutbox}
    assert reminded.isdisjoint(BEFORE) and set(AFTER) <= reminded  # e-mails go to unused ones only
    for person in AFTER:
        submit_answers(client, links[person], answers)

    view = host_view(wave.pk)
    # The attack: a used invitation with r reminders was answered between reminder r and r + 1.
    assert {view[p] for p in BEFORE} == {view[p] for p in AFTER}
    assert len({view[p] for p in BEFORE + AFTER}) == 1
    unused_with_address = [p for p in reminded if p not in AFTER]
    assert {view[p] for p in unused_with_address} == {view[BEFORE[0]]}
    # The reminder's tokens: one per invitation with an address, used or not, in primary-key order
    # (ids and days say nothing about use either).
    run = list(
        InvitationToken.objects.filter(pk__gt=last_before)
        .order_by("pk")
        .values_list("invitation_id", "issued_on")
    )
    covered = Invitation.objects.filter(wave=wave).exclude(employee__email="").order_by("pk")
    assert [i for i, _ in run] == list(covered.values_list("pk", flat=True))
    assert {day for _, day in run} == {reminder_day}
    # and the links sent before still work for those who have not answered
    assert client.get(f"/s/{links['S002']}/").status_code == 200


class RefusingBackend(BaseEmailBackend):
    """A mail server that accepts ``accept`` e-mails, then refuses."""

    def __init__(self, accept: int) -> None:
        super().__init__()
        self.accept, self.sent = accept, 0

    def send_messages(self, email_messages: Any) -> int:
        if self.sent >= self.accept:
            raise smtplib.SMTPServerDisconnected("refused")
        self.sent += len(email_messages)
        return len(email_messages)


@pytest.mark.django_db
def test_a_reminder_run_that_fails_half_way_stores_the_same_for_everyone_and_counts_nothing(
    client, acme, make_wave, mailoutbox, answers_for, instrument, monkeypatch
):
    wave = make_wave(acme)
    _, links = _invite(wave, mailoutbox)
    for person in BEFORE:
        submit_answers(client, links[person], answers_for(instrument.form("short")))
    _later(monkeypatch, 1)
    monkeypatch.setattr(invitations, "get_connection", lambda: RefusingBackend(accept=5))
    with pytest.raises(MailError) as refused:
        send_reminders(wave)
    assert not re.search(r"\d", str(refused.value))  # HR reads it, a log may keep it: no count
    view = host_view(wave.pk)
    with_address = [p for p in view if p != "E000"]
    assert len({view[p] for p in with_address}) == 1  # answered or not, reached or not
    assert len(view["S001"][1]) == 2


@pytest.mark.django_db
def test_the_migration_evens_out_the_tokens_that_earlier_reminders_gave_unused_invitations_only(
    client, acme, make_wave, mailoutbox, answers_for, instrument, monkeypatch
):
    wave = make_wave(acme)
    _, links = _invite(wave, mailoutbox)
    for person in BEFORE:
        submit_answers(client, links[person], answers_for(instrument.form("short")))
    # what reminders stored before: two runs the next day, new tokens for the unused invitations only
    _later(monkeypatch, 1)
    invited = Invitation.objects.filter(wave=wave).exclude(employee__email="").order_by("pk")
    unused = [invitation for invitation in invited if not invitation.claimed]
    invitations._issue(unused)
    invitations._issue(unused)
    view = host_view(wave.pk)
    assert view["S001"] != view["S002"]  # the leak

    migration = importlib.import_module("allypath.web.orgs.migrations.0005_invitation_without_reminder_count")
    migration.even_out_reminder_tokens(django_apps, None)

    view = host_view(wave.pk)
    assert len({view[p] for p in view if p != "E000"}) == 1
    assert view["E000"][1] == ()  # no address, no link: nothing added
    # new ids in the order day, invitation: the first links, then the reminders'
    stored = list(InvitationToken.objects.order_by("pk").values_list("issued_on", "invitation_id"))
    assert stored == sorted(stored)
    assert client.get(f"/s/{links['S002']}/").status_code == 200  # links in hand still work


# -- PostgreSQL: xmin and heap order -------------------------------------------------------------------


def _used_by(order: str, wave_id: int) -> list[str]:
    return [
        r["employee_id"]
        for r in _rows(
            "SELECT e.employee_id FROM orgs_invitation i JOIN orgs_employee e ON e.id = i.employee_id "
            f"WHERE i.wave_id = %s AND i.used ORDER BY {order}",
            [wave_id],
        )
    ]


def _xmins(table: str, wave_id: int) -> set[str]:
    return {r["x"] for r in _rows(f"SELECT xmin::text AS x FROM {table} WHERE wave_id = %s", [wave_id])}


def _answered_in_order(client: Any, tokens: dict[str, str], answers: dict[str, Any], n: int) -> list[str]:
    order = random.Random(14).sample(sorted(tokens), n)
    for person in order:  # each its own transaction, as in production
        submit_answers(client, tokens[person], answers)
    return order


BY_XMIN = "i.xmin::text::bigint, i.ctid"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_closing_a_wave_rewrites_its_invitations_out_of_the_order_of_use(
    client, acme, make_wave, issue_tokens, answers_for, instrument
):
    wave = make_wave(acme)
    tokens = issue_tokens(wave)
    answered = _answered_in_order(client, tokens, answers_for(instrument.form("short")), 12)
    assert len(answered) == 12
    # While the wave is open no invitation row says it was used (they were marked in the order of use,
    # each with its response's xmin); the claims name no invitation.
    assert _used_by(BY_XMIN, wave.pk) == []
    held = dict(InvitationToken.objects.values_list("token_hash", "invitation_id"))
    wave.close()
    invitation_xmins = _xmins("orgs_invitation", wave.pk)
    assert len(invitation_xmins) == 1 and invitation_xmins == _xmins("survey_response", wave.pk)
    # and none is marked used at close: the order of use has nothing left to follow
    assert _used_by(BY_XMIN, wave.pk) == _used_by("e.employee_id", wave.pk) == []
    assert dict(InvitationToken.objects.values_list("token_hash", "invitation_id")) == held


def _config() -> dict[str, Any]:
    return dict(connection.settings_dict)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_backup_rewrites_the_invitations_out_of_the_order_of_use(
    client, acme, make_wave, issue_tokens, answers_for, instrument
):
    wave = make_wave(acme)
    tokens = issue_tokens(wave)
    order = _answered_in_order(client, tokens, answers_for(instrument.form("short")), 12)
    before = set(Invitation.objects.values_list("pk", "employee_id", "used", "unit_id", "level", "region"))
    backup._pg_scramble(_config())
    xmins = {r["x"] for r in _rows("SELECT DISTINCT xmin::text AS x FROM orgs_invitation", [])}
    assert len(xmins) == 1
    assert _used_by(BY_XMIN, wave.pk) != order and _used_by("i.ctid", wave.pk) != order
    assert (
        set(Invitation.objects.values_list("pk", "employee_id", "used", "unit_id", "level", "region"))
        == before
    )


def _in_thread(target: Any) -> tuple[threading.Thread, list[Any]]:
    """Run ``target`` in a thread of its own (its own database connection); returns the thread and
    a list that gets its result or exception."""
    out: list[Any] = []

    def run() -> None:
        from django.db import connections

        try:
            out.append(target())
        except Exception as exc:  # handed to the test
            out.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rewrite", ["close", "backup"])
def test_on_postgresql_a_submission_in_flight_during_the_rewrite_is_neither_lost_nor_undone(
    acme, make_wave, issue_tokens, rewrite
):
    wave = make_wave(acme)
    issue_tokens(wave)
    pk = Invitation.objects.filter(wave=wave).order_by("pk").values_list("pk", flat=True)[3]
    config = _config()
    with psycopg_connection() as other:
        other.execute("UPDATE orgs_invitation SET used = true WHERE id = %s", (pk,))  # not committed yet
        thread, out = _in_thread(wave.close if rewrite == "close" else lambda: backup._pg_scramble(config))
        time.sleep(0.5)
        assert thread.is_alive()  # the rewrite waits for it
        other.commit()
    thread.join(60)
    assert out and not isinstance(out[0], Exception), out
    assert Invitation.objects.get(pk=pk).used  # marked used after the copy: it would come back unused


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_submission_that_waits_for_a_backups_rewrite_goes_through_after_it(
    acme, make_wave, issue_tokens, answers_for, instrument
):
    from django.test import Client

    wave = make_wave(acme)
    tokens = issue_tokens(wave)
    answers = answers_for(instrument.form("short"))
    with psycopg_connection() as scramble:  # the backup's rewrite, held open
        scramble.execute(f"LOCK TABLE {', '.join(backup._PG_SCRAMBLED)} IN EXCLUSIVE MODE")
        for table in backup._PG_SCRAMBLED:
            for statement in backup._pg_scramble_statements(table):
                scramble.execute(statement)
        thread, out = _in_thread(lambda: submit_answers(Client(), tokens["S002"], answers))
        time.sleep(0.5)
        assert thread.is_alive()
        scramble.commit()
    thread.join(60)
    # a receipt: stored (201), not "already used", and not deleted with the copied rows
    assert len(out) == 1 and isinstance(out[0], str), out
    assert Invitation.objects.get(wave=wave, employee__employee_id="S002").claimed
    assert Response.objects.filter(wave=wave).count() == 1
