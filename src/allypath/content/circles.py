"""Ally circles formed without anyone seeing a stage (issue 17, point 4): a pure, reproducible function.

Volunteers are opaque ids with their stage (from their own report), unit, manager id and whether
they are able to host. HR sets the size and the constraints (:class:`CircleRules`). Every circle
that :func:`form_circles` returns

- has between ``min_size`` and ``max_size`` members;
- mixes stages: no circle is made of a single stage;
- has at least one member at Reflective or Energised (stage 3 or 4) who said he is able to host;
- puts nobody with his own manager (when ``separate_managers``), and no more than
  ``max_same_unit`` members of one unit (when set: "across units").

Volunteers who cannot be placed this round wait for the next one (each is told privately).

What comes out carries no stage: a :class:`Circle` is its members' ids and the id of a meeting
guide. The guide is matched to the circle's mix on one coarse line only, learners (stages 1-2)
against possible hosts (stages 3-4) (:data:`allypath.content.GUIDE_MIXES`), so that within each band
a member's exact stage stays unknown. With at least 3 members, a member who knows his own stage, the
rules, his circle and its guide cannot tell any other member's stage with certainty (the property
test enumerates every possibility); he may sometimes tell a band (for instance, in a circle of
three with the hosts' guide, that both others are at stage 3 or 4). HR sees only counts
(:meth:`Formation.summary_for_hr`).

Reproducible: the same volunteers (in any order) and the same rules, seed included, give the same
circles.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from allypath.content.definition import GUIDE_MIXES, CircleGuide, GuideSet

__all__ = [
    "ATTEMPTS",
    "Circle",
    "CircleRules",
    "Formation",
    "Volunteer",
    "form_circles",
    "guide_mix",
    "meeting_guide",
]

ATTEMPTS = 8  # shuffles tried (all from the seed); the one that places most volunteers is kept
HOST_STAGES = (3, 4)


@dataclass(frozen=True, slots=True)
class Volunteer:
    """A man who volunteered for a circle. ``id`` and ``manager_id`` are opaque (never a name)."""

    id: str
    stage: int
    unit: str | None = None
    manager_id: str | None = None
    can_host: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"a volunteer needs a non-empty string id, got {self.id!r}")
        if isinstance(self.stage, bool) or self.stage not in (1, 2, 3, 4):
            raise ValueError(f"volunteer {self.id}: stage must be 1-4, got {self.stage!r}")

    @property
    def hosts(self) -> bool:
        """Able to host a circle: at stage 3 or 4 and willing."""
        return self.can_host and self.stage in HOST_STAGES


@dataclass(frozen=True, slots=True)
class CircleRules:
    """What HR sets: circle size, the constraints, and the seed that makes a formation reproducible.

    ``min_size`` is at least 3: with two members, one could tell the other's stage band from the
    rules alone.
    """

    min_size: int = 4
    max_size: int = 6
    separate_managers: bool = True
    max_same_unit: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.min_size < 3:
            raise ValueError(f"min_size must be at least 3, got {self.min_size}")
        if not self.min_size <= self.max_size <= 12:
            raise ValueError(
                f"max_size must be between min_size ({self.min_size}) and 12, got {self.max_size}"
            )
        if self.max_same_unit is not None and self.max_same_unit < 1:
            raise ValueError(f"max_same_unit must be at least 1 or None, got {self.max_same_unit}")


@dataclass(frozen=True, slots=True)
class Circle:
    """One circle: its members' ids (sorted) and the meeting guide to use. No stage."""

    number: int
    members: tuple[str, ...]
    guide: str


@dataclass(frozen=True, slots=True)
class Formation:
    """The circles formed in one round, and the volunteers waiting for the next round."""

    circles: tuple[Circle, ...]
    waiting: tuple[str, ...]

    def summary_for_hr(self) -> dict[str, int]:
        """All HR sees: how many volunteers and how many circles."""
        placed = sum(len(c.members) for c in self.circles)
        return {"volunteers": placed + len(self.waiting), "circles": len(self.circles)}

    def circle_of(self, volunteer_id: str) -> Circle | None:
        """The circle a volunteer is in (what he sees: the members and the guide), or None if waiting."""
        return next((c for c in self.circles if volunteer_id in c.members), None)


def guide_mix(stages: Iterable[int]) -> str:
    """The guide mix of a circle: hosts (stages 3-4) at least half of it, or learners in the majority."""
    stages = list(stages)
    hosts = sum(1 for s in stages if s in HOST_STAGES)
    return GUIDE_MIXES[1] if 2 * hosts >= len(stages) else GUIDE_MIXES[0]


def meeting_guide(circle: Circle, guides: GuideSet | None = None) -> CircleGuide:
    """The six-session guide of a circle."""
    from allypath.content.loader import load_circle_guides

    guides = guides if guides is not None else load_circle_guides()
    for guide in guides:
        if guide.id == circle.guide:
            return guide
    raise KeyError(f"no circle guide {circle.guide!r}")


# --------------------------------------------------------------------------- formation


def _compatible(person: Volunteer, members: Sequence[Volunteer], rules: CircleRules) -> bool:
    if len(members) >= rules.max_size:
        return False
    if rules.separate_managers and any(
        m.id == person.manager_id or m.manager_id == person.id for m in members
    ):
        return False
    return (
        rules.max_same_unit is None
        or person.unit is None
        or sum(1 for m in members if m.unit == person.unit) < rules.max_same_unit
    )


