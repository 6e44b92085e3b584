"""The secret key is held like the panel secret: never in the data directory, nor in its backups.

It derives the key that seals each ally-circle volunteer's stage, unit and chosen contact
(``journey.store.circle_cipher_key``): beside the database it would let whoever reads the host (a backup,
a copied disk) read a named man's stage. The app refuses to start when the key is written in any file of
ALLYPATH_DATA_DIR; ALLYPATH_SECRET_KEY_FILE holds it outside, readable by its owner only; and the
development scripts keep it in ~/.config/allypath/secret-key, moving an older demo's var/secrets.env
key there with the same value.
"""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test.utils import override_settings

from allypath.errors import ConfigurationError
from allypath.web.config import load_settings
from allypath.web.journey.store import circle_cipher_key

REPO = Path(__file__).resolve().parents[2]
KEY = "secret-key-of-the-operator-" + "s" * 30
PANEL = "panel-secret-of-the-operator-" + "p" * 30


@pytest.fixture
def env(monkeypatch, tmp_path):
    """An environment with no allypath setting, a data directory and a folder of the operator's own."""
    for name in list(os.environ):
        if name.startswith("ALLYPATH_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    data, keys = tmp_path / "data", tmp_path / "operator"
    data.mkdir()
    keys.mkdir(mode=0o700)
    monkeypatch.setenv("ALLYPATH_DATA_DIR", str(data))
    return monkeypatch, data, keys


def _key_file(folder: Path, value: str = KEY, mode: int = 0o600) -> Path:
    path = folder / "secret-key"
    path.write_text(value + "\n")
    path.chmod(mode)
    return path


# --- the key written in the data directory ------------------------------------------------------------


@pytest.mark.parametrize("where", ["secrets.env", "backups/2026/operator-notes.txt"])
@pytest.mark.parametrize("given", ["environment", "file"])
def test_a_secret_key_written_in_the_data_directory_stops_the_app(env, where, given):
    monkeypatch, data, keys = env
    copy = data / where
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(f"# the old demo's keys\nALLYPATH_SECRET_KEY={KEY}\n")
    if given == "environment":
        monkeypatch.setenv("ALLYPATH_SECRET_KEY", KEY)
    else:
        monkeypatch.setenv("ALLYPATH_SECRET_KEY_FILE", str(_key_file(keys)))
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    message = str(raised.value)
    assert f"ALLYPATH_SECRET_KEY is written in {copy}, inside ALLYPATH_DATA_DIR" in message
    assert "ALLYPATH_SECRET_KEY_FILE outside the data directory" in message  # what to do
    assert "ally-circle volunteer" in message  # and why
    assert KEY not in message


def test_one_walk_names_both_secrets_found_in_one_file(env):
    monkeypatch, data, _ = env
    (data / "secrets.env").write_text(f"ALLYPATH_SECRET_KEY={KEY}\nALLYPATH_PANEL_SECRET={PANEL}\n")
    monkeypatch.setenv("ALLYPATH_SECRET_KEY", KEY)
    monkeypatch.setenv("ALLYPATH_PANEL_SECRET", PANEL)
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    message = str(raised.value)
    assert "ALLYPATH_SECRET_KEY is written in" in message
    assert "ALLYPATH_PANEL_SECRET is written in" in message


def test_debug_scans_a_real_key_but_not_a_short_development_one(env):
    """A short key (debug only) would be found by chance in unrelated files such as collected static."""
    monkeypatch, data, _ = env
    monkeypatch.setenv("ALLYPATH_DEBUG", "true")
    (data / "static").mkdir()
    (data / "static" / "app.js").write_text("const dev = 1;\n")
    monkeypatch.setenv("ALLYPATH_SECRET_KEY", "dev")
    assert load_settings().secret_key.get_secret_value() == "dev"
    (data / "static" / "notes.txt").write_text(KEY)
    monkeypatch.setenv("ALLYPATH_SECRET_KEY", KEY)
    with pytest.raises(ConfigurationError, match=r"ALLYPATH_SECRET_KEY is written in .*notes\.txt"):
        load_settings()


# --- ALLYPATH_SECRET_KEY_FILE ---------------------------------------------------------------------------


def test_a_secret_key_file_inside_the_data_directory_is_refused(env):
    monkeypatch, data, _ = env
    (data / "keys").mkdir()
    path = _key_file(data / "keys")
    monkeypatch.setenv("ALLYPATH_SECRET_KEY_FILE", str(path))
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert f"ALLYPATH_SECRET_KEY_FILE {path} is inside ALLYPATH_DATA_DIR" in str(raised.value)
    assert "move the file out of the data directory" in str(raised.value)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660], ids=oct)
