"""Each change of a trend row with its interval, and the index's verdict, as the summary decides them.

The trends page, its API and the plan's follow-up show these intervals; the summary's "what moved"
(:mod:`allypath.analytics.narrative`) calls a change only where they leave out zero, so the page and
the words agree. Django-free.
"""

from __future__ import annotations

from typing import Any

from allypath.analytics.narrative import STAGE_CHANGE_LEVEL, difference_interval, index_change_interval
from allypath.model import STAGE_KEYS

__all__ = ["with_change_intervals"]


def with_change_intervals(row: dict[str, Any]) -> dict[str, Any]:
    """A trend row with each change's interval (``<name>_change_low`` / ``_high``) and whether the
    index's change is clear (``index_verdict``: rise, fall or unclear), from the shown figures only:
    the stage shares by Newcombe's interval at 98.75% (:data:`STAGE_CHANGE_LEVEL`), the index by the
    widest 95% interval its means allow, as the summary decides "a change since last wave"."""
    n_before, n_after = row.get("n_before"), row.get("n_after")
    if not row.get("visible") or not n_before or not n_after:
        return row
    for key in STAGE_KEYS:
        before, after = row.get(f"share_{key}_before"), row.get(f"share_{key}_after")
        if before is not None and after is not None:
            _, low, high = difference_interval(
                float(before), int(n_before), float(after), int(n_after), STAGE_CHANGE_LEVEL
            )
            row[f"share_{key}_change_low"], row[f"share_{key}_change_high"] = low, high
    before, after = row.get("index_before"), row.get("index_after")
    if before is not None and after is not None:
        _, low, high = index_change_interval(float(before), int(n_before), float(after), int(n_after))
        row["index_change_low"], row["index_change_high"] = low, high
        row["index_verdict"] = "rise" if low > 0 else "fall" if high < 0 else "unclear"
    return row
