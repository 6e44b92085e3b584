"""The invitation and reminder e-mails: allypath's wording, HR's edits, placeholders and previews.

HR may rewrite the subject and body of each e-mail in each language of a wave. An edit is checked before
it is saved: the body must carry the personal link, and only the placeholders below may appear, so a
typo cannot send 2,800 e-mails with "{lnik}" in them. What HR left unedited keeps allypath's wording.

allypath's invitation states how long the survey takes through ``{duration}``, filled in from the wave's
form (full or short) when the e-mail is written, so the same wording stays true when the form changes.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.utils import formats, translation

from allypath.model import Text
from allypath.web.orgs.durations import duration

if TYPE_CHECKING:
    from allypath.web.orgs.models import Wave

__all__ = [
    "EMAIL_KINDS",
    "PLACEHOLDERS",
    "Email",
    "check_email",
    "default_email",
    "local_date",
    "render_email",
]

EmailKind = Literal["invitation", "reminder"]
EMAIL_KINDS: tuple[EmailKind, ...] = ("invitation", "reminder")

#: What an e-mail may say in braces, and what it becomes.
PLACEHOLDERS = {
    "link": "the person's own survey link (required in the body)",
    "opens": "the day the survey opens",
    "closes": "the last day to answer",
    "k": "the smallest group whose results HR sees",
    "org": "the organisation's name",
    "duration": "how long the survey takes (10 to 15 minutes for the full survey, about 5 for the short "
    "pulse), in the e-mail's language",
}


def _t(en: str, fr: str, ar: str) -> Text:
    return Text({"en": en, "fr": fr, "ar": ar})


_DEFAULTS: dict[EmailKind, tuple[Text, Text]] = {
    "invitation": (
        _t(
            "Your invitation: gender equity at work, your perspective",
            "Votre invitation : l'égalité femmes-hommes au travail, votre regard",
            "دعوتك: المساواة بين الجنسين في العمل من وجهة نظرك",
        ),
        _t(
            "You are invited to a short survey on gender equity at work ({duration}).\n\n"
            "Your personal link: {link}\n\n"
            "Your answers are not shown to your employer: HR sees only results of groups of at least {k} "
            "people. After answering you get a private report that only you can open.\n"
            "The link works once and until {closes}. Please do not forward it.",
            "Vous êtes invité à une courte enquête sur l'égalité femmes-hommes au travail ({duration})."
            "\n\nVotre lien personnel : {link}\n\n"
            "Vos réponses ne sont pas montrées à votre employeur : les RH ne voient que les résultats de "
            "groupes d'au moins {k} personnes. Après avoir répondu, vous recevez un rapport privé que vous "
            "seul pouvez ouvrir.\nLe lien fonctionne une fois, jusqu'au {closes}. Merci de ne pas le "
            "transférer.",
            "أنت مدعو إلى استبيان قصير حول المساواة بين الجنسين في العمل ({duration}).\n\n"
            "رابطك الشخصي: {link}\n\n"
            "لا تُعرض إجاباتك على جهة عملك: لا ترى الموارد البشرية إلا نتائج مجموعات لا يقل عدد أفرادها "
            "عن {k}. بعد الإجابة تحصل على تقرير خاص لا يفتحه أحد غيرك.\n"
            "يعمل الرابط مرة واحدة وحتى {closes}. يُرجى عدم إعادة توجيهه.",
        ),
    ),
    "reminder": (
        _t(
            "Reminder: gender equity at work, your perspective",
            "Rappel : l'égalité femmes-hommes au travail, votre regard",
            "تذكير: المساواة بين الجنسين في العمل من وجهة نظرك",
        ),
        _t(
            "If you have not answered yet, there is still time until {closes}.\n\n"
            "A new personal link: {link}\n\n"
            "If you already started, open the link from your first e-mail on the same device to find your "
            "saved answers. "
            "If you have already answered, please ignore this message: we do not know who has answered.",
            "Si vous n'avez pas encore répondu, il est encore temps jusqu'au {closes}.\n\n"
            "Un nouveau lien personnel : {link}\n\n"
            "Si vous avez déjà commencé, ouvrez le lien de votre premier e-mail sur le même appareil pour "
            "retrouver vos réponses enregistrées. "
            "Si vous avez déjà répondu, ignorez ce message : nous ne savons pas qui a répondu.",
            "إن لم تكن قد أجبت بعد، فما زال أمامك وقت حتى {closes}.\n\n"
            "رابط شخصي جديد: {link}\n\n"
            "إن كنت قد بدأت بالفعل، فافتح رابط رسالتك الأولى على الجهاز نفسه لتجد إجاباتك المحفوظة. "
            "وإن كنت قد أجبت، فتجاهل هذه الرسالة: نحن لا نعرف من أجاب.",
        ),
    ),
}


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def default_email(kind: EmailKind, language: str) -> Email:
    subject, body = _DEFAULTS[kind]
    return Email(subject.get_lang(language), body.get_lang(language))


def wave_email(wave: Wave, kind: EmailKind, language: str) -> Email:
    """The wording the wave will send: HR's edit where there is one, allypath's otherwise."""
    edited = (wave.emails or {}).get(kind, {}).get(language, {})
    default = default_email(kind, language)
    return Email(edited.get("subject") or default.subject, edited.get("body") or default.body)


def check_email(text: str, *, needs_link: bool) -> str | None:
    """Why ``text`` cannot be sent, in words, or None when it can."""
    try:
        fields = [name for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return "a brace { or } has no partner: write {{ or }} for a brace to appear as such"
    unknown = sorted({name for name in fields if name not in PLACEHOLDERS})
    if unknown:
        allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        return (
            f"{', '.join('{' + u + '}' for u in unknown)} is not a placeholder; the ones available: {allowed}"
        )
    if needs_link and "link" not in fields:
        return "the e-mail must contain {link}, the person's own survey link"
    return None


def local_date(day: dt.date, language: str) -> str:
    """``day`` as people write it in ``language`` (9 March 2026, 9 mars 2026, ٩ مارس ٢٠٢٦)."""
    with translation.override(language):
        return str(formats.date_format(day, "DATE_FORMAT"))


def render_email(wave: Wave, kind: EmailKind, language: str, link: str) -> Email:
    """The e-mail one person receives."""
    email = wave_email(wave, kind, language)
    values = {
        "link": link,
        "opens": local_date(wave.opens_on, language),
        "closes": local_date(wave.closes_on, language),
        "k": wave.k,
        "org": wave.org.name,
        "duration": duration(wave.form, language),
    }
    return Email(email.subject.format(**values), email.body.format(**values))
