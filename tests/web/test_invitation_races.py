"""Sends, links exports and reminders asked for at once hand out each link once and remind each person once.

A double click on "send invitations", two admins, or a links export while e-mails go out used to give
people two working links: two e-mails, or one in HR's CSV and one in their inbox. Each test makes the
interleaving happen on purpose: a second operation runs to completion, or until it waits for a lock,
at the moment the first has read whom to serve and not yet written.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections

from allypath.web.orgs import invitations
from allypath.web.orgs.invitations import export_links_csv, send_invitations, send_reminders
from allypath.web.orgs.models import InvitationToken, Wave
from web.conftest import psycopg_connection

pytestmark = [pytest.mark.db]

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: two sessions at once (SQLite runs one write transaction at a time, and the "
    "tests' in-memory database cannot hold one open while another session waits for it)",
)


@pytest.fixture
def wave(acme: Any, make_wave: Callable[..., Wave]) -> Wave:
    return make_wave(acme)


def _fresh(wave: Wave) -> Wave:
    return Wave.objects.get(pk=wave.pk)  # what a second request reads


def _tokens_per_person(wave: Wave) -> Counter[str]:
    return Counter(
        InvitationToken.objects.filter(invitation__wave=wave).values_list(
            "invitation__employee__employee_id", flat=True
        )
    )


def _csv_people(csv_text: str) -> set[str]:
    return {row.split(",", 1)[0] for row in csv_text.strip().splitlines()[1:]}


def _mailed(mailoutbox: list[Any]) -> Counter[str]:
    return Counter(message.to[0] for message in mailoutbox)


def _email_of(wave: Wave) -> dict[str, str]:
    return {
        inv.employee.employee_id: inv.employee.email for inv in wave.invitations.select_related("employee")
    }


def _once_before(monkeypatch: pytest.MonkeyPatch, name: str, first: Callable[[], Any]) -> list[Any]:
    """Replace ``invitations.<name>`` so that its first call runs ``first`` to completion before going on."""
    real = getattr(invitations, name)
    out: list[Any] = []

    def patched(*args: Any, **kwargs: Any) -> Any:
        if not out:
            out.append(None)  # before the call: ``first`` may go through here too
            out[0] = first()
        return real(*args, **kwargs)

    monkeypatch.setattr(invitations, name, patched)
    return out


@pytest.mark.django_db
def test_a_second_send_that_ran_after_the_first_read_its_list_gives_nobody_a_second_link(
    monkeypatch, wave, mailoutbox
):
    # The first send has read who has no link yet; the second (a double click) then runs whole.
    second = _once_before(monkeypatch, "get_connection", lambda: send_invitations(_fresh(wave)))
    first = send_invitations(wave)
    assert second == [24]
    assert first == 0  # everyone it had read was served by the other
    assert set(_tokens_per_person(wave).values()) == {1}
    assert len(_tokens_per_person(wave)) == 24  # E000 has no address
    assert set(_mailed(mailoutbox).values()) == {1}
    assert len(mailoutbox) == 24


@pytest.mark.django_db
def test_a_links_export_while_invitations_are_sent_leaves_each_link_in_one_place(
    monkeypatch, wave, mailoutbox
):
    exports = _once_before(monkeypatch, "get_connection", lambda: export_links_csv(_fresh(wave)))
    sent = send_invitations(wave)
    (export,) = exports
    in_csv = _csv_people(export.csv_text)
    assert export.count == 25 and len(in_csv) == 25
    emails = _email_of(wave)
    mailed = {person for person, email in emails.items() if email in _mailed(mailoutbox)}
    assert not in_csv & mailed  # HR's CSV and an inbox never both hold a link for one person
    assert sent == 0 and not mailoutbox
    assert _tokens_per_person(wave) == Counter(dict.fromkeys(in_csv, 1))


def _waiting_for_a_lock() -> bool:
    if connection.vendor != "postgresql":
        return False
    with psycopg_connection() as watcher:
        row = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
    return bool(row and row[0])


class Beside:
    """A second operation run in a session of its own, its result read once it has finished."""

    def __init__(self, operation: Callable[[], Any]) -> None:
        self.operation = operation
        self.out: list[Any] = []
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        """Start it; return once it has finished or waits for a lock."""

        def run() -> None:
            try:
                self.out.append(self.operation())
            except BaseException as exc:  # reported by result()
                self.out.append(exc)
            finally:
                connections.close_all()

        self.thread = threading.Thread(target=run)
        self.thread.start()
        deadline = time.monotonic() + 30
        while self.thread.is_alive() and not _waiting_for_a_lock():
            assert time.monotonic() < deadline, "the second operation neither finished nor waited"
            time.sleep(0.02)

    def result(self) -> Any:
        assert self.thread is not None, "the second operation never ran"
        self.thread.join(60)
        assert not self.thread.is_alive(), "the second operation did not finish"
        (value,) = self.out
        if isinstance(value, BaseException):
            raise value
        return value


@pytest.fixture
def beside_first_issue(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Callable[[], Any]], Beside]]:
    """Run a second operation in its own session when the test's, in its transaction, has read whom it
    serves and is about to store their tokens; the test's operation then goes on."""
    main = threading.current_thread()
    real = invitations._issue
    started: list[Beside] = []

    def arrange(operation: Callable[[], Any]) -> Beside:
        beside = Beside(operation)

        def issue(chosen: list[Any]) -> Any:
            if threading.current_thread() is main and not started:
                started.append(beside)
                beside.start()
            return real(chosen)

        monkeypatch.setattr(invitations, "_issue", issue)
        return beside

    yield arrange
    for beside in started:  # never leave a session behind, even when the test failed
        if beside.thread is not None:
            beside.thread.join(60)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_links_exports_at_once_hold_each_link_once(wave, beside_first_issue):
    second = beside_first_issue(lambda: export_links_csv(_fresh(wave)))
    first = export_links_csv(wave)
    other = second.result()  # it waited for this export's rows, then found them served
    assert (first.count, other.count) == (25, 0)
    assert set(_tokens_per_person(wave).values()) == {1}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_invitations_sent_during_a_links_export_skip_the_people_in_it(
    wave, beside_first_issue, mailoutbox
):
    second = beside_first_issue(lambda: send_invitations(_fresh(wave)))
    export = export_links_csv(wave)
    assert second.result() == 0
    assert export.count == 25 and not mailoutbox
    assert set(_tokens_per_person(wave).values()) == {1}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_reminder_rounds_at_once_remind_each_person_once(
    wave, beside_first_issue, mailoutbox
):
    send_invitations(wave)
    mailoutbox.clear()
    second = beside_first_issue(lambda: send_reminders(_fresh(wave)))
    send_reminders(wave)
    assert second.result() is False
    assert len(mailoutbox) == 24 and set(_mailed(mailoutbox).values()) == {1}
    assert set(_tokens_per_person(wave).values()) == {2}


