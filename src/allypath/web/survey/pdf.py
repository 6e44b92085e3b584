"""The report as a printable PDF (WeasyPrint), from the same words as the web page."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

__all__ = ["render_pdf"]


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    # imported here: allypath.reports loads the chart engine, which the survey's pages never need
    from allypath.reports.pdf import pdf_bytes

    html = render_to_string(template, context)
    stylesheet = finders.find("allypath/report-print.css")
    assert isinstance(stylesheet, str), "allypath/report-print.css is missing from the static files"
    return pdf_bytes(html, stylesheets=[stylesheet])
