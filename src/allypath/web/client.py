"""The client's address, as login lockouts and rate limits must see it behind a reverse proxy.

Behind a proxy every request comes from the proxy's address: keyed on it, five failed logins by anyone
would lock every HR user out (issue 14). The proxy passes the real address in ``X-Forwarded-For``; that
header is believed only when the request comes from a proxy listed in ``ALLYPATH_TRUSTED_PROXIES``
(anyone else could write any address in it), and then the right-most address that is not itself a
trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

__all__ = ["client_address"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client: REMOTE_ADDR, or the forwarded one when a trusted proxy sent it."""
    peer = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(settings.ALLYPATH_TRUSTED_PROXIES))
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return peer  # a proxy we trust wrote garbage: fall back to the proxy itself
    return peer
