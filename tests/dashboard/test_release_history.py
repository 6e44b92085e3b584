"""The database keeps the current state's release only, dated to the day (web/dashboard/release.py).

One stored row per state of an open wave would be a history of the data: a cell appearing from one
row to the next dates the answer of the man who made it, which the responses themselves do not
(DESIGN §6: timestamps coarsened to the day, no order that follows submissions)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import zlib

import pytest
from django.db import connection, connections, models, transaction
from django.utils import timezone

from allypath.privacy import Release
from allypath.web.dashboard import deferred
from allypath.web.dashboard import release as web_release
from allypath.web.dashboard.models import PublishedRelease

from .seed import store_responses

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def _whole(org: object) -> models.QuerySet[PublishedRelease]:
    return (
        PublishedRelease.objects.filter(org=org)
        .exclude(digest__startswith=web_release.WAVE_PREFIX)
        .exclude(digest__startswith=web_release.ANSWERERS_PREFIX)
    )


def test_a_new_answer_leaves_no_row_of_the_state_before(northwind, make_wave):
    org = northwind.org
    web_release._MEMORY.clear()
    pulse = make_wave(org, name="2026 Q4")
    people = northwind.respondents["Ops/EMEA"]
    store_responses(pulse, people[:6], offset=300, close=False)
    before = web_release.org_release(org).release
    before_rows = set(PublishedRelease.objects.filter(org=org).values_list("digest", flat=True))
    store_responses(pulse, people[6:7], offset=400, close=False)  # one more man answers
    after = web_release.org_release(org).release
    assert before.to_dict() != after.to_dict()

    stored = PublishedRelease.objects.filter(org=org)
    payloads = [Release.from_dict(json.loads(zlib.decompress(bytes(r.payload)))) for r in _whole(org)]
    assert [p.to_dict() for p in payloads] == [after.to_dict()]  # the current state's release alone
    # the open wave's part of the state before is gone; the closed waves' parts are kept
    gone = before_rows - set(stored.values_list("digest", flat=True))
    assert any(d.startswith(web_release.WAVE_PREFIX) for d in gone)
    assert stored.filter(digest__startswith=web_release.WAVE_PREFIX).count() == 3


def test_rows_carry_the_day_and_no_time(northwind):
    web_release._MEMORY.clear()
    web_release.org_release(northwind.org)
    row = PublishedRelease.objects.filter(org=northwind.org).first()
    assert row is not None
    assert type(row.created_on) is dt.date and row.created_on == timezone.localdate()
    names = {f.name for f in PublishedRelease._meta.get_fields()}
    assert not any(isinstance(PublishedRelease._meta.get_field(n), models.DateTimeField) for n in names)


def test_the_slowest_solve_is_carried_when_earlier_rows_go(northwind, make_wave, settings):
    """A closing wave is solved again in full, at the cost its first solve had: an organisation that
    was once slow is still prepared at once after the quick rows that followed deleted the slow one."""
    org = northwind.org
    settings.ALLYPATH_SOLVE_IN_REQUEST_SECONDS = 10
    web_release._MEMORY.clear()
    web_release.org_release(org)
    _whole(org).update(solve_seconds=40.0)  # as if that solve had been slow
    pulse = make_wave(org, name="2026 Q4")
    store_responses(pulse, northwind.respondents["Ops/EMEA"][:6], offset=300, close=False)
    web_release.org_release(org, may_defer=False)  # a quick solve of the open wave only; the slow row goes
    (row,) = _whole(org)
    assert row.solve_seconds < 10 and row.slowest_seconds == 40.0
    assert deferred.solves_in_request(org, 100)  # the last solve was quick
    assert deferred.slowest_solve(org) == 40.0


def test_the_migration_keeps_each_organisations_newest_release_and_its_slowest_solve(northwind):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("allypath.web.dashboard.migrations.0002_release_rows_by_day")
    org = northwind.org
    PublishedRelease.objects.filter(org=org).delete()
    for digest, seconds in (("d1", 40.0), ("wave-a", 3.0), ("d2", 1.0), ("answers-b", 90.0)):
        PublishedRelease.objects.create(org=org, digest=digest, payload=b"", solve_seconds=seconds)
    migration.keep_the_newest(apps, None)
    kept = list(PublishedRelease.objects.filter(org=org).values_list("digest", "slowest_seconds"))
    assert kept == [("d2", 40.0)]  # an answerer release's time is not the organisation's solve


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: SQLite runs one writer at once"
)
@pytest.mark.django_db(transaction=True)
def test_two_states_stored_at_once_leave_one_state_on_postgresql(globex):
    """Viewers and a new answer at once: each process stores the state it solved. The second waits
    for the first and removes its row (before, neither saw the other's uncommitted row: both stayed,
    a history of the data, 3 runs in 20 under real load)."""
    web_release._MEMORY.clear()
    release = web_release.org_release(globex).release
    PublishedRelease.objects.filter(org=globex).delete()
    finished = threading.Event()

    def store_the_other_state() -> None:
        try:
            web_release._store(globex, "state-b", release, 1.0, keep=set())
            finished.set()
        finally:
            connections.close_all()

    with transaction.atomic():
        web_release._store(globex, "state-a", release, 1.0, keep=set())
        other = threading.Thread(target=store_the_other_state)
        other.start()
        time.sleep(0.5)
        assert not finished.is_set()  # the second store waits for the first to commit
    other.join(60)
    assert finished.is_set()
    assert list(_whole(globex).values_list("digest", flat=True)) == ["state-b"]
