# ruff: noqa: E501 -- prose in three languages reads better unbroken
"""The words of the action plans' reasons (:mod:`allypath.analytics.plans`) in English, French and
Arabic, and the numbers as each language writes them (a decimal comma in French and Arabic, as the
summary writes them: :mod:`allypath.analytics.narrative`).

A barrier's or an enabler's mean with its margin takes the summary's words
(:data:`~allypath.analytics.margin_words.MARGIN_WORDS`, ``why_barrier`` ...), so the plan and the
summary say a mean alike; the other reasons are here. Translation data and two small helpers;
Django-free. Each language has every key with the same ``{}`` fields
(tests/analytics/test_plan_language.py checks both).
"""

from __future__ import annotations

__all__ = ["PLAN_WORDS", "decimal", "percent", "plan_words"]

PLAN_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "between": "likely between {low} and {high}",
        "stage_action": "{share} of the group ({between}) is at {stage}, which calls for {need}",
        "stage_action_close": "{share} of the group ({between}) is at {stage}, which calls for {need}; but the true share could be under the 15% at which a stage's own action is worthwhile (too close to call)",
        "context": "the group stands furthest back {context} (average stage {mean} against {overall} in its other situations{each})",
        "each": ", each give or take up to {margin}",
        "fit_one": "suits the men at {stages}: {share} of the group ({between})",
        "fit_many": "suits the men at {stages}: {share} of the group ({between})",
        "stage_name": "{stage}",
        "or_list": " or ",
        "or": " or ",
        "and_list": " and ",
        "and": " and ",
        "reasons": "; ",
        "lead_most": "Most of the group, {share} ({between}), is at {stage}, a stage that calls for {need}.",
        "lead_largest": "The largest share of the group, {share} ({between}), is at {stage}, a stage that calls for {need}.",
        "lead_tie": "The largest shares of the group, {share} each ({each}), are at {stages}.",
        "tie_item": "{stage} {between}",
        "tie_items": "; ",
        "open": "No intervention is proposed yet: the plan is drawn from the group's stage split and scores, which are published when the wave closes (while it is open, only response counts are).",
        "split_hidden": "No intervention is proposed for this group: the plan is drawn from every stage's share, and it is not shown ({why}).",
        "split_bands": "No intervention is proposed for this group: the plan is drawn from every stage's share, and only two bands of it are shown ({why}).",
        "split_unknown": "the release does not publish it",
        "none": "No intervention stands out for this group.",
    },
    "fr": {
        "between": "probablement entre {low} et {high}",
        "stage_action": "{share} du groupe ({between}) est à l'étape {stage}, pour laquelle le modèle préconise « {need} »",
        "stage_action_close": "{share} du groupe ({between}) est à l'étape {stage}, pour laquelle le modèle préconise « {need} » ; avec si peu d'hommes, la part réelle pourrait être sous les 15 % qui justifient l'action propre à une étape (trop serré pour trancher)",
        "context": "le groupe est le plus en retrait dans une situation : {context} (étape moyenne {mean} contre {overall} dans ses autres situations{each})",
        "each": ", à {margin} près au plus pour chacune",
        "fit_one": "convient aux hommes à l'étape {stages} : {share} du groupe ({between})",
        "fit_many": "convient aux hommes aux étapes {stages} : {share} du groupe ({between})",
        "stage_name": "{stage}",
        "or_list": ", ",
        "or": " ou ",
        "and_list": ", ",
        "and": " et ",
        "reasons": " ; ",
        "lead_most": "La majorité du groupe, {share} ({between}), est à l'étape {stage}, pour laquelle le modèle préconise « {need} ».",
        "lead_largest": "La plus grande part du groupe, {share} ({between}), est à l'étape {stage}, pour laquelle le modèle préconise « {need} ».",
        "lead_tie": "Les plus grandes parts du groupe, {share} chacune ({each}), sont aux étapes {stages}.",
        "tie_item": "{stage} {between}",
        "tie_items": " ; ",
        "open": "Aucune intervention n'est encore proposée : le plan s'appuie sur la répartition du groupe entre les étapes et sur ses scores, publiés à la clôture de la vague (tant qu'elle est ouverte, seuls les nombres de réponses le sont).",
        "split_hidden": "Aucune intervention n'est proposée pour ce groupe : le plan s'appuie sur la part de chaque étape, et cette répartition n'est pas montrée ({why}).",
        "split_bands": "Aucune intervention n'est proposée pour ce groupe : le plan s'appuie sur la part de chaque étape, et seules deux tranches en sont montrées ({why}).",
        "split_unknown": "les chiffres publiés ne la contiennent pas",
        "none": "Aucune intervention ne se détache pour ce groupe.",
    },
    "ar": {
        "between": "على الأرجح بين {low} و{high}",
        "stage_action": "{share} من المجموعة ({between}) في مرحلة {stage}، وهي مرحلة يوصي فيها النموذج بـ«{need}»",
        "stage_action_close": "{share} من المجموعة ({between}) في مرحلة {stage}، وهي مرحلة يوصي فيها النموذج بـ«{need}»؛ ومع هذا العدد القليل قد تكون النسبة الفعلية دون 15% التي تستحق عندها المرحلة إجراءها الخاص (يتعذّر الحسم)",
        "context": "تتأخر المجموعة أكثر ما تتأخر في موقف واحد: {context} (متوسط المرحلة {mean} مقابل {overall} في مواقفها الأخرى{each})",
        "each": "، بهامش قد يصل إلى {margin} لكلٍّ منهما",
        "fit_one": "يناسب الرجال في مرحلة {stages}: {share} من المجموعة ({between})",
        "fit_many": "يناسب الرجال في مراحل {stages}: {share} من المجموعة ({between})",
        "stage_name": "«{stage}»",
        "or_list": "، ",
        "or": " أو ",
        "and_list": "، ",
        "and": " و",
        "reasons": "؛ ",
        "lead_most": "أغلب المجموعة، {share} ({between})، في مرحلة {stage}، وهي مرحلة يوصي فيها النموذج بـ«{need}».",
        "lead_largest": "أكبر نسبة من المجموعة، {share} ({between})، في مرحلة {stage}، وهي مرحلة يوصي فيها النموذج بـ«{need}».",
        "lead_tie": "أكبر النسب في المجموعة، {share} لكلٍّ منها ({each})، في مراحل {stages}.",
        "tie_item": "{stage} {between}",
        "tie_items": "؛ ",
        "open": "لم يُقترح أي إجراء بعد: تُبنى الخطة على توزيع المجموعة على المراحل وعلى درجاتها، وهي تُنشر عند إغلاق الموجة (ما دامت مفتوحة لا تُنشر إلا أعداد الإجابات).",
        "split_hidden": "لا يُقترح أي إجراء لهذه المجموعة: تُبنى الخطة على نسبة كل مرحلة، وهذا التوزيع غير معروض ({why}).",
        "split_bands": "لا يُقترح أي إجراء لهذه المجموعة: تُبنى الخطة على نسبة كل مرحلة، ولا يُعرض من هذا التوزيع إلا فئتان ({why}).",
        "split_unknown": "لا تتضمنه الأرقام المنشورة",
        "none": "لا يبرز أي إجراء لهذه المجموعة.",
    },
}

_DECIMAL = {"en": ".", "fr": ",", "ar": ","}  # as the summary writes them (Django's formats)
_PERCENT = {"en": "%", "fr": "\u00a0%", "ar": "%"}


def plan_words(language: str) -> dict[str, str]:
    """The plan's words in ``language`` (English where it has none)."""
    return PLAN_WORDS.get(language, PLAN_WORDS["en"])


def decimal(value: float, language: str = "en", digits: int = 1) -> str:
    """A number with ``digits`` decimals as ``language`` writes it.

    >>> decimal(3.86), decimal(3.86, "fr"), decimal(0.4, "ar")
    ('3.9', '3,9', '0,4')
    """
    return f"{value:.{digits}f}".replace(".", _DECIMAL.get(language, "."))


def percent(share: float, language: str = "en") -> str:
    """A share as a whole percentage, as ``language`` writes it (rounded as ``f"{share:.0%}"``).

    >>> percent(0.38), percent(0.38, "fr"), percent(0.38, "ar")
    ('38%', '38\\xa0%', '38%')
    """
    return f"{share:.0%}".replace("%", _PERCENT.get(language, "%"))
