"""The action plan's follow-up (issue 17, point 5): an adopted item linked to library items and the ally
circles (refused with a reason naming what is wrong), and the follow-up page that compares adopted
groups with groups that adopted nothing, from the release, in plain words, with 'association, not
proof' always visible."""

from __future__ import annotations

import re

import pytest

from allypath.analytics import FollowUp
from allypath.web.console.dashboard_follow_up import in_words
from allypath.web.journey.models import CirclePlan, OrgLibraryItem
from allypath.web.plans.models import AdoptedItem, library_titles

from .test_dashboard_pages import BASE, adopt, first_proposal, main_of

PAGE = BASE + "follow-up/"
LIBRARY_ITEM = next(iter(library_titles()))


def _adopted(client, northwind) -> AdoptedItem:
    assert adopt(client, northwind, intervention=first_proposal(client, northwind)).status_code == 302
    return AdoptedItem.objects.get(wave=northwind.first)


def _post(client, item: AdoptedItem, **fields: object):
    data = {f"i{item.pk}-owner": "Sam", f"i{item.pk}-status": "in_progress"}
    data |= {f"i{item.pk}-{name}": value for name, value in fields.items()}
    return client.post(BASE + f"plan/{item.pk}/", data)


@pytest.mark.db
@pytest.mark.django_db
def test_an_unknown_library_item_or_circles_not_set_up_are_refused_naming_what_is_wrong(
    northwind, alice, as_user
):
    client = as_user(alice)
    item = _adopted(client, northwind)
    refused = _post(client, item, library_items=["no_such_item"])
    item.refresh_from_db()
    assert item.library_items == [] and item.owner == ""  # nothing of a refused form is kept
    assert "no_such_item is not in the content library" in client.get(refused["Location"]).content.decode()

    refused = _post(client, item, through_circles="on")  # the organisation has no circles yet
    item.refresh_from_db()
    assert item.circle_plan is None and item.owner == ""
    assert "no ally circles set up yet" in client.get(refused["Location"]).content.decode()

    plan = CirclePlan.objects.create(org=northwind.org)
    assert _post(client, item, library_items=[LIBRARY_ITEM], through_circles="on").status_code == 302
    item.refresh_from_db()
    assert item.library_items == [LIBRARY_ITEM] and item.circle_plan == plan
    html = main_of(client.get(BASE + "plan/", {"wave": northwind.first.pk}).content.decode())
    assert 'href="/console/northwind/dashboard/follow-up/' in html
    follow = main_of(client.get(PAGE, {"wave": northwind.first.pk}).content.decode())
    assert library_titles()[LIBRARY_ITEM] in follow and "Through the ally circles" in follow
    api = client.get("/api/v1/orgs/northwind/dashboard/plan", {"wave": northwind.first.pk}).json()
    (adopted,) = api["adopted"]
    assert adopted["library_items"] == [LIBRARY_ITEM] and adopted["through_circles"] is True

    assert _post(client, item, library_items=[LIBRARY_ITEM]).status_code == 302  # box unticked
    item.refresh_from_db()
    assert item.circle_plan is None


@pytest.mark.db
@pytest.mark.django_db
def test_an_organisations_own_library_item_can_be_linked_there_and_nowhere_else(
    northwind, alice, as_user, globex
):
    spec = {
        "format": "short",
        "stages": [2],
        "barriers": [],
        "contexts": [],
        "turning_points": [],
        "reading_minutes": 1,
        "title": {"en": "Our parental leave"},
        "summary": {"en": "What our policy says."},
        "body": {"en": "Every parent gets sixteen weeks, fully paid, with no effect on promotion."},
    }
    ours = OrgLibraryItem.objects.create(org=northwind.org, language="en", spec=spec, changed_by="alice")
    theirs = OrgLibraryItem.objects.create(org=globex, language="en", spec=spec, changed_by="x")
    client = as_user(alice)
    item = _adopted(client, northwind)
    refused = _post(client, item, library_items=[theirs.item_id])
    item.refresh_from_db()
    assert item.library_items == []
    assert (
        f"{theirs.item_id} is not in the content library" in client.get(refused["Location"]).content.decode()
    )
    assert _post(client, item, library_items=[ours.item_id]).status_code == 302
    item.refresh_from_db()
    assert item.library_items == [ours.item_id]
    follow = main_of(client.get(PAGE, {"wave": northwind.first.pk}).content.decode())
    assert "Our parental leave (Ambivalence), your own" in follow
    ours.delete()  # removed from the library later: said so, never shown as its internal id
    follow = main_of(client.get(PAGE, {"wave": northwind.first.pk}).content.decode())
    assert "an item no longer in the library" in follow and ours.item_id not in follow


