"""Logs hold no survey token and no receipt code (threat (c): whoever reads the host's logs).

Django logs every 5xx (and 4xx warnings) with the request's path, and a timestamp beside it: a token
there leads to the invitation and the employee, a receipt to his response and his journey.
allypath.web.logging_filters masks them on every logger that writes paths.
"""

from __future__ import annotations

import io
import logging

import pytest
from django.db import OperationalError
from django.test import Client

from allypath.web.logging_filters import HIDDEN, HideSecretPaths, hide_secrets
from allypath.web.survey import views

pytestmark = pytest.mark.django_db

TOKEN = "Tk9sEcReT-tOkEn_0123456789abcdef"
RECEIPT = "RCPT-S3CR-ET00-1234-5678-ABCD"


def _everything(records: list[logging.LogRecord]) -> str:
    """All a handler could print of ``records``: message, traceback, stack and any request object."""
    formatter = logging.Formatter("%(message)s")
    return "\n".join(
        f"{formatter.format(r)} {r.stack_info or ''} {getattr(r, 'request', '')!r} {r.__dict__!r}"
        for r in records
    )


def test_a_storage_full_503_on_a_survey_page_logs_no_token(caplog, monkeypatch):
    def full(*args, **kwargs):
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(views, "open_link", full)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get(f"/s/{TOKEN}/p/2/")
    assert response.status_code == 503
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert logged, "the 503 was not logged at all"
    assert TOKEN not in _everything(logged)
    assert f"/s/{HIDDEN}/p/2/" in logged[0].getMessage()  # the kind of page stays readable
    assert not any(hasattr(r, "request") for r in logged)


def test_a_500_on_a_report_pdf_logs_no_receipt_even_in_its_traceback(caplog, monkeypatch):
    def broken(receipt):
        raise RuntimeError(f"could not read the report at /r/{receipt}/pdf")

    monkeypatch.setattr(views, "_response_for", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get(f"/r/{RECEIPT}/pdf")
    assert response.status_code == 500
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert logged and logged[0].exc_text and "RuntimeError" in logged[0].exc_text  # the traceback stays
    assert RECEIPT not in _everything(logged)
    assert not any(r.exc_info for r in logged)  # the exception's frames (the receipt in locals) are gone


def test_4xx_warnings_on_request_and_security_loggers_log_no_token(caplog):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    with caplog.at_level(logging.WARNING, logger="django.request"), caplog.at_level(logging.WARNING):
        assert client.post(f"/s/{TOKEN}/p/1/", {"x": "1"}).status_code == 403  # django.security.csrf
        client.get(f"/r/{RECEIPT}/journey/")  # an unknown receipt: a 404 warning
    names = {r.name for r in caplog.records}
    assert "django.security.csrf" in names
    text = _everything(caplog.records)
    assert TOKEN not in text and RECEIPT not in text


def test_the_development_server_and_gunicorn_lines_are_masked_too():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    server = logging.getLogger("django.server")  # does not propagate: a handler of its own
    server.addHandler(handler)
    try:
        server.info(
            '"%s" %s %s', f"GET /s/{TOKEN}/?lang=fr HTTP/1.1", "500", "12", extra={"request": object()}
        )
        logging.getLogger("gunicorn.error").addHandler(handler)
        logging.getLogger("gunicorn.error").error("Error handling request %s", f"/r/{RECEIPT}/journey/")
    finally:
        server.removeHandler(handler)
        logging.getLogger("gunicorn.error").removeHandler(handler)
    text = stream.getvalue()
    assert TOKEN not in text and RECEIPT not in text
    assert f"GET /s/{HIDDEN}/?lang=fr HTTP/1.1" in text and f"/r/{HIDDEN}/journey/" in text


def test_every_handler_django_records_reach_hides_secrets():
    """django.security has a logger per exception class: the handlers they reach mask them as well."""
    for name in ("django", "django.request", "django.server"):
        ours = [h for h in logging.getLogger(name).handlers if not type(h).__module__.startswith("_pytest")]
        assert ours, name
        for handler in ours:
            assert any(isinstance(f, HideSecretPaths) for f in handler.filters), (name, handler)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Not Found: /s/{TOKEN}/", f"Not Found: /s/{HIDDEN}/"),
        (
            f"https://survey.example.org/r/{RECEIPT}/journey/read/x/",
            f"https://survey.example.org/r/{HIDDEN}/journey/read/x/",
        ),
        (f"/s/{TOKEN}", f"/s/{HIDDEN}"),
        ("Not Found: /r/", "Not Found: /r/"),  # the receipt-code form: nothing to hide
        ("/console/acme/waves/3/", "/console/acme/waves/3/"),
        (
            f"/console/sso/callback/?state=abc&code={TOKEN}",
            f"/console/sso/callback/?state={HIDDEN}&code={HIDDEN}",
        ),
    ],
)
def test_what_is_hidden(text, expected):
    assert hide_secrets(text) == expected
