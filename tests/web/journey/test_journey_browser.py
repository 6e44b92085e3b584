"""The private journey in a real browser (Debian chromium via Playwright) on a 390 px phone screen.

He opens his report with his receipt code, goes to his journey, reads an item, plays a dilemma, writes
a commitment, takes the re-check and sees his movement; the Arabic journey is right to left. axe-core
finds no serious or critical violation on any of these pages, nothing is wider than the screen, and
the strict Content-Security-Policy raises no violation. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from allypath.instrument import load_instrument
from answer_patterns import answer_page
from browser_support import console_sign_in, serious_violations

from ..conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
SHORT_FORM = load_instrument().form("short")


def _check(page: Any, name: str) -> None:
    """axe-core clean, nothing wider than the phone, and a screenshot to look at."""
    assert serious_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"journey-{name}.png"), full_page=True)


def test_a_phone_user_walks_his_private_journey_in_english_and_arabic(live_server, browser, submitted):
    receipt = submitted(employee="S002", level=2)  # his survey places him at Ambivalence
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    csp_errors: list[str] = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and csp_errors.append(msg.text))

    # the way back with the receipt code: the home page's form, his report, the journey
    page.goto(f"{live_server.url}/")
    page.get_by_label("Receipt code").fill(receipt.lower().replace("-", " "))
    page.get_by_role("button", name="Open my report").click()
    page.wait_for_url(f"**/r/{receipt}/**")
    page.get_by_role("link", name="Open your private journey").click()
    page.get_by_role("heading", name="Your private journey", level=1).wait_for()
    _check(page, "home-phone-en")

    # read the first suggested item and mark it read
    first = page.locator(".journey-items li").first.get_by_role("link")
    title = first.inner_text()
    first.click()
    page.get_by_role("heading", name=title, level=1).wait_for()
    _check(page, "item-phone-en")
    page.get_by_role("button", name="I have read this").click()
    page.get_by_role("heading", name="What you have read").wait_for()
    assert page.locator(".journey-items").get_by_role("link", name=title).count() == 0

    # play a dilemma
    page.locator("#dilemmas-h ~ ul a").first.click()
    page.get_by_role("group", name="What would you do?").wait_for()
    _check(page, "dilemma-phone-en")
    page.locator("input[name=option]").nth(1).check()
    page.get_by_role("button", name="See what it tends to lead to").click()
    page.get_by_role("heading", name="What it tends to lead to").wait_for()
    assert page.get_by_role("heading", name="Debrief").is_visible()
    _check(page, "dilemma-result-phone-en")
    page.get_by_role("link", name="Back to your journey").first.click()

    # write a commitment and tick it off
    page.get_by_label("Something you will do").fill("Ask Sofia to finish her point on Tuesday.")
    page.get_by_role("button", name="Add this commitment").click()
    done = page.get_by_role("button", name="Mark as done: Ask Sofia to finish her point on Tuesday.")
    done.click()
    page.get_by_role("button", name="Not done yet: Ask Sofia to finish her point on Tuesday.").wait_for()

    # the short re-check, answered as a consistent man at Energised, and his movement
    page.get_by_role("link", name="Take the re-check").click()
    page.get_by_role("heading", name="A short re-check", level=1).wait_for()
    answer_page(page, SHORT_FORM, level=5)
    _check(page, "recheck-phone-en")
    page.get_by_role("button", name="See where I am now").click()
    page.get_by_role("heading", name="Your movement over time", level=1).wait_for()
    movement = page.locator(".movement").first.inner_text()
    assert movement.startswith("You have likely moved forward")
    assert "margin of error" in movement
    assert page.locator("ol.placements li").count() == 2
    _check(page, "progress-phone-en")

    # the same journey in Arabic, right to left
    page.goto(f"{live_server.url}/r/{receipt}/journey/?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    page.get_by_role("heading", name="مسارك الخاص", level=1).wait_for()
    assert "Ask Sofia to finish her point on Tuesday." in page.locator(".commitments").inner_text()
    _check(page, "home-phone-ar")
    page.goto(f"{live_server.url}/r/{receipt}/journey/progress/?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _check(page, "progress-phone-ar")
    assert csp_errors == []
    context.close()


def test_hr_adds_an_own_item_in_the_console_and_a_man_reads_it_on_his_phone(
    live_server, browser, submitted, alice
):
    receipt = submitted(employee="S002", level=2, language="fr")
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    csp_errors: list[str] = []
    desk.on("console", lambda msg: "Content Security Policy" in msg.text and csp_errors.append(msg.text))
    console_sign_in(desk, live_server.url, "alice", PASSWORD)
    desk.goto(f"{live_server.url}/console/acme/")
    with desk.expect_navigation():
        desk.get_by_role("link", name="Journey library").click()

    # a conversation with too few questions: refused, the reason under its field
    desk.get_by_label("Written in").select_option("fr")
    desk.get_by_label("Kind of item").select_option("dialogue")
    desk.get_by_label("Written mainly for").select_option("2")
    desk.get_by_label("Title").fill("Parler du congé paternité")
    desk.get_by_label("One-line summary").fill("Trois questions à se poser avant d'en parler en équipe.")
    desk.get_by_label("Text", exact=True).fill(
        "Beaucoup de pères hésitent à prendre tout leur congé. Ces questions aident à en parler sans gêne."
    )
    desk.get_by_label("Questions to talk through (conversation prompts only)").fill(
        "Qu'est-ce qui vous retient ?"
    )
    with desk.expect_navigation():
        desk.get_by_role("button", name="Add the item").click()
    # under the field, and (a link to it) in the error summary that takes the focus
    assert desk.get_by_text("The questions must list at least 3 texts", exact=True).is_visible()
    assert desk.locator("#error-summary a[href='#id_prompts']").is_visible()
    assert serious_violations(desk) == []
    desk.get_by_label("Questions to talk through (conversation prompts only)").fill(
        "Qu'est-ce qui vous retient ?\nQui, autour de vous, l'a pris ?\nQue diriez-vous à un collègue qui hésite ?"
    )
    with desk.expect_navigation():
        desk.get_by_role("button", name="Add the item").click()
    assert desk.get_by_text("Item added: men of your organisation").is_visible()
    assert desk.get_by_role("link", name="Parler du congé paternité").is_visible()
    assert serious_violations(desk) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    desk.screenshot(path=str(SHOTS / "console-journey-library.png"), full_page=True)

    phone = browser.new_context(viewport=PHONE, device_scale_factor=1).new_page()
    phone.goto(f"{live_server.url}/r/{receipt}/journey/?lang=fr")
    own = phone.locator("#own-h ~ ul")
    assert "De la part de" in phone.locator("#own-h").inner_text()
    own.get_by_role("link", name="Parler du congé paternité").click()
    phone.get_by_role("heading", name="Parler du congé paternité", level=1).wait_for()
    assert phone.get_by_role("heading", name="Pistes").is_visible()
    assert "Rédigé par" in phone.locator(".notice").first.inner_text()
    _check(phone, "own-item-phone-fr")
    assert csp_errors == []
