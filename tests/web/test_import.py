"""Importing people from an HRIS file: all or nothing, with every bad row named."""

from __future__ import annotations

from pathlib import Path

import pytest

from allypath.errors import DataError
from allypath.web.orgs.importing import import_hris
from allypath.web.orgs.models import Employee, Organisation, Unit

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def test_an_import_builds_the_unit_hierarchy_and_the_people(acme):
    paths = set(Unit.objects.filter(org=acme).values_list("path", flat=True))
    assert paths == {"Sales", "Sales/EMEA", "Sales/EMEA/North", "Sales/APAC", "Engineering"}
    north = Unit.objects.get(org=acme, path="Sales/EMEA/North")
    assert north.parent.path == "Sales/EMEA" and north.depth == 2
    assert Employee.objects.filter(org=acme).count() == 25
    assert Employee.objects.get(org=acme, employee_id="N001").language == "fr"


def test_a_malformed_file_imports_nothing_and_names_every_bad_row(tmp_path: Path):
    org = Organisation.objects.create(name="Initech", slug="initech")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "employee_id,unit,level,region,email\n"
        "1,Ops,Staff,EMEA,one@x.test\n"
        ",Ops,Staff,EMEA,\n"
        "1,Ops//East,Staff,EMEA,\n"
        "4,Ops,Staff,EMEA,not-an-email\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        import_hris(org, bad)
    message = str(caught.value)
    assert "row 2" in message and "row 3" in message and "row 4" in message
    assert "nothing was imported" in message
    assert not Unit.objects.filter(org=org).exists()
    assert not Employee.objects.filter(org=org).exists()


def test_the_console_upload_shows_the_problems_per_row(client, login, alice, acme):
    login(alice)
    before = Employee.objects.filter(org=acme).count()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "org.csv", b"employee_id,unit,level,region\nX1,,Staff,EMEA\nX1,Ops,Staff,EMEA\n"
    )
    r = client.post(f"/console/{acme.slug}/import/", {"file": upload})
    html = r.content.decode()
    assert r.status_code == 422
    assert "Nothing was imported" in html
    assert "row 1" in html and "row 2" in html and "org.csv" in html
    assert Employee.objects.filter(org=acme).count() == before


def test_a_new_file_updates_people_and_deactivates_those_who_left(acme, tmp_path: Path):
    updated = tmp_path / "v2.csv"
    updated.write_text(
        "employee_id,unit,level,region\nS000,Sales/APAC,Manager,APAC\nNEW1,Legal,Staff,EMEA\n",
        encoding="utf-8",
    )
    summary = import_hris(acme, updated)
    assert summary.employees_added == 1 and summary.employees_updated == 1
    assert summary.employees_deactivated == 24
    assert Employee.objects.get(org=acme, employee_id="S000").unit.path == "Sales/APAC"
    assert Employee.objects.filter(org=acme, active=True).count() == 2
    assert Unit.objects.filter(org=acme, path="Legal").exists()


def test_an_unsupported_file_type_is_refused(client, login, alice, acme):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(alice)
    r = client.post(f"/console/{acme.slug}/import/", {"file": SimpleUploadedFile("org.pdf", b"%PDF-1.4")})
    assert r.status_code == 422
    assert "unsupported file type .pdf" in r.content.decode()


def test_a_file_with_no_one_in_it_switches_no_one_off(client, login, alice, acme):
    """A header-only upload read as "everyone has left": 25 active employees became 0 (a review)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(alice)
    active = Employee.objects.filter(org=acme, active=True).count()
    assert active == 25
    upload = SimpleUploadedFile("org.csv", b"employee_id,unit,level,region\n")
    r = client.post(f"/console/{acme.slug}/import/", {"file": upload})
    assert r.status_code == 422
    assert "the file lists no one" in r.content.decode() and "org.csv" in r.content.decode()
    assert Employee.objects.filter(org=acme, active=True).count() == active
