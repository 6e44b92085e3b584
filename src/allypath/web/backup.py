"""A consistent copy of the web app's database, and putting one back (``allypath backup OUT`` and
``allypath restore IN`` call these; Django is set up only to read the configured database).

- SQLite: the sqlite3 online backup API copies a consistent snapshot page by page while the server keeps
  serving (WAL readers do not block it); the copy is checked with ``PRAGMA integrity_check`` before it
  is renamed into place, so a half-written file never carries the backup's name.
- PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot) and ``pg_restore --single-transaction``
  (all or nothing).

The database is the one the web app uses (``DATABASE_URL`` or SQLite in ``ALLYPATH_DATA_DIR``). Restore
refuses a database that already holds organisations unless ``--force``: stop the server before.
Backups hold survey answers and keyed hashes: store them like the database itself (they are written
0600, a new folder 0700). A PostgreSQL backup first rewrites the responses and the invitations in
random order, in one transaction, so the dump's row order follows neither submission nor use order.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allypath.errors import AllypathError, ConfigurationError

__all__ = [
    "BackupError",
    "Database",
    "backup_database",
    "current_database",
    "database_from_url",
    "restore_database",
]

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# A database holds data once it has an organisation or an account (an HR superuser made before any
# organisation is data too: restoring over it would lose the login without a word).
_CHECK_TABLES = ("orgs_organisation", "auth_user")


class BackupError(AllypathError):
    """A backup or restore could not be made (names the file and why)."""


@dataclass(frozen=True)
class Database:
    engine: str  # "sqlite" or "postgresql"
    settings: dict[str, Any]

    @property
    def sqlite_path(self) -> Path:
        return Path(str(self.settings["NAME"]))


def database_from_url(url: str, data_dir: Path | None = None) -> Database:
    """The database behind a ``DATABASE_URL`` ("" means SQLite in ``data_dir``), without Django."""
    if not url:
        return Database("sqlite", {"NAME": str(Path(data_dir or "var") / "allypath.sqlite3")})
    import dj_database_url

    config = dict(dj_database_url.parse(url))
    kind = "sqlite" if str(config["ENGINE"]).endswith("sqlite3") else "postgresql"
    return Database(kind, config)


def current_database() -> Database:
    """The web app's default database, from the validated settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allypath.web.settings")
    import django
    from django.conf import settings

    django.setup()
    config = dict(settings.DATABASES["default"])
    engine = str(config["ENGINE"])
    if engine.endswith("sqlite3"):
        return Database("sqlite", config)
    if engine.endswith("postgresql"):
        return Database("postgresql", config)
    raise ConfigurationError(f"backup supports SQLite and PostgreSQL, not {engine}")


# -- SQLite ----------------------------------------------------------------------------------------------


def _integrity(connection: sqlite3.Connection, where: Path) -> None:
    result = connection.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        raise BackupError(f"{where}: integrity check failed: {result[:5]}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _private_partial(out: Path) -> Path:
    """A new, empty ``<out>.partial`` readable by this user only: a backup holds what the database does."""
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    return partial


def _sqlite_backup(source: Path, out: Path) -> None:
    if not source.exists():
        raise BackupError(f"{source}: no database file to back up")
    partial = _private_partial(out)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        # VACUUM INTO, not the backup API: it writes a consistent snapshot rebuilt table by table in
        # key order (random ids for responses), where a page-for-page copy kept the file's layout, and
        # the overflow pages SQLite appends as long rows arrive gave the order of submission. Nothing
        # deleted comes along (the free pages stay behind). The copy is self-contained (no -wal).
        src.execute("VACUUM INTO ?", (str(partial),))
    finally:
        src.close()
    dst = sqlite3.connect(partial)
    try:
        _integrity(dst, partial)
    finally:
        dst.close()
    _fsync(partial)
    os.replace(partial, out)


def _has_data_sqlite(path: Path) -> bool:
    if not path.exists():
        return False
    with sqlite3.connect(path, timeout=30) as con:
        for table in _CHECK_TABLES:
            found = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,))
            if found.fetchone() is not None and con.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():  # noqa: S608
                return True
        return False


def _sqlite_restore(backup: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        _integrity(src, backup)
        target.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target, timeout=30)
        try:
            # The backup API replaces the whole target database in one step, under its write lock.
            src.backup(dst)
            _integrity(dst, target)
        finally:
            dst.close()
    finally:
        src.close()


# -- PostgreSQL ------------------------------------------------------------------------------------------


def _pg_env(config: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if config.get(key):
            env[var] = str(config[key])
    env["PGDATABASE"] = str(config["NAME"])
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (it comes with the PostgreSQL client package)")
    return found


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()[-2000:]}")


