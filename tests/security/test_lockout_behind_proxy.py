"""Login lockout behind a reverse proxy (issue 14, point 7): one client cannot lock out another.

Every request reaches the app from the proxy's address. Keyed on that address, five wrong passwords
from anyone locked the user out for everyone. With ``ALLYPATH_TRUSTED_PROXIES`` the lockout is keyed
on the client's own address from ``X-Forwarded-For``, believed only when a trusted proxy sent it.
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from allypath.web.client import client_address

from .conftest import PASSWORD

pytestmark = [pytest.mark.db, pytest.mark.django_db]

PROXY = "10.0.0.5"
ATTACKER, ALICE = "203.0.113.66", "198.51.100.7"


def login(client: Client, password: str, via: str, forwarded: str | None = None) -> int:
    extra = {"REMOTE_ADDR": via}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/console/login/", {"username": "alice", "password": password}, **extra).status_code


@override_settings(ALLYPATH_TRUSTED_PROXIES=[PROXY])
def test_behind_a_trusted_proxy_an_attacker_locks_only_himself_out(alice, settings):
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        login(attacker, "guess", PROXY, ATTACKER)
    assert login(attacker, PASSWORD, PROXY, ATTACKER) == 429  # the attacker's address is locked
    mine = Client()
    assert login(mine, PASSWORD, PROXY, ALICE) == 302  # alice, through the same proxy, signs in
    assert "_auth_user_id" in mine.session


@override_settings(ALLYPATH_TRUSTED_PROXIES=[])
def test_without_the_setting_everyone_behind_the_proxy_shares_one_lock(alice, settings):
    """What the setting is for (and what issue 14 measured): the proxy's address locks everyone."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "guess", PROXY, ATTACKER)
    assert login(Client(), PASSWORD, PROXY, ALICE) == 429


@override_settings(ALLYPATH_TRUSTED_PROXIES=[PROXY])
def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(alice, settings):
    """Otherwise an attacker would write a new address in the header for every guess."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "guess", ATTACKER, f"192.0.2.{n}")
    assert login(Client(), PASSWORD, ATTACKER, "192.0.2.200") == 429


@override_settings(ALLYPATH_TRUSTED_PROXIES=["10.0.0.0/24"])
def test_the_client_is_the_right_most_address_that_is_not_a_trusted_proxy(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.3")
    assert client_address(request) == "198.51.100.7"  # 1.2.3.4 was written by the client: not believed
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="junk")) == "10.0.0.9"
    assert client_address(rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "192.0.2.1"
