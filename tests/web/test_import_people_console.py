"""The console's people (HRIS) import page: damaged files answered in words, row numbers that say how
they count, a confirmation before anyone is marked as gone."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allypath.web.orgs.models import Employee

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def _post(client, org, name: str, content: bytes, **extra: str):
    return client.post(f"/console/{org.slug}/import/", {"file": SimpleUploadedFile(name, content), **extra})


def test_a_cut_off_utf16_file_is_refused_in_words_not_with_a_server_error(client, login, alice, acme):
    login(alice)
    people = "employee_id,unit,level,region\n" + "".join(f"X{i},Ops,Staff,EMEA\n" for i in range(9))
    r = _post(client, acme, "export.csv", people.encode("utf-16") + b"\n")
    html = r.content.decode()
    assert r.status_code == 422
    assert "Nothing was imported" in html and "export.csv" in html and "odd number of bytes" in html
    assert not Employee.objects.filter(org=acme, employee_id__startswith="X").exists()
