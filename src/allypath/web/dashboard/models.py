"""What an organisation publishes: its declared breakdowns, and each solved release (a cache).

A :class:`PublishedRelease` holds the decisions of one solve, keyed by a digest of everything they
depend on (the usable responses, the waves' states and minimum sizes, the declared breakdowns), so
every process serves the same release without solving it again, and a new response, a closed wave
or a changed declaration gives a new digest and a new solve.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "digest"], name="one_release_per_digest")
        ]

    def __str__(self) -> str:
        return f"release {self.digest[:8]} of {self.org_id} ({self.shown}/{self.cells} cells shown)"
