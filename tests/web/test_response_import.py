"""HR imports responses from a survey-tool export in the console: upload, review the mapping, see every
problem per row and column, then import all rows or none into a closed wave of kind "imported".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver

from allypath.instrument import Instrument
from allypath.web.audit.models import AccessEvent
from allypath.web.console import imports
from allypath.web.orgs.errors import WaveStateError
from allypath.web.orgs.models import Organisation, Wave, WaveKind, WaveStatus
from allypath.web.survey.models import Response
from allypath.web.survey.scoring import score_one

from .conftest import sample_answers

pytestmark = [pytest.mark.db, pytest.mark.django_db]

UPLOAD = "/console/acme/imports/"
STAGES = Path(settings.ENV.data_dir) / "imports"


@pytest.fixture(autouse=True)
def no_staged_uploads() -> None:
    """Each test starts with no staged upload (they share the process's data folder)."""
    import shutil

    shutil.rmtree(STAGES, ignore_errors=True)


# -- helpers ----------------------------------------------------------------------------------------------


def upload(client: Client, name: str, content: bytes, mapping: str | None = None, org: str = "acme") -> Any:
    data: dict[str, Any] = {"file": SimpleUploadedFile(name, content)}
    if mapping is not None:
        data["mapping"] = SimpleUploadedFile("mapping.yaml", mapping.encode())
    return client.post(f"/console/{org}/imports/", data)


def preview_url(response: Any) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def settings_for(**overrides: Any) -> dict[str, Any]:
    values = {
        "unit_column": "",
        "unit_path": "",
        "target": "new",
        "name": "2024 survey (Qualtrics)",
        "form": "full",
        "language": "en",
        "opens_on": "2024-03-01",
        "closes_on": "2024-03-31",
        "k": "5",
        "k_text": "10",
    }
    values.update(overrides)
    return values


def staged() -> list[Path]:
    return list(STAGES.iterdir()) if STAGES.exists() else []


def counts() -> tuple[int, int, int]:
    return Wave.objects.count(), Response.objects.count(), AccessEvent.objects.count()


def problems_of(html: str) -> list[list[str]]:
    """The rows of the problems table: file, row, column, message."""
    table = html.split('<table class="problems">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    rows = []
    for tr in body.split("<tr>")[1:]:
        cells = [c.split("</td>", 1)[0].strip() for c in tr.split("<td>")[1:]]
        rows.append(cells)
    return rows


def wide_csv(rows: list[tuple[str, int]], form: Instrument, *, extra: str = "") -> bytes:
    """A plain CSV with a ResponseId, a Department and one column per likert item of the short form.

    Each row is (unit, stage): the stage's own items are answered 5, the other stages' 1, the rest 3.
    """
    likert = [item for item in form.items if item.type == "likert"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ResponseId", "Department", *[i.id for i in likert]])
    for n, (unit, stage) in enumerate(rows):
        values = [5 if i.stage == stage else 1 if i.stage else 3 for i in likert]
        writer.writerow([f"R_secret{n:04d}", unit, *values])
    return (out.getvalue() + extra).encode()


QUALTRICS_MAPPING = """\
respondent_id: ResponseId
items:
  ap1: {column: Q1, range: [1, 5]}
  ot1: {type: text, column: Q2}
"""

SPSS_MAPPING = """\
respondent_id: mychar
attributes: {unit: mychar}
items:
  ap1: {column: myord, values: {low: 1, medium: 3, high: 5}}
  ap3: mylabl
"""


@pytest.fixture
def initech(make_org: Callable[..., Organisation]) -> Organisation:
    """Units a..e: the values of the unit column of sample.sav."""
    people = [(f"I{u}", u, "Staff", "EMEA", "", "en") for u in "abcde"]
    return make_org("initech", people)


# -- the happy paths, end to end through the views ---------------------------------------------------------


def test_a_qualtrics_export_is_previewed_reviewed_checked_and_imported_into_a_closed_imported_wave(
    client, login, alice, acme, exports_dir
):
    login(alice)
    url = preview_url(upload(client, "sample.csv", (exports_dir / "sample.csv").read_bytes()))
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<dd id="detected-format">qualtrics</dd>' in html and '<dd id="row-count">1</dd>' in html
    assert "ResponseId (respondent id) will not be imported" in html
    yaml = client.get(url + "mapping.yaml")
    assert yaml.status_code == 200 and yaml["Cache-Control"] == "no-store"
    assert "allypath import mapping" in yaml.content.decode()

    # The reviewer uploads the mapping he wrote: Q1 answers ap1, Q2 is the open comment.
    reviewed = SimpleUploadedFile("mapping.yaml", QUALTRICS_MAPPING.encode())
    assert client.post(url, {"action": "mapping", "mapping": reviewed}).status_code == 302
    html = client.get(url).content.decode()
    assert "<code>ap1</code>" in html and "<code>ot1</code>" in html

    checked = client.post(url, {"action": "check", **settings_for(unit_path="Engineering")})
    assert checked.status_code == 200
    assert "No problems: 1 row will be imported" in checked.content.decode()
    assert Wave.objects.filter(kind=WaveKind.IMPORTED).count() == 0  # a check writes nothing

    done = client.post(url, {"action": "import", **settings_for(unit_path="Engineering")})
    wave = Wave.objects.get(org=acme, kind=WaveKind.IMPORTED)
    assert done.status_code == 302 and done["Location"] == f"/console/acme/waves/{wave.pk}/"
    assert (wave.status, wave.name, wave.form, wave.languages) == (
        WaveStatus.CLOSED,
        "2024 survey (Qualtrics)",
        "full",
        ["en"],
    )
    assert wave.privacy_mode == "anonymous" and wave.opens_on == dt.date(2024, 3, 1)
    (response,) = Response.objects.filter(wave=wave)
    assert response.answers == {"ap1": 2, "ot1": "Hello World!"}
    assert response.unit.path == "Engineering" and response.submitted_on == dt.date(2024, 3, 31)
    assert response.status == "insufficient" and response.result["status"] == "insufficient"
    event = AccessEvent.objects.get(view="console.import_responses")
    assert (event.username, event.wave_id) == ("alice", wave.pk)
    # The staged file is gone and no id, address or time from the file is in the stored row.
    assert client.get(url).status_code == 404
    stored = json.dumps([response.answers, response.result, response.level, response.region])
    for secret in ("R_2YPOQ602ER1jkf1", "130.92.34.66", "08:28", "2017-07-18"):
        assert secret not in stored
    wave_page = client.get(f"/console/acme/waves/{wave.pk}/").content.decode()
    assert "Imported from a file" in wave_page and "Launch" not in wave_page


def test_an_spss_file_with_value_labels_is_imported_with_each_row_in_the_unit_of_its_column(
    client, login, initech, exports_dir, django_user_model
):
    from allypath.web.orgs.models import Membership, Role

    admin = django_user_model.objects.create_user("ines", "ines@example.test", "x" * 16)
    Membership.objects.create(user=admin, org=initech, role=Role.ORG_ADMIN)
    login(admin)
    url = preview_url(
        upload(client, "sample.sav", (exports_dir / "sample.sav").read_bytes(), SPSS_MAPPING, org="initech")
    )
    html = client.get(url).content.decode()
    assert '<dd id="detected-format">spss</dd>' in html and '<dd id="row-count">5</dd>' in html
    assert '<option value="mychar" selected>' in html  # the mapping's unit column is preselected
    done = client.post(url, {"action": "import", **settings_for(unit_column="mychar", name="SPSS")})
    assert done.status_code == 302, done.content.decode()[:3000]
    wave = Wave.objects.get(org=initech, name="SPSS")
    got = {r.unit.path: r.answers for r in Response.objects.filter(wave=wave)}
    assert got == {
        "a": {"ap1": 1, "ap3": 1},
        "b": {"ap1": 3, "ap3": 2},
        "c": {"ap1": 5, "ap3": 1},
        "d": {"ap1": 1, "ap3": 2},
        "e": {"ap1": 1, "ap3": 1},
    }
    assert wave.kind == WaveKind.IMPORTED and wave.status == WaveStatus.CLOSED


def test_an_imported_wave_reaches_the_dashboard_through_the_privacy_gate_and_small_groups_stay_hidden(
    client, login, alice, bob, acme, instrument
):
    rows = [("Sales/EMEA", 1 + n % 4) for n in range(12)] + [("Engineering", 4)] * 8
    rows += [("Sales/APAC", 2)] * 2
    login(alice)
    url = preview_url(upload(client, "pulse.csv", wide_csv(rows, instrument.form("short"))))
    assert '<option value="Department" selected>' in client.get(url).content.decode()
    done = client.post(url, {"action": "import", **settings_for(unit_column="Department", form="short")})
    assert done.status_code == 302, done.content.decode()[:3000]
    wave = Wave.objects.get(org=acme, kind=WaveKind.IMPORTED)
    assert Response.objects.filter(wave=wave, status="scored").count() == 22
    assert Response.objects.filter(wave=wave, stage=4).count() == 3 + 8

    login(bob)  # a viewer reads it like any wave
    api = "/api/v1/orgs/acme/dashboard"
    overview = client.get(f"{api}/overview", {"wave": wave.pk})
    assert overview.status_code == 200, overview.content[:500]
    total = overview.json()["total"]
    assert total["visible"] and total["n"] == 22
    # Engineering's 8 are all Energised: wherever a split would give that away it is not shown
    if total["split"] == "stages":
        assert total["stages"]["energised"]["share"] == pytest.approx(11 / 22)
    else:
        assert total["stages"] == {} and total["split_message"]
    top = client.get(f"{api}/groups", {"wave": wave.pk, "by": "unit"}).json()
    assert {g["value"]: g["n"] for g in top["groups"]} == {"Engineering": 8, "Sales": 14}
    sales = client.get(f"{api}/groups", {"wave": wave.pk, "unit": "Sales"}).json()
    apac = {g["value"]: g for g in sales["groups"]}["Sales/APAC"]
    assert not apac["visible"] and apac["n"] is None and apac["stages"] == {}
    page = client.get("/console/acme/dashboard/", {"wave": wave.pk})
    assert page.status_code == 200 and "22" in page.content.decode()
    assert AccessEvent.objects.filter(username="bob", wave=wave).exists()


def test_rows_can_go_into_an_empty_draft_imported_wave(client, login, alice, acme, instrument, make_wave):
    draft = make_wave(acme, launch=False, kind=WaveKind.IMPORTED, form="short", name="Draft import")
    login(alice)
    url = preview_url(
        upload(client, "pulse.csv", wide_csv([("Engineering", 3)] * 5, instrument.form("short")))
    )
    form = settings_for(unit_column="Department", target=str(draft.pk), name="", opens_on="", closes_on="")
    done = client.post(url, {"action": "import", **form})
    assert done.status_code == 302, done.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.status == WaveStatus.CLOSED and draft.responses.count() == 5
    assert Wave.objects.filter(org=acme, kind=WaveKind.IMPORTED).count() == 1


def test_blank_rows_are_skipped_and_counted(client, login, alice, instrument):
    login(alice)
    form = instrument.form("short")
    blank = "R_blank,Engineering" + "," * len([i for i in form.items if i.type == "likert"]) + "\n"
    url = preview_url(upload(client, "pulse.csv", wide_csv([("Engineering", 2)] * 3, form, extra=blank)))
    html = client.post(url, {"action": "check", **settings_for(unit_column="Department")}).content.decode()
    assert "3 rows will be imported; 1 row without any answer will be skipped" in html


# -- bad input: every problem named by row and column, nothing written --------------------------------------


def _refused(response: Any) -> list[list[str]]:
    assert response.status_code == 422, response.content.decode()[:2000]
    html = response.content.decode()
    assert "nothing was imported" in html
    return problems_of(html)


def test_a_zero_byte_file_is_refused_naming_the_file_and_its_header(client, login, alice):
    login(alice)
    before = counts()
    problems = _refused(upload(client, "empty.csv", b""))
    assert problems == [["empty.csv", "header", "—", "the file is empty (0 bytes): there is no header row"]]
    assert counts() == before and not staged()


def test_a_file_of_the_wrong_type_is_refused_and_not_kept(client, login, alice):
    login(alice)
    before = counts()
    (problem,) = _refused(upload(client, "answers.pdf", b"%PDF-1.4 not a survey"))
    assert problem[0] == "answers.pdf" and problem[3].startswith("unsupported file type .pdf")
    assert counts() == before and not staged()


def test_a_broken_header_is_refused_naming_the_column(client, login, alice):
    login(alice)
    before = counts()
    (problem,) = _refused(upload(client, "wide.csv", b"ResponseId,ap1,ap1\nr1,3,4\n"))
    assert problem[:3] == ["wide.csv", "header", "ap1"] and "appears twice" in problem[3]
    assert counts() == before and not staged()


def test_values_outside_the_mapping_are_listed_row_by_row_and_nothing_is_imported(client, login, alice):
    login(alice)
    content = (
        b"Q1,Q2\n"
        b"Agree,3\n"
        b"Maybe,3\n"  # row 2: not in the mapping
        b"Agree,9\n"  # row 3: outside the scale
        b"Maybe,7\n"  # row 4: both
    )
    mapping = "items:\n  ap1: {column: Q1, values: {Disagree: 2, Agree: 4}}\n  ap3: Q2\n"
    url = preview_url(upload(client, "answers.csv", content, mapping))
    before = counts()
    problems = _refused(client.post(url, {"action": "import", **settings_for(unit_path="Engineering")}))
    where = [(p[1], p[2]) for p in problems]
    assert where == [("row 2", "Q1"), ("row 3", "Q2"), ("row 4", "Q1"), ("row 4", "Q2")]
    assert "&#x27;Maybe&#x27; is not in the mapping of item &#x27;ap1&#x27;" in problems[0][3]
    assert "outside its scale 1..5" in problems[1][3]
    assert counts() == before
    rows = list(csv.reader(io.StringIO(client.get(url + "problems.csv").content.decode())))
    assert rows[0] == ["file", "row", "column", "message"]
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        ("answers.csv", "2", "Q1"),
        ("answers.csv", "3", "Q2"),
        ("answers.csv", "4", "Q1"),
        ("answers.csv", "4", "Q2"),
    ]


def test_the_problems_csv_cannot_run_a_formula_from_the_file(client, login, alice):
    login(alice)
    mapping = "items:\n  ap1: {column: '=SUM(A1)', range: [1, 5]}\n"
    url = preview_url(upload(client, "answers.csv", b"=SUM(A1),Q2\n9,4\n", mapping))
    client.post(url, {"action": "check", **settings_for(unit_path="Engineering")})
    rows = list(csv.reader(io.StringIO(client.get(url + "problems.csv").content.decode())))
    assert rows[1][:3] == ["answers.csv", "1", "'=SUM(A1)"]  # shown as text by a spreadsheet
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_an_unknown_unit_is_a_problem_of_its_row_and_column(client, login, alice, instrument):
    login(alice)
    form = instrument.form("short")
    rows = [("Engineering", 2), ("Narnia", 2), ("Sales/EMEA", 3), ("", 1)]
    url = preview_url(upload(client, "pulse.csv", wide_csv(rows, form)))
    before = counts()
    problems = _refused(client.post(url, {"action": "import", **settings_for(unit_column="Department")}))
    assert [p[1:3] for p in problems] == [["row 2", "Department"], ["row 4", "Department"]]
    assert "unit &#x27;Narnia&#x27; is not a unit of this organisation" in problems[0][3]
    assert problems[1][3] == "has no unit"
    assert counts() == before


def test_every_kind_of_problem_is_listed_in_one_check(client, login, alice):
    """A bad answer value used to hide an unknown unit until it was fixed: now both come at once."""
    login(alice)
    content = b"Dept,Q1,Q2\nEngineering,Maybe,3\nNarnia,Agree,3\nEngineering,Agree,9\n"
    mapping = (
        "attributes: {unit: Dept}\nitems:\n  ap1: {column: Q1, values: {Disagree: 2, Agree: 4}}\n  ap3: Q2\n"
    )
    url = preview_url(upload(client, "answers.csv", content, mapping))
    before = counts()
    problems = _refused(client.post(url, {"action": "check", **settings_for(unit_column="Dept")}))
    assert [p[1:3] for p in problems] == [["row 1", "Q1"], ["row 2", "Dept"], ["row 3", "Q2"]]
    assert "Narnia" in problems[1][3]
    assert counts() == before


def test_the_mapping_is_changed_in_the_browser_all_or_nothing(client, login, alice):
    login(alice)
    content = b"Q1,Q2,Q3\nAgree,3,4\nDisagree,2,5\n"
    mapping = "items:\n  ap1: {column: Q1, values: {Disagree: 2, Agree: 4}}\n  ap3: Q2\n"
    url = preview_url(upload(client, "answers.csv", content, mapping))
    page = client.get(url).content.decode()
    assert 'name="column:ap1"' in page and "Agree = 4" in page
    # every problem of an edit is named, and nothing of it is saved
    bad = {
        "action": "edit_mapping",
        "column:ap1": "Q1",
        "values:ap1": "Disagree = 2\nAgree = four",
        "column:ap3": "Q1",
        "add_item": "am1",
        "add_column": "Nope",
    }
    problems = _refused(client.post(url, bad))
    messages = " ".join(p[3] for p in problems)
    assert "question ap1, line 2 of its values" in messages
    assert "answers both question ap1 and ap3" in messages.replace("&#x27;", "'")
    assert "answers question am1" in messages
    assert "ap3:\n    column: Q2" in client.get(url + "mapping.yaml").content.decode()  # unchanged
    good = {
        "action": "edit_mapping",
        "column:ap1": "Q1",
        "values:ap1": "Disagree = 1\nAgree = 5",
        "column:ap3": "",  # left out
        "add_item": "am1",
        "add_column": "Q3",
    }
    assert client.post(url, good).status_code == 302
    saved = client.get(url + "mapping.yaml").content.decode()
    assert "am1" in saved and "Q3" in saved and "ap3" not in saved.split("unmatched")[0]
    assert "Agree: 5" in saved and "column: Q2" not in saved
    checked = client.post(url, {"action": "check", **settings_for(unit_path="Engineering")})
    assert "No problems: 2 rows will be imported" in checked.content.decode()


def test_an_unmapped_required_item_is_named(client, login, alice):
    login(alice)
    mapping = "required: [ap1, ap3]\nitems:\n  ap3: Q2\n"
    url = preview_url(upload(client, "answers.csv", b"Q1,Q2\n4,4\n", mapping))
    before = counts()
    problems = _refused(client.post(url, {"action": "check", **settings_for(unit_path="Engineering")}))
    assert problems == [
        [
            "answers.csv",
            "whole file",
            "ap1",
            "required item &#x27;ap1&#x27; is not mapped to any source column; add it under &#x27;items&#x27; "
            "in the mapping",
        ]
    ]
    assert counts() == before


def test_answers_the_survey_would_refuse_are_refused_here_too(client, login, alice):
    """The same check as a survey submission: an exclusive checklist option cannot come with others."""
    login(alice)
    mapping = "items:\n  ep:\n    type: checklist\n    columns: {training: E1, none: E2}\n  ap1: Q1\n"
    url = preview_url(upload(client, "answers.csv", b"Q1,E1,E2\n4,1,0\n4,1,1\n", mapping))
    before = counts()
    problems = _refused(client.post(url, {"action": "import", **settings_for(unit_path="Engineering")}))
    assert [p[1:3] for p in problems] == [["row 2", "E1, E2"]]
    assert "cannot be combined with other options" in problems[0][3]
    assert counts() == before


def test_the_page_lists_the_first_problems_and_the_csv_all_of_them(client, login, alice):
    login(alice)
    content = "Q1\n" + "9\n" * 60
    url = preview_url(upload(client, "answers.csv", content.encode(), "items:\n  ap1: Q1\n"))
    response = client.post(url, {"action": "check", **settings_for(unit_path="Engineering")})
    assert len(_refused(response)) == imports.SHOWN_PROBLEMS
    assert "60 problems" in response.content.decode()
    assert len(client.get(url + "problems.csv").content.decode().strip().splitlines()) == 61


def test_a_mapping_that_is_not_valid_yaml_is_refused_and_the_old_one_kept(client, login, alice):
    login(alice)
    url = preview_url(upload(client, "answers.csv", b"Q1\n4\n", "items:\n  ap1: Q1\n"))
    bad = SimpleUploadedFile("mapping.yaml", b"items:\n  ap1: {colum: Q1}\n")
    (problem,) = _refused(client.post(url, {"action": "mapping", "mapping": bad}))
    assert problem[0] == "mapping.yaml" and "unknown key(s) &#x27;colum&#x27;" in problem[3]
    assert "column: Q1" in client.get(url + "mapping.yaml").content.decode()


def test_a_failure_while_storing_leaves_nothing_behind(client, login, alice, instrument, monkeypatch):
    from allypath.web.survey import imported

    def broken(*args: Any, **kwargs: Any) -> None:
        raise WaveStateError("the audit log is unavailable")

    # Load every view module first: one imported while the patch is active would keep `broken` as its
    # own record_access for the rest of the session (seen: the dashboard failing in a later test).
    get_resolver().url_patterns  # noqa: B018
    monkeypatch.setattr("allypath.web.audit.log.record_access", broken)
    assert imported.import_responses  # the service looks record_access up at call time
    login(alice)
    url = preview_url(
        upload(client, "pulse.csv", wide_csv([("Engineering", 3)] * 6, instrument.form("short")))
    )
    before = counts()
    response = client.post(url, {"action": "import", **settings_for(unit_column="Department", form="short")})
    (problem,) = _refused(response)
    assert "the audit log is unavailable" in problem[3]
    assert counts() == before
    monkeypatch.undo()  # the upload was released: once the cause is fixed, the import goes through
    again = client.post(url, {"action": "import", **settings_for(unit_column="Department", form="short")})
    assert again.status_code == 302 and Response.objects.count() == before[1] + 6
    from allypath.web.audit import log
    from allypath.web.dashboard import service as dashboard_service

    assert dashboard_service.record_access is log.record_access  # nothing kept the broken one


def test_a_second_click_while_the_import_runs_imports_nothing_twice(client, login, alice, instrument):
    login(alice)
    url = preview_url(
        upload(client, "pulse.csv", wide_csv([("Engineering", 3)] * 5, instrument.form("short")))
    )
    (folder,) = staged()
    (folder / "importing").touch()  # what the first request holds while it stores the rows
    before = counts()
    response = client.post(url, {"action": "import", **settings_for(unit_column="Department", form="short")})
    assert response.status_code == 409 and "already being imported" in response.content.decode()
    assert counts() == before


def test_discarding_an_upload_removes_its_file(client, login, alice):
    login(alice)
    url = preview_url(upload(client, "answers.csv", b"Q1\n4\n"))
    assert len(staged()) == 1
    assert client.post(url, {"action": "discard"}).status_code == 302
    assert not staged() and client.get(url).status_code == 404


def test_the_upload_is_kept_privately_outside_the_static_root():
    assert not STAGES.resolve().is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert STAGES.resolve().is_relative_to(Path(settings.ENV.data_dir).resolve())


# -- who may import ----------------------------------------------------------------------------------------


def test_viewers_and_analysts_may_not_upload_and_other_organisations_get_a_404(
    client, login, bob, dave, charlie, acme
):
    for user, status in ((bob, 403), (dave, 403), (charlie, 404)):
        login(user)
        assert client.get(UPLOAD).status_code == status
        assert upload(client, "answers.csv", b"Q1\n4\n").status_code == status
    assert not staged()


def test_an_upload_is_seen_only_by_the_admin_who_made_it(client, login, alice, acme, django_user_model):
    from allypath.web.orgs.models import Membership, Role

    login(alice)
    url = preview_url(upload(client, "answers.csv", b"Q1\n4\n"))
    other = django_user_model.objects.create_user("olga", "olga@example.test", "x" * 16)
    Membership.objects.create(user=other, org=acme, role=Role.ORG_ADMIN)
    login(other)
    for suffix in ("", "mapping.yaml", "problems.csv"):
        assert client.get(url + suffix).status_code == 404
    assert client.post(url, {"action": "discard"}).status_code == 404
    assert client.get("/console/acme/imports/" + "0" * 32 + "/").status_code == 404


# -- the imported wave and its rows ------------------------------------------------------------------------


def test_an_imported_wave_is_never_launched_nor_open(acme, make_wave):
    wave = make_wave(acme, launch=False, kind=WaveKind.IMPORTED)
    with pytest.raises(WaveStateError, match="imported from a file"):
        wave.launch()
    wave.finish_import()
    assert wave.status == WaveStatus.CLOSED and not wave.accepts_answers()
    survey = make_wave(acme, launch=False)
    with pytest.raises(WaveStateError, match="survey wave"):
        survey.finish_import()


def test_rows_are_scored_exactly_as_a_single_submission_is(instrument):
    from allypath.web.survey.scoring import score_many

    form = instrument.form("short")
    cleans = [sample_answers(form, level) for level in (1, 3, 5)] + [{"ap1": 4}]
    batch = score_many(cleans, instrument, "short")
    single = [score_one(c, instrument, "short") for c in cleans]
    assert [set(b) for b in batch] == [set(s) for s in single]
    assert [b["status"] for b in batch] == ["scored", "scored", "scored", "insufficient"]
    for b, s in zip(batch, single, strict=True):
        for key, value in s.items():  # the same numbers, up to the last bits of a vectorised sum
            # person fit is summed in float32 by the kernel (its moments tables are float32), so
            # a batch and a single row agree to float32's precision, far inside the -2.2 threshold
            rel = 1e-6 if key == "person_fit" else 1e-12
            assert b[key] == (pytest.approx(value, rel=rel) if isinstance(value, float) else value), key


# -- cells as written: unit codes keep their zeros, an answer that is not a number is refused -----------------


def test_unit_codes_with_leading_zeros_find_their_own_units(
    client, login, make_org, instrument, django_user_model
):
    """pyarrow read the unit column 0042, 007 as 42 and 7: 0042's rows went into unit 42, 007's nowhere."""
    from allypath.web.orgs.models import Membership, Role

    org = make_org(
        "zeros", [(f"Z{n}", unit, "Staff", "EMEA", "", "en") for n, unit in enumerate(["0042", "42", "007"])]
    )
    admin = django_user_model.objects.create_user("zoe", "zoe@example.test", "x" * 16)
    Membership.objects.create(user=admin, org=org, role=Role.ORG_ADMIN)
    login(admin)
    rows = [("0042", 2), ("0042", 3), ("42", 1), ("007", 4)]
    url = preview_url(upload(client, "pulse.csv", wide_csv(rows, instrument.form("short")), org="zeros"))
    done = client.post(url, {"action": "import", **settings_for(unit_column="Department", form="short")})
    assert done.status_code == 302, done.content.decode()[:3000]
    got = sorted(r.unit.path for r in Response.objects.filter(wave__org=org))
    assert got == ["0042", "0042", "007", "42"]


@pytest.mark.parametrize("cell", ["NaN", "nan", "0x3"])
def test_an_answer_that_is_not_a_number_is_refused_by_row_and_column(client, login, alice, instrument, cell):
    """pyarrow read NaN as a blank answer (the row was imported without it) and 0x3 as the answer 3."""
    login(alice)
    form = instrument.form("short")
    content = wide_csv([("Engineering", 2)] * 3, form).decode().splitlines()
    header = content[0].split(",")
    column = next(i for i, name in enumerate(header) if name == "ap1")
    cells = content[2].split(",")
    cells[column] = cell
    content[2] = ",".join(cells)
    url = preview_url(upload(client, "pulse.csv", ("\n".join(content) + "\n").encode()))
    before = counts()
    problems = _refused(client.post(url, {"action": "import", **settings_for(unit_column="Department")}))
    assert [p[1:3] for p in problems] == [["row 2", "ap1"]]
    assert f"value &#x27;{cell}&#x27; of item &#x27;ap1&#x27; is not a number" in problems[0][3]
    assert counts() == before
