"""The floor of the survey-path load benchmark: a plain Django view returning a static page.

Served by gunicorn with the same options as allypath (bench_survey_load), so the difference between the
two is allypath's own work per request (its middleware, the link look-up, the draft, the template), not
the HTTP stack, the WSGI server or the machine. The page has the size of the survey page it is compared
with (``ALLYPATH_FLOOR_BYTES``), so the bytes on the wire are the same too.

Django as ``startproject`` sets it up, minus what needs a database (sessions, auth, messages): the
security, common, CSRF and clickjacking middleware. ``/healthz`` answers like allypath's, so the same
start-up check serves both.

    gunicorn benchmarks.floor_site:application
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

_BYTES = int(os.environ.get("ALLYPATH_FLOOR_BYTES", "8000"))
_HEAD = "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Floor</title></head><body><p>"
_TAIL = "</p></body></html>"
PAGE = (_HEAD + "x" * max(_BYTES - len(_HEAD) - len(_TAIL), 0) + _TAIL).encode()


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("floor/", floor), path("healthz", healthz)]

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("ALLYPATH_SECRET_KEY", "benchmark-floor-only-" + "x" * 40),
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    USE_TZ=True,
)
application = get_wsgi_application()
