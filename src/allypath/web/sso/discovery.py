"""The provider's endpoints from its discovery document (``<issuer>/.well-known/openid-configuration``)."""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
from django.conf import settings

from allypath.errors import AllypathError

__all__ = ["ProviderUnavailableError", "forget", "provider", "timeout"]

_KEEP_SECONDS = 3600  # providers rotate keys and endpoints rarely; the JWKS itself is read on each sign-in
_REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")

_lock = threading.Lock()
_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def timeout() -> float:
    """Seconds for each call to the provider (``OIDC_TIMEOUT``): one that hangs fails the sign-in, not
    the worker."""
    return float(getattr(settings, "OIDC_TIMEOUT", 10))


class ProviderUnavailableError(AllypathError):
    """The provider's discovery document could not be read or does not describe this issuer."""


def provider(issuer: str) -> dict[str, Any]:
    """The discovery document of ``issuer``, checked and kept for an hour.

    The document must name the same issuer (OpenID Connect Discovery 1.0, section 4.3) and carry the
    endpoints the code flow uses; otherwise :class:`ProviderUnavailableError` says what is wrong.
    """
    with _lock:
        cached = _cache.get(issuer)
        if cached and time.monotonic() - cached[0] < _KEEP_SECONDS:
            return cached[1]
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=timeout())
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailableError(
            f"the provider's discovery document {url} could not be read: {exc}"
        ) from None
    if not isinstance(document, dict):
        raise ProviderUnavailableError(f"{url} is not a discovery document (a JSON object)")
    missing = [key for key in _REQUIRED if not isinstance(document.get(key), str)]
    if missing:
        raise ProviderUnavailableError(f"{url} names no {', '.join(missing)}")
    if document["issuer"].rstrip("/") != issuer.rstrip("/"):
        raise ProviderUnavailableError(
            f"{url} describes issuer {document['issuer']!r}, not ALLYPATH_OIDC_ISSUER {issuer!r}"
        )
    with _lock:
        _cache[issuer] = (time.monotonic(), document)
    return document


def forget() -> None:
    """Drop the kept documents (tests start providers on new ports)."""
    with _lock:
        _cache.clear()
