"""The respondent's browser secret: what binds a draft and a report to the person who started.

A personal link may be held by others (HR downloaded the links, an e-mail was forwarded). So the link
only opens the survey; the draft, the resume and the way back to the report are keyed by the link
together with a random secret set in the respondent's browser when he starts. The cookie is HttpOnly
(no script reads it), SameSite=Lax (sent when he opens his link from a mail client, not on another
site's form posts), and behind TLS ``Secure`` with the ``__Host-`` prefix, so no sub-domain can
plant its own secret in his browser. The secret is never stored: only hashes that include the
link token (see :mod:`allypath.web.orgs.keys`).
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

__all__ = ["browser_secret", "issue_browser_secret", "remember_browser_secret", "set_private_cookie"]

#: 256 random bits in URL-safe base64 (43 characters).
_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
_MAX_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days; a survey and its report fit inside
_ISSUED = "_allypath_browser_secret"


def browser_secret(request: HttpRequest) -> str | None:
    """This browser's secret, or None when it has none yet (or sent something malformed)."""
    issued = getattr(request, _ISSUED, None)
    if issued:
        return str(issued)
    value = request.COOKIES.get(settings.ALLYPATH_RESPONDENT_COOKIE, "")
    return value if _SHAPE.fullmatch(value) else None


def issue_browser_secret(request: HttpRequest) -> str:
    """This browser's secret, drawing a new one when it has none (set on the response with
    :func:`remember_browser_secret`)."""
    secret = browser_secret(request)
    if secret is None:
        secret = secrets.token_urlsafe(32)
        setattr(request, _ISSUED, secret)
    return secret


def remember_browser_secret(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Set the cookie when this request drew a new secret (and refresh its lifetime otherwise)."""
    secret = browser_secret(request)
    if secret is not None:
        set_private_cookie(response, settings.ALLYPATH_RESPONDENT_COOKIE, secret, _MAX_AGE)
    return response


def set_private_cookie(response: HttpResponse, name: str, value: str, max_age: int) -> None:
    """A respondent's cookie: whole site (the ``__Host-`` prefix requires it), HTTPS-only where the
    site is, out of scripts' reach, not sent by other sites' forms."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
