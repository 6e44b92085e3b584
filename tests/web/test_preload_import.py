"""scripts/serve.sh serves with gunicorn's ``--preload``: the app is imported in the master and every
worker is forked from it. Whatever the import leaves open is shared by all workers after the fork: a
database connection (two processes writing through one SQLite handle or one PostgreSQL socket) or a
thread (it does not survive the fork). Importing the WSGI application must leave neither."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, threading
import allypath.web.wsgi
from django.db import connections
print(json.dumps({
    "open": [c.alias for c in connections.all() if c.connection is not None],
    "threads": [t.name for t in threading.enumerate()],
}))
"""


def test_importing_the_wsgi_application_opens_no_connection_and_no_thread(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(ALLYPATH_DATA_DIR=str(tmp_path), ALLYPATH_SECRET_KEY="preload-probe-" + "k" * 40)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"open": [], "threads": ["MainThread"]}


def test_serve_sh_preloads_the_app() -> None:
    serve = (Path(__file__).resolve().parents[2] / "scripts" / "serve.sh").read_text()
    command = serve[serve.index("gunicorn allypath.web.wsgi:application") :]
    assert "--preload" in command
