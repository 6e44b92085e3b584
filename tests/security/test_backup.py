"""Backup and restore drill: ``allypath backup`` then ``allypath restore`` into a fresh database, and every
table compared row by row. SQLite by default; PostgreSQL when the suite runs with DATABASE_URL.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from allypath.cli.backup import backup_command, restore_command
from allypath.web.backup import BackupError, database_from_url, restore_database

from .live import PYTHON, REPO, Site, engine, fresh_database

pytestmark = [pytest.mark.db, pytest.mark.slow]

# The command as a user runs it (python -m allypath.cli backup ...).
CLI = "from allypath.cli import app; app()"

app = typer.Typer()
app.command("backup")(backup_command)
app.command("restore")(restore_command)


def cli(site: Site, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-c", CLI, *args], env=site.env, capture_output=True, text=True, timeout=300, cwd=REPO
    )


def tables(site: Site) -> list[str]:
    if site.database_url:
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema='public' ORDER BY 1"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
    return [row[0] for row in site.query(sql)]


def content(site: Site, table: str) -> list[tuple[Any, ...]]:
    return sorted(site.query(f'SELECT * FROM "{table}"'), key=repr)


def audit_update_refused(site: Site) -> bool:
    try:
        site.query("UPDATE audit_accessevent SET username = 'mallory'")
    except Exception:  # sqlite3.IntegrityError / psycopg RaiseException: the trigger fired
        return True
    return False


def test_a_backup_restored_into_a_fresh_database_has_every_table_identical(tmp_path: Path):
    with fresh_database("bk_src") as source_url, fresh_database("bk_dst") as target_url:
        source = Site(tmp_path / "source", source_url, {})
        target = Site(tmp_path / "target", target_url, {})
        source.data_dir.mkdir()
        target.data_dir.mkdir()
        source.seed(people=30, responses=12)
        backup = tmp_path / ("allypath.dump" if engine() == "postgresql" else "allypath.sqlite3")

        made = cli(source, "backup", str(backup))  # the command itself, in its own process
        assert made.returncode == 0, made.stderr
        assert backup.stat().st_size > 0
        assert not backup.with_name(backup.name + ".partial").exists()

        into = database_from_url(target_url, target.data_dir)
        restore_database(backup, into)

        names = tables(source)
        assert {"survey_response", "orgs_invitation", "audit_accessevent", "django_migrations"} <= set(names)
        assert tables(target) == names
        for table in names:
            assert content(target, table) == content(source, table), table
        assert len(content(target, "survey_response")) == 12
        assert len(content(target, "audit_accessevent")) == 1
        assert audit_update_refused(target), "the audit log's trigger did not survive the restore"

        # restoring over a database that holds data needs --force
        with pytest.raises(BackupError, match="--force"):
            restore_database(backup, into)
        restore_database(backup, into, force=True)
        assert target.query("SELECT count(*) FROM survey_response")[0][0] == 12


def test_restore_refuses_without_force_a_database_holding_only_an_account(tmp_path: Path):
    # an HR superuser made before any organisation is data too: restoring over it would lose the login
    with fresh_database("bk_user") as url:
        site = Site(tmp_path / "site", url, {})
        site.data_dir.mkdir()
        site.python(
            "import django; django.setup()\n"
            "from django.core.management import call_command\n"
            "from django.contrib.auth.models import User\n"
            "call_command('migrate', verbosity=0)\n"
            "User.objects.create_superuser('hr-admin', 'hr@example.org', 'a-long-password-1')"
        )
        assert site.query("SELECT count(*) FROM orgs_organisation")[0][0] == 0
        backup = tmp_path / ("allypath.dump" if engine() == "postgresql" else "allypath.sqlite3")
        assert cli(site, "backup", str(backup)).returncode == 0
        refused = cli(site, "restore", str(backup))
        assert refused.returncode == 2 and "--force" in refused.stderr + refused.stdout
        assert "accounts" in refused.stderr + refused.stdout
        assert site.query("SELECT username FROM auth_user") == [("hr-admin",)]


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    result = CliRunner().invoke(app, ["restore", str(bogus)])
    assert result.exit_code == 2
    assert "neither an SQLite database nor a pg_dump custom archive" in result.output


def test_a_backup_of_the_other_engine_is_refused(tmp_path: Path):
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"PGDMP" + b"\0" * 100)
    with pytest.raises(BackupError, match="cannot be restored into a sqlite database"):
        restore_database(dump, database_from_url("", tmp_path))
