"""The people import's confirmation and the removal of a member, in a real browser (Debian chromium via
Playwright) under the strict CSP: no script needed, nothing changes before the confirmation, and the
pages pass axe-core (no serious or critical violation)."""

from __future__ import annotations

import pytest

from allypath.web.orgs.models import Employee, Membership, Role
from browser_support import console_sign_in, serious_violations

from .conftest import PASSWORD, member

pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.django_db(transaction=True)]


def _page(browser):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    csp_errors: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp_errors.append(m.text))
    return page, csp_errors


def test_a_partial_people_file_is_imported_only_once_confirmed(live_server, browser, alice, acme, tmp_path):
    two = tmp_path / "two.csv"
    two.write_text("employee_id,unit,level,region\nS001,Sales/EMEA,Staff,EMEA\nNEW1,Legal,Staff,EMEA\n")
    page, csp_errors = _page(browser)
    console_sign_in(page, live_server.url, "alice", PASSWORD)
    page.goto(f"{live_server.url}/console/acme/import/")
    assert page.locator("#gender-column").is_visible()
    page.get_by_label("File").set_input_files(str(two))
    with page.expect_navigation():
        page.get_by_role("button", name="Check and import").click()
    assert page.locator("#import-question").inner_text() == (
        "This file adds 1 person, updates 1 and marks 24 people as no longer in the organisation. "
        "It also adds 1 new unit."
    )
    assert Employee.objects.filter(org=acme, active=True).count() == 25
    assert serious_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Import it").click()
    assert page.locator(".messages").get_by_text("Imported: 1 people added").is_visible()
    assert set(Employee.objects.filter(org=acme, active=True).values_list("employee_id", flat=True)) == {
        "S001",
        "NEW1",
    }
    assert csp_errors == []


def test_removing_a_member_needs_the_box_ticked(live_server, browser, alice, acme):
    bob = member("bob", acme, Role.VIEWER)
    page, csp_errors = _page(browser)
    console_sign_in(page, live_server.url, "alice", PASSWORD)
    page.goto(f"{live_server.url}/console/acme/people/{Membership.objects.get(org=acme, user=bob).pk}/")
    assert serious_violations(page) == []
    remove = page.get_by_role("button", name=f"Remove from {acme.name}")
    remove.click()  # the required box stops the form in the browser: nothing is sent
    page.wait_for_timeout(300)
    assert Membership.objects.filter(org=acme, user=bob).exists()
    page.get_by_label(f"Yes, remove bob from {acme.name}").check()
    with page.expect_navigation():
        remove.click()
    assert page.locator(".messages").get_by_text("Membership removed.").is_visible()
    assert not Membership.objects.filter(org=acme, user=bob).exists()
    assert csp_errors == []
