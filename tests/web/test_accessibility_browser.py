"""The survey and the HR console as a screen-reader and keyboard user meets them (WCAG 2.2 AA), in a
real browser (Debian chromium via Playwright).

What is checked, on every page walked: each control has a name Chromium's accessibility tree can say
(1.3.1, 4.1.2), one h1 (1.3.1), the page's language and direction (3.1.1: fr, ar right to left), a
title (2.4.2), every question of choices a fieldset with a legend (1.3.1), no aria-describedby or
aria-labelledby pointing at nothing (a hint or an error a screen reader never reads), nothing wider
than a 320 px screen (1.4.10). A page sent back with errors says "Error" first in its title and
moves the focus to its error summary, whose links take the focus to the question (3.3.1, 2.4.3).
"""

from __future__ import annotations

from typing import Any

import pytest

from allypath.instrument import load_instrument
from allypath.web.orgs.models import Wave
from allypath.web.survey.pages import page_count, page_items
from browser_support import clean_page as _clean
from browser_support import console_sign_in, serious_violations

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}  # 1280 px at 400% zoom (WCAG 1.4.10)


def _exclusive_question(form_name: str) -> tuple[int, Any]:
    """The first page of the form with a question where one answer goes with no other ("I am not
    sure"), and that question."""
    form = load_instrument().form(form_name)
    return next(
        (n, item)
        for n in range(1, page_count(form) + 1)
        for item in page_items(form, n)
        if item.type == "checklist" and any(o.exclusive for o in item.options)
    )


ERROR_WORD = {"en": "Error", "fr": "Erreur", "ar": "خطأ"}


@pytest.fixture
def narrow_page(browser) -> Any:
    context = browser.new_context(viewport=NARROW, device_scale_factor=1)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_survey_pages_name_every_control_and_an_error_takes_the_focus(
    live_server, narrow_page, acme, make_wave, issue_tokens, lang
):
    page = narrow_page
    wave = make_wave(acme, form="full")
    token = issue_tokens(wave)["S004"]
    number, question = _exclusive_question(wave.form)
    page.goto(f"{live_server.url}/s/{token}/?lang={lang}")
    _clean(page, lang, "intro")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    facts = _clean(page, lang, "page 1")
    assert not facts["title"].startswith(ERROR_WORD[lang])
    assert load_instrument().title.get_lang(lang) in facts["title"]  # "Page 1 of 18 – <the survey>"
    for shown in page.locator(".question").all():
        assert shown.evaluate("q => q.tagName") == "FIELDSET"  # every Likert scale is a group
        assert shown.locator(":scope > legend").inner_text().strip()

    # a question where "I am not sure" goes with nothing else: all ticked, the page comes back
    page.goto(f"{live_server.url}/s/{token}/p/{number}/?lang={lang}")
    for box in page.locator(f"input[name=q_{question.id}]").all():
        box.check()
    with page.expect_navigation():
        page.locator("button[name=action][value=next]").click()
    facts = _clean(page, lang, "page with an error")
    assert facts["title"].startswith(ERROR_WORD[lang])
    assert facts["focused"] == "error-summary"
    alone = next(o for o in question.options if o.exclusive).text.get_lang(lang)
    link = page.locator("#error-summary a").first
    assert alone in link.inner_text()  # it names the answer to untick, not another question's
    group = page.locator(".question.has-error")
    assert group.get_attribute("aria-describedby")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == link.get_attribute("href")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == link.get_attribute("href").removeprefix("#")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_mistyped_receipt_code_says_error_and_puts_the_focus_on_the_code(live_server, narrow_page, lang):
    page = narrow_page
    page.goto(f"{live_server.url}/?lang={lang}")
    page.locator("#receipt-code").fill("AAAA-BBBB")
    with page.expect_navigation():
        page.locator("form.receipt-form button[type=submit]").click()
    facts = _clean(page, lang, "receipt code refused")
    assert facts["title"].startswith(ERROR_WORD[lang])
    assert facts["focused"] == "receipt-code"
    assert "receipt-error" in str(page.locator("#receipt-code").get_attribute("aria-describedby"))


def test_console_pages_tie_hints_and_errors_to_their_fields_and_fit_a_narrow_screen(
    live_server, narrow_page, alice, acme, make_wave
):
    page = narrow_page
    make_wave(acme)
    page.goto(f"{live_server.url}/console/login/")
    _clean(page, where="sign-in")
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill("not the password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    facts = _clean(page, where="sign-in refused")
    assert facts["title"].startswith("Error: Sign in")
    assert facts["focused"] == "error-summary"

    console_sign_in(page, live_server.url, "alice", PASSWORD)
    wave = Wave.objects.get(org=acme)
    for path in (
        "",
        "waves/",
        "waves/new/",
        f"waves/{wave.pk}/",
        "people/",
        "import/",
        "imports/",
        "audit/",
        "library/",
        "units/",
        "policies/",
    ):
        page.goto(f"{live_server.url}/console/{acme.slug}/{path}")
        _clean(page, where=path)
    assert page.locator(".console-nav a[aria-current=page]").inner_text() == "Policies"

    # a wave whose smallest group is too small: sent back, the error summary has the focus
    page.goto(f"{live_server.url}/console/{acme.slug}/waves/new/")
    page.get_by_label("Name", exact=True).fill("Autumn")
    page.get_by_label("Smallest group shown").fill("1")
    page.evaluate("document.querySelector('main form').noValidate = true")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    facts = _clean(page, where="wave form with an error")
    assert facts["title"].startswith("Error:")
    assert facts["focused"] == "error-summary"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_k"
    assert "id_k_error" in str(page.locator("#id_k").get_attribute("aria-describedby"))


def test_a_waves_units_are_ticked_from_the_keyboard_and_hundreds_scroll_in_their_own_box(
    live_server, narrow_page, big
):
    """Each unit is a box ticked with the space bar (a multiple select needs Ctrl or Shift), named by its
    path; an organisation's 312 units scroll inside a box of their own, and a refused form keeps them."""
    page = narrow_page
    console_sign_in(page, live_server.url, "alice", PASSWORD)
    page.goto(f"{live_server.url}/console/{big.slug}/waves/new/")
    _clean(page, where="wave form of an organisation with 312 units")
    assert serious_violations(page) == []
    units = page.get_by_role("group", name="Only these units")
    assert units.get_by_role("checkbox").count() == 312
    box = page.locator("#id_audience_units")
    assert box.evaluate("b => b.scrollHeight > b.clientHeight")  # it scrolls within itself
    assert box.bounding_box()["height"] <= NARROW["height"] * 0.6 + 1  # the form goes on below it

    page.get_by_label("Division 11/Team 23", exact=True).focus()
    page.keyboard.press("Tab")
    last = page.get_by_label("Division 11/Team 24", exact=True)
    assert page.evaluate("document.activeElement.value") == "Division 11/Team 24"
    page.keyboard.press("Space")
    assert last.is_checked()
    inside, seen = box.bounding_box(), last.bounding_box()
    assert inside["y"] <= seen["y"] and seen["y"] + seen["height"] <= inside["y"] + inside["height"] + 1

    page.get_by_label("Smallest group shown").fill("1")
    page.evaluate("document.querySelector('main form').noValidate = true")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    facts = _clean(page, where="wave form with an error and a unit ticked")
    assert facts["title"].startswith("Error:") and facts["focused"] == "error-summary"
    assert page.get_by_label("Division 11/Team 24", exact=True).is_checked()
    assert units.locator("input:checked").count() == 1
