"""Files beside the database keep no history that dates answers, no abandoned raw export, no panel secret
(threat (c): whoever reads the host: database, backups, logs, files beside them).
"""

from __future__ import annotations

import io
import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.management import call_command
from django.db import connection
from django.http import Http404

from allypath.errors import ConfigurationError
from allypath.web.config import load_settings
from allypath.web.console import import_stage
from allypath.web.dashboard import deferred

pytestmark = pytest.mark.django_db

DATA = Path(settings.ENV.data_dir)
OLD = time.time() - import_stage.MAX_AGE - 3600


def _aged(path: Path) -> Path:
    os.utime(path, (OLD, OLD))
    return path


# --- the background release process ---------------------------------------------------------------


def test_prepare_releases_quiet_prints_nothing(acme, make_wave):
    make_wave(acme)
    out, err = io.StringIO(), io.StringIO()
    call_command("prepare_releases", "--quiet", stdout=out, stderr=err)
    assert out.getvalue() == "" and err.getvalue() == ""  # no "N responses, S of G groups" per run
    call_command("prepare_releases", stdout=out)  # at a terminal the operator still sees it
    assert "Acme" in out.getvalue() and "release ready" in out.getvalue()


def test_the_preparing_log_keeps_only_the_last_run(acme, monkeypatch):
    runs = iter([b"first run\n", b"second run\n"])

    def popen(args, stdout, **options):
        stdout.write(next(runs))

    monkeypatch.setattr(deferred.subprocess, "Popen", popen)
    try:
        assert deferred.start_preparing(acme)
        deferred.claim_path(acme).unlink()  # that process ended
        assert deferred.start_preparing(acme)
    finally:
        deferred.claim_path(acme).unlink(missing_ok=True)
    log = deferred.claim_path(acme).with_suffix(".log")
    assert log.read_bytes() == b"second run\n"  # no line per run: a history would date the answers
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


# --- abandoned uploads ------------------------------------------------------------------------------


def _abandoned_upload() -> Path:
    folder = DATA / "imports" / ("a" * 32)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "upload.csv").write_text("ResponseId,IPAddress,RecipientEmail\nR_1,203.0.113.9,x@acme.test\n")
    return _aged(folder)


def test_opening_a_stage_removes_uploads_abandoned_for_a_day(acme, alice):
    abandoned = _abandoned_upload()
    fresh = DATA / "imports" / ("b" * 32)
    fresh.mkdir(parents=True, exist_ok=True)
    with pytest.raises(Http404):
        import_stage.open_stage(acme, alice, "c" * 32)
    assert not abandoned.exists() and fresh.exists()
    fresh.rmdir()


def test_the_daily_reminders_remove_abandoned_and_spooled_uploads():
    abandoned = _abandoned_upload()
    spooled = DATA / "uploading" / "tmpx1y2.upload.csv"  # left by a killed worker (FILE_UPLOAD_TEMP_DIR)
    spooled.parent.mkdir(exist_ok=True)
    spooled.write_text("ResponseId,RecipientEmail\n")
    _aged(spooled)
    call_command("send_due_reminders", stdout=io.StringIO())
    assert not abandoned.exists() and not spooled.exists()


def test_large_uploads_are_spooled_inside_the_data_directory():
    upload = TemporaryUploadedFile("export.csv", "text/csv", 3 * 1024 * 1024, "utf-8")
    try:
        where = Path(upload.temporary_file_path()).parent
    finally:
        upload.close()
    assert where.resolve() == (DATA / "uploading").resolve()  # not the system /tmp
    assert stat.S_IMODE(where.stat().st_mode) == 0o700


# --- the panel secret and deleted rows ----------------------------------------------------------------

PANEL = "p" * 40


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("ALLYPATH_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("ALLYPATH_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("ALLYPATH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ALLYPATH_PANEL_SECRET", PANEL)
    return tmp_path


def test_a_panel_secret_in_a_subfolder_of_the_data_directory_stops_the_app(env):
    notes = env / "backups" / "notes"
    notes.mkdir(parents=True)
    (notes / "operator.txt").write_text(f"panel key: {PANEL}\n")
    with pytest.raises(ConfigurationError, match=r"operator\.txt, inside ALLYPATH_DATA_DIR"):
        load_settings()


def test_the_panel_secret_scan_skips_large_files_and_the_database(env):
    (env / "dump.bin").write_bytes(b"x" * (1024 * 1024 + 1) + PANEL.encode())  # over 1 MB: not read
    (env / "allypath.sqlite3").write_bytes(PANEL.encode())
    assert load_settings().panel_secret.get_secret_value() == PANEL


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only (PostgreSQL: docs/security.md)")
def test_sqlite_zeroes_deleted_rows_whatever_the_builds_default():
    init = settings.DATABASES["default"]["OPTIONS"]["init_command"]
    raw = sqlite3.connect(":memory:")
    raw.execute("PRAGMA secure_delete=OFF")  # a build whose default is off (Debian's is on)
    raw.executescript(init)
    assert raw.execute("PRAGMA secure_delete").fetchone()[0] == 1
    raw.close()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1
