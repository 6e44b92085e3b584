"""The respondent journey in HTML: consent, languages, pages, save and resume, submit, private report."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client

from allypath.web.orgs.models import Wave
from allypath.web.survey.models import Draft, Response
from allypath.web.survey.pages import page_count
from answer_patterns import sample_answers

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def wave(acme, make_wave) -> Wave:
    return make_wave(acme)


@pytest.fixture
def tokens(wave, issue_tokens) -> dict[str, str]:
    return issue_tokens(wave)


@pytest.fixture
def token(tokens) -> str:
    return tokens["S002"]


def draft_answers(client: Client, token: str) -> dict[str, object]:
    """The draft's answers, opened as the server does: with this browser's secret."""
    from allypath.web.orgs.keys import draft_key
    from allypath.web.survey.sealing import draft_cipher_key

    secret = client.cookies["allypath-respondent"].value
    draft = Draft.objects.get(key=draft_key(token, secret))
    return draft.unlock(draft_cipher_key(token, secret)).answers


def fill_page(client: Client, token: str, number: int, instrument, action: str = "next", level: int = 4):
    form = instrument.form("short")
    from allypath.web.survey.pages import page_items

    data: dict[str, object] = {"action": action, "language": "en"}
    consistent = sample_answers(form, level)  # a consistent respondent, not one answer everywhere
    for item in page_items(form, number):
        if item.type == "likert":
            data[f"q_{item.id}"] = str(consistent[item.id])
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
    # The same browser (its secret cookie) resumes on page 2 with the answers kept.
    intro = client.get(f"/s/{token}/").content.decode()
    assert "Continue where I left off" in intro
    resumed = client.post(f"/s/{token}/", {"language": "en"})
    assert resumed["Location"].endswith("/p/2/?lang=en")
    page2 = client.get(resumed["Location"]).content.decode()
    assert 'value="2" checked' in page2


def test_another_browser_with_the_same_link_sees_only_the_start_and_no_sign_of_the_draft(
    client, token, tokens, instrument
):
    fresh_token = tokens["E003"]  # nobody ever opened this one
    client.post(f"/s/{token}/", {"language": "en"})
    fill_page(client, token, 1, instrument)
    fill_page(client, token, 2, instrument, action="save", level=2)

    other = Client()  # another device: no browser secret
    started = other.get(f"/s/{token}/")
    untouched = other.get(f"/s/{fresh_token}/")
    assert started.status_code == untouched.status_code == 200

    # The page is the same as for a link nobody opened: nothing says a draft exists.
    def neutral(html: str, link: str) -> str:  # the CSRF token is masked afresh on every page
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.replace(link, "T"))

    assert neutral(started.content.decode(), token) == neutral(untouched.content.decode(), fresh_token)
    assert "Continue where I left off" not in started.content.decode()
    assert "open this link there to continue" in started.content.decode()
    # Its question pages send it back to the start instead of showing the saved answers...
    assert other.get(f"/s/{token}/p/2/")["Location"] == f"/s/{token}/"
    # ...and starting there begins with no answers, while the respondent's draft stays as it was.
    other.post(f"/s/{token}/", {"language": "en"})
    page2 = other.get(f"/s/{token}/p/2/?lang=en").content.decode()
    assert "checked" not in page2
    assert 'value="2" checked' in client.get(f"/s/{token}/p/2/?lang=en").content.decode()
    assert Draft.objects.count() == 2


def test_the_browser_secret_cookie_is_http_only_and_same_site(client, token):
    r = client.post(f"/s/{token}/", {"language": "en"})
    cookie = r.cookies["allypath-respondent"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert len(cookie.value) == 43
    # it is drawn once: starting again in the same browser keeps it
    assert "allypath-respondent" not in client.get(f"/s/{token}/").cookies
    assert (
        client.post(f"/s/{token}/", {"language": "en"}).cookies["allypath-respondent"].value == cookie.value
    )


def test_a_forged_or_foreign_browser_secret_finds_no_draft(client, token, instrument):
    client.post(f"/s/{token}/", {"language": "en"})
    fill_page(client, token, 1, instrument)
    for forged in ("x" * 43, "", "not-a-secret", client.cookies["allypath-respondent"].value + "x"):
        other = Client()
        other.cookies["allypath-respondent"] = forged
        assert "Continue where I left off" not in other.get(f"/s/{token}/").content.decode()
        assert other.get(f"/s/{token}/p/1/").status_code == 302


def test_an_invalid_posted_answer_is_shown_with_an_error_summary(client, token, instrument):
    client.post(f"/s/{token}/", {"language": "en"})
    r = client.post(f"/s/{token}/p/1/", {"action": "next", "q_ap1": "9"})
    html = r.content.decode()
    assert r.status_code == 422
    assert 'class="error-summary" role="alert"' in html
    assert "aria-invalid" in html or 'class="error"' in html
    assert "ap1" not in draft_answers(client, token)


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
    first = fill_page(client, token, total, instrument, action="submit")
    second = client.post(f"/s/{token}/p/{total}/", {"action": "submit"})
    assert second.status_code == 303
    assert second["Location"].split("?")[0] == first["Location"].split("?")[0]
    assert Response.objects.count() == 1


def test_the_respondents_own_browser_goes_back_to_his_report_from_the_used_link(client, token, instrument):
    client.post(f"/s/{token}/", {"language": "en"})
    total = page_count(instrument.form("short"))
    for number in range(1, total):
        fill_page(client, token, number, instrument)
    report = fill_page(client, token, total, instrument, action="submit")["Location"].split("?")[0]
    again = client.get(f"/s/{token}/")
    assert again.status_code == 303 and again["Location"] == report


def test_after_the_wave_closes_his_browser_still_goes_back_to_his_report_and_others_see_it_closed(
    client, token, tokens, wave, instrument
):
    """Closing forgets which links answered (no invitation is marked used): his link then reads
    "closed" like an unanswered one, for anyone but his own browser, which his report still answers."""
    client.post(f"/s/{token}/", {"language": "en"})
    total = page_count(instrument.form("short"))
    for number in range(1, total):
        fill_page(client, token, number, instrument)
    report = fill_page(client, token, total, instrument, action="submit")["Location"].split("?")[0]
    wave.refresh_from_db()
    wave.close()
    again = client.get(f"/s/{token}/")
    assert again.status_code == 303 and again["Location"] == report
    unanswered = next(t for t in tokens.values() if t != token)
    pages = [Client().get(f"/s/{t}/") for t in (token, unanswered)]
    assert [p.status_code for p in pages] == [410, 410]
    seen = [
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", p.content.decode().replace(t, "T"))
        for p, t in zip(pages, (token, unanswered), strict=True)
    ]
    assert seen[0] == seen[1]
    assert 'name="code"' in pages[0].content.decode()  # the receipt form, to open his report


def test_another_browser_on_a_used_link_gets_no_report_even_with_the_old_submission_id(
    client, token, instrument
):
    client.post(f"/s/{token}/", {"language": "en"})
    total = page_count(instrument.form("short"))
    for number in range(1, total):
        fill_page(client, token, number, instrument)
    report = fill_page(client, token, total, instrument, action="submit")["Location"].split("?")[0]
    receipt = report.rstrip("/").rsplit("/", 1)[-1]
    other = Client()
    for reply in (
        other.get(f"/s/{token}/"),
        other.post(f"/s/{token}/p/{total}/", {"action": "submit", "submission_id": str(uuid.uuid4())}),
        other.post(f"/s/{token}/", {"language": "en"}),
    ):
        html = reply.content.decode()
        assert reply.status_code == 410, reply
        assert receipt not in html and "/r/" not in reply.get("Location", "")
        assert "Reflective" not in html and "Energised" not in html


def test_a_used_link_opens_no_survey(client, token, instrument):
    client.post(f"/s/{token}/", {"language": "en"})
    total = page_count(instrument.form("short"))
    for number in range(1, total):
        fill_page(client, token, number, instrument)
    fill_page(client, token, total, instrument, action="submit")
    r = Client().get(f"/s/{token}/")
    assert r.status_code == 410
    assert "already been used" in r.content.decode()


def test_pages_carry_a_strict_content_security_policy(client, token):
    r = client.get(f"/s/{token}/")
    policy = r["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert r["Referrer-Policy"] == "same-origin"
    assert "<script" not in r.content.decode() and "style=" not in r.content.decode()


def test_submitting_too_few_answers_asks_first_and_going_back_keeps_the_link_unused(
    client, token, instrument
):
    client.post(f"/s/{token}/", {"language": "en"})
    total = page_count(instrument.form("short"))
    r = client.post(f"/s/{token}/p/{total}/", {"action": "submit", "language": "en"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "Send with only a few answers?" in html
    assert "You have not answered any question yet." in html  # not "You answered 0 of 29 questions"
    assert f'href="/s/{token}/p/1/?lang=en"' in html and 'value="submit_anyway"' in html
    assert not Response.objects.exists() and Draft.objects.count() == 1


def test_enough_answers_submit_without_the_question(client, token, instrument):
    client.post(f"/s/{token}/", {"language": "en"})
    total = page_count(instrument.form("short"))
    for number in range(1, total):
        fill_page(client, token, number, instrument)
    assert fill_page(client, token, total, instrument, action="submit").status_code == 302


def test_sending_few_answers_anyway_gives_a_report_that_says_why_there_is_no_stage(client, token, instrument):
    client.post(f"/s/{token}/", {"language": "en"})
    fill_page(client, token, 1, instrument)  # one page of six questions only
    total = page_count(instrument.form("short"))
    sent = client.post(f"/s/{token}/p/{total}/", {"action": "submit_anyway", "language": "en"})
    assert sent.status_code == 302 and "/r/" in sent["Location"]
    stored = Response.objects.get()
    assert stored.status == "insufficient" and len(stored.answers) == 6  # the draft's answers, kept
    html = client.get(sent["Location"]).content.decode()
    questions = len(instrument.form("short").items)
    assert f"you answered 6 of {questions} questions" in html
    assert "Where you are now" not in html
    steps = html[html.index("Next steps to try") :]
    assert steps.count("<li>") >= 3  # general first steps, never an empty list
    assert "items answered" not in html and "stage_" not in html  # no internal reason codes


def test_submit_anyway_on_another_page_than_the_last_sends_nothing(client, token, instrument):
    client.post(f"/s/{token}/", {"language": "en"})
    r = client.post(f"/s/{token}/p/1/", {"action": "submit_anyway", "language": "en"})
    assert r.status_code in (200, 302) and not Response.objects.exists()


def test_the_database_holds_no_draft_answer_in_clear_and_another_key_opens_nothing(client, token, instrument):
    from allypath.web.survey.sealing import SealError, draft_cipher_key

    client.post(f"/s/{token}/", {"language": "en"})
    total = page_count(instrument.form("short"))
    fill_page(client, token, total, instrument, action="save")  # the last page holds the open text
    row = Draft.objects.values().get()
    assert "Listening more." not in str(row) and "ap1" not in str(row)
    assert "Listening more." in draft_answers(client, token).values()
    with pytest.raises(SealError):
        _ = Draft.objects.get().unlock(draft_cipher_key(token, "y" * 43)).answers
    with pytest.raises(SealError):  # never read without a key
        _ = Draft.objects.get().answers
