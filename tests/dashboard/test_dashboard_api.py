"""The dashboard API: typed answers for every view, role checks, a clear 4xx for every bad input, and the
same figures for every viewer in every order (end to end, over HTTP)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from allypath.web.audit.models import AccessEvent
from allypath.web.orgs.models import Role
from allypath.web.survey.models import Response

from .conftest import json_of, member
from .seed import store_responses

pytestmark = [pytest.mark.db, pytest.mark.django_db]

API = "/api/v1/orgs/northwind/dashboard"
VIEWS = ("overview", "groups", "heatmap", "trends", "transitions", "plan", "comments")


def test_every_dashboard_view_is_in_the_openapi_document_with_typed_answers(client):
    spec = client.get("/api/v1/openapi.json").json()
    for view in VIEWS:
        operation = spec["paths"][f"/api/v1/orgs/{{slug}}/dashboard/{view}"]["get"]
        assert set(operation["responses"]) >= {"200", "403", "404", "422"}
        assert "$ref" in operation["responses"]["200"]["content"]["application/json"]["schema"]
    parameters = {
        p["name"] for p in spec["paths"]["/api/v1/orgs/{slug}/dashboard/groups"]["get"]["parameters"]
    }
    assert parameters >= {"slug", "wave", "unit", "level", "region", "by"}


def test_a_viewer_reads_every_view_and_each_read_is_audited(northwind, bob, as_user):
    client = as_user(bob)
    for view in VIEWS:
        response = client.get(f"{API}/{view}")
        assert response.status_code == 200, (view, response.content[:300])
        body = json_of(response)
        assert body["selection"]["org"] == "northwind" and body["total"]["visible"] is True
    views = set(AccessEvent.objects.filter(username="bob").values_list("view", flat=True))
    assert views == {f"api.dashboard.{v}" for v in VIEWS}


def test_the_overview_answers_with_intervals_the_response_rate_band_awareness_and_the_three_questions(
    northwind, bob, as_user
):
    body = as_user(bob).get(f"{API}/overview", {"wave": northwind.first.pk}).json()
    assert body["total"]["n"] == 60 and body["selection"]["wave"]["name"] == "2026 Q1"
    stages = body["total"]["stages"]
    assert set(stages) == {"apathy", "ambivalence", "reflective", "energised"}
    assert sum(s["share"] for s in stages.values()) == pytest.approx(1.0)
    assert all(s["low"] <= s["share"] <= s["high"] for s in stages.values())
    rate = body["response_rate"]
    assert rate["visible"] and rate["invited"] == 84 and rate["rate"] == pytest.approx(60 / 84)
    band = body["nonresponse_band"]["stages"]
    assert band["apathy"]["low"] <= band["apathy"]["share"] <= band["apathy"]["high"]
    awareness = body["awareness"]
    # the answerers' release shows the count; it withholds the share here, since total minus Ops
    # would tell how every answerer in Sales answered (null then, never a figure that tells)
    assert awareness["visible"] and awareness["answered"] >= 5
    assert awareness["claimed_share"] is None or 0 <= awareness["claimed_share"] <= 1
    assert [d["question"] for d in body["diagnostics"]] == [
        "safe_to_explore",
        "experience_acknowledged",
        "supported_modelled_rewarded",
    ]
    assert all(d["answer"] for d in body["diagnostics"])


def test_the_group_explorer_hides_small_groups_with_the_gates_reason_and_no_figure(northwind, bob, as_user):
    body = as_user(bob).get(f"{API}/groups", {"wave": northwind.first.pk, "by": "unit"}).json()
    rows = {g["value"]: g for g in body["groups"]}
    assert set(rows) == {"Ops", "Sales", "Tech"}
    assert rows["Ops"]["visible"] and rows["Ops"]["n"] == 32 and rows["Ops"]["stages"]
    tech = rows["Tech"]  # 3 respondents
    assert (
        not tech["visible"] and tech["n"] is None and tech["stages"] == {} and tech["response_rate"] is None
    )
    assert tech["reason"] == "below_k" and tech["message"] == "fewer than 5 people"


def test_a_unit_filter_breaks_down_into_the_units_below_it(northwind, bob, as_user):
    body = as_user(bob).get(f"{API}/groups", {"wave": northwind.first.pk, "unit": "Ops"}).json()
    assert body["total"]["n"] == 32 and body["selection"]["filters"] == {"unit": "Ops"}
    assert {g["value"]: g["n"] for g in body["groups"]} == {"Ops/APAC": 12, "Ops/EMEA": 20}


def test_a_group_that_would_single_out_a_small_one_is_refused_the_same_for_every_viewer_in_any_order(
    northwind, bob, alice, as_user
):
    # The total (60) minus Ops (32) minus Sales (25) would give Tech's 3 away, so the release hides
    # Sales once, for everyone, whoever asks first: the old per-viewer memory showed Sales to a fresh
    # account and refused it only to a viewer who had seen the total and Ops before.
    fresh = Client()
    fresh.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    sales = {"wave": northwind.first.pk, "unit": "Sales"}
    client = as_user(bob)
    assert client.get(f"{API}/overview", {"wave": northwind.first.pk}).json()["total"]["n"] == 60
    assert (
        client.get(f"{API}/overview", {"wave": northwind.first.pk, "unit": "Ops"}).json()["total"]["n"] == 32
    )
    for who in (fresh, client):
        refused = who.get(f"{API}/overview", sales)
        assert refused.status_code == 422
        body = refused.json()
        assert body["code"] == "filter_refused" and body["errors"][0]["code"] == "complementary"
        assert body["detail"] == "hidden so that a smaller group cannot be worked out"
        assert b'"n"' not in refused.content and "share" not in body
    for view in ("groups", "heatmap", "comments"):
        answer = client.get(f"{API}/{view}", {**sales, "by": "region"})
        assert answer.status_code == 422 and answer.json()["errors"][0]["code"] == "complementary", view


def test_a_filter_selecting_fewer_than_k_is_refused_naming_the_rule(northwind, bob, as_user):
    answer = as_user(bob).get(f"{API}/groups", {"wave": northwind.first.pk, "unit": "Tech", "by": "region"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0] == {
        "field": "filters",
        "message": "fewer than 5 people",
        "code": "below_k",
    }


@pytest.mark.parametrize(
    ("params", "status", "field", "code"),
    [
        ({"unit": "Marketing"}, 422, "unit", "unknown_unit"),
        ({"unit": "\x00Ops"}, 422, "unit", "invalid_parameter"),
        ({"region": "EM\x07EA"}, 422, "region", "invalid_parameter"),
        ({"level": "Intern"}, 422, "level", "unknown_level"),
        ({"region": "Mars"}, 422, "region", "unknown_region"),
        ({"wave": "abc"}, 422, "query.wave", "int_parsing"),
        ({"wave": "0"}, 422, "query.wave", "greater_than_equal"),
        ({"by": "salary"}, 422, "query.by", "literal_error"),
        ({"levle": "Staff"}, 422, "levle", "unknown_parameter"),
        ({"level": "Staff", "by": "level"}, 422, "by", "by_filtered"),
        ({"unit": "Tech", "by": "unit"}, 422, "by", "no_subunits"),
        ({"unit": "x" * 600}, 422, "query.unit", "string_too_long"),
    ],
)
def test_bad_parameters_get_a_4xx_naming_the_problem(northwind, bob, as_user, params, status, field, code):
    answer = as_user(bob).get(f"{API}/groups", params)
    assert answer.status_code == status, answer.content
    error = answer.json()["errors"][0]
    assert (error["field"], error["code"]) == (field, code)
    assert answer.json()["detail"]


def test_a_repeated_parameter_is_refused_rather_than_one_of_them_silently_used(northwind, bob, as_user):
    answer = as_user(bob).get(f"{API}/groups?unit=Ops&unit=Sales")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "unit"


def test_a_wave_of_another_organisation_is_a_404_that_says_so(northwind, bob, as_user, globex, make_wave):
    other = make_wave(globex)
    answer = as_user(bob).get(f"{API}/overview", {"wave": other.pk})
    assert answer.status_code == 404
    assert answer.json()["detail"] == f"wave {other.pk} is not a wave of Northwind"
    trend = as_user(bob).get(f"{API}/trends", {"from_wave": northwind.first.pk, "to_wave": other.pk})
    assert trend.status_code == 404 and trend.json()["errors"][0]["field"] == "to_wave"


def test_another_organisations_dashboard_is_a_404_and_anonymous_callers_get_a_401(
    northwind, charlie, as_user
):
    assert as_user(charlie).get(f"{API}/overview").status_code == 404
    assert Client().get(f"{API}/overview").status_code == 401


def test_a_draft_wave_has_no_results(northwind, bob, as_user, make_wave):
    draft = make_wave(northwind.org, launch=False)
    answer = as_user(bob).get(f"{API}/overview", {"wave": draft.pk})
    assert answer.status_code == 422 and answer.json()["code"] == "draft_wave"


def test_a_scoped_analyst_sees_his_units_only(northwind, erin, as_user):
    client = as_user(erin)
    body = client.get(f"{API}/groups", {"wave": northwind.first.pk}).json()
    assert body["selection"]["filters"] == {"unit": "Sales"}
    # Sales (25) is hidden for everyone: with Ops shown, it would give Tech's 3 away from the total
    assert body["total"]["n"] is None and body["total"]["reason"] == "complementary"
    outside = client.get(f"{API}/groups", {"unit": "Ops"})
    assert outside.status_code == 403 and outside.json()["code"] == "outside_scope"


def test_trends_show_the_change_only_where_a_group_passes_on_both_waves(northwind, bob, as_user):
    body = as_user(bob).get(f"{API}/trends", {"by": "unit"}).json()
    assert body["selection"]["wave"]["name"] == "2026 Q1" and body["selection"]["later"]["name"] == "2026 Q3"
    overall = body["overall"]
    placed = Response.objects.filter(wave=northwind.second, status="scored").count()
    assert overall["visible"] and overall["n_before"] == 60 and overall["n_after"] == placed > 45
    assert sum(overall["share_change"].values()) == pytest.approx(0.0, abs=1e-9)
    groups = {g["value"]: g for g in body["groups"]}
    assert groups["Ops"]["visible"] and groups["Ops"]["index_change"] is not None
    assert not groups["Tech"]["visible"] and groups["Tech"]["reason"] == "trend"
    assert groups["Tech"]["share_change"] == {} and groups["Tech"]["n_before"] is None


def test_transitions_follow_the_panel_members_who_answered_both_waves(northwind, bob, as_user):
    body = as_user(bob).get(f"{API}/transitions").json()
    overall = body["overall"]
    assert overall["visible"] and overall["cells"]
    placed = [
        set(Response.objects.filter(wave=w, status="scored").values_list("panel_key", flat=True))
        for w in (northwind.first, northwind.second)
    ]
    cohort = len(placed[0] & placed[1])
    assert sum(c["count"] for c in overall["cells"]) <= cohort and cohort > 40  # placed on both
    rows = {start: [c for c in overall["cells"] if c["from_stage"] == start] for start in range(1, 5)}
    # every from-stage row is either given whole or named with the reason it is hidden
    hidden = {row["from_stage"]: row["message"] for row in overall["hidden_rows"]}
    assert hidden and all("fewer than 5" in why or "worked out" in why for why in hidden.values())
    assert {start for start, row in rows.items() if row} | set(hidden) == {1, 2, 3, 4}
    for row in rows.values():
        # a from-stage row is given whole (all four destinations) and only for k people or more
        assert not row or (len(row) == 4 and sum(c["count"] for c in row) >= 5)
        if row:
            assert sum(c["probability"] for c in row) == pytest.approx(1.0)


def test_transitions_only_compare_a_panel_wave_with_the_next_one(northwind, bob, as_user, make_wave):
    import datetime as dt

    between = make_wave(
        northwind.org,
        name="2026 Q2",
        privacy_mode="panel",
        k=5,
        k_text=10,
        opens_on=northwind.first.opens_on + dt.timedelta(days=10),
        closes_on=northwind.first.opens_on + dt.timedelta(days=20),
    )
    answer = as_user(bob).get(
        f"{API}/transitions", {"from_wave": northwind.first.pk, "to_wave": northwind.second.pk}
    )
    assert answer.status_code == 422, answer.content
    body = answer.json()
    assert body["code"] == "not_next_panel_wave"
    assert "after 2026 Q1, choose 2026 Q2" in str(body) and "to_wave" in str(body)
    assert between.pk  # the wave between them is the one to compare with


def test_transitions_are_given_for_the_whole_organisation_only(northwind, bob, as_user):
    """Each group's matrix passes the row rules on its own, but the whole panel's row minus one unit's
    (or a unit's minus its sub-unit's) would give the moves of the few left, which no rule checked:
    no group's matrix and no filtered one is ever given, by the API or the page."""
    client = as_user(bob)
    body = client.get(f"{API}/transitions", {"by": "unit"}).json()
    assert body["overall"]["visible"] and body["overall"]["cells"]
    assert body["groups"] == [] and "whole organisation only" in body["note"]
    whole = client.get(f"{API}/transitions").json()
    assert whole["overall"] == body["overall"] and whole["note"] is None
    for name, value in (("unit", "Sales"), ("level", "Staff"), ("region", "EMEA")):
        answer = client.get(f"{API}/transitions", {name: value})
        assert answer.status_code == 422, answer.content
        refused = answer.json()
        assert refused["code"] == "whole_organisation_only" and name in str(refused)
        assert "cells" not in str(refused)
    page = client.get("/console/northwind/dashboard/transitions/", {"by": "unit"}).content.decode()
    assert "Transitions are shown for the whole organisation only" in page
    assert page.count('<caption class="visually-hidden">Transitions of') == 1  # everyone's only


