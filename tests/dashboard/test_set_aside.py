"""Answers set aside as careless (status ``suspect``) are in no figure, and the Overview says how many once
the wave has closed, counted over the whole organisation's wave whatever the filters, "fewer than k" below
the wave's k. While the wave is open it says one fixed sentence: a count that moves between two looks would
tell whoever knows who answered in between that his answers were set aside."""

from __future__ import annotations

import pytest

from allypath.web.orgs.models import WaveStatus
from allypath.web.survey.models import Response

from .test_dashboard_pages import BASE, main_of

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def set_aside(wave, count: int, unit_prefix: str = "") -> None:
    """Mark ``count`` of the wave's placed responses (in units under ``unit_prefix``) as careless."""
    chosen = Response.objects.filter(wave=wave, status="scored", unit__path__startswith=unit_prefix)
    for response in chosen.order_by("id")[:count]:
        response.status = "suspect"
        response.stage = None
        response.result = {**response.result, "status": "suspect", "stage": None}
        response.save()


def close(*waves) -> None:
    for wave in waves:
        wave.status = WaveStatus.CLOSED
        wave.save()


def overview(client, wave, **filters) -> str:
    return main_of(client.get(BASE, {"wave": wave.pk, **filters}).content.decode())


def test_no_sentence_when_nothing_was_set_aside(northwind, bob, as_user):
    Response.objects.filter(wave=northwind.first, status="suspect").update(status="scored")
    assert "set aside" not in overview(as_user(bob), northwind.first)


def test_the_count_is_said_for_the_whole_organisation_and_left_out_of_the_figures(northwind, bob, as_user):
    close(northwind.second)
    placed_before = Response.objects.filter(wave=northwind.first, status="scored").count()
    set_aside(northwind.first, 6, "Sales")
    client = as_user(bob)
    html = overview(client, northwind.first)
    assert "6 answers were set aside in this wave, across the whole organisation" in html
    assert f">{placed_before - 6}<" in html  # placed respondents: the six are not counted
    # The same sentence under any filter: it never narrows to a group, so no difference reveals one.
    shown = 0
    for filters in ({"unit": "Sales"}, {"unit": "Ops"}, {"region": "EMEA"}, {"level": "Staff"}):
        page = overview(client, northwind.first, **filters)
        if "Choose a broader selection" in page:  # a refused selection shows no figure at all
            assert "set aside" not in page
            continue
        shown += 1
        assert "6 answers were set aside in this wave, across the whole organisation" in page
    assert shown >= 2
    # The later wave has its own count.
    later = Response.objects.filter(wave=northwind.second, status="suspect").count()
    assert later < 5
    said = overview(client, northwind.second)
    assert "6 answers" not in said
    assert ("Fewer than 5 answers were set aside" in said) == (later > 0)


def test_below_k_only_fewer_than_k_is_said(northwind, bob, as_user):
    set_aside(northwind.first, 2)
    html = overview(as_user(bob), northwind.first)
    assert "Fewer than 5 answers were set aside" in html
    assert "2 answers" not in html


def test_the_api_says_the_same(northwind, bob, as_user):
    set_aside(northwind.first, 7)
    answer = as_user(bob).get(f"/api/v1/orgs/northwind/dashboard/overview?wave={northwind.first.pk}").json()
    assert answer["set_aside"].startswith("7 answers were set aside in this wave")


OPEN_SENTENCE = "how many is said once the wave has closed"


def test_while_the_wave_is_open_no_count_is_said_and_a_new_careless_answer_changes_nothing(
    northwind, bob, as_user
):
    wave = northwind.second
    wave.status = WaveStatus.OPEN  # as launched: still taking answers
    wave.save()
    client = as_user(bob)
    Response.objects.filter(wave=wave, status="suspect").update(status="scored")
    before = overview(client, wave)
    set_aside(wave, 1)  # the answer just sent is set aside: the placed total drops by one, nothing else
    after = overview(client, wave)
    for page in (before, after):
        assert OPEN_SENTENCE in page
        assert "set aside in this wave" not in page and "Fewer than" not in page
    sentence = [line for line in after.splitlines() if OPEN_SENTENCE in line]
    assert sentence == [line for line in before.splitlines() if OPEN_SENTENCE in line]
    api = client.get(f"/api/v1/orgs/northwind/dashboard/overview?wave={wave.pk}").json()
    assert OPEN_SENTENCE in api["set_aside"] and "answers were set aside" not in api["set_aside"]
    # Closed, the same data says its count: the open-wave silence is the wave's state, not the data.
    close(wave)
    assert "Fewer than 5 answers were set aside in this wave" in overview(client, wave)
