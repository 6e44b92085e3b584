"""Following an adopted plan item (a review in a real browser): a refused change comes back as it was
typed, with the reason under the field's label (never its key, "due"), on the plan page it was sent from
(its breakdown kept); Remove asks for a ticked confirmation, checked on the server too."""

from __future__ import annotations

import html as html_text
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from allypath.web.plans.models import AdoptedItem

from .test_dashboard_pages import BASE, adopt, first_proposal

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def item(northwind, alice, as_user) -> AdoptedItem:
    client = as_user(alice)
    intervention = first_proposal(client, northwind)
    assert (
        adopt(client, northwind, intervention=intervention, owner="Jane HR", due="2027-01-15").status_code
        == 302
    )
    return AdoptedItem.objects.get(wave=northwind.first)


def _page(client, response) -> str:
    assert response.status_code == 302, response.status_code
    return html_text.unescape(client.get(response["Location"]).content.decode())


def _item_form(page: str, item: AdoptedItem) -> str:
    start = page.index(f'action="/console/northwind/dashboard/plan/{item.pk}/')
    return page[start : page.index("</form>", start)]


TYPED = {"owner": "", "due": "2027-02-30", "status": "in_progress"}


def _typed(item: AdoptedItem) -> dict[str, str]:
    return {f"i{item.pk}-{name}": value for name, value in TYPED.items()}


def test_a_refused_change_comes_back_as_typed_with_the_reason_named_by_its_label(
    northwind, alice, as_user, item
):
    client = as_user(alice)
    refused = client.post(BASE + f"plan/{item.pk}/?wave={northwind.first.pk}&by=unit", _typed(item))
    page = _page(client, refused)
    assert "Due date: enter a real date, e.g. 2027-02-28." in page
    assert "due:" not in page and "Enter a valid date" not in page
    form = _item_form(page, item)
    assert 'value="Jane HR"' not in form  # the owner cleared, as typed
    assert re.search(rf'name="i{item.pk}-due" value="2027-02-30"', form)
    assert re.search(r'<option value="in_progress" selected>', form)
    assert "enter a real date" in form  # the reason under its field too
    item.refresh_from_db()  # nothing of the refused change is kept
    assert (item.owner, item.due.isoformat(), item.status) == ("Jane HR", "2027-01-15", "adopted")
    # shown once: the next visit shows the item as stored
    again = _item_form(
        html_text.unescape(client.get(BASE + "plan/", {"wave": northwind.first.pk}).content.decode()), item
    )
    assert 'value="Jane HR"' in again and "enter a real date" not in again


def test_the_item_form_and_its_answer_keep_the_pages_breakdown(northwind, alice, as_user, item):
    client = as_user(alice)
    page = html_text.unescape(
        client.get(BASE + "plan/", {"wave": northwind.first.pk, "by": "unit"}).content.decode()
    )
    action = _item_form(page, item).split('"', 2)[1]
    assert parse_qs(urlsplit(action).query) == {"wave": [str(northwind.first.pk)], "by": ["unit"]}
    refused = client.post(action, _typed(item))
    assert parse_qs(urlsplit(refused["Location"]).query) == {
        "wave": [str(northwind.first.pk)],
        "by": ["unit"],
    }


def test_a_change_that_is_saved_goes_back_to_the_same_breakdown(northwind, alice, as_user, item):
    client = as_user(alice)
    url = BASE + f"plan/{item.pk}/?wave={northwind.first.pk}&by=level"
    saved = client.post(url, {f"i{item.pk}-owner": "Sam", f"i{item.pk}-status": "done"})
    assert parse_qs(urlsplit(saved["Location"]).query)["by"] == ["level"]
    assert "Plan item updated" in _page(client, saved)
    item.refresh_from_db()
    assert (item.owner, item.status) == ("Sam", "done")


def test_remove_needs_its_confirmation_ticked_even_without_the_browsers_check(
    northwind, alice, as_user, item
):
    client = as_user(alice)
    url = BASE + f"plan/{item.pk}/?wave={northwind.first.pk}"
    kept = client.post(url, {"action": "remove"})
    assert AdoptedItem.objects.filter(pk=item.pk).exists()
    said = _page(client, kept)
    assert (
        "Not removed:" in said and "is still in the plan" in said and "Yes, remove it from the plan" in said
    )
    # the box on the page (the browser asks for it too; no script: the site's policy allows none)
    assert re.search(r'<input type="checkbox" name="confirm_remove" value="yes" required>', said)
    removed = client.post(url, {"action": "remove", "confirm_remove": "yes"})
    assert not AdoptedItem.objects.filter(pk=item.pk).exists()
    assert "Removed from the plan" in _page(client, removed)
