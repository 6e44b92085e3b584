"""From a personal-link token to its invitation and wave, or the reason the link cannot be used."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from allypath.errors import AllypathError
from allypath.web.orgs.keys import claim_key, token_hash
from allypath.web.orgs.models import (
    Employee,
    Invitation,
    InvitationClaim,
    InvitationToken,
    Organisation,
    Wave,
    WaveStatus,
)
from allypath.web.survey.prepared import Columns, columns, fetch_one, instance, join, once

__all__ = ["REFUSALS", "LinkError", "OpenLink", "find_link", "open_link", "usable_link"]


#: Why a link cannot take answers, by :class:`LinkError` kind (the expired one names its day).
REFUSALS = {
    "unknown": "this link is not a valid invitation",
    "used": "this invitation has already been used",
    "closed": "this survey is closed",
    "not_open": "this survey is not open yet",
}


class LinkError(AllypathError):
    """A link that cannot take answers; ``kind`` is unknown, used, closed, expired or not_open."""

    def __init__(self, kind: str, message: str, wave: Wave | None = None) -> None:
        self.kind = kind
        self.wave = wave
        super().__init__(message)


@dataclass(frozen=True)
class OpenLink:
    invitation: Invitation
    wave: Wave


def _link_sql() -> tuple[str, tuple[Columns, ...]]:
    """The token's row joined to its invitation, wave, organisation and employee: what
    ``InvitationToken.objects.select_related("invitation__wave__org", "invitation__employee")`` reads,
    written once per process (:mod:`.prepared`)."""
    parts = (
        columns(InvitationToken, "t"),
        columns(Invitation, "i"),
        columns(Wave, "w"),
        columns(Organisation, "o"),
        columns(Employee, "e"),
    )
    t, i, w, o, e = parts
    sql = (
        f"SELECT {', '.join(p.sql for p in parts)} FROM {t.table}"  # noqa: S608 - names from the models
        f" JOIN {i.table} ON {join(t, 'invitation', i)}"
        f" JOIN {w.table} ON {join(i, 'wave', w)}"
        f" JOIN {o.table} ON {join(w, 'org', o)}"
        f" JOIN {e.table} ON {join(i, 'employee', e)}"
        f" WHERE {t.column('token_hash')} = %s"
    )
    return sql, parts


def find_link(token: str) -> InvitationToken | None:
    """The token's row with its invitation, wave, organisation and employee (one query), or None."""
    if not token or len(token) > 100:
        return None
    sql, parts = once("link", _link_sql)
    row = fetch_one(sql, [token_hash(token)])
    if row is None:
        return None
    start = 0
    made = []
    for cols in parts:
        made.append(instance(cols, row, start))
        start += cols.width
    found: InvitationToken
    found, invitation, wave, org, employee = made
    wave.org = org
    invitation.wave = wave
    invitation.employee = employee
    found.invitation = invitation
    return found


def open_link(token: str, today: dt.date | None = None) -> OpenLink:
    """The invitation and wave behind ``token`` when it can still take answers, else :class:`LinkError`."""
    return usable_link(find_link(token), today)


def usable_link(found: InvitationToken | None, today: dt.date | None = None) -> OpenLink:
    """:func:`open_link` on a token already looked up with :func:`find_link` (one query per request)."""
    if found is None:
        raise LinkError("unknown", REFUSALS["unknown"])
    invitation = found.invitation
    wave = invitation.wave
    today = today or timezone.localdate()
    if invitation.used:
        raise LinkError("used", REFUSALS["used"], wave)
    if wave.status == WaveStatus.CLOSED:
        raise LinkError("closed", REFUSALS["closed"], wave)
    if wave.status != WaveStatus.OPEN or today < wave.opens_on:
        raise LinkError("not_open", REFUSALS["not_open"], wave)
    if today > wave.closes_on:
        raise LinkError("expired", f"this link expired on {wave.closes_on.isoformat()}", wave)
    if _claimed(invitation.pk):  # answered while the wave is open (``used`` is set at close)
        raise LinkError("used", REFUSALS["used"], wave)
    return OpenLink(invitation, wave)


def _claimed(invitation_id: int) -> bool:
    cols = columns(InvitationClaim, "c", only=("key",))
    sql = once("claim", lambda: f"SELECT {cols.sql} FROM {cols.table} WHERE {cols.column('key')} = %s")  # noqa: S608
    return fetch_one(sql, [claim_key(invitation_id)]) is not None
