"""The scenario workshop deck: dilemmas for a group's most common stage and weakest context, as a PDF.

One landscape page per slide: an opening slide, how the session works, then for each dilemma the
situation and its options, what each option tends to lead to, and the debrief; a closing slide with
the "one action" each participant writes down. The facilitator's version (the default) puts the
notes for each slide under it; ``notes=False`` gives the version to project.

The stage and the context are parameters: this module never reads survey responses. When they are
chosen from a group's results, :func:`pick_for_group` reads them from that group's figures as the
privacy release shows them (the console passes its stage-mix and context-profile records; see
``allypath.web.console.dashboard_deck``), so no deck is chosen for a group the dashboard would hide.

Django-free: the CLI (``allypath content deck``) and the console both call it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allypath.content import Dilemma, DilemmaSet, Profile, choose_dilemmas, next_items
from allypath.errors import DataError
from allypath.model import STAGE_KEYS, Text, is_rtl, stage
from allypath.reports.pdf import pdf_bytes

__all__ = [
    "LABELS",
    "MAX_DILEMMAS",
    "Deck",
    "deck_html",
    "deck_pdf",
    "pick_for_group",
    "workshop_deck",
    "write_deck",
]

MAX_DILEMMAS = 6  # the opening slide lists them all; six fit (checked page by page in the tests)

# The deck's own words, in each language the content is written in.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Scenario workshop",
        "subtitle": "Real dilemmas, no right answers: what would you do, and what would it lead to?",
        "how_title": "How we will work",
        "how": (
            "What is said here stays here.|We speak from our own experience.|"
            "There is no right answer, only consequences to think through.|"
            "Anyone may pass."
        ),
        "situation": "The situation",
        "options": "What would you do?",
        "outcomes": "What each option tends to lead to",
        "debrief": "Debrief",
        "debrief_prompt": "Which option would you really choose? What would make another one easier?",
        "close_title": "One action",
        "close": "Write down one thing you will do differently in the next two weeks, and when.",
        "further": "To go further",
        "notes": "Facilitator notes",
        "group_note": (
            "This deck was chosen for a group whose most common stage is “{stage}” and whose weakest "
            "context is “{context}”. What helps at this stage: {action}. {focus}"
        ),
        "timing": (
            "Allow about 20 minutes per dilemma: 5 to read and choose, 10 to discuss, 5 for the debrief."
        ),
        "outcome_note": "Reveal the outcomes after everyone has chosen. None is presented as the answer.",
        "close_note": "Invite, do not collect: commitments stay with each person.",
        "minutes": "{n} min read",
        "page": "page",
        "of": "of",
        "context_label": "Context:",
    },
    "fr": {
        "title": "Atelier de mises en situation",
        "subtitle": "De vrais dilemmes, pas de bonne réponse : que feriez-vous, et à quoi cela mènerait-il ?",
        "how_title": "Notre façon de travailler",
        "how": (
            "Ce qui se dit ici reste ici.|Chacun parle de sa propre expérience.|"
            "Il n'y a pas de bonne réponse, seulement des conséquences à examiner.|"
            "Chacun peut passer son tour."
        ),
        "situation": "La situation",
        "options": "Que feriez-vous ?",
        "outcomes": "À quoi mène généralement chaque option",
        "debrief": "Retour collectif",
        "debrief_prompt": (
            "Quelle option choisiriez-vous vraiment ? Qu'est-ce qui rendrait une autre option plus facile ?"
        ),
        "close_title": "Une action",
        "close": "Notez une chose que vous ferez autrement dans les deux semaines qui viennent, et quand.",
        "further": "Pour aller plus loin",
        "notes": "Notes pour l'animation",
        "group_note": (
            "Ce support a été choisi pour un groupe dont l'étape la plus fréquente est « {stage} » et le "
            "contexte le plus fragile « {context} ». Ce qui aide à cette étape : {action}. {focus}"
        ),
        "timing": (
            "Comptez environ 20 minutes par dilemme : 5 pour lire et choisir, 10 pour en discuter, 5 pour "
            "le retour collectif."
        ),
        "outcome_note": (
            "Dévoilez les conséquences une fois que chacun a choisi. Aucune option n'est présentée comme "
            "la bonne réponse."
        ),
        "close_note": "Invitez, ne ramassez pas : les engagements restent à chacun.",
        "minutes": "lecture : {n} min",
        "page": "page",
        "of": "sur",
        "context_label": "Contexte :",
    },
    "ar": {
        "title": "ورشة المواقف العملية",
        "subtitle": "معضلات حقيقية بلا إجابة صحيحة واحدة: ماذا كنت ستفعل، وإلامَ سيؤدي ذلك؟",
        "how_title": "كيف سنعمل",
        "how": (
            "ما يُقال هنا يبقى هنا.|يتحدث كل منا من تجربته.|"
            "لا توجد إجابة صحيحة، بل عواقب نتأملها.|"
            "يحق لأي شخص ألّا يشارك."
        ),
        "situation": "الموقف",
        "options": "ماذا كنت ستفعل؟",
        "outcomes": "إلامَ يؤدي كل خيار في الغالب",
        "debrief": "النقاش الختامي",
        "debrief_prompt": "أيّ خيار كنت ستختاره فعلًا؟ وما الذي قد يجعل خيارًا آخر أسهل؟",
        "close_title": "خطوة واحدة",
        "close": "اكتب أمرًا واحدًا ستفعله بشكل مختلف خلال الأسبوعين القادمين، ومتى.",
        "further": "للمزيد",
        "notes": "ملاحظات للميسّر",
        "group_note": (
            "اختيرت هذه الشرائح لمجموعة أكثر مراحلها شيوعًا «{stage}» وأضعف سياقاتها «{context}». "
            "ما يساعد في هذه المرحلة: {action}. {focus}"
        ),
        "timing": "خصّص نحو عشرين دقيقة لكل معضلة: خمس للقراءة والاختيار، وعشر للنقاش، وخمس للنقاش الختامي.",
        "outcome_note": "اكشف العواقب بعد أن يختار الجميع. لا يُقدَّم أي خيار على أنه الإجابة الصحيحة.",
        "close_note": "ادعُ ولا تجمع: تبقى الالتزامات لدى أصحابها.",
        "minutes": "القراءة: {n} دقائق",
        "page": "الصفحة",
        "of": "من",
        "context_label": "السياق:",
    },
}


@dataclass(frozen=True)
class Deck:
    """What goes into one workshop deck (build it with :func:`workshop_deck`)."""

    stage: int
    context: str
    language: str
    dilemmas: tuple[Dilemma, ...]
    further: tuple[Text, ...] = ()
    generated: dt.date = field(default_factory=dt.date.today)


def _context_label(context: str) -> Text:
    from allypath.instrument import load_instrument

    for construct in load_instrument().constructs_of("context"):
        if construct.context == context:
            return construct.label
    return Text({"en": context})


def workshop_deck(
    stage_number: int,
    context: str,
    *,
    language: str = "en",
    n: int = 3,
    dilemmas: DilemmaSet | None = None,
) -> Deck:
    """A deck of ``n`` dilemmas for a group's most common stage and weakest context.

    ``stage_number`` and ``context`` are given by whoever runs the workshop (or, later, taken from
    the privacy release); nothing here reads responses.
    """
    if language not in LABELS:
        raise DataError(f"no deck wording in {language!r}; use one of {', '.join(LABELS)}")
    if not 1 <= n <= MAX_DILEMMAS:
        raise DataError(f"a deck holds 1 to {MAX_DILEMMAS} dilemmas (one workshop), got {n}")
    chosen = choose_dilemmas(stage_number, context, dilemmas, n=n)
    further = tuple(s.item.title for s in next_items(Profile(stage=stage_number, context=context), n=2))
    return Deck(stage=stage_number, context=context, language=language, dilemmas=chosen, further=further)


#: Two released figures closer than this are a tie (they are means of the same rows: a real tie is
#: exact, this only absorbs floating-point noise).
TIE = 1e-9


def _figure(value: Any) -> float | None:
    """A released figure as a number; None where the release withholds it (None, NaN, pd.NA)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def pick_for_group(
    mix: Mapping[str, Any], profile: Mapping[str, Any], contexts: Sequence[str]
) -> tuple[int, str] | None:
    """(stage number, context) for a group from its released figures, or None if they do not tell.

    ``mix`` is the group's stage-mix record (``share_<stage>`` for apathy ... energised), ``profile``
    its context-profile record (context key -> mean stage), both as the release shows them: a
    withheld figure is None or NaN. ``contexts`` lists the context keys in the instrument's order.

    The most common stage is the one with the largest share; on a tie, the earlier stage, because a
    deck pitched at the earlier stage still gives those further along something to lead, while one
    pitched ahead loses those behind. The weakest context is the one with the lowest mean stage; on
    a tie, the first in the instrument's order. None when the release shows no stage split (two bands
    or none) or no context mean for the group: the deck is then not chosen from its results.

    Examples
    --------
    >>> mix = {"share_apathy": 0.1, "share_ambivalence": 0.4, "share_reflective": 0.4}
    >>> mix["share_energised"] = 0.1
    >>> contexts = ["team_meetings", "hiring_promotion"]
    >>> pick_for_group(mix, {"team_meetings": 2.6, "hiring_promotion": 2.2}, contexts)
    (2, 'hiring_promotion')
    >>> pick_for_group({**mix, "share_apathy": None}, {"team_meetings": 2.6}, contexts) is None
    True
    """
    shares = [_figure(mix.get(f"share_{key}")) for key in STAGE_KEYS]
    if any(share is None for share in shares):
        return None  # the release shows this group's split in bands or not at all
    known = [share for share in shares if share is not None]
    top = max(known)
    most_common = next(number for number, share in enumerate(known, 1) if share >= top - TIE)
    means = [(key, _figure(profile.get(key))) for key in contexts]
    released = [(key, mean) for key, mean in means if mean is not None]
    if not released or top <= 0:
        return None
    lowest = min(mean for _, mean in released)
    weakest = next(key for key, mean in released if mean <= lowest + TIE)
    return most_common, weakest