@pytest.mark.django_db(transaction=True)
def test_a_reminder_asked_for_while_another_sends_its_emails_reminds_nobody_twice(
    monkeypatch, wave, mailoutbox
):
    """The usual double click: the first round has stored its tokens and is sending its e-mails."""
    send_invitations(wave)
    mailoutbox.clear()
    real = invitations._mail
    others: list[Beside] = []

    def mail(*args: Any) -> None:
        if not others:  # the first e-mail of the first round: a second round runs whole meanwhile
            others.append(Beside(lambda: send_reminders(_fresh(wave))))
            others[0].start()
            assert others[0].result() is False  # it did not run
        real(*args)

    monkeypatch.setattr(invitations, "_mail", mail)
    send_reminders(wave)
    assert others
    assert len(mailoutbox) == 24 and set(_mailed(mailoutbox).values()) == {1}
    # One round: one reminder token for each invited person with an address, beside his first.
    assert set(_tokens_per_person(wave).values()) == {2}
    # Once it has ended, a round is one of its own (a new attempt after a mail server failure).
    mailoutbox.clear()
    monkeypatch.setattr(invitations, "_mail", real)
    send_reminders(_fresh(wave))
    assert len(mailoutbox) == 24
    assert set(_tokens_per_person(wave).values()) == {3}
