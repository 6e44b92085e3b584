"""``allypath backup OUT`` and ``allypath restore IN``: a consistent copy of the web app's database
(the work is done by :mod:`allypath.web.backup`; docs/security.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from allypath.cli._common import console, refusing

__all__ = ["backup_command", "restore_command"]


def backup_command(
    out: Annotated[Path, typer.Argument(help="where to write the backup (.sqlite3 or .dump)")],
) -> None:
    """Back up the web app's database: a consistent SQLite snapshot or a pg_dump archive."""
    from allypath.web.backup import backup_database

    with refusing():
        written = backup_database(out)
    console.print(
        f"backup written to {written} ({written.stat().st_size} bytes)", highlight=False, soft_wrap=True
    )


def restore_command(
    backup: Annotated[Path, typer.Argument(help="a file written by `allypath backup`", metavar="IN")],
    force: Annotated[bool, typer.Option(help="replace a database that already holds data")] = False,
) -> None:
    """Restore the web app's database from a backup (stop the server first)."""
    from allypath.web.backup import restore_database

    with refusing():
        restore_database(backup, force=force)
    console.print(f"restored from {backup}", highlight=False, soft_wrap=True)