def test_transitions_of_anonymous_waves_are_refused_with_the_reason(northwind, bob, as_user, make_wave):
    import datetime as dt

    anonymous = make_wave(
        northwind.org,
        name="2027 Q1",
        privacy_mode="anonymous",
        opens_on=dt.date.today(),
        closes_on=dt.date.today(),
    )
    answer = as_user(bob).get(
        f"{API}/transitions", {"from_wave": northwind.second.pk, "to_wave": anonymous.pk}
    )
    assert answer.status_code == 422 and answer.json()["code"] == "not_panel"


def test_comments_come_only_from_groups_of_k_text_shuffled_and_bare(northwind, bob, as_user):
    client = as_user(bob)
    body = client.get(f"{API}/comments", {"wave": northwind.first.pk, "by": "unit"}).json()
    groups = {g["value"]: g for g in body["groups"]}
    assert groups["Ops"]["visible"] and groups["Ops"]["comments"]
    assert all(isinstance(c, str) for c in groups["Ops"]["comments"])
    assert not groups["Tech"]["visible"] and groups["Tech"]["comments"] == []
    assert groups["Tech"]["reason"] == "below_k"  # 3 people: below k, let alone k_text
    orders = set()
    for _ in range(4):  # the same groups again: a new order on every request
        again = client.get(f"{API}/comments", {"wave": northwind.first.pk, "by": "unit"}).json()
        orders.add(tuple(next(g for g in again["groups"] if g["value"] == "Ops")["comments"]))
    assert len(orders) > 1


