"""The summary that opens every dashboard page and the board report (issue 16, point 1): the same
words for one selection on every page, whoever views and in whatever order, in en/fr/ar, naming no
hidden group; the board report opens with the same summary."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from .test_board import pdf_text

pytestmark = [pytest.mark.db, pytest.mark.django_db]

BASE = "/console/northwind/dashboard/"
ONE_WAVE_PAGES = ("", "groups/", "heatmap/", "plan/", "comments/")
TWO_WAVE_PAGES = ("trends/", "transitions/")


def summary_of(page: str) -> str:
    """The summary section's text, without the language links (they point at the page itself)."""
    assert '<section class="summary"' in page, "no summary on the page"
    section = page.split('<section class="summary"', 1)[1].split("</section>", 1)[0]
    section = re.sub(r'<p class="soft summary-langs".*?</p>', "", section, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", section.split(">", 1)[1])
    return re.sub(r"[ \t\n]+", " ", html_lib.unescape(text)).strip()


def test_every_page_opens_with_the_same_summary_whoever_views_and_in_whatever_order(
    northwind, alice, bob, as_user
):
    later = {"wave": northwind.second.pk}
    pair = {"from_wave": northwind.first.pk, "to_wave": northwind.second.pk}
    seen: dict[tuple[str, str], str] = {}
    for who, user, order in (
        ("alice", alice, ONE_WAVE_PAGES + TWO_WAVE_PAGES),
        ("bob", bob, tuple(reversed(TWO_WAVE_PAGES + ONE_WAVE_PAGES))),
    ):
        client = as_user(user)
        for page in order:
            response = client.get(BASE + page, pair if page in TWO_WAVE_PAGES else later)
            assert response.status_code == 200, page
            seen[(who, page)] = summary_of(response.content.decode())
    first = next(iter(seen.values()))
    assert all(text == first for text in seen.values()), {k: v[:80] for k, v in seen.items() if v != first}
    # it answers: where the men are, what moved since the first wave, the three questions, what to do
    assert "men answered and were placed on the model" in first
    assert "What moved since 2026 Q1" in first
    for question in (
        "Do men feel safe to explore their biases and uncertainties?",
        "Are men offered ways to engage that acknowledge their own experience of gender norms?",
        "Is allyship supported, modelled and rewarded consistently?",
    ):
        assert question in first
    assert re.search(r"\? (Yes|Partly|No|Not known|Too close to call)\. ", first)
    assert "What to do first" in first


def test_a_scoped_analyst_reads_the_same_summary_as_an_admin_for_the_same_selection(
    northwind, alice, erin, as_user
):
    params = {"wave": northwind.first.pk, "unit": "Sales/EMEA"}
    admin = summary_of(as_user(alice).get(BASE + "heatmap/", params).content.decode())
    analyst = summary_of(as_user(erin).get(BASE, params).content.decode())
    assert admin == analyst
    everyone = summary_of(as_user(alice).get(BASE, {"wave": northwind.first.pk}).content.decode())
    assert everyone != admin  # the summary is of the selection, not of the organisation


def test_the_summary_names_no_hidden_group_and_a_refused_selection_has_none(northwind, bob, as_user):
    client = as_user(bob)
    groups = client.get(BASE + "groups/", {"wave": northwind.first.pk, "by": "unit"}).content.decode()
    assert "Tech" in groups and "fewer than 5 people" in groups  # Tech is hidden, and says why
    assert "Tech" not in summary_of(groups)
    refused = client.get(BASE, {"wave": northwind.first.pk, "unit": "Tech"})
    assert refused.status_code == 422 and '<section class="summary"' not in refused.content.decode()


def test_the_summary_reads_in_french_and_arabic_and_the_language_follows_the_tabs(northwind, bob, as_user):
    client = as_user(bob)
    french = client.get(BASE, {"wave": northwind.second.pk, "lang": "fr"}).content.decode()
    assert '<section class="summary" id="summary" lang="fr" dir="ltr"' in french
    text = summary_of(french)
    assert text.startswith("En résumé Où en sont les hommes")
    assert "Ce qui a changé depuis 2026 Q1" in text and re.search(r"\d\u00a0%", text)
    assert re.search(r"\d,\d sur 5", text) and " of 5" not in text
    assert re.search(r"(Oui|En partie|Non|Inconnu|Trop serré pour trancher)\. ", text)
    # the tabs and the filter form keep the language; the figures are those of the English summary
    assert f"heatmap/?wave={northwind.second.pk}&amp;lang=fr" in french
    assert '<input type="hidden" name="lang" value="fr">' in french
    english = summary_of(client.get(BASE, {"wave": northwind.second.pk}).content.decode())
    numbers = re.compile(r"\d+")
    assert numbers.findall(text) == numbers.findall(english)
    arabic = client.get(BASE + "groups/", {"wave": northwind.second.pk, "lang": "ar"}).content.decode()
    assert 'lang="ar" dir="rtl"' in arabic and "الخلاصة" in summary_of(arabic)
    # an unknown language is English, never an error
    assert (
        summary_of(client.get(BASE, {"wave": northwind.second.pk, "lang": "xx"}).content.decode()) == english
    )


def test_the_board_report_opens_with_the_pages_summary_in_the_chosen_language(
    northwind, bob, as_user, tmp_path
):
    client = as_user(bob)
    params = {"wave": northwind.second.pk, "by": "unit"}
    page = summary_of(client.get(BASE, params).content.decode())
    report = client.get(BASE + "export.html", params).content.decode()
    assert (
        summary_of(
            report.replace('<section class="summary" aria-labelledby="summary"', '<section class="summary"')
        )
        == page
    )
    assert report.index('id="summary"') < report.index('id="overview"')
    # the group table answers by the same rule, in the same words
    table = report.split('id="diagnostics"', 1)[1].split("</table>", 1)[0]
    assert "Mostly" not in table and re.search(
        r"<td class=\"text\">(Yes|Partly|No|Too close to call)</td>", table
    )
    arabic = client.get(BASE + "export.html", {**params, "lang": "ar"}).content.decode()
    assert 'lang="ar" dir="rtl"' in arabic and "الخلاصة" in arabic
    pdf = tmp_path / "board.pdf"
    pdf.write_bytes(client.get(BASE + "export.pdf", params).content)
    text = pdf_text(pdf)
    assert "Summary" in text and "Where the men are" in text and "What to do first" in text
    assert "Do men feel safe to explore their biases and uncertainties?" in text
    assert not re.search(r"\b(unit|wave|org)=", text)
