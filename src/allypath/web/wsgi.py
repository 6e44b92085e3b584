"""WSGI entry point: ``gunicorn allypath.web.wsgi``."""

from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

from allypath.web.warm import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allypath.web.settings")
application = get_wsgi_application()

# scripts/serve.sh runs gunicorn with --preload: this module is imported once, in the master, and each
# worker is forked from it. The one-off work of a first request is done here, before the fork, and the
# objects it leaves are frozen out of the garbage collector, whose passes would otherwise write to
# every shared page and make each worker copy it.
warm_up()
gc.freeze()
