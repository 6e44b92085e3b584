"""The wave pages of the HR console, as a reviewer used them: dates already past, a close or an undone
launch that cannot be taken back without a confirmation, and refusals in plain words."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from allypath.web.orgs.errors import WaveStateError
from allypath.web.orgs.invitations import export_links_csv, send_invitations, send_reminders
from allypath.web.orgs.models import InvitationToken, Wave, WaveStatus

pytestmark = [pytest.mark.db, pytest.mark.django_db]

CLOSE_BOX = "Close now: no one can answer after this, and unfinished drafts are deleted"


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def _said(response) -> str:
    """The message ``response`` (to a POST) left for the next page: the last one (those of earlier
    requests whose pages were not fetched come before it)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def _settings(**changes: object) -> dict[str, object]:
    return {
        "name": "Autumn",
        "audience": "men",
        "form": "full",
        "languages": ["en"],
        "privacy_mode": "anonymous",
        "k": 5,
        "k_text": 10,
        "opens_on": _days(1).isoformat(),
        "closes_on": _days(30).isoformat(),
        **changes,
    }


def _answer(client, wave, token, answers_for, instrument) -> None:
    body = {
        "token": token,
        "submission_id": str(uuid.uuid4()),
        "answers": answers_for(instrument.form("short")),
        "language": "en",
    }
    r = client.post("/api/v1/responses", json.dumps(body), content_type="application/json")
    assert r.status_code == 201


# -- 1. a wave whose closing day has passed ------------------------------------------------------------


def test_a_closing_day_already_past_is_refused_when_a_wave_is_created_or_edited(client, login, alice, acme):
    login(alice)
    past = {"opens_on": _days(-60).isoformat(), "closes_on": _days(-30).isoformat()}
    r = client.post(f"/console/{acme.slug}/waves/new/", _settings(**past))
    assert r.status_code == 200 and not Wave.objects.filter(name="Autumn").exists()
    assert r.context["form"].errors["closes_on"] == [
        f"“Closes on” ({_days(-30).day} {_days(-30):%B %Y}) has already passed, so nobody could answer: "
        "choose today or a later day."
    ]
    client.post(f"/console/{acme.slug}/waves/new/", _settings())
    wave = Wave.objects.get(name="Autumn")
    r = client.post(f"/console/{acme.slug}/waves/{wave.pk}/edit/", _settings(name="Edited", **past))
    assert r.status_code == 200 and "“Closes on”" in r.context["form"].errors["closes_on"][0]
    wave.refresh_from_db()
    assert wave.name == "Autumn" and wave.closes_on == _days(30)


def test_a_draft_whose_closing_day_has_passed_cannot_be_launched(client, login, alice, acme, make_wave):
    wave = make_wave(acme, launch=False, opens_on=_days(-60), closes_on=_days(-30))  # saved before it passed
    login(alice)
    url = f"/console/{acme.slug}/waves/{wave.pk}/launch/"
    page = client.get(url).content.decode()
    assert "This wave cannot be launched: “Closes on”" in page and "has already passed" in page
    assert "Launch and invite" not in page
    r = client.post(url, {"confirm_count": "25"})
    assert "Not done: “Closes on”" in _said(r)
    wave.refresh_from_db()
    assert wave.status == WaveStatus.DRAFT and not wave.invitations.exists()


def test_an_ended_wave_sends_no_invitations_reminders_or_links(
    client, login, alice, acme, make_wave, issue_tokens, mailoutbox
):
    wave = make_wave(acme)
    issue_tokens(wave)  # some had links while it was open; the others were never invited
    wave.invitations.filter(employee__employee_id__startswith="S").first().tokens.all().delete()
    Wave.objects.filter(pk=wave.pk).update(opens_on=_days(-60), closes_on=_days(-30))
    wave.refresh_from_db()
    tokens = InvitationToken.objects.count()

    for service in (send_invitations, send_reminders, export_links_csv):
        with pytest.raises(WaveStateError, match="has ended"):
            service(wave)
    login(alice)
    base = f"/console/{acme.slug}/waves/{wave.pk}"
    for action in ("invite", "remind"):
        said = _said(client.post(f"{base}/action/", {"action": action}))
        assert (
            said.startswith("Not done: this wave has ended: its closing day")
            and "wave " + str(wave.pk) not in said
        )
    r = client.post(f"{base}/links.csv", {"confirm": "yes"})
    assert r.status_code == 302 and "this wave has ended" in _said(r)
    assert mailoutbox == [] and InvitationToken.objects.count() == tokens

    page = client.get(f"{base}/").content.decode()
    for button in ("E-mail invitations", "E-mail reminders", "Download new personal links"):
        assert button not in page
    assert "Close the wave" in page and "no invitations, reminders or links are sent" in page
    assert "Edit the e-mails" not in page
    # nor does its e-mail editing page open from its address, or save
    for response in (client.get(f"{base}/emails/"), client.post(f"{base}/emails/", {"action": "save"})):
        assert response.status_code == 302 and _said(response) == "Not done: this wave sends no more e-mails."
    wave.refresh_from_db()
    assert wave.emails == {}


def test_an_open_wave_still_offers_invitations_reminders_and_links(client, login, alice, acme, make_wave):
    wave = make_wave(acme)
    login(alice)
    page = client.get(f"/console/{acme.slug}/waves/{wave.pk}/").content.decode()
    for button in ("E-mail invitations", "E-mail reminders", "Download new personal links"):
        assert button in page


