"""Template filters of the dashboard pages: shares as percentages, scores, dict lookups.

A missing value (``None``: hidden by the gate, or not measured) shows as an em dash; the page says
why next to it.
"""

from __future__ import annotations

import math
from typing import Any

from django import template

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
