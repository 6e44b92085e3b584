"""Fixtures of the security and reliability tests: the web tests' fixtures (tests/web/conftest.py) with
larger organisations and two more personas.

Personas (healthchecks style, as in tests/web): alice is org admin of Acme, bob a viewer at Acme, dave
an analyst at Acme, erin an analyst at Acme scoped to the Engineering unit, charlie the org admin of
Globex with no access to Acme, and sam a staff superuser (the site operator) who is a member of nothing.
Acme and Globex here are sized for the access and hostile-input tests (every unit above k).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

# isort: off
# first: it sets the test environment and sets Django up (the models below need it)
from web.conftest import (  # noqa: F401 - fixtures and helpers re-exported for this folder
    PASSWORD,
    alice,
    bob,
    charlie,
    dave,
    instrument,
    login,
    make_org,
    make_wave,
    member,
    tokens_of,
    write_hris,
)

# isort: on
from django.contrib.auth.models import User

from allypath.web.orgs.models import Membership, Organisation, Role, Unit

ACME_PEOPLE = [
    # employee_id, unit, level, region, email, language
    *[(f"S{i:03d}", "Sales/EMEA", "Staff", "EMEA", f"s{i}@acme.test", "en") for i in range(8)],
    *[(f"A{i:03d}", "Sales/APAC", "Staff", "APAC", f"a{i}@acme.test", "en") for i in range(4)],
    *[(f"E{i:03d}", "Engineering", "Staff", "EMEA", f"e{i}@acme.test", "en") for i in range(7)],
]
GLOBEX_PEOPLE = [(f"G{i:03d}", "Ops", "Staff", "EMEA", f"g{i}@globex.test", "en") for i in range(12)]


@pytest.fixture
def acme(make_org: Callable[..., Organisation]) -> Organisation:  # noqa: F811 - the fixture, by name
    return make_org("acme", ACME_PEOPLE)


@pytest.fixture
def globex(make_org: Callable[..., Organisation]) -> Organisation:  # noqa: F811 - the fixture, by name
    return make_org("globex", GLOBEX_PEOPLE)


@pytest.fixture
def erin(acme: Organisation) -> User:
    user = member("erin", acme, Role.ANALYST)
    Membership.objects.get(user=user).units.set([Unit.objects.get(org=acme, path="Engineering")])
    return user


@pytest.fixture
def sam() -> User:
    return member("sam", None, is_staff=True, is_superuser=True)
