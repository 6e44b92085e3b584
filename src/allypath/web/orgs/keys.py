"""Tokens, receipt codes and the keyed hashes that stand in for them in the database.

Every stored value is a one-way hash with its own label, so the hash in one table cannot be matched to
the hash in another without the secret it came from (the link, the receipt code or a server key).

A link is an entry ticket, not a key (docs/privacy.md): what belongs to one respondent -- his draft, his
submission and so his receipt -- is keyed by the link token *together with* a secret only he holds
(his browser's secret, or the ``submission_id`` his API client drew), never by the token alone, so a
second holder of the link reaches none of it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import uuid

from django.conf import settings

__all__ = [
    "draft_key",
    "form_submission_id",
    "new_token",
    "normalise_receipt",
    "panel_key",
    "receipt_for",
    "receipt_hash",
    "submission_key",
    "token_hash",
]

_RECEIPT_GROUPS = 6  # 6 groups of 4 base32 characters: 120 bits


def _sha256(label: str, value: str) -> str:
    return hashlib.sha256(f"allypath:{label}:{value}".encode()).hexdigest()


def new_token() -> str:
    """A fresh personal-link token (192 random bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return _sha256("invitation-token", token)


def draft_key(token: str, browser_secret: str) -> str:
    """The key of the draft that one browser keeps for one link: the link alone finds no draft."""
    return _sha256("draft", f"{token}:{browser_secret}")


def form_submission_id(token: str, browser_secret: str) -> uuid.UUID:
    """The ``submission_id`` of the survey form for one link in one browser.

    Derived rather than stored, so the browser that submitted finds its response (and report) again
    after its draft is gone -- a double click, a later visit of the used link -- and it never appears
    in a page or the database, where a link holder could read it.
    """
    digest = hashlib.sha256(f"allypath:form-submission:{token}:{browser_secret}".encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def submission_key(token: str, submission_id: uuid.UUID) -> str:
    """The idempotency key: the link and the client's ``submission_id`` together.

    With the token in it, a ``submission_id`` sent with another link of the wave is another
    submission, never a way to the first one's receipt; with the random id in it, whoever holds the
    links cannot match a stored key to a link.
    """
    return _sha256("submission", f"{token}:{submission_id}")


def receipt_for(token: str, submission_id: uuid.UUID) -> str:
    """The receipt code of a submission: derived with the server key, so a retry gets the same code
    without the code being stored anywhere, and only from the link *and* the submission's own id.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"receipt:{token}:{submission_id}".encode(), hashlib.sha256
    ).digest()
    code = base64.b32encode(digest[:15]).decode()
    return "-".join(code[i : i + 4] for i in range(0, 4 * _RECEIPT_GROUPS, 4))


def normalise_receipt(code: str) -> str | None:
    """The canonical form of a receipt code as typed (case, spaces and dashes do not matter)."""
    letters = re.sub(r"[\s-]", "", code).upper()
    if not re.fullmatch(r"[A-Z2-7]{24}", letters):
        return None
    return "-".join(letters[i : i + 4] for i in range(0, 24, 4))


def receipt_hash(code: str) -> str:
    return _sha256("receipt", code)


def panel_key(org_id: int, employee_id: str) -> str:
    """HMAC of the employee id under ALLYPATH_PANEL_SECRET: links a person's waves, names no one."""
    secret = settings.PANEL_SECRET
    if not secret:
        from allypath.errors import ConfigurationError

        raise ConfigurationError("ALLYPATH_PANEL_SECRET is not set: panel waves cannot take responses")
    return hmac.new(secret.encode(), f"{org_id}:{employee_id}".encode(), hashlib.sha256).hexdigest()


def claim_key(invitation_id: int) -> str:
    """The key under which a submission claims invitation ``invitation_id`` (:class:`InvitationClaim`):
    an HMAC under the server's secret key, so the database alone cannot tell which invitation a claim
    is -- the claim is written in the transaction that stores the response, and shares its ``xmin``.
    """
    message = f"claim:{invitation_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