def test_the_api_the_dashboard_page_and_the_csv_export_agree(northwind, bob, as_user):
    client = as_user(bob)
    params = {"wave": northwind.first.pk, "by": "unit"}
    api = client.get(f"{API}/groups", params).json()
    exported = client.get("/console/northwind/dashboard/export.csv", params)
    assert exported.status_code == 200 and exported["Content-Disposition"].endswith('.csv"')
    rows = {r["unit"]: r for r in csv.DictReader(io.StringIO(exported.content.decode()))}
    assert int(rows["overall"]["n"]) == api["total"]["n"]
    page = client.get("/console/northwind/dashboard/groups/", params).content.decode()
    for group in api["groups"]:
        row = rows[group["value"]]
        if group["visible"]:
            assert int(row["n"]) == group["n"]
            for stage, figures in group["stages"].items():
                assert float(row[f"share_{stage}"]) == pytest.approx(figures["share"], abs=1e-6)
            assert f"{round(group['stages']['apathy']['share'] * 100)}%" in page
        else:
            assert row["n"] == "" and row["suppressed"] == group["reason"]
            assert group["message"].replace("'", "&#x27;") in page
    assert AccessEvent.objects.filter(username="bob", view="dashboard.export.csv").count() == 1


@pytest.fixture
def tiny(make_org, make_wave):
    """An organisation with one launched wave and two respondents: everything is below k."""
    org = make_org("tiny", [(f"T{i}", "Ops", "Staff", "EMEA", f"t{i}@tiny.test", "en") for i in range(6)])
    store_responses(make_wave(org, form="full", k=3, k_text=5), ["T0", "T1"])
    return member("tess", org, Role.VIEWER)


