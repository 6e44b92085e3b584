"""A plan item followed in a real browser (Debian chromium via Playwright), as the review did: a refused
change comes back as typed on the same breakdown with its reason by the field's label, and Remove does
nothing until its confirmation box is ticked (no script: the site's policy allows none). Every field
and button of the plan page's many forms names the item it belongs to, for a screen reader."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from allypath.web.plans.models import AdoptedItem, library_titles
from browser_support import console_sign_in, control_names, launched_chromium, serious_violations

from .conftest import PASSWORD
from .test_dashboard_pages import BASE, adopt, first_proposal, proposals

pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser() -> Iterator[Any]:
    with launched_chromium() as chromium:
        yield chromium


def test_a_refused_change_stays_as_typed_and_remove_asks_first(live_server, northwind, alice, browser):
    client = Client()
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    assert (
        adopt(client, northwind, intervention=first_proposal(client, northwind), owner="Jane HR").status_code
        == 302
    )
    item = AdoptedItem.objects.get(wave=northwind.first)
    page = browser.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    console_sign_in(page, live_server.url, "alice", PASSWORD)
    page.goto(f"{live_server.url}{BASE}plan/?wave={northwind.first.pk}&by=unit")
    # the adopted item's fields and reason fit the page: it does not scroll sideways (as a table, the
    # fields made it 1,858 px wide in a 1,152 px column and the reason ran on one line)
    for width in (1280, 400):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        reason = page.locator("li.adopted-item > p.interval").first.bounding_box()
        assert reason is not None and reason["x"] + reason["width"] <= width
    assert reason["height"] > 40  # at 400 px the sentence takes several lines

    row = page.locator("form.item-form")
    row.locator(f'[name="i{item.pk}-owner"]').fill("")
    row.locator(f'[name="i{item.pk}-status"]').select_option("in_progress")
    row.locator(f'[name="i{item.pk}-through_circles"]').check()  # the organisation has none set up: refused
    with page.expect_navigation():
        row.get_by_role("button", name="Save").click()
    assert "by=unit" in page.url
    # the focus is on the row's "Not saved" line, by the fields to fix (a screen reader reads it first)
    assert page.evaluate("document.activeElement.textContent").startswith("Not saved")
    assert page.title().startswith("Error:")  # as a refused console form's title
    said = page.locator("ul.messages").inner_text()
    assert "Not saved" in said and "Through the ally circles: this organisation has no ally circles" in said
    row = page.locator("form.item-form")
    assert row.locator(f'[name="i{item.pk}-owner"]').input_value() == ""
    assert row.locator(f'[name="i{item.pk}-status"]').input_value() == "in_progress"
    assert row.locator(f'[name="i{item.pk}-through_circles"]').is_checked()
    item.refresh_from_db()
    assert (item.owner, item.status, item.circle_plan_id) == ("Jane HR", "adopted", None)
    assert serious_violations(page) == []  # the reasons under their fields, the fields labelled

    page.locator("details.item-remove summary").click()
    page.get_by_role("button", name="Remove").click()  # unticked: the browser does not send it
    page.wait_for_timeout(300)
    assert AdoptedItem.objects.filter(pk=item.pk).exists()
    page.get_by_label("Yes, remove it from the plan").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Remove").click()
    assert "Removed from the plan" in page.locator("ul.messages").inner_text() and "by=unit" in page.url
    assert not AdoptedItem.objects.filter(pk=item.pk).exists()
    assert blocked == []
    page.close()


def test_each_plan_items_fields_say_which_item_they_belong_to(live_server, northwind, alice, browser):
    """A screen reader's list of form fields (or a voice command "click Owner") met "Owner", "Due date",
    "Adopt" once per proposal and "Owner", "Save"... once per adopted item: each now names its item, in
    words the page does not show (what sighted people see stays "Owner")."""
    client = Client()
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    for group, intervention in proposals(client, northwind)[:2]:
        assert adopt(client, northwind, group=group, intervention=intervention).status_code == 302
    page = browser.new_page()
    console_sign_in(page, live_server.url, "alice", PASSWORD)
    page.goto(f"{live_server.url}{BASE}plan/?wave={northwind.first.pk}&by=unit")
    page.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
    assert page.locator("form.item-form").count() == 2 and page.locator("form.adopt-form").count() >= 2
    names = control_names(page)
    repeated = sorted({n for n in names if names.count(n) > 1})
    assert repeated == []
    for start in ("Owner", "Due date", "Adopt", "Save", "Status", "Remove"):  # each with its item's name
        assert any(re.match(f"{start} ?: .+, Ops", name) for _, name in names), start
    first = page.locator("form.adopt-form").first
    label = first.locator("label").first
    assert (
        label.evaluate(
            "l => [...l.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('')"
        ).strip()
        == "Owner"
    )
    assert first.locator("input[name=owner]").evaluate("i => i.labels[0].textContent").startswith("Owner: ")
    assert serious_violations(page) == []
    page.close()


#: Whether the focused element lies within the scrolling box around it (the keyboard scrolled to it).
_FOCUS_IN_VIEW = """() => {
  const box = document.activeElement, group = box.closest('.library-boxes');
  const a = box.getBoundingClientRect(), b = group.getBoundingClientRect();
  return a.top >= b.top && a.bottom <= b.bottom;
}"""


def test_the_library_items_are_boxes_ticked_with_the_keyboard_alone(live_server, northwind, alice, browser):
    """The multiple select needed Ctrl to keep a choice and lost the others with one plain click: each
    library item is now a box in a group named for the plan item, reached with Tab and ticked with
    the space bar, in a list that scrolls by itself to the box the keyboard is on."""
    client = Client()
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    assert adopt(client, northwind, intervention=first_proposal(client, northwind)).status_code == 302
    item = AdoptedItem.objects.get(wave=northwind.first)
    titles = list(library_titles(northwind.org.pk).items())
    page = browser.new_page()
    console_sign_in(page, live_server.url, "alice", PASSWORD)
    page.goto(f"{live_server.url}{BASE}plan/?wave={northwind.first.pk}")
    form = page.locator("form.item-form")
    group = form.get_by_role("group", name=re.compile(r"^Library items ?: .+, Ops"))
    assert group.get_by_role("checkbox").count() == len(titles)
    first = group.get_by_role("checkbox", name=re.compile(f"^{re.escape(titles[0][1])} ?: .+, Ops"))
    assert first.get_attribute("value") == titles[0][0]

    form.locator(f'[name="i{item.pk}-status"]').focus()
    page.keyboard.press("Tab")  # the field after Status is the first box
    assert page.evaluate("document.activeElement.value") == titles[0][0]
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the third; the second left as it was
    assert page.evaluate("document.activeElement.value") == titles[2][0]
    for _ in range(len(titles) - 3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == titles[-1][0]
    assert page.evaluate(_FOCUS_IN_VIEW)  # the list scrolled to the last box
    assert group.evaluate("g => { const b = g.querySelector('.library-boxes'); return b.scrollTop > 0 }")
    while not page.evaluate("document.activeElement.textContent").startswith("Save"):
        page.keyboard.press("Tab")  # past "Through the ally circles"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    item.refresh_from_db()
    assert item.library_items == [titles[0][0], titles[2][0]]
    group = page.locator("form.item-form").get_by_role("group", name=re.compile(r"^Library items ?: "))
    ticked = group.locator("input:checked")
    assert [ticked.nth(n).get_attribute("value") for n in range(ticked.count())] == [
        titles[0][0],
        titles[2][0],
    ]

    group.get_by_role("checkbox").first.focus()
    page.keyboard.press("Space")  # unticked
    with page.expect_navigation():
        page.locator("form.item-form").get_by_role("button", name=re.compile("^Save")).press("Enter")
    item.refresh_from_db()
    assert item.library_items == [titles[2][0]]
    assert serious_violations(page) == []
    page.close()
