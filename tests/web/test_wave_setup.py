"""Setting a wave up (issue 16, point 7): whom it invites, a launch that states the number first, e-mails
HR edits and previews, scheduled reminders, a survey preview, counts in the waves list and one status
vocabulary shared with respondents."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from allypath.errors import DataError
from allypath.io import read_hris
from allypath.web.orgs import invitations
from allypath.web.orgs.importing import import_hris
from allypath.web.orgs.invitations import AudienceError, create_invitations, send_due_reminders
from allypath.web.orgs.models import Employee, Organisation, Wave, WavePhase, WaveStatus
from allypath.web.survey.models import Draft, Response

pytestmark = [pytest.mark.db, pytest.mark.django_db]

GENDERED = [
    # employee_id, unit, level, region, email, language, gender
    *[(f"M{i:02d}", "Ops/North", "Staff", "EMEA", f"m{i}@x.test", "en", "man") for i in range(6)],
    *[(f"W{i:02d}", "Ops/North", "Staff", "EMEA", f"w{i}@x.test", "en", "woman") for i in range(5)],
    *[(f"P{i:02d}", "Ops/South", "Manager", "APAC", f"p{i}@x.test", "fr", "M") for i in range(4)],
    ("Q00", "Finance", "Staff", "EMEA", "q0@x.test", "en", ""),
]


def gendered_org(tmp_path: Path) -> Organisation:
    path = tmp_path / "gendered.csv"
    lines = ["employee_id,unit,level,region,email,language,gender"] + [",".join(p) for p in GENDERED]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    org = Organisation.objects.create(name="Gendered", slug="gendered")
    import_hris(org, path)
    return org


def admin_logged_in(tmp_path: Path, login, user) -> Organisation:
    """A new organisation of men and women (:func:`gendered_org`) with ``user`` its admin, logged in."""
    org = gendered_org(tmp_path)
    user.memberships.create(org=org, role="org_admin")
    login(user)
    return org


def draft_wave(org: Organisation, instrument, **settings) -> Wave:
    today = timezone.localdate()
    values = {
        "name": "Spring",
        "instrument_id": instrument.id,
        "instrument_version": instrument.version,
        "form": "short",
        "languages": ["en", "fr", "ar"],
        "k": 3,
        "k_text": 5,
        "opens_on": today - dt.timedelta(days=1),
        "closes_on": today + dt.timedelta(days=14),
    }
    values.update(settings)
    return Wave.objects.create(org=org, **values)


# -- the HRIS gender column ------------------------------------------------------------------------------


def test_the_hris_gender_column_is_optional_and_its_words_are_normalised(tmp_path):
    path = tmp_path / "org.csv"
    path.write_text(
        "employee_id,unit,level,region,Gender\n1,A,S,R,Male\n2,A,S,R,femme\n3,A,S,R,\n4,A,S,R,x\n",
        encoding="utf-8",
    )
    genders = read_hris(path).employees["gender"].tolist()
    assert genders[:2] == ["man", "woman"] and genders[3] == "another"
    assert genders[2] is None or genders[2] != genders[2]  # missing, not a word


def test_an_unknown_gender_word_names_its_row_and_column(tmp_path):
    path = tmp_path / "org.csv"
    path.write_text("employee_id,unit,level,region,gender\n1,A,S,R,man\n2,A,S,R,yes\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_hris(path)
    assert caught.value.row == 2 and caught.value.column == "gender"
    assert "'yes'" in str(caught.value)


# -- the audience ---------------------------------------------------------------------------------------


def test_by_default_a_wave_invites_the_people_recorded_as_men(tmp_path, instrument):
    org = gendered_org(tmp_path)
    wave = draft_wave(org, instrument)
    wave.launch()
    assert create_invitations(wave) == 10  # 6 + 4 men; not the 5 women nor the one with no gender
    invited = set(wave.invitations.values_list("employee__employee_id", flat=True))
    assert not any(e.startswith(("W", "Q")) for e in invited)


def test_everyone_invites_all_and_units_levels_regions_narrow_it(tmp_path, instrument):
    org = gendered_org(tmp_path)
    everyone = draft_wave(org, instrument, audience="everyone")
    everyone.launch()
    assert create_invitations(everyone) == 16
    north = draft_wave(org, instrument, name="North", audience="everyone", audience_units=["Ops/North"])
    north.launch()
    assert create_invitations(north) == 11
    managers = draft_wave(
        org, instrument, name="Managers", audience_units=["Ops"], audience_levels=["Manager"]
    )
    managers.launch()
    assert create_invitations(managers) == 4


def test_a_people_list_without_gender_is_taken_as_the_list_to_invite(acme, make_wave):
    assert not Employee.objects.filter(org=acme).exclude(gender="").exists()
    assert make_wave(acme).invitations.count() == 25


def test_an_audience_unknown_to_the_people_list_is_refused_by_name(tmp_path, instrument):
    org = gendered_org(tmp_path)
    wave = draft_wave(org, instrument, audience_units=["Marketing"], audience_regions=["Mars"])
    with pytest.raises(Exception) as caught:
        wave.full_clean()
    assert "Marketing" in str(caught.value) and "Mars" in str(caught.value)


def test_an_empty_audience_cannot_be_launched(tmp_path, instrument):
    org = gendered_org(tmp_path)
    wave = draft_wave(org, instrument, audience_units=["Finance"])  # Finance holds no man
    wave.launch()
    with pytest.raises(AudienceError, match="nobody"):
        create_invitations(wave)


# -- the launch confirmation ---------------------------------------------------------------------------


def test_launch_states_the_number_and_needs_it_confirmed(tmp_path, instrument, client, login, alice):
    org = admin_logged_in(tmp_path, login, alice)
    wave = draft_wave(org, instrument)
    url = f"/console/{org.slug}/waves/{wave.pk}/launch/"
    page = client.get(url).content.decode()
    assert "Invites the men in every unit" in page and "10 people" in page
    assert "Nobody is e-mailed yet" in page
    client.post(url, {"confirm_count": "16"})  # a stale or forged number
    wave.refresh_from_db()
    assert wave.status == WaveStatus.DRAFT and not wave.invitations.exists()
    client.post(url, {"confirm_count": "10"})
    wave.refresh_from_db()
    assert wave.status == WaveStatus.OPEN and wave.invitations.count() == 10


def test_the_launch_page_refuses_an_audience_of_nobody(tmp_path, instrument, client, login, alice):
    org = admin_logged_in(tmp_path, login, alice)
    wave = draft_wave(org, instrument, audience_units=["Finance"])
    url = f"/console/{org.slug}/waves/{wave.pk}/launch/"
    assert "cannot be launched" in client.get(url).content.decode()
    client.post(url, {"confirm_count": "0"})
    wave.refresh_from_db()
    assert wave.status == WaveStatus.DRAFT


def test_viewers_cannot_open_the_launch_page(client, login, bob, acme, make_wave):
    wave = make_wave(acme, launch=False)
    login(bob)
    assert client.get(f"/console/{acme.slug}/waves/{wave.pk}/launch/").status_code == 403
    assert (
        client.post(f"/console/{acme.slug}/waves/{wave.pk}/launch/", {"confirm_count": "25"}).status_code
        == 403
    )
    wave.refresh_from_db()
    assert wave.status == WaveStatus.DRAFT


# -- e-mails ---------------------------------------------------------------------------------------------


def _email_post(wave: Wave, **changes: str) -> dict[str, str]:
    from allypath.web.orgs.emails import wave_email

    data = {"action": "save"}
    for kind in ("invitation", "reminder"):
        for lang in wave.languages:
            email = wave_email(wave, kind, lang)
            data[f"{kind}_{lang}_subject"] = email.subject
            data[f"{kind}_{lang}_body"] = email.body
    data.update(changes)
    return data


def test_edited_invitations_are_sent_and_only_edits_are_stored(
    client, login, alice, acme, make_wave, mailoutbox
):
    wave = make_wave(acme)
    login(alice)
    url = f"/console/{acme.slug}/waves/{wave.pk}/emails/"
    body = "Bonjour, votre lien : {link}. Répondez avant le {closes}. {org}"
    client.post(url, _email_post(wave, invitation_fr_body=body))
    wave.refresh_from_db()
    assert wave.emails == {"invitation": {"fr": {"body": body}}}
    from allypath.web.orgs.invitations import send_invitations

    send_invitations(wave)
    french = next(m for m in mailoutbox if m.to == ["n0@acme.test"])
    assert french.body.startswith("Bonjour, votre lien : http") and french.body.endswith("Acme")
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre")  # fmt: skip
    assert any(month in french.body for month in months)  # the date as French readers write it
    english = next(m for m in mailoutbox if m.to == ["s0@acme.test"])
    assert "You are invited" in english.body  # unedited: allypath's wording


@pytest.mark.parametrize(
    ("body", "problem"),
    [("No link here, sorry.", "must contain {link}"), ("{link} until {closing}", "{closing} is not a placeholder"),
     ("{link} {", "brace")],
)  # fmt: skip
def test_an_email_that_cannot_be_sent_is_refused_with_the_reason(
    client, login, alice, acme, make_wave, body, problem
):
    wave = make_wave(acme)
    login(alice)
    r = client.post(f"/console/{acme.slug}/waves/{wave.pk}/emails/", _email_post(wave, reminder_en_body=body))
    assert r.status_code == 200 and problem in r.content.decode()
    wave.refresh_from_db()
    assert wave.emails == {}


def test_a_preview_shows_the_edit_without_saving_it(client, login, alice, acme, make_wave):
    wave = make_wave(acme)
    login(alice)
    data = _email_post(wave, invitation_en_subject="Tell us: {org}", action="preview")
    page = client.post(f"/console/{acme.slug}/waves/{wave.pk}/emails/", data).content.decode()
    assert "Tell us: Acme" in page and "not saved yet" in page
    wave.refresh_from_db()
    assert wave.emails == {}


# -- scheduled reminders ---------------------------------------------------------------------------------


def test_scheduled_reminders_go_once_on_their_day(acme, make_wave, issue_tokens, mailoutbox):
    today = timezone.localdate()
    wave = make_wave(acme)
    issue_tokens(wave)  # everyone had a link
    wave.reminders_on = [(today + dt.timedelta(days=2)).isoformat()]
    wave.full_clean()
    wave.save()
    assert send_due_reminders(today) == [] and not mailoutbox  # not yet
    assert [w.pk for w in send_due_reminders(today + dt.timedelta(days=2))] == [wave.pk]
    sent = len(mailoutbox)
    assert sent == 24  # everyone with an address, none has answered
    assert send_due_reminders(today + dt.timedelta(days=3)) == [] and len(mailoutbox) == sent  # not twice


def test_a_second_run_that_listed_the_wave_before_the_first_ended_reminds_nobody_again(
    acme, make_wave, issue_tokens, mailoutbox, monkeypatch
):
    """Two cron runs: the second lists the wave (its day still due) while the first sends, and takes the
    wave's reminder lock once the first has ended. It must read the day as done, not remind again."""
    today = timezone.localdate()
    wave = make_wave(acme)
    issue_tokens(wave)
    wave.reminders_on = [today.isoformat()]
    wave.full_clean()
    wave.save()
    round_of = invitations._reminder_round
    first_run_done = []

    @contextmanager
    def the_first_run_ends_meanwhile(wave):
        if not first_run_done:  # the second run has listed the wave; the first now runs to its end
            first_run_done.append(True)
            assert [w.pk for w in send_due_reminders(today)] == [wave.pk]
        with round_of(wave) as alone:
            yield alone

    monkeypatch.setattr(invitations, "_reminder_round", the_first_run_ends_meanwhile)
    assert send_due_reminders(today) == []  # the second run
    assert len(mailoutbox) == 24  # the first run's reminders only
    wave.refresh_from_db()
    assert wave.reminders_done == [today.isoformat()]


