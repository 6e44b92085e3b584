# ruff: noqa: E501 -- prose in three languages reads better unbroken
"""The English names the reports and the console show for stages, factors, interventions, items, constructs
and measures.

One place for them, so the reports, the dashboard pages, the API and the commands name things alike.
They come from the model (:mod:`allypath.model`) and the instrument, never from query keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allypath.model import FACTORS, INTERVENTIONS, STAGES

if TYPE_CHECKING:
    from allypath.instrument import Instrument

__all__ = [
    "ANSWER_WORDS",
    "BY_WORDS",
    "COVER_WORDS",
    "EVERYONE_LABEL",
    "FACTOR_LABELS",
    "INTERVENTION_LABELS",
    "INTERVENTION_TEXT",
    "MONTHS",
    "STAGE_NAMES",
    "board_subtitle",
    "board_title",
    "construct_name",
    "item_name",
    "measure_name",
    "stage_names",
]

STAGE_NAMES = tuple(s.short_label.get_lang("en") for s in STAGES)
FACTOR_LABELS = {f.key: f.label.get_lang("en") for f in FACTORS}
INTERVENTION_LABELS = {i.key: i.label.get_lang("en") for i in INTERVENTIONS}
INTERVENTION_TEXT = {i.key: i.description.get_lang("en") for i in INTERVENTIONS}
ANSWER_WORDS = {
    "yes": "Yes",
    "partly": "Partly",
    "no": "No",
    "unknown": "Not known",
    "close": "Too close to call",
}
EVERYONE_LABEL = "Everyone"

#: The words of the board report's first pages (its cover, its title and subtitle, the page footer,
#: the overview's headings) in the summary's languages; the later pages' are in
#: :mod:`allypath.reports.board_words`.
COVER_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "key_message": "Key message",
        "about": "Gender Equity Mindset Model: where groups of men stand on the path to allyship, what holds them back, and what HR can do next.",
        "placed": "{n} respondents placed",
        "too_few": "Too few respondents to report",
        "invited": " of {invited} invited ({rate} answered)",
        "results_by": "results by {by}; groups of fewer than {k} are never shown.",
        "prepared": "Prepared {date}. The summary overleaf explains each answer with its figures.",
        "sep": ";",
        "page": "Page ",
        "page_of": " of ",
        "title": "{org}: allyship diagnostic",
        "subtitle": "Wave {wave} · {scope}",
        "whole": "the whole organisation",
        "overview": "Overview",
        "mix_caption": "Stage mix of everyone, with 95% intervals",
        "stage": "Stage",
        "share": "Share of the men",
        "likely": "Likely between",
        "expected": "Share counting each man's chance of each stage",
        "mix_title": "Stage mix: everyone and by {by}",
    },
    "fr": {
        "key_message": "Message clé",
        "about": "Modèle Gender Equity Mindset : où en sont les groupes d'hommes sur le chemin de l'engagement pour l'égalité, ce qui les freine et ce que les RH peuvent faire ensuite.",
        "placed": "{n} répondants situés sur le modèle",
        "too_few": "Trop peu de répondants pour publier des résultats",
        "invited": " sur {invited} invités ({rate} ont répondu)",
        "results_by": "résultats par {by} ; les groupes de moins de {k} personnes ne sont jamais montrés.",
        "prepared": "Préparé le {date}. Le résumé qui suit explique chaque réponse avec ses chiffres.",
        "sep": "\u00a0;",
        "page": "Page ",
        "page_of": " sur ",
        "title": "{org} : diagnostic de l'engagement des hommes pour l'égalité",
        "subtitle": "Vague {wave} · {scope}",
        "whole": "toute l'organisation",
        "overview": "Vue d'ensemble",
        "mix_caption": "Répartition de tous les hommes entre les étapes, avec les intervalles à 95 %",
        "stage": "Étape",
        "share": "Part des hommes",
        "likely": "Probablement entre",
        "expected": "Part en comptant la probabilité de chaque homme d'être à chaque étape",
        "mix_title": "Répartition entre les étapes : tous et par {by}",
    },
    "ar": {
        "key_message": "الرسالة الأساسية",
        "about": "نموذج عقلية المساواة بين الجنسين: أين تقف مجموعات الرجال على طريق المناصرة، وما الذي يعيقها، وما الذي يمكن للموارد البشرية فعله بعد ذلك.",
        "placed": "عدد المشاركين الذين حُدِّد موقعهم على النموذج: {n}",
        "too_few": "عدد المشاركين أقل من أن تُنشر النتائج",
        "invited": " من أصل {invited} مدعوًا (نسبة الإجابة {rate})",
        "results_by": "النتائج حسب {by}؛ لا تُعرض أبدًا المجموعات التي تضم أقل من {k} أشخاص.",
        "prepared": "أُعدّ في {date}. تشرح الخلاصة في الصفحة التالية كل إجابة بأرقامها.",
        "sep": "؛",
        "page": "صفحة ",
        "page_of": " من ",
        "title": "{org}: تشخيص مناصرة الرجال للمساواة",
        "subtitle": "الموجة {wave} · {scope}",
        "whole": "المؤسسة بأكملها",
        "overview": "نظرة عامة",
        "mix_caption": "توزيع جميع الرجال على المراحل، مع نطاقات الثقة 95%",
        "stage": "المرحلة",
        "share": "نسبة الرجال",
        "likely": "على الأرجح بين",
        "expected": "النسبة مع احتساب احتمال وجود كل رجل في كل مرحلة",
        "mix_title": "التوزيع على المراحل: الجميع وحسب {by}",
    },
}
#: The breakdowns' names in a sentence ("results by unit"), by language; English keeps the key.
BY_WORDS = {
    "fr": {"unit": "unité", "level": "niveau", "region": "région", "team": "équipe"},
    "ar": {"unit": "الوحدة", "level": "المستوى", "region": "المنطقة", "team": "الفريق"},
}
MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "ar": (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ),
}


def stage_names(language: str) -> tuple[str, ...]:
    """The stages' short names in ``language`` (English where it has none)."""
    return tuple(s.short_label.get_lang(language) for s in STAGES)


