"""scripts/serve.sh serves with gunicorn's ``--preload``: the app is imported in the master and every
worker is forked from it. Whatever the import leaves open is shared by all workers after the fork: a
database connection (two processes writing through one SQLite handle or one PostgreSQL socket) or a
thread (it does not survive the fork). Importing the WSGI application must leave neither.

What a first request would do once per process is done on that import instead (allypath.web.warm), so
a worker that --max-requests starts is not cold: the views imported, the packaged instrument and the
scoring model parsed, the templates compiled, and the objects left frozen out of the garbage collector."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import gc, json, sys, threading
import allypath.web.wsgi
from django.db import connections
from django.template import engines
from allypath.instrument.loader import _load_cached
from allypath.scoring.stage_model import _load
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({
    "open": [c.alias for c in connections.all() if c.connection is not None],
    "threads": [t.name for t in threading.enumerate()],
    "views": "allypath.web.survey.views" in sys.modules and "allypath.web.api.api" in sys.modules,
    "templates": sorted(k for k in loader.get_template_cache if k.startswith("survey/page")),
    "instruments": _load_cached.cache_info().currsize,
    "models": _load.cache_info().currsize,
    "frozen": gc.get_freeze_count() > 10_000,
}))
"""


def test_importing_the_wsgi_application_warms_up_and_opens_no_connection_and_no_thread(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(ALLYPATH_DATA_DIR=str(tmp_path), ALLYPATH_SECRET_KEY="preload-probe-" + "k" * 40)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert (seen["open"], seen["threads"]) == ([], ["MainThread"])
    # warmed before the fork (allypath.web.warm): what each new worker would otherwise redo
    assert seen["views"] is True
    assert seen["templates"] == ["survey/page.html"]
    assert seen["instruments"] >= 2  # every packaged version
    assert seen["models"] == 1
    assert seen["frozen"] is True


def test_serve_sh_preloads_the_app() -> None:
    serve = (Path(__file__).resolve().parents[2] / "scripts" / "serve.sh").read_text()
    command = serve[serve.index("gunicorn allypath.web.wsgi:application") :]
    assert "--preload" in command
