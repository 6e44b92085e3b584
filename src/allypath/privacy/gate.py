"""The one disclosure-control gate every aggregate passes through (DESIGN §6).

A *view* is a set of groups shown together (the units of an organisation, the levels of a unit,
a total row and its breakdown). The gate decides per group, in this order:

1. **below_k**: fewer than ``k`` respondents (an empty group is shown: zero reveals no one).
2. **complementary**: per parent (and among the top-level groups), while the hidden siblings plus
   the parent's members outside every sibling hold 1..k-1 respondents, the smallest shown sibling
   is hidden too, so "parent total minus shown children" reveals no small group.
3. **differencing**: the viewer's :class:`~allypath.privacy.ledger.DisclosureLedger` refuses
   groups that, with what the viewer has already seen, would single out 1..k-1 respondents.
4. **trend**: a change between waves is shown only where the group passes on both waves.

The gate decides on group membership and sizes only, never on the figures, so every engine gets
identical decisions. Only the groups it lets through are recorded in the ledger.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np

from allypath.errors import DataError
from allypath.privacy.decision import Decision, Reason, hidden, shown
from allypath.privacy.groups import Group
from allypath.privacy.ledger import DisclosureLedger
from allypath.privacy.policy import PrivacyPolicy

__all__ = ["decide_siblings", "evaluate_view", "release_trend", "release_view"]

G = TypeVar("G", bound=Hashable)


def decide_siblings(
    sizes: Mapping[G, int],
    policy: PrivacyPolicy,
    *,
    forced: Mapping[G, Decision] | None = None,
    outside: int = 0,
) -> dict[G, Decision]:
    """Decide which of the sibling groups under one parent may be shown.

    Parameters
    ----------
    sizes : mapping of group -> respondents
    policy : PrivacyPolicy
    forced : mapping of group -> Decision, optional
        Siblings already hidden by another rule (they count towards the hidden total).
    outside : int
        Members of the parent in none of the siblings (e.g. a missing attribute): shown totals
        minus shown children would reveal them, so they count as hidden.

    Examples
    --------
    >>> d = decide_siblings({"a": 20, "b": 3, "c": 9}, PrivacyPolicy(k=5))
    >>> [(g, d[g].visible, d[g].reason) for g in "abc"]
    [('a', True, ''), ('b', False, 'below_k'), ('c', False, 'complementary')]
    """
    forced = forced or {}
    decisions: dict[G, Decision] = {}
    for group, n in sizes.items():
        if n < 0:
            raise DataError(f"group {group!r} has a negative size {n}", column=str(group))
        if group in forced:
            decisions[group] = forced[group]
        elif n == 0 or n >= policy.k:
            decisions[group] = shown(n)
        else:
            decisions[group] = hidden(n, Reason.BELOW_K)
    hidden_total = outside + sum(d.n for d in decisions.values() if not d.visible)
    # one more hidden sibling always suffices: a shown non-empty sibling holds at least k
    candidates = sorted((d.n, str(g), g) for g, d in decisions.items() if _screenable(d))
    if 0 < hidden_total < policy.k and candidates:
        n, _, group = candidates[0]
        decisions[group] = hidden(n, Reason.COMPLEMENTARY)
    return decisions


def _min_size(n: int, policy: PrivacyPolicy) -> Decision:
    return shown(n) if n == 0 or n >= policy.k else hidden(n, Reason.BELOW_K)


def _screenable(decision: Decision) -> bool:
    # shown groups hold 0 or at least k >= 3 members; the empty ones need no screening
    return decision.visible and decision.n > 0  # pragma: no mutate


def _sibling_sets(groups: Sequence[Group], parents: Mapping[str, str]) -> dict[str | None, list[Group]]:
    labels = {g.label for g in groups}
    if len(labels) != len(groups):
        raise DataError("a view holds two groups with the same label", column="label")
    sets: dict[str | None, list[Group]] = {}
    for group in groups:
        parent = parents.get(group.label)
        if parent is not None and parent not in labels:
            raise DataError(f"parent {parent!r} of {group.label!r} is not in the view", column="parents")
        sets.setdefault(parent, []).append(group)
    return sets


def _outside(parent: Group, children: Sequence[Group]) -> int:
    """Members of ``parent`` in none of ``children`` (at least one child)."""
    inside = np.unique(np.concatenate([c.keys for c in children]))
    return int(np.setdiff1d(parent.keys, inside, assume_unique=True).size)  # pragma: no mutate


def evaluate_view(
    ledger: DisclosureLedger,
    groups: Sequence[Group],
    *,
    parents: Mapping[str, str] | None = None,
    complementary: bool = True,
) -> dict[str, Decision]:
    """Decide on every group of a view without recording anything.

    Parameters
    ----------
    ledger : the viewer's ledger (its policy is used).
    groups : the groups the view would show together.
    parents : child label -> parent label, for breakdowns shown under their total.
    complementary : apply complementary suppression among siblings (and the top-level groups).

    Returns
    -------
    dict of label -> Decision, in the order of ``groups``.
    """
    parents = parents or {}
    policy = ledger.policy
    by_label = {g.label: g for g in groups}
    sets = _sibling_sets(groups, parents)
    forced: dict[str, Decision] = {}
    while True:
        decisions: dict[str, Decision] = {}
        for parent, siblings in sets.items():
            sizes = {g.label: g.n for g in siblings}
            mine = {label: d for label, d in forced.items() if label in sizes}
            if complementary:
                outside = _outside(by_label[parent], siblings) if parent is not None else 0
                decided = decide_siblings(sizes, policy, forced=mine, outside=outside)
            else:
                decided = {label: mine.get(label) or _min_size(n, policy) for label, n in sizes.items()}
            decisions.update({str(label): d for label, d in decided.items()})
        visible = [by_label[label] for label, d in decisions.items() if _screenable(d)]
        blocked = ledger.screen(visible)
        if not blocked:
            return {g.label: decisions[g.label] for g in groups}
        forced.update(blocked)


def release_view(
    ledger: DisclosureLedger,
    groups: Sequence[Group],
    *,
    parents: Mapping[str, str] | None = None,
    view: str = "",
    complementary: bool = True,
) -> dict[str, Decision]:
    """Decide on every group of a view and record the shown ones in the viewer's ledger."""
    decisions = evaluate_view(ledger, groups, parents=parents, complementary=complementary)
    ledger.record([g for g in groups if _screenable(decisions[g.label])], view)
    return decisions


