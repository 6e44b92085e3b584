"""A large organisation's release is solved in a process of its own, not inside the request that needs
it (allypath/web/dashboard/deferred.py): its pages answer 503 "being prepared" with Retry-After, start
``python -m allypath.web prepare_releases --org SLUG`` once, and show the figures once it has run.

The command line the pages start is recorded here rather than run, because the test database lives in
this process; tests/dashboard/test_deferred_release_live.py lets a real one run against a real site.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command

from allypath.privacy import release as privacy_release
from allypath.web.dashboard import deferred
from allypath.web.dashboard import release as web_release
from allypath.web.dashboard.models import PublishedRelease
from allypath.web.orgs.models import Organisation

from .test_dashboard_pages import BASE, PAGES

pytestmark = [pytest.mark.db, pytest.mark.django_db]

API = "/api/v1/orgs/northwind/dashboard"
PREPARE = [sys.executable, "-m", "allypath.web", "prepare_releases", "--org", "northwind", "--quiet"]


@pytest.fixture
def started(monkeypatch) -> Iterator[list[list[str]]]:
    """The command lines the pages start; the claims they leave are removed after the test (organisation
    ids repeat from one test database to the next, the data folder stays)."""
    lines: list[list[str]] = []
    monkeypatch.setattr(deferred.subprocess, "Popen", lambda args, **options: lines.append(list(args)))
    yield lines
    for claim in deferred.claim_path(Organisation(pk=0)).parent.glob("*.started"):
        claim.unlink()


@pytest.fixture
def fresh_process():
    """Nothing solved in this process's memory: what a new worker holds."""
    web_release._MEMORY.clear()
    privacy_release._ANSWERERS.clear()
    yield
    web_release._MEMORY.clear()
    privacy_release._ANSWERERS.clear()


@pytest.fixture
def large(settings, fresh_process):
    """Northwind counts as large: with no solve on record, any number of responses is too many."""
    settings.ALLYPATH_SOLVE_IN_REQUEST_ROWS = 0


