"""Organisations, units, employees (the invited population), HR memberships, waves and invitations.

Privacy rules that live here, in the model layer, so no view or script can skip them:
- a wave's instrument and privacy settings are frozen at launch (:data:`FROZEN_FIELDS`), and a launch
  cannot be undone once responses exist;
- an invitation stores only hashes of its tokens, and whether it was used, never when;
- employee ids stay with employees and invitations; responses (in the survey app) never point here
  except to the wave and to the coarse unit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils import timezone

from allypath.privacy import K_FLOOR
from allypath.web.orgs.errors import WaveFrozenError, WaveStateError


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A node of the organisation's hierarchy, named by its path (``Sales/EMEA/North``)."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    path = models.CharField(max_length=500)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    depth = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["org", "path"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["org", "path"], name="unit_path_unique")]

    def __str__(self) -> str:
        return self.path

    def subtree_paths_q(self, field: str = "unit") -> models.Q:
        """A filter for rows whose unit is this unit or lies below it."""
        return models.Q(**{f"{field}__path": self.path}) | models.Q(
            **{f"{field}__path__startswith": self.path + "/"}
        )


class Employee(models.Model):
    """One person of the imported HRIS population; the employee id never reaches a response."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="employees")
    employee_id = models.CharField(max_length=100)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="employees")
    level = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=16, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["org", "employee_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "employee_id"], name="employee_id_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org.slug}:{self.employee_id}"


class Role(models.TextChoices):
    """HR roles, from most to least powerful."""

    ORG_ADMIN = "org_admin", "Organisation admin"
    ANALYST = "analyst", "Analyst"
    VIEWER = "viewer", "Viewer"


ROLE_RANK = {Role.VIEWER: 1, Role.ANALYST: 2, Role.ORG_ADMIN: 3}