def _trend_hidden(label: str, wave: str, decision: Decision) -> Decision:
    return hidden(
        decision.n,
        Reason.TREND,
        f"hidden: '{label}' does not pass the privacy rules on {wave} ({decision.message})",
        decision.conflicts,
    )


def release_trend(
    ledger: DisclosureLedger,
    pairs: Mapping[str, tuple[Group, Group]],
    *,
    waves: tuple[str, str] = ("the first wave", "the second wave"),
    view: str = "",
) -> dict[str, Decision]:
    """Decide on changes between two waves: shown only where both groups pass (rule 4).

    ``pairs`` maps a trend label (e.g. ``unit=Sales``) to its group on each wave; the groups of
    each wave are siblings for complementary suppression, and the differencing guard screens
    both waves' groups together. Both groups of every shown pair are recorded; a hidden pair
    records nothing. The decision's ``n`` is the second wave's size.
    """
    for label, (a, b) in pairs.items():
        if a.label == b.label:
            raise DataError(f"trend {label!r}: the two waves' groups need distinct labels", column="label")
    # size rules per wave first (pure), then one differencing screen over both waves together:
    # it sees every combination the two waves and the ledger allow, at the cost of one audit
    first = decide_siblings({a.label: a.n for a, _ in pairs.values()}, ledger.policy)
    second = decide_siblings({b.label: b.n for _, b in pairs.values()}, ledger.policy)
    out: dict[str, Decision] = {}
    for label, (a, b) in pairs.items():
        if a.n == 0 or b.n == 0:  # nothing to compare with: no change can be shown
            wave = waves[0] if a.n == 0 else waves[1]
            out[label] = hidden(b.n, Reason.TREND, f"hidden: '{label}' has no respondents on {wave}")
        elif not first[a.label].visible:
            out[label] = _trend_hidden(label, waves[0], first[a.label])
        elif not second[b.label].visible:
            out[label] = _trend_hidden(label, waves[1], second[b.label])
        else:
            out[label] = shown(b.n)
    while True:  # hiding a pair can only hide more, so this ends
        members = [g for label, (a, b) in pairs.items() if out[label].visible for g in (a, b)]
        blocked = ledger.screen(members)
        if not blocked:
            break
        for label, (a, b) in pairs.items():
            for wave, group in zip(waves, (a, b), strict=True):  # pragma: no mutate
                if out[label].visible and group.label in blocked:
                    out[label] = _trend_hidden(label, wave, blocked[group.label])
    ledger.record([g for label, (a, b) in pairs.items() if out[label].visible for g in (a, b)], view)
    return out
