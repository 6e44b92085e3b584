"""WSGI entry point: ``gunicorn allypath.web.wsgi``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allypath.web.settings")
application = get_wsgi_application()