def test_the_reminder_command_says_what_it_did(acme, make_wave, capsys):
    make_wave(acme)
    call_command("send_due_reminders")
    assert "No reminders are due today" in capsys.readouterr().out


def test_a_reminder_day_outside_the_wave_is_refused(acme, make_wave):
    wave = make_wave(acme, launch=False)
    wave.reminders_on = [(wave.closes_on + dt.timedelta(days=1)).isoformat()]
    with pytest.raises(Exception, match="reminders go out after the opening day"):
        wave.full_clean()


def test_the_form_takes_reminder_days_as_dates_and_refuses_words(client, login, alice, acme, make_wave):
    wave = make_wave(acme, launch=False)
    login(alice)
    day = (wave.opens_on + dt.timedelta(days=3)).isoformat()
    base = {
        "name": "Spring", "audience": "men", "form": "short", "languages": ["en"], "privacy_mode": "anonymous",
        "k": 3, "k_text": 5, "opens_on": wave.opens_on.isoformat(), "closes_on": wave.closes_on.isoformat(),
    }  # fmt: skip
    r = client.post(f"/console/{acme.slug}/waves/{wave.pk}/edit/", {**base, "reminders_on": "next monday"})
    assert "is not a date" in r.content.decode()
    client.post(f"/console/{acme.slug}/waves/{wave.pk}/edit/", {**base, "reminders_on": f"{day}, {day}"})
    wave.refresh_from_db()
    assert wave.reminders_on == [day]


