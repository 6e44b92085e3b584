"""Storage that keeps no trace of the order in which responses arrived (docs/privacy.md, anonymous mode).

Responses have random UUID keys and no sequence. On SQLite their table is ``WITHOUT ROWID`` (migration
0003), so it is stored in key order; an invitation's row stays where it was created (its rowid is its
id), and no invitation is marked used any more (a closed wave keeps no trace of who answered: waves
closed by earlier versions were marked, in one batch at close, and are cleared by migration orgs 0009).
The bytes of a long row still land where it arrived, so a closed wave's responses are rewritten in
random order on SQLite too (:func:`_scramble_sqlite`). PostgreSQL keeps rows in its heap in insertion
order (``ctid``, and what ``pg_dump`` writes) and stamps each with its transaction (``xmin``): a
response with the same ``xmin`` as the invitation marked used with it, and an update writes a new row
version at the heap's end, so the used invitations sorted by ``xmin`` or heap order follow the order of
use, which the responses' days then date. :func:`scramble_order` rewrites a wave's responses and its
invitations in random order in one transaction: afterwards neither the heap order nor ``xmin`` follows
submission or use order. It runs when a wave closes (and may run any time: ids and contents are
unchanged).
"""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorWrapper

from allypath.web.orgs.models import Invitation, Wave

__all__ = ["scramble_order"]

_TABLE = "survey_response"


def _rewrite(cursor: CursorWrapper, table: str, wave_id: int) -> int:
    """Copy ``table``'s rows of the wave aside, delete them, put them back in random order.

    Foreign keys pointing at the rows (an invitation's tokens) are checked at commit (Django declares
    them ``DEFERRABLE INITIALLY DEFERRED``), when the same ids are back.
    """
    scratch = f"allypath_scramble_{table}"
    # ON COMMIT DROP waits for the outermost commit: a second wave closed in the same transaction
    # would find the table still there.
    cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
    cursor.execute(
        f"CREATE TEMP TABLE {scratch} ON COMMIT DROP AS "  # noqa: S608 - constant names
        f"SELECT * FROM {table} WHERE wave_id = %s",
        [wave_id],
    )
    cursor.execute(f"DELETE FROM {table} WHERE wave_id = %s", [wave_id])  # noqa: S608
    cursor.execute(f"INSERT INTO {table} SELECT * FROM {scratch} ORDER BY random()")  # noqa: S608
    return int(cursor.rowcount)


def scramble_order(wave: Wave) -> int:
    """Rewrite ``wave``'s responses (and on PostgreSQL its invitations) in random physical order, in
    one transaction: on PostgreSQL every row then carries that transaction's ``xmin``.

    Returns how many responses were rewritten. Ids and contents stay the same, so anything holding a
    response id (the disclosure ledger) or an invitation id (its tokens) is unaffected.
    """
    if connection.vendor == "sqlite":
        return _scramble_sqlite(wave)
    if connection.vendor != "postgresql":
        return 0
    invitations = Invitation._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # First wait for submissions in flight on this wave and hold off new ones: a row marked used
        # after it was copied would come back unused (and one response more would stay in place). A
        # submission still waiting when the wave is closed then finds no row to mark and is refused.
        cursor.execute(f"SELECT id FROM {invitations} WHERE wave_id = %s FOR UPDATE", [wave.pk])  # noqa: S608
        rewritten = _rewrite(cursor, _TABLE, wave.pk)
        _rewrite(cursor, invitations, wave.pk)
        return rewritten


def _scramble_sqlite(wave: Wave) -> int:
    """SQLite keeps rows in key order (random ids), but not their bytes: a response is longer than a
    page's share, so each spills onto overflow pages that SQLite appends to the file as rows arrive,
    and a row's place within its page follows its arrival too. A host reading the raw file sorted the
    responses by their first overflow page into the exact order of submission (a review). Rewritten
    in random order, the rows take the freed pages in another order (``secure_delete``, on for every
    connection, zeroes what they leave), and a checkpoint writes the pages into the file and empties
    the ``-wal``."""
    scratch = f"allypath_scramble_{_TABLE}"
    # every connection deletes with secure_delete on (settings' init_command): the bytes left are zeroes
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS temp.{scratch}")
        cursor.execute(
            f"CREATE TEMP TABLE {scratch} AS SELECT * FROM {_TABLE} WHERE wave_id = %s",  # noqa: S608
            [wave.pk],
        )
        cursor.execute(f"DELETE FROM {_TABLE} WHERE wave_id = %s", [wave.pk])  # noqa: S608
        cursor.execute(f"INSERT INTO {_TABLE} SELECT * FROM {scratch} ORDER BY random()")  # noqa: S608
        rewritten = int(cursor.rowcount)
        cursor.execute(f"DROP TABLE temp.{scratch}")
    if not connection.in_atomic_block:
        _checkpoint()
    else:  # closed inside a transaction: once it commits
        transaction.on_commit(_checkpoint)
    return rewritten


def _checkpoint() -> None:
    """Best effort: a checkpoint blocked by a reader (or inside an outer transaction, as in tests)
    happens by itself later, when SQLite's next automatic checkpoint runs."""
    if connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DatabaseError:
        pass
