"""The one disclosure-control gate every aggregate passes through (DESIGN §6).

Pure functions over group sizes: they decide which groups may be shown, never compute the
aggregates themselves, so every engine (pandas, DuckDB, Spark) gets identical decisions.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from allypath.privacy.policy import PrivacyPolicy

__all__ = ["Decision", "decide_siblings"]

BELOW_K = "below_k"
COMPLEMENTARY = "complementary"


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a group may be shown; ``reason`` says why not (``below_k`` or ``complementary``)."""

    n: int
    visible: bool
    reason: str = ""

    @property
    def message(self) -> str:
        if self.visible:
            return ""
        if self.reason == BELOW_K:
            return "hidden: fewer respondents than the minimum group size"
        return "hidden: shown alone it would let a smaller hidden group be worked out by subtraction"


def decide_siblings(sizes: Mapping[Hashable, int], policy: PrivacyPolicy) -> dict[Hashable, Decision]:
    """Decide which of the sibling groups under one parent may be shown.

    Rule 1 hides every group with fewer than ``k`` members (and any empty group counts as shown,
    since zero reveals no one). Rule 2, complementary suppression: while the hidden groups together
    hold between 1 and k-1 members, the smallest visible sibling is hidden too, so "parent total minus
    the shown groups" never reveals a group below ``k``.
    """
    decisions: dict[Hashable, Decision] = {}
    for group, n in sizes.items():
        if n < 0:
            raise ValueError(f"group {group!r} has a negative size {n}")
        visible = n == 0 or n >= policy.k
        decisions[group] = Decision(n, visible, "" if visible else BELOW_K)
    hidden_total = sum(d.n for d in decisions.values() if not d.visible)
    while 0 < hidden_total < policy.k:
        candidates = sorted((d.n, str(g), g) for g, d in decisions.items() if d.visible and d.n > 0)
        if not candidates:
            break
        n, _, group = candidates[0]
        decisions[group] = Decision(n, False, COMPLEMENTARY)
        hidden_total += n
    return decisions