def _valid(members: Sequence[Volunteer], rules: CircleRules) -> bool:
    return (
        rules.min_size <= len(members) <= rules.max_size
        and len({m.stage for m in members}) > 1
        and any(m.hosts for m in members)
    )


def _fits_together(members: Sequence[Volunteer], rules: CircleRules) -> bool:
    return all(_compatible(m, [o for o in members if o is not m], rules) for m in members)


def _interleave(people: Sequence[Volunteer]) -> list[Volunteer]:
    """People in turn by stage (1, 2, 3, 4, 1, 2, ...), each stage in the given order: spreads stages."""
    by_stage = {s: [p for p in people if p.stage == s] for s in (1, 2, 3, 4)}
    out: list[Volunteer] = []
    while any(by_stage.values()):
        for s in (1, 2, 3, 4):
            if by_stage[s]:
                out.append(by_stage[s].pop(0))
    return out


def _swap_repair(circles: list[list[Volunteer]], bad: int, rules: CircleRules) -> bool:
    """Make circle ``bad`` mixed by swapping one member with another circle; True if done."""
    stage = circles[bad][0].stage
    for other, members in enumerate(circles):
        if other == bad:
            continue
        for theirs in members:
            if theirs.stage == stage:
                continue
            for ours in circles[bad]:
                new_bad = [m for m in circles[bad] if m is not ours] + [theirs]
                new_other = [m for m in members if m is not theirs] + [ours]
                if (
                    _valid(new_bad, rules)
                    and _valid(new_other, rules)
                    and _fits_together(new_bad, rules)
                    and _fits_together(new_other, rules)
                ):
                    circles[bad], circles[other] = new_bad, new_other
                    return True
    return False


def _attempt(order: Sequence[Volunteer], rules: CircleRules) -> tuple[list[list[Volunteer]], list[Volunteer]]:
    hosts = [v for v in order if v.hosts]
    count = min(len(hosts), len(order) // rules.min_size)
    waiting: list[Volunteer] = []
    circles = [[host] for host in hosts[:count]]  # one host opens each circle
    opened = {id(c[0]) for c in circles}
    rest = _interleave([v for v in order if id(v) not in opened])
    for person in rest:
        options = [
            (len(members), sum(1 for m in members if m.stage == person.stage), n)
            for n, members in enumerate(circles)
            if _compatible(person, members, rules)
        ]
        if options:
            circles[min(options)[2]].append(person)
        else:
            waiting.append(person)
    while True:
        bad = [n for n, members in enumerate(circles) if not _valid(members, rules)]
        if not bad:
            break
        n = bad[0]
        repairable = len(circles[n]) >= rules.min_size and any(m.hosts for m in circles[n])
        if repairable and _swap_repair(circles, n, rules):
            continue
        dissolved = circles.pop(n)
        for person in dissolved:
            options = [
                (len(members), sum(1 for m in members if m.stage == person.stage), k)
                for k, members in enumerate(circles)
                if _compatible(person, members, rules) and _valid([*members, person], rules)
            ]
            if options:
                circles[min(options)[2]].append(person)
            else:
                waiting.append(person)
    return circles, waiting


def form_circles(
    volunteers: Iterable[Volunteer], rules: CircleRules | None = None, guides: GuideSet | None = None
) -> Formation:
    """Form ally circles from ``volunteers`` under ``rules`` (see the module's docstring).

    Several shuffles of the volunteers (all drawn from ``rules.seed``, after sorting by id so that
    the input order does not matter) are tried; the one that places the most volunteers is kept
    (the first one on a tie). Circles are numbered by their smallest member id. ``guides`` are the
    circle guides to match (default: the packaged ones).

    Examples
    --------
    >>> people = [Volunteer("a", 1), Volunteer("b", 2), Volunteer("c", 3, can_host=True),
    ...           Volunteer("d", 2), Volunteer("e", 4, can_host=True), Volunteer("f", 1)]
    >>> formation = form_circles(people, CircleRules(min_size=3, max_size=3))
    >>> formation.summary_for_hr()
    {'volunteers': 6, 'circles': 2}
    """
    from allypath.content.loader import load_circle_guides

    rules = rules if rules is not None else CircleRules()
    guides = guides if guides is not None else load_circle_guides()
    pool = sorted(volunteers, key=lambda v: v.id)
    ids = Counter(v.id for v in pool)
    repeated = sorted(i for i, n in ids.items() if n > 1)
    if repeated:
        raise ValueError(f"volunteer ids must be unique; repeated: {', '.join(repeated[:5])}")
    rng = random.Random(rules.seed)  # noqa: S311 - reproducible grouping, not a secret
    best: tuple[list[list[Volunteer]], list[Volunteer]] | None = None
    for _ in range(ATTEMPTS):
        order = pool[:]
        rng.shuffle(order)
        circles, waiting = _attempt(order, rules)
        if best is None or len(waiting) < len(best[1]):
            best = (circles, waiting)
        if not waiting:
            break
    circles, waiting = best if best is not None else ([], [])
    ordered = sorted((sorted(m.id for m in members), members) for members in circles)
    return Formation(
        circles=tuple(
            Circle(
                number=n, members=tuple(ids_), guide=guides.for_mix(guide_mix(m.stage for m in members)).id
            )
            for n, (ids_, members) in enumerate(ordered, start=1)
        ),
        waiting=tuple(sorted(v.id for v in waiting)),
    )
