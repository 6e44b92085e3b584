"""The console's people (HRIS) import page: damaged files answered in words, row numbers that say how
they count, a confirmation before anyone is marked as gone."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from allypath.web.orgs.models import Employee, Role, Unit

from .conftest import member

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


# -- a file that would mark people as gone is imported only once confirmed ----------------------------

PARTIAL = b"employee_id,unit,level,region\nS000,Sales/APAC,Manager,APAC\nNEW1,Legal,Staff,EMEA\n"


def _active(org) -> set[str]:
    return set(Employee.objects.filter(org=org, active=True).values_list("employee_id", flat=True))


def _pending_key(html: str) -> str:
    match = re.search(r'name="pending" value="([0-9a-f]{32})"', html)
    assert match, html
    return match.group(1)


def _kept(key: str) -> Path:
    return Path(settings.ENV.data_dir) / "imports" / f"people-{key}"


def test_a_partial_file_changes_nothing_before_it_is_confirmed(client, login, alice, acme):
    """A valid 2-row file was applied at once: "2 people added, 0 updated, 830 no longer in the file"."""
    login(alice)
    before = _active(acme)
    assert len(before) == 25
    r = _post(client, acme, "two.csv", PARTIAL)
    html = r.content.decode()
    assert r.status_code == 200
    assert (
        "This file adds 1 person, updates 1 and marks 24 people as no longer in the organisation. "
        "It also adds 1 new unit." in html
    )
    assert "Import it" in html and "csrfmiddlewaretoken" in html
    assert _active(acme) == before
    assert not Employee.objects.filter(org=acme, employee_id="NEW1").exists()
    assert not Unit.objects.filter(org=acme, path="Legal").exists()
    assert Employee.objects.get(org=acme, employee_id="S000").unit.path == "Sales/EMEA"
    # the copy kept for the confirmation is the server's user's only
    key = _pending_key(html)
    folder = _kept(key)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}

    done = client.post(f"/console/{acme.slug}/import/", {"pending": key, "action": "import"}, follow=True)
    assert (
        "Imported: 1 people added, 1 updated, 24 no longer in the file, 1 new units." in done.content.decode()
    )
    assert _active(acme) == {"S000", "NEW1"}
    assert not folder.exists()
    # the same confirmation again imports nothing more
    again = client.post(f"/console/{acme.slug}/import/", {"pending": key, "action": "import"})
    assert again.status_code == 422 and "upload the file again" in again.content.decode()


def test_a_second_click_while_the_first_imports_says_so_and_a_dead_import_is_taken_over(
    client, login, alice, acme
):
    """The second click got a 422 page headed "Nothing was imported" while the first was importing; a
    marker left by a process that died blocked the file for a day (a review)."""
    import os
    import time

    login(alice)
    key = _pending_key(_post(client, acme, "two.csv", PARTIAL).content.decode())
    marker = _kept(key) / "importing"
    marker.touch()  # the first click's import, under way
    second = client.post(f"/console/{acme.slug}/import/", {"pending": key, "action": "import"}, follow=True)
    html = second.content.decode()
    assert second.redirect_chain[-1][0] == f"/console/{acme.slug}/units/"
    assert "This file is being imported already (a second click?)" in html
    assert "Nothing was imported" not in html and len(_active(acme)) == 25
    old = time.time() - 3600
    os.utime(marker, (old, old))  # that process died an hour ago
    done = client.post(f"/console/{acme.slug}/import/", {"pending": key, "action": "import"}, follow=True)
    assert "Imported: 1 people added" in done.content.decode() and _active(acme) == {"S000", "NEW1"}


def test_cancelling_imports_nothing_and_removes_the_kept_copy(client, login, alice, acme):
    login(alice)
    key = _pending_key(_post(client, acme, "two.csv", PARTIAL).content.decode())
    r = client.post(f"/console/{acme.slug}/import/", {"pending": key, "action": "cancel"}, follow=True)
    assert "Nothing was imported" in r.content.decode()
    assert len(_active(acme)) == 25 and not _kept(key).exists()


def test_a_file_marking_nobody_gone_is_imported_at_once(client, login, alice, acme, tmp_path):
    login(alice)
    everyone = Employee.objects.filter(org=acme).select_related("unit")
    rows = "".join(f"{e.employee_id},{e.unit.path},{e.level},{e.region}\n" for e in everyone)
    r = _post(
        client, acme, "all.csv", f"employee_id,unit,level,region\n{rows}NEW2,Legal,Staff,EMEA\n".encode()
    )
    assert r.status_code == 302
    assert len(_active(acme)) == 26
    assert not list((Path(settings.ENV.data_dir) / "imports").glob("people-*"))


def test_only_its_uploader_can_confirm_it(client, login, alice, acme):
    login(alice)
    key = _pending_key(_post(client, acme, "two.csv", PARTIAL).content.decode())
    erin = member("erin", acme, Role.ORG_ADMIN)
    other = Client()
    other.force_login(erin, backend="django.contrib.auth.backends.ModelBackend")
    r = other.post(f"/console/{acme.slug}/import/", {"pending": key, "action": "import"})
    assert r.status_code == 422 and "upload the file again" in r.content.decode()
    assert len(_active(acme)) == 25 and _kept(key).exists()


def test_the_confirmation_needs_the_csrf_token(alice, acme):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    page = browser.get(f"/console/{acme.slug}/import/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    upload = SimpleUploadedFile("two.csv", PARTIAL)
    asked = browser.post(f"/console/{acme.slug}/import/", {"file": upload, "csrfmiddlewaretoken": token})
    key = _pending_key(asked.content.decode())
    forged = browser.post(f"/console/{acme.slug}/import/", {"pending": key, "action": "import"})
    assert forged.status_code == 403
    assert len(_active(acme)) == 25


def test_people_changed_after_the_check_are_asked_about_again(client, login, alice, acme):
    login(alice)
    key = _pending_key(_post(client, acme, "two.csv", PARTIAL).content.decode())
    Employee.objects.filter(org=acme, employee_id="E000").update(active=False)  # another import meanwhile
    r = client.post(f"/console/{acme.slug}/import/", {"pending": key, "action": "import"})
    html = r.content.decode()
    assert r.status_code == 200 and "changed after the file was checked" in html
    assert "marks 23 people as no longer in the organisation" in html
    assert len(_active(acme)) == 24
    done = client.post(f"/console/{acme.slug}/import/", {"pending": _pending_key(html), "action": "import"})
    assert done.status_code == 302 and _active(acme) == {"S000", "NEW1"}


# -- what the page says: the columns (gender too) and how rows are numbered ---------------------------


def test_the_page_lists_the_gender_column_and_its_values(client, login, alice, acme):
    """Every wave and launch page says to import the file again with a gender column: the import
    page did not list one."""
    login(alice)
    html = client.get(f"/console/{acme.slug}/import/").content.decode()
    assert "<code>gender</code>" in html
    for word in ("man", "woman", "another"):
        assert f"<code>{word}</code>" in html


def test_a_problem_row_says_how_rows_are_counted(client, login, alice, acme):
    """A Latin-1 file: "row 1, column 'unit'" is the first row under the header (row 2 in a
    spreadsheet), as in every import message; the page says so."""
    login(alice)
    r = _post(
        client,
        acme,
        "latin1.csv",
        "employee_id,unit,level,region\nL1,Sécurité,Staff,EMEA\n".encode("latin-1"),
    )
    html = r.content.decode()
    assert r.status_code == 422
    assert "row 1, column &#x27;unit&#x27;: byte 0xe9" in html
    assert "Rows count data rows from 1, below the header" in html
    assert "row 1 is the first row under the header (row 2 in a spreadsheet), and row 0 is the header" in html
