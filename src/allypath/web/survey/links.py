"""From a personal-link token to its invitation and wave, or the reason the link cannot be used."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from allypath.errors import AllypathError
from allypath.web.orgs.keys import token_hash
from allypath.web.orgs.models import Invitation, InvitationToken, Wave, WaveStatus

__all__ = ["LinkError", "OpenLink", "find_link", "open_link", "usable_link"]


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


def find_link(token: str) -> InvitationToken | None:
    if not token or len(token) > 100:
        return None
    return (
        InvitationToken.objects.select_related("invitation__wave__org", "invitation__employee")
        .filter(token_hash=token_hash(token))
        .first()
    )


def open_link(token: str, today: dt.date | None = None) -> OpenLink:
    """The invitation and wave behind ``token`` when it can still take answers, else :class:`LinkError`."""
    return usable_link(find_link(token), today)


def usable_link(found: InvitationToken | None, today: dt.date | None = None) -> OpenLink:
    """:func:`open_link` on a token already looked up with :func:`find_link` (one query per request)."""
    if found is None:
        raise LinkError("unknown", "this link is not a valid invitation")
    invitation = found.invitation
    wave = invitation.wave
    today = today or timezone.localdate()
    if invitation.used:
        raise LinkError("used", "this invitation has already been used", wave)
    if wave.status == WaveStatus.CLOSED:
        raise LinkError("closed", "this survey is closed", wave)
    if wave.status != WaveStatus.OPEN or today < wave.opens_on:
        raise LinkError("not_open", "this survey is not open yet", wave)
    if today > wave.closes_on:
        raise LinkError("expired", f"this link expired on {wave.closes_on.isoformat()}", wave)
    return OpenLink(invitation, wave)
