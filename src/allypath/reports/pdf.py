"""Every allypath PDF is written here, tagged for screen readers.

An untagged PDF is a flat picture of text to a screen reader: no headings to jump between, no reading
order, no table cells tied to their headers, nothing said for a chart. So each PDF is written as
PDF/UA-1 (WeasyPrint's ``pdf/ua-1`` variant): a structure tree built from the HTML (headings, lists,
tables with TH/TD, a Figure per chart whose alternative text is the chart's ``<title>`` or the image's
``alt``), the language from ``<html lang>`` and the title from ``<title>`` shown as the window's title.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence

from allypath.reports.charts import printable

__all__ = ["PDF_VARIANT", "pdf_bytes"]

#: Tagged, with language, title and the PDF/UA identification in its metadata.
PDF_VARIANT = "pdf/ua-1"

_HIDDEN_SVG = re.compile(r"<svg\b(?=[^>]*\baria-hidden=\"true\")[^>]*>.*?</svg>", re.S)
_CLASS = re.compile(r'\sclass="([^"]*)"')
_SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'


def pdf_bytes(page: str, *, stylesheets: Sequence[str] = ()) -> bytes:
    """``page`` (HTML) as a tagged PDF; ``stylesheets`` are CSS files added to the page's own."""
    from weasyprint import CSS, HTML  # imported here: loading Pango costs ~0.5 s, only PDFs need it

    ready = _decorations_as_backgrounds(printable(page))
    sheets = [CSS(filename=sheet) for sheet in stylesheets]
    # No base_url: the pages carry no external resources, so WeasyPrint fetches nothing.
    return bytes(HTML(string=ready).write_pdf(stylesheets=sheets, pdf_variant=PDF_VARIANT))


def _decorations_as_backgrounds(page: str) -> str:
    """Each ``aria-hidden`` SVG (a decoration that repeats the words beside it, such as the bars of
    the respondent's report) drawn as the background of an empty span of its class instead.

    WeasyPrint tags every inline SVG as a Figure, and a Figure with nothing to say is a blank stop
    for a screen reader; a background is written as an artifact, which screen readers skip, as the
    HTML's ``aria-hidden`` asks. The web page keeps its SVG.
    """

    def background(match: re.Match[str]) -> str:
        svg = match.group(0)
        opening = svg[: svg.index(">")]
        if _SVG_NAMESPACE not in opening:  # HTML lets an inline SVG leave it out, an image may not
            svg = svg.replace("<svg", f"<svg {_SVG_NAMESPACE}", 1)
        found = _CLASS.search(opening)
        classes = f' class="{found.group(1)}"' if found else ""
        image = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        style = (
            "display: inline-block; background: no-repeat 0 0 / 100% 100% "
            f"url(data:image/svg+xml;base64,{image})"
        )
        return f'<span{classes} style="{style}"></span>'

    return _HIDDEN_SVG.sub(background, page)