# -- 2. closing asks for a confirmation, checked by the server too ----------------------------------------


def test_closing_needs_its_confirmation_box_ticked(client, login, alice, acme, make_wave, issue_tokens):
    wave = make_wave(acme)
    client.post(f"/s/{issue_tokens(wave)['S001']}/", {"language": "en"})  # an unfinished draft
    login(alice)
    base = f"/console/{acme.slug}/waves/{wave.pk}"
    page = client.get(f"{base}/").content.decode()
    box = re.search(r'<label><input type="checkbox" name="confirm" value="yes" required> ([^<]+)</label>\s*'
                    r'<button type="submit" name="action" value="close"', page)  # fmt: skip
    assert box and box.group(1) == CLOSE_BOX
    r = client.post(f"{base}/action/", {"action": "close"})
    assert _said(r).startswith("Not done: tick the box to confirm that the wave closes now")
    wave.refresh_from_db()
    assert wave.status == WaveStatus.OPEN and wave.drafts.count() == 1
    r = client.post(f"{base}/action/", {"action": "close", "confirm": "yes"})
    assert "Wave closed" in _said(r)
    wave.refresh_from_db()
    assert wave.status == WaveStatus.CLOSED and wave.drafts.count() == 0


# -- 3. a launch can be undone from the wave's page until the first link goes out (test_undo_launch.py) ---


def test_the_wave_page_undoes_a_launch_no_link_went_out_for_after_a_confirmation(
    client, login, alice, acme, make_wave, issue_tokens, answers_for, instrument
):
    wave = make_wave(acme)
    login(alice)
    base = f"/console/{acme.slug}/waves/{wave.pk}"
    page = client.get(f"{base}/").content.decode()
    assert 'value="revert"' in page and "Undo the launch" in page
    assert "the wave becomes a draft again and nobody is invited" in page
    r = client.post(f"{base}/action/", {"action": "revert"})
    assert _said(r).startswith("Not done: tick the box to confirm that the launch is undone")
    wave.refresh_from_db()
    assert wave.status == WaveStatus.OPEN
    r = client.post(f"{base}/action/", {"action": "revert", "confirm": "yes"})
    assert "the wave is a draft again and nobody is invited" in _said(r)
    wave.refresh_from_db()
    assert wave.status == WaveStatus.DRAFT

    answered = make_wave(acme, name="Answered")
    url = f"/console/{acme.slug}/waves/{answered.pk}/"
    token = issue_tokens(answered)["S001"]  # links out: no undo offered from here on
    client.get(url)  # shows, and so clears, the messages of the first wave's actions
    before = client.get(url).content.decode()
    _answer(client, answered, token, answers_for, instrument)
    after = client.get(url).content.decode()
    # The page does not change when the first man answers (a review: offering the undo only while
    # nobody had answered told HR the moment he did); the undo is refused, and changes nothing.
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub("", before) == csrf.sub("", after)
    assert 'value="revert"' not in after and "its launch can no longer be undone" in after
    r = client.post(f"{url}action/", {"action": "revert", "confirm": "yes"})
    assert "its launch can no longer be undone" in _said(r)
    answered.refresh_from_db()
    assert answered.status == WaveStatus.OPEN


# -- 4. the wave form: one plain message per problem, naming the field by its label -----------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"k": 2}, "k", "“Smallest group shown” must be at least 3."),
        ({"k_text": 2}, "k_text", "“Smallest group whose comments are shown” must be at least 3."),
        (
            {"k_text": 4},
            "k_text",
            "“Smallest group whose comments are shown” cannot be smaller than “Smallest group shown” (5).",
        ),
        ({"languages": []}, "languages", "Choose at least one language."),
        (
            {"opens_on": _days(40).isoformat()},
            "closes_on",
            "“Closes on” must be on or after “Opens on”.",
        ),
    ],
)
def test_the_wave_form_says_each_problem_once_in_plain_words(
    client, login, alice, acme, changes, field, message
):
    login(alice)
    r = client.post(f"/console/{acme.slug}/waves/new/", _settings(**changes))
    assert r.status_code == 200 and not Wave.objects.filter(name="Autumn").exists()
    assert dict(r.context["form"].errors) == {field: [message]}


def test_a_refused_k_leaves_no_message_about_comments_judged_by_the_old_k(client, login, alice, acme):
    login(alice)
    r = client.post(f"/console/{acme.slug}/waves/new/", _settings(k="five", k_text=4))
    assert list(r.context["form"].errors) == ["k"]


# -- 5. refusals name the wave in words, not by its database id --------------------------------------------


def test_a_refused_close_or_undo_does_not_name_the_wave_by_its_id(
    client, login, alice, acme, make_wave, issue_tokens, answers_for, instrument
):
    wave = make_wave(acme)
    _answer(client, wave, issue_tokens(wave)["S001"], answers_for, instrument)
    login(alice)
    url = f"/console/{acme.slug}/waves/{wave.pk}/action/"
    said = _said(client.post(url, {"action": "revert", "confirm": "yes"}))
    assert said == (
        "Not done: personal links to this wave have gone out (invitations e-mailed or links downloaded): "
        "its launch can no longer be undone; close the wave to end it"
    )
    client.post(url, {"action": "close", "confirm": "yes"})
    said = _said(client.post(url, {"action": "close", "confirm": "yes"}))
    assert said == "Not done: this wave is already closed: only an open wave can be closed"
    assert f"wave {wave.pk}" not in said
