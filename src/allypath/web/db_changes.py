"""Whether the database may have changed since a cache was filled: SQLite can say so in constant time.

A SQLite connection's ``data_version`` moves with every commit of any other connection (other
workers, other processes) and its ``total_changes`` with every row it writes itself. Together, read
on the same connection, they tell that nothing changed since they were last read -- without reading
the rows. The dashboard keeps its frame of responses by them (``web/dashboard/frames.py``).

Every dashboard page writes one row the frame never reads: its access log entry. Writes made inside
:func:`aside` are left out of the count, so such a page does not count as a change to the data.
Inside a transaction nothing is trusted (:func:`state` returns None): a rollback could undo rows a
cache was filled from, and neither counter goes back. PostgreSQL has no such counters: None there.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

__all__ = ["State", "aside", "same", "state"]

#: (the connection, its data_version, its total_changes less those made aside)
State = tuple[Any, int, int]

# per thread: a Django connection is a thread's own
_ASIDE = threading.local()


def _sqlite(model: type[Model], *, write: bool) -> BaseDatabaseWrapper | None:
    alias = router.db_for_write(model) if write else router.db_for_read(model)
    database = connections[alias or "default"]
    if database.vendor != "sqlite" or database.in_atomic_block or not database.get_autocommit():
        return None
    database.ensure_connection()
    return database


def _aside_count(raw: Any) -> int:
    kept = getattr(_ASIDE, "kept", None)
    # the connection itself, not its id: the pair holds it, so its address cannot be reused
    return int(kept[1]) if kept is not None and kept[0] is raw else 0


def state(model: type[Model]) -> State | None:
    """The state of the database that holds ``model``'s table, as this thread's connection sees it
    (None on PostgreSQL and inside a transaction)."""
    database = _sqlite(model, write=False)
    if database is None:
        return None
    raw = database.connection
    (version,) = raw.execute("PRAGMA data_version").fetchone()
    return (raw, int(version), int(raw.total_changes) - _aside_count(raw))


def same(before: State | None, now: State | None) -> bool:
    """Whether nothing changed between the two states (False when either is unknown)."""
    if before is None or now is None:
        return False
    return before[0] is now[0] and before[1:] == now[1:]


@contextmanager
def aside(model: type[Model]) -> Iterator[None]:
    """Writes in the block go to ``model``'s table only, which no cache keyed by :func:`state`
    reads: they do not count as a change."""
    database = _sqlite(model, write=True)
    if database is None:
        yield
        return
    raw = database.connection
    before = raw.total_changes
    try:
        yield
    finally:
        _ASIDE.kept = (raw, _aside_count(raw) + raw.total_changes - before)
