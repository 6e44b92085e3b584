"""What the journey and the circles store (docs/journey.md, "What is stored, and who sees what").

Stored under the same rules as responses (docs/privacy.md): random or hashed keys, nothing that points to
an invitation, an employee or a response, no time finer than the day, and on SQLite no row order
(``WITHOUT ROWID``, migration 0001).

- :class:`Journey`: one per receipt code. Its key is a hash of the code with its own label (it cannot
  be matched to the response's ``receipt_hash`` without the code), and everything in it -- what he
  read, the dilemmas he played, his commitments, his re-checks -- is one blob sealed with a key
  derived from the code, which the server never keeps. Whoever reads the database, its backups or
  the server's settings sees that a journey exists and the day it last changed; nothing else.
- :class:`Volunteer`: one per receipt code that volunteered for a circle, in his organisation. His
  stage band, unit, willingness to host and the contact he chose to share are sealed with a key
  derived from the server's secret key (not in the database or its backups): circles are formed when
  an org admin asks, while he is not there to unlock anything. The stage is erased once he is placed.
- :class:`Circle` and :class:`CirclePlan`: a formed circle (its guide and the day) and the org admin's
  settings (size, units, when circles are formed). Neither holds a stage.
- :class:`OrgLibraryItem`: an item an organisation added to the library for its own men (HR's text,
  not a man's data): who changed it last and the day, nothing about who was offered or read it.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from allypath.content import LibraryItem, validate_item
from allypath.web.orgs.models import Organisation
from allypath.web.survey.sealing import seal, unseal

__all__ = ["Circle", "CirclePlan", "Journey", "OrgLibraryItem", "Volunteer"]


class Journey(models.Model):
    """One man's private journey: read only with his receipt code (:mod:`allypath.web.journey.store`)."""

    key = models.CharField(max_length=64, primary_key=True)
    sealed = models.TextField(default="", blank=True)
    updated_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return "a private journey"


class CirclePlan(models.Model):
    """An org admin's settings for ally circles: size, how many of one unit, when they are formed."""

    org = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="circle_plan")
    min_size = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(3), MaxValueValidator(12)]
    )
    max_size = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(3), MaxValueValidator(12)]
    )
    # "Across units": at most this many members of one unit in a circle (empty: no limit).
    max_same_unit = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    # The day the org admin means to form circles: volunteers are told it.
    forms_on = models.DateField(null=True, blank=True)
    # Formations run so far: the next one's seed, so that the same volunteers give the same circles.
    rounds = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"circle settings of {self.org}"


class Circle(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="circles")
    guide = models.CharField(max_length=60)  # a circle guide id of allypath.content
    formed_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering: ClassVar = ["org", "formed_on"]

    def __str__(self) -> str:
        return "an ally circle"


class Volunteer(models.Model):
    """A man who volunteered for a circle. ``key`` hashes his receipt code (its own label)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(max_length=64, unique=True)
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="circle_volunteers")
    circle = models.ForeignKey(
        Circle, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    sealed = models.TextField(default="", blank=True)

    _cipher_key: bytes | None = None

    class Meta:
        ordering: ClassVar = ["org", "id"]

    def __str__(self) -> str:
        return "a circle volunteer"

    def unlock(self, cipher_key: bytes) -> Volunteer:
        self._cipher_key = cipher_key
        return self

    @property
    def details(self) -> dict[str, Any]:
        """``stage`` (None once placed), ``unit``, ``can_host`` and ``contact``."""
        assert self._cipher_key is not None, "call unlock() first"
        return unseal(self.sealed, self._cipher_key, str(self.id))

    @details.setter
    def details(self, value: dict[str, Any]) -> None:
        assert self._cipher_key is not None, "call unlock() first"
        self.sealed = seal(value, self._cipher_key, str(self.id))


class OrgLibraryItem(models.Model):
    """An item an organisation wrote for its own men, offered in the journey beside the shipped library.

    ``spec`` is the item as the library file writes one (format, stages, tags, texts keyed by
    ``language``), checked by :func:`allypath.content.validate_item` when saved and again when read,
    so an item stored by an older release that no longer passes is left out rather than shown broken.
    """

    ID_PREFIX = "org_item_"

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="library_items")
    language = models.CharField(max_length=8)  # the one language it is written in: en, fr or ar
    spec = models.JSONField()
    added_on = models.DateField(default=timezone.localdate)
    changed_on = models.DateField(default=timezone.localdate)
    changed_by = models.CharField(max_length=150)  # the console user's name, as the audit log keeps it

    class Meta:
        ordering: ClassVar = ["org", "id"]

    def __str__(self) -> str:
        title = self.spec.get("title", {}).get(self.language, "") if isinstance(self.spec, dict) else ""
        return f"{title or 'an item'} ({self.org})"

    @property
    def item_id(self) -> str:
        """Its id in the journey's library (never one of the shipped library's ids)."""
        return f"{self.ID_PREFIX}{self.pk}"

    def as_item(self) -> LibraryItem:
        """The checked library item (raises :class:`allypath.content.ContentError` if it no longer passes)."""
        return validate_item(
            {**self.spec, "id": self.item_id}, languages=[self.language], source=f"{self.org.slug} library"
        )
