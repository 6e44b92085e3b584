"""Races between changes to one wave or one organisation, made deterministic.

Each test stops one action between its check and its write (a patched step that runs there) and makes
the competing action happen at that very moment, through :func:`beside`:

- code not in a transaction at that moment (it checked in autocommit) lets the competitor run to its
  commit there and then, on the same connection;
- code in a transaction on SQLite holds the one write lock (transactions are IMMEDIATE: settings.py),
  so a competing write can only come after its commit: the competitor runs then;
- code in a transaction on PostgreSQL: the competitor runs in a thread of its own, with its own
  connection, and the stopped action goes on once the competitor has finished or waits for a lock.

Then the invariant is checked: no draft wave holds answers; a close keeps the publication fixed by a
dashboard look; an organisation keeps an admin; two uploads of one people file answer without a 500.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.test import Client

from allypath.privacy import PrivacyPolicy, parse_breakdowns
from allypath.web.dashboard.release import published_settings
from allypath.web.orgs.errors import WaveStateError
from allypath.web.orgs.invitations import export_links_csv, send_invitations
from allypath.web.orgs.models import (
    Employee,
    InvitationToken,
    Membership,
    Organisation,
    Role,
    Unit,
    Wave,
    WaveStatus,
)
from allypath.web.orgs.seeding import write_hris
from allypath.web.survey.models import Response
from web.conftest import ACME_PEOPLE, member, psycopg_connection

pytestmark = [pytest.mark.db]

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: row locks waited for by other sessions"
)


class Beside:
    """A competing action started at one moment of another (see the module's docstring)."""

    def __init__(self, action: Callable[[], Any]) -> None:
        self._action = action
        self._out: list[Any] = []
        self._thread: threading.Thread | None = None
        if not connection.in_atomic_block:
            self._run()
        elif connection.vendor == "sqlite":
            transaction.on_commit(self._run)
        else:
            self._thread = threading.Thread(target=self._in_thread)
            self._thread.start()
            self._until_done_or_waiting()

    def _run(self) -> None:
        if not self._out:
            self._out.append(self._action())

    def _in_thread(self) -> None:
        try:
            self._run()
        except Exception as exc:  # handed to the test
            self._out.append(exc)
        finally:
            connections.close_all()

    def _until_done_or_waiting(self) -> None:
        assert self._thread is not None
        with psycopg_connection() as watcher:
            watcher.autocommit = True
            deadline = time.monotonic() + 60
            while self._thread.is_alive() and time.monotonic() < deadline:
                waiting = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ).fetchone()
                if waiting and waiting[0]:
                    return
                time.sleep(0.005)
        assert not self._thread.is_alive(), "the competing action neither finished nor waited for a lock"

    def result(self) -> Any:
        """The competitor's outcome, once it is done (run now if the stopped action rolled back)."""
        if self._thread is not None:
            self._thread.join(60)
            assert not self._thread.is_alive()
        self._run()
        outcome = self._out[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


@contextmanager
def competing_at(model: type[Any], method: str, action: Callable[[], Any]) -> Iterator[list[Beside]]:
    """Run ``action`` beside the first call of ``model.method`` (a write step), just before it."""
    original = getattr(model, method)
    started: list[Beside] = []
    stopped: list[bool] = []

    def stopped_here(self: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(self, model) and not stopped:
            stopped.append(True)  # first: the competitor's own writes pass
            started.append(Beside(action))
        return original(self, *args, **kwargs)

    own = method in model.__dict__
    setattr(model, method, stopped_here)
    try:
        yield started
    finally:
        if own:
            setattr(model, method, original)
        else:
            delattr(model, method)  # inherited: the parent's again


def _submit(token: str, answers: dict[str, Any]) -> int:
    body = {"token": token, "submission_id": str(uuid.uuid4()), "answers": answers, "language": "en"}
    return Client().post("/api/v1/responses", json.dumps(body), content_type="application/json").status_code


def _as(user: User) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is an answer the test looks at
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _no_draft_holds_answers(wave: Wave) -> None:
    wave.refresh_from_db()
    answered = Response.objects.filter(wave=wave).exists() or wave.claims.exists()
    assert not (wave.status == WaveStatus.DRAFT and answered), "a draft wave holds answers"


# -- A. a submission, or links going out, racing "revert to draft" -------------------------------------


def _revert(wave: Wave) -> None:
    wave.revert_to_draft()


def _save_as_draft(wave: Wave) -> None:
    wave.status = WaveStatus.DRAFT
    wave.save()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("undo", [_revert, _save_as_draft], ids=["revert_to_draft", "save"])
def test_once_a_link_is_out_an_undo_is_refused_before_it_writes_whatever_a_submission_does(
    acme, make_wave, issue_tokens, answers_for, instrument, undo
):
    """An answer needs a link, and a launch whose links are out cannot be undone (test_undo_launch.py):
    the undo is refused before it writes anything, so no submission can slip in between."""
    wave = make_wave(acme)
    token = issue_tokens(wave)["S001"]
    answers = answers_for(instrument.form("short"))
    with (
        competing_at(Wave, "save_base", lambda: _submit(token, answers)) as started,
        pytest.raises(WaveStateError, match="its launch can no longer be undone"),
    ):
        undo(Wave.objects.get(pk=wave.pk))
    assert not started
    assert _submit(token, answers) == 201
    _no_draft_holds_answers(wave)
    assert Wave.objects.get(pk=wave.pk).status == WaveStatus.OPEN


def _export_links(wave: Wave) -> int:
    return export_links_csv(wave).count


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("send", [_export_links, send_invitations], ids=["links_csv", "e-mails"])
def test_links_sent_between_the_reverts_check_and_its_write_go_to_nobody(acme, make_wave, mailoutbox, send):
    """The send loaded the wave open before the revert; it gives links at the revert's write. The revert
    holds the invitations' locks and deletes them: the send, waiting for them, finds nobody to give a
    link to. No draft holds a link, and none went out."""
    wave = make_wave(acme)
    loaded = Wave.objects.get(pk=wave.pk)  # the send request: the wave was open when it checked
    with competing_at(Wave, "save_base", lambda: send(loaded)) as started:
        Wave.objects.get(pk=wave.pk).revert_to_draft()
    assert started[0].result() == 0
    assert Wave.objects.get(pk=wave.pk).status == WaveStatus.DRAFT
    assert not InvitationToken.objects.filter(invitation__wave=wave).exists() and not mailoutbox


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_revert_waits_for_a_submission_in_flight_and_is_refused(
    acme, make_wave, issue_tokens, answers_for, instrument
):
    """The other order: the submission has claimed its invitation (and share-locked the wave's row)
    when the revert starts; the revert waits for its commit and is refused (the link is out, and the
    answer would be seen too)."""
    wave = make_wave(acme)
    token = issue_tokens(wave)["S001"]
    answers = answers_for(instrument.form("short"))

    def revert() -> str:
        try:
            Wave.objects.get(pk=wave.pk).revert_to_draft()
        except WaveStateError:
            return "refused"
        return "reverted"

    with competing_at(Response, "save_base", revert) as started:
        assert _submit(token, answers) == 201
    assert started[0].result() == "refused"
    _no_draft_holds_answers(wave)
    assert Wave.objects.get(pk=wave.pk).status == WaveStatus.OPEN


# -- B. close and revert write only what they change --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_close_keeps_the_publication_fixed_after_the_wave_was_loaded(acme, make_wave):
    wave = make_wave(acme, k=3)
    loaded = Wave.objects.get(pk=wave.pk)  # the close request has loaded the wave
    look = Wave.objects.get(pk=wave.pk)  # then the first dashboard look fixes its publication
    fixed = published_settings([look], parse_breakdowns("unit"), PrivacyPolicy(k=look.k, k_text=look.k_text))
    assert look.publication is not None and fixed
    loaded.close()
    stored = Wave.objects.get(pk=wave.pk)
    assert stored.status == WaveStatus.CLOSED
    assert stored.publication == look.publication
    assert loaded.publication == look.publication  # the object closed shows it too


@pytest.mark.django_db(transaction=True)
def test_a_close_clicked_twice_closes_once(acme, make_wave, monkeypatch):
    from allypath.web.orgs.signals import wave_closed

    wave = make_wave(acme)
    first, second = Wave.objects.get(pk=wave.pk), Wave.objects.get(pk=wave.pk)  # both loaded open
    closes: list[int] = []

    def count(sender: Any, wave: Wave, **kwargs: Any) -> None:
        closes.append(wave.pk)

    wave_closed.connect(count, dispatch_uid="test_wave_races.count")
    try:
        first.close()
        with pytest.raises(WaveStateError, match="only an open wave can be closed"):
            second.close()
    finally:
        wave_closed.disconnect(dispatch_uid="test_wave_races.count")
    assert closes == [wave.pk]


@pytest.mark.django_db
def test_a_launch_clicked_twice_launches_once(acme, make_wave):
    """Both requests loaded the draft; the second launch ran again ("Wave launched: 0 people invited")."""
    draft = make_wave(acme, launch=False)
    first, second = Wave.objects.get(pk=draft.pk), Wave.objects.get(pk=draft.pk)  # both loaded as drafts
    first.launch()
    with pytest.raises(WaveStateError, match="only a draft can be launched"):
        second.launch()
    assert Wave.objects.get(pk=draft.pk).status == WaveStatus.OPEN


@pytest.mark.django_db(transaction=True)
def test_a_revert_keeps_what_was_saved_since_the_wave_was_loaded(acme, make_wave):
    wave = make_wave(acme)
    loaded = Wave.objects.get(pk=wave.pk)  # the revert request has loaded the wave
    other = Wave.objects.get(pk=wave.pk)  # then the e-mails are edited in another request
    other.emails = {"invitation": {"en": {"subject": "Our survey", "body": "Please answer: {link}"}}}
    other.save(update_fields=["emails"])
    loaded.revert_to_draft()
    stored = Wave.objects.get(pk=wave.pk)
    assert stored.status == WaveStatus.DRAFT
    assert stored.emails == other.emails


# -- C. the organisation keeps an admin ---------------------------------------------------------------


@pytest.fixture
def two_admins(acme: Organisation) -> tuple[User, User]:
    return member("alice", acme, Role.ORG_ADMIN), member("erin", acme, Role.ORG_ADMIN)


def _membership_url(org: Organisation, user: User) -> str:
    return f"/console/{org.slug}/people/{Membership.objects.get(org=org, user=user).pk}/"


def _admins(org: Organisation) -> set[str]:
    return set(
        Membership.objects.filter(org=org, role=Role.ORG_ADMIN).values_list("user__username", flat=True)
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["remove", "demote"])
def test_two_admins_removing_or_demoting_each_other_at_once_leave_one_admin(acme, two_admins, change):
    alice, erin = two_admins
    data = {"action": "remove", "confirm": "yes"} if change == "remove" else {"role": Role.VIEWER}
    step = ("delete", Membership) if change == "remove" else ("save_base", Membership)
    erins_url, alices_url = _membership_url(acme, erin), _membership_url(acme, alice)

    def erin_changes_alice() -> int:
        return _as(erin).post(alices_url, data).status_code

    with competing_at(step[1], step[0], erin_changes_alice) as started:
        answer = _as(alice).post(erins_url, data)
    assert answer.status_code in (302, 403), answer.status_code
    assert started[0].result() in (302, 403, 404)  # done, refused, or no longer a member
    assert len(_admins(acme)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_last_admin_cannot_demote_himself(acme, two_admins):
    alice, erin = two_admins
    assert (
        _as(alice).post(_membership_url(acme, erin), {"action": "remove", "confirm": "yes"}).status_code
        == 302
    )
    assert _admins(acme) == {"alice"}
    answer = _as(alice).post(_membership_url(acme, alice), {"role": Role.VIEWER}, follow=True)
    assert "only admin" in answer.content.decode()
    assert _admins(acme) == {"alice"}


@pytest.mark.django_db(transaction=True)
def test_an_admin_demoted_meanwhile_changes_no_role(acme, two_admins):
    """Erin makes bob an admin while alice takes erin's admin role away: erin's change is made before
    the demotion (she was an admin then), or refused; never after it."""
    alice, erin = two_admins
    bob = member("bob", acme, Role.VIEWER)
    bobs_url, erins_url = _membership_url(acme, bob), _membership_url(acme, erin)

    def alice_demotes_erin() -> tuple[int, set[str]]:
        status = _as(alice).post(erins_url, {"role": Role.VIEWER}).status_code
        return status, _admins(acme)  # the admins once the demotion is done

    with competing_at(Membership, "save_base", alice_demotes_erin) as started:
        answer = _as(erin).post(bobs_url, {"role": Role.ORG_ADMIN})
    assert answer.status_code in (302, 403), answer.status_code
    demoted, admins_then = started[0].result()
    assert demoted == 302
    assert "erin" not in _admins(acme)
    if "bob" in _admins(acme):  # erin's change was made: before her demotion, not after it
        assert "bob" in admins_then


# -- D. the same people file uploaded twice at once ---------------------------------------------------


def _upload(client: Client, org: Organisation, path: Path) -> Any:
    upload = SimpleUploadedFile("people.csv", path.read_bytes(), content_type="text/csv")
    return client.post(f"/console/{org.slug}/import/", {"file": upload})


@pytest.mark.django_db(transaction=True)
def test_an_import_colliding_with_a_unit_saved_meanwhile_is_answered_in_words(tmp_path, monkeypatch):
    """Whatever else adds a unit under the same path while a file is imported (the unique key refuses
    the import's own): the page says so and to upload again, not a server error."""
    org = Organisation.objects.create(name="Initech", slug="initech")
    admin = member("alice", org, Role.ORG_ADMIN)
    people = write_hris(tmp_path / "people.csv", ACME_PEOPLE)
    save_base = Unit.save_base

    def same_path_first(self: Unit, *args: Any, **kwargs: Any) -> None:
        if not Unit.objects.filter(org=org, path=self.path).exists():
            Unit.objects.bulk_create([Unit(org=org, path=self.path, name=self.name, depth=self.depth)])
        save_base(self, *args, **kwargs)

    monkeypatch.setattr(Unit, "save_base", same_path_first)
    answer = _upload(_as(admin), org, people)
    assert answer.status_code == 422, answer.status_code
    assert "Upload the file again" in answer.content.decode()
    assert not Employee.objects.filter(org=org).exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_same_people_file_uploaded_twice_at_once_imports_once_without_an_error(
    tmp_path,
):
    org = Organisation.objects.create(name="Initech", slug="initech")
    admin = member("alice", org, Role.ORG_ADMIN)
    people = write_hris(tmp_path / "people.csv", ACME_PEOPLE)
    with competing_at(Unit, "save_base", lambda: _upload(_as(admin), org, people).status_code) as started:
        answer = _upload(_as(admin), org, people)
    assert answer.status_code == 302, answer.status_code
    assert started[0].result() == 302
    assert Employee.objects.filter(org=org, active=True).count() == len(ACME_PEOPLE)
