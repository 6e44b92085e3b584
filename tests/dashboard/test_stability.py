"""Figures that never depend on who looked before (DESIGN §6.4): one release, any order, any account.

Three viewers and a scoped analyst of Northwind send 200 dashboard requests drawn at random from
every view, filter and breakdown, in a random order; every cell they are shown (its size, its stage
shares, its reason when hidden) must be the same every time it appears, whoever asked and whatever
was asked before. The same holds between the organisation-wide release and a second solve after
the cache is thrown away: the decisions are a function of the data and the declared breakdowns.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.test import Client

from allypath.web.dashboard import release as releases
from allypath.web.dashboard.models import PublishedRelease
from allypath.web.orgs.models import Role

from .conftest import member

pytestmark = [pytest.mark.db, pytest.mark.django_db]

API = "/api/v1/orgs/northwind/dashboard"
FILTERS: list[dict[str, str]] = [
    {},
    {"unit": "Ops"},
    {"unit": "Sales"},
    {"unit": "Ops/EMEA"},
    {"unit": "Ops/APAC"},
    {"level": "Staff"},
    {"region": "EMEA"},
    {"region": "APAC"},
    {"unit": "Ops", "level": "Staff"},
    {"unit": "Sales", "region": "Americas"},
]
BREAKDOWNS = [None, "unit", "level", "region"]
VIEWS = ["overview", "groups", "heatmap", "comments", "trends"]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _cells(view: str, params: dict[str, str], body: dict[str, Any]) -> dict[tuple[Any, ...], Any]:
    """Every cell of an answer, keyed by what it is (view, wave, filters, value), with its figures."""
    selection = body.get("selection", {})
    filters = tuple(sorted((selection.get("filters") or {}).items()))  # an analyst's scope included
    base = (view, str((selection.get("wave") or {}).get("id")), filters, params.get("by"))
    out: dict[tuple[Any, ...], Any] = {}
    for name in ("total", "overall"):
        if isinstance(body.get(name), dict):
            out[(*base, name)] = _figures(body[name])
    for group in body.get("groups", []):
        out[(*base, "group", group.get("value"))] = _figures(group)
    return out


def _figures(row: dict[str, Any]) -> Any:
    keep = ("visible", "n", "reason", "message", "stages", "split", "bands", "n_before", "n_after", "band")
    figures = {k: row.get(k) for k in keep if k in row}
    if "comments" in row:  # shuffled on every request: compare the list, not its order
        figures["comments"] = sorted(row["comments"])
    return figures


def test_two_hundred_random_requests_from_four_accounts_see_every_cell_the_same(northwind):
    accounts = [_client(member(f"viewer{i}", northwind.org, Role.VIEWER)) for i in range(3)] + [
        _client(member("scoped", northwind.org, Role.ANALYST, ["Ops"]))
    ]
    rng = random.Random(2026)
    seen: dict[tuple[Any, ...], Any] = {}
    repeats = answered = 0
    for _ in range(200):
        who = rng.randrange(len(accounts))
        view = rng.choice(VIEWS)
        params = dict(rng.choice(FILTERS))
        by = rng.choice(BREAKDOWNS)
        if by and by not in params and view != "overview":
            params["by"] = by
        if who == len(accounts) - 1 and not params.get("unit", "Ops").startswith("Ops"):
            params["unit"] = "Ops"  # the analyst stays in his unit
        if view != "trends":
            params["wave"] = str(northwind.first.pk)
        answer = accounts[who].get(f"{API}/{view}", params)
        assert answer.status_code in (200, 422), (view, params, answer.content)
        cells = (
            _cells(view, params, answer.json())
            if answer.status_code == 200
            else {(view, tuple(sorted(params.items())), "refused"): answer.json()}
        )
        answered += 1
        for key, figures in cells.items():
            if key in seen:
                repeats += 1
                assert seen[key] == figures, (key, seen[key], figures)
            else:
                seen[key] = figures
    assert answered == 200 and repeats >= 100  # most cells were seen again after other requests


def test_the_release_is_a_function_of_the_data_not_of_its_history(northwind, bob):
    client = _client(bob)
    first = client.get(f"{API}/groups", {"wave": northwind.first.pk, "by": "unit"}).json()
    digest = releases.org_release(northwind.org).release.fingerprint()
    PublishedRelease.objects.all().delete()  # as if no one had ever looked: solved again from scratch
    releases._MEMORY.clear()
    assert releases.org_release(northwind.org).release.fingerprint() == digest
    assert client.get(f"{API}/groups", {"wave": northwind.first.pk, "by": "unit"}).json() == first
    # one release solved again (and beside it each wave's cells, kept by their own digest)
    stored = PublishedRelease.objects.filter(org=northwind.org)
    assert stored.exclude(digest__startswith=releases.WAVE_PREFIX).count() == 1
    assert stored.filter(digest__startswith=releases.WAVE_PREFIX).count() == 2