def test_a_secret_key_file_others_can_read_is_refused(env, mode):
    monkeypatch, _, keys = env
    path = _key_file(keys, mode=mode)
    monkeypatch.setenv("ALLYPATH_SECRET_KEY_FILE", str(path))
    with pytest.raises(ConfigurationError, match=rf"ALLYPATH_SECRET_KEY_FILE {path} is readable by others"):
        load_settings()


def test_the_secret_key_in_the_environment_and_a_file_is_refused(env):
    monkeypatch, _, keys = env
    monkeypatch.setenv("ALLYPATH_SECRET_KEY", KEY)
    monkeypatch.setenv("ALLYPATH_SECRET_KEY_FILE", str(_key_file(keys)))
    with pytest.raises(ConfigurationError, match="ALLYPATH_SECRET_KEY or ALLYPATH_SECRET_KEY_FILE, not both"):
        load_settings()


@pytest.mark.parametrize(("value", "error"), [("short", "at least 32"), ("", "is empty")])
def test_a_secret_key_file_must_hold_a_long_key(env, value, error):
    monkeypatch, _, keys = env
    monkeypatch.setenv("ALLYPATH_SECRET_KEY_FILE", str(_key_file(keys, value)))
    with pytest.raises(ConfigurationError, match=rf"ALLYPATH_SECRET_KEY_FILE .*{error}"):
        load_settings()


def test_a_missing_secret_key_file_is_named(env):
    monkeypatch, _, keys = env
    monkeypatch.setenv("ALLYPATH_SECRET_KEY_FILE", str(keys / "absent"))
    with pytest.raises(ConfigurationError, match=r"ALLYPATH_SECRET_KEY_FILE .*absent cannot be read"):
        load_settings()


def test_the_type_checking_placeholder_gives_way_to_a_secret_key_file(env):
    monkeypatch, _, keys = env
    monkeypatch.setenv("ALLYPATH_SECRET_KEY_FILE", str(_key_file(keys)))
    assert load_settings(type_checking=True).secret_key.get_secret_value() == KEY


def test_the_app_starts_with_a_key_file_outside_and_seals_circles_under_it(env, tmp_path):
    """A process started with only ALLYPATH_SECRET_KEY_FILE derives the circle cipher key from that key."""
    _, data, keys = env
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ALLYPATH_")}
    environment.pop("DATABASE_URL", None)
    environment |= {
        "DJANGO_SETTINGS_MODULE": "allypath.web.settings",
        "ALLYPATH_DATA_DIR": str(data),
        "ALLYPATH_SECRET_KEY_FILE": str(_key_file(keys)),
    }
    probe = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from allypath.web.journey.store import circle_cipher_key\n"
        "print(settings.SECRET_KEY == open(settings.ENV.secret_key_file).read().strip())\n"
        "print(circle_cipher_key().hex())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    same_key, cipher = done.stdout.split()
    assert same_key == "True"
    with override_settings(SECRET_KEY=KEY):
        assert cipher == circle_cipher_key().hex()
    assert cipher != circle_cipher_key().hex()  # the tests' own key gives another


# --- the development scripts -----------------------------------------------------------------------------

OLD_KEY = "old-demo-secret-key-" + "o" * 40
OLD_PANEL = "old-demo-panel-secret-" + "q" * 40


def _old_demo(data: Path) -> Path:
    """var/secrets.env as an older scripts/serve.sh left it."""
    path = data / "secrets.env"
    path.write_text(f"ALLYPATH_SECRET_KEY={OLD_KEY}\nALLYPATH_PANEL_SECRET={OLD_PANEL}\n")
    path.chmod(0o600)
    return path


def _nothing_secret_in(data: Path) -> None:
    for path in data.rglob("*"):
        if path.is_file():
            assert OLD_KEY.encode() not in path.read_bytes(), path
    assert not (data / "secrets.env").exists()


