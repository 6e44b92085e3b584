"""The dashboard's follow-up page (issue 17, point 5): did the groups that adopted a plan item move
more, between the wave they adopted it on and the next, than comparable groups that adopted nothing?

Figures come from the organisation's release only, through the same door as every dashboard page
(:func:`allypath.web.dashboard.service.run_on_release`: ``org_release``, audited), and are compared by
:func:`allypath.analytics.follow_up`, which never uses a group the release hides. The page says the
uncertainty in words and, on every line, that this is an association, not proof. A viewer scoped to
units sees no comparison: the comparison groups would be units outside his scope.

The words are in English, French or Arabic (``?lang=``, as the summary at the top of the page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from allypath.analytics import FollowUp, follow_up
from allypath.privacy import Release
from allypath.web.console.dashboard import INTERVENTION_LABELS, dashboard_language, render_tab
from allypath.web.dashboard import service
from allypath.web.dashboard.query import DashboardQuery
from allypath.web.orgs.models import Wave
from allypath.web.plans.models import AdoptedItem

__all__ = ["TEXTS", "FollowUps", "follow_up_page", "follow_ups", "in_words"]

#: The page's words per language. Figures are in percentage points of the share at Reflective or
#: Energised; the verdict lines never claim a difference when the interval includes 0.
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Did the groups that adopted an item move more?",
        "intro": "For each adopted item: the change in the share of men at Reflective or Energised in "
        "the group, between the wave it was adopted on and the next, against the same change in the "
        "comparable groups that adopted nothing (same breakdown).",
        "note": "Association, not proof: the groups were not chosen at random and may differ in other ways.",
        "group": "Group",
        "intervention": "Intervention",
        "delivered": "How it is delivered",
        "compared": "Against groups that did not adopt",
        "circles": "Through the ally circles",
        "nothing": "Nothing linked yet",
        "changes": "Share at Reflective or Energised: {mine} points in this group, {theirs} points in "
        "the comparable groups that adopted nothing.",
        "more": "This group moved more: about {diff} points, could be anywhere from {low} to {high}.",
        "less": "This group moved less: about {diff} points, could be anywhere from {low} to {high}.",
        "no_clear": "No clear difference: about {diff} points, could be anywhere from {low} to {high}.",
        "hidden": "Not shown: too few people.",
        "no_comparison": "Nothing to compare with: no comparable group that adopted nothing is shown "
        "on both waves.",
        "no_later": "Re-measure in a later wave: the comparison needs the next wave's results.",
        "scoped": "Shown to organisation-wide viewers only: the comparison pools groups outside your units.",
        "none": "Nothing adopted for this wave yet.",
        "back": "Back to the plan",
    },
    "fr": {
        "heading": "Les groupes qui ont adopté une action ont-ils plus progressé ?",
        "intro": "Pour chaque action adoptée : l'évolution de la part des hommes aux stades Réflexion ou "
        "Énergie dans le groupe, entre la vague de l'adoption et la suivante, comparée à la même "
        "évolution dans les groupes comparables qui n'ont rien adopté (même découpage).",
        "note": "Association, pas preuve : les groupes n'ont pas été tirés au sort et peuvent différer "
        "sur d'autres points.",
        "group": "Groupe",
        "intervention": "Action",
        "delivered": "Mise en œuvre",
        "compared": "Par rapport aux groupes qui n'ont rien adopté",
        "circles": "Par les cercles d'alliés",
        "nothing": "Aucun lien pour l'instant",
        "changes": "Part aux stades Réflexion ou Énergie : {mine} points dans ce groupe, {theirs} "
        "points dans les groupes comparables qui n'ont rien adopté.",
        "more": "Ce groupe a plus progressé : environ {diff} points, quelque part entre {low} et {high}.",
        "less": "Ce groupe a moins progressé : environ {diff} points, quelque part entre {low} et {high}.",
        "no_clear": "Pas de différence nette : environ {diff} points, quelque part entre {low} et {high}.",
        "hidden": "Non affiché : trop peu de personnes.",
        "no_comparison": "Rien à comparer : aucun groupe comparable sans action n'est affiché sur les "
        "deux vagues.",
        "no_later": "Mesurez à nouveau lors d'une prochaine vague : la comparaison en a besoin.",
        "scoped": "Affiché seulement pour toute l'organisation : la comparaison inclut des groupes hors "
        "de vos unités.",
        "none": "Rien n'a encore été adopté pour cette vague.",
        "back": "Retour au plan",
    },
    "ar": {
        "heading": "هل تقدّمت المجموعات التي اعتمدت إجراءً أكثر من غيرها؟",
        "intro": "لكل إجراء معتمد: تغيّر نسبة الرجال في مرحلتي التأمل أو الحماس داخل المجموعة، بين "
        "الموجة التي اعتُمد فيها والموجة التالية، مقارنةً بالتغيّر نفسه في المجموعات المماثلة التي لم "
        "تعتمد شيئًا (التقسيم نفسه).",
        "note": "ارتباط وليس دليلًا: لم تُختر المجموعات عشوائيًا وقد تختلف في أمور أخرى.",
        "group": "المجموعة",
        "intervention": "الإجراء",
        "delivered": "طريقة التنفيذ",
        "compared": "مقارنةً بالمجموعات التي لم تعتمد شيئًا",
        "circles": "عبر حلقات الحلفاء",
        "nothing": "لا روابط بعد",
        "changes": "النسبة في مرحلتي التأمل أو الحماس: {mine} نقطة في هذه المجموعة، و{theirs} نقطة في "
        "المجموعات المماثلة التي لم تعتمد شيئًا.",
        "more": "تقدّمت هذه المجموعة أكثر: نحو {diff} نقطة، وقد تكون في أي مكان بين {low} و{high}.",
        "less": "تقدّمت هذه المجموعة أقل: نحو {diff} نقطة، وقد تكون في أي مكان بين {low} و{high}.",
        "no_clear": "لا فرق واضح: نحو {diff} نقطة، وقد تكون في أي مكان بين {low} و{high}.",
        "hidden": "غير معروض: عدد الأشخاص قليل جدًا.",
        "no_comparison": "لا شيء للمقارنة: لا توجد مجموعة مماثلة لم تعتمد شيئًا معروضة في الموجتين.",
        "no_later": "أعد القياس في موجة لاحقة: المقارنة تحتاج نتائج الموجة التالية.",
        "scoped": "تُعرض فقط لمن يرى المؤسسة كلها: المقارنة تشمل مجموعات خارج وحداتك.",
        "none": "لم يُعتمد شيء لهذه الموجة بعد.",
        "back": "العودة إلى الخطة",
    },
}


@dataclass(frozen=True)
class FollowUps:
    """The adopted items of the request's wave with their comparison (None: not computed)."""

    later: Wave | None
    scoped: bool
    rows: tuple[tuple[AdoptedItem, FollowUp | None], ...]