def test_with_one_wave_a_comparison_says_there_is_nothing_to_compare_yet(tiny, as_user):
    client = as_user(tiny)
    for view in ("trends", "transitions"):
        answer = client.get(f"/api/v1/orgs/tiny/dashboard/{view}")
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert body["overall"] is None and body["groups"] == [] and "two launched waves" in body["message"]
        page = client.get(f"/console/tiny/dashboard/{view}/")
        assert page.status_code == 200 and "Nothing to compare yet" in page.content.decode()


def test_an_organisation_too_small_to_show_answers_every_view_with_the_reason_and_exports_say_why(
    tiny, as_user
):
    client = as_user(tiny)
    for view in VIEWS:
        body = client.get(f"/api/v1/orgs/tiny/dashboard/{view}").json()
        assert body["total"] == {
            "group": "Spring pulse",
            "value": None,
            "visible": False,
            "n": None,
            "reason": "below_k",
            "message": "fewer than 3 people",
            "stages": {},
            "split": None,
            "split_message": None,
            "bands": None,
        }, view
    exported = client.get("/console/tiny/dashboard/export.csv")
    assert exported.status_code == 200
    (row,) = csv.DictReader(io.StringIO(exported.content.decode()))
    assert (row["unit"], row["n"], row["suppressed"], row["share_apathy"]) == ("overall", "", "below_k", "")


