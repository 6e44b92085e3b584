"""Storage that keeps no trace of the order in which responses arrived (docs/privacy.md, anonymous mode).

Responses have random UUID keys and no sequence. On SQLite their table is ``WITHOUT ROWID`` (migration
0003), so it is stored in key order. PostgreSQL keeps rows in its heap in insertion order (``ctid``,
and what ``pg_dump`` writes) and stamps each with its transaction (``xmin``), the same as the
invitation marked used with it. :func:`scramble_order` rewrites a wave's responses in random order in
one transaction: afterwards neither the heap order nor ``xmin`` follows submission order. It runs when
a wave closes (and may run any time: ids and contents are unchanged).
"""

from __future__ import annotations

from django.db import connection, transaction

from allypath.web.orgs.models import Wave

__all__ = ["scramble_order"]

_TABLE = "survey_response"


def scramble_order(wave: Wave) -> int:
    """Rewrite ``wave``'s responses in random physical order (PostgreSQL; SQLite needs nothing).

    Returns how many rows were rewritten. Ids and contents stay the same, so anything holding a
    response id (the disclosure ledger) is unaffected.
    """
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        # ON COMMIT DROP waits for the outermost commit: a second wave closed in the same transaction
        # would find the table still there.
        cursor.execute("DROP TABLE IF EXISTS allypath_scramble")
        cursor.execute(
            f"CREATE TEMP TABLE allypath_scramble ON COMMIT DROP AS "  # noqa: S608 - constant names
            f"SELECT * FROM {_TABLE} WHERE wave_id = %s",
            [wave.pk],
        )
        cursor.execute(f"DELETE FROM {_TABLE} WHERE wave_id = %s", [wave.pk])  # noqa: S608
        cursor.execute(f"INSERT INTO {_TABLE} SELECT * FROM allypath_scramble ORDER BY random()")  # noqa: S608
        return int(cursor.rowcount)
