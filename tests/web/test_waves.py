"""Waves: settings frozen at launch, enforced in the model layer; a launch is irreversible once answered."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from allypath.web.orgs.errors import WaveFrozenError, WaveStateError
from allypath.web.orgs.models import Wave, WaveStatus

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("k", 10),
        ("k_text", 20),
        ("privacy_mode", "panel"),
        ("form", "full"),
        ("languages", ["en"]),
        ("instrument_version", "9.9.9"),
    ],
)
def test_a_launched_waves_privacy_and_instrument_settings_cannot_change(acme, make_wave, field, value):
    wave = make_wave(acme)
    setattr(wave, field, value)
    with pytest.raises(WaveFrozenError, match=field):
        wave.save()
    with pytest.raises(WaveFrozenError):
        Wave.objects.filter(pk=wave.pk).update(**{field: value})
    wave.refresh_from_db()
    assert getattr(wave, field) != value


def test_a_draft_can_still_change_its_settings(acme, make_wave):
    wave = make_wave(acme, launch=False)
    wave.k = 4
    wave.save()
    assert Wave.objects.get(pk=wave.pk).k == 4


def test_dates_and_name_of_a_launched_wave_may_move(acme, make_wave):
    wave = make_wave(acme)
    wave.name = "Spring pulse (extended)"
    wave.closes_on = wave.closes_on.replace(year=wave.closes_on.year + 1)
    wave.save()
    assert Wave.objects.get(pk=wave.pk).name.endswith("(extended)")


def test_k_below_three_is_refused(acme, make_wave):
    wave = make_wave(acme, launch=False)
    wave.k = 2
    with pytest.raises(ValidationError, match="below 3"):
        wave.full_clean()
    with pytest.raises(ValidationError):
        wave.launch()


def test_k_text_below_k_is_refused_by_the_model_and_the_database(acme, make_wave):
    wave = make_wave(acme, launch=False)
    wave.k_text = wave.k - 1
    with pytest.raises(ValidationError, match="k_text"):
        wave.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_wave(acme, launch=False, k=5, k_text=4)


def test_a_language_the_instrument_lacks_is_refused(acme, make_wave):
    wave = make_wave(acme, launch=False, languages=["en", "de"])
    with pytest.raises(ValidationError, match="de"):
        wave.full_clean()


def test_a_launch_without_responses_can_be_undone(acme, make_wave):
    wave = make_wave(acme)
    wave.revert_to_draft()
    assert Wave.objects.get(pk=wave.pk).status == WaveStatus.DRAFT


def test_a_launch_with_responses_is_irreversible(
    client, acme, make_wave, issue_tokens, answers_for, instrument
):
    wave = make_wave(acme)
    body = {
        "token": issue_tokens(wave)["S001"],
        "submission_id": str(uuid.uuid4()),
        "answers": answers_for(instrument.form("short")),
        "language": "en",
    }
    assert (
        client.post("/api/v1/responses", json.dumps(body), content_type="application/json").status_code == 201
    )
    with pytest.raises(WaveStateError):
        wave.revert_to_draft()
    wave.status = WaveStatus.DRAFT
    with pytest.raises(WaveStateError):
        wave.save()
    with pytest.raises(WaveStateError):
        Wave.objects.filter(pk=wave.pk).update(status=WaveStatus.DRAFT)
    with pytest.raises(ProtectedError):
        Wave.objects.filter(pk=wave.pk).delete()
    assert Wave.objects.get(pk=wave.pk).status == WaveStatus.OPEN


def test_a_panel_wave_needs_the_panel_secret(acme, make_wave, settings):
    settings.PANEL_SECRET = ""
    wave = make_wave(acme, launch=False, privacy_mode="panel")
    with pytest.raises(WaveStateError, match="ALLYPATH_PANEL_SECRET"):
        wave.launch()


def test_only_an_open_wave_can_be_closed_and_only_a_draft_launched(acme, make_wave):
    wave = make_wave(acme)
    with pytest.raises(WaveStateError):
        wave.launch()
    wave.close()
    with pytest.raises(WaveStateError):
        wave.close()


def test_closing_in_the_console_deletes_unfinished_drafts(
    client, login, alice, acme, make_wave, issue_tokens
):
    wave = make_wave(acme)
    token = issue_tokens(wave)["S001"]
    client.post(f"/s/{token}/", {"language": "en"})
    assert wave.drafts.count() == 1
    login(alice)
    client.post(f"/console/{acme.slug}/waves/{wave.pk}/action/", {"action": "close", "confirm": "yes"})
    assert wave.drafts.count() == 0


def test_the_console_creates_a_draft_then_launches_it_inviting_everyone(client, login, alice, acme):
    login(alice)
    r = client.post(
        f"/console/{acme.slug}/waves/new/",
        {
            "name": "Autumn",
            "audience": "men",
            "form": "full",
            "languages": ["en", "ar"],
            "privacy_mode": "anonymous",
            "k": 5,
            "k_text": 10,
            "opens_on": "2026-01-01",
            "closes_on": "2099-01-31",
        },
    )
    assert r.status_code == 302, r.content.decode()
    wave = Wave.objects.get(name="Autumn")
    assert wave.status == WaveStatus.DRAFT and wave.languages == ["en", "ar"]
    # the old one-click launch only leads to the confirmation page, which states the number first
    client.post(f"/console/{acme.slug}/waves/{wave.pk}/action/", {"action": "launch"})
    wave.refresh_from_db()
    assert wave.status == WaveStatus.DRAFT
    assert "invite 25 people" in client.get(f"/console/{acme.slug}/waves/{wave.pk}/launch/").content.decode()
    client.post(f"/console/{acme.slug}/waves/{wave.pk}/launch/", {"confirm_count": "25"})
    wave.refresh_from_db()
    assert wave.status == WaveStatus.OPEN
    assert wave.invitations.count() == 25
    # the edit page of a launched wave refuses
    r = client.post(f"/console/{acme.slug}/waves/{wave.pk}/edit/", {"name": "x", "k": 3})
    wave.refresh_from_db()
    assert wave.k == 5 and wave.name == "Autumn"


def test_the_console_refuses_k_below_three(client, login, alice, acme):
    login(alice)
    r = client.post(
        f"/console/{acme.slug}/waves/new/",
        {
            "name": "Tiny",
            "form": "full",
            "languages": ["en"],
            "privacy_mode": "anonymous",
            "k": 2,
            "k_text": 10,
            "opens_on": "2026-01-01",
            "closes_on": "2026-01-31",
        },
    )
    assert r.status_code == 200
    assert not Wave.objects.filter(name="Tiny").exists()


def test_closing_two_waves_in_one_transaction_keeps_their_responses(
    acme, make_wave, issue_tokens, answers_for, instrument, client
):
    """Closing scrambles the storage order (PostgreSQL): ids and contents stay, wave after wave."""
    from allypath.web.survey.models import Response

    waves = [make_wave(acme, name=name) for name in ("one", "two")]
    for wave in waves:
        for token in list(issue_tokens(wave).values())[:4]:
            body = {
                "token": token,
                "submission_id": str(uuid.uuid4()),
                "answers": answers_for(instrument.form("short")),
                "language": "en",
            }
            assert (
                client.post(
                    "/api/v1/responses", json.dumps(body), content_type="application/json"
                ).status_code
                == 201
            )
    before = {(str(r.pk), r.wave_id, r.body_hash) for r in Response.objects.all()}
    with transaction.atomic():
        for wave in waves:
            wave.close()
    assert {(str(r.pk), r.wave_id, r.body_hash) for r in Response.objects.all()} == before


def test_closing_a_wave_scrambles_its_responses_order_through_the_survey_app(acme, make_wave, monkeypatch):
    """The organisations app announces the close (it imports no other web app); the survey app scrambles."""
    from allypath.web.survey import storage

    scrambled = []
    monkeypatch.setattr(storage, "scramble_order", lambda wave: scrambled.append(wave.pk) or 0)
    wave = make_wave(acme)
    wave.close()
    assert scrambled == [wave.pk]


def test_the_wave_page_names_the_questionnaire_and_its_languages_as_people_read_them(
    client, login, alice, acme, make_wave
):
    """HR reads the questionnaire's title and the languages' names, not "allypath-core" and "en, ar"."""
    wave = make_wave(acme, languages=["en", "ar"], form="full", launch=False)
    login(alice)
    answer = client.get(f"/console/{acme.slug}/waves/{wave.pk}/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "“Gender equity at work: your perspective”, full survey (10 to 15 minutes), version 1.1.0" in page
    assert "<dd>English, العربية</dd>" in page
    assert "en, ar" not in page
