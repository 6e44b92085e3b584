"""Human names of groups: the same filter always gets the same name, with no query syntax.

A name lists the filter's values, the unit first, the wave last: ``Corporate · Individual
contributor · 2026 Q1``. Two groups of one view differ in some value, so their names differ too.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["EVERYONE", "describe"]

EVERYONE = "Everyone"
_LAST = ("wave",)


def _order(column: str) -> tuple[int, str]:
    if column in _LAST:
        return (2, column)
    return (0 if column.startswith("unit") else 1, column)


def describe(filters: Mapping[str, object]) -> str:
    """The group's name: its filter values in a fixed order (unit first, wave last).

    Examples
    --------
    >>> describe({"wave": "2026 Q1", "unit": "Sales", "level": "Manager"})
    'Sales · Manager · 2026 Q1'
    >>> describe({})
    'Everyone'
    """
    if not filters:
        return EVERYONE
    return " · ".join(str(filters[name]) for name in sorted(filters, key=_order))
