"""Organisations, units, employees (the invited population), HR memberships, waves and invitations.

Privacy rules that live here, in the model layer, so no view or script can skip them:
- a wave's instrument and privacy settings are frozen at launch (:data:`FROZEN_FIELDS`), and a launch
  cannot be undone once a personal link has gone out (so never once responses exist, and never by a
  rule that depends on them: :meth:`Wave.revert_to_draft`);
- an invitation stores only hashes of its tokens, and whether it was used, never when;
- employee ids stay with employees and invitations; responses (in the survey app) never point here
  except to the wave and to the coarse unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils import timezone

from allypath.privacy import K_FLOOR
from allypath.web.orgs.errors import WaveFrozenError, WaveStateError
from allypath.web.orgs.keys import claim_key


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    # The policies the organisation declares it has ({option id of the knowledge check: true/false}): men's
    # answers to "which of these does your organisation offer?" are checked against it. Until it is
    # declared, no "verified" awareness is shown: the instrument cannot know what this organisation offers.
    policies = models.JSONField(default=dict, blank=True)

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
    # Only used to choose whom a wave invites (its audience): never copied to an invitation or a response.
    gender = models.CharField(
        max_length=10, choices=[("man", "Man"), ("woman", "Woman"), ("another", "Another")], blank=True
    )
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
    PANEL = "panel", "Panel (linked across waves)"


class Form(models.TextChoices):
    FULL = "full", "Full survey (10 to 15 minutes)"
    SHORT = "short", "Short pulse (about 5 minutes)"


class Audience(models.TextChoices):
    """Who a wave invites. The model describes men's journey to allyship, so men are the default."""

    MEN = "men", "Men"
    EVERYONE = "everyone", "Everyone"


class WavePhase(models.TextChoices):
    """A wave's phase in the words respondents see on their links (see :meth:`Wave.phase`)."""

    DRAFT = "draft", "Draft"
    NOT_STARTED = "not_started", "Not started yet"
    OPEN = "open", "Open"
    ENDED = "ended", "Ended"
    CLOSED = "closed", "Closed"
    IMPORTED = "imported", "Imported"


PHASE_SENTENCES = {
    WavePhase.DRAFT: "Draft: not launched, nobody is invited yet.",
    WavePhase.NOT_STARTED: "Not started yet: launched, opens on {opens}. A link opened before then says "
    '"This survey has not started".',
    WavePhase.OPEN: "Open: respondents can answer until {closes}.",
    WavePhase.ENDED: "Ended: the closing day ({closes}) has passed and links no longer work. Close the wave "
    "to delete unfinished drafts and finish it.",
    WavePhase.CLOSED: "Closed: answers are no longer collected.",
    WavePhase.IMPORTED: "Imported from a file: no invitations or links.",
}


#: Why a launch can no longer be undone: the one refusal, whatever else is true of the wave (its answers
#: included), so that it says only what HR already knows.
LAUNCH_KEPT = (
    "personal links to this wave have gone out (invitations e-mailed or links downloaded): its launch "
    "can no longer be undone; close the wave to end it"
)

#: A wave's status in the refusals HR reads ("this wave is ..."), never its id or internal code.
_STATUS_WORDS: dict[str, str] = {
    WaveStatus.DRAFT: "a draft that was never launched",
    WaveStatus.OPEN: "already launched",
    WaveStatus.CLOSED: "already closed",
}


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
    "audience",
    "audience_units",
    "audience_levels",
    "audience_regions",
)


_FROZEN_NAMES = frozenset(FROZEN_FIELDS) | {"org"}
#: A field's name where it differs from its column's attribute (``update_fields`` may give either).
_ATTNAMES = {"org": "org_id"}


