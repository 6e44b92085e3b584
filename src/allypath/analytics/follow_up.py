"""Closing the loop: did the groups that adopted a plan item move more than comparable groups that
did not? (issue 17, point 5). Django-free.

For each adopted item, on two waves and only through the organisation's release (the trend rule of
:func:`allypath.analytics.wave_change`: a group is shown only where the release shows it on both
waves), the change in the share of men at **Reflective or Energised** - the two stages the research
calls aware and active, the share a plan hopes to raise - in the adopting group, against the same
change pooled over the groups of the same breakdown that adopted nothing (weighted by their sizes).
The figure is the difference of the two changes (a difference in differences) with a 95 % interval
built from each change's Newcombe interval (Wilson score limits, MOVER: Zou and Donner 2008). A
Wald interval from binomial variances has no width at a share of 0 or 100 %, and called six men who
were all at Reflective or Energised on both waves a group that "moved more".

It is an **association, not proof**: the groups were not assigned at random, they differ in other
ways, and men who answered once are not always the men who answered again. Every sentence says so.
Only released figures are used: a group whose stage split is not published on both waves is not
compared, and the comparison pools only published groups.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from allypath._values import records
from allypath.analytics.change import wave_change
from allypath.analytics.narrative import difference_interval
from allypath.analytics.plans import PlanItem
from allypath.privacy import PrivacyPolicy, Release

__all__ = ["FollowUp", "follow_up"]

_LATE = ("reflective", "energised")
NOTE = "Association, not proof: the groups were not chosen at random and may differ in other ways."


@dataclass(frozen=True)
class FollowUp:
    """One adopted item's group against the comparable groups that did not adopt.

    Changes are in percentage points of the share at Reflective or Energised; ``low`` and ``high``
    bound the difference (95 %). ``verdict`` is ``"more"``, ``"less"``, ``"no_clear"`` or
    ``"not_shown"``; ``sentence`` says it in plain words, always with the note that it is an
    association, not proof.
    """

    group: str
    intervention: str
    verdict: str
    sentence: str
    adopters: float | None = None
    others: float | None = None
    difference: float | None = None
    low: float | None = None
    high: float | None = None
    compared: int = 0
    hidden: bool = False  # not shown because the release hides the group (too few people)


def _sides(row: dict[str, object]) -> tuple[float, float, float, float] | None:
    """(n, share at Reflective or Energised) on each wave, or None where the release does not show
    the group's stage split on both waves."""
    if not row.get("visible"):
        return None
    figures = []
    for side in ("before", "after"):
        n = row.get(f"n_{side}")
        shares = [row.get(f"share_{key}_{side}") for key in _LATE]
        if not isinstance(n, int | float) or not all(isinstance(v, int | float) for v in shares):
            return None
        figures += [float(n), float(sum(shares))]  # type: ignore[arg-type]
    return figures[0], figures[1], figures[2], figures[3]


def _change(before: float, n_before: float, after: float, n_after: float) -> tuple[float, float, float]:
    """A change of share with its 95 % Newcombe interval (two independent proportions)."""
    return difference_interval(before, round(n_before), after, round(n_after))


def _difference(
    mine: tuple[float, float, float], theirs: tuple[float, float, float]
) -> tuple[float, float, float]:
    """``mine - theirs`` of two changes with their intervals, by MOVER (Zou and Donner 2008): each
    side's distance to its own limits, which Wilson's limits keep wide at 0 and 100 %."""
    (d1, l1, u1), (d2, l2, u2) = mine, theirs
    difference = d1 - d2
    low = difference - math.sqrt((d1 - l1) ** 2 + (u2 - d2) ** 2)
    high = difference + math.sqrt((u1 - d1) ** 2 + (d2 - l2) ** 2)
    return difference, low, high


def _points(value: float) -> str:
    return f"{value * 100:+.0f}".replace("-", "\u2212")


