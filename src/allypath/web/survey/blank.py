"""A survey page nobody has answered yet: rendered once, then served from the cache with only its
per-request parts put in.

A blank page of questions is the same for everyone on a form, in a language, among the same offered
languages, except for two things: the page's own address in the language links (it holds the
person's link token) and the form's CSRF token. The page is rendered once with a mark where each of
them goes and kept as its pieces; each request joins the pieces with its own address and token. A
template render was most of a survey page's time (about 0.7 of 1.1 ms; benchmarks/profile_survey_path.py);
joining the pieces takes microseconds.

What keeps one person's page from reaching another:

- only a page with no answer and no error on it is ever kept (the caller decides, :func:`is_blank`);
  a page with his answers on it is his own and always rendered afresh;
- the kept render never sees the request (no ``request``, no session, no user in its context): the
  two marks are the only places a person's own values go, and each request fills them from itself;
- the key holds everything the blank page is made from (the instrument's id, version, form and the
  digest of its texts, the page, the language and the languages offered).

The HTML is exactly what the template renders for that request (tests/web/test_survey_blank_page.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape

from allypath.instrument import Instrument, Item
from allypath.web.orgs.models import Wave

__all__ = ["PATH_MARK", "TEMPLATE", "blank_key", "blank_page", "is_blank"]

TEMPLATE = "survey/page.html"
#: Stands where the request's path goes in the kept page (letters only: no escaping changes it).
PATH_MARK = "allypathBlankPagePathMark"
_CSRF_MARK = "allypathBlankPageCsrfMark"
_PIECES = re.compile(f"({PATH_MARK}|{_CSRF_MARK})")
_TIMEOUT = 24 * 3600


def is_blank(items: tuple[Item, ...], answers: dict[str, Any], errors: dict[str, str]) -> bool:
    """True when none of the page's questions has an answer or an error: the page is everyone's."""
    return not errors and not any(item.id in answers for item in items)


_DIGESTS: dict[int, tuple[Instrument, str]] = {}


def _texts_digest(form: Instrument) -> str:
    """A digest of the form's questions as served: a kept page is never one of other texts under the
    same instrument version (an instrument file edited in place, a test's instrument)."""
    hit = _DIGESTS.get(id(form))
    if hit is not None and hit[0] is form:
        return hit[1]
    digest = hashlib.sha256(repr(form.items).encode()).hexdigest()[:16]
    if len(_DIGESTS) > 32:
        _DIGESTS.clear()
    _DIGESTS[id(form)] = (form, digest)
    return digest


def blank_key(wave: Wave, form: Instrument, number: int, language: str) -> str:
    """What a blank page is made of, as a cache key."""
    return (
        f"survey_blank_page:{wave.instrument_id}:{wave.instrument_version}:{wave.form}:"
        f"{_texts_digest(form)}:{number}:{language}:{','.join(wave.languages)}"
    )


def blank_page(request: HttpRequest, key: str, context: Callable[[str], dict[str, Any]]) -> HttpResponse:
    """The blank page of ``key`` for this request; ``context(path)`` makes the page's template context
    with ``path`` as the page's address (called only when the page is not kept yet)."""
    pieces = cache.get(key)
    if pieces is None:
        made = context(PATH_MARK)
        made["csrf_token"] = _CSRF_MARK  # the form's {% csrf_token %} writes the mark
        pieces = _PIECES.split(render_to_string(TEMPLATE, made))  # no request: nothing of his in it
        cache.set(key, pieces, _TIMEOUT)
    own = {PATH_MARK: escape(request.path), _CSRF_MARK: get_token(request)}
    return HttpResponse("".join([own.get(piece, piece) for piece in pieces]))
