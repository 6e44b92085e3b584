"""A process that imports the allypath web app once, then forks a fresh gunicorn server on request.

The crash test kills its servers with SIGKILL dozens of times; a cold gunicorn start imports Django,
numpy, pandas and scipy again (5-15 s on two busy cores). A fork of this already-imported process starts
in a fraction of a second, and is killed the same way: SIGKILL to the server's own process group
(master and workers). No database connection is opened before the fork.

Protocol on stdin/stdout, one line each: ``start PORT WORKERS THREADS`` -> the new server's pid.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allypath.web.settings")


def serve(application: Any, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": f"127.0.0.1:{port}",
                "workers": workers,
                "threads": threads,
                "timeout": 60,
                "graceful_timeout": 5,
                "control_socket_disable": True,
                # longer than a respondent's pause between pages in the load scenario (up to 15 s in
                # make soak): with gunicorn's 2 s default the server closes idle connections just as
                # clients reuse them (resets). 75 s is nginx's default keepalive_timeout.
                "keepalive": 75,
                # the API fuzzer sends query strings longer than gunicorn's 4 KB request line; 0 lifts
                # the limit so they reach the app (in production a proxy answers 414 before the API)
                "limit_request_line": int(os.environ.get("ALLYPATH_TEST_LIMIT_REQUEST_LINE", "4094")),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    sys.argv = ["gunicorn"]
    Server().run()


def warm_up() -> None:
    """Import every view and score one answer set, so a forked server answers at full speed at once."""
    from django.urls import get_resolver

    from allypath.instrument import load_instrument
    from allypath.web.survey.scoring import score_one

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    instrument = load_instrument()
    sys.path.insert(0, os.path.dirname(__file__))
    import random

    from site_seed import answers_for

    form = instrument.form("short")
    score_one(answers_for(form, random.Random(1)), instrument, "short")


def main() -> None:
    from django.db import connections

    from allypath.web.wsgi import application

    warm_up()
    connections.close_all()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # servers are reaped automatically
    print("ready", flush=True)
    for line in sys.stdin:
        command, *args = line.split()
        if command != "start":
            continue
        port, workers, threads = (int(a) for a in args)
        pid = os.fork()
        if pid == 0:
            os.setsid()  # its own process group: a SIGKILL to it never reaches this process
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(2, 1)  # stdout is the protocol pipe: server output goes to the log (stderr)
            try:
                serve(application, port, workers, threads)
            finally:
                os._exit(0)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
