"""HR imports a survey export in a real browser (Debian chromium via Playwright): upload, preview, check,
import; the page passes axe-core (no serious or critical violation) under the strict CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from allypath.web.orgs.models import Wave, WaveKind, WaveStatus
from allypath.web.survey.models import Response
from browser_support import console_sign_in, serious_violations

from .conftest import PASSWORD
from .test_response_import import wide_csv

pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def test_hr_uploads_an_export_reviews_the_mapping_checks_it_and_imports_it(
    live_server, browser, alice, acme, instrument, tmp_path
):
    export = tmp_path / "pulse.csv"
    export.write_bytes(wide_csv([("Engineering", 3)] * 4 + [("Sales/EMEA", 4)] * 3, instrument.form("short")))
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    csp_errors: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp_errors.append(m.text))

    console_sign_in(page, live_server.url, "alice", PASSWORD)
    page.goto(f"{live_server.url}/console/acme/waves/")
    with page.expect_navigation():
        page.get_by_role("link", name="Import responses from a file").click()

    page.get_by_label("Survey export").set_input_files(str(export))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and preview").click()
    assert page.locator("#detected-format").inner_text() == "csv"
    assert page.locator("#row-count").inner_text() == "7"
    assert page.locator("#mapping tbody tr").count() == len(
        [i for i in instrument.form("short").items if i.type == "likert"]
    )
    assert page.get_by_label("Unit column").input_value() == "Department"
    assert serious_violations(page) == []

    page.get_by_label("Name of the new wave").fill("Pulse from the old tool")
    page.get_by_label("Form", exact=True).select_option("short")
    with page.expect_navigation():
        page.get_by_role("button", name="Check the file").click()
    assert page.get_by_text("No problems: 7 rows will be imported").is_visible()
    assert Wave.objects.filter(kind=WaveKind.IMPORTED).count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "console-import-preview.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()
    assert page.locator(".messages").get_by_text(re.compile("^Imported 7 responses")).is_visible()
    wave = Wave.objects.get(org=acme, kind=WaveKind.IMPORTED)
    assert wave.status == WaveStatus.CLOSED and wave.name == "Pulse from the old tool"
    assert Response.objects.filter(wave=wave).count() == 7
    assert page.get_by_role("heading", name="Pulse from the old tool").is_visible()
    assert csp_errors == []
