"""The audit log: one row per access to report data, and one per HR sign-in, refused sign-in or sign-out;
never changed or removed through the application.

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
