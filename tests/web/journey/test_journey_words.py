"""The journey's words (review of the respondent's words): how sure a placement is says "chances in 100",
French puts a no-break space before a colon, and an item's format and reading time are in the page's
language even when the item is written in another."""

from __future__ import annotations

import html as html_text
import re

import pytest

from allypath.web.journey.models import OrgLibraryItem

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def text_of(response) -> str:
    return html_text.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", r"\(\d{2} chances in 100\)"),
        ("fr", r"\(\d{2} chances sur 100\)"),
        ("ar", r"\(\d{2} فرصة من أصل 100\)"),
    ],
)
def test_how_sure_a_placement_is_says_chances_in_100(client, submitted, language, words):
    receipt = submitted(level=4, language=language)
    page = text_of(client.get(f"/r/{receipt}/journey/?lang={language}"))
    assert re.search(words, page), page[page.find("<main") : page.find("<main") + 1500]
    assert not re.search(r"\(\d+ (in|sur|من) 100\)", page)
    assert "(100 " not in page


def test_the_french_journey_puts_a_no_break_space_before_each_colon(client, submitted):
    receipt = submitted(level=2, language="fr")
    page = text_of(client.get(f"/r/{receipt}/journey/?lang=fr"))
    assert "Pourquoi ceci\u00a0:</span>" in page and "Pourquoi ceci:" not in page
    assert re.search(r"\u00a0: (nous en sommes|c'est)", page)  # "Ambivalence : nous en sommes…"
    assert not re.search(r"\w: ", page[page.index("<main") :])
    english = text_of(client.get(f"/r/{receipt}/journey/?lang=en"))
    assert "Why this:</span>" in english


def test_an_english_item_on_a_french_page_has_its_format_and_time_in_french(
    login, client, acme, alice, submitted
):
    login(alice)
    r = client.post(
        f"/console/{acme.slug}/library/",
        {
            "language": "en",
            "format": "short",
            "home_stage": "1",
            "title": "Our parental leave, in one minute",
            "summary": "What our agreement says, in a minute.",
            "body": "Every parent here can take sixteen weeks of leave at full pay in the child's first year.",
            "do": "save",
        },
    )
    assert r.status_code == 303, r.content.decode()[:2000]
    item_id = OrgLibraryItem.objects.get().as_item().id
    client.logout()
    receipt = submitted(employee="S001", level=1, language="fr")
    page = text_of(client.get(f"/r/{receipt}/journey/read/{item_id}/?lang=fr"))
    assert "Lecture courte · 1 min de lecture" in page and "Short read" not in page
    assert 'lang="en"' in page and "Our parental leave, in one minute" in page  # the item stays English
    english = text_of(client.get(f"/r/{receipt}/journey/read/{item_id}/?lang=en"))
    assert "Short read · 1 min read" in english
