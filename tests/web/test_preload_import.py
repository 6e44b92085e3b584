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


BLAS_PROBE = """
import json, os
from threadpoolctl import threadpool_info
def blas():
    return sorted({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"})
import numpy, scipy.linalg  # both bundle an OpenBLAS
before = blas()
import allypath.web.wsgi
after = blas()
child = os.fork()
if child == 0:  # a gunicorn worker is forked from the master that imported the application
    with open(os.environ["PROBE_OUT"], "w") as out:
        json.dump(blas(), out)
    os._exit(0)
os.waitpid(child, 0)
print(json.dumps({"before": before, "after": after}))
"""


def test_the_application_keeps_blas_to_one_thread_in_every_worker(tmp_path: Path) -> None:
    """A worker's requests run on threads of their own, and their linear algebra is small: BLAS threads
    per core only slowed them (submissions/s: 211-238 with them, 280-293 without, under load)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    }
    env.update(
        ALLYPATH_DATA_DIR=str(tmp_path),
        ALLYPATH_SECRET_KEY="preload-probe-" + "k" * 40,
        PROBE_OUT=str(tmp_path / "worker.json"),
    )
    done = subprocess.run(
        [sys.executable, "-c", BLAS_PROBE], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    worker = json.loads((tmp_path / "worker.json").read_text())
    if (os.cpu_count() or 1) > 1:  # on one core BLAS runs one thread anyway: the limit shows nothing
        assert max(seen["before"]) > 1, seen
    assert (seen["after"], worker) == ([1], [1])
