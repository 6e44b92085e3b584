"""The time a survey is said to take follows the wave's form (a review found a short pulse of 5 pages and
29 questions announced as "10 to 15 minutes" on its start page and in its invitation, in all three
languages). HR's own e-mail texts are sent as written."""

from __future__ import annotations

import html as html_text

import pytest

from allypath.web.orgs.durations import duration
from allypath.web.orgs.invitations import send_invitations
from allypath.web.orgs.models import Form as FormChoice

from .test_wave_setup import _email_post

pytestmark = [pytest.mark.db, pytest.mark.django_db]

SAID = {
    "short": {"en": "It takes about 5 minutes", "fr": "Elle prend environ 5 minutes", "ar": "يستغرق نحو 5 دقائق"},
    "full": {"en": "It takes 10 to 15 minutes", "fr": "Elle prend 10 à 15 minutes", "ar": "يستغرق من 10 إلى 15 دقيقة"},
}  # fmt: skip
MAILED = {
    "short": {"en": "(about 5 minutes)", "fr": "(environ 5 minutes)", "ar": "(نحو 5 دقائق)"},
    "full": {"en": "(10 to 15 minutes)", "fr": "(10 à 15 minutes)", "ar": "(من 10 إلى 15 دقيقة)"},
}
FULL_TIME = ("10 to 15", "10 à 15", "من 10 إلى 15")
#: One person of Acme per language (tests/web/conftest.py's ACME_PEOPLE).
READER = {"en": "s0@acme.test", "fr": "n0@acme.test", "ar": "a0@acme.test"}


@pytest.mark.parametrize("form", ["short", "full"])
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_start_page_says_how_long_the_waves_own_form_takes(
    client, acme, make_wave, issue_tokens, form, language
):
    wave = make_wave(acme, form=form)
    token = issue_tokens(wave)["S001"]
    page = html_text.unescape(client.get(f"/s/{token}/?lang={language}").content.decode())
    lead = page.split('<p class="lead">', 1)[1].split("</p>", 1)[0]
    assert SAID[form][language] in lead, lead
    if form == "short":
        assert not any(full in lead for full in FULL_TIME), lead
    assert "{" not in lead


@pytest.mark.parametrize("form", ["short", "full"])
def test_the_default_invitation_says_how_long_the_waves_own_form_takes_in_each_language(
    acme, make_wave, mailoutbox, form
):
    wave = make_wave(acme, form=form)
    send_invitations(wave)
    for language, address in READER.items():
        body = next(m for m in mailoutbox if m.to == [address]).body
        assert MAILED[form][language] in body, (language, body)
        assert "{" not in body
        if form == "short":
            assert not any(full in body for full in FULL_TIME), (language, body)


def test_an_invitation_hr_wrote_is_sent_as_written(acme, make_wave, mailoutbox):
    wave = make_wave(acme, form="short")
    own = "Hello, twenty minutes of your time please: {link}"
    wave.emails = {"invitation": {"en": {"body": own}}}
    wave.save(update_fields=["emails"])
    send_invitations(wave)
    english = next(m for m in mailoutbox if m.to == [READER["en"]]).body
    assert english.startswith("Hello, twenty minutes of your time please: http")
    assert "5 minutes" not in english
    french = next(m for m in mailoutbox if m.to == [READER["fr"]]).body
    assert MAILED["short"]["fr"] in french  # unedited: allypath's wording, with the pulse's time


def test_the_email_page_offers_the_duration_and_saving_it_unchanged_stores_no_edit(
    client, login, alice, acme, make_wave
):
    wave = make_wave(acme, form="short")
    login(alice)
    url = f"/console/{acme.slug}/waves/{wave.pk}/emails/"
    page = html_text.unescape(client.get(url).content.decode())
    assert "{duration}" in page and "how long the survey takes" in page
    data = _email_post(wave)  # the defaults as shown, saved unchanged
    client.post(url, data)
    wave.refresh_from_db()
    assert wave.emails == {}
    preview = html_text.unescape(client.post(url, data | {"action": "preview"}).content.decode())
    assert MAILED["short"]["ar"] in preview and "(10 to 15 minutes)" not in preview


@pytest.mark.parametrize("form", ["full", "short"])
def test_the_wave_forms_choice_says_the_time_the_pages_and_emails_say(form):
    """HR picks the form by the time it takes: the choice must promise what respondents are then told."""
    label = str(dict(FormChoice.choices)[form])
    assert f"({duration(form, 'en')})" in label
