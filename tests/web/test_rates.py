"""Response rates per unit: only groups of at least k, with complementary suppression (DESIGN §6)."""

from __future__ import annotations

import json
import uuid

import pytest

from allypath.web.dashboard.rates import DIRECT, response_rates
from allypath.web.orgs.models import Membership, Unit

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def answered(client, acme, make_wave, issue_tokens, answers_for, instrument):
    def run(employee_ids: list[str], k: int = 3):
        wave = make_wave(acme, k=k, k_text=max(k, 5))
        tokens = issue_tokens(wave)
        for employee in employee_ids:
            body = {
                "token": tokens[employee],
                "submission_id": str(uuid.uuid4()),
                "answers": answers_for(instrument.form("short")),
                "language": "en",
            }
            r = client.post("/api/v1/responses", json.dumps(body), content_type="application/json")
            assert r.status_code == 201
        return wave

    return run


def rows(table) -> dict[str, int | None]:
    return {r.path: r.responded for r in table.rows}


def test_units_below_k_are_hidden_and_a_sibling_too_so_subtraction_reveals_nothing(answered):
    # k = 4. Sales/EMEA (direct): 4, Sales/EMEA/North: 1, Sales/APAC: 3, Engineering: 5
    wave = answered(
        [
            "S000",
            "S001",
            "S002",
            "S003",
            "N000",
            "A000",
            "A001",
            "A002",
            "E000",
            "E001",
            "E002",
            "E003",
            "E004",
        ],
        k=4,
    )
    table = response_rates(wave)
    shown = rows(table)
    assert table.responded == 13
    assert shown["Engineering"] == 5
    assert shown["Sales"] == 8
    # Sales/APAC has 3 (hidden) -> its sibling Sales/EMEA (5) is hidden too, and everything below it.
    assert shown["Sales/APAC"] is None
    assert shown["Sales/EMEA"] is None
    assert shown["Sales/EMEA/North"] is None
    assert shown[f"Sales/EMEA/{DIRECT}"] is None
    invited = {r.path: r.invited for r in table.rows}
    assert invited["Sales/EMEA"] == 14 and invited["Engineering"] == 7


@pytest.mark.parametrize("k", [3, 4, 5])
def test_no_hidden_count_can_be_worked_out_from_the_shown_ones(answered, k):
    wave = answered(
        [
            "S000",
            "S001",
            "S002",
            "S003",
            "N000",
            "A000",
            "A001",
            "A002",
            "E000",
            "E001",
            "E002",
            "E003",
            "E004",
        ],
        k=k,
    )
    table = response_rates(wave)
    units = {u.path: u for u in Unit.objects.filter(org=wave.org)}
    by_parent: dict[str | None, list] = {}
    for r in table.rows:
        parent = r.path.rsplit("/", 1)[0] if "/" in r.path else None
        by_parent.setdefault(parent, []).append(r)
    totals = {r.path: r.responded for r in table.rows} | {None: table.responded}
    for parent, siblings in by_parent.items():
        hidden = [r for r in siblings if r.responded is None]
        if totals.get(parent) is None or not hidden:
            continue
        residual = totals[parent] - sum(r.responded for r in siblings if r.responded is not None)
        assert residual == 0 or residual >= table.k, (parent, residual)
    assert units  # the organisation has units


def test_the_organisation_total_is_hidden_below_k(answered):
    table = response_rates(answered(["S000", "S001"]))
    assert table.responded is None
    assert all(r.responded is None for r in table.rows)


def test_a_scoped_analyst_sees_only_his_units(answered, dave, acme):
    wave = answered(["E000", "E001", "E002"])
    membership = Membership.objects.get(user=dave)
    membership.units.add(Unit.objects.get(org=acme, path="Engineering"))
    paths = [r.path for r in response_rates(wave, membership).rows]
    assert paths == ["Engineering"]


def test_the_console_and_api_show_the_same_gated_numbers(client, login, alice, acme, answered):
    wave = answered(["E000", "E001", "E002", "S000", "S001", "S002", "A000"])
    login(alice)
    api = client.get(f"/api/v1/waves/{wave.pk}/response-rates").json()
    assert api["responded"] == 7
    by_unit = {r["unit"]: r["responded"] for r in api["rows"]}
    notes = {r["unit"]: r["note"] for r in api["rows"]}
    # Sales/APAC holds 1 (below k): whatever else is shown, no sum of shown counts gives him away
    assert by_unit["Sales/APAC"] is None and notes["Sales/APAC"] == "fewer than 3 people"
    # Sales/EMEA (3) is shown and Sales hidden: then Engineering goes too, or total minus
    # Engineering minus Sales/EMEA would be the one person in Sales/APAC
    if by_unit["Sales/EMEA"] is not None:
        assert by_unit["Sales"] is None and by_unit["Engineering"] is None
    assert [u for u, n in by_unit.items() if n is not None], by_unit  # not everything is hidden
    html = client.get(f"/console/{acme.slug}/waves/{wave.pk}/").content.decode()
    assert "fewer than 3 people" in html
    for n in by_unit.values():  # the page shows what the API shows
        if n is not None:
            assert f'<td class="num">{n}</td>' in html
