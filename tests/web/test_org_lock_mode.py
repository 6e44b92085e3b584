"""A people import and a release being stored lock their organisation's row without holding up the
rows that point at it: a dashboard look's audit entry, a man volunteering for a circle (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from allypath.web.audit import record_access
from allypath.web.dashboard import release as web_release
from allypath.web.orgs.importing import import_hris
from allypath.web.orgs.seeding import write_hris

from .conftest import ACME_PEOPLE

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL only: SQLite runs one writer at once"
    ),
]


def _meanwhile(org: object) -> Callable[[], str]:
    """Start an audit entry for ``org`` in another session; returns a function giving its outcome."""
    outcome: list[str] = []

    def look() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")
            record_access(None, org=org, group="all", view="dashboard.stage_mix")
            outcome.append("stored")
        except Exception as exc:  # the outcome is what the test reads
            outcome.append(type(exc).__name__)
        finally:
            connections.close_all()

    thread = threading.Thread(target=look)
    thread.start()

    def result() -> str:
        thread.join(30)
        return outcome[0] if outcome else "still waiting"

    return result


@pytest.mark.django_db(transaction=True)
def test_a_dashboard_look_is_not_held_up_by_a_people_import(acme, tmp_path: Path):
    with transaction.atomic():  # the import's lock held, as while a large file is imported
        import_hris(acme, write_hris(tmp_path / "people.csv", ACME_PEOPLE), marks_gone=0)
        looked = _meanwhile(acme)
        assert looked() == "stored"  # before: it waited for the import (lock_timeout: LockNotAvailable)


@pytest.mark.django_db(transaction=True)
def test_a_dashboard_look_is_not_held_up_by_a_release_being_stored(acme):
    web_release._MEMORY.clear()
    release = web_release.org_release(acme).release
    with transaction.atomic():
        web_release._store(acme, "state-a", release, 1.0, keep=set())
        looked = _meanwhile(acme)
        assert looked() == "stored"
