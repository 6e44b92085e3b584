"""Adopted action-plan items.

An :class:`AdoptedItem` is a copy of what :func:`allypath.analytics.action_plan` proposed for one group
(intervention, priority, reasons, the figures behind them) plus what HR decided: owner, due date,
status. It keeps the group's filters, so :func:`allypath.analytics.plan_progress` can follow the same
group on a later wave.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from allypath.analytics import PLAN_STATUSES, PlanItem
from allypath.web.orgs.models import Organisation, Wave

STATUS_CHOICES = [(s, s.replace("_", " ").capitalize()) for s in PLAN_STATUSES]


class AdoptedItem(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="plan_items")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="plan_items")
    group = models.CharField(max_length=500, help_text="the group's label, e.g. unit=Trading")
    filters = models.JSONField(help_text="the group's attribute filters (wave included)")
    intervention = models.CharField(max_length=100)
    priority = models.PositiveSmallIntegerField()
    reason = models.TextField()
    reason_codes = models.JSONField(default=list)
    evidence = models.JSONField(default=dict)
    enabler = models.CharField(max_length=100, blank=True)
    stage_action = models.TextField(blank=True)
    owner = models.CharField(max_length=200, blank=True)
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="adopted")
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_on = models.DateField(default=timezone.localdate)

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

    def as_plan_item(self) -> PlanItem:
        """The analytics form, for :func:`allypath.analytics.plan_progress`."""
        return PlanItem(
            intervention=self.intervention,
            group=self.group,
            filters=dict(self.filters),
            priority=self.priority,
            reason=self.reason,
            reason_codes=tuple(self.reason_codes),
            evidence={str(k): float(v) for k, v in self.evidence.items()},
            enabler=self.enabler or None,
            stage_action=self.stage_action,
            owner=self.owner,
            due=self.due,
            status=self.status,
        )

    @classmethod
    def from_plan_item(cls, item: PlanItem, **fields: Any) -> AdoptedItem:
        return cls(
            group=item.group,
            filters={str(k): _plain(v) for k, v in item.filters.items()},
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


def _plain(value: object) -> object:
    item = getattr(value, "item", None)  # numpy scalars from a DataFrame
    return item() if callable(item) else value