#: The tables rewritten in random heap order, all in one transaction, before ``pg_dump`` (as
#: ``allypath.web.survey.storage.scramble_order`` does for one wave at close): pg_dump writes rows in
#: heap order, which otherwise follows submission order for responses and the order of use for
#: invitations (marking one used writes a new row version at the heap's end), open waves included.
#: Foreign keys to invitations (their tokens) are deferred to the commit, when the same ids are back.
_PG_SCRAMBLED = ("survey_response", "orgs_invitation", "orgs_invitationclaim")


def _pg_scramble_statements(table: str) -> tuple[str, ...]:
    scratch = f"allypath_scramble_{table}"
    return (
        f"CREATE TEMP TABLE {scratch} ON COMMIT DROP AS SELECT * FROM {table}",  # noqa: S608
        f"DELETE FROM {table}",  # noqa: S608
        f"INSERT INTO {table} SELECT * FROM {scratch} ORDER BY random()",  # noqa: S608
    )


def _pg_connect(config: dict[str, Any]) -> Any:
    """A psycopg connection to the configured database (the same settings as pg_dump's)."""
    import psycopg

    env = _pg_env(config)
    return psycopg.connect(
        host=env.get("PGHOST"),
        port=env.get("PGPORT"),
        user=env.get("PGUSER"),
        password=env.get("PGPASSWORD"),
        dbname=env["PGDATABASE"],
    )


def _pg_scramble(config: dict[str, Any]) -> None:
    with _pg_connect(config) as con:
        tables = [
            table
            for table in _PG_SCRAMBLED
            if con.execute("SELECT to_regclass(%s)", (table,)).fetchone() not in (None, (None,))
        ]
        with con.transaction():
            if tables:
                # Submissions claim invitations and store responses while the site serves: wait for
                # those in flight and hold off new ones until the commit (they then see the rewritten
                # rows), or a row written after its table was copied would be deleted with the copy's
                # originals and never come back. Reads go on.
                con.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
            for table in tables:
                for statement in _pg_scramble_statements(table):
                    con.execute(statement)


def _pg_backup(config: dict[str, Any], out: Path) -> None:
    _pg_scramble(config)
    partial = _private_partial(out)
    _run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
        _pg_env(config),
        "pg_dump",
    )
    _fsync(partial)
    os.replace(partial, out)


def _has_data_pg(config: dict[str, Any]) -> bool:
    with _pg_connect(config) as con:
        for table in _CHECK_TABLES:
            exists = con.execute("SELECT to_regclass(%s)", (table,)).fetchone()
            if exists and exists[0] is not None and con.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():  # noqa: S608
                return True
        return False


def _pg_restore(backup: Path, config: dict[str, Any]) -> None:
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={config['NAME']}",
            str(backup),
        ],
        _pg_env(config),
        "pg_restore",
    )


# -- entry points ----------------------------------------------------------------------------------------


def backup_database(out: Path, database: Database | None = None) -> Path:
    """Write a consistent backup of the web app's database to ``out`` (atomically) and return it."""
    database = database or current_database()
    out = Path(out)
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # a new folder is this user's only
    if database.engine == "sqlite":
        _sqlite_backup(database.sqlite_path, out)
    else:
        _pg_backup(database.settings, out)
    return out


def restore_database(backup: Path, database: Database | None = None, *, force: bool = False) -> None:
    """Replace the web app's database with ``backup`` (made by :func:`backup_database`).

    Raises
    ------
    BackupError
        The file is missing, of the other engine, damaged, or the database already holds data (an
        organisation or an account) and ``force`` is false.
    """
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"{backup}: no such backup file")
    with backup.open("rb") as handle:
        head = handle.read(16)
    kind = (
        "sqlite" if head.startswith(SQLITE_MAGIC) else "postgresql" if head.startswith(PGDUMP_MAGIC) else ""
    )
    if not kind:
        raise BackupError(f"{backup}: neither an SQLite database nor a pg_dump custom archive")
    database = database or current_database()
    if kind != database.engine:
        raise BackupError(f"{backup}: a {kind} backup cannot be restored into a {database.engine} database")
    has_data = _has_data_sqlite(database.sqlite_path) if kind == "sqlite" else _has_data_pg(database.settings)
    if has_data and not force:
        raise BackupError(
            "the target database already holds data (organisations or accounts); stop the server and pass"
            " --force to replace it"
        )
    if kind == "sqlite":
        _sqlite_restore(backup, database.sqlite_path)
    else:
        _pg_restore(backup, database.settings)