# -- the survey preview ----------------------------------------------------------------------------------


def test_the_survey_preview_shows_questions_in_each_language_and_saves_nothing(
    client, login, bob, acme, make_wave
):
    wave = make_wave(acme)
    login(bob)
    page = client.get(f"/console/{acme.slug}/waves/{wave.pk}/preview/?lang=ar&page=1").content.decode()
    assert 'lang="ar" dir="rtl"' in page and "<fieldset disabled" in page
    assert "Nothing you tick here is saved" in page
    assert client.get(f"/console/{acme.slug}/waves/{wave.pk}/preview/?page=999").status_code == 404
    assert not Draft.objects.exists() and not Response.objects.exists()


# -- the waves list and the shared status words ------------------------------------------------------------


def test_the_waves_list_counts_responses_from_the_release_and_hides_small_counts(
    client, login, bob, acme, make_wave
):
    make_wave(acme, launch=False, name="Planned")
    make_wave(acme, name="Running")
    login(bob)
    page = client.get(f"/console/{acme.slug}/waves/").content.decode()
    assert "the wave has not been launched: nobody is invited yet" in page  # the draft
    assert "fewer than 3" in page  # nobody answered the running wave: no exact count below k


def test_a_launched_wave_before_its_first_day_reads_as_respondents_see_it(
    acme, make_wave, client, login, bob
):
    today = timezone.localdate()
    wave = make_wave(acme, opens_on=today + dt.timedelta(days=3), closes_on=today + dt.timedelta(days=10))
    assert wave.status == WaveStatus.OPEN and wave.phase() == WavePhase.NOT_STARTED
    login(bob)
    page = client.get(f"/console/{acme.slug}/waves/{wave.pk}/").content.decode()
    assert "Not started yet" in page and "This survey has not started" in page
    assert wave.phase(today + dt.timedelta(days=11)) == WavePhase.ENDED


def test_a_launched_wave_says_whom_it_invited_and_a_wave_closed_early_says_so(
    tmp_path, instrument, client, login, alice
):
    org = admin_logged_in(tmp_path, login, alice)
    wave = draft_wave(org, instrument)
    page_url = f"/console/{org.slug}/waves/{wave.pk}/"
    draft = client.get(page_url).content.decode()
    assert "Who is invited" in draft and "Invites the men in every unit" in draft
    client.post(f"/console/{org.slug}/waves/{wave.pk}/launch/", {"confirm_count": "10"})
    launched = client.get(page_url).content.decode()
    assert (
        "Who was invited" in launched
        and "Invited the men in every unit, every level, every region: 10 people" in launched
    )
    assert "closed early" not in launched
    client.post(f"/console/{org.slug}/waves/{wave.pk}/action/", {"action": "close", "confirm": "yes"})
    wave.refresh_from_db()
    assert wave.status == WaveStatus.CLOSED and wave.closes_on > timezone.localdate()
    closed = client.get(page_url).content.decode()
    today = timezone.localdate()
    assert f"; closed early, on {today.day} {today:%B %Y}" in closed
