"""The respondent journey in HTML: consent, languages, pages, save and resume, submit, private report."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from allypath.web.orgs.models import Wave
from allypath.web.survey.models import Draft, Response
from allypath.web.survey.pages import page_count

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def wave(acme, make_wave) -> Wave:
    return make_wave(acme)


@pytest.fixture
def token(wave, issue_tokens) -> str:
    return issue_tokens(wave)["S002"]


def fill_page(client: Client, token: str, number: int, instrument, action: str = "next", level: int = 4):
    form = instrument.form("short")
    from allypath.web.survey.pages import page_items

    data: dict[str, object] = {"action": action, "language": "en"}
    for item in page_items(form, number):
        if item.type == "likert":
            data[f"q_{item.id}"] = str(level)
        elif item.type == "single":
            data[f"q_{item.id}"] = str(item.options[0].value)
        elif item.type == "checklist":
            data[f"q_{item.id}"] = [item.options[0].id]
        else:
            data[f"q_{item.id}"] = "Listening more."
    return client.post(f"/s/{token}/p/{number}/", data)


def test_the_intro_says_what_is_collected_who_sees_what_and_the_minimum_group_size(client, token, wave):
    r = client.get(f"/s/{token}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert '<html lang="en" dir="ltr">' in html
    assert "What we collect" in html and "Who sees what" in html
    assert f"at least {wave.k} people" in html
    assert "IP address" in html


def test_the_intro_in_arabic_is_right_to_left(client, token):
    html = client.get(f"/s/{token}/?lang=ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "ما الذي نجمعه" in html


def test_an_unknown_link_is_a_404_page(client, wave):
    r = client.get("/s/nope-nope/")
    assert r.status_code == 404
    assert "This link is not valid" in r.content.decode()


def test_a_closed_wave_link_says_the_survey_is_closed(client, token, wave):
    wave.close()
    r = client.get(f"/s/{token}/")
    assert r.status_code == 410
    assert "This survey is closed" in r.content.decode()


def test_starting_creates_a_draft_and_opens_the_first_page_with_progress(client, token):
    r = client.post(f"/s/{token}/", {"language": "fr"})
    assert r.status_code == 302 and r["Location"].endswith("/p/1/?lang=fr")
    draft = Draft.objects.get()
    assert draft.language == "fr"
    html = client.get(r["Location"]).content.decode()
    assert re.search(r'<progress class="progress" max="\d+" value="1"', html)
    assert "<fieldset" in html and "<legend" in html
    assert 'lang="fr"' in html


def test_save_and_resume_returns_to_the_same_page_with_the_answers_kept(client, token, instrument):
    client.post(f"/s/{token}/", {"language": "en"})
    assert fill_page(client, token, 1, instrument)["Location"].endswith("/p/2/?lang=en")
    r = fill_page(client, token, 2, instrument, action="save", level=2)
    assert "/saved/" in r["Location"]
    assert "Your answers are saved" in client.get(r["Location"]).content.decode()
    # A new visit (another device: no cookies) with the same link resumes on page 2.
    other = Client()
    intro = other.get(f"/s/{token}/").content.decode()
    assert "Continue where I left off" in intro
    resumed = other.post(f"/s/{token}/", {"language": "en"})
    assert resumed["Location"].endswith("/p/2/?lang=en")
    page2 = other.get(resumed["Location"]).content.decode()
    assert 'value="2" checked' in page2


def test_an_invalid_posted_answer_is_shown_with_an_error_summary(client, token, instrument):
    client.post(f"/s/{token}/", {"language": "en"})
    r = client.post(f"/s/{token}/p/1/", {"action": "next", "q_ap1": "9"})
    html = r.content.decode()
    assert r.status_code == 422
    assert 'class="error-summary" role="alert"' in html
    assert "aria-invalid" in html or 'class="error"' in html
    assert "ap1" not in Draft.objects.get().answers


def test_completing_every_page_and_submitting_shows_the_private_report(client, token, instrument):
    client.post(f"/s/{token}/", {"language": "en"})
    total = page_count(instrument.form("short"))
    for number in range(1, total):
        fill_page(client, token, number, instrument)
    r = fill_page(client, token, total, instrument, action="submit")
    assert r.status_code == 302 and "/r/" in r["Location"]
    assert Response.objects.count() == 1
    assert not Draft.objects.exists()
    report = client.get(r["Location"])
    html = report.content.decode()
    assert report.status_code == 200
    assert "Your private report" in html
    assert html.index("What you bring") < html.index("Where you are now") < html.index("Next steps to try")
    assert report["Cache-Control"] == "no-store"


def test_a_double_click_on_submit_shows_the_same_report_and_stores_one_response(client, token, instrument):
    client.post(f"/s/{token}/", {"language": "en"})
    total = page_count(instrument.form("short"))
    for number in range(1, total):
        fill_page(client, token, number, instrument)
    submission_id = str(Draft.objects.get().submission_id)
    first = fill_page(client, token, total, instrument, action="submit")
    second = client.post(f"/s/{token}/p/{total}/", {"action": "submit", "submission_id": submission_id})
    assert second.status_code == 302
    assert second["Location"].split("?")[0] == first["Location"].split("?")[0]
    assert Response.objects.count() == 1


def test_a_used_link_opens_no_survey(client, token, instrument):
    client.post(f"/s/{token}/", {"language": "en"})
    total = page_count(instrument.form("short"))
    for number in range(1, total):
        fill_page(client, token, number, instrument)
    fill_page(client, token, total, instrument, action="submit")
    r = client.get(f"/s/{token}/")
    assert r.status_code == 410
    assert "already been used" in r.content.decode()


def test_pages_carry_a_strict_content_security_policy(client, token):
    r = client.get(f"/s/{token}/")
    policy = r["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert r["Referrer-Policy"] == "same-origin"
    assert "<script" not in r.content.decode() and "style=" not in r.content.decode()
