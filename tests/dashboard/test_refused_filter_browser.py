"""A refused dashboard filter in a real browser (Debian chromium via Playwright), as a keyboard and
screen-reader user meets it: like a console form sent back with errors (tests/web/
test_accessibility_browser.py), the page says "Error:" first in its title, the refusal takes the focus
(a screen reader reads it first, WCAG 3.3.1, 2.4.3), and its link takes the focus to the filter to change.
Both refusals: a group too small to show, and a value the organisation does not have."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browser_support import clean_page, console_sign_in, launched_chromium, serious_violations

from .conftest import PASSWORD
from .test_dashboard_pages import BASE

pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}  # 1280 px at 400% zoom (WCAG 1.4.10)


@pytest.fixture
def browser() -> Iterator[Any]:
    with launched_chromium() as chromium:
        yield chromium


@pytest.mark.parametrize(
    ("query", "heading", "control"),
    [
        ("groups/?unit=Tech&by=level", "This selection cannot be shown", "f-unit"),  # 3 respondents, k = 5
        ("heatmap/?unit=Marketing", "This request cannot be answered", "f-unit"),  # no such unit
        ("groups/?level=Intern", "This request cannot be answered", "f-level"),  # no such level
    ],
)
def test_a_refused_filter_says_error_and_takes_the_focus_to_its_summary_then_the_filter(
    live_server, northwind, bob, browser, query, heading, control
):
    page = browser.new_context(viewport=NARROW, device_scale_factor=1).new_page()
    console_sign_in(page, live_server.url, "bob", PASSWORD)
    page.goto(f"{live_server.url}{BASE}{query}")
    assert page.title().startswith("Error: Dashboard")
    facts = clean_page(page, where=query)
    assert facts["focused"] == "error-summary"
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert page.locator("#error-summary-h").inner_text() == heading
    page.keyboard.press("Tab")
    link = summary.get_by_role("link")
    assert page.evaluate("document.activeElement.getAttribute('href')") == f"#{control}"
    assert link.get_attribute("href") == f"#{control}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == control
    assert serious_violations(page) == []
    page.context.close()


def test_a_page_that_is_shown_says_no_error_and_leaves_the_focus_alone(live_server, northwind, bob, browser):
    page = browser.new_context(viewport=NARROW, device_scale_factor=1).new_page()
    console_sign_in(page, live_server.url, "bob", PASSWORD)
    page.goto(f"{live_server.url}{BASE}groups/?unit=Ops&by=unit")
    facts = clean_page(page, where="groups of Ops")
    assert not facts["title"].startswith("Error") and page.locator("#error-summary").count() == 0
    assert facts["focused"] != "error-summary"
    page.context.close()
