"""Adopted action-plan items.

An :class:`AdoptedItem` is a copy of what :func:`allypath.analytics.action_plan` proposed for one group
(intervention, priority, reasons, the figures behind them) plus what HR decided: owner, due date,
status. It keeps the group's filters, so :func:`allypath.analytics.plan_progress` can follow the same
group on a later wave.

The copied reasons and figures are never shown (docs/privacy.md: every figure anyone sees comes from
the organisation's current release). They quote the release of the day the item was adopted; since
then answers may have been withdrawn or added, or a wave re-solved, and the old figure beside today's
could tell how a few people stood. Pages, API answers and exports say why an item is in the plan
from today's proposal instead (:meth:`allypath.web.dashboard.results.Plan.reason_of`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from allypath._values import plain
from allypath.analytics import PLAN_STATUSES, PlanItem
from allypath.content import ContentError, LibraryItem, load_library
from allypath.model import stage
from allypath.web.journey.models import OrgLibraryItem
from allypath.web.orgs.models import Organisation, Wave

STATUS_CHOICES = [(s, s.replace("_", " ").capitalize()) for s in PLAN_STATUSES]


class AdoptedItem(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="plan_items")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="plan_items")
    group = models.CharField(max_length=500, help_text="the group's label, e.g. unit=Trading")
    filters = models.JSONField(help_text="the group's attribute filters (wave included)")
    intervention = models.CharField(max_length=100)
    priority = models.PositiveSmallIntegerField()
    # What was proposed on the day it was adopted: a record only, NEVER displayed (see the module's
    # docstring; show Plan.reason_of / Plan.evidence_of). The columns stay so that no migration is
    # needed and an item still says what it was adopted for in the database.
    reason = models.TextField()
    reason_codes = models.JSONField(default=list)
    evidence = models.JSONField(default=dict)
    enabler = models.CharField(max_length=100, blank=True)
    stage_action = models.TextField(blank=True)  # as ``reason``: a record only, never displayed
    owner = models.CharField(max_length=200, blank=True)
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="adopted")
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_on = models.DateField(default=timezone.localdate)
    # How HR delivers it (issue 17, point 5): the content library items it points men to (their ids,
    # checked against the shipped library and the organisation's own) and, if it runs through ally
    # circles, the organisation's circle settings. The follow-up page says what was done where;
    # neither names a person.
    library_items = models.JSONField(default=list, blank=True, help_text="ids of content library items")
    circle_plan = models.ForeignKey(
        "journey.CirclePlan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adopted_items",
        help_text="delivered through this organisation's ally circles",
    )

    class Meta:
        ordering: ClassVar = ["wave", "group", "priority", "intervention"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["wave", "group", "intervention"], name="adopt_once_per_group"),
            models.CheckConstraint(
                condition=models.Q(status__in=list(PLAN_STATUSES)), name="plan_item_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervention} for {self.group} ({self.status})"

    def clean(self) -> None:
        """An unknown library id or another organisation's circles is refused, naming what is wrong."""
        known = library_titles(self.org_id)
        unknown = [str(i) for i in self.library_items or [] if i not in known]
        errors: dict[str, str] = {}
        if unknown:
            errors["library_items"] = "not in the content library: " + ", ".join(unknown)
        if self.circle_plan is not None and self.circle_plan.org_id != self.org_id:
            errors["circle_plan"] = "the ally circles of another organisation"
        if errors:
            raise ValidationError(errors)

    @property
    def library(self) -> list[str]:
        """The linked library items' titles, in plain words (one since removed is said to be)."""
        ids = list(self.library_items or [])
        # the organisation's own items are read only when one is linked: a plan page lists many items
        own = any(str(i).startswith(OrgLibraryItem.ID_PREFIX) for i in ids)
        titles = library_titles(self.org_id if own else None)
        return [titles.get(i, "an item no longer in the library") for i in ids]

    def as_plan_item(self) -> PlanItem:
        """The analytics form, for :func:`allypath.analytics.plan_progress` and the follow-up: the
        group (by its filters) and what HR decided. Without the reason and figures stored on adoption,
        so no result built from it can carry them (what the group's change is measured on needs only
        its filters; the change of each factor once named in its evidence is shown nowhere)."""
        return PlanItem(
            intervention=self.intervention,
            group=self.group,
            filters=dict(self.filters),
            priority=self.priority,
            reason="",
            reason_codes=tuple(self.reason_codes),
            evidence={},
            enabler=self.enabler or None,
            stage_action="",
            owner=self.owner,
            due=self.due,
            status=self.status,
        )

    @classmethod
    def from_plan_item(cls, item: PlanItem, **fields: Any) -> AdoptedItem:
        return cls(
            group=item.group,
            filters={str(k): plain(v) for k, v in item.filters.items()},
            intervention=item.intervention,
            priority=item.priority,
            reason=item.reason,
            reason_codes=list(item.reason_codes),
            evidence={k: float(v) for k, v in item.evidence.items()},
            enabler=item.enabler or "",
            stage_action=item.stage_action,
            **fields,
        )

    @property
    def overdue(self) -> bool:
        return bool(self.due and self.due < timezone.localdate() and self.status not in ("done", "dropped"))


def library_titles(org_id: int | None = None) -> dict[str, str]:
    """The library items a plan item can point men to, id -> "title (stage)": the organisation's own
    items first (when ``org_id`` is given), then the shipped library in its order."""

    def label(item: LibraryItem, own: str = "") -> str:
        return f"{item.title.get_lang(own or 'en')} ({stage(item.home_stage).short_label.get_lang('en')})"

    titles: dict[str, str] = {}
    if org_id is not None:
        for row in OrgLibraryItem.objects.filter(org_id=org_id):
            try:
                titles[row.item_id] = label(row.as_item(), row.language) + ", your own"
            except ContentError:
                continue  # no longer valid (flagged on the library page): not offered, not linkable
    titles.update((item.id, label(item)) for item in load_library().items)
    return titles
