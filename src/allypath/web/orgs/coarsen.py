"""Coarsen invitees' attributes at launch so that no stored combination singles anyone out.

A response carries the unit, level and region of its invitation. Whoever reads the database sees the
invitations too, so a combination held by one invitee would name the author of a response with it
(issue 14 measured 36 of 295 responses so matched). Before invitations are created, each unit's people
keep (level, region) only if every such combination in the unit has at least k people; else the region
is dropped for the whole unit, then the level; a unit with fewer than k people left is merged into its
parent (deepest units first, so merged people count in the parent's check), and a top unit left
below k takes in its smallest sub-units. The whole organisation below k cannot be helped: k then
protects nobody, and the wave's own minimum applies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from allypath.web.orgs.models import Employee, Unit

__all__ = ["Coarse", "coarsen"]


@dataclass(frozen=True)
class Coarse:
    unit_id: int
    level: str
    region: str


def _unit_coarse(people: list[Employee], k: int) -> tuple[str, str] | None:
    """Which attributes a unit's people keep: ("level", "region"), ("level", ""), ("", ""), or None
    (fewer than k people: merge into the parent)."""
    if len(people) < k:
        return None
    if min(Counter((p.level, p.region) for p in people).values()) >= k:
        return ("level", "region")
    if min(Counter(p.level for p in people).values()) >= k:
        return ("level", "")
    return ("", "")


def coarsen(people: Iterable[Employee], units: Iterable[Unit], k: int) -> dict[int, Coarse]:
    """Employee pk -> the coarse attributes his invitation (and so his response) will carry."""
    by_id = {u.pk: u for u in units}
    members: dict[int, list[Employee]] = {}
    for person in people:
        members.setdefault(person.unit_id, []).append(person)
    kept: dict[int, list[Employee]] = {}
    # Deepest first: people merged upwards are checked again with their new unit's own people.
    for unit in sorted(by_id.values(), key=lambda u: (-u.depth, u.path)):
        group = members.pop(unit.pk, [])
        if not group:
            continue
        if len(group) < k and unit.parent_id is not None and unit.parent_id in by_id:
            members.setdefault(unit.parent_id, []).extend(group)
        else:
            kept[unit.pk] = group
    # A top unit left with fewer than k people takes in its smallest sub-units until it has k (a
    # sub-unit could not merge into it while it had enough people of its own).
    for unit_pk, group in list(kept.items()):
        if len(group) >= k:
            continue
        path = by_id[unit_pk].path + "/"
        below = sorted((u for u in kept if by_id[u].path.startswith(path)), key=lambda u: len(kept[u]))
        for sub in below:
            if len(group) >= k:
                break
            group.extend(kept.pop(sub))
    out: dict[int, Coarse] = {}
    for unit_pk, group in kept.items():
        keep_level, keep_region = _unit_coarse(group, k) or ("", "")
        for person in group:
            out[person.pk] = Coarse(
                unit_pk,
                person.level if keep_level else "",
                person.region if keep_region else "",
            )
    return out