def deck_html(deck: Deck, *, notes: bool = True) -> str:
    """The deck as one HTML page of landscape slides (print styles for the PDF)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("allypath.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    lang = deck.language
    words = LABELS[lang]
    current = stage(deck.stage)
    context = _context_label(deck.context).get_lang(lang)
    group_note = words["group_note"].format(
        stage=current.label.get_lang(lang),
        context=context,
        action=_lower_first(current.action.get_lang(lang)),
        focus=current.hr_focus.get_lang(lang),
    )
    values: dict[str, Any] = {
        "deck": deck,
        "lang": lang,
        "dir": "rtl" if is_rtl(lang) else "ltr",
        "words": words,
        "rules": words["how"].split("|"),
        "context": context,
        "group_note": group_note,
        "notes": notes,
        "letters": "ABCDE",
        "t": lambda text: text.get_lang(lang),
        "footer": _css_string(f"{words['title']} — {context} · {words['page']}"),
    }
    return env.get_template("deck.html").render(**values)


def _lower_first(text: str) -> str:
    """Mid-sentence, the stage's action starts with a small letter (scripts without case are unchanged)."""
    return text[:1].lower() + text[1:]


def _css_string(value: str) -> Any:
    """``value`` as a quoted CSS string, safe inside the template's <style> (no HTML escaping)."""
    from markupsafe import Markup

    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ").replace("\n", " ")
    return Markup(f'"{text}"')  # noqa: S704 - escaped for a CSS string above


def deck_pdf(deck: Deck, *, notes: bool = True) -> bytes:
    """The deck as a tagged PDF (:func:`~allypath.reports.pdf.pdf_bytes`), one landscape A4 page per slide."""
    return pdf_bytes(deck_html(deck, notes=notes))


def write_deck(deck: Deck, path: str | Path, *, notes: bool = True) -> Path:
    """Write the deck as ``.pdf`` or ``.html`` (by the suffix of ``path``)."""
    target = Path(path)
    kind = target.suffix.lower()
    if kind == ".pdf":
        target.write_bytes(deck_pdf(deck, notes=notes))
    elif kind in (".html", ".htm"):
        target.write_text(deck_html(deck, notes=notes), encoding="utf-8")
    else:
        raise DataError(f"cannot write a deck as {target.suffix!r}; use .pdf or .html", file=str(path))
    return target
