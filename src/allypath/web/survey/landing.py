"""The way back for respondents: ``/`` (what allypath is, "Open my report", language choice) and the
receipt-code form it shares with the used-link page.

The code travels in a POST body, then as the report's own address (``/r/<code>/``), which the referrer
policy keeps on this site. Nothing here tells whether a survey link exists or was used.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from allypath.model import is_rtl
from allypath.web.orgs.keys import normalise_receipt, receipt_hash
from allypath.web.survey.models import Response
from allypath.web.survey.texts import LANGUAGE_NAMES, ui

__all__ = ["home", "open_report"]

LANGUAGES = ("en", "fr", "ar")
_MAX_CODE = 100  # a receipt is 29 characters with its dashes; spaces typed around it are fine


def _language(request: HttpRequest) -> str:
    asked = request.GET.get("lang") or request.POST.get("language") or ""
    return asked if asked in LANGUAGES else "en"


def _context(request: HttpRequest, language: str, path: str) -> dict[str, object]:
    return {
        "lang": language,
        "dir": "rtl" if is_rtl(language) else "ltr",
        "words": ui(language),
        "receipt_form": True,
        "language_links": [
            {"code": c, "name": LANGUAGE_NAMES[c], "current": c == language, "url": f"{path}?lang={c}"}
            for c in LANGUAGES
        ],
    }


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """What allypath is, for someone who arrives without his link; and the receipt-code form."""
    language = _language(request)
    context = _context(request, language, reverse("survey:home"))
    context["title"] = context["words"]["home_h"]  # type: ignore[index]
    return render(request, "survey/home.html", context)


@require_http_methods(["GET", "POST"])
def open_report(request: HttpRequest) -> HttpResponse:
    """POST a receipt code: its report, or the form again with a plain message (GET: the form)."""
    language = _language(request)
    context = _context(request, language, reverse("survey:open_report"))
    words = ui(language)
    context["title"] = words["open_report_h"]
    if request.method == "POST":
        typed = str(request.POST.get("code", ""))[:_MAX_CODE]
        code = normalise_receipt(typed)
        if code is not None and Response.objects.filter(receipt_hash=receipt_hash(code)).exists():
            url = reverse("survey:report", args=[code]) + f"?lang={language}"
            return HttpResponseRedirect(url, status=303)
        context["code_error"] = words["receipt_not_found"] if code else words["receipt_malformed"]
        context["code_value"] = typed
        return render(request, "survey/open_report.html", context, status=404 if code else 422)
    return render(request, "survey/open_report.html", context)
