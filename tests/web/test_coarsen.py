"""Attributes are coarsened at launch: every stored combination of unit, level and region has k invitees."""

from __future__ import annotations

from collections import Counter

import pytest

from allypath.web.orgs.invitations import create_invitations

pytestmark = [pytest.mark.db, pytest.mark.django_db]

PEOPLE = [
    # 6 staff and one director in EMEA sales: the director alone would be a combination of one
    *[(f"S{i}", "Sales/EMEA", "Staff", "EMEA", f"s{i}@x.test", "en") for i in range(6)],
    ("S9", "Sales/EMEA", "Director", "EMEA", "s9@x.test", "en"),
    # levels all large enough, but one region of two people
    *[
        (f"E{i}", "Engineering", "Staff" if i % 2 else "Manager", "EMEA", f"e{i}@x.test", "en")
        for i in range(8)
    ],
    *[(f"R{i}", "Engineering", "Staff", "APAC", f"r{i}@x.test", "en") for i in range(2)],
    # a unit of two people: merged into its parent
    *[(f"P{i}", "Sales/APAC", "Staff", "APAC", f"p{i}@x.test", "en") for i in range(2)],
]


@pytest.fixture
def wave(make_org, make_wave):
    org = make_org("coarseco", PEOPLE)
    return make_wave(org, launch=False, k=3, k_text=3)


def combos(wave):
    return Counter(wave.invitations.values_list("unit__path", "level", "region"))


def test_every_combination_has_at_least_k_invitees(wave):
    wave.launch()
    create_invitations(wave)
    found = combos(wave)
    assert sum(found.values()) == len(PEOPLE)
    assert min(found.values()) >= 3, found


def test_the_least_coarsening_that_reaches_k_is_kept_per_unit(wave):
    wave.launch()
    create_invitations(wave)
    found = combos(wave)
    # Engineering: levels are large enough, the region of two is not -> level kept, region dropped
    assert found[("Engineering", "Staff", "")] >= 3 and found[("Engineering", "Manager", "")] >= 3
    # Sales/APAC (two people) is merged into Sales, which then takes in Sales/EMEA to reach k
    assert not any(path == "Sales/APAC" for path, _, _ in found)
    assert found[("Sales", "", "")] == 9


def test_people_invited_later_join_a_combination_of_at_least_k(wave, make_org):
    from allypath.web.orgs.models import Employee, Unit

    wave.launch()
    create_invitations(wave)
    unit = Unit.objects.get(org=wave.org, path="Engineering")
    Employee.objects.create(org=wave.org, employee_id="LATE", unit=unit, level="Director", region="AMER")
    assert create_invitations(wave) == 1
    late = wave.invitations.get(employee__employee_id="LATE")
    assert (late.level, late.region) == ("", "")
    assert combos(wave)[(late.unit.path, "", "")] >= 3 or late.unit.parent_id is None