class WaveQuerySet(models.QuerySet["Wave"]):
    """Bulk updates obey the same freeze as :meth:`Wave.save`."""

    def update(self, **kwargs: Any) -> int:
        frozen = sorted(set(kwargs) & _FROZEN_NAMES)
        if not frozen and "status" not in kwargs:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            # The rows locked first (a submission in flight holds its wave's row share-locked until it
            # commits; on SQLite the transaction holds the one write lock): nothing is launched or
            # answered between the checks and the write.
            list(self.select_for_update(of=("self",)).values_list("pk", flat=True))
            if frozen and self.exclude(status=WaveStatus.DRAFT).exists():
                raise WaveFrozenError(f"launched waves cannot change {', '.join(frozen)}")
            if kwargs.get("status") == WaveStatus.DRAFT and (
                self.filter(invitations__tokens__isnull=False).exists()
                or self.filter(responses__isnull=False).exists()
                or self.filter(claims__isnull=False).exists()
            ):
                raise WaveStateError(LAUNCH_KEPT)
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
    form = models.CharField("survey length", max_length=10, choices=Form.choices, default=Form.FULL)
    languages = models.JSONField(default=list)
    privacy_mode = models.CharField(
        "privacy mode", max_length=12, choices=PrivacyMode.choices, default=PrivacyMode.ANONYMOUS
    )
    k = models.PositiveSmallIntegerField(
        "smallest group shown", default=5, validators=[MinValueValidator(K_FLOOR)]
    )
    k_text = models.PositiveSmallIntegerField(
        "smallest group whose comments are shown", default=10, validators=[MinValueValidator(K_FLOOR)]
    )
    opens_on = models.DateField("opens on")
    closes_on = models.DateField("closes on")
    status = models.CharField(max_length=10, choices=WaveStatus.choices, default=WaveStatus.DRAFT)
    launched_on = models.DateField(null=True, blank=True)
    # Whom the wave invites, chosen from the HRIS attributes; empty lists mean "all of them".
    audience = models.CharField(
        "who is invited", max_length=10, choices=Audience.choices, default=Audience.MEN
    )
    audience_units = models.JSONField("units", default=list, blank=True)
    audience_levels = models.JSONField("levels", default=list, blank=True)
    audience_regions = models.JSONField("regions", default=list, blank=True)
    # The invitation and reminder e-mails HR edited, per language ({"invitation": {"en": {"subject": ..,
    # "body": ..}}, "reminder": {...}}); what is missing falls back to allypath's wording.
    emails = models.JSONField(default=dict, blank=True)
    # Days on which reminders go out by themselves (``python -m allypath.web send_due_reminders``, run
    # daily by cron), and the ones already sent.
    reminders_on = models.JSONField("reminder days", default=list, blank=True)
    reminders_done = models.JSONField(default=list, blank=True)
    # What its figures are published over, fixed when they are first published
    # (web.dashboard.release.published_settings): {"breakdowns": ["unit", "unit*level", ...], "k": 5,
    # "k_text": 10}, the organisation's declared breakdowns and minimum sizes then. A release solved anew
    # over other tables or another k could be subtracted from the one already seen. None until then.
    publication = models.JSONField(
        "what its figures are published over", null=True, blank=True, editable=False, default=None
    )

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
        errors.update(self._audience_errors())
        errors.update(self._reminder_errors())
        problem = check_wave_instrument(
            self.instrument_id, self.instrument_version, self.form, self.languages
        )
        if problem:
            errors[problem[0]] = problem[1]
        if errors:
            raise ValidationError(errors)

    def _audience_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        known = {
            "audience_units": set(Unit.objects.filter(org_id=self.org_id).values_list("path", flat=True)),
            "audience_levels": set(
                Employee.objects.filter(org_id=self.org_id).values_list("level", flat=True)
            ),
            "audience_regions": set(
                Employee.objects.filter(org_id=self.org_id).values_list("region", flat=True)
            ),
        }
        for name, allowed in known.items():
            chosen = getattr(self, name) or []
            if not isinstance(chosen, list) or not all(isinstance(v, str) for v in chosen):
                errors[name] = "give a list of names"
                continue
            unknown = sorted(set(chosen) - allowed)
            if unknown:
                errors[name] = f"not in the people list: {', '.join(unknown)}"
        return errors

    def _reminder_errors(self) -> dict[str, str]:
        days = self.reminders_on or []
        try:
            parsed = [dt.date.fromisoformat(str(day)) for day in days]
        except ValueError:
            return {"reminders_on": "write each reminder day as a date (YYYY-MM-DD)"}
        if self.opens_on and self.closes_on:
            outside = [d for d in parsed if not self.opens_on < d <= self.closes_on]
            if outside:
                return {
                    "reminders_on": "reminders go out after the opening day and by the closing day: "
                    + ", ".join(d.isoformat() for d in outside)
                    + " is outside"
                }
        return {}

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is None or kwargs.get("force_insert"):
            super().save(*args, **kwargs)
            return
        # The freeze is checked and the row written in one transaction, the row locked by the check:
        # nothing can launch the wave or store an answer in it between the two.
        with transaction.atomic(using=kwargs.get("using")):
            self._check_freeze(kwargs.get("update_fields"))
            super().save(*args, **kwargs)

    def _check_freeze(self, update_fields: Iterable[str] | None = None) -> None:
        """Refuse a write that changes a launched wave's frozen settings, or takes a wave back to draft
        once its links have gone out (or it holds answers, which needs a link). ``update_fields``: the
        fields written (None: all of them).

        Call it in the transaction that writes: it locks the wave's row for update, which waits for the
        submissions in flight (from its claim to its commit a submission holds the row share-locked; on
        SQLite the transaction holds the one write lock), so their answers are seen here.
        """
        stored = Wave.objects.select_for_update().filter(pk=self.pk).values("status", *FROZEN_FIELDS).first()
        if stored is None:
            return
        written = (
            set(FROZEN_FIELDS) | {"status"}
            if update_fields is None
            else {_ATTNAMES.get(name, name) for name in update_fields}
        )
        if stored["status"] != WaveStatus.DRAFT:
            changed = [
                name for name in FROZEN_FIELDS if name in written and getattr(self, name) != stored[name]
            ]
            if changed:
                raise WaveFrozenError(
                    f"wave {self.pk} was launched: {', '.join(changed)} can no longer change "
                    "(respondents were told these settings)"
                )
        if (
            "status" in written
            and self.status == WaveStatus.DRAFT
            and stored["status"] != WaveStatus.DRAFT
            and (self.links_out() or self._answered())
        ):
            raise WaveStateError(LAUNCH_KEPT)

    def _answered(self) -> bool:
        """Whether anyone answered: a response stored, or an invitation claimed by a submission."""
        return self.responses.exists() or self.claims.exists()

    def _lock(self) -> None:
        """Lock the wave's row for update (in the caller's transaction) and reload every field from it.

        The lock waits for the submissions in flight on this wave (they share-lock its row from their
        claim to their commit; on SQLite the transaction already holds the one write lock), and for
        anything else writing the row, such as the first dashboard look fixing ``publication``: what
        the caller then checks and writes is the wave as it is, not as it was when it was loaded.
        """
        self.refresh_from_db(from_queryset=Wave.objects.select_for_update())

    @property
    def has_responses(self) -> bool:
        return self.responses.exists()

    @property
    def is_frozen(self) -> bool:
        return self.status != WaveStatus.DRAFT

    @property
    def is_imported(self) -> bool:
        return self.kind == WaveKind.IMPORTED

    def phase(self, today: dt.date | None = None) -> WavePhase:
        """Where the wave stands for respondents today: the one vocabulary HR and respondents share.

        ``status`` says what HR did (draft, launched, closed); the phase adds the dates, so a wave launched
        before its opening day reads "Not started yet" in the console, as its links say to respondents.
        """
        if self.is_imported:
            return WavePhase.IMPORTED
        if self.status == WaveStatus.DRAFT:
            return WavePhase.DRAFT
        if self.status == WaveStatus.CLOSED:
            return WavePhase.CLOSED
        today = today or timezone.localdate()
        if today < self.opens_on:
            return WavePhase.NOT_STARTED
        if today > self.closes_on:
            return WavePhase.ENDED
        return WavePhase.OPEN

    @property
    def phase_label(self) -> str:
        return str(self.phase().label)

    @property
    def phase_sentence(self) -> str:
        """The phase in one sentence for HR, with what respondents see."""
        phase = self.phase()
        return PHASE_SENTENCES[phase].format(
            opens=self.opens_on.isoformat(), closes=self.closes_on.isoformat()
        )

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
                "this wave was imported from a file: it takes its responses from the file, not from links"
            )
        with transaction.atomic():
            if self.pk is not None:
                # The status as stored, read under the row's lock: of two launches at once (a double
                # click, two admins), the second finds the wave open and is refused, not run again.
                stored = Wave.objects.select_for_update().filter(pk=self.pk).values_list("status", flat=True)
                self.status = next(iter(stored), self.status)
            if self.status != WaveStatus.DRAFT:
                raise WaveStateError(
                    f"this wave is {_STATUS_WORDS[self.status]}: only a draft can be launched"
                )
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
        with transaction.atomic():
            # Wait for the submissions in flight on this wave before anything else (their transactions
            # claim an invitation, share-lock the wave's row, store a response and delete a draft): the
            # claims go below, and the survey app rewrites the wave's invitations and responses, which
            # must not miss or undo one. A submission that comes after finds it closed. The status is
            # read under the lock (a close clicked twice closes once), and only the status is written:
            # a publication fixed since this object was loaded stays.
            self._lock()
            if self.status != WaveStatus.OPEN:
                raise WaveStateError(
                    f"this wave is {_STATUS_WORDS[self.status]}: only an open wave can be closed"
                )
            self.status = WaveStatus.CLOSED
            self.save(update_fields=["status"])
            # Which invitations were answered is needed only to refuse a second answer, and a closed
            # wave takes none: it is not kept (no invitation is marked used), so whoever reads the
            # database or a backup cannot tell who of a group's invitees answered.
            self.claims.all().delete()
            # Flags set by versions from before claims, on a wave open since then (the survey app's
            # rewrite below then moves every invitation, not only these, on PostgreSQL).
            self.invitations.filter(used=True).update(used=False)
            # Unfinished drafts can never be sent now: their answers have no reason to stay.
            self.drafts.all().delete()
            # Nothing more will be added: the survey app loses the order in which responses came
            # (PostgreSQL's heap) on this signal, within this transaction.
            from allypath.web.orgs.signals import wave_closed

            wave_closed.send(sender=Wave, wave=self)

    def links_out(self) -> bool:
        """Whether a personal link to this wave was ever issued: an invitation e-mailed, or a link written
        to a links CSV (or handed to the demo's respondents). HR knows it (it pressed the button; the
        change and access logs say so), and an answer never changes it: a submission issues no token and
        deletes none, and a reminder gives new ones only to invitations that already had one."""
        return InvitationToken.objects.filter(invitation__wave=self).exists()

    @property
    def can_undo_launch(self) -> bool:
        """Whether the console offers to undo the launch: an open survey wave no link has gone out for.
        Decided by what HR knows, never by whether anyone answered (see :meth:`revert_to_draft`)."""
        return not self.is_imported and self.status == WaveStatus.OPEN and not self.links_out()

    def revert_to_draft(self) -> None:
        """Undo a launch made by mistake: allowed only until the first personal link goes out.

        The rule is a fact HR knows (it e-mailed invitations or downloaded links), never whether anyone
        answered: refusing only once someone had answered would tell an admin who invited one man
        whether, and by pressing again when, he did. Once links are out, HR closes the wave instead.

        Checked under the wave's row lock, with the wave's invitations locked too: a links export or an
        e-mail in flight (each locks the invitations it gives a link) is waited for and its link seen.
        A send or export that comes after finds no invitation to give a link to: they are deleted here,
        as nobody holds a link of theirs, and a new launch invites the audience of the settings then,
        coarsened with the k then. The answers are looked for too, in the same transaction: without a
        link nobody can answer, so that check never refuses in practice; if it ever did, its refusal is
        the same words as the links' (no answer is lost, and none is told apart). Only the fields this
        changes are written.
        """
        with transaction.atomic():
            self._lock()
            if self.status == WaveStatus.DRAFT:
                return
            if self.is_imported or self.status != WaveStatus.OPEN:
                raise WaveStateError(
                    f"this wave is {_STATUS_WORDS[self.status]}: only an open wave's launch can be undone"
                )
            list(self.invitations.select_for_update().values_list("pk", flat=True))
            if self.links_out() or self._answered():
                raise WaveStateError(LAUNCH_KEPT)
            self.invitations.all().delete()  # no link, no token, no draft, no answer: nothing to keep
            self.status = WaveStatus.DRAFT
            self.launched_on = None
            self.publication = None  # nothing answered, nothing to keep: a new launch publishes anew
            self.save(update_fields=["status", "launched_on", "publication"])


