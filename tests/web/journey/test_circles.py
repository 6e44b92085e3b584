"""Ally circles: volunteering from the journey, formation by an org admin, what each one sees.

HR sees counts only; a member sees his circle's shared contacts and the meeting guide, never a stage;
the database holds no readable contact and, once a man is placed, no stage at all.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.html import escape

from allypath.content import load_circle_guides
from allypath.model import STAGES
from allypath.web.journey.circles import find_volunteer
from allypath.web.journey.models import Circle, CirclePlan, Volunteer
from allypath.web.journey.store import circle_cipher_key
from allypath.web.orgs.keys import normalise_receipt
from answer_patterns import STAGE_OF_LEVEL

pytestmark = [pytest.mark.db, pytest.mark.django_db]

# employee -> survey level (answer_patterns.STAGE_OF_LEVEL: 1->1, 2->2, 4->3, 5->4)
PEOPLE = {"S001": 1, "S002": 2, "S003": 4, "S004": 5, "S005": 1, "S006": 2}
HOSTS = {"S003", "S004"}


def _contact(employee: str) -> str:
    return f"{employee.lower()}-chat@example.test"


@pytest.fixture
def open_circles(acme) -> CirclePlan:
    return CirclePlan.objects.create(org=acme, min_size=3, max_size=3)


@pytest.fixture
def volunteers(client, submitted, open_circles) -> dict[str, str]:
    receipts = {}
    for employee, level in PEOPLE.items():
        receipt = submitted(employee=employee, level=level)
        body = {"contact": _contact(employee), "consent": "on", "language": "en"}
        if employee in HOSTS:
            body["can_host"] = "on"
        r = client.post(f"/r/{receipt}/journey/circle/", body)
        assert r.status_code == 303, r.content.decode()[:500]
        receipts[employee] = receipt
    return receipts


def _form(client: Client, alice, acme) -> None:
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    r = client.post(f"/console/{acme.slug}/circles/", {"action": "form"})
    assert r.status_code == 303
    client.logout()


def test_circles_are_offered_only_once_an_org_admin_opens_them(client, submitted, acme, alice):
    receipt = submitted()
    closed = client.get(f"/r/{receipt}/journey/circle/").content.decode()
    assert "has not opened ally circles yet" in closed
    r = client.post(f"/r/{receipt}/journey/circle/", {"contact": "me@example.test", "consent": "on"})
    assert r.status_code == 409 and not Volunteer.objects.exists()
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    saved = client.post(
        f"/console/{acme.slug}/circles/", {"action": "save", "min_size": "4", "max_size": "6", "forms_on": ""}
    )
    assert saved.status_code == 303
    client.logout()
    assert "How can your circle reach you?" in client.get(f"/r/{receipt}/journey/circle/").content.decode()


def test_volunteering_seals_the_contact_and_stage(client, volunteers):
    from django.db import connection

    assert Volunteer.objects.count() == len(PEOPLE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM journey_volunteer")
        dump = repr(cursor.fetchall())
    for employee in PEOPLE:
        assert _contact(employee) not in dump
    assert '"stage"' not in dump
    code = normalise_receipt(volunteers["S003"])
    assert code is not None
    mine = find_volunteer(code)
    assert mine is not None and mine.details["stage"] == 3 and mine.details["can_host"] is True
    page = client.get(f"/r/{volunteers['S003']}/journey/circle/").content.decode()
    assert "You have volunteered" in page and escape(_contact("S003")) in page


def test_bad_volunteering_is_refused_with_a_plain_message(client, submitted, open_circles):
    receipt = submitted()
    no_consent = client.post(f"/r/{receipt}/journey/circle/", {"contact": "me@example.test"})
    assert no_consent.status_code == 422 and "Tick this box to volunteer." in no_consent.content.decode()
    blank = client.post(f"/r/{receipt}/journey/circle/", {"contact": "  ", "consent": "on"})
    assert blank.status_code == 422 and "Give a way for your circle to reach you." in blank.content.decode()
    long = client.post(f"/r/{receipt}/journey/circle/", {"contact": "x" * 201, "consent": "on"})
    assert long.status_code == 422 and "200 characters or fewer" in long.content.decode()
    assert not Volunteer.objects.exists()


def test_a_man_who_could_not_be_placed_is_asked_to_take_the_recheck_first(
    client, submitted, open_circles, instrument
):
    receipt = submitted()
    from allypath.web.survey.models import Response

    Response.objects.update(status="suspect", stage=None, result={"status": "suspect"})
    page = client.get(f"/r/{receipt}/journey/circle/").content.decode()
    assert "take the short re-check" in page
    r = client.post(f"/r/{receipt}/journey/circle/", {"contact": "me@example.test", "consent": "on"})
    assert r.status_code == 409 and not Volunteer.objects.exists()


def test_formation_mixes_stages_and_members_see_contacts_and_guide_never_a_stage(
    client, volunteers, alice, acme
):
    _form(client, alice, acme)
    circles = list(Circle.objects.all())
    assert len(circles) == 2
    guides = {g.id for g in load_circle_guides()}
    stage_of = {e: STAGE_OF_LEVEL[level] for e, level in PEOPLE.items()}  # what the test knows, not the app
    for circle in circles:
        assert circle.guide in guides
        members = [
            e
            for e, r in volunteers.items()
            if find_volunteer(normalise_receipt(r) or "").circle_id == circle.pk
        ]
        assert len(members) == 3
        assert len({stage_of[e] for e in members}) > 1  # no single-stage circle
        assert any(e in HOSTS for e in members)  # one able to host
        for member in members:
            page = client.get(f"/r/{volunteers[member]}/journey/circle/").content.decode()
            assert "Your circle" in page and "Your meeting guide" in page
            for other in PEOPLE:
                assert (escape(_contact(other)) in page) == (other in members)
            for s in STAGES:
                assert escape(s.label.get_lang("en")) not in page
            assert "Session 6" in page
    # the stage of everyone placed is erased from the database
    for row in Volunteer.objects.all():
        assert row.unlock(circle_cipher_key()).details["stage"] is None


def test_the_same_volunteers_give_the_same_circles(client, volunteers, alice, acme):
    _form(client, alice, acme)
    first = sorted(
        sorted(str(v.key) for v in Volunteer.objects.filter(circle=c)) for c in Circle.objects.all()
    )
    # undo the round and form it again with the same seed: the same members end up together
    Volunteer.objects.update(circle=None)
    Circle.objects.all().delete()
    for row in Volunteer.objects.all():
        row.unlock(circle_cipher_key())
        employee = next(
            e for e, r in volunteers.items() if find_volunteer(normalise_receipt(r) or "").pk == row.pk
        )
        details = row.details
        details["stage"] = STAGE_OF_LEVEL[PEOPLE[employee]]
        row.details = details
        row.save()
    plan = CirclePlan.objects.get(org=acme)
    plan.rounds = 0
    plan.save()
    _form(client, alice, acme)
    again = sorted(
        sorted(str(v.key) for v in Volunteer.objects.filter(circle=c)) for c in Circle.objects.all()
    )
    assert again == first


def test_hr_sees_only_counts(client, volunteers, alice, acme):
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    assert f'href="/console/{acme.slug}/circles/"' in client.get(f"/console/{acme.slug}/").content.decode()
    before = client.get(f"/console/{acme.slug}/circles/").content.decode()
    assert '<dd id="volunteer-count">6</dd>' in before and '<dd id="circle-count">0</dd>' in before
    client.post(f"/console/{acme.slug}/circles/", {"action": "form"})
    after = client.get(f"/console/{acme.slug}/circles/").content.decode()
    assert '<dd id="volunteer-count">6</dd>' in after and '<dd id="circle-count">2</dd>' in after
    for employee in PEOPLE:
        assert _contact(employee) not in after
    for s in STAGES:
        assert s.label.get_lang("en") not in after


def test_a_member_who_leaves_is_deleted_with_his_contact(client, volunteers):
    r = client.post(f"/r/{volunteers['S001']}/journey/circle/leave/", {"language": "en"})
    assert r.status_code == 303
    assert Volunteer.objects.count() == len(PEOPLE) - 1
    assert (
        "How can your circle reach you?"
        in client.get(f"/r/{volunteers['S001']}/journey/circle/").content.decode()
    )


def test_only_org_admins_of_the_organisation_reach_the_circle_page(client, acme, bob, charlie, open_circles):
    client.force_login(bob, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/console/{acme.slug}/circles/").status_code == 403
    assert client.post(f"/console/{acme.slug}/circles/", {"action": "form"}).status_code == 403
    client.force_login(charlie, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/console/{acme.slug}/circles/").status_code == 404
    client.logout()
    assert client.get(f"/console/{acme.slug}/circles/").status_code == 302  # to the login page


def test_circle_settings_are_checked(client, alice, acme):
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    r = client.post(f"/console/{acme.slug}/circles/", {"action": "save", "min_size": "2", "max_size": "6"})
    assert r.status_code == 422 and not CirclePlan.objects.exists()
    r = client.post(f"/console/{acme.slug}/circles/", {"action": "save", "min_size": "5", "max_size": "4"})
    assert r.status_code == 422 and "cannot be smaller" in r.content.decode()
    assert client.post(f"/console/{acme.slug}/circles/", {"action": "form"}).status_code == 422


def test_a_first_volunteering_sent_from_two_tabs_at_once_is_stored_once(
    client, submitted, open_circles, acme, monkeypatch
):
    """Both tabs find no row; the other tab stores his while this one is under way. This one used to
    break the unique key (a 500 on PostgreSQL); it now updates the row."""
    from allypath.web.journey import circles

    code = normalise_receipt(submitted())
    assert code is not None
    unlock = Volunteer.unlock

    def other_tab_first(row: Volunteer, key: bytes) -> Volunteer:
        monkeypatch.setattr(Volunteer, "unlock", unlock)
        circles.volunteer(code, acme, stage=2, unit="Sales", can_host=False, contact="tab-a@example.test")
        return unlock(row, key)

    monkeypatch.setattr(Volunteer, "unlock", other_tab_first)
    circles.volunteer(code, acme, stage=2, unit="Sales", can_host=True, contact="tab-b@example.test")
    assert Volunteer.objects.count() == 1
    mine = find_volunteer(code)
    assert mine is not None and mine.details["contact"] == "tab-b@example.test"
