"""Template filters of the dashboard pages: shares as percentages, scores, dict lookups, and the
uncertainty of a share or a mean in words.

A missing value (``None``: hidden by the gate, or not measured) shows as an em dash; the page says
why next to it. A range is given only from figures the page may show (a share with the count of
those it is of, as the release shows it; a mean with its group's published size): where one is
missing, no range at all.
"""

from __future__ import annotations

import math
from typing import Any

from django import template

from allypath.analytics import wilson_interval

register = template.Library()


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@register.filter
def pct(value: Any, digits: int = 0) -> str:
    """0.1234 -> "12%" (``digits`` decimals)."""
    if _missing(value):
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def signed_pct(value: Any) -> str:
    """A change in share: +3.5 points."""
    if _missing(value):
        return "—"
    return f"{float(value) * 100:+.1f} pts"


@register.filter
def num(value: Any, digits: int = 1) -> str:
    if _missing(value):
        return "—"
    return f"{float(value):.{int(digits)}f}"


@register.filter
def signed(value: Any, digits: int = 1) -> str:
    if _missing(value):
        return "—"
    return f"{float(value):+.{int(digits)}f}"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``row|get:"share_apathy"``; also ``row|get:key`` with a variable key."""
    if mapping is None:
        return None
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def prefixed(key: str, prefix: str) -> str:
    """``key|prefixed:"share_"`` -> ``share_<key>`` (to look up a stage's column)."""
    return f"{prefix}{key}"


def _wilson(share: Any, answered: Any) -> tuple[str, str] | None:
    """The 95% Wilson interval of a share of ``answered`` people, as percentages (None when either is
    missing: no range from a count the page may not show)."""
    if _missing(share) or _missing(answered) or float(answered) < 1:
        return None
    n = float(answered)
    low, high = wilson_interval(round(float(share) * n), n)
    return pct(float(low)), pct(float(high))


@register.filter
def likely(share: Any, answered: Any) -> str:
    """``share|likely:answered``: "likely between 18% and 61%" ("" when either is missing)."""
    found = _wilson(share, answered)
    return "" if found is None else f"likely between {found[0]} and {found[1]}"


@register.filter
def between(share: Any, answered: Any) -> str:
    """``share|between:answered``: "18%–61%", the range alone, for a table cell under its share (as
    the stage shares' ranges read); "" when either is missing."""
    found = _wilson(share, answered)
    return "" if found is None else f"{found[0]}–{found[1]}"


@register.filter
def plus_minus(margin: Any) -> str:
    """``row.margin|plus_minus``: "±0.6", a margin a view worked out (the widest of a row's means,
    each from the number of men it is over: :func:`~allypath.analytics.factors.widest_margins`);
    "" without one."""
    return "" if _missing(margin) else f"±{float(margin):.1f}"


@register.filter
def shows_any(row: Any, keys: Any) -> bool:
    """Whether ``row`` shows a value for any of ``keys`` (keys, or (key, label) pairs)."""
    if not row:
        return False
    names = [k[0] if isinstance(k, tuple | list) else k for k in keys]
    return any(not _missing(get(row, k)) for k in names)
