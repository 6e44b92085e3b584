# ruff: noqa: E501 -- prose in three languages reads better unbroken
"""A published mean with its margin in words, and a verdict too close to call, in English, French and
Arabic: the words the summary (:mod:`allypath.analytics.narrative`), the action plans and the board
report give a mean, as the dashboard's heatmap gives it ("up to ±0.4").

The margin is :func:`~allypath.analytics.factors.chance_margin`'s: the widest a mean of the group's
published size can move by chance (never from the group's own spread, docs/privacy.md), so the words
say "up to". A verdict read from a mean against a line (3.5 of 5 is agreement on average) is too close
to call when the mean, moved by its margin either way, could land on either side of the line.

Translation data and two small helpers; Django-free. Each language has every key with the same
``{}`` fields (tests/analytics/test_mean_margins.py checks both).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MARGIN_WORDS", "give_or_take", "straddles"]

MARGIN_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "factor_item": "{label} ({mean} of 5, give or take up to {margin})",
        "reading": "{label} {mean} of 5, give or take up to {margin} ({reading})",
        "why_barrier": "{label} is strong ({mean} of 5, give or take up to {margin})",
        "why_barrier_close": "{label} may be strong ({mean} of 5, give or take up to {margin}: too close to call)",
        "why_enabler": "{label} is weak ({mean} of 5, give or take up to {margin})",
        "why_enabler_close": "{label} may be weak ({mean} of 5, give or take up to {margin}: too close to call)",
        "close": "Too close to call",
        "answer_close": "{label}. As they stand the scores say “{verdict}”, but chance alone could move each by up to {margin}, enough to change the answer. {items}.",
    },
    "fr": {
        "factor_item": "{label} ({mean} sur 5, à {margin} près au plus)",
        "reading": "{label} {mean} sur 5, à {margin} près au plus ({reading})",
        "why_barrier": "le frein « {label} » est fort ({mean} sur 5, à {margin} près au plus)",
        "why_barrier_close": "le frein « {label} » est peut-être fort ({mean} sur 5, à {margin} près au plus : trop serré pour trancher)",
        "why_enabler": "le levier « {label} » est faible ({mean} sur 5, à {margin} près au plus)",
        "why_enabler_close": "le levier « {label} » est peut-être faible ({mean} sur 5, à {margin} près au plus : trop serré pour trancher)",
        "close": "Trop serré pour trancher",
        "answer_close": "{label}. En l'état, les scores disent « {verdict} », mais le hasard pourrait à lui seul déplacer chacun de {margin} au plus, assez pour changer la réponse. {items}.",
    },
    "ar": {
        "factor_item": "«{label}» ({mean} من 5، بهامش قد يصل إلى {margin})",
        "reading": "«{label}» {mean} من 5، بهامش قد يصل إلى {margin} ({reading})",
        "why_barrier": "العائق «{label}» قوي ({mean} من 5، بهامش قد يصل إلى {margin})",
        "why_barrier_close": "قد يكون العائق «{label}» قويًا ({mean} من 5، بهامش قد يصل إلى {margin}: النتيجة أقرب من أن تُحسم)",
        "why_enabler": "العامل «{label}» ضعيف ({mean} من 5، بهامش قد يصل إلى {margin})",
        "why_enabler_close": "قد يكون العامل «{label}» ضعيفًا ({mean} من 5، بهامش قد يصل إلى {margin}: النتيجة أقرب من أن تُحسم)",
        "close": "يتعذّر الحسم",
        "answer_close": "{label}. تقول الدرجات كما هي «{verdict}»، لكن الصدفة وحدها قد تحرّك كلًّا منها بما يصل إلى {margin}، وهذا يكفي لتغيير الإجابة. {items}.",
    },
}


def give_or_take(margin: float | None) -> str:
    """ ", give or take up to 0.4" in English, to follow a mean ("" without a margin).

    >>> "3.8 of 5" + give_or_take(0.4), give_or_take(None)
    ('3.8 of 5, give or take up to 0.4', '')
    """
    return "" if margin is None else f", give or take up to {margin:.1f}"


def straddles(
    value: float, margin: float | None, *, at_least: Sequence[float] = (), at_most: Sequence[float] = ()
) -> bool:
    """Whether ``value`` moved by up to ``margin`` either way could land on both sides of a line: one
    of ``at_least`` read as "value >= line", or of ``at_most`` read as "value <= line", as the verdicts
    read them. Means and margins are rounded to a tenth, so the ends are too: no float's last digit
    decides.

    >>> straddles(3.8, 0.4, at_least=[3.5]), straddles(3.9, 0.4, at_least=[3.5])
    (True, False)
    >>> straddles(2.1, 0.4, at_most=[2.5]), straddles(2.1, 0.3, at_most=[2.5]), straddles(2.1, None, at_most=[2.5])
    (False, False, False)
    >>> straddles(2.2, 0.4, at_most=[2.5])
    True
    """
    if margin is None:
        return False
    low, high = round(value - margin, 1), round(value + margin, 1)
    return any(low < cut <= high for cut in at_least) or any(low <= cut < high for cut in at_most)
