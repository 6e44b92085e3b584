# ruff: noqa: E501 -- prose in three languages reads better unbroken
"""Why a group is hidden, in English, French and Arabic: the privacy rules' reasons as a release
(:func:`~allypath.privacy.release.plain_reason`) and the gate (:class:`~allypath.privacy.Decision`)
word them, so that a French or Arabic report never quotes them in English.

The published rows carry the reason in English words (``note``, ``message``, ``split_message``);
:func:`reason_in` finds which reason it is and gives it in another language. The English column
repeats the privacy rules' wording (tests/analytics/test_plan_language.py checks that it does), so
a reworded reason is noticed. A reason this table does not know (a gate's specific detail) reads
as the general "hidden by the privacy rules". Translation data and one helper; Django-free.
"""

from __future__ import annotations

from allypath.privacy import PrivacyPolicy

__all__ = ["REASON_WORDS", "reason_in"]

#: Keys: the release's reason codes, ``gate_`` and the gate's, and ``hidden`` (any other reason).
REASON_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "below_k": "fewer than {k} people",
        "complementary": "hidden so that a smaller group cannot be worked out",
        "not_declared": "this combination is not among the breakdowns the organisation publishes; an organisation admin can add it",
        "not_declared_wave": "this breakdown was added after this wave's figures were first published; it is published for later waves",
        "pooled": "figures are published per wave; choose one wave",
        "bands": "shown in two bands (early and later stages) so that no one's stage can be worked out",
        "attribute": "the stage split is hidden so that no one's stage can be worked out",
        "open_wave": "results appear when the wave closes: while answers arrive, each new figure would single out the newest responses",
        "below_k_text": "fewer than {k_text} people wrote comments",
        "comment_overlap": "hidden so that the comments of a smaller group cannot be singled out",
        "below_k_answers": "fewer than {k} people answered these questions",
        "complementary_answers": "hidden so that the answers of a smaller group cannot be worked out",
        "answer_split": "hidden so that no one's answer can be worked out",
        "gate_below_k": "hidden: fewer respondents than the minimum group size",
        "gate_complementary": "hidden: shown alone it would let a smaller hidden group be worked out by subtraction",
        "gate_differencing": "hidden: combined with figures already shown to this viewer it would single out fewer respondents than the minimum group size",
        "gate_trend": "hidden: the group does not pass the privacy rules on both waves",
        "gate_below_k_text": "hidden: fewer respondents than the minimum group size for comments",
        "gate_not_published": "hidden: not among the figures the organisation publishes",
        "hidden": "hidden by the privacy rules",
    },
    "fr": {
        "below_k": "moins de {k} personnes",
        "complementary": "masqué pour qu'un groupe plus petit ne puisse pas être reconstitué",
        "not_declared": "cette combinaison ne fait pas partie des ventilations que l'organisation publie ; un administrateur de l'organisation peut l'ajouter",
        "not_declared_wave": "cette ventilation a été ajoutée après la première publication des chiffres de cette vague ; elle est publiée pour les vagues suivantes",
        "pooled": "les chiffres sont publiés par vague ; choisissez une vague",
        "bands": "montré en deux tranches (premières et dernières étapes) pour que l'étape de chacun reste impossible à déduire",
        "attribute": "la répartition entre les étapes est masquée pour que l'étape de chacun reste impossible à déduire",
        "open_wave": "les résultats paraissent à la clôture de la vague : tant que des réponses arrivent, chaque nouveau chiffre isolerait les réponses les plus récentes",
        "below_k_text": "moins de {k_text} personnes ont écrit des commentaires",
        "comment_overlap": "masqué pour que les commentaires d'un groupe plus petit ne puissent pas être isolés",
        "below_k_answers": "moins de {k} personnes ont répondu à ces questions",
        "complementary_answers": "masqué pour que les réponses d'un groupe plus petit ne puissent pas être reconstituées",
        "answer_split": "masqué pour que la réponse de chacun reste impossible à déduire",
        "gate_below_k": "masqué : moins de répondants que la taille minimale d'un groupe",
        "gate_complementary": "masqué : montré seul, il permettrait de reconstituer par soustraction un groupe masqué plus petit",
        "gate_differencing": "masqué : rapproché des chiffres déjà montrés à cette personne, il isolerait moins de répondants que la taille minimale d'un groupe",
        "gate_trend": "masqué : le groupe ne respecte pas les règles de confidentialité sur les deux vagues",
        "gate_below_k_text": "masqué : moins de répondants que la taille minimale d'un groupe pour les commentaires",
        "gate_not_published": "masqué : ne fait pas partie des chiffres que l'organisation publie",
        "hidden": "masqué par les règles de confidentialité",
    },
    "ar": {
        "below_k": "أقل من {k} أشخاص",
        "complementary": "محجوبة حتى لا يمكن استنتاج مجموعة أصغر",
        "not_declared": "هذا التقاطع ليس من التقسيمات التي تنشرها المؤسسة؛ ويمكن لمسؤول المؤسسة إضافته",
        "not_declared_wave": "أُضيف هذا التقسيم بعد أول نشر لأرقام هذه الموجة؛ وهو يُنشر للموجات اللاحقة",
        "pooled": "تُنشر الأرقام لكل موجة على حدة؛ اختر موجة واحدة",
        "bands": "تُعرض في فئتين (المراحل الأولى والمراحل اللاحقة) حتى لا يمكن استنتاج مرحلة أي شخص",
        "attribute": "توزيع المراحل محجوب حتى لا يمكن استنتاج مرحلة أي شخص",
        "open_wave": "تظهر النتائج عند إغلاق الموجة: ما دامت الإجابات تصل، فإن كل رقم جديد قد يكشف أحدث الإجابات",
        "below_k_text": "أقل من {k_text} أشخاص كتبوا تعليقات",
        "comment_overlap": "محجوبة حتى لا يمكن عزل تعليقات مجموعة أصغر",
        "below_k_answers": "أقل من {k} أشخاص أجابوا عن هذه الأسئلة",
        "complementary_answers": "محجوبة حتى لا يمكن استنتاج إجابات مجموعة أصغر",
        "answer_split": "محجوبة حتى لا يمكن استنتاج إجابة أي شخص",
        "gate_below_k": "محجوبة: عدد المشاركين أقل من الحد الأدنى لحجم المجموعة",
        "gate_complementary": "محجوبة: لو عُرضت وحدها لأمكن استنتاج مجموعة محجوبة أصغر بالطرح",
        "gate_differencing": "محجوبة: لو جُمعت مع الأرقام التي عُرضت على هذا المستخدم لكشفت عددًا من المشاركين أقل من الحد الأدنى لحجم المجموعة",
        "gate_trend": "محجوبة: لا تستوفي المجموعة قواعد الخصوصية في الموجتين",
        "gate_below_k_text": "محجوبة: عدد المشاركين أقل من الحد الأدنى لحجم المجموعة بالنسبة إلى التعليقات",
        "gate_not_published": "محجوبة: ليست من الأرقام التي تنشرها المؤسسة",
        "hidden": "محجوبة بموجب قواعد الخصوصية",
    },
}


def _fill(text: str, policy: PrivacyPolicy) -> str:
    return text.format(k=policy.k, k_text=policy.k_text)


def reason_in(text: str, language: str, policy: PrivacyPolicy | None = None) -> str:
    """The privacy reason ``text`` (English, as a published row carries it) in ``language``: the
    same reason in that language's words, its ``k`` from ``policy`` (the rules that hid it; the
    default rules are tried too, with which a row's stage-split reason is worded). English, or an
    empty reason, is returned as it is.

    >>> reason_in("fewer than 5 people", "fr", PrivacyPolicy(k=5)), reason_in("", "fr")
    ('moins de 5 personnes', '')
    """
    if not text or language == "en" or language not in REASON_WORDS:
        return text
    english = REASON_WORDS["en"]
    for rules in (policy, PrivacyPolicy()):
        if rules is None:
            continue
        for key, words in english.items():
            if _fill(words, rules) == text:
                return _fill(REASON_WORDS[language][key], rules)
    return REASON_WORDS[language]["hidden"]
