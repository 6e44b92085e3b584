"""People and roles: an admin who demotes himself lands on a page he can see; removing someone from the
organisation needs a confirmation, checked on the server."""

from __future__ import annotations

import pytest
from django.test import Client

from allypath.web.orgs.models import Membership, Organisation, Role

from .conftest import member

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def _as(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _url(org: Organisation, user) -> str:
    return f"/console/{org.slug}/people/{Membership.objects.get(org=org, user=user).pk}/"


def test_an_admin_who_demotes_himself_lands_on_the_organisation_page_told_why(acme):
    """The redirect went to the people page, which he can no longer see: a bare 403."""
    alice, erin = member("alice", acme, Role.ORG_ADMIN), member("erin", acme, Role.ORG_ADMIN)
    client = _as(alice)
    answer = client.post(_url(acme, alice), {"role": Role.VIEWER})
    assert answer.status_code == 302 and answer["Location"] == f"/console/{acme.slug}/"
    page = client.get(answer["Location"])
    assert page.status_code == 200
    assert f"Your role in {acme.name} is now viewer" in page.content.decode()
    assert Membership.objects.get(org=acme, user=alice).role == Role.VIEWER
    assert Membership.objects.get(org=acme, user=erin).role == Role.ORG_ADMIN


def test_an_admin_changing_someone_else_goes_back_to_the_people_page(acme):
    alice, bob = member("alice", acme, Role.ORG_ADMIN), member("bob", acme, Role.VIEWER)
    answer = _as(alice).post(_url(acme, bob), {"role": Role.ANALYST}, follow=True)
    assert answer.redirect_chain[-1][0] == f"/console/{acme.slug}/people/"
    assert "Role updated." in answer.content.decode()


def test_removing_someone_without_the_confirmation_box_changes_nothing(acme):
    """One click on "Remove from <org>" deleted the membership."""
    alice, bob = member("alice", acme, Role.ORG_ADMIN), member("bob", acme, Role.VIEWER)
    client = _as(alice)
    page = client.get(_url(acme, bob)).content.decode()
    assert 'type="checkbox" name="confirm" value="yes" id="confirm-remove" required' in page
    assert f"Yes, remove bob from {acme.name}" in page
    for data in ({"action": "remove"}, {"action": "remove", "confirm": "no"}):
        refused = client.post(_url(acme, bob), data)
        assert refused.status_code == 422
        assert "Nothing was changed: tick the box to confirm" in refused.content.decode()
        assert Membership.objects.filter(org=acme, user=bob).exists()


def test_removing_someone_with_the_box_ticked_removes_him(acme):
    alice, bob = member("alice", acme, Role.ORG_ADMIN), member("bob", acme, Role.VIEWER)
    answer = _as(alice).post(_url(acme, bob), {"action": "remove", "confirm": "yes"}, follow=True)
    assert answer.redirect_chain[-1][0] == f"/console/{acme.slug}/people/"
    assert "Membership removed." in answer.content.decode()
    assert not Membership.objects.filter(org=acme, user=bob).exists()
