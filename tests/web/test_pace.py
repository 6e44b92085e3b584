"""How fast a respondent answered is kept only as a coarse pace; answers sent faster than the
questions can be read are set aside like other careless answers, and no time is stored anywhere."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from allypath.web.survey import pace
from allypath.web.survey.models import Response
from allypath.web.survey.pages import page_count
from allypath.web.survey.scoring import RUSHED_REASON, set_aside

from .test_survey_pages import fill_page, token, tokens, wave  # noqa: F401 - fixtures

pytestmark = [pytest.mark.db, pytest.mark.django_db]


class Clock:
    """A stand-in for the time: each page shown, then sent ``per_page`` seconds later."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def answer_everything(client: Client, token: str, instrument, clock: Clock, per_page: float) -> Response:  # noqa: F811
    """Answer the short form page by page, ``per_page`` seconds on each; open the report."""
    client.post(f"/s/{token}/", {"language": "en"})
    total = page_count(instrument.form("short"))
    for number in range(1, total + 1):
        client.get(f"/s/{token}/p/{number}/")  # the page is shown: the browser notes when
        clock.now += per_page
        sent = fill_page(client, token, number, instrument, action="submit" if number == total else "next")
    assert sent.status_code == 302 and "/r/" in sent["Location"]
    client.report = client.get(sent["Location"]).content.decode()  # type: ignore[attr-defined]
    return Response.objects.get()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(pace, "_now", fake)
    return fake


def test_a_considered_pace_is_kept_as_a_word_and_the_stage_is_placed(client, token, instrument, clock):  # noqa: F811
    response = answer_everything(client, token, instrument, clock, per_page=35)
    assert response.pace == "steady"
    assert response.status == "scored" and response.stage is not None


def test_answers_sent_faster_than_they_can_be_read_are_set_aside(client, token, instrument, clock):  # noqa: F811
    response = answer_everything(client, token, instrument, clock, per_page=2)
    assert response.pace == "rushed"
    assert response.status == "suspect" and response.stage is None
    assert RUSHED_REASON in response.result["reason"]
    assert response.result["p_apathy"] is None and response.result["index"] is None
    # His private report says why it shows no stage, in words about his pace.
    assert "answered faster than they can be read" in client.report  # type: ignore[attr-defined]


def test_a_page_sent_without_the_browsers_note_leaves_the_survey_unmeasured(client, token, instrument, clock):  # noqa: F811
    client.post(f"/s/{token}/", {"language": "en"})
    total = page_count(instrument.form("short"))
    for number in range(1, total + 1):
        client.get(f"/s/{token}/p/{number}/")
        if number == 2:
            client.cookies.pop("allypath-pace")  # e.g. cookies cleared half-way
        clock.now += 1
        fill_page(client, token, number, instrument, action="submit" if number == total else "next")
    response = Response.objects.get()
    assert response.pace is None and response.status == "scored"


def test_a_tab_left_open_counts_at_most_ten_minutes(client, token, instrument, clock):  # noqa: F811
    client.post(f"/s/{token}/", {"language": "en"})
    client.get(f"/s/{token}/p/1/")
    clock.now += 8 * 3600
    assert pace.seconds_on_page(_request_with(client), token, 1) == pace.PAGE_CAP_SECONDS


def _request_with(client: Client):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.COOKIES = {k: v.value for k, v in client.cookies.items()}
    return request


def test_a_note_for_another_page_or_link_or_a_forged_one_measures_nothing(client, token, tokens, clock):  # noqa: F811
    client.post(f"/s/{token}/", {"language": "en"})
    client.get(f"/s/{token}/p/1/")
    clock.now += 30
    request = _request_with(client)
    assert pace.seconds_on_page(request, token, 1) == 30
    assert pace.seconds_on_page(request, token, 2) is None
    assert pace.seconds_on_page(request, tokens["S003"], 1) is None
    request.COOKIES["allypath-pace"] = request.COOKIES["allypath-pace"][:-2] + "xx"
    assert pace.seconds_on_page(request, token, 1) is None


@pytest.mark.parametrize(
    ("seconds", "questions", "expected"),
    [
        (50, 30, "rushed"),
        (60, 30, "quick"),
        (119, 30, "quick"),
        (120, 30, "steady"),
        (300, 30, "slow"),
        (None, 30, None),
    ],
)
def test_paces_start_at_2_4_and_10_seconds_a_question(seconds, questions, expected):
    assert pace.pace_of(seconds, questions) == expected


def test_nothing_stored_holds_a_time_of_day(client, token, instrument, clock):  # noqa: F811
    answer_everything(client, token, instrument, clock, per_page=35)
    fields = {
        f.name: type(f).__name__ for f in Response._meta.get_fields() if hasattr(f, "get_internal_type")
    }
    assert not [
        name for name, kind in fields.items() if kind in ("DateTimeField", "TimeField", "DurationField")
    ]
    stored = Response.objects.values_list("pace", "submitted_on").get()
    assert stored[0] == "steady"
    assert str(int(clock.now)) not in str(Response.objects.values().get())


def test_set_aside_leaves_an_insufficient_row_alone_and_adds_its_reason_to_others():
    thin = {
        "status": "insufficient",
        "reason": "stage_apathy: 1 of 3 items answered (needs 2)",
        "stage": None,
    }
    assert set_aside(thin, RUSHED_REASON) == thin
    placed = {
        "status": "scored",
        "reason": "",
        "stage": 3,
        "p_apathy": 0.1,
        "context_x_stage": 2,
        "score_a": 3.5,
    }
    out = set_aside(placed, RUSHED_REASON)
    assert out["status"] == "suspect" and out["reason"] == RUSHED_REASON
    assert out["stage"] is None and out["p_apathy"] is None and out["context_x_stage"] is None
    assert out["score_a"] == 3.5  # construct scores stay, as the engine keeps them
    assert list(itertools.chain(out)) == list(placed)
