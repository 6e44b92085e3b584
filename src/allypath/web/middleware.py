"""Refuse oversized request bodies early, with a clear message, before anything reads them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

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
