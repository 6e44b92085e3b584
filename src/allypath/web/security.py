"""Request-level protections that no single view should have to remember.

- :class:`SubmissionRateLimitMiddleware`: survey and API submissions are limited per personal link and
  per client address (fixed one-minute windows in the process's cache). The address is kept only as a
  salted hash, only in memory, only for the window: it never reaches a response row or a log.
- :class:`SecurityHeadersMiddleware`: private pages are never cached, and a few headers Django does not
  set itself (Permissions-Policy, Cross-Origin-Resource-Policy).
- :class:`StorageFullMiddleware`: a full disk answers 503 with a message; a submission is never
  acknowledged unless it was stored.
- :class:`ContentSecurityPolicyMiddleware`: django-csp's policy headers, the site's own policy built
  once instead of on every response.
- :func:`spreadsheet_safe`: the cell guard of every CSV a person may open in a spreadsheet.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase

__all__ = [
    "ContentSecurityPolicyMiddleware",
    "SecurityHeadersMiddleware",
    "StorageFullMiddleware",
    "SubmissionRateLimitMiddleware",
    "is_storage_full",
    "spreadsheet_safe",
]

WINDOW_SECONDS = 60
_SURVEY_POST = re.compile(r"^/s/(?P<token>[^/]{1,200})/")
_API_SUBMIT = "/api/v1/responses"
# A per-process salt: the cache lives in this process's memory, so no other process needs the salt, and
# a memory dump after a restart cannot be matched against a list of addresses.
_ADDRESS_SALT = secrets.token_bytes(32)
_PRIVATE_PREFIXES = ("/s/", "/r/", "/console/", "/api/v1/", "/admin/")
_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

Handler = Callable[[HttpRequest], HttpResponse]


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _error(
    request: HttpRequest, status: int, code: str, message: str, words: tuple[str, ...] = ()
) -> HttpResponse:
    """The API's JSON error; on a respondent's page, a page in his language saying ``words`` (keys of
    the survey's page words: a title, then sentences); elsewhere the plain ``message``."""
    if _is_api(request):
        return JsonResponse({"detail": message, "code": code, "errors": []}, status=status)
    if words and respondent_refusal is not None:
        page = respondent_refusal(request, status, words)
        if page is not None:
            return page
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


#: The page a respondent gets for a refusal, in his language, or None off his pages: set by the survey
#: app when it is ready (allypath.web.survey.apps). This module imports no app, since the
#: organisations app imports it.
respondent_refusal: Callable[[HttpRequest, int, tuple[str, ...]], HttpResponse | None] | None = None


class SubmissionRateLimitMiddleware:
    """429 when one client posts more than its per-minute allowance on one personal link, or one client
    address in all.

    Limits come from ``ALLYPATH_SUBMIT_LIMIT_PER_TOKEN`` and ``ALLYPATH_SUBMIT_LIMIT_PER_IP`` (0 turns a
    limit off). Counters live in the ``ratelimit`` cache (local memory: per worker process, so a
    two-worker server allows up to twice the figure; a shared cache makes it exact). The API gets its
    JSON error; a survey page gets a page in the respondent's language, with the same status and
    Retry-After.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        token = self._token(request)
        if token is None:
            return None
        per_token = settings.ALLYPATH_SUBMIT_LIMIT_PER_TOKEN
        per_ip = settings.ALLYPATH_SUBMIT_LIMIT_PER_IP
        if per_ip and _over("ip", _address_key(request), per_ip):
            return _too_many(
                request,
                "too many submissions from this network; wait a minute",
                ("busy_h", "busy_network", "busy_not_saved"),
            )
        if per_token and token and _over("token", _link_key(request, token), per_token):
            return _too_many(
                request,
                "too many submissions for this link; wait a minute",
                ("busy_h", "busy_link", "busy_not_saved"),
            )
        return None

    @staticmethod
    def _token(request: HttpRequest) -> str | None:
        """The link token of a submission ("" when the body has none), or None for other requests."""
        match = _SURVEY_POST.match(request.path)
        if match:
            return match["token"]
        if request.path.rstrip("/") != _API_SUBMIT:
            return None
        try:
            # The body size middleware already capped the body, so reading it here is cheap; Django
            # caches it for the view.
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return ""
        token = body.get("token") if isinstance(body, dict) else None
        return token if isinstance(token, str) else ""


def _link_key(request: HttpRequest, token: str) -> str:
    """A link's counter, one per client: his browser (the respondent's cookie) or else his address.
    One counter per link for everyone let whoever holds the link count the person's own saves (posts
    that stored nothing went through fewer times while he was answering) and lock him out of his
    survey for the minute."""
    secret = request.COOKIES.get(settings.ALLYPATH_RESPONDENT_COOKIE, "")
    client = f"browser:{secret}" if secret else f"address:{_address_key(request)}"
    return hashlib.sha256(f"{token}\x00{client}".encode()).hexdigest()


def _address_key(request: HttpRequest) -> str:
    from allypath.web.client import client_address

    address = client_address(request) or "unknown"  # behind a trusted proxy: each client, not the proxy
    return hmac.new(_ADDRESS_SALT, address.encode(), hashlib.sha256).hexdigest()


def _over(kind: str, key: str, limit: int) -> bool:
    cache = caches["ratelimit"]
    window = int(time.time() // WINDOW_SECONDS)
    name = f"{kind}:{window}:{key}"
    cache.add(name, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return count > limit


def _too_many(request: HttpRequest, message: str, words: tuple[str, ...]) -> HttpResponse:
    response = _error(request, 429, "rate_limited", message, words)
    response["Retry-After"] = str(WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS)
    return response


class SecurityHeadersMiddleware:
    """``Cache-Control: no-store`` on every private page (survey links, reports, console, API) and
    headers Django's SecurityMiddleware does not set."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(_PRIVATE_PREFIXES):
            # Survey pages carry answers and tokens, console pages carry HR data: keep them out of
            # shared caches and the browser's back-forward cache on shared computers.
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", _PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def is_storage_full(exc: BaseException) -> bool:
    """True for SQLite's "database or disk is full" and PostgreSQL's disk_full (SQLSTATE 53100)."""
    if not isinstance(exc, DatabaseError):
        return False
    cause = exc.__cause__ or exc
    if getattr(cause, "sqlstate", None) == "53100":
        return True
    text = str(exc).lower()
    return "disk is full" in text or "no space left on device" in text


