"""The respondent journey in a real browser (Debian chromium via Playwright) on a phone-size screen.

English and Arabic, stop and resume, submit, the private report; axe-core finds no serious or critical
violation on the survey and report pages; the strict Content-Security-Policy raises no violation.
Screenshots go to artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from allypath.instrument import load_instrument
from answer_patterns import answer_page as answer_consistently
from browser_support import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Survey pages show the form of the wave; the full form's answers cover the short form's items.
FULL_FORM = load_instrument().form("full")


@pytest.fixture(autouse=True)
def considered_pace(monkeypatch) -> None:
    """The browser clicks faster than anyone reads; the survey would rightly set such answers aside
    as rushed (allypath.web.survey.pace). Each look at the clock here is half a minute later."""
    from allypath.web.survey import pace

    moments = iter(range(1_800_000_000, 1_900_000_000, 30))
    monkeypatch.setattr(pace, "_now", lambda: float(next(moments)))


@pytest.fixture
def open_page(browser) -> Iterator[Any]:
    contexts = []

    def new(viewport: dict[str, int] = PHONE) -> Any:
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        page.on(
            "console", lambda msg: "Content Security Policy" in msg.text and page.csp_errors.append(msg.text)
        )
        return page

    yield new
    for context in contexts:
        context.close()


@pytest.fixture
def tokens(acme, make_wave, issue_tokens) -> dict[str, str]:
    return issue_tokens(make_wave(acme))


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def answer_page(page: Any, choice: int = 4) -> None:
    """Answer every question on the current page by clicking, as a consistent respondent would."""
    answer_consistently(page, FULL_FORM, level=choice)


def test_a_phone_user_completes_the_survey_in_english_stopping_and_resuming(live_server, open_page, tokens):
    link = f"{live_server.url}/s/{tokens['S004']}/"
    page = open_page()
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "survey-intro-phone-en")
    assert serious_violations(page) == []
    page.get_by_role("button", name="I understand, start the survey").click()
    answer_page(page)
    assert serious_violations(page) == []
    shot(page, "survey-page-phone-en")
    page.get_by_role("button", name="Next").click()
    page.locator(".question").first.locator("input[type=radio]").nth(1).check()
    page.get_by_role("button", name="Save and finish later").click()
    assert page.get_by_role("heading", name="Your answers are saved").is_visible()
    context = page.context
    page.close()

    later = context.new_page()  # another day, the same browser: its secret cookie finds the draft
    later.csp_errors = []
    later.goto(link)
    later.get_by_role("button", name="Continue where I left off").click()
    assert "Page 2 of" in later.locator("h1").inner_text()
    assert later.locator(".question").first.locator("input[type=radio]").nth(1).is_checked()
    while later.get_by_role("button", name="Next").count():
        answer_page(later)
        later.get_by_role("button", name="Next").click()
    answer_page(later)
    later.get_by_role("button", name="Submit my answers").click()
    later.wait_for_url("**/r/**")
    assert later.get_by_role("heading", name="Your private report", level=1).is_visible()
    assert later.get_by_role("heading", name="What you bring").is_visible()
    shot(later, "report-phone-en")
    assert serious_violations(later) == []
    assert later.csp_errors == [] and page.csp_errors == []


def test_an_arabic_speaker_gets_a_right_to_left_survey_and_report(live_server, open_page, tokens):
    page = open_page()
    page.goto(f"{live_server.url}/s/{tokens['A001']}/?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    page.get_by_role("button", name="فهمت، ابدأ الاستبيان").click()
    answer_page(page, choice=3)
    shot(page, "survey-page-phone-ar")
    assert serious_violations(page) == []
    while page.get_by_role("button", name="التالي").count():
        answer_page(page, choice=3)
        page.get_by_role("button", name="التالي").click()
    answer_page(page, choice=3)
    page.get_by_role("button", name="أرسل إجاباتي").click()
    page.wait_for_url("**/r/**")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", name="تقريرك الخاص").is_visible()
    shot(page, "report-phone-ar")
    assert serious_violations(page) == []
    assert page.csp_errors == []


def test_the_survey_on_a_desktop_screen_and_by_keyboard(live_server, open_page, tokens):
    page = open_page(DESKTOP)
    page.goto(f"{live_server.url}/s/{tokens['S005']}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.get_by_role("button", name="I understand, start the survey").click()
    first = page.locator(".question").first.locator("input[type=radio]").first
    first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert page.locator(".question").first.locator("input[type=radio]").nth(1).is_checked()
    shot(page, "survey-page-desktop-en")
    assert serious_violations(page) == []
    # an error is announced in a summary that links to the question
    page.goto(f"{live_server.url}/s/{tokens['S005']}/p/1/")
    assert page.locator(".error-summary").count() == 0


def test_submitting_with_too_few_answers_asks_first_and_the_report_says_why(live_server, open_page, tokens):
    page = open_page()
    page.goto(f"{live_server.url}/s/{tokens['S006']}/")
    page.get_by_role("button", name="I understand, start the survey").click()
    while page.get_by_role("button", name="Next").count():  # skip every question
        page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("heading", name="Send with only a few answers?").wait_for()  # the POST's answer
    assert "You have not answered any question yet." in page.locator("main").inner_text()
    assert serious_violations(page) == []
    shot(page, "survey-thin-confirm-phone-en")
    page.get_by_role("link", name="Go back to the questions").click()
    page.wait_for_url("**/p/1/**")
    assert "Page 1 of" in page.locator("h1").inner_text()
    while page.get_by_role("button", name="Next").count():  # he changes his mind: still nothing answered
        page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("button", name="Send them anyway").click()  # waits until the question page is there
    page.wait_for_url("**/r/**")
    text = page.locator("main").inner_text()
    assert "Your report does not show a stage: you did not answer any question" in text
    assert page.locator("ol.steps li").count() >= 3
    assert serious_violations(page) == []
    assert page.csp_errors == []
