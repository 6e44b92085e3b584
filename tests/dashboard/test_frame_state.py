"""On SQLite the dashboard's frame key is not worked out again while the database is unchanged.

The key (every row's fields and an MD5 of its stored answers) costs a third of a page at 6,700
responses on SQLite, where the MD5 runs in Python row by row. SQLite tells when nothing changed: a
connection's ``data_version`` moves with every commit of any other connection and its
``total_changes`` with every row it writes itself. These tests run with commits as they happen (no
test transaction around them), as a served page does, and show that an unchanged database reads no
row for the key, and that a change -- written by this connection, or committed by another one, as
another worker or the command line would -- builds the frame anew and shows it. Inside a transaction
nothing is trusted: a rollback could undo rows a key was worked out from. The wave's invitation
counts are kept the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from django.db import connection, connections, transaction

from allypath.web.audit.models import AccessEvent
from allypath.web.dashboard import frames
from allypath.web.orgs.models import Invitation
from allypath.web.survey.models import Response

from .seed import store_responses
from .test_dashboard_pages import BASE
from .test_frame_cache import frame_of

pytestmark = [pytest.mark.db, pytest.mark.django_db(transaction=True)]

ON_SQLITE = connection.vendor == "sqlite"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each read of the stored rows (True: with their answers, to build a frame; False: the key's)."""
    made: list[bool] = []
    read = frames._stored_rows

    def counted(waves: Any, *, text: bool) -> list[tuple[Any, ...]]:
        made.append(text)
        return read(waves, text=text)

    monkeypatch.setattr(frames, "_stored_rows", counted)
    monkeypatch.setattr(frames, "_FRAMES", type(frames._FRAMES)())
    monkeypatch.setattr(frames, "_SEEN", type(frames._SEEN)())
    return made


def test_an_unchanged_database_reads_no_row_for_the_key(northwind: Any, reads: list[bool]) -> None:
    first = frame_of(northwind)
    assert reads == [False, True]  # the key, then the rows to build the frame from
    again = frame_of(northwind)
    frame_of(northwind)
    pd.testing.assert_frame_equal(first, again)
    # PostgreSQL has no such counters (and computes the key's MD5 in the server): it reads the key
    assert reads == ([False, True] if ON_SQLITE else [False, True, False, False])


def test_a_row_this_connection_writes_builds_the_frame_again(northwind: Any, reads: list[bool]) -> None:
    before = frame_of(northwind)
    store_responses(northwind.second, ["N017"], offset=501)
    after = frame_of(northwind)
    assert len(after) == len(before) + 1
    assert reads.count(True) == 2


def _in_another_connection(work: Callable[[], None]) -> None:
    """Run ``work`` on a thread of its own: Django gives it a connection of its own, which commits as
    another worker or the command line would."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # re-raised on the test's thread
            failed.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def _mark_suspect(response: Response) -> None:
    response.status = "suspect"
    response.result = {**response.result, "status": "suspect", "stage": None}
    response.save()


def test_a_change_committed_by_another_connection_builds_the_frame_again(
    northwind: Any, reads: list[bool]
) -> None:
    before = frame_of(northwind)
    response = Response.objects.filter(wave=northwind.first, status="scored").order_by("id").first()
    assert response is not None
    _in_another_connection(lambda: _mark_suspect(Response.objects.get(pk=response.pk)))
    after = frame_of(northwind)
    row = after["respondent_id"] == str(response.pk)
    assert before.loc[row, "status"].item() == "scored"
    assert after.loc[row, "status"].item() == "suspect"
    assert reads.count(True) == 2


def test_inside_a_transaction_the_key_is_read_and_a_rollback_is_seen(
    northwind: Any, reads: list[bool]
) -> None:
    before = frame_of(northwind)
    response = Response.objects.filter(wave=northwind.first, status="scored").order_by("id").first()
    assert response is not None
    row = before["respondent_id"] == str(response.pk)
    inside: list[pd.DataFrame] = []

    def change_then_undo() -> None:
        with transaction.atomic():
            _mark_suspect(response)
            inside.append(frame_of(northwind))
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        change_then_undo()
    assert inside[0].loc[row, "status"].item() == "suspect"
    after = frame_of(northwind)
    assert after.loc[row, "status"].item() == "scored"
    pd.testing.assert_frame_equal(before, after)
    # the key was read before, inside the transaction and again after the rollback
    assert reads.count(False) == 3


def test_pages_that_only_write_their_access_entries_read_no_row_for_the_key(
    northwind: Any, alice: Any, as_user: Callable[[Any], Any], reads: list[bool]
) -> None:
    """Each page writes its access log entry (``web/db_changes.aside``): that is no change to the
    responses, so the next page keeps the key -- and a new answer still builds the frame anew."""
    client = as_user(alice)
    assert client.get(BASE).status_code == 200  # solves and stores the release: a write of its own
    assert client.get(BASE).status_code == 200
    reads.clear()
    for _ in range(3):
        assert client.get(BASE).status_code == 200
    assert AccessEvent.objects.filter(org=northwind.org).count() >= 5
    assert reads == ([] if ON_SQLITE else [False, False, False])
    store_responses(northwind.second, ["N017"], offset=501)
    assert client.get(BASE).status_code == 200
    assert True in reads


def test_invitation_counts_are_kept_while_the_database_is_unchanged(
    northwind: Any, reads: list[bool], django_assert_num_queries: Any
) -> None:
    wave = northwind.second
    first = frames.invitation_frame(wave, 1)
    with django_assert_num_queries(0 if ON_SQLITE else 1):
        again = frames.invitation_frame(wave, 1)
    pd.testing.assert_frame_equal(first, again)
    again["invited"] = 0  # a caller's change stays its own
    assert frames.invitation_frame(wave, 1)["invited"].sum() == first["invited"].sum() > 0
    moved = Invitation.objects.filter(wave=wave).order_by("pk").first()
    assert moved is not None
    _in_another_connection(lambda: Invitation.objects.filter(pk=moved.pk).update(level="Board"))
    after = frames.invitation_frame(wave, 1)
    assert after.loc[after["level"] == "Board", "invited"].sum() == 1
    assert "Board" not in set(first["level"].dropna())
