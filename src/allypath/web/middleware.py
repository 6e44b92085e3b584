"""Refuse oversized request bodies early, with a clear message, before anything reads them; and JSON
bodies that would crash whatever reads them later (too deep, or not valid text). Answer a request
problem a console view raises with the console's page for it. Send a respondent's requests through the
survey's own, shorter middleware stack (:class:`SurveyStackMiddleware`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed, RequestDataTooBig
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string

from allypath.errors import RequestProblem
from allypath.web.console.problems import problem_response

_UPLOAD_PREFIXES = ("/console/", "/admin/")


class BodySizeLimitMiddleware:
    """413 for a body larger than ALLYPATH_MAX_BODY_BYTES (uploads under /console/ get the upload limit)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = (
            settings.ALLYPATH_MAX_UPLOAD_BYTES
            if request.path.startswith(_UPLOAD_PREFIXES)
            else settings.ALLYPATH_MAX_BODY_BYTES
        )
        if length > limit:
            message = f"The request body is {length} bytes; the limit is {limit} bytes."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "body_too_large", "errors": []}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


#: Deepest JSON nesting accepted: a submission is three levels deep ({"answers": {"item": [...]}}).
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deeply ``body`` nests arrays and objects, counted without parsing it (so without recursion)."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _unencodable(value: Any, path: str) -> str | None:
    """The field (``answers.ot1``) of the first string or key that is not valid Unicode text (a lone
    surrogate such as ``\\ud800``, which JSON escapes allow but no database or encoder accepts)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "body"
        return None
    items: Any = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    )
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        if _unencodable(key, "") is not None:
            return name.encode("utf-8", "backslashreplace").decode()
        found = _unencodable(item, name)
        if found is not None:
            return found
    return None


def _refuse(field: str, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {
            "detail": "the request body is not valid",
            "code": "invalid_request",
            "errors": [{"field": field, "message": message, "code": code}],
        },
        status=422,
    )


class JsonBodyGuardMiddleware:
    """422 naming the field for JSON that Python parses but nothing after it should see.

    Nesting deeper than :data:`MAX_JSON_DEPTH` would exhaust the parser's recursion (a 500 before
    anything else runs), and a lone surrogate in a string or key fails later, when it is hashed,
    stored or encoded. Both are refused here, before the body reaches a view or another middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH") and request.path.startswith("/api/"):
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def _check(request: HttpRequest) -> HttpResponse | None:
        try:
            body = request.body
        except RequestDataTooBig:
            return None  # the view answers 413
        if json_depth(body) > MAX_JSON_DEPTH:
            return _refuse("body", "too_deep", f"nests deeper than {MAX_JSON_DEPTH} levels")
        try:
            parsed = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None  # not JSON: the view's own parser says so
        field = _unencodable(parsed, "")
        if field is not None:
            return _refuse(field, "invalid_text", "contains characters that are not valid text")
        return None


class RequestProblemMiddleware:
    """A :class:`~allypath.errors.RequestProblem` raised by a console view becomes the console's page
    for it (:mod:`allypath.web.console.problems`) with its HTTP status: the one place the console maps
    it. The API answers the same errors in its own exception handler (web/api/api.py); elsewhere (the
    survey pages catch theirs) the error goes on as any other."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestProblem) and request.path.startswith("/console/"):
            return problem_response(request, exception)
        return None


#: What the survey's stack serves: the respondent's pages under his link, and the API's submission.
SURVEY_PREFIX = "/s/"
SURVEY_SUBMISSION = "/api/v1/responses"


def is_survey_path(path: str) -> bool:
    """True for the requests the survey's own middleware stack serves."""
    return path.startswith(SURVEY_PREFIX) or path.rstrip("/") == SURVEY_SUBMISSION


class _Stack(BaseHandler):
    """A middleware stack of its own around Django's own view dispatch (URL resolving, view middleware,
    exception middleware): what ``BaseHandler.load_middleware`` builds from ``settings.MIDDLEWARE``,
    built from another list. Synchronous only, as the site is served (WSGI)."""

    def __init__(self, paths: list[str]) -> None:
        hooks: dict[str, list[Any]] = {"view": [], "template": [], "exception": []}
        handler: Any = convert_exception_to_response(getattr(self, "_get_response"))  # noqa: B009 - not in the stubs
        for path in reversed(paths):
            try:
                middleware = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(middleware, "process_view"):
                hooks["view"].insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                hooks["template"].append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                hooks["exception"].append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        # the names BaseHandler's own dispatch reads
        self._view_middleware = hooks["view"]
        self._template_response_middleware = hooks["template"]
        self._exception_middleware = hooks["exception"]
        self.chain: Callable[[HttpRequest], HttpResponse] = handler


class SurveyStackMiddleware:
    """First in ``MIDDLEWARE``: a respondent's request (:func:`is_survey_path`) goes through
    ``ALLYPATH_SURVEY_MIDDLEWARE`` instead of the rest of ``MIDDLEWARE``.

    A respondent never signs in and has no session: sessions, authentication, messages, the login
    lockout and static files cost him a third of a survey page's time and do nothing for him. His stack
    is the site's list without those, in the same order (tests/web/test_survey_stack.py pins it): the
    same body limits, rate limits, security headers, CSRF check, Content-Security-Policy and storage
    guard as every other page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.survey = _Stack(list(settings.ALLYPATH_SURVEY_MIDDLEWARE)).chain

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_survey_path(request.path_info):
            return self.survey(request)
        return self.get_response(request)
