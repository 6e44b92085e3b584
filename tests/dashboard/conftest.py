"""Fixtures of the dashboard tests: Northwind, an organisation with two panel waves, and its people.

The Django test environment and the shared fixtures (make_org, make_wave, globex, charlie, login) come
from tests/web/conftest.py, which sets the settings before Django loads.

Personas: alice is org admin of Northwind, bob a viewer, erin an analyst scoped to Sales, and charlie
the org admin of Globex, with no access to Northwind.

Northwind's first wave (k=5, k_text=10) is answered by 60 people:

    unit            people  respondents   levels of the respondents
    Ops/EMEA            30           20   18 Staff, 2 Director
    Ops/APAC            16           12   Staff
    Sales/EMEA          20           15   12 Staff, 3 Manager
    Sales/Americas      12           10   Staff
    Tech                 6            3   Staff

so Tech is below k, Ops/EMEA & level=Director is 2 and Ops/EMEA & level=Staff differs from Ops/EMEA
by those 2. The second wave is answered by 48 of the first wave's respondents and 6 others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

# isort: off
# first: it sets the test environment and sets Django up (the models below need it)
from web.conftest import (  # noqa: F401 - fixtures re-exported for this folder
    PASSWORD,
    charlie,
    globex,
    instrument,
    login,
    make_org,
    make_wave,
)

# isort: on
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from allypath.web.orgs.models import Membership, Organisation, Role, Unit, Wave

from .seed import store_responses

REGION = {
    "Ops/EMEA": "EMEA",
    "Ops/APAC": "APAC",
    "Sales/EMEA": "EMEA",
    "Sales/Americas": "Americas",
    "Tech": "EMEA",
}


def _people() -> tuple[list[tuple[str, ...]], dict[str, list[str]]]:
    """HRIS rows and, per unit, the employee ids who answer the first wave."""
    plan = {  # unit: [(level, people, respondents)]
        "Ops/EMEA": [("Staff", 26, 18), ("Director", 4, 2)],
        "Ops/APAC": [("Staff", 16, 12)],
        "Sales/EMEA": [("Staff", 16, 12), ("Manager", 4, 3)],
        "Sales/Americas": [("Staff", 12, 10)],
        "Tech": [("Staff", 6, 3)],
    }
    rows, answering = [], {}
    number = 0
    for unit, parts in plan.items():
        answering[unit] = []
        for level, people, respondents in parts:
            for i in range(people):
                number += 1
                employee = f"N{number:03d}"
                rows.append((employee, unit, level, REGION[unit], f"{employee.lower()}@northwind.test", "en"))
                if i < respondents:
                    answering[unit].append(employee)
    return rows, answering


@dataclass
class Northwind:
    org: Organisation
    first: Wave
    second: Wave
    respondents: dict[str, list[str]]


def _wave(org: Organisation, name: str, opens: dt.date, make_wave: Callable[..., Wave]) -> Wave:  # noqa: F811
    return make_wave(
        org,
        name=name,
        form="full",
        privacy_mode="panel",
        k=5,
        k_text=10,
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=60),
    )


@pytest.fixture
def northwind(make_org, make_wave) -> Northwind:  # noqa: F811
    rows, answering = _people()
    org = make_org("northwind", rows)
    org.name = "Northwind"
    org.save()
    today = timezone.localdate()
    first = _wave(org, "2026 Q1", today - dt.timedelta(days=40), make_wave)
    everyone = [e for unit in answering.values() for e in unit]
    store_responses(first, everyone)
    second = _wave(org, "2026 Q3", today - dt.timedelta(days=2), make_wave)
    returning = [e for unit in answering.values() for e in unit[: int(len(unit) * 0.8)]]
    newcomers = [r[0] for r in rows if r[0] not in set(everyone)][:6]
    store_responses(second, returning + newcomers, offset=97)
    return Northwind(org, first, second, answering)


def member(username: str, org: Organisation, role: str, units: list[str] | None = None) -> User:
    user = User.objects.create_user(username, f"{username}@example.test", PASSWORD)
    membership = Membership.objects.create(user=user, org=org, role=role)
    if units:
        membership.units.set(Unit.objects.filter(org=org, path__in=units))
    return user


@pytest.fixture
def alice(northwind: Northwind) -> User:
    return member("alice", northwind.org, Role.ORG_ADMIN)


@pytest.fixture
def bob(northwind: Northwind) -> User:
    return member("bob", northwind.org, Role.VIEWER)


@pytest.fixture
def erin(northwind: Northwind) -> User:
    return member("erin", northwind.org, Role.ANALYST, ["Sales"])


@pytest.fixture
def as_user(login: Callable[[User], Client]) -> Callable[[User], Client]:  # noqa: F811
    return login


def json_of(response: Any) -> Any:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()
