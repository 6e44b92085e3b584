"""What the dashboard service answers: one frozen result per view, read by the console and the API.

Every result carries the checked :class:`~allypath.web.dashboard.query.DashboardQuery` and ``total``,
the filtered group's row (its stage mix, or its reason when hidden). When the release hides the
total, the result is ``refused`` and holds nothing else. Group rows are the analytics' records
(:data:`Record`): ``group``, ``visible``, ``n``, ``reason``, ``message`` and the view's columns, with
``None`` for every hidden or missing value, and ``value``, the group's value of the breakdown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from allypath.analytics import PlanItem
from allypath.web.dashboard.query import DashboardQuery
from allypath.web.orgs.models import Wave
from allypath.web.plans.models import AdoptedItem

__all__ = [
    "NOT_CURRENT",
    "CommentGroup",
    "Comments",
    "Groups",
    "Heatmap",
    "Overview",
    "Plan",
    "Rate",
    "Record",
    "Result",
    "Transitions",
    "Trends",
]

Record = Mapping[str, Any]


@dataclass(frozen=True)
class Result:
    """The request and its filtered total; ``refused`` when the release hides the total."""

    query: DashboardQuery
    total: Record

    @property
    def refused(self) -> bool:
        return not self.total.get("visible", False)


@dataclass(frozen=True)
class Rate:
    """A group's response rate with its 95% Wilson interval (``message`` says why when hidden)."""

    visible: bool
    n: int | None = None
    invited: int | None = None
    rate: float | None = None
    low: float | None = None
    high: float | None = None
    message: str | None = None


@dataclass(frozen=True)
class Overview(Result):
    """Stage mix, response rate and non-response band, policy awareness, HR's three questions."""

    band: Record | None = None  # respondent_<stage>, low_<stage>, high_<stage>: the likely range
    rate: Rate | None = None
    awareness: Record | None = None
    diagnostics: tuple[Record, ...] = ()
    contexts: tuple[Record, ...] = ()
    set_aside: str = ""  # the wave's answers set aside as careless, for the whole organisation, in words
    wave_open: bool = False  # the wave still collects answers: the release publishes its counts only


@dataclass(frozen=True)
class Groups(Result):
    """Per group of the breakdown: stage mix, ``rate_*`` response rate, policy awareness."""

    rows: tuple[Record, ...] = ()


@dataclass(frozen=True)
class Heatmap(Result):
    """Mean factor scores (a column per factor key) for the total (``overall``) and per group."""

    factors: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # key -> kind, label
    overall: Record | None = None
    rows: tuple[Record, ...] = ()


@dataclass(frozen=True)
class Trends(Result):
    """Change between two waves for the total (``change``) and per group; ``message`` when only one
    wave is launched (nothing to compare)."""

    waves: tuple[str, str] | None = None
    change: Record | None = None
    rows: tuple[Record, ...] = ()
    message: str | None = None


@dataclass(frozen=True)
class Transitions(Result):
    """Stage-to-stage transitions of the panel: the rows of everyone (``overall``) and of each group
    (``groups``, one tuple per group; a row per from/to stage, the first says whether it is shown)."""

    waves: tuple[str, str] | None = None
    overall: tuple[Record, ...] = ()
    groups: tuple[tuple[Record, ...], ...] = ()
    message: str | None = None
    note: str | None = None  # why no group's matrix is given (a breakdown was asked for)


#: What an adopted item says when the current results no longer propose it for its group. No figure:
#: the group may now be hidden, and any figure next to the one quoted when it was adopted could tell
#: how a few people (say, one who withdrew his answers) stood.
NOT_CURRENT = (
    "The figures behind this item are not in the current results: the group's figures are now hidden,"
    " or they have changed and no longer point to this intervention."
)


@dataclass(frozen=True)
class Plan(Result):
    """Groups' decisions, the interventions proposed for the shown ones, the adopted plan and the
    change of each adopted group on the ``later`` wave.

    An adopted item's reason and figures are today's (:meth:`reason_of`, :meth:`evidence_of`), from
    the same release as the rest of the page: never the text stored when it was adopted, which quotes
    figures of a release that may since have changed (answers withdrawn or added, a wave re-solved).
    """

    rows: tuple[Record, ...] = ()
    items: tuple[PlanItem, ...] = ()
    adopted: tuple[AdoptedItem, ...] = ()
    later: Wave | None = None
    progress: tuple[Record, ...] = ()
    wave_open: bool = False  # the wave still collects answers: no group's figures are published yet
    # today's proposals for the adopted items' groups that ``items`` does not cover (adopted under
    # another breakdown or selection), each group drawn on its own from the same release
    current: tuple[PlanItem, ...] = ()

    def progress_of(self, item: AdoptedItem | PlanItem) -> Record | None:
        """The change of an adopted item's group on the later wave (None before there is one)."""
        return next(
            (p for p in self.progress if (p["group"], p["intervention"]) == (item.group, item.intervention)),
            None,
        )

    def proposed(self, group: str, intervention: str) -> PlanItem | None:
        """The proposal of ``intervention`` for ``group``, if the plan proposes it."""
        return next((i for i in self.items if (i.group, i.intervention) == (group, intervention)), None)

    def now(self, item: AdoptedItem) -> PlanItem | None:
        """Today's proposal behind an adopted item (None: the current results no longer propose it)."""
        return next(
            (
                p
                for p in (*self.items, *self.current)
                if (p.group, p.intervention) == (item.group, item.intervention)
            ),
            None,
        )

    def reason_of(self, item: AdoptedItem) -> str:
        """Why an adopted item is in the plan, with today's figures, or :data:`NOT_CURRENT`."""
        found = self.now(item)
        return found.reason if found is not None else NOT_CURRENT

    def evidence_of(self, item: AdoptedItem) -> dict[str, float]:
        """Today's figures behind an adopted item (empty when the current results no longer propose it)."""
        found = self.now(item)
        return dict(found.evidence) if found is not None else {}


@dataclass(frozen=True)
class CommentGroup:
    """One group's comments, shuffled anew per request: shown with ``n`` and ``band`` (how many
    wrote, as a band), or hidden with its reason and no text."""

    group: str
    value: str | None  # the group's value of the breakdown (None: no breakdown)
    visible: bool
    n: int | None
    reason: str | None
    message: str | None
    band: str | None
    comments: tuple[str, ...]


@dataclass(frozen=True)
class Comments(Result):
    """Comments per group of the breakdown (one group without one)."""

    rows: tuple[CommentGroup, ...] = ()