class Invitation(models.Model):
    """One invited employee in one wave, with the coarse attributes his response will carry.

    While the wave is open a submission does not write this row: it claims the invitation by an
    :class:`InvitationClaim` in the transaction that stores the response (on PostgreSQL a row written
    there would carry the response's ``xmin``, pairing the two); :meth:`claimed` tells. When the wave
    closes the claims are deleted and nothing says who answered (:meth:`Wave.close`). ``used`` was set
    only by earlier versions (at close, from the claims); closing a wave clears it, and migration 0009
    cleared it on the waves they closed.
    Nothing else on the row, or on its tokens, may differ with the time of use (a count of reminders
    received would date the answer between two reminders): see
    :func:`allypath.web.orgs.invitations.send_reminders`. On PostgreSQL the rows are rewritten in random
    order with the responses at close and before a backup.
    """

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="invitations")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="invitations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="invitations")
    level = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    used = models.BooleanField(default=False)
    sent_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["wave", "employee"], name="one_invitation_per_wave")
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} ({self.wave})"

    @property
    def claimed(self) -> bool:
        """Answered: marked used at close, or claimed by a submission of the open wave."""
        return self.used or InvitationClaim.objects.filter(key=claim_key(self.pk)).exists()


class InvitationClaim(models.Model):
    """That one invitation of an open wave was answered, under :func:`~.keys.claim_key` of its id.

    Written with the response, in its transaction; its key is unique, so a link answers once. Without
    the server's secret key nothing on the row says which invitation it claims: it carries the
    response's ``xmin`` on PostgreSQL, and names no invitation. At close the claims become the
    invitations' ``used`` flags (one batch, one transaction) and are deleted.
    """

    key = models.CharField(max_length=64, primary_key=True)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="claims")

    def __str__(self) -> str:
        return f"a claim in {self.wave}"


class InvitationToken(models.Model):
    """The SHA-256 of one personal link's token. A reminder adds a new token; any of them opens the survey
    until the invitation is used. The token itself exists only in the CSV export or e-mail that carried it.

    A reminder adds a token to every invitation it covers, used or not (a used one gets the hash of a
    token that is never sent), so the tokens' number, ids and ``issued_on`` do not date the answer.
    """

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return f"token of invitation {self.invitation_id}"
