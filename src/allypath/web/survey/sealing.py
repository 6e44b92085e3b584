"""Drafts sealed with a key only the respondent's browser can rebuild.

A draft's answers are stored encrypted (AES-256-GCM, from the ``cryptography`` package) under a key
derived from the link token and the browser's secret, neither of which the server keeps. Whoever reads
the database or a backup -- with the links CSV too -- sees that a draft exists, for which wave and on
which day, but not one answer. The draft's own key is the associated data, so a sealed blob copied onto
another draft row does not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["SealError", "draft_cipher_key", "seal", "unseal"]

_NONCE = 12


class SealError(ValueError):
    """A sealed draft that does not open with this key (another browser, a tampered row)."""


def draft_cipher_key(token: str, browser_secret: str) -> bytes:
    """The AES key of one browser's draft for one link (a different label than the draft's row key)."""
    return hmac.new(
        browser_secret.encode(), f"allypath:draft-cipher:{token}".encode(), hashlib.sha256
    ).digest()


def seal(answers: dict[str, Any], key: bytes, row: str) -> str:
    nonce = os.urandom(_NONCE)
    plain = json.dumps(answers, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plain, row.encode())).decode()


def unseal(sealed: str, key: bytes, row: str) -> dict[str, Any]:
    if not sealed:
        return {}
    raw = base64.b64decode(sealed)
    try:
        plain = AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], row.encode())
    except InvalidTag:
        raise SealError("this draft does not open with this browser's key") from None
    answers = json.loads(plain)
    return answers if isinstance(answers, dict) else {}
