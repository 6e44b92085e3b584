"""``record_access``: the one call every aggregate view, API endpoint and export makes; ``record_change``:
the one call every console action that changes the survey set-up makes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from allypath.web import db_changes
from allypath.web.audit.models import AccessEvent, AuditLogError, ChangeEvent
from allypath.web.orgs.models import Organisation, Wave

__all__ = ["AuditLogError", "ChangeEvent", "record_access", "record_change"]


def record_access(
    request_or_user: HttpRequest | Any,
    *,
    org: Organisation,
    wave: Wave | None = None,
    group: str,
    view: str,
) -> None:
    """Append one entry: ``user`` saw the report data of ``group`` (e.g. ``"unit:Sales/EMEA"`` or
    ``"all"``) of ``org`` and ``wave`` through ``view`` (e.g. ``"dashboard.stage_mix"``).

    Call it before the data leaves the server, in the same request. It raises on a wave of another
    organisation, so a wrong call cannot write a misleading entry.
    """
    user_id, username = _who(request_or_user, org, wave)
    # the entry is no change to the data the dashboard keeps its frame for (web/db_changes.py)
    with db_changes.aside(AccessEvent):
        AccessEvent.objects.create(
            user_id=user_id,
            username=username,
            org=org,
            wave=wave,
            group=str(group)[:500],
            view=str(view)[:200],
        )


def record_change(
    request_or_user: HttpRequest | Any,
    *,
    org: Organisation,
    action: ChangeEvent.Action,
    wave: Wave | None = None,
    detail: str = "",
) -> None:
    """Append one entry: ``user`` made the change ``action`` to ``org`` (and ``wave``), with what it did
    in words (``detail``). Call it in the request that made the change, once it has been made.

    It raises on a wave of another organisation, so a wrong call cannot write a misleading entry.
    """
    user_id, username = _who(request_or_user, org, wave)
    ChangeEvent.objects.create(
        user_id=user_id,
        username=username,
        org=org,
        wave_id=wave.pk if wave is not None else None,
        wave_name=wave.name[:200] if wave is not None else "",
        action=action,
        detail=str(detail)[:500],
    )


def _who(request_or_user: HttpRequest | Any, org: Organisation, wave: Wave | None) -> tuple[int | None, str]:
    """The entry's user id and name; refuses a wave of another organisation (a wrong call must not
    write a misleading entry)."""
    user: Any = getattr(request_or_user, "user", request_or_user)
    if wave is not None and wave.org_id != org.pk:
        raise AuditLogError(f"wave {wave.pk} is not a wave of {org.slug}")
    if not getattr(user, "is_authenticated", False):
        return None, "(anonymous)"
    return user.pk, user.get_username()
