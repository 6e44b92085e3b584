"""scripts/demo_web.py seeds both demo organisations with real invitations and submitted responses."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from allypath.web.orgs.models import Invitation, Organisation, Wave, WaveStatus
from allypath.web.survey.models import Response

pytestmark = [pytest.mark.db, pytest.mark.django_db]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "demo_web.py"


@pytest.fixture
def demo():
    spec = importlib.util.spec_from_file_location("demo_web", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_seeds_two_organisations_with_launched_waves_and_responses(demo, tmp_path, client):
    facts = demo.seed(scale=0.02, out=tmp_path, quiet=True)
    assert set(facts["orgs"]) == {"meridian-energy", "castellan-finance"}
    assert Organisation.objects.filter(slug__in=facts["orgs"]).count() == 2
    # Meridian's wave has closed (results published); Castellan's is open (counts only)
    assert dict(Wave.objects.values_list("org__slug", "status")) == {
        "meridian-energy": WaveStatus.CLOSED,
        "castellan-finance": WaveStatus.OPEN,
    }
    assert set(Wave.objects.values_list("privacy_mode", flat=True)) == {"panel", "anonymous"}
    for slug, org in facts["orgs"].items():
        assert Response.objects.filter(wave__org__slug=slug).count() == org["responses"] > 0
        invited = Invitation.objects.filter(wave__org__slug=slug)
        # an open wave knows which links answered (to refuse a second answer); a closed one keeps nothing
        answered = org["responses"] if slug == "castellan-finance" else 0
        assert sum(invitation.claimed for invitation in invited) == answered
        opened = client.get(org["unused_link"]).status_code
        assert opened == (200 if slug == "castellan-finance" else 410), (slug, opened)
        assert client.get(org["report"]).status_code == 200
        journey = client.get(org["report"] + "journey/?lang=en").content.decode()
        assert "Our parental leave, in one minute" in journey  # the organisation's own item, listed
    admin = User.objects.get(username=facts["admin"])
    assert admin.check_password(facts["password"]) and admin.is_staff
    # Seeding again replaces the demo data instead of failing on it.
    again = demo.seed(scale=0.02, out=tmp_path, quiet=True)
    assert Organisation.objects.filter(slug__in=again["orgs"]).count() == 2


def test_seeding_again_after_hr_looked_keeps_the_audit_log_and_the_new_demo_takes_the_names(
    demo, tmp_path, client
):
    """`make demo` a second time failed once someone had opened a demo dashboard: the audit log (which
    nothing deletes) protected the old waves from the reseed."""
    from allypath.web.audit.models import AccessEvent

    facts = demo.seed(scale=0.02, out=tmp_path, quiet=True)
    admin = User.objects.get(username=facts["admin"])
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/console/meridian-energy/waves/").status_code == 200
    logged = AccessEvent.objects.count()
    assert logged > 0
    again = demo.seed(scale=0.02, out=tmp_path, quiet=True)
    assert Organisation.objects.filter(slug__in=again["orgs"]).count() == 2
    assert AccessEvent.objects.count() == logged  # nothing of the log went
    earlier = Organisation.objects.get(name="Meridian Energy (earlier demo run)")
    assert earlier.slug.startswith("meridian-energy-earlier-") and not earlier.memberships.exists()
    admin = User.objects.get(username=again["admin"])  # a new password: a new session
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    listed = client.get("/console/").content.decode()
    assert "earlier demo run" not in listed and "Meridian Energy" in listed


def test_seeding_again_after_hr_changed_something_keeps_the_change_log(demo, tmp_path, client):
    """A change made in the console (a member added) is in the change log, which nothing deletes either:
    the second seed failed with ProtectedError (a review)."""
    from allypath.web.audit.models import ChangeEvent

    facts = demo.seed(scale=0.02, out=tmp_path, quiet=True)
    admin = User.objects.get(username=facts["admin"])
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    added = {"username": "newhr", "email": "", "password": "a long unusual phrase 42", "role": "viewer"}
    client.post("/console/castellan-finance/people/", {**added, "password2": added["password"]})
    assert ChangeEvent.objects.filter(action="member_added").count() == 1
    again = demo.seed(scale=0.02, out=tmp_path, quiet=True)
    assert Organisation.objects.filter(slug__in=again["orgs"]).count() == 2
    assert ChangeEvent.objects.count() == 1
    assert Organisation.objects.filter(name="Castellan Finance (earlier demo run)").exists()
