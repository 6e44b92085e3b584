"""Throw-away allypath sites served by gunicorn on 127.0.0.1, for the crash, load and backup tests.

Everything here stays on the loopback interface, is bounded in time, and stops the processes it started
(by their own process group, never by name).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SEED = Path(__file__).with_name("site_seed.py")
HOST = "127.0.0.1"


def engine() -> str:
    """``postgresql`` when the suite runs against PostgreSQL (DATABASE_URL), else ``sqlite``."""
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def fresh_database(tag: str) -> Iterator[str]:
    """A new empty database: "" (SQLite in the site's data dir) or a postgres:// URL, dropped after."""
    if engine() == "sqlite":
        yield ""
        return
    import psycopg

    base = os.environ["DATABASE_URL"]
    name = f"allypath_{tag}_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(base)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Site:
    """A data directory and a database with the environment that serves them."""

    data_dir: Path
    database_url: str
    extra_env: dict[str, str]

    @property
    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("ALLYPATH_", "DJANGO_")) and k != "DATABASE_URL"
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "allypath.web.settings",
                "ALLYPATH_SECRET_KEY": "live-test-secret-key-0123456789-0123456789-abcdef",
                "ALLYPATH_PANEL_SECRET": "live-test-panel-secret-0123456789-0123456789-xyz",
                "ALLYPATH_DATA_DIR": str(self.data_dir),
                "ALLYPATH_EMAIL_BACKEND": "locmem",
                "OPENBLAS_NUM_THREADS": "1",
                "OMP_NUM_THREADS": "1",
                "PYTHONPATH": str(REPO / "src"),
            }
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(self.extra_env)
        return env

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "allypath.sqlite3"

    def seed(self, people: int, responses: int = 0) -> dict[str, Any]:
        out = self.data_dir / "seed.json"
        subprocess.run(
            [PYTHON, str(SEED), "--people", str(people), "--responses", str(responses), "--out", str(out)],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        return dict(json.loads(out.read_text()))

    def python(self, code: str, timeout: float = 120) -> str:
        done = subprocess.run(
            [PYTHON, "-c", code], env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        return done.stdout

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Read the site's database directly (the server may be stopped)."""
        if not self.database_url:
            with contextlib.closing(sqlite3.connect(self.sqlite_path, timeout=30)) as con:
                return con.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.database_url) as con:
            return list(con.execute(sql).fetchall())  # type: ignore[arg-type]


class Zygote:
    """tests/security/zygote.py: the app imported once; each server is a fork of it (see there)."""

    def __init__(self, site: Site) -> None:
        self.log = (site.data_dir / "gunicorn.log").open("ab")
        self.process = subprocess.Popen(
            [PYTHON, str(Path(__file__).with_name("zygote.py"))],
            env=site.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            cwd=REPO,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the zygote did not start")

    def fork(self, port: int, workers: int, threads: int) -> int:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"start {port} {workers} {threads}\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()


class Server:
    """gunicorn serving a :class:`Site` on 127.0.0.1 (no access log: URLs carry tokens).

    Started cold (``python -m gunicorn``) or, with a :class:`Zygote`, forked from an imported app.
    ``app`` and ``options`` let a benchmark serve another WSGI app, or with scripts/serve.sh's options
    (``options`` then replaces the workers, threads and the options below).
    """

    def __init__(
        self,
        site: Site,
        workers: int = 2,
        threads: int = 4,
        zygote: Zygote | None = None,
        *,
        app: str = "allypath.web.wsgi:application",
        options: tuple[str, ...] | None = None,
    ) -> None:
        self.site = site
        self.workers = workers
        self.threads = threads
        self.zygote = zygote
        self.app = app
        self.options = options
        self.port = free_port()
        self.pid: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.log = site.data_dir / "gunicorn.log"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def _spawn(self) -> None:
        if self.zygote is not None:
            self.pid = self.zygote.fork(self.port, self.workers, self.threads)
            return
        args = [PYTHON, "-m", "gunicorn", self.app, "--bind", f"{HOST}:{self.port}"]
        args += self.options or [
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--timeout",
            "60",
            "--preload",
            "--keep-alive",
            "75",
            "--no-control-socket",  # gunicorn 27 would share one socket in $HOME between servers
            "--graceful-timeout",
            "5",
        ]
        with self.log.open("ab") as log:
            # A session of its own, so a SIGKILL reaches the master and its workers, and nothing else.
            self.process = subprocess.Popen(
                args, env=self.site.env, stdout=log, stderr=log, start_new_session=True, cwd=REPO
            )
        self.pid = self.process.pid

    def _alive(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        try:
            os.kill(self.pid or 0, 0)
        except ProcessLookupError:
            return False
        return True

    def start(self, timeout: float = 90) -> None:
        self._spawn()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._alive():
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            with (
                contextlib.suppress(OSError, urllib.error.URLError),
                urllib.request.urlopen(self.url + "/healthz", timeout=2) as r,
            ):
                if r.status == 200:
                    return
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def _signal(self, sig: int) -> None:
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, sig)

    def _wait(self, timeout: float) -> None:
        if self.process is not None:
            self.process.wait(timeout=timeout)
            return
        deadline = time.monotonic() + timeout
        while self._alive() and time.monotonic() < deadline:
            time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL to the server's own process group (master and workers): a crash, no cleanup."""
        self._signal(signal.SIGKILL)
        self._wait(30)
        # the workers too: the port must be free and no write may still be in flight
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.killpg(self.pid or 0, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)
        self.pid = None
        self.process = None

    def stop(self) -> None:
        self._signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._wait(15)
        self.kill()


def migrate(site: Site) -> None:
    subprocess.run(
        [PYTHON, "-m", "allypath.web", "migrate", "--no-input", "--verbosity", "0"],
        env=site.env,
        check=True,
        capture_output=True,
        timeout=300,
        cwd=REPO,
    )


def post_json(url: str, body: dict[str, Any], timeout: float = 30) -> tuple[int, dict[str, Any]]:
    """POST JSON; (status, body). Connection failures raise OSError (the caller decides)."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            return error.code, json.loads(payload or b"{}")
        except ValueError:
            return error.code, {"raw": payload[:200].decode(errors="replace")}
