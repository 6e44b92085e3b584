"""Each wave's solved cells are kept beside the organisation's release (web/dashboard/release.py,
StoredWaves): a new answer in an open wave solves that wave again, not the closed ones."""

from __future__ import annotations

import pytest

from allypath.privacy import release as privacy_release
from allypath.web.dashboard import release as web_release
from allypath.web.dashboard.models import PublishedRelease

from .seed import store_responses

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def test_a_new_answer_in_an_open_wave_solves_that_wave_again_and_reads_the_closed_ones_back(
    northwind, make_wave, monkeypatch
):
    org = northwind.org
    web_release._MEMORY.clear()
    web_release.org_release(org)
    kept = PublishedRelease.objects.filter(org=org, digest__startswith=web_release.WAVE_PREFIX)
    assert kept.count() == 2  # the two closed waves

    solved: list[str] = []
    real = privacy_release.solve_wave

    def counted(part, tables, policy, **options):
        solved.append("open" if options.get("open_wave") else "closed")
        return real(part, tables, policy, **options)

    monkeypatch.setattr(privacy_release, "solve_wave", counted)
    pulse = make_wave(org, name="2026 Q4")  # anonymous: no cohort ties to the panel waves
    people = northwind.respondents["Ops/EMEA"]
    store_responses(pulse, people[:6], offset=300, close=False)
    first = web_release.org_release(org).release
    assert solved == ["open"]
    store_responses(pulse, people[6:9], offset=400, close=False)
    second = web_release.org_release(org).release
    assert solved == ["open", "open"]
    # the two closed waves and the open wave's current state: its first state's rows are gone
    assert kept.count() == 3
    assert (
        PublishedRelease.objects.filter(org=org).exclude(digest__startswith=web_release.WAVE_PREFIX).count()
        == 1
    )
    # the same release as a solve of everything (nothing kept, nothing in memory)
    web_release._MEMORY.clear()
    PublishedRelease.objects.filter(org=org).delete()
    monkeypatch.setattr(privacy_release, "solve_wave", real)
    assert web_release.org_release(org).release.to_dict() == second.to_dict()
    assert first.to_dict() != second.to_dict()
