"""The attack of issue 14 in a real browser: someone else holds a respondent's link.

The respondent (his own browser) starts, saves, resumes and submits; the link holder (another browser
profile) opens the same link before and after, replays the form with a ``submission_id`` and tries
the report routes. The holder must get no draft, no report and no sign of the answers; the
respondent resumes and reads his report, and opens it again from ``/`` with his receipt code.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from allypath.instrument import load_instrument
from answer_patterns import answer_page as answer_consistently
from browser_support import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SECRET_WORDS = "Only my own browser should ever show this sentence."

# Survey pages show the form of the wave; the full form's answers cover the short form's items.
FULL_FORM = load_instrument().form("full")


@pytest.fixture
def profile(browser) -> Iterator[Any]:
    """A fresh browser profile (its own cookies), as a separate person's device."""
    contexts = []

    def new() -> Any:
        context = browser.new_context(viewport=PHONE, device_scale_factor=1)
        contexts.append(context)
        return context

    yield new
    for context in contexts:
        context.close()


@pytest.fixture
def tokens(acme, make_wave, issue_tokens) -> dict[str, str]:
    return issue_tokens(make_wave(acme))


def answer_page(page: Any, text: str = SECRET_WORDS) -> None:
    answer_consistently(page, FULL_FORM, level=2, text=text)


def visible_text(page: Any) -> str:
    return str(page.locator("body").inner_text())


def test_a_link_holder_in_another_browser_gets_no_draft_no_report_and_no_sign_of_the_answers(
    live_server, profile, tokens
):
    link = f"{live_server.url}/s/{tokens['S006']}/"
    never_opened = f"{live_server.url}/s/{tokens['S007']}/"
    mine, theirs = profile().new_page(), profile().new_page()

    # The respondent starts, answers every page but the last, and saves.
    mine.goto(link)
    mine.get_by_role("button", name="I understand, start the survey").click()
    while mine.get_by_role("button", name="Next").count():
        answer_page(mine)
        mine.get_by_role("button", name="Next").click()
    mine.get_by_role("button", name="Save and finish later").click()
    assert mine.get_by_role("heading", name="Your answers are saved").is_visible()
    cookies = {c["name"]: c for c in mine.context.cookies()}
    assert cookies["allypath-respondent"]["httpOnly"] and cookies["allypath-respondent"]["sameSite"] == "Lax"
    assert mine.evaluate("document.cookie").find("allypath-respondent") == -1  # no script reads it

    # The holder opens the link: the same start page as a link nobody opened; nothing of the draft.
    theirs.goto(never_opened)
    untouched = visible_text(theirs)
    theirs.goto(link)
    assert visible_text(theirs) == untouched
    assert theirs.get_by_role("button", name="Continue where I left off").count() == 0
    assert "open this link there to continue" in visible_text(theirs)
    assert 'name="submission_id"' not in theirs.content()
    for number in (1, 2, 3):
        theirs.goto(f"{link}p/{number}/")
        assert theirs.url.rstrip("/").endswith(tokens["S006"]), "a question page opened without a draft"
    theirs.get_by_role("button", name="I understand, start the survey").click()
    assert theirs.locator("input:checked").count() == 0
    assert SECRET_WORDS not in theirs.content()
    theirs.context.clear_cookies()

    # The respondent resumes in his own browser, with his answers, and submits.
    mine.goto(link)
    mine.get_by_role("button", name="Continue where I left off").click()
    last_page = mine.url
    mine.goto(f"{link}p/1/")
    assert mine.locator("input:checked").count() > 0  # his answers are there for him
    mine.goto(last_page)
    answer_page(mine)
    mine.get_by_role("button", name="Submit my answers").click()
    mine.wait_for_url("**/r/**")
    assert mine.get_by_role("heading", name="Your private report", level=1).is_visible()
    receipt = mine.locator(".receipt-code code").inner_text().strip()
    report_path = f"/r/{receipt}/"

    # After the submission the holder replays the last page with a submission_id, and opens the link.
    theirs.goto(link)
    status = theirs.evaluate(
        """async ([url, id]) => {
            const page = await fetch(url);
            const body = new URLSearchParams({action: 'submit', submission_id: id});
            const token = (await page.text()).match(/name="csrfmiddlewaretoken" value="([^"]+)"/);
            if (token) body.set('csrfmiddlewaretoken', token[1]);
            const reply = await fetch(url, {method: 'POST', body, redirect: 'manual'});
            return reply.status;
        }""",
        [f"{link}p/3/", str(uuid.uuid4())],
    )
    assert status == 410, f"a replayed form post answered {status} (a redirect would be to a report)"
    for url in (link, f"{link}p/3/", f"{link}saved/"):
        response = theirs.goto(url)
        assert response is not None and response.status == 410
        text = visible_text(theirs)
        assert receipt not in text and SECRET_WORDS not in text
        assert not re.search(r"Apathy|Ambivalence|Reflective|Energised", text)
        assert report_path not in theirs.content()
    assert "already been used" in visible_text(theirs)
    assert theirs.get_by_label("Receipt code").count() == 1
    assert serious_violations(theirs) == []

    # The respondent's own browser goes back to his report from the used link...
    mine.goto(link)
    assert mine.url.endswith(report_path)
    # ...and from any browser, / opens it with the receipt code typed loosely.
    fresh = profile().new_page()
    fresh.goto(f"{live_server.url}/")
    assert serious_violations(fresh) == []
    fresh.get_by_label("Receipt code").fill(receipt.lower().replace("-", " "))
    fresh.get_by_role("button", name="Open my report").click()
    fresh.wait_for_url(f"**{report_path}**")
    assert fresh.get_by_role("heading", name="Your private report", level=1).is_visible()
    fresh.goto(f"{live_server.url}/")
    fresh.get_by_label("Receipt code").fill("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
    fresh.get_by_role("button", name="Open my report").click()
    assert "No report has this code" in visible_text(fresh)
