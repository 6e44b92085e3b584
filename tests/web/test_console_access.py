"""Isolation and roles: one access helper behind every console view and API endpoint.

charlie (Globex) gets 404 for every Acme object; bob (viewer at Acme) can read but changes nothing (403);
alice (Acme org admin) can do it all; anonymous visitors are sent to the login page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from allypath.web.orgs.models import Membership, Wave, WaveStatus

from .conftest import PASSWORD, PRODUCTION_PASSWORD_HASHERS

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def acme_wave(acme, make_wave) -> Wave:
    return make_wave(acme)


@pytest.fixture
def acme_urls(acme, alice, acme_wave) -> dict[str, list[str]]:
    slug, pk = acme.slug, acme_wave.pk
    membership = Membership.objects.get(user=alice, org=acme).pk
    read = [
        f"/console/{slug}/",
        f"/console/{slug}/units/",
        f"/console/{slug}/waves/",
        f"/console/{slug}/waves/{pk}/",
        f"/api/v1/waves/{pk}",
        f"/api/v1/waves/{pk}/response-rates",
    ]
    admin_pages = [
        f"/console/{slug}/import/",
        f"/console/{slug}/people/",
        f"/console/{slug}/people/{membership}/",
        f"/console/{slug}/waves/new/",
        f"/console/{slug}/waves/{pk}/edit/",
    ]
    changes = [f"/console/{slug}/waves/{pk}/action/", f"/console/{slug}/waves/{pk}/links.csv", *admin_pages]
    return {"read": read, "admin_pages": admin_pages, "changes": changes}


def test_users_of_another_organisation_get_404_for_every_object(client: Client, login, charlie, acme_urls):
    login(charlie)
    for url in acme_urls["read"] + acme_urls["admin_pages"]:
        assert client.get(url).status_code == 404, url
    for url in acme_urls["changes"]:
        assert client.post(url, {"action": "close"}).status_code == 404, url


def test_another_organisations_wave_id_under_ones_own_slug_is_404(client, login, charlie, globex, acme_wave):
    login(charlie)
    assert client.get(f"/console/{globex.slug}/waves/{acme_wave.pk}/").status_code == 404


def test_viewers_can_read_but_cannot_change_anything(client, login, bob, acme_urls, acme_wave):
    login(bob)
    for url in acme_urls["read"]:
        assert client.get(url).status_code == 200, url
    for url in acme_urls["admin_pages"]:
        assert client.get(url).status_code == 403, url
    for url in acme_urls["changes"]:
        for action in ("close", "launch", "revert", "invite", "remind"):
            assert client.post(url, {"action": action}).status_code == 403, url
    acme_wave.refresh_from_db()
    assert acme_wave.status == WaveStatus.OPEN


def test_analysts_read_but_do_not_administer(client, login, dave, acme_urls):
    login(dave)
    assert all(client.get(url).status_code == 200 for url in acme_urls["read"])
    assert all(client.post(url, {"action": "close"}).status_code == 403 for url in acme_urls["changes"])


def test_org_admins_can_close_their_wave(client, login, alice, acme, acme_wave):
    login(alice)
    r = client.post(
        f"/console/{acme.slug}/waves/{acme_wave.pk}/action/", {"action": "close", "confirm": "yes"}
    )
    assert r.status_code == 302
    acme_wave.refresh_from_db()
    assert acme_wave.status == WaveStatus.CLOSED


def test_anonymous_visitors_are_sent_to_the_login_page(client, acme, acme_urls):
    for url in acme_urls["read"] + acme_urls["admin_pages"]:
        r = client.get(url)
        if url.startswith("/api/"):
            assert r.status_code == 401, url
        else:
            assert r.status_code == 302 and r["Location"].startswith("/console/login/"), url


def test_the_organisation_list_shows_only_ones_own(client, login, alice, charlie, globex):
    login(charlie)
    assert client.get("/console/").status_code == 302  # one org: straight to it
    html = client.get(f"/console/{globex.slug}/").content.decode()
    assert "Globex" in html and "Acme" not in html
    assert [o["slug"] for o in client.get("/api/v1/orgs").json()] == ["globex"]


def test_repeated_failed_logins_lock_the_account(alice, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/console/login/", {"username": "alice", "password": "wrong"})
    r = client.post("/console/login/", {"username": "alice", "password": "correct horse battery staple"})
    assert r.status_code == 429
    assert "Too many failed sign-ins" in r.content.decode()


def test_a_correct_login_reaches_the_console(alice):
    client = Client()
    r = client.post("/console/login/", {"username": "alice", "password": "correct horse battery staple"})
    assert r.status_code == 302
    assert client.get("/console/acme/").status_code == 200


def test_passwords_are_hashed_with_argon2(alice, settings):
    settings.PASSWORD_HASHERS = PRODUCTION_PASSWORD_HASHERS  # the tests hash with MD5 (conftest)
    alice.set_password(PASSWORD)
    alice.save()
    assert alice.password.startswith("argon2$")
    assert Client().post("/console/login/", {"username": "alice", "password": PASSWORD}).status_code == 302


def test_org_admins_add_a_viewer_who_then_sees_the_organisation(client, login, alice, acme):
    login(alice)
    r = client.post(
        f"/console/{acme.slug}/people/",
        {
            "username": "erin",
            "email": "erin@acme.test",
            "role": "viewer",
            "password": "a long enough passphrase 42",
        },
    )
    assert r.status_code == 302
    erin = Membership.objects.get(user__username="erin")
    assert erin.role == "viewer"


def test_the_admin_site_is_for_staff_only(client, login, alice):
    login(alice)
    assert client.get("/admin/").status_code == 302  # not staff: to the admin login


def test_adding_someone_never_attaches_an_existing_account_of_another_organisation(
    client, login, alice, charlie, acme
):
    login(alice)
    r = client.post(
        f"/console/{acme.slug}/people/",
        {"username": "charlie", "email": "", "role": "viewer", "password": "a long enough passphrase 42"},
    )
    assert r.status_code == 200 and "not available" in r.content.decode()
    assert not Membership.objects.filter(user=charlie, org=acme).exists()


def test_a_taken_name_gets_one_refusal_whoever_holds_it_and_nothing_is_made_without_a_password(
    client, login, alice, charlie, acme
):
    login(alice)
    answers = []
    for name in ("charlie", "Charlie", "bob-is-nobody"):
        r = client.post(f"/console/{acme.slug}/people/", {"username": name, "role": "viewer", "password": ""})
        answers.append(r.content.decode().count("not available"))
    # without a password nothing is created; the taken names get the same refusal, whatever org holds them
    # (said twice: in the error summary that takes the focus, and under the field)
    assert answers[0] == answers[1] == 2 and answers[2] == 0
    assert not User.objects.filter(username="bob-is-nobody").exists()