@pytest.mark.db
@pytest.mark.django_db
def test_the_follow_up_page_compares_through_the_release_and_says_association_not_proof(
    northwind, alice, bob, as_user
):
    item = _adopted(as_user(alice), northwind)
    response = as_user(bob).get(PAGE, {"wave": northwind.first.pk})
    assert response.status_code == 200
    html = main_of(response.content.decode())
    assert "Association, not proof" in html and item.group in html
    lines = re.findall(r'<p class="follow-line">([^<]+)</p>', html)
    # Northwind's other units are not shown with their stage split on both waves: the page says there
    # is nothing to compare with rather than comparing with hidden figures
    assert lines == [
        "Nothing to compare with: no comparable group that adopted nothing is shown on both waves."
    ]
    french = main_of(as_user(bob).get(PAGE, {"wave": northwind.first.pk, "lang": "fr"}).content.decode())
    assert "Association, pas preuve" in french and "Rien à comparer" in french
    arabic = main_of(as_user(bob).get(PAGE, {"wave": northwind.first.pk, "lang": "ar"}).content.decode())
    assert "ارتباط وليس دليلًا" in arabic and 'dir="rtl"' in arabic


@pytest.mark.db
@pytest.mark.django_db
def test_before_the_next_wave_the_page_says_to_re_measure(northwind, alice, as_user):
    client = as_user(alice)
    _adopted(client, northwind)
    AdoptedItem.objects.update(wave=northwind.second)  # adopted on the latest wave: no later one
    html = main_of(client.get(PAGE, {"wave": northwind.second.pk}).content.decode())
    assert "Re-measure in a later wave" in html and "follow-line" not in html


def _compared(difference: float, low: float, high: float) -> FollowUp:
    verdict = "more" if low > 0 else "less" if high < 0 else "no_clear"
    return FollowUp("Ops", "ally_circles", verdict, "", 0.30, 0.30 - difference, difference, low, high, 3)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_in_words_no_effect_is_claimed_when_the_interval_includes_zero(language):
    clear = in_words(_compared(0.20, 0.05, 0.35), language)
    unclear = in_words(_compared(0.08, -0.03, 0.19), language)
    assert clear[1] != unclear[1] and clear[-1] == unclear[-1]  # the note is on both
    if language == "en":
        assert clear[1].startswith("This group moved more: about +20 points")
        assert unclear[1] == "No clear difference: about +8 points, could be anywhere from \u22123 to +19."
        assert unclear[-1].startswith("Association, not proof")


def test_in_words_a_hidden_group_gets_one_sentence_and_no_figure():
    hidden = FollowUp("Ops", "ally_circles", "not_shown", "", hidden=True)
    assert in_words(hidden) == ["Not shown: too few people."]
    assert not any(ch.isdigit() for ch in " ".join(in_words(hidden, "fr") + in_words(hidden, "ar")))


@pytest.mark.db
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("compared", "expected"),
    [
        (_compared(0.20, 0.05, 0.35), "This group moved more: about +20 points"),
        (_compared(0.08, -0.03, 0.19), "No clear difference: about +8 points"),
        (FollowUp("", "", "not_shown", "", hidden=True), "Not shown: too few people."),
    ],
)
def test_the_page_writes_each_verdict_on_the_adopted_groups_row(
    northwind, alice, as_user, monkeypatch, compared, expected
):
    """The page's rendering of a comparison (the verdicts themselves: tests/analytics/test_follow_up.py)."""
    from allypath.web.console import dashboard_follow_up

    client = as_user(alice)
    item = _adopted(client, northwind)
    given = FollowUp(item.group, item.intervention, *list(vars(compared).values())[2:])
    monkeypatch.setattr(dashboard_follow_up, "follow_up", lambda *args, **kwargs: [given])
    html = main_of(client.get(PAGE, {"wave": northwind.first.pk}).content.decode())
    lines = re.findall(r'<p class="follow-line">([^<]+)</p>', html)
    assert any(line.startswith(expected) for line in lines), lines
    if compared.verdict != "not_shown":
        assert lines[-1].startswith("Association, not proof")
    else:
        assert lines == [expected]
