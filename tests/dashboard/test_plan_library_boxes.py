"""An adopted plan item's library items are a group of boxes, not a multiple select (which needs Ctrl
to keep a choice, loses every other with one plain click, and reads poorly on phones and to screen
readers): one box per library item, labelled with its title, in a fieldset whose legend says which
plan item they are for. The same choices, stored values and refusals as before."""

from __future__ import annotations

import html as html_text
import re

import pytest

from allypath.reports.labels import INTERVENTION_LABELS
from allypath.web.plans.models import AdoptedItem, library_titles

from .test_dashboard_pages import BASE, adopt, first_proposal

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def item(northwind, alice, as_user) -> AdoptedItem:
    client = as_user(alice)
    assert adopt(client, northwind, intervention=first_proposal(client, northwind)).status_code == 302
    return AdoptedItem.objects.get(wave=northwind.first)


def _form(client, northwind, item: AdoptedItem) -> str:
    page = client.get(BASE + "plan/", {"wave": northwind.first.pk}).content.decode()
    start = page.index(f'action="/console/northwind/dashboard/plan/{item.pk}/')
    return page[start : page.index("</form>", start)]


def _boxes(form: str, item: AdoptedItem) -> list[tuple[str, bool, str]]:
    """(value, ticked, visible label) of each library box of the item's form, in page order."""
    found = re.findall(
        rf'<label for="(id_i{item.pk}-library_items_\d+)"><input type="checkbox" '
        rf'name="i{item.pk}-library_items" value="([^"]+)"([^>]*)>\s*(.*?)'
        r'<span class="visually-hidden">[^<]*</span></label>',
        form,
    )
    assert all(re.search(rf'id="{box_id}"', form) for box_id, *_ in found)  # each label is its box's
    return [
        (value, " checked" in attrs, html_text.unescape(label).strip()) for _, value, attrs, label in found
    ]


def test_each_library_item_is_a_box_labelled_with_its_title_in_a_group_named_for_the_plan_item(
    northwind, alice, as_user, item
):
    form = _form(as_user(alice), northwind, item)
    assert "<select" not in form.split("Library items", 1)[1].split("</fieldset>", 1)[0]
    what = f"{INTERVENTION_LABELS[item.intervention]}, {item.group}"
    group = re.search(r"<fieldset[^>]*>\s*<legend>(.*?)</legend>(.*?)</fieldset>", form, re.S)
    assert group is not None
    assert html_text.unescape(group.group(1)) == f'Library items<span class="visually-hidden">: {what}</span>'
    titles = library_titles(northwind.org.pk)
    assert _boxes(group.group(2), item) == [(key, False, title) for key, title in titles.items()]
    # each box names its plan item too, in words the page does not show (as the form's other fields)
    hidden = re.findall(r'<span class="visually-hidden">([^<]*)</span></label>', group.group(2))
    assert [html_text.unescape(h) for h in hidden] == [f": {what}"] * len(titles)


def test_ticking_two_stores_both_and_unticking_one_removes_it(northwind, alice, as_user, item):
    client = as_user(alice)
    first, second = list(library_titles(northwind.org.pk))[:2]
    url = BASE + f"plan/{item.pk}/?wave={northwind.first.pk}"
    name = f"i{item.pk}-library_items"
    saved = client.post(url, {f"i{item.pk}-status": "adopted", name: [first, second]})
    assert saved.status_code == 302
    item.refresh_from_db()
    assert item.library_items == [first, second]
    ticked = [value for value, on, _ in _boxes(_form(client, northwind, item), item) if on]
    assert ticked == [first, second]

    assert client.post(url, {f"i{item.pk}-status": "adopted", name: [second]}).status_code == 302
    item.refresh_from_db()
    assert item.library_items == [second]
    ticked = [value for value, on, _ in _boxes(_form(client, northwind, item), item) if on]
    assert ticked == [second]


def test_a_refused_library_item_is_named_under_the_group_that_points_to_it(northwind, alice, as_user, item):
    client = as_user(alice)
    url = BASE + f"plan/{item.pk}/?wave={northwind.first.pk}"
    refused = client.post(url, {f"i{item.pk}-status": "adopted", f"i{item.pk}-library_items": ["no_such"]})
    page = client.get(refused["Location"]).content.decode()
    start = page.index(f'action="/console/northwind/dashboard/plan/{item.pk}/')
    form = page[start : page.index("</form>", start)]
    group = re.search(r"<fieldset([^>]*)>(.*?)</fieldset>", form, re.S)
    assert group is not None
    error_id = f"id_i{item.pk}-library_items_error"
    assert f'aria-describedby="{error_id}"' in group.group(1)
    assert re.search(rf'id="{error_id}"[^>]*>\s*<li>no_such is not in the content library', group.group(2))
