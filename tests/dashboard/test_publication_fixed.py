"""A wave's breakdowns are fixed when its figures are first published: declaring others later applies
to the waves after it, so no one can subtract a release solved over other tables from the one seen.

The attack (found by a review): alice reads Northwind's first wave under the default publication
(everyone, Ops/EMEA, Ops/APAC, Sales/EMEA), unticks "sub-unit" and "level", reads the regions again,
and the region Americas, solved anew over fewer tables, is shown; everyone minus the four gave Tech's 3
people (every page says "fewer than 5 people") with their stages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from allypath.web.dashboard.release import org_release
from allypath.web.orgs.models import Wave

from .seed import store_responses

pytestmark = [pytest.mark.db, pytest.mark.django_db]

API = "/api/v1/orgs/northwind/dashboard/groups"
PUBLICATION = "/console/northwind/publication/"
# the default minus "sub-unit" and "level" (and the crossings with level): the reviewer's choice
NARROWER = ["unit", "region", "level*region", "unit*region", "unit2*region"]
DEFAULT = ["unit", "unit2", "level", "region", "level*region", "unit*level", "unit*region"]
DEFAULT += ["unit2*level", "unit2*region"]
ADDED_AFTER = "this breakdown was added after this wave's figures were first published"


def _groups(client: Client, **params: Any) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    answer = client.get(API, params)
    assert answer.status_code == 200, answer.content[:300]
    body = answer.json()
    return body["total"], {g["group"]: g for g in body["groups"]}


def _by_name(groups: dict[str, dict[str, Any]], part: str) -> dict[str, Any]:
    return next(g for name, g in groups.items() if part in name)


def test_redeclaring_changes_nothing_already_published_so_nothing_can_be_subtracted(
    northwind, alice, as_user
):
    client = as_user(alice)
    wave = northwind.first.pk
    queries = [
        {"wave": wave, "by": "unit"},
        {"wave": wave, "unit": "Ops", "by": "unit"},
        {"wave": wave, "unit": "Sales/EMEA", "by": "level"},
        {"wave": wave, "by": "region"},
    ]
    before = [client.get(API, q).json() for q in queries]
    assert client.post(PUBLICATION, {key: "on" for key in NARROWER}).status_code == 302

    # every answer about the waves already published is the same as before, word for word
    assert [client.get(API, q).json() for q in queries] == before
    total, _ = _groups(client, wave=wave, by="unit")
    _, ops = _groups(client, wave=wave, unit="Ops", by="unit")
    sales_emea, _ = _groups(client, wave=wave, unit="Sales/EMEA", by="level")
    _, regions = _groups(client, wave=wave, by="region")
    parts = [_by_name(ops, "Ops/EMEA"), _by_name(ops, "Ops/APAC"), sales_emea, _by_name(regions, "Americas")]
    # the attack needs all five sizes; the region Americas stays hidden as it was
    assert total["n"] == 60 and [p["n"] for p in parts[:3]] == [20, 12, 15]
    assert parts[3]["n"] is None and not parts[3]["visible"]
    # and the wave keeps what it was published over, in the database
    assert "unit2*level" in Wave.objects.get(pk=wave).publication["breakdowns"]


def test_a_wave_published_after_the_change_follows_it_and_the_earlier_ones_keep_theirs(
    northwind, alice, as_user, make_wave
):
    client = as_user(alice)
    assert "Waves already published" not in client.get(PUBLICATION).content.decode()
    assert (
        client.get(API, {"wave": northwind.first.pk, "unit": "Ops", "by": "level"}).json()["total"]["n"] == 32
    )
    saved = client.post(PUBLICATION, {key: "on" for key in NARROWER}, follow=True).content.decode()
    assert "Waves published from now on show the figures of these breakdowns" in saved
    # the page says which waves keep what, in words
    assert "Breakdowns published for the next waves" in saved and "Waves already published" in saved
    assert "<td>2026 Q1</td><td>unit (e.g. Ops); sub-unit (e.g. Ops/APAC); level;" in saved

    opens = timezone.localdate() - dt.timedelta(days=1)
    third = make_wave(northwind.org, name="2027 Q1", privacy_mode="panel", opens_on=opens, k=5, k_text=10)
    store_responses(third, [e for unit in northwind.respondents.values() for e in unit], offset=300)
    crossed = {"unit": "Ops", "by": "level"}
    groups = client.get(API, {"wave": third.pk, **crossed}).json()["groups"]
    assert groups and not any(g["visible"] for g in groups)
    assert {g["message"] for g in groups} == {
        "this combination is not among the breakdowns the organisation publishes; an organisation "
        "admin can add it"
    }
    # the first wave still shows unit x level: it was published over it before the change
    first = client.get(API, {"wave": northwind.first.pk, **crossed}).json()["groups"]
    assert any(g["visible"] for g in first)
    assert Wave.objects.get(pk=third.pk).publication == {"breakdowns": NARROWER, "k": 5, "k_text": 10}
    # a wave published over what is ticked now says so in a few words
    assert client.post(PUBLICATION, {key: "on" for key in DEFAULT}, follow=True).status_code == 200
    page = client.get(PUBLICATION).content.decode()
    assert "<td>2026 Q1</td><td>the same as those ticked below</td>" in page


def test_a_breakdown_added_later_is_refused_for_earlier_waves_with_its_reason(northwind, alice, as_user):
    client = as_user(alice)
    assert client.post(PUBLICATION, {"unit": "on", "level": "on"}).status_code == 302
    assert client.get(API, {"wave": northwind.first.pk, "by": "unit"}).status_code == 200  # published now
    assert client.post(PUBLICATION, {"unit": "on", "level": "on", "region": "on"}).status_code == 302
    groups = client.get(API, {"wave": northwind.first.pk, "by": "region"}).json()["groups"]
    assert groups and not any(g["visible"] for g in groups)
    assert all(g["message"].startswith(ADDED_AFTER) for g in groups)
    # nothing of the organisation's figures was published over "region" before: no wave is fixed to it
    fixed = [w.publication["breakdowns"] for w in Wave.objects.filter(org=northwind.org)]
    assert fixed == [["unit", "level"], ["unit", "level"]]


def test_a_change_before_anything_is_published_applies_to_every_wave(northwind, alice, as_user):
    assert Wave.objects.filter(org=northwind.org, publication__isnull=False).count() == 0
    client = as_user(alice)
    assert client.post(PUBLICATION, {"unit": "on", "level": "on"}).status_code == 302
    release = org_release(northwind.org).release
    assert [b.key for b in release.breakdowns] == ["unit", "level"] and not release.wave_breakdowns
    fixed = [
        p["breakdowns"] for p in Wave.objects.filter(org=northwind.org).values_list("publication", flat=True)
    ]
    assert fixed == [["unit", "level"], ["unit", "level"]]


def test_a_later_wave_with_a_larger_k_leaves_the_waves_already_published_as_they_were(
    northwind, alice, as_user, make_wave
):
    """The organisation's k is the largest of its waves'; solved anew with it, an earlier wave's
    secondary suppression could show a cell it had hidden (and hide one it had shown)."""
    client = as_user(alice)
    queries = [
        {"wave": northwind.first.pk, "by": "unit"},
        {"wave": northwind.first.pk, "unit": "Ops", "by": "level"},
        {"wave": northwind.second.pk, "by": "region"},
    ]
    before = [client.get(API, q).json() for q in queries]
    opens = timezone.localdate() - dt.timedelta(days=1)
    third = make_wave(northwind.org, name="2027 Q1", privacy_mode="panel", opens_on=opens, k=7, k_text=10)
    store_responses(third, [e for unit in northwind.respondents.values() for e in unit], offset=300)
    assert [client.get(API, q).json() for q in queries] == before
    _, units = _groups(client, wave=northwind.first.pk, by="unit")
    assert _by_name(units, "Tech")["message"] == "fewer than 5 people"  # its own k, in words
    # the new wave is published with the larger k
    _, later = _groups(client, wave=third.pk, by="unit")
    assert _by_name(later, "Tech")["message"] == "fewer than 7 people"
    assert Wave.objects.get(pk=third.pk).publication["k"] == 7
    assert Wave.objects.get(pk=northwind.first.pk).publication["k"] == 5


def test_a_launch_undone_before_anyone_answered_is_published_anew_when_launched_again(
    northwind, alice, as_user, make_wave
):
    client = as_user(alice)
    opens = timezone.localdate() - dt.timedelta(days=1)
    third = make_wave(northwind.org, name="2027 Q1", privacy_mode="panel", opens_on=opens, k=5, k_text=10)
    assert client.get(API, {"wave": third.pk}).status_code == 200  # its (empty) figures: fixed now
    assert Wave.objects.get(pk=third.pk).publication["breakdowns"] == DEFAULT
    third.refresh_from_db()
    third.revert_to_draft()
    assert client.post(PUBLICATION, {key: "on" for key in NARROWER}).status_code == 302
    third.launch()
    assert client.get(API, {"wave": third.pk}).status_code == 200
    assert Wave.objects.get(pk=third.pk).publication["breakdowns"] == NARROWER
