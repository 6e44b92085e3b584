"""``record_access``: the one call every aggregate view, API endpoint and export makes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from allypath.web.audit.models import AccessEvent, AuditLogError
from allypath.web.orgs.models import Organisation, Wave

__all__ = ["AuditLogError", "record_access"]


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
    user: Any = getattr(request_or_user, "user", request_or_user)
    if wave is not None and wave.org_id != org.pk:
        raise AuditLogError(f"wave {wave.pk} is not a wave of {org.slug}")
    authenticated = bool(getattr(user, "is_authenticated", False))
    AccessEvent.objects.create(
        user_id=user.pk if authenticated else None,
        username=user.get_username() if authenticated else "(anonymous)",
        org=org,
        wave=wave,
        group=str(group)[:500],
        view=str(view)[:200],
    )
