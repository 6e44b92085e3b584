"""The private report and journey as a screen-reader and keyboard user meets them (WCAG 2.2 AA), in a
real browser (Debian chromium via Playwright) on a 320 px screen, in English, French and Arabic.

On every page: each control has a name Chromium's accessibility tree can say, one h1, the page's
language and direction, radios in a fieldset with a legend, no aria reference to a missing id, nothing
wider than the screen. A form sent back with an error (an empty commitment or rewording, a dilemma with
no choice) says "Error" first in its title and moves the focus to its error summary, whose link leads
to the field.
"""

from __future__ import annotations

import pytest

from allypath.web.journey.models import CirclePlan
from browser_support import clean_page as _clean

pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}
ERROR_WORD = {"en": "Error", "fr": "Erreur", "ar": "خطأ"}


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_report_and_journey_pages_and_their_errors_for_a_screen_reader(
    live_server, browser, submitted, acme, lang
):
    receipt = submitted(employee="S002", level=2)
    CirclePlan.objects.create(org=acme, min_size=3, max_size=3)  # circles open: the circle page has a form
    context = browser.new_context(viewport=NARROW, device_scale_factor=1)
    page = context.new_page()
    base = f"{live_server.url}/r/{receipt}"
    for path in ("/", "/journey/", "/journey/recheck/", "/journey/circle/"):
        page.goto(f"{base}{path}?lang={lang}")
        facts = _clean(page, lang, path)
        assert not facts["title"].startswith(ERROR_WORD[lang]), path
        if path == "/":  # each suggested step is a heading a screen reader can jump to
            assert page.locator("#next-h ~ ol h3").count() >= 1

    # an empty commitment: the page comes back with the error summary focused, its link to the box
    page.goto(f"{base}/journey/?lang={lang}")
    with page.expect_navigation():
        page.locator("#commitment-text ~ * button, form:has(#commitment-text) button").first.click()
    facts = _clean(page, lang, "empty commitment")
    assert facts["title"].startswith(ERROR_WORD[lang])
    assert facts["focused"] == "error-summary"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "commitment-text"

    # a commitment reworded to nothing: its disclosure opens from the keyboard, and the refusal comes
    # back with the summary focused, its link to that commitment's box
    page.locator("#commitment-text").fill("Ask Sofia to finish her point")
    with page.expect_navigation():
        page.locator("form:has(#commitment-text) button").first.click()
    _clean(page, lang, "a commitment written")
    page.locator("details.reword summary").first.focus()
    page.keyboard.press("Enter")
    box = page.locator("details.reword textarea").first
    box_id = box.get_attribute("id")
    box.fill("")
    with page.expect_navigation():
        page.locator("details.reword button").first.click()
    facts = _clean(page, lang, "an empty rewording")
    assert facts["title"].startswith(ERROR_WORD[lang])
    assert facts["focused"] == "error-summary"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == box_id

    # a dilemma sent with no choice
    page.goto(f"{base}/journey/?lang={lang}")
    page.locator("#dilemmas-h ~ ul a").first.click()
    page.wait_for_load_state()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    facts = _clean(page, lang, "dilemma without a choice")
    assert facts["title"].startswith(ERROR_WORD[lang])
    assert facts["focused"] == "error-summary"

    # volunteering for an ally circle with no contact and the box unticked: both errors summarised
    page.goto(f"{base}/journey/circle/?lang={lang}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    facts = _clean(page, lang, "circle volunteering refused")
    assert facts["title"].startswith(ERROR_WORD[lang])
    assert facts["focused"] == "error-summary"
    assert [a.get_attribute("href") for a in page.locator("#error-summary a").all()] == [
        "#circle-contact",
        "#circle-consent",
    ]
    context.close()
