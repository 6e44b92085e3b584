"""The audit log: every access to report data is recorded, and entries cannot be changed or removed."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from allypath.web.audit import AuditLogError, record_access
from allypath.web.audit.models import AccessEvent

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def wave(acme, make_wave):
    return make_wave(acme)


def test_record_access_stores_who_which_org_wave_group_and_view(rf, alice, acme, wave):
    request = rf.get("/console/acme/")
    request.user = alice
    record_access(request, org=acme, wave=wave, group="unit:Sales/EMEA", view="dashboard.stage_mix")
    event = AccessEvent.objects.get()
    assert (event.user_id, event.username, event.org, event.wave) == (alice.pk, "alice", acme, wave)
    assert (event.group, event.view) == ("unit:Sales/EMEA", "dashboard.stage_mix")
    assert event.at is not None


def test_record_access_takes_a_user_as_well_as_a_request(bob, acme):
    record_access(bob, org=acme, group="all", view="export.csv")
    assert AccessEvent.objects.get().username == "bob"


def test_a_wave_of_another_organisation_is_refused(alice, acme, globex, make_wave):
    other = make_wave(globex)
    with pytest.raises(AuditLogError):
        record_access(alice, org=acme, wave=other, group="all", view="x")
    assert AccessEvent.objects.count() == 0


def test_entries_cannot_be_updated_or_deleted_through_the_model_layer(alice, acme):
    record_access(alice, org=acme, group="all", view="dashboard")
    event = AccessEvent.objects.get()
    event.group = "something else"
    with pytest.raises(AuditLogError):
        event.save()
    with pytest.raises(AuditLogError):
        event.delete()
    with pytest.raises(AuditLogError):
        AccessEvent.objects.filter(pk=event.pk).update(group="x")
    with pytest.raises(AuditLogError):
        AccessEvent.objects.all().delete()
    with pytest.raises(AuditLogError):
        AccessEvent.objects.bulk_update([event], ["group"])
    assert AccessEvent.objects.get().group == "all"


def test_the_database_refuses_an_update_behind_the_orm(alice, acme):
    record_access(alice, org=acme, group="all", view="dashboard")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accessevent SET username = 'mallory'")
    assert AccessEvent.objects.get().username == "alice"


def test_postgresql_also_refuses_a_delete_behind_the_orm(alice, acme):
    record_access(alice, org=acme, group="all", view="dashboard")
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("DELETE FROM audit_accessevent")
            refused = False
        except DatabaseError:
            refused = True
    # SQLite keeps DELETE possible at the SQL level (Django flushes test databases with it); the model
    # layer refuses it there. PostgreSQL's trigger refuses it outright.
    assert refused is (connection.vendor == "postgresql")
    assert AccessEvent.objects.count() == (1 if connection.vendor == "postgresql" else 0)


def test_reading_response_rates_is_recorded_in_console_and_api(login, alice, acme, wave):
    client = login(alice)
    assert client.get(f"/console/acme/waves/{wave.pk}/").status_code == 200
    assert client.get(f"/api/v1/waves/{wave.pk}/response-rates").status_code == 200
    views = sorted(AccessEvent.objects.values_list("view", flat=True))
    assert views == ["api.response_rates", "console.response_rates"]
    assert set(AccessEvent.objects.values_list("wave_id", flat=True)) == {wave.pk}


def test_org_admins_read_their_organisations_audit_log(login, alice, acme, bob):
    record_access(bob, org=acme, group="unit:<script>alert(1)</script>", view="dashboard")
    page = login(alice).get("/console/acme/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "bob" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html


def test_viewers_cannot_read_the_audit_log_and_other_orgs_do_not_see_it(login, bob, charlie, acme):
    assert login(bob).get("/console/acme/audit/").status_code == 403
    assert login(charlie).get("/console/acme/audit/").status_code == 404
