"""Tokens, receipt codes and the keyed hashes that stand in for them in the database.

Every stored value is a one-way hash with its own label, so the hash in one table cannot be matched to
the hash in another without the secret it came from (the link, the receipt code or a server key).
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


def draft_key(token: str) -> str:
    return _sha256("draft", token)


def submission_key(submission_id: uuid.UUID) -> str:
    return _sha256("submission", str(submission_id))


def receipt_for(submission_id: uuid.UUID) -> str:
    """The receipt code of a submission: derived with the server key, so a retry gets the same code
    without the code being stored anywhere.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"receipt:{submission_id}".encode(), hashlib.sha256
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
