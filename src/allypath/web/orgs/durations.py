"""How long a wave's survey takes, by its form, in the survey's three languages.

The start page and allypath's invitation e-mail say it, so a short pulse is never advertised as the
full survey's 10 to 15 minutes. It lives with the waves (the organisations app), which the e-mails
and the survey pages both read.
"""

from __future__ import annotations

from allypath.model import Text

__all__ = ["DURATIONS", "duration"]

#: By the wave's form (``Wave.form``). No French punctuation here needs its narrow space.
DURATIONS: dict[str, Text] = {
    "full": Text({"en": "10 to 15 minutes", "fr": "10 à 15 minutes", "ar": "من 10 إلى 15 دقيقة"}),
    "short": Text({"en": "about 5 minutes", "fr": "environ 5 minutes", "ar": "نحو 5 دقائق"}),
}


def duration(form: str, language: str) -> str:
    """How long a wave of ``form`` (full or short) takes, in ``language``; the full survey's when unknown."""
    return DURATIONS.get(form, DURATIONS["full"]).get_lang(language)
