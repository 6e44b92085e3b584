"""What an organisation publishes: its declared breakdowns, and each solved release (a cache).

A :class:`PublishedRelease` holds the decisions of one solve, keyed by a digest of everything they
depend on (the usable responses, the waves' states and minimum sizes, the declared breakdowns), so
every process serves the same release without solving it again, and a new response, a closed wave
or a changed declaration gives a new digest and a new solve.

Only the current state's rows are kept: when a new release is stored, the organisation's rows of
earlier states are deleted (:func:`allypath.web.dashboard.release.org_release`). Kept, one row per
state of an open wave would be a history of the data, each row listing the cells of its day; a cell
appearing from one row to the next would date the answer of the one man who made it, which the
responses themselves deliberately do not.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from allypath.web.orgs.models import Organisation


class Publication(models.Model):
    """The breakdowns an organisation publishes (``unit*level`` style keys; empty: the default set)."""

    org = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="publication")
    breakdowns = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"publication of {self.org_id}: {', '.join(self.breakdowns) or 'default'}"


class PublishedRelease(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="releases")
    digest = models.CharField(max_length=64)
    # zlib-compressed JSON of Release.to_dict(): decisions only, no response and no figure
    payload = models.BinaryField()
    cells = models.PositiveIntegerField(default=0)
    shown = models.PositiveIntegerField(default=0)
    solve_seconds = models.FloatField(default=0.0)
    # The slowest whole solve the organisation has had, carried from row to row: earlier rows are
    # deleted (below), and a closing wave is solved again at the cost of its first solve.
    slowest_seconds = models.FloatField(default=0.0)
    # The day only, as for responses: a time of day beside each new release would date the answers
    # that changed it (DESIGN §6: timestamps coarsened to the day, no order that follows submissions).
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "digest"], name="one_release_per_digest")
        ]

    def __str__(self) -> str:
        return f"release {self.digest[:8]} of {self.org_id} ({self.shown}/{self.cells} cells shown)"
