"""The report as a printable PDF (WeasyPrint), from the same words as the web page."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

__all__ = ["render_pdf"]


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango costs ~0.5 s, only PDFs need it

    html = render_to_string(template, context)
    stylesheet = finders.find("allypath/report-print.css")
    assert isinstance(stylesheet, str), "allypath/report-print.css is missing from the static files"
    # No base_url: the template has no external resources, so WeasyPrint fetches nothing.
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=stylesheet)])
