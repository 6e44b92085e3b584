"""The answerer releases behind policy awareness and participation are kept beside the organisation's
release: solved once per state of the data, then read back by every process (not solved per process,
which took minutes for a large organisation), and giving the same figures when read back."""

from __future__ import annotations

import pytest

from allypath.privacy import release as privacy_release
from allypath.web.dashboard.models import PublishedRelease
from allypath.web.dashboard.release import ANSWERERS_PREFIX

pytestmark = [pytest.mark.db, pytest.mark.django_db]

API = "/api/v1/orgs/northwind/dashboard"


def test_answerer_releases_are_stored_once_and_read_back_by_a_new_process(
    northwind, bob, as_user, monkeypatch
):
    client = as_user(bob)
    privacy_release._ANSWERERS.clear()  # a process that has solved nothing yet
    first = client.get(f"{API}/overview", {"wave": northwind.first.pk}).json()
    stored = PublishedRelease.objects.filter(org=northwind.org, digest__startswith=ANSWERERS_PREFIX)
    # claimed awareness, the knowledge check, participation, and the answerers of each skippable
    # question the overview averages (analytics._gating.AnswerGate): at least those three
    solved = stored.count()
    assert solved >= 3
    # Another process: nothing in memory, and solving is not allowed: every figure comes from the store.
    privacy_release._ANSWERERS.clear()

    def no_solving(*args, **kwargs):
        raise AssertionError("an answerer release was solved again")

    monkeypatch.setattr(privacy_release, "solve_release", no_solving)
    again = client.get(f"{API}/overview", {"wave": northwind.first.pk}).json()
    assert again == first
    assert stored.count() == solved
