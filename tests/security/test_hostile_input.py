"""Hostile input through every text field: open-text answers, organisation and unit names (HRIS import),
instrument text (a custom instrument YAML), query parameters, token and receipt paths. Each is refused
with a 4xx naming the field, or stored and shown as inert text: escaped in HTML, never evaluated as a
template, formula-safe in CSV and XLSX exports. Never a 5xx.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest
import yaml
from django.conf import settings
from django.utils.html import escape

from allypath.instrument import load_instrument
from allypath.instrument.loader import DEFAULT_INSTRUMENT
from allypath.io.xlsx import write_xlsx
from allypath.web.orgs.keys import submission_key
from allypath.web.orgs.models import Organisation, Unit
from allypath.web.survey.models import Draft, Response
from answer_patterns import sample_answers

from .conftest import tokens_of, write_hris
from .payloads import ALL_PAYLOADS, DANGEROUS_MARKUP, FORMULA, LONG, NUL, SCRIPT, TEMPLATE, TEXT_PAYLOADS

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def assert_inert(html: str, payload: str) -> None:
    for marker in DANGEROUS_MARKUP:
        assert marker not in html, f"unescaped markup from {payload!r}"
    assert settings.SECRET_KEY not in html


@pytest.fixture
def wave(acme, make_wave):
    return make_wave(acme)


@pytest.fixture
def tokens(wave):
    return tokens_of(wave)


def text_item(instrument) -> str:
    return next(i.id for i in instrument.form("short").items if i.type == "text")


# -- open-text answers --------------------------------------------------------------------------------


def test_hostile_open_text_answers_are_stored_as_text_or_refused_by_field(client, tokens, instrument):
    item = text_item(instrument)
    answers = sample_answers(instrument.form("short"))
    for number, payload in enumerate(ALL_PAYLOADS):
        body = {
            "token": list(tokens.values())[number],
            "submission_id": str(uuid.uuid4()),
            "answers": answers | {item: payload},
            "language": "en",
        }
        r = client.post("/api/v1/responses", json.dumps(body), content_type="application/json")
        assert r.status_code in (201, 422), (payload[:40], r.status_code, r.content[:300])
        if r.status_code == 422:
            assert payload in (NUL, LONG), f"a legitimate text was refused: {payload!r}"
            assert r.json()["errors"][0]["field"] == f"answers.{item}"
        else:
            stored = Response.objects.get(
                submission_key=submission_key(body["token"], uuid.UUID(body["submission_id"]))
            )
            assert stored.answers[item] == payload.strip()


def test_hostile_open_text_is_shown_escaped_when_the_page_comes_back(client, tokens, instrument):
    from allypath.web.survey.pages import page_count, page_items

    form = instrument.form("short")
    item = text_item(instrument)
    number = next(n for n in range(1, page_count(form) + 1) if any(i.id == item for i in page_items(form, n)))
    for payload, token in zip(TEXT_PAYLOADS, list(tokens.values())[:10], strict=False):
        assert client.post(f"/s/{token}/", {"language": "en"}).status_code == 302
        url = f"/s/{token}/p/{number}/"
        client.post(url, {f"q_{item}": payload, "action": "save"})
        assert Draft.objects.exists()  # sealed: the page below is where it comes back, escaped
        assert payload.strip() not in "".join(Draft.objects.values_list("sealed", flat=True))
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert_inert(html, payload)
        assert escape(payload.strip()) in html


# -- organisation and unit names (HRIS import through the console) --------------------------------------


def test_hostile_unit_names_from_an_hris_file_render_as_text(tmp_path: Path, login, alice, acme):
    people = [
        (f"X{i:03d}", f"Sales/{payload.replace(',', ' ').replace('/', '|')}", "Staff", "EMEA", "", "en")
        for i, payload in enumerate(TEXT_PAYLOADS)
    ]
    upload = write_hris(tmp_path / "hostile.csv", people)
    client = login(alice)
    with upload.open("rb") as handle:
        imported = client.post("/console/acme/import/", {"file": handle})
    # the file replaces acme's people: it is imported once confirmed
    assert imported.status_code == 200, imported.content[:500]
    key = re.search(r'name="pending" value="([0-9a-f]{32})"', imported.content.decode())
    assert key, imported.content[:500]
    imported = client.post("/console/acme/import/", {"pending": key.group(1), "action": "import"})
    assert imported.status_code == 302, "printable unit names are legitimate"
    units = client.get("/console/acme/units/")
    assert units.status_code == 200
    html = units.content.decode()
    for payload in TEXT_PAYLOADS:
        assert_inert(html, payload)
    assert escape('Sales/<script>alert("xss")<|script>') in html or "&lt;script&gt;" in html
    assert Unit.objects.filter(org=acme, name__contains="<script>").exists()


def test_an_hris_file_with_nul_bytes_or_huge_values_is_refused_with_a_message(tmp_path, login, alice):
    client = login(alice)
    for payload in (NUL, LONG):
        upload = write_hris(tmp_path / "bad.csv", [("Z001", f"Sales/{payload}", "Staff", "EMEA", "", "en")])
        with upload.open("rb") as handle:
            response = client.post("/console/acme/import/", {"file": handle})
        assert response.status_code == 422, (payload[:20], response.status_code)
        assert "problem" in response.content.decode().lower() or "row" in response.content.decode().lower()


def test_hostile_organisation_names_render_as_text_everywhere(login, alice, acme, wave):
    for payload in TEXT_PAYLOADS:
        Organisation.objects.filter(pk=acme.pk).update(name=payload)
        client = login(alice)
        for url in ("/console/", "/console/acme/", "/console/acme/waves/", f"/console/acme/waves/{wave.pk}/"):
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            assert_inert(response.content.decode(), payload)
        orgs = client.get("/api/v1/orgs").json()
        assert orgs[0]["name"] == payload  # JSON carries the text as data


def test_template_syntax_in_data_is_never_evaluated(login, alice, acme):
    Organisation.objects.filter(pk=acme.pk).update(name=TEMPLATE)
    html = login(alice).get("/console/acme/").content.decode()
    assert "{{ settings.SECRET_KEY }}" in html.replace("&#x27;", "'")
    assert settings.SECRET_KEY not in html


# -- instrument text (a custom instrument YAML) ----------------------------------------------------------


@pytest.fixture
def hostile_instrument(tmp_path: Path, monkeypatch):
    raw = yaml.safe_load(Path(DEFAULT_INSTRUMENT).read_text(encoding="utf-8"))
    raw["title"]["en"] = SCRIPT
    count = 0
    for construct in raw["constructs"]:
        for item in construct["items"]:
            item["text"]["en"] = TEXT_PAYLOADS[count % len(TEXT_PAYLOADS)] + f" ({item['id']})"
            count += 1
    path = tmp_path / "hostile-instrument.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    instrument = load_instrument(path)
    monkeypatch.setattr("allypath.web.orgs.instruments.load_instrument", lambda *a, **k: instrument)
    return instrument


def test_hostile_instrument_texts_render_escaped_on_every_survey_page(
    client, hostile_instrument, acme, make_wave
):
    from allypath.web.survey.pages import page_count

    wave = make_wave(acme, instrument_id=hostile_instrument.id, instrument_version=hostile_instrument.version)
    token = next(iter(tokens_of(wave).values()))
    intro = client.get(f"/s/{token}/")
    assert intro.status_code == 200
    assert_inert(intro.content.decode(), SCRIPT)
    assert escape(SCRIPT) in intro.content.decode()
    assert client.post(f"/s/{token}/", {"language": "en"}).status_code == 302
    for number in range(1, page_count(hostile_instrument.form("short")) + 1):
        page = client.get(f"/s/{token}/p/{number}/")
        assert page.status_code == 200
        assert_inert(page.content.decode(), f"page {number}")
    assert "&lt;img src=x onerror=alert(1)&gt;" in "".join(
        client.get(f"/s/{token}/p/{n}/").content.decode() for n in (1, 2, 3)
    )


# -- query parameters, token and receipt paths -----------------------------------------------------------


def test_hostile_query_parameters_and_paths_never_break_or_reflect(client, tokens, login, alice, wave):
    token = next(iter(tokens.values()))
    for payload in ALL_PAYLOADS:
        q = quote(payload[:500], safe="")
        for url in (
            f"/s/{token}/?lang={q}",
            f"/s/{q}/",
            f"/s/{q}/p/1/",
            f"/r/{q}/",
            f"/r/{q}/pdf",
            f"/healthz?x={q}",
        ):
            response = client.get(url)
            assert response.status_code < 500, (url[:80], response.status_code)
            assert_inert(response.content.decode(errors="replace"), payload)
    console = login(alice)
    for payload in ALL_PAYLOADS:
        q = quote(payload[:500], safe="")
        for url in (f"/console/acme/audit/?page={q}", f"/console/{q}/", f"/api/v1/waves/{q}"):
            response = console.get(url)
            assert response.status_code < 500, (url[:80], response.status_code)
            assert_inert(response.content.decode(errors="replace"), payload)


# -- exports ---------------------------------------------------------------------------------------------


def test_the_links_csv_is_formula_safe_with_hostile_employee_ids(tmp_path, make_org, make_wave, login):
    from .conftest import member

    hostile = [FORMULA, "+1+1", "-1+1", "@SUM(1)", '=HYPERLINK("http://evil.example")']
    people = [(value, "Ops", "Staff", "EMEA", f"p{i}@example.test", "en") for i, value in enumerate(hostile)]
    org = make_org("hostile", people)
    wave = make_wave(org)
    admin = member("olga", org, "org_admin")
    response = login(admin).post(f"/console/hostile/waves/{wave.pk}/links.csv", {"confirm": "yes"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    assert len(rows) == len(hostile)
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), row
    assert sorted(row[0].removeprefix("'") for row in rows) == sorted(hostile)


def test_xlsx_exports_keep_hostile_text_as_text(tmp_path):
    from openpyxl import load_workbook

    frame = pd.DataFrame({"comment": TEXT_PAYLOADS, "n": range(len(TEXT_PAYLOADS))})
    path = write_xlsx(frame, tmp_path / "out.xlsx")
    sheet = load_workbook(path).active
    cells = [sheet.cell(row=r, column=1) for r in range(2, len(TEXT_PAYLOADS) + 2)]
    assert [c.value for c in cells] == TEXT_PAYLOADS
    for cell in cells:
        assert cell.data_type == "s", cell.value
        if str(cell.value).startswith(("=", "+", "-", "@")):
            assert cell.quotePrefix, cell.value


def test_the_spreadsheet_guard_neutralises_every_formula_trigger():
    from allypath.web.security import spreadsheet_safe

    for value in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "\n=1"):
        assert str(spreadsheet_safe(value)).startswith("'")
    assert spreadsheet_safe("Sales/EMEA") == "Sales/EMEA"
    assert spreadsheet_safe(-3) == -3
