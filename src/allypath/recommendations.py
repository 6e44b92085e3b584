"""Personal recommendations for one scored respondent (his private report; never shown to HR).

The order is the reading order of the report: first what his stage (or the stage he is moving
towards) suggests, then the barriers and norms he reports most strongly, then missing enablers, then
policy awareness. Every recommendation says why it is there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from allypath.model import BARRIERS, ENABLERS, NORMS, STAGES, Factor, stage

__all__ = ["STRONG", "WEAK", "Recommendation", "recommend"]

# On a 1-5 agreement scale: 3.5 and above is agreement on average, 2.5 and below disagreement.
STRONG = 3.5
WEAK = 2.5


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One suggestion: ``kind`` is stage, barrier, norm, enabler or knowledge; ``key`` names it."""

    priority: int
    kind: str
    key: str
    title: str
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _score(result: Mapping[str, Any], construct: str) -> float | None:
    value = result.get(f"score_{construct}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _stage_number(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= len(STAGES) else None


def recommend(result: Mapping[str, Any], *, language: str = "en", limit: int = 8) -> list[Recommendation]:
    """Ordered recommendations for one scored row (a mapping of the scored-output columns).

    Examples
    --------
    >>> recs = recommend({"stage": 2, "between_stages": False, "score_barrier_fear": 4.2})
    >>> [r.kind for r in recs][:2]
    ['stage', 'stage']
    """
    out: list[tuple[str, str, str, str, str]] = []
    placed = _stage_number(result.get("stage"))
    if placed is not None:
        current = stage(placed)
        label = current.label.get_lang(language)
        for step in current.next_steps[:2]:
            out.append(
                (
                    "stage",
                    current.key,
                    label,
                    step.get_lang(language),
                    _reason(language, "stage", label=label),
                )
            )
        leading = _stage_number(result.get("leading_stage"))
        if bool(result.get("between_stages")) and leading is not None and leading != placed:
            ahead = stage(leading)
            ahead_label = ahead.label.get_lang(language)
            out.append(
                (
                    "stage",
                    ahead.key,
                    ahead_label,
                    ahead.next_steps[0].get_lang(language),
                    _reason(language, "between", label=label, other=ahead_label),
                )
            )

    def strong_factors(factors: tuple[Factor, ...]) -> list[tuple[float, Factor]]:
        scored = [(_score(result, f.construct), f) for f in factors if f.key != "low_policy_awareness"]
        return sorted(((s, f) for s, f in scored if s is not None and s >= STRONG), key=lambda p: -p[0])

    for value, factor in strong_factors(BARRIERS) + strong_factors(NORMS):
        label = factor.label.get_lang(language)
        out.append(
            (
                factor.kind,
                factor.key,
                label,
                factor.personal_tips[0].get_lang(language),
                _reason(language, "strong", label=label, score=value),
            )
        )
    weak = sorted(
        ((s, f) for f in ENABLERS if (s := _score(result, f.construct)) is not None and s <= WEAK),
        key=lambda p: p[0],
    )
    for value, factor in weak:
        label = factor.label.get_lang(language)
        out.append(
            (
                "enabler",
                factor.key,
                label,
                factor.personal_tips[0].get_lang(language),
                _reason(language, "weak", label=label, score=value),
            )
        )
    awareness = _score(result, "knowledge_claimed")
    if awareness is not None and awareness <= WEAK:
        factor = next(f for f in BARRIERS if f.key == "low_policy_awareness")
        label = factor.label.get_lang(language)
        out.append(
            (
                "knowledge",
                factor.key,
                label,
                factor.personal_tips[0].get_lang(language),
                # Not "your answers about “Low awareness of policies” were low": said directly.
                _reason(language, "weak_knowledge", score=awareness),
            )
        )
    return [Recommendation(n, *row) for n, row in enumerate(out[:limit], start=1)]


_REASONS = {
    "en": {
        "stage": "Your answers place you mostly at the stage “{label}”.",
        "between": "You are between “{label}” and “{other}”: a step that belongs to the next stage.",
        "strong": "You agreed on average ({score:.1f} of 5) with the statements about “{label}”.",
        "weak": "Your answers about “{label}” were low ({score:.1f} of 5).",
        "weak_knowledge": "You said you know little of your organisation's policies ({score:.1f} of 5).",
    },
    # French spacing: a no-break space inside « » and before ":", as the survey pages write it.
    "fr": {
        "stage": "Vos réponses vous situent surtout à l’étape «\u00a0{label}\u00a0».",
        "between": (
            "Vous êtes entre «\u00a0{label}\u00a0» et «\u00a0{other}\u00a0»\u00a0: "
            "une piste de l’étape suivante."
        ),
        "strong": (
            "Vous êtes en moyenne d’accord ({score:.1f} sur 5) avec les énoncés sur «\u00a0{label}\u00a0»."
        ),
        "weak": "Vos réponses sur «\u00a0{label}\u00a0» sont basses ({score:.1f} sur 5).",
        "weak_knowledge": (
            "Vous avez indiqué connaître peu les politiques de votre organisation ({score:.1f} sur 5)."
        ),
    },
    "ar": {
        "stage": "تضعك إجاباتك في الغالب في مرحلة «{label}».",
        "between": "أنت بين «{label}» و«{other}»: خطوة تنتمي إلى المرحلة التالية.",
        "strong": "وافقتَ في المتوسط ({score:.1f} من 5) على العبارات المتعلقة بـ«{label}».",
        "weak": "كانت إجاباتك عن «{label}» منخفضة ({score:.1f} من 5).",
        "weak_knowledge": "ذكرتَ أنك لا تعرف إلا القليل عن سياسات مؤسستك ({score:.1f} من 5).",
    },
}


def _reason(language: str, key: str, **values: Any) -> str:
    return _REASONS.get(language, _REASONS["en"])[key].format(**values)
