"""Responses and drafts.

A response row holds what the respondent answered, its scored result and the coarse attributes of his
invitation -- and nothing that could lead back to him: no token or anything derived from it, no
employee id, no IP or user agent, no time finer than the day, and a random id. In a panel wave it also
holds the panel key, an HMAC of the employee id under a secret that is not in the database.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from allypath.web.orgs.models import Unit, Wave
from allypath.web.survey.sealing import SealError, seal, unseal


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="responses")
    level = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=16)
    submitted_on = models.DateField(default=timezone.localdate)
    answers = models.JSONField()
    result = models.JSONField()
    status = models.CharField(max_length=20)
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    # How fast the pages were answered (rushed, quick, steady, slow; allypath.web.survey.pace), None
    # when not measured. Nullable without a default so that adding it keeps SQLite's WITHOUT ROWID.
    pace = models.CharField(max_length=10, null=True, blank=True)  # None: not measured
    # SHA-256 of the client's submission id (idempotency), of the canonical answers (to tell a retry
    # from a conflicting reuse) and of the receipt code (to open the report). None derives from the token.
    submission_key = models.CharField(max_length=64, unique=True)
    body_hash = models.CharField(max_length=64)
    receipt_hash = models.CharField(max_length=64, unique=True)
    panel_key = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        # Random ids give no order; the day is the finest time kept.
        ordering: ClassVar = ["wave", "submitted_on"]

    def __str__(self) -> str:
        return f"response {self.pk}"


class Draft(models.Model):
    """Answers saved so far for one personal link in one browser, deleted on submit (and when the wave
    closes).

    ``key`` hashes the token together with the browser's secret (:func:`~allypath.web.orgs.keys.draft_key`):
    the link alone finds no draft, and a draft cannot be matched to an invitation even with the links.
    The answers are ``sealed`` with a key derived from the same two secrets (:mod:`.sealing`): call
    :meth:`unlock` with it before reading or setting :attr:`answers`.
    """

    key = models.CharField(max_length=64, primary_key=True)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="drafts")
    language = models.CharField(max_length=16)
    page = models.PositiveSmallIntegerField(default=0)
    sealed = models.TextField(default="", blank=True)
    # Seconds spent on the pages so far (each page capped), None once a page went unmeasured: only
    # its pace is kept at submission (allypath.web.survey.pace), never a time of day.
    active_seconds = models.PositiveIntegerField(null=True, default=0)
    updated_on = models.DateField(default=timezone.localdate)

    _cipher_key: bytes | None = None

    def __str__(self) -> str:
        return f"draft in {self.wave}"

    def unlock(self, cipher_key: bytes) -> Draft:
        self._cipher_key = cipher_key
        return self

    def _require_key(self) -> bytes:
        if self._cipher_key is None:
            raise SealError("a draft's answers are read with its browser's key: call unlock() first")
        return self._cipher_key

    @property
    def answers(self) -> dict[str, Any]:
        return unseal(self.sealed, self._require_key(), self.key)

    @answers.setter
    def answers(self, value: dict[str, Any]) -> None:
        self.sealed = seal(value, self._require_key(), self.key)