def _private(path: Path) -> None:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.fixture
def home(tmp_path, monkeypatch) -> Iterator[tuple[Path, Path]]:
    """A home and data folder of their own; the environment as it was after (the scripts export to it)."""
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith("ALLYPATH_") or name in ("DATABASE_URL", "XDG_CONFIG_HOME"):
            del os.environ[name]
    os.environ["HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir()
    data = tmp_path / "var"
    data.mkdir(mode=0o700)
    os.environ["ALLYPATH_DATA_DIR"] = str(data)
    yield tmp_path / "home", data
    os.environ.clear()
    os.environ.update(saved)


def _serve_sh_environment(tmp_path: Path) -> dict[str, str]:
    """Run scripts/serve.sh up to its first use of the app, and return the environment it gave the app.

    PYTHON is a stand-in: ``-c`` (the key generator) goes to the real interpreter, and the first
    ``-m allypath.web`` (migrate) writes its environment down and stops the script.
    """
    stub = tmp_path / "python"
    seen = tmp_path / "environment.json"
    stub.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "if sys.argv[1] == '-c':\n"
        f"    os.execv({sys.executable!r}, [{sys.executable!r}, *sys.argv[1:]])\n"
        f"open({str(seen)!r}, 'w').write(json.dumps(dict(os.environ)))\n"
        "sys.exit(3)\n"
    )
    stub.chmod(0o700)
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "serve.sh")],
        env={**os.environ, "PYTHON": str(stub)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    return json.loads(seen.read_text())


@pytest.mark.parametrize("xdg", [True, False])
def test_serve_sh_moves_the_old_demo_key_out_of_the_data_directory(home, tmp_path, xdg):
    user_home, data = home
    config = tmp_path / "xdg" / "allypath" if xdg else user_home / ".config" / "allypath"
    if xdg:
        os.environ["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    _old_demo(data)
    given = _serve_sh_environment(tmp_path)
    key_file = config / "secret-key"
    assert given["ALLYPATH_SECRET_KEY_FILE"] == str(key_file)
    assert "ALLYPATH_SECRET_KEY" not in given
    assert key_file.read_text().strip() == OLD_KEY  # the same value: sealed circles stay readable
    assert (config / "panel-secret").read_text().strip() == OLD_PANEL
    _private(key_file)
    _nothing_secret_in(data)
    # and the app starts with what the script gave it, the key unchanged
    os.environ.update({k: v for k, v in given.items() if k.startswith("ALLYPATH_")})
    assert load_settings().secret_key.get_secret_value() == OLD_KEY
    # a second start keeps the key
    assert _serve_sh_environment(tmp_path)["ALLYPATH_SECRET_KEY_FILE"] == str(key_file)
    assert key_file.read_text().strip() == OLD_KEY


def _demo_web():
    spec = importlib.util.spec_from_file_location("demo_web_under_test", REPO / "scripts" / "demo_web.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("older_demo", [True, False])
def test_demo_web_keeps_the_key_outside_the_data_directory(home, tmp_path, older_demo):
    user_home, data = home
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    if older_demo:
        _old_demo(data)
    _demo_web().ensure_secrets(data)
    key_file = tmp_path / "xdg" / "allypath" / "secret-key"
    assert os.environ["ALLYPATH_SECRET_KEY_FILE"] == str(key_file)
    assert "ALLYPATH_SECRET_KEY" not in os.environ
    key = key_file.read_text().strip()
    assert key == OLD_KEY if older_demo else len(key) >= 32
    _private(key_file)
    _nothing_secret_in(data)
    assert not (user_home / ".config").exists()  # XDG_CONFIG_HOME respected
    assert load_settings().secret_key.get_secret_value() == key


def test_the_dev_scripts_stop_rather_than_drop_another_key(home, tmp_path):
    """The shared ~/.config key differs from this data directory's old one: deleting it would lose what
    it sealed, so the scripts stop and say what to do, leaving both in place."""
    user_home, data = home
    config = user_home / ".config" / "allypath"
    config.mkdir(parents=True, mode=0o700)
    _key_file(config, KEY)
    old = _old_demo(data)
    with pytest.raises(SystemExit, match="holds another ALLYPATH_SECRET_KEY than"):
        _demo_web().ensure_secrets(data)
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "serve.sh")],
        env={**os.environ, "PYTHON": "/bin/false"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "holds another ALLYPATH_SECRET_KEY than" in done.stderr
    assert OLD_KEY in old.read_text()
    assert (config / "secret-key").read_text().strip() == KEY
