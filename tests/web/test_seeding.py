"""allypath.web.orgs.seeding: the one way the demo, the live test sites and the fixtures seed a site."""

from __future__ import annotations

import pytest

from allypath.web.orgs.invitations import issue_link_tokens
from allypath.web.orgs.models import Invitation
from allypath.web.orgs.seeding import launch_wave, organisation_with
from allypath.web.survey.links import open_link

pytestmark = [pytest.mark.db, pytest.mark.django_db]

PEOPLE = [(f"P{i}", "Ops" if i % 2 else "Sales", "Staff", "EMEA", f"p{i}@x.test", "en") for i in range(6)]


def test_a_seeded_wave_invites_everyone_and_hands_each_link_out_once(instrument):
    org = organisation_with("Seeded Co", "seeded", PEOPLE)
    wave, links = launch_wave(org, instrument, name="First")
    assert sorted(links) == sorted(p[0] for p in PEOPLE)
    assert Invitation.objects.filter(wave=wave).count() == len(PEOPLE)
    assert all(open_link(token).wave == wave for token in links.values())  # every token opens the survey
    assert issue_link_tokens(wave) == {}  # a link is handed out once, as in HR's CSV


def test_links_can_be_left_for_the_csv_hr_downloads(instrument):
    org = organisation_with("Seeded Co", "seeded", PEOPLE)
    wave, links = launch_wave(org, instrument, links=False, form="full", k=5)
    assert links == {} and (wave.form, wave.k) == ("full", 5)
    assert len(issue_link_tokens(wave)) == len(PEOPLE)