class Membership(models.Model):
    """A console user's role in one organisation; an analyst may be scoped to some units."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    units = models.ManyToManyField(Unit, blank=True, related_name="scoped_memberships")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "org"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.org} as {self.role}"

    def has_role(self, needed: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(needed)]


class WaveStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class WaveKind(models.TextChoices):
    """Where a wave's responses come from.

    ``survey``: respondents answer through personal links (draft -> open -> closed).
    ``imported``: the responses come from a survey-tool export uploaded by HR (console import); the
    wave takes no invitations or links and is never open: it is created closed, holding its responses,
    in the same transaction that stores them (or goes from an empty draft straight to closed).
    """

    SURVEY = "survey", "Survey"
    IMPORTED = "imported", "Imported from a file"


class PrivacyMode(models.TextChoices):
    ANONYMOUS = "anonymous", "Anonymous"
    PANEL = "panel", "Pseudonymous panel"


class Form(models.TextChoices):
    FULL = "full", "Full"
    SHORT = "short", "Short (pulse)"


#: Settings that define what was promised to respondents: frozen from launch on.
FROZEN_FIELDS = (
    "org_id",
    "kind",
    "instrument_id",
    "instrument_version",
    "form",
    "languages",
    "privacy_mode",
    "k",
    "k_text",
)


_FROZEN_NAMES = frozenset(FROZEN_FIELDS) | {"org"}


class WaveQuerySet(models.QuerySet["Wave"]):
    """Bulk updates obey the same freeze as :meth:`Wave.save`."""

    def update(self, **kwargs: Any) -> int:
        frozen = sorted(set(kwargs) & _FROZEN_NAMES)
        if frozen and self.exclude(status=WaveStatus.DRAFT).exists():
            raise WaveFrozenError(f"launched waves cannot change {', '.join(frozen)}")
        if kwargs.get("status") == WaveStatus.DRAFT and self.filter(responses__isnull=False).exists():
            raise WaveStateError("a wave with responses cannot go back to draft")
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        if {str(f) for f in fields} & (_FROZEN_NAMES | {"status"}):
            raise WaveFrozenError("change waves one by one through Wave.save() so the freeze is checked")
        return super().bulk_update(objs, fields, batch_size=batch_size)


class Wave(models.Model):
    """One survey round of an organisation."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=WaveKind.choices, default=WaveKind.SURVEY)
    instrument_id = models.CharField(max_length=100)
    instrument_version = models.CharField(max_length=50)
    form = models.CharField(max_length=10, choices=Form.choices, default=Form.FULL)
    languages = models.JSONField(default=list)
    privacy_mode = models.CharField(max_length=12, choices=PrivacyMode.choices, default=PrivacyMode.ANONYMOUS)
    k = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(K_FLOOR)])
    k_text = models.PositiveSmallIntegerField(default=10, validators=[MinValueValidator(K_FLOOR)])
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(max_length=10, choices=WaveStatus.choices, default=WaveStatus.DRAFT)
    launched_on = models.DateField(null=True, blank=True)

    objects = WaveQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["org", "-opens_on", "name"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(k__gte=K_FLOOR), name="wave_k_floor"),
            models.CheckConstraint(
                condition=models.Q(k_text__gte=models.F("k")), name="wave_k_text_at_least_k"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="wave_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org.slug}: {self.name}"

    # -- validation and the freeze ---------------------------------------------------------------------

    def clean(self) -> None:
        from allypath.web.orgs.instruments import check_wave_instrument

        errors: dict[str, str] = {}
        if self.k is not None and self.k < K_FLOOR:
            errors["k"] = f"the minimum group size cannot be below {K_FLOOR}"
        if self.k is not None and self.k_text is not None and self.k_text < self.k:
            errors["k_text"] = "the minimum group size for comments cannot be below k"
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = "the wave must close on or after the day it opens"
        problem = check_wave_instrument(
            self.instrument_id, self.instrument_version, self.form, self.languages
        )
        if problem:
            errors[problem[0]] = problem[1]
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            self._check_freeze()
        super().save(*args, **kwargs)

    def _check_freeze(self) -> None:
        stored = Wave.objects.filter(pk=self.pk).values("status", *FROZEN_FIELDS).first()
        if stored is None:
            return
        if stored["status"] != WaveStatus.DRAFT:
            changed = [name for name in FROZEN_FIELDS if getattr(self, name) != stored[name]]
            if changed:
                raise WaveFrozenError(
                    f"wave {self.pk} was launched: {', '.join(changed)} can no longer change "
                    "(respondents were told these settings)"
                )
        if self.status == WaveStatus.DRAFT and stored["status"] != WaveStatus.DRAFT and self.has_responses:
            raise WaveStateError(f"wave {self.pk} has responses: its launch cannot be undone")

    @property
    def has_responses(self) -> bool:
        return self.responses.exists()

    @property
    def is_frozen(self) -> bool:
        return self.status != WaveStatus.DRAFT

    @property
    def is_imported(self) -> bool:
        return self.kind == WaveKind.IMPORTED

    @property
    def no_rates_reason(self) -> str:
        """Why the wave has no response rates, in words ("" when it has them): the one place the rule
        is decided. A launched survey wave has invitations to count against; an imported wave has none."""
        if self.is_imported:
            return "imported from a file: the wave has no invited population, so no response rates"
        if self.status == WaveStatus.DRAFT:
            return "the wave has not been launched: nobody is invited yet"
        return ""

    @property
    def has_response_rates(self) -> bool:
        return not self.no_rates_reason

    # -- state -------------------------------------------------------------------------------------------

    def accepts_answers(self, today: dt.date | None = None) -> bool:
        if self.is_imported:
            return False
        today = today or timezone.localdate()
        return self.status == WaveStatus.OPEN and self.opens_on <= today <= self.closes_on

    def launch(self) -> None:
        """Open the wave: from here on its settings are frozen."""
        if self.is_imported:
            raise WaveStateError(
                f"wave {self.pk} is an imported wave: it takes its responses from a file, not from links"
            )
        if self.status != WaveStatus.DRAFT:
            raise WaveStateError(f"wave {self.pk} is {self.status}; only a draft can be launched")
        self.full_clean()
        if self.privacy_mode == PrivacyMode.PANEL and not settings.PANEL_SECRET:
            raise WaveStateError("a panel wave needs ALLYPATH_PANEL_SECRET to be set on the server")
        self.status = WaveStatus.OPEN
        self.launched_on = timezone.localdate()
        self.save()

    def finish_import(self) -> None:
        """Close an imported wave whose responses are being stored (call it in their transaction).

        An imported wave goes from draft (or from nothing) straight to closed: it never accepts answers,
        and from here on its settings are frozen like a launched wave's.
        """
        if not self.is_imported:
            raise WaveStateError(f"wave {self.pk} is a survey wave: responses come from its links")
        if self.status != WaveStatus.DRAFT:
            raise WaveStateError(f"wave {self.pk} is {self.status}; only a draft can receive an import")
        if self.privacy_mode != PrivacyMode.ANONYMOUS:
            raise WaveStateError("an imported wave is anonymous: a file links no response to an employee")
        self.full_clean()
        self.status = WaveStatus.CLOSED
        self.launched_on = timezone.localdate()
        self.save()

    def close(self) -> None:
        if self.status != WaveStatus.OPEN:
            raise WaveStateError(f"wave {self.pk} is {self.status}; only an open wave can be closed")
        with transaction.atomic():
            self.status = WaveStatus.CLOSED
            self.save()
            # Unfinished drafts can never be sent now: their answers have no reason to stay.
            self.drafts.all().delete()
            # Nothing more will be added: lose the order in which responses came (PostgreSQL's heap).
            from allypath.web.survey.storage import scramble_order

            scramble_order(self)

    def revert_to_draft(self) -> None:
        """Undo a launch made by mistake; refused once anyone has answered."""
        if self.status == WaveStatus.DRAFT:
            return
        if self.has_responses:
            raise WaveStateError(f"wave {self.pk} has responses: its launch cannot be undone")
        self.status = WaveStatus.DRAFT
        self.launched_on = None
        self.save()


class Invitation(models.Model):
    """One invited employee in one wave, with the coarse attributes his response will carry.

    ``used`` says whether the invitation was answered, never when: it is set in the same transaction
    that stores the response, and nothing on either row points to the other.
    """

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="invitations")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="invitations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="invitations")
    level = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    used = models.BooleanField(default=False)
    sent_on = models.DateField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["wave", "employee"], name="one_invitation_per_wave")
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} ({self.wave})"


class InvitationToken(models.Model):
    """The SHA-256 of one personal link's token. A reminder adds a new token; any of them opens the survey
    until the invitation is used. The token itself exists only in the CSV export or e-mail that carried it.
    """

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return f"token of invitation {self.invitation_id}"