def follow_ups(request: HttpRequest, query: DashboardQuery, view: str = "dashboard.follow_up") -> FollowUps:
    """Each adopted item of the wave against the groups that adopted nothing, from the release."""
    later = service.later_wave(query.wave)
    adopted = service.adopted_items(query)
    scoped = query.unit is not None and query.membership.role == "analyst"
    # every group with an item adopted on this wave is left out of the comparison, seen or not
    every = [
        dict(f)
        for f in AdoptedItem.objects.filter(org=query.org, wave=query.wave).values_list("filters", flat=True)
    ]

    def work(release: Release, frame: pd.DataFrame) -> list[FollowUp]:
        if later is None or not adopted or scoped:
            return []
        pair = (query.labels[query.wave.pk], query.labels[later.pk])
        plan = [a.as_plan_item() for a in adopted]
        return follow_up(frame, plan, pair, adopted=every, release=release)

    compared = service.run_on_release(request, query, view, work)
    found = {(f.group, f.intervention): f for f in compared}
    rows = tuple((a, found.get((a.group, a.intervention))) for a in adopted)
    return FollowUps(later, scoped, rows)


def _points(value: float, signed: bool = True) -> str:
    text = f"{value * 100:+.0f}" if signed else f"{abs(value) * 100:.0f}"
    return text.replace("-", "\u2212")


def in_words(result: FollowUp, language: str = "en") -> list[str]:
    """The comparison in plain words in ``language``: the two changes, the verdict with its range, and
    always the note that it is an association, not proof (a hidden group: one sentence, no figure)."""
    words = TEXTS.get(language, TEXTS["en"])
    if result.verdict == "not_shown":
        return [words["hidden" if result.hidden else "no_comparison"]]
    assert None not in (result.adopters, result.others, result.difference, result.low, result.high)
    figures = {
        "mine": _points(result.adopters or 0.0),
        "theirs": _points(result.others or 0.0),
        "diff": _points(result.difference or 0.0),
        "low": _points(result.low or 0.0),
        "high": _points(result.high or 0.0),
    }
    return [words["changes"].format(**figures), words[result.verdict].format(**figures), words["note"]]


@login_required
def follow_up_page(request: HttpRequest, slug: str) -> HttpResponse:
    """``/console/<org>/dashboard/follow-up/``: the adopted items of the wave and their comparison."""
    _, language = dashboard_language(request)
    words = TEXTS[language]

    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = follow_ups(request, query)
        lines = [
            (item, in_words(compared, language) if compared is not None else None)
            for item, compared in result.rows
        ]
        return {
            "lines": lines,
            "later": result.later,
            "scoped": result.scoped,
            "words": words,
            "page_lang": language,
            "interventions": INTERVENTION_LABELS,
        }

    return render_tab(request, slug, "dashboard_follow_up", "follow_up.html", compute, by_default="unit")