def construct_name(instrument: Instrument, construct_id: str) -> str:
    """A construct as people read it: its English label ("Apathy", "Zero-sum belief"), its id when the
    instrument has no such construct."""
    try:
        return instrument.construct(construct_id).label.get_lang("en")
    except KeyError:
        return construct_id


def measure_name(instrument: Instrument, column: str) -> str:
    """A measure of a scored file as people read it: the index in words, a ``score_<construct>`` by its
    construct's label, any other column as it is (``allypath stats retest`` and the methods report)."""
    # allypath.stats takes seconds to import: only here, where a measure is named, never on the
    # import of the names the dashboard and the board report use
    from allypath.stats.retest import INDEX_COLUMN, SCORE_PREFIX

    if column == INDEX_COLUMN:
        return "Developmental index (0-100)"
    if column.startswith(SCORE_PREFIX):
        return construct_name(instrument, column.removeprefix(SCORE_PREFIX))
    return column


def _cover_words(language: str) -> dict[str, str]:
    return COVER_WORDS.get(language, COVER_WORDS["en"])


def board_title(org: str, language: str = "en") -> str:
    """The board report's title in ``language`` (English where it has none).

    >>> board_title("Northwind"), board_title("Northwind", "fr")
    ('Northwind: allyship diagnostic', "Northwind : diagnostic de l'engagement des hommes pour l'égalité")
    """
    return _cover_words(language)["title"].format(org=org)


def board_subtitle(wave: str, scope: str | None = None, language: str = "en") -> str:
    """The board report's subtitle in ``language``: the wave and the selection, the whole organisation
    where ``scope`` is None (a filtered selection is named by its values, which are the data's own).

    >>> board_subtitle("2026 Q1"), board_subtitle("2026 Q1", "Sales · Manager", "fr")
    ('Wave 2026 Q1 · the whole organisation', 'Vague 2026 Q1 · Sales · Manager')
    """
    words = _cover_words(language)
    return words["subtitle"].format(wave=wave, scope=words["whole"] if scope is None else scope)


def item_name(instrument: Instrument, item_id: str, limit: int = 60) -> str:
    """An item as people read it: its question in quotes (shortened when long), its id in brackets."""
    try:
        text = instrument.item(item_id).text.get_lang("en")
    except KeyError:
        return item_id
    if len(text) > limit:
        cut = text[: limit - 1]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,.;:") + "…"
    return f"“{text}” ({item_id})"
