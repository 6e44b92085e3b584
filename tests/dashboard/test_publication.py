"""The declared breakdowns: org admins choose what the organisation publishes, audited; viewers cannot."""

from __future__ import annotations

import pytest

from allypath.web.audit.models import AccessEvent
from allypath.web.dashboard.models import Publication

pytestmark = [pytest.mark.db, pytest.mark.django_db]

URL = "/console/northwind/publication/"
API = "/api/v1/orgs/northwind/dashboard"


def test_an_org_admin_narrows_the_published_breakdowns_and_every_view_follows(northwind, alice, as_user):
    """Before any figure is published: afterwards a wave keeps what it was published over
    (test_publication_fixed.py)."""
    client = as_user(alice)
    page = client.get(URL).content.decode()
    assert "sub-unit (e.g. Ops/APAC) and level together" in page and "Published figures" in page
    crossed = {"wave": northwind.first.pk, "unit": "Ops", "by": "level"}
    answer = client.post(URL, {"unit": "on", "unit2": "on", "level": "on"})
    assert answer.status_code == 302
    assert Publication.objects.get(org=northwind.org).breakdowns == ["unit", "unit2", "level"]
    event = AccessEvent.objects.filter(view="console.publication.change").get()
    assert event.username == "alice" and event.group == "published breakdowns: unit; sub-unit; level"
    groups = client.get(f"{API}/groups", crossed).json()["groups"]  # unit x level is no longer published
    assert groups and not any(g["visible"] for g in groups)
    assert {g["message"] for g in groups} == {
        "this combination is not among the breakdowns the organisation publishes; an organisation "
        "admin can add it"
    }


def test_nothing_chosen_is_refused_and_a_viewer_cannot_change_anything(northwind, alice, bob, as_user):
    client = as_user(alice)
    assert "Choose at least one breakdown" in client.post(URL, {}, follow=True).content.decode()
    assert not Publication.objects.exists()
    viewer = as_user(bob)
    assert viewer.get(URL).status_code == 403
    assert viewer.post(URL, {"unit": "on"}).status_code == 403
    assert not Publication.objects.exists()
