"""Log records without the secrets that respondents' addresses carry.

``/s/<token>/`` is a personal survey link (the token leads to the invitation, hence the employee) and
``/r/<receipt>/`` a respondent's report and journey (the receipt opens his response). Django logs every
4xx and 5xx with the request's path (``django.request``; CSRF refusals on ``django.security.csrf``),
the development server logs each request line (``django.server``) and gunicorn logs "Error handling
request <uri>" (``gunicorn.error``): each with a time, so a log line would tie a link or a receipt to a
moment. :class:`HideSecretPaths` replaces the segment after ``/s/`` and ``/r/`` (and the value of a
``code``, ``state``, ``token`` or ``receipt`` query parameter: single sign-on's callback) with ``***``
in the message, the traceback and the stack, and drops the request object the record carries, so no
handler (Django's AdminEmailHandler report, a ``%(request)s`` format) prints its path, cookies or body.
"""

from __future__ import annotations

import logging
import re

__all__ = ["HIDDEN", "HideSecretPaths", "hide_secrets", "hide_secrets_in"]

HIDDEN = "***"
# The segment after /s/ or /r/ wherever it appears (a full URL, a request line, a SCRIPT_NAME prefix):
# ending at the next slash, space, quote, "?" or "#". "/r/" alone (the receipt-code form) keeps nothing
# to hide. The URL patterns with a secret: survey/urls.py (<token>, <receipt>), journey/urls.py.
_PATH = re.compile(r"(/[sr]/)[^/\s?#\"'<>]+")
_QUERY = re.compile(r"([?&](?:code|state|token|receipt)=)[^&\s#\"'<>]+", re.IGNORECASE)


def hide_secrets(text: str) -> str:
    """``text`` with the secret of every survey link and report address in it replaced by ``***``."""
    return _QUERY.sub(rf"\g<1>{HIDDEN}", _PATH.sub(rf"\g<1>{HIDDEN}", text))


class HideSecretPaths(logging.Filter):
    """Rewrite a record so that no survey token or receipt code is left in it (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format must not stop the logging call that made it
            message = f"{record.msg} {record.args}"
        record.msg, record.args = hide_secrets(message), ()
        if record.exc_info and not record.exc_text:
            # formatted once, here, hidden; the exception object goes (its frames hold the token), and
            # every logging.Formatter prints exc_text in its place
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
        if record.exc_text:
            record.exc_text = hide_secrets(record.exc_text)
        if record.stack_info:
            record.stack_info = hide_secrets(record.stack_info)
        record.__dict__.pop("request", None)  # Django's HttpRequest (django.server: its socket)
        return True


def hide_secrets_in(*names: str) -> None:
    """Attach :class:`HideSecretPaths` to the loggers ``names`` (once each), keeping their handlers.

    For loggers that another program configures (gunicorn's), which Django's LOGGING must not name: its
    dictConfig would remove their handlers.
    """
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideSecretPaths) for f in logger.filters):
            logger.addFilter(HideSecretPaths())
