"""``{% journey_link receipt lang as link %}``: the report's way into the journey, in the page's language."""

from __future__ import annotations

from django import template
from django.urls import reverse

from allypath.web.journey.texts import words

register = template.Library()


@register.simple_tag
def journey_link(receipt: str, language: str) -> dict[str, str]:
    jw = words(language or "en")
    return {
        "heading": jw["journey_h"],
        "button": jw["open_journey"],
        "invite": jw["journey_invite"],
        "url": reverse("journey:home", args=[receipt]) + f"?lang={language or 'en'}",
    }
