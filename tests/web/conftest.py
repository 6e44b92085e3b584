"""Fixtures of the web tests: the Django settings, personas and a populated organisation.

Personas (healthchecks style): alice is org admin of Acme, bob is a viewer at Acme, dave an analyst
at Acme, and charlie is org admin of Globex with no access to Acme.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The settings read the environment once, at import: set a test environment before Django loads.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allypath.web.settings")
# A developer's shell may point at his key files (scripts/serve.sh's ~/.config/allypath): the tests use
# their own keys, and a key with its file set too is refused ("not both").
os.environ.pop("ALLYPATH_SECRET_KEY_FILE", None)
os.environ.pop("ALLYPATH_PANEL_SECRET_FILE", None)
os.environ.setdefault("ALLYPATH_SECRET_KEY", "test-secret-key-for-allypath-web-tests-0123456789")
os.environ.setdefault("ALLYPATH_PANEL_SECRET", "test-panel-secret-held-outside-the-db-0123456789")
os.environ.setdefault("ALLYPATH_DATA_DIR", tempfile.mkdtemp(prefix="allypath-web-tests-"))

import django
from django.apps import apps

if not apps.ready:
    django.setup()

import pytest
from django.conf import settings as site_settings
from django.contrib.auth.models import User
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from allypath.instrument import Instrument, load_instrument
from allypath.web.orgs.importing import import_hris
from allypath.web.orgs.invitations import issue_link_tokens as tokens_of
from allypath.web.orgs.models import Membership, Organisation, Role, Wave
from allypath.web.orgs.seeding import launch_wave, new_wave, write_hris
from answer_patterns import sample_answers

# Argon2 spends 0.2 s of CPU on a hash by design, and the tests create a user or log in with a
# password in most web, dashboard and security tests: they hash with MD5, as Django advises for tests (about a fifth of the
# web and dashboard tests' time). The production list is checked, and used for one real hash, in
# tests/web/test_settings_and_health.py and tests/web/test_console_access.py.
PRODUCTION_PASSWORD_HASHERS = list(site_settings.PASSWORD_HASHERS)
override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()

PASSWORD = "correct horse battery staple"

ACME_PEOPLE = [
    # employee_id, unit, level, region, email, language
    *[
        (f"S{i:03d}", "Sales/EMEA", "Manager" if i % 4 == 0 else "Staff", "EMEA", f"s{i}@acme.test", "en")
        for i in range(8)
    ],
    *[(f"N{i:03d}", "Sales/EMEA/North", "Staff", "EMEA", f"n{i}@acme.test", "fr") for i in range(6)],
    *[(f"A{i:03d}", "Sales/APAC", "Staff", "APAC", f"a{i}@acme.test", "ar") for i in range(4)],
    *[(f"E{i:03d}", "Engineering", "Staff", "EMEA", f"e{i}@acme.test" if i else "", "en") for i in range(7)],
]


@pytest.fixture
def answers_for() -> Callable[..., dict[str, Any]]:
    return sample_answers


@pytest.fixture
def issue_tokens() -> Callable[[Wave], dict[str, str]]:
    return tokens_of


@pytest.fixture
def instrument() -> Instrument:
    return load_instrument()


@pytest.fixture
def make_org(tmp_path: Path) -> Callable[..., Organisation]:
    def make(slug: str, people: list[tuple[str, ...]] | None = None, name: str | None = None) -> Organisation:
        org = Organisation.objects.create(name=name or slug.title(), slug=slug)
        import_hris(org, write_hris(tmp_path / f"{slug}.csv", people if people is not None else ACME_PEOPLE))
        return org

    return make


@pytest.fixture
def make_wave(instrument: Instrument) -> Callable[..., Wave]:
    def make(org: Organisation, *, launch: bool = True, **settings: Any) -> Wave:
        defaults = {"name": "Spring pulse", "languages": ["en", "fr", "ar"], "privacy_mode": "anonymous"}
        closes = {"closes_on": timezone.localdate() + dt.timedelta(days=14)}
        if launch:
            return launch_wave(org, instrument, links=False, **{**defaults, **closes, **settings})[0]
        return new_wave(org, instrument, **{**defaults, **closes, **settings})

    return make


@pytest.fixture
def make_panel_waves(make_wave: Callable[..., Wave]) -> Callable[[Organisation], tuple[Wave, Wave]]:
    """Two launched panel waves of ``org``: Autumn, opened 200 days ago and open until tomorrow, and
    Spring after it, so one man's answers to both can be compared."""

    def make(org: Organisation) -> tuple[Wave, Wave]:
        today = timezone.localdate()
        autumn = make_wave(
            org,
            privacy_mode="panel",
            name="Autumn",
            opens_on=today - dt.timedelta(days=200),
            closes_on=today + dt.timedelta(days=1),
        )
        return autumn, make_wave(org, privacy_mode="panel", name="Spring")

    return make


@pytest.fixture
def acme(make_org: Callable[..., Organisation]) -> Organisation:
    return make_org("acme")


@pytest.fixture
def globex(make_org: Callable[..., Organisation]) -> Organisation:
    return make_org("globex", [("G001", "Ops", "Staff", "EMEA", "g1@globex.test", "en")])


def psycopg_connection() -> Any:
    """A connection of its own to the test database (PostgreSQL): a second session beside Django's,
    for a test that holds locks or a transaction open while a request runs."""
    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
    )


def member(username: str, org: Organisation | None, role: str = Role.VIEWER, **flags: Any) -> User:
    """A user with the test password, a member of ``org`` (None: of nothing) with ``role``."""
    user = User.objects.create_user(username, f"{username}@example.test", PASSWORD, **flags)
    if org is not None:
        Membership.objects.create(user=user, org=org, role=role)
    return user


@pytest.fixture
def alice(acme: Organisation) -> User:
    return member("alice", acme, Role.ORG_ADMIN)


@pytest.fixture
def bob(acme: Organisation) -> User:
    return member("bob", acme, Role.VIEWER)


@pytest.fixture
def dave(acme: Organisation) -> User:
    return member("dave", acme, Role.ANALYST)


@pytest.fixture
def charlie(globex: Organisation) -> User:
    return member("charlie", globex, Role.ORG_ADMIN)


@pytest.fixture
def big(make_org: Callable[..., Organisation], alice: User) -> Organisation:
    """An organisation of 312 units (12 divisions of 25 teams, as an HRIS file can bring), which alice
    administers: long unit lists are tried on it."""
    teams = [
        (f"P{d}{t:02d}", f"Division {d}/Team {t:02d}", "Staff", "EMEA", "", "en")
        for d in range(12)
        for t in range(25)
    ]
    org = make_org("big", teams)
    Membership.objects.create(user=alice, org=org, role=Role.ORG_ADMIN)
    return org


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def as_user(user: User) -> Client:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return as_user
