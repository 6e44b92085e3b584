"""Start-up settings fail loudly and name the variable; the database options; liveness."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from allypath.errors import ConfigurationError
from allypath.web.config import load_settings

from .conftest import PRODUCTION_PASSWORD_HASHERS

GOOD_KEY = "k" * 40


@pytest.fixture
def env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("ALLYPATH_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("ALLYPATH_SECRET_KEY", GOOD_KEY)
    return monkeypatch


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ALLYPATH_DEBUG", "perhaps"),
        ("ALLYPATH_EMAIL_PORT", "seventy"),
        ("ALLYPATH_EMAIL_BACKEND", "pigeon"),
        ("DATABASE_URL", "mysql://db/x"),
        ("ALLYPATH_SITE_URL", "survey.example.org"),
        ("ALLYPATH_MAX_BODY_BYTES", "1"),
    ],
)
def test_a_bad_value_fails_naming_the_variable(env, name, value):
    env.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        load_settings()


def test_production_needs_a_long_secret_key(env):
    env.setenv("ALLYPATH_SECRET_KEY", "short")
    with pytest.raises(ConfigurationError, match="ALLYPATH_SECRET_KEY"):
        load_settings()
    env.delenv("ALLYPATH_SECRET_KEY")
    env.setenv("ALLYPATH_DEBUG", "true")
    assert load_settings().debug is True


def test_the_panel_secret_must_be_long_and_differ_from_the_secret_key(env):
    env.setenv("ALLYPATH_PANEL_SECRET", GOOD_KEY)
    with pytest.raises(ConfigurationError, match="ALLYPATH_PANEL_SECRET"):
        load_settings()


PANEL = "p" * 40


def test_the_panel_secret_file_is_read_from_outside_the_data_directory(env, tmp_path):
    data, keys = tmp_path / "data", tmp_path / "operator"
    data.mkdir()
    keys.mkdir()
    secret = keys / "panel-secret"
    secret.write_text(PANEL + "\n")
    secret.chmod(0o600)
    env.setenv("ALLYPATH_DATA_DIR", str(data))
    env.setenv("ALLYPATH_PANEL_SECRET_FILE", str(secret))
    assert load_settings().panel_secret.get_secret_value() == PANEL


def test_a_panel_secret_file_inside_the_data_directory_is_refused(env, tmp_path):
    secret = tmp_path / "keys" / "panel-secret"
    secret.parent.mkdir()
    secret.write_text(PANEL)
    secret.chmod(0o600)
    env.setenv("ALLYPATH_DATA_DIR", str(tmp_path))
    env.setenv("ALLYPATH_PANEL_SECRET_FILE", str(secret))
    with pytest.raises(ConfigurationError, match="inside ALLYPATH_DATA_DIR"):
        load_settings()


def test_a_panel_secret_file_others_can_read_is_refused(env, tmp_path):
    secret = tmp_path / "panel-secret"
    secret.write_text(PANEL)
    secret.chmod(0o644)
    env.setenv("ALLYPATH_DATA_DIR", str(tmp_path / "data"))
    env.setenv("ALLYPATH_PANEL_SECRET_FILE", str(secret))
    with pytest.raises(ConfigurationError, match="readable by others"):
        load_settings()


def test_a_panel_secret_written_beside_the_database_stops_the_app(env, tmp_path):
    """Issue 14: var/secrets.env held the panel secret next to the database; the host named everyone."""
    (tmp_path / "secrets.env").write_text(f"ALLYPATH_SECRET_KEY={GOOD_KEY}\nALLYPATH_PANEL_SECRET={PANEL}\n")
    env.setenv("ALLYPATH_DATA_DIR", str(tmp_path))
    env.setenv("ALLYPATH_PANEL_SECRET", PANEL)
    with pytest.raises(ConfigurationError, match=r"secrets\.env, inside ALLYPATH_DATA_DIR"):
        load_settings()


def test_lists_are_comma_separated(env):
    env.setenv("ALLYPATH_ALLOWED_HOSTS", "survey.example.org, localhost")
    assert load_settings().allowed_hosts == ["survey.example.org", "localhost"]


def test_the_process_refuses_to_start_with_a_bad_setting():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ALLYPATH_")}
    environment |= {"ALLYPATH_DEBUG": "maybe", "DJANGO_SETTINGS_MODULE": "allypath.web.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "allypath.web", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "ALLYPATH_DEBUG" in done.stderr


def test_sqlite_runs_in_wal_with_full_sync_busy_timeout_and_immediate_transactions():
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
        assert "synchronous=FULL" in options["init_command"]
        assert "busy_timeout" in options["init_command"]
    else:
        assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def test_passwords_use_argon2_first():
    # the production list: the tests themselves hash with MD5 (tests/web/conftest.py)
    assert PRODUCTION_PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert "MD5" not in " ".join(PRODUCTION_PASSWORD_HASHERS)


@pytest.mark.db
@pytest.mark.django_db
def test_healthz_answers_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


@pytest.mark.db
@pytest.mark.django_db
def test_the_openapi_schema_lists_the_submission_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/responses" in schema["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()