def test_a_trend_gives_each_change_its_likely_range_and_calls_only_a_clear_one_a_change(
    northwind, bob, as_user
):
    from allypath.analytics.trend_intervals import with_change_intervals

    body = as_user(bob).get(f"{API}/trends").json()
    overall = body["overall"]
    low, high = overall["index_change_interval"]
    assert low <= overall["index_change"] <= high
    assert overall["index_verdict"] == ("rise" if low > 0 else "fall" if high < 0 else "unclear")
    for key, (low, high) in overall["share_change_interval"].items():
        assert low <= overall["share_change"][key] <= high
    # Built both ways: the same small change is no change on 40 men, a large one is, up or down.
    base = {
        "visible": True,
        "n_before": 40,
        "n_after": 40,
        "share_apathy_before": 0.3,
        "share_apathy_after": 0.2,
    }
    assert (
        with_change_intervals({**base, "index_before": 50.0, "index_after": 53.0})["index_verdict"]
        == "unclear"
    )
    assert (
        with_change_intervals({**base, "index_before": 30.0, "index_after": 62.0})["index_verdict"] == "rise"
    )
    assert (
        with_change_intervals({**base, "index_before": 62.0, "index_after": 30.0})["index_verdict"] == "fall"
    )
    row = with_change_intervals({**base, "index_before": 50.0, "index_after": 53.0})
    assert row["share_apathy_change_low"] < 0 < row["share_apathy_change_high"]  # -10 pts on 40: unclear
    page = as_user(bob).get("/console/northwind/dashboard/trends/").content.decode()
    assert "the range it likely lies in (the index's at 95%; each stage's at 98.75%" in page.replace(
        "&#x27;", "'"
    )
    # the page's stage ranges are the summary's: 20% to 13% of 300 men is no clear change in both
    from allypath.analytics.narrative import Released, summarise

    change = {"visible": True, "n_before": 300, "n_after": 300}
    for key, before, after in (("apathy", 0.2, 0.13), ("ambivalence", 0.3, 0.35), ("reflective", 0.3, 0.32)):
        change[f"share_{key}_before"], change[f"share_{key}_after"] = before, after
    change["share_energised_before"], change["share_energised_after"] = 0.2, 0.2
    ranged = with_change_intervals(dict(change))
    assert ranged["share_apathy_change_low"] < 0 < ranged["share_apathy_change_high"]
    total = {"visible": True, "n": 300, "split": "stages", "share_apathy": 0.13}
    moved = summarise(Released(total, change=change, waves=("Q1", "Q3"))).moved
    assert not any("a change of" in line for line in moved)
    assert "a clear rise" in page or "a clear fall" in page or "not a clear change" in page