def no_solving(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("a release was solved inside a request")

    monkeypatch.setattr(web_release, "solve_release", refuse)
    monkeypatch.setattr(privacy_release, "solve_release", refuse)


def test_a_large_organisation_is_prepared_once_in_the_background_then_every_page_shows_its_figures(
    northwind, bob, as_user, large, started, monkeypatch
):
    client = as_user(bob)
    api = client.get(f"{API}/overview", {"wave": northwind.first.pk})
    assert api.status_code == 503
    assert api["Retry-After"] == str(deferred.RETRY_AFTER_SECONDS)
    assert api.json()["code"] == "release_being_prepared"
    page = client.get(BASE, {"wave": northwind.first.pk})
    assert page.status_code == 503
    assert page["Retry-After"] == str(deferred.RETRY_AFTER_SECONDS)
    assert "The figures are being prepared" in page.content.decode()
    # one process started, whatever the number of requests; nothing solved or stored by them
    assert started == [PREPARE]
    assert not PublishedRelease.objects.filter(org=northwind.org).exists()
    assert deferred.claim_path(northwind.org).exists()

    out = io.StringIO()
    call_command("prepare_releases", "--org", "northwind", "--quiet", stdout=out)
    assert out.getvalue() == ""  # --quiet: nothing but errors (tests/web/test_at_rest_host_files.py)
    assert not deferred.claim_path(northwind.org).exists()

    # A new worker: every page, and the overview's answers, read what the command stored
    web_release._MEMORY.clear()
    privacy_release._ANSWERERS.clear()
    no_solving(monkeypatch)
    for name in PAGES:
        response = client.get(BASE + name, {"wave": northwind.first.pk})
        assert response.status_code == 200, (name, response.status_code)
        assert "being prepared" not in response.content.decode()
    for view in ("overview", "groups", "heatmap", "trends", "transitions", "plan", "comments"):
        answer = client.get(f"{API}/{view}", {"wave": northwind.first.pk, "by": "unit"})
        assert answer.status_code in (200, 422), (view, answer.content[:300])
        assert answer.status_code == 200 or answer.json()["code"] != "release_being_prepared"
    assert started == [PREPARE]


def test_a_small_organisation_is_still_solved_in_the_request(northwind, bob, as_user, fresh_process, started):
    response = as_user(bob).get(f"{API}/overview", {"wave": northwind.first.pk})
    assert response.status_code == 200
    assert "Retry-After" not in response
    assert started == []
    assert PublishedRelease.objects.filter(org=northwind.org).exists()


def test_the_wave_pages_keep_working_while_the_counts_are_prepared(northwind, alice, as_user, large, started):
    client = as_user(alice)
    wave = client.get(f"/console/northwind/waves/{northwind.first.pk}/")
    assert wave.status_code == 200
    assert "being prepared" in wave.content.decode()
    listing = client.get("/console/northwind/waves/")
    assert listing.status_code == 200
    assert "being counted" in listing.content.decode()


def test_an_organisation_whose_last_solve_was_slow_is_prepared_in_the_background(northwind, settings):
    org = northwind.org
    settings.ALLYPATH_SOLVE_IN_REQUEST_SECONDS = 10
    assert deferred.solves_in_request(org, 100)  # nothing on record, few responses
    assert not deferred.solves_in_request(org, settings.ALLYPATH_SOLVE_IN_REQUEST_ROWS + 1)
    stored = PublishedRelease.objects.create(org=org, digest="d1", payload=b"", solve_seconds=30.0)
    assert not deferred.solves_in_request(org, 100)
    stored.solve_seconds = 2.0
    stored.save()
    assert deferred.solves_in_request(org, 10**6)  # the last solve was quick: the size no longer decides
    # an answerer release's time does not count: it is not the organisation's release
    PublishedRelease.objects.create(org=org, digest="answers-x", payload=b"", solve_seconds=500.0)
    assert deferred.solves_in_request(org, 100)


def test_a_claim_stops_a_second_start_until_its_process_is_seen_to_have_died(northwind, started):
    org = northwind.org
    assert deferred.start_preparing(org)
    assert not deferred.start_preparing(org)  # just started: its process is on its way
    claim = deferred.claim_path(org)
    old = time.time() - 10 * 60
    with deferred.preparing_lock(org):  # an old claim, but its process holds the lock: still running
        os.utime(claim, (old, old))
        assert not deferred.start_preparing(org)
    assert deferred.start_preparing(org)  # an old claim and no lock: the process died, start another
    assert len(started) == 2


def test_closing_a_large_organisations_wave_starts_preparing_its_figures(
    northwind, make_wave, large, started, django_capture_on_commit_callbacks
):
    wave = make_wave(northwind.org, name="2026 Q4")
    with django_capture_on_commit_callbacks(execute=True):
        wave.close()
    assert started == [PREPARE]


def test_closing_a_small_organisations_wave_starts_nothing(
    northwind, make_wave, started, django_capture_on_commit_callbacks
):
    wave = make_wave(northwind.org, name="2026 Q4")
    with django_capture_on_commit_callbacks(execute=True):
        wave.close()
    assert started == []


def test_a_request_waits_for_a_preparing_process_rather_than_solve_the_same_release_beside_it(
    northwind, bob, as_user, fresh_process, started
):
    client = as_user(bob)
    with deferred.preparing_lock(northwind.org):  # the cron job, say, is solving it
        pending = client.get(f"{API}/overview", {"wave": northwind.first.pk})
        assert pending.status_code == 503
        assert not PublishedRelease.objects.filter(org=northwind.org).exists()
    assert client.get(f"{API}/overview", {"wave": northwind.first.pk}).status_code == 200


def test_a_wave_closing_is_prepared_at_once_if_the_organisation_was_ever_slow_to_solve(
    northwind, settings, started
):
    org = northwind.org
    settings.ALLYPATH_SOLVE_IN_REQUEST_SECONDS = 10
    PublishedRelease.objects.create(org=org, digest="d1", payload=b"", solve_seconds=2.0)
    assert not deferred.prepare_if_large(org)
    # slow once (the wave's full solve), quick since (only the open wave, counts only): a closing
    # solves a whole wave again, at the cost of the slow one
    PublishedRelease.objects.create(org=org, digest="d2", payload=b"", solve_seconds=40.0)
    PublishedRelease.objects.create(org=org, digest="d3", payload=b"", solve_seconds=1.0)
    assert deferred.solves_in_request(org, 100)
    assert deferred.prepare_if_large(org)
    assert started == [PREPARE]


def test_the_command_names_an_unknown_organisation(northwind):
    with pytest.raises(CommandError, match="'nowhere'"):
        call_command("prepare_releases", "--org", "nowhere", "--quiet")