class StorageFullMiddleware:
    """A full disk is a visible 503 (with Retry-After), never a silent success or a bare 500 page."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_storage_full(exception):
            return None
        response = _error(
            request,
            503,
            "storage_full",
            "The server could not store this: its disk is full. Nothing was saved; please try again later.",
            ("full_h", "full"),
        )
        response["Retry-After"] = "300"
        return response


# What a view (csp_update, csp_replace, csp_exempt's kin) or a template (a nonce) may change per response.
_OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_POLICIES: dict[bool, str] = {}


@receiver(setting_changed)
def _forget_policies(setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _POLICIES.clear()


def _site_policy(report_only: bool) -> str:
    policy = _POLICIES.get(report_only)
    if policy is None:
        policy = _POLICIES[report_only] = build_policy(report_only=report_only)
    return policy


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's own policy built once per process.

    django-csp builds the header from the settings on every response: a tenth of a survey page's time
    (benchmarks/profile_survey_path.py). A response that asks for nothing of its own (no nonce used, no
    ``csp_update``/``csp_replace``/``csp`` decorator on its view) gets the site's policy as django-csp
    builds it, kept; any other response goes through django-csp itself. The headers are the same
    (tests/web/test_survey_stack.py compares them).
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _OWN_POLICY
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response  # django-csp leaves Django's debug pages alone
        for header, report_only, exempt, setting in (
            (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = _site_policy(report_only)
            excluded = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        # as django-csp: a nonce asked for after the header is written would be missing from it
        setattr(request, "csp_nonce", CheckableLazyObject(self._csp_nonce_post_response))  # noqa: B010
        return response


_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that a spreadsheet will show as text, never run as a formula (OWASP CSV injection).

    Text starting with ``= + - @``, a tab or a line break gets a leading apostrophe; numbers pass
    unchanged (a negative number is not text).
    """
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value
