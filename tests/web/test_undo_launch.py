"""Undoing a launch depends only on what HR knows: whether a personal link has gone out.

Refused only once someone had answered, the undo told an admin who invited one man (or handed out one
link) whether he had answered, and by pressing again, when: response rates hide groups under k, this
did not. Now the launch can be undone until the first invitation is e-mailed or the first links are
downloaded, and never after; the page says which, and why. Two waves alike in everything HR can see,
one answered and one not, give the same page, the same refusal and the same logs; no answer is lost.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from typing import Any

import pytest
from django.contrib.messages import get_messages

from allypath.web.audit.models import ChangeEvent
from allypath.web.orgs.errors import WaveStateError
from allypath.web.orgs.models import InvitationToken, Wave, WaveStatus
from allypath.web.survey.models import Response

pytestmark = [pytest.mark.db, pytest.mark.django_db]

#: The one refusal once links are out, whatever else is true of the wave (orgs.models.LAUNCH_KEPT).
LAUNCH_KEPT = (
    "personal links to this wave have gone out (invitations e-mailed or links downloaded): its launch "
    "can no longer be undone; close the wave to end it"
)
REFUSED = f"Not done: {LAUNCH_KEPT}"
UNDO_BUTTON = 'value="revert"'
WAVE_ID = re.compile(r"/waves/\d+/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
LINK = re.compile(r"/s/([^/\s]+)/")


def _said(response: Any) -> str:
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def _base(wave: Wave) -> str:
    return f"/console/{wave.org.slug}/waves/{wave.pk}"


def _page(client: Any, wave: Wave) -> str:
    """The wave page as HR sees it, without what differs between any two requests or waves (the CSRF
    token, the wave's id in its URLs), once the messages of earlier requests are shown (and so gone)."""
    client.get(f"{_base(wave)}/")
    r = client.get(f"{_base(wave)}/")
    assert r.status_code == 200
    return WAVE_ID.sub("/waves/N/", CSRF.sub("", r.content.decode()))


def _send_links(client: Any, wave: Wave, how: str, mailoutbox: list[Any]) -> list[str]:
    """Send the wave's links out as HR does (e-mailed from the page, or the links CSV downloaded) and
    return the tokens that went out."""
    if how == "emailed":
        before = len(mailoutbox)
        r = client.post(f"{_base(wave)}/action/", {"action": "invite"})
        assert "invitation e-mails sent" in _said(r)
        return [LINK.search(m.body).group(1) for m in mailoutbox[before:]]  # type: ignore[union-attr]
    r = client.post(f"{_base(wave)}/links.csv", {"confirm": "yes"})
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    return [LINK.search(row["link"]).group(1) for row in rows]  # type: ignore[union-attr]


def _answer(client: Any, token: str, answers_for: Any, instrument: Any) -> None:
    body = {
        "token": token,
        "submission_id": str(uuid.uuid4()),
        "answers": answers_for(instrument.form("short")),
        "language": "en",
    }
    r = client.post("/api/v1/responses", json.dumps(body), content_type="application/json")
    assert r.status_code == 201


def _undo(client: Any, wave: Wave) -> tuple[int, str, str]:
    """Press *Undo the launch* (box ticked): the status code, where it leads, and what it says."""
    r = client.post(f"{_base(wave)}/action/", {"action": "revert", "confirm": "yes"})
    return r.status_code, WAVE_ID.sub("/waves/N/", r["Location"]), _said(r)


def _changes(wave: Wave) -> list[tuple[str, str, str]]:
    events = ChangeEvent.objects.filter(org=wave.org, wave_name=wave.name).order_by("at", "id")
    return [(e.username, e.action, e.detail) for e in events]


# -- 1. the rule: undo until the first link goes out, never after ------------------------------------------


@pytest.mark.parametrize("how", ["emailed", "downloaded"])
def test_once_links_went_out_the_undo_is_neither_offered_nor_done_though_nobody_answered(
    client, login, alice, acme, make_wave, mailoutbox, how
):
    wave = make_wave(acme)
    login(alice)
    offered = _page(client, wave)
    assert UNDO_BUTTON in offered
    tokens = _send_links(client, wave, how, mailoutbox)
    assert tokens
    page = _page(client, wave)
    assert _undo(client, wave)[2] == REFUSED  # a request made without the page is refused the same
    wave.refresh_from_db()
    assert wave.status == WaveStatus.OPEN and wave.launched_on is not None
    assert InvitationToken.objects.filter(invitation__wave=wave).count() == len(tokens)
    assert "launch_undone" not in [action for _, action, _ in _changes(wave)]  # a refusal logs nothing
    assert UNDO_BUTTON not in page and "Undo the launch" not in page
    # the page says why, in both cases
    assert "the launch can still be undone" in offered
    assert "Personal links to this wave have gone out" in page and "close the wave" in page


def test_before_any_link_the_undo_is_offered_and_drops_the_invitations_for_a_new_launch(
    client, login, alice, acme, make_wave, mailoutbox
):
    wave = make_wave(acme, k=5)
    login(alice)
    assert wave.invitations.count() == 25
    page = _page(client, wave)
    assert UNDO_BUTTON in page
    status, _, said = _undo(client, wave)
    assert status == 302 and said.startswith("The launch was undone: the wave is a draft again")
    wave.refresh_from_db()
    assert wave.status == WaveStatus.DRAFT and wave.launched_on is None
    # Nobody held a link: the invitations go, so that a new launch invites the audience chosen then,
    # coarsened with the k chosen then (kept, they stayed coarsened for the old k, with the old people).
    assert not wave.invitations.exists()
    assert [action for _, action, _ in _changes(wave)][-1] == "launch_undone"
    wave.audience_units = ["Sales"]
    wave.k, wave.k_text = 7, 10
    wave.save()
    r = client.post(f"{_base(wave)}/launch/", {"confirm_count": "18"})
    assert r.status_code == 302, _said(r)
    assert wave.invitations.count() == 18 and not mailoutbox
    assert "No invitation has been e-mailed and no personal link downloaded" in page


# -- 2. HR cannot tell an answered wave from one nobody answered ---------------------------------------------


@pytest.mark.parametrize("how", ["emailed", "downloaded"])
def test_two_waves_alike_for_hr_give_the_same_page_and_undo_whether_or_not_someone_answered(
    client, login, alice, acme, make_wave, mailoutbox, answers_for, instrument, how
):
    quiet, answered = make_wave(acme), make_wave(acme)
    login(alice)
    _send_links(client, quiet, how, mailoutbox)
    token = _send_links(client, answered, how, mailoutbox)[0]
    before = _page(client, answered)
    _answer(client, token, answers_for, instrument)
    assert Response.objects.filter(wave=answered).count() == 1
    assert _page(client, answered) == before == _page(client, quiet)
    quiet_api, answered_api = (client.get(f"/api/v1/waves/{w.pk}").json() for w in (quiet, answered))
    assert {**quiet_api, "id": 0} == {**answered_api, "id": 0}
    # pressed again and again, the undo says the same of both, and changes nothing
    for _ in range(2):
        assert _undo(client, quiet) == _undo(client, answered) == (302, "/console/acme/waves/N/", REFUSED)
    assert _page(client, answered) == _page(client, quiet)
    assert _changes(quiet) == _changes(answered)
    for wave in (quiet, answered):
        wave.refresh_from_db()
        assert wave.status == WaveStatus.OPEN
    assert Response.objects.filter(wave=answered).count() == 1


def test_the_check_under_the_lock_refuses_in_the_same_words_and_keeps_the_answers(
    client, login, alice, acme, make_wave, mailoutbox, answers_for, instrument
):
    """An answer needs a link, so the answers' check never refuses in practice. Forced (the answered
    wave's tokens deleted behind the app's back), it refuses like the links' check: nothing is lost."""
    sent, forced = make_wave(acme), make_wave(acme)
    login(alice)
    _send_links(client, sent, "downloaded", mailoutbox)
    _answer(client, _send_links(client, forced, "downloaded", mailoutbox)[0], answers_for, instrument)
    InvitationToken.objects.filter(invitation__wave=forced).delete()
    with pytest.raises(WaveStateError) as by_links:
        Wave.objects.get(pk=sent.pk).revert_to_draft()
    with pytest.raises(WaveStateError) as by_answers:
        Wave.objects.get(pk=forced.pk).revert_to_draft()
    assert str(by_links.value) == str(by_answers.value) == LAUNCH_KEPT
    assert _undo(client, sent) == _undo(client, forced)
    forced.refresh_from_db()
    assert forced.status == WaveStatus.OPEN and forced.invitations.count() == 25
    assert Response.objects.filter(wave=forced).count() == 1
    for undo in (
        lambda: Wave.objects.filter(pk=forced.pk).update(status=WaveStatus.DRAFT),
        lambda: _as_draft(forced).save(),
    ):
        with pytest.raises(WaveStateError, match=re.escape(LAUNCH_KEPT)):
            undo()
    assert Wave.objects.get(pk=forced.pk).status == WaveStatus.OPEN


def _as_draft(wave: Wave) -> Wave:
    fresh = Wave.objects.get(pk=wave.pk)
    fresh.status = WaveStatus.DRAFT
    return fresh


def test_a_closed_wave_is_never_taken_back_to_draft_whether_or_not_someone_answered(
    client, login, alice, acme, make_wave, mailoutbox, answers_for, instrument
):
    quiet, answered = make_wave(acme), make_wave(acme)
    login(alice)
    _send_links(client, quiet, "emailed", mailoutbox)
    _answer(client, _send_links(client, answered, "emailed", mailoutbox)[0], answers_for, instrument)
    for wave in (quiet, answered):
        client.post(f"{_base(wave)}/action/", {"action": "close", "confirm": "yes"})
    said = "Not done: this wave is already closed: only an open wave's launch can be undone"
    assert _undo(client, quiet) == _undo(client, answered) == (302, "/console/acme/waves/N/", said)
    assert _page(client, answered) == _page(client, quiet)
    for wave in (quiet, answered):
        wave.refresh_from_db()
        assert wave.status == WaveStatus.CLOSED
    assert Response.objects.filter(wave=answered).count() == 1
