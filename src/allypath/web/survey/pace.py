"""How fast a respondent answered, kept only as a coarse pace: no time of day is ever stored.

Answering faster than the questions can be read is a sign of careless responding (Huang et al. 2012
found 2 seconds a question the most accurate cut-off against other checks). The server keeps no
timestamp: when a page of questions is shown, the respondent's browser gets a signed cookie holding
the moment it was shown; when he sends the page, the seconds since then (at most
:data:`PAGE_CAP_SECONDS`, so a tab left open overnight counts as ten minutes) are added to his draft's
running total. At submission the total becomes one of a few paces (:func:`pace_of`), stored with the
response instead of any time; the draft, and its total, are deleted with the submission.

A response without a measured total (the JSON API, an imported file, a page sent without the cookie)
has no pace, and no pace-based check is made on it.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from allypath.web.survey.browser import set_private_cookie

__all__ = [
    "PACES",
    "PAGE_CAP_SECONDS",
    "RUSHED_SECONDS_PER_QUESTION",
    "pace_of",
    "remember_page_shown",
    "seconds_on_page",
]

#: Each page counts at most ten minutes.
PAGE_CAP_SECONDS = 600
#: Below this many seconds a question on average, the answers are set aside (Huang et al. 2012).
RUSHED_SECONDS_PER_QUESTION = 2.0
#: The paces stored, with the seconds a question each starts at.
PACES = (("rushed", 0.0), ("quick", 2.0), ("steady", 4.0), ("slow", 10.0))

_SALT = "allypath.survey.pace"
_MAX_AGE = 24 * 3600  # a page shown yesterday measures nothing


def _cookie() -> str:
    return "__Host-allypath-pace" if settings.SESSION_COOKIE_SECURE else "allypath-pace"


def _now() -> float:
    return time.time()


def _link_tag(token: str) -> str:
    """Which link the note is for (two links opened in one browser keep apart), not the link itself."""
    return hashlib.sha256(f"allypath:pace:{token}".encode()).hexdigest()[:12]


def remember_page_shown(response: HttpResponse, token: str, number: int) -> HttpResponse:
    """Set the browser's signed note of when page ``number`` of this link was shown."""
    value = signing.dumps({"t": round(_now(), 1), "p": number, "k": _link_tag(token)}, salt=_SALT)
    set_private_cookie(response, _cookie(), value, _MAX_AGE)
    return response


def seconds_on_page(request: HttpRequest, token: str, number: int) -> float | None:
    """Seconds since page ``number`` of this link was shown in this browser (capped), or None when
    the browser holds no valid note for that page."""
    raw = request.COOKIES.get(_cookie())
    if not raw:
        return None
    try:
        note = signing.loads(raw, salt=_SALT, max_age=_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(note, dict) or note.get("p") != number or note.get("k") != _link_tag(token):
        return None
    elapsed = _now() - float(note.get("t", 0.0))
    return None if elapsed < 0 else min(elapsed, PAGE_CAP_SECONDS)


def pace_of(seconds: float | None, questions: int) -> str | None:
    """The pace of ``seconds`` spent on ``questions`` questions: rushed, quick, steady or slow."""
    if seconds is None or questions <= 0:
        return None
    per_question = seconds / questions
    chosen = PACES[0][0]
    for name, start in PACES:
        if per_question >= start:
            chosen = name
    return chosen
