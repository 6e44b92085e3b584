"""``allypath backup OUT`` and ``allypath restore IN``: a consistent copy of the web app's database
(the work is done by :mod:`allypath.web.backup`; docs/security.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from allypath.cli._common import console, refusing

if TYPE_CHECKING:  # pragma: no cover
    from allypath.web.backup import Database

__all__ = ["backup_command", "restore_command"]


def backup_command(
    out: Annotated[Path, typer.Argument(help="where to write the backup (.sqlite3 or .dump)")],
) -> None:
    """Back up the web app's database: a consistent SQLite snapshot or a pg_dump archive."""
    from allypath.web.backup import BackupError, backup_database

    with refusing(out=out):
        if out.is_dir():
            raise BackupError(f"{out} is a folder: give the backup file, e.g. {out / 'allypath.sqlite3'}")
        written = backup_database(out, _existing_database())
    console.print(
        f"backup written to {written} ({written.stat().st_size} bytes)", highlight=False, soft_wrap=True
    )


def _existing_database() -> Database | None:
    """The SQLite database to back up, found without starting Django (which would create an empty
    database and its data folder); None for PostgreSQL, which Django's settings describe."""
    from allypath.web.backup import BackupError, database_from_url
    from allypath.web.config import load_settings

    settings = load_settings()
    database = database_from_url(settings.database_url, settings.data_dir)
    if database.engine != "sqlite":
        return None
    path = database.sqlite_path
    if not path.is_file() or path.stat().st_size == 0:
        raise BackupError(
            f"no database at {path}: nothing to back up (is ALLYPATH_DATA_DIR or DATABASE_URL set?)"
        )
    return database


def restore_command(
    backup: Annotated[Path, typer.Argument(help="a file written by `allypath backup`", metavar="IN")],
    force: Annotated[bool, typer.Option(help="replace a database that already holds data")] = False,
) -> None:
    """Restore the web app's database from a backup (stop the server first)."""
    import sqlite3

    from allypath.web.backup import restore_database

    with refusing():
        try:
            restore_database(backup, force=force)
        except sqlite3.DatabaseError as exc:
            from allypath.web.backup import BackupError

            raise BackupError(
                f"{backup}: not a complete SQLite backup ({exc}); the database was not changed"
            ) from None
    console.print(f"restored from {backup}", highlight=False, soft_wrap=True)
