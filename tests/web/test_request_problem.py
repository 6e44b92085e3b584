"""One request-problem error, answered in one place each by the API and by the console.

A :class:`RequestProblem` raised below a view reaches the client with its status, its field and its
message: as the API's error body (``detail``, ``code``, ``errors``) and as the console's problem page.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from allypath import AllypathError, RequestProblem
from allypath.web.dashboard.query import DashboardInputError
from allypath.web.dashboard.service import FilterRefusedError
from allypath.web.survey.submission import FieldProblem, SubmissionError

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def _raises(request: HttpRequest) -> HttpResponse:
    raise RequestProblem(409, "this wave is already closed", field="wave", code="wave_closed")


# The site's URLs plus one console view that raises (the console's problems are matched by path).
urlpatterns = [path("console/raises/", _raises), path("", include("allypath.web.urls"))]


@pytest.fixture
def raising_site(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__


def test_both_request_errors_are_request_problems_in_the_one_tree():
    dashboard = DashboardInputError(404, "unknown_wave", "wave", "wave 9 is not a wave of Acme")
    assert isinstance(dashboard, RequestProblem)
    assert isinstance(dashboard, AllypathError)
    assert (dashboard.status, dashboard.field, dashboard.message) == (
        404,
        "wave",
        "wave 9 is not a wave of Acme",
    )
    assert isinstance(FilterRefusedError({"message": "too few", "reason": "below_k"}), AllypathError)
    one = SubmissionError(409, "link_used", "already used", (FieldProblem("token", "already used", "used"),))
    assert isinstance(one, AllypathError)
    assert (one.status, one.field, one.message) == (409, "token", "already used")
    two = SubmissionError(422, "invalid_answers", "bad", (FieldProblem("a", "x"), FieldProblem("b", "y")))
    assert two.field is None  # no one field is at fault: each is listed
    assert two.field_errors() == [("a", "x", "invalid"), ("b", "y", "invalid")]


# --------------------------------------------------------------------------- the API


def _post(client: Any) -> Any:
    body = {"token": "t" * 20, "submission_id": str(uuid.uuid4()), "answers": {}, "language": "en"}
    return client.post("/api/v1/responses", data=json.dumps(body), content_type="application/json")


def test_a_request_problem_in_an_api_view_is_answered_with_its_status_field_and_message(client, monkeypatch):
    problem = RequestProblem(409, "this wave is already closed", field="wave", code="wave_closed")

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise problem

    monkeypatch.setattr("allypath.web.api.api.submit", refuse)
    answer = _post(client)
    assert answer.status_code == 409
    assert answer.json() == {
        "detail": "this wave is already closed",
        "code": "wave_closed",
        "errors": [{"field": "wave", "message": "this wave is already closed", "code": "wave_closed"}],
    }


def test_a_problem_with_no_one_field_lists_none_and_a_submission_lists_every_field(client, monkeypatch):
    raised: list[RequestProblem] = [
        RequestProblem(503, "try again later", code="busy"),
        SubmissionError(
            422,
            "invalid_answers",
            "some answers are not valid",
            (FieldProblem("a", "x"), FieldProblem("b", "y")),
        ),
    ]

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise raised.pop(0)

    monkeypatch.setattr("allypath.web.api.api.submit", refuse)
    first = _post(client)
    assert (first.status_code, first.json()) == (
        503,
        {"detail": "try again later", "code": "busy", "errors": []},
    )
    second = _post(client)
    assert second.status_code == 422
    assert second.json()["code"] == "invalid_answers"
    assert second.json()["errors"] == [
        {"field": "a", "message": "x", "code": "invalid"},
        {"field": "b", "message": "y", "code": "invalid"},
    ]


def test_response_rates_of_an_imported_wave_name_the_wave_like_the_dashboard_api(
    client, login, bob, acme, make_wave
):
    from allypath.web.orgs.models import WaveKind

    wave = make_wave(acme, launch=False, kind=WaveKind.IMPORTED)
    login(bob)
    answer = client.get(f"/api/v1/waves/{wave.pk}/response-rates")
    assert answer.status_code == 422
    body = answer.json()
    assert "imported from a file" in body["detail"]
    assert body["code"] == "no_rates"
    assert body["errors"] == [{"field": "wave", "message": body["detail"], "code": "no_rates"}]


# --------------------------------------------------------------------------- the console


def test_a_request_problem_in_a_console_view_is_the_console_page_with_its_status(
    client, login, bob, raising_site
):
    login(bob)
    page = client.get("/console/raises/")
    assert page.status_code == 409
    html = page.content.decode()
    assert "This request cannot be answered" in html
    assert "this wave is already closed" in html
    assert "<code>wave</code>" in html
    assert 'role="alert"' in html


def test_a_request_problem_outside_the_console_and_the_api_is_left_alone():
    from allypath.web.middleware import RequestProblemMiddleware

    request = HttpRequest()
    request.path = "/s/sometoken/"
    middleware = RequestProblemMiddleware(lambda r: HttpResponse())
    assert middleware.process_exception(request, RequestProblem(422, "no")) is None
    request.path = "/console/acme/"
    assert middleware.process_exception(request, ValueError("not a request problem")) is None


def test_a_dashboard_page_and_its_export_keep_the_tabs_and_say_what_is_wrong(
    client, login, bob, acme, monkeypatch
):
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise DashboardInputError(403, "out_of_scope", "unit", "unit 'Sales' is outside your units")

    monkeypatch.setattr("allypath.web.console.dashboard.resolve", refuse)
    login(bob)
    for url, current in (
        (f"/console/{acme.slug}/dashboard/groups/", "Groups"),
        (f"/console/{acme.slug}/dashboard/export.csv", "Overview"),
    ):
        page = client.get(url)
        assert page.status_code == 403, url
        html = page.content.decode()
        assert "This request cannot be answered" in html
        assert "unit &#x27;Sales&#x27; is outside your units" in html
        assert f'aria-current="page">{current}</a>' in html  # the dashboard's tabs, this one current
