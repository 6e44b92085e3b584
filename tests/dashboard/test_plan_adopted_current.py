"""An adopted plan item says why it is in the plan with the CURRENT release's figures, never with the
text stored when it was adopted (DESIGN.md section 6: every figure anyone sees comes from the
organisation's current release).

The release changes after adoption when answers are withdrawn or added: the old figure shown beside
today's would tell how the few people who changed stood (a group of 6 that lost one and moved from 33%
to 20% at Apathy says that one was at Apathy). So after the data changes, the plan page, the API's
plan answer, the follow-up page and the board report must not hold the stored reason, and the plan
shows today's reason, or a plain sentence with no figure when the group's figures are hidden or no
longer point to the item.
"""

from __future__ import annotations

import json

import pytest
from django.utils.html import escape

from allypath.model import STAGE_KEYS
from allypath.web.dashboard.results import NOT_CURRENT
from allypath.web.plans.models import AdoptedItem
from allypath.web.survey.models import Response

from .test_dashboard_pages import BASE, adopt, first_proposal, main_of

pytestmark = [pytest.mark.db, pytest.mark.django_db]

API = "/api/v1/orgs/northwind/dashboard/plan"
GROUP = "Ops · 2026 Q1"


def _adopted(client, northwind) -> AdoptedItem:
    """Ops' first proposal (its largest stage's own action) adopted on the first wave."""
    assert adopt(client, northwind, intervention=first_proposal(client, northwind)).status_code == 302
    item = AdoptedItem.objects.get(wave=northwind.first)
    assert item.group == GROUP and "stage_action" in item.reason_codes and item.reason
    return item


def _withdraw(wave, unit: str, count: int, *, sparing: int | None = None) -> None:
    """Delete ``count`` placed answers of ``unit`` (and the units below it) from ``wave``, as when
    people withdraw their answers; with ``sparing``, only answers at other stages than that one.
    Picked in a fixed order (by the answers themselves: the ids are random)."""
    rows = Response.objects.filter(wave=wave, unit__path__startswith=unit, status="scored")
    if sparing is not None:
        rows = rows.exclude(stage=sparing)
    chosen = sorted(rows, key=lambda r: json.dumps(r.answers, sort_keys=True))[:count]
    assert len(chosen) == count
    Response.objects.filter(pk__in=[r.pk for r in chosen]).delete()


def _stage(item: AdoptedItem) -> int:
    (key,) = [k for k in item.evidence if k in STAGE_KEYS]
    return STAGE_KEYS.index(key) + 1


def _adopted_table(html: str) -> str:
    """The plan page's "Adopted plan" table (the proposals below it quote their own reasons)."""
    return main_of(html).split("Proposed interventions", 1)[0]


def _api_item(client, northwind, **params: object) -> tuple[dict, list[dict]]:
    answer = client.get(API, {"wave": northwind.first.pk, **params})
    assert answer.status_code == 200
    body = answer.json()
    (adopted,) = body["adopted"]
    return adopted, body["proposals"]


def test_after_answers_are_withdrawn_the_plan_shows_todays_reason_not_the_stored_one(
    northwind, alice, as_user
):
    client = as_user(alice)
    item = _adopted(client, northwind)
    stored = item.reason
    # five Ops people at other stages withdraw: the share at the item's stage rises, it stays Ops' first
    _withdraw(northwind.first, "Ops", 5, sparing=_stage(item))

    adopted, proposals = _api_item(client, northwind)
    (now,) = [p for p in proposals if (p["group"], p["intervention"]) == (GROUP, item.intervention)]
    assert now["reason"] != stored  # the figures did change
    assert adopted["reason"] == now["reason"] and adopted["evidence"] == now["evidence"]
    assert adopted["evidence"] != item.evidence
    assert stored not in json.dumps(adopted, ensure_ascii=False)

    html = client.get(BASE + "plan/", {"wave": northwind.first.pk}).content.decode()
    assert escape(now["reason"]) in _adopted_table(html)
    assert escape(stored) not in html and stored not in html
    # nor anywhere else the adopted item is shown
    follow = client.get(BASE + "follow-up/", {"wave": northwind.first.pk}).content.decode()
    board = client.get(BASE + "export.html", {"wave": northwind.first.pk, "by": "unit"}).content.decode()
    for other in (follow, board):
        assert escape(stored) not in other and stored not in other


def test_when_the_groups_figures_become_hidden_the_item_says_so_with_no_figure(northwind, alice, as_user):
    client = as_user(alice)
    item = _adopted(client, northwind)
    stored = item.reason
    _withdraw(northwind.first, "Ops", 29)  # 32 placed answers: 3 are left, fewer than 5

    adopted, proposals = _api_item(client, northwind)
    assert not [p for p in proposals if p["group"] == GROUP]  # Ops is hidden: nothing proposed
    assert adopted["reason"] == NOT_CURRENT and adopted["evidence"] == {}
    assert "%" not in NOT_CURRENT and not any(c.isdigit() for c in NOT_CURRENT)

    html = client.get(BASE + "plan/", {"wave": northwind.first.pk}).content.decode()
    assert escape(NOT_CURRENT) in _adopted_table(html)
    assert escape(stored) not in html and stored not in html
    follow = client.get(BASE + "follow-up/", {"wave": northwind.first.pk}).content.decode()
    assert escape(stored) not in follow and stored not in follow


def test_an_item_adopted_under_another_breakdown_also_shows_todays_reason(northwind, alice, as_user):
    client = as_user(alice)
    item = _adopted(client, northwind)  # adopted on the page by unit
    stored = item.reason
    _withdraw(northwind.first, "Ops", 5, sparing=_stage(item))
    _, by_unit = _api_item(client, northwind, by="unit")
    (now,) = [p for p in by_unit if (p["group"], p["intervention"]) == (GROUP, item.intervention)]
    assert now["reason"] != stored

    # seen on the page by level, whose proposals do not cover Ops: the same reason as by unit
    adopted, by_level = _api_item(client, northwind, by="level")
    assert not [p for p in by_level if p["group"] == GROUP]
    assert adopted["reason"] == now["reason"] and adopted["evidence"] == now["evidence"]
    html = client.get(BASE + "plan/", {"wave": northwind.first.pk, "by": "level"}).content.decode()
    assert escape(now["reason"]) in _adopted_table(html)
    assert escape(stored) not in html and stored not in html