def _sentence(
    verdict: str, adopters: float, others: float, difference: float, low: float, high: float, k: int
) -> str:
    groups = "group" if k == 1 else f"{k} groups"
    moved = (
        f"The share of men at Reflective or Energised changed by {_points(adopters)} points in this "
        f"group and by {_points(others)} points in the comparable {groups} that adopted nothing."
    )
    if verdict == "no_clear":
        return (
            f"{moved} No clear difference: about {_points(difference)} points, which could be anywhere "
            f"from {_points(low)} to {_points(high)}. {NOTE}"
        )
    word = "more" if verdict == "more" else "less"
    near, far = sorted((abs(low), abs(high)))  # the interval excludes 0: both ends on one side
    return (
        f"{moved} This group moved {word}: about {abs(difference) * 100:.0f} points {word}, likely between "
        f"{near * 100:.0f} and {far * 100:.0f} points {word}. {NOTE}"
    )


def follow_up(
    scored: pd.DataFrame,
    items: Sequence[PlanItem],
    waves: tuple[Hashable, Hashable],
    *,
    adopted: Sequence[Mapping[str, Hashable]] | None = None,
    wave_column: str = "wave",
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
) -> list[FollowUp]:
    """Each item's group against the groups of its breakdown that did not adopt, between ``waves``.

    ``adopted`` holds the filters of every group with an adopted item (default: the items' own): none
    of them is a comparison group. The breakdown of an item is the columns of its filters (the wave
    aside); groups are matched by their values, so an item adopted on one wave is found on the next.
    """
    every = [dict(f) for f in adopted] if adopted is not None else [dict(i.filters) for i in items]
    out = []
    for item in items:
        by = sorted(c for c in item.filters if c != wave_column)
        taken = {tuple(f.get(c) for c in by) for f in every if set(f) - {wave_column} == set(by)}

        def key(row: dict[str, object], by: list[str] = by) -> tuple[object, ...]:
            return tuple(row.get(c) for c in by)

        rows = records(
            wave_change(
                scored, by, waves, metrics=(), wave_column=wave_column, release=release, policy=policy
            )
        )
        own = next((r for r in rows if key(r) == tuple(item.filters[c] for c in by)), None)
        mine_sides = _sides(own) if own is not None else None
        if mine_sides is None:
            # the release hides a group for its size (or to protect a small neighbour): say so plainly
            reason = (own or {}).get("message") or "its stage split is not published on both waves"
            sentence = f"Not shown: too few people; {reason}."
            out.append(FollowUp(item.group, item.intervention, "not_shown", sentence, hidden=True))
            continue
        others = [sides for r in rows if key(r) not in taken and (sides := _sides(r)) is not None]
        if not others:
            sentence = (
                "No comparable group that adopted nothing is published on both waves, so there is nothing "
                "to compare this group's change with."
            )
            out.append(FollowUp(item.group, item.intervention, "not_shown", sentence))
            continue
        n_before, before, n_after, after = mine_sides
        own_change = _change(before, n_before, after, n_after)
        table = np.array(others)  # one row per comparison group: n, share before; n, share after
        pooled_before = float(table[:, 0] @ table[:, 1] / table[:, 0].sum())
        pooled_after = float(table[:, 2] @ table[:, 3] / table[:, 2].sum())
        their_change = _change(pooled_before, table[:, 0].sum(), pooled_after, table[:, 2].sum())
        mine, theirs = own_change[0], their_change[0]
        difference, low, high = _difference(own_change, their_change)
        verdict = "more" if low > 0 else "less" if high < 0 else "no_clear"
        out.append(
            FollowUp(
                group=item.group,
                intervention=item.intervention,
                verdict=verdict,
                sentence=_sentence(verdict, mine, theirs, difference, low, high, len(others)),
                adopters=mine,
                others=theirs,
                difference=difference,
                low=low,
                high=high,
                compared=len(others),
            )
        )
    return out
