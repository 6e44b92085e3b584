"""The audit log: one row per access to report data, one per HR sign-in, refused sign-in or sign-out,
and one per change an HR user made to the organisation's survey set-up (a wave launched, closed or
taken back to draft, invitations or reminders sent, the people file imported, a member added, given
another role or removed); never changed or removed through the application.

Append-only is enforced here, in the model layer (``save`` refuses updates, ``delete`` and the
queryset's ``update``/``delete``/``bulk_update`` refuse), and again by database triggers (migration
0002): PostgreSQL refuses UPDATE and DELETE, SQLite refuses UPDATE. Neither blocks TRUNCATE or dropping
the table: a database owner can always do that, and test databases are flushed that way.

The user is kept as id and user name, not as a foreign key, so removing a console account later
neither deletes nor rewrites its history.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models
from django.utils import timezone

from allypath.errors import AllypathError
from allypath.web.orgs.models import Organisation, Wave


class AuditLogError(AllypathError):
    """Something tried to change or remove an audit entry (the log is append-only)."""


def _refuse(what: str) -> NoReturn:
    raise AuditLogError(f"the audit log is append-only: entries cannot be {what}")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("updated")

    def delete(self) -> NoReturn:
        _refuse("deleted")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        _refuse("updated")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("updated")


class AppendOnlyModel(models.Model):
    """A row that is written once: saving it again or deleting it is refused (the database's
    triggers refuse the same in SQL)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update") or kwargs.get("update_fields"):
            _refuse("updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("deleted")


class AccessEvent(AppendOnlyModel):
    """Who saw which group's report data, where and when."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    username = models.CharField(max_length=150)
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="access_events")
    wave = models.ForeignKey(
        Wave, null=True, blank=True, on_delete=models.PROTECT, related_name="access_events"
    )
    group = models.CharField(max_length=500)
    view = models.CharField(max_length=200)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [models.Index(fields=["org", "-at"], name="audit_org_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.view} {self.group}"


class SignInEvent(AppendOnlyModel):
    """A sign-in to the HR console, a refused one, or a sign-out: how, who and, when refused, why.

    ``username`` is the account's user name, or for a refusal the name typed or the e-mail address the
    sign-in service gave (so that an administrator can see who was turned away). No password, code or
    token is ever kept: ``reason`` is one of a few plain phrases.
    """

    class Method(models.TextChoices):
        PASSWORD = "password", "password"
        SSO = "sso", "single sign-on"

    class Outcome(models.TextChoices):
        SIGNED_IN = "signed_in", "signed in"
        REFUSED = "refused", "refused"
        SIGNED_OUT = "signed_out", "signed out"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    method = models.CharField(max_length=20, choices=Method.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    user_id = models.BigIntegerField(null=True, blank=True)
    username = models.CharField(max_length=254, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.method} {self.outcome} {self.reason}".rstrip()


class ChangeEvent(AppendOnlyModel):
    """A change an HR user made through the console: who, when, what, to which wave, and its outcome
    in words (``detail``: "2 people added, 0 updated, 830 no longer in the file").

    The wave is kept as id and name, not as a foreign key, so that deleting a draft wave is not blocked
    by its history and the history still names it. Nothing about respondents is kept: no count of
    reminders (beside the population, it could tell who answered), no answer, no person's name but
    the console member's whose membership changed.
    """

    class Action(models.TextChoices):
        WAVE_CREATED = "wave_created", "created the wave"
        WAVE_LAUNCHED = "wave_launched", "launched the wave"
        LAUNCH_UNDONE = "launch_undone", "undid the launch"
        WAVE_CLOSED = "wave_closed", "closed the wave"
        INVITATIONS_SENT = "invitations_sent", "e-mailed invitations"
        REMINDERS_SENT = "reminders_sent", "e-mailed reminders"
        PEOPLE_IMPORTED = "people_imported", "imported the people file"
        MEMBER_ADDED = "member_added", "added a console member"
        ROLE_CHANGED = "role_changed", "changed a member's role"
        MEMBER_REMOVED = "member_removed", "removed a console member"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    username = models.CharField(max_length=150)
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="change_events")
    wave_id = models.BigIntegerField(null=True, blank=True)
    wave_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [models.Index(fields=["org", "-at"], name="audit_change_org_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.detail}".rstrip()
