"""WSGI entry point: ``gunicorn allypath.web.wsgi``."""

from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

from allypath._blas import blas_controller
from allypath.web.warm import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allypath.web.settings")
application = get_wsgi_application()

# scripts/serve.sh runs gunicorn with --preload: this module is imported once, in the master, and each
# worker is forked from it. The one-off work of a first request is done here, before the fork, and the
# objects it leaves are frozen out of the garbage collector, whose passes would otherwise write to
# every shared page and make each worker copy it.
warm_up()
gc.freeze()

# One BLAS thread per process, for good: each worker serves its requests on threads of its own (two
# workers of two threads on two cores), and a request's linear algebra is small (one submission's
# kernel, a release's null spaces), where BLAS threads per core only add synchronisation. Under load
# the API took 280-293 submissions/s with one BLAS thread against 211-238 without (three alternating
# runs of benchmarks/bench_survey_load.py). Set in the master, so every forked worker has it.
blas_controller().limit(limits=1, user_api="blas")
