"""The dashboard in a real browser (Debian chromium via Playwright) on the two demo organisations.

Seeded with scripts/demo_web.py at a small scale, plus a second (panel) wave for Meridian Energy. An HR
admin signs in, reads every view, adopts an intervention, meets a refused filter; axe-core finds no
serious or critical violation; the strict Content-Security-Policy raises no violation. Screenshots go
to artifacts/screenshots/dashboard-*.png for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from allypath.web.orgs.models import Organisation
from allypath.web.plans.models import AdoptedItem
from browser_support import console_sign_in, launched_chromium, serious_violations

from .seed import demo_module, second_wave

pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "a demo password for the browser test"


@pytest.fixture
def browser() -> Iterator[Any]:
    # Per test here, not per module as tests/conftest.py's: each test seeds its own demo database.
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def demo(tmp_path) -> dict[str, Any]:
    facts = demo_module().seed(scale=0.3, out=tmp_path, quiet=True)
    second_wave(Organisation.objects.get(slug="meridian-energy"))
    admin = User.objects.get(username=facts["admin"])
    admin.set_password(PASSWORD)
    admin.save()
    return facts


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"dashboard-{name}.png"), full_page=True)


def open_page(browser: Any, viewport: dict[str, int] = DESKTOP) -> Any:
    page = browser.new_context(viewport=viewport, device_scale_factor=1).new_page()
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    return page


def sign_in(page: Any, url: str, username: str) -> None:
    console_sign_in(page, url, username, PASSWORD)


def test_hr_reads_the_dashboard_of_the_demo_organisations(live_server, demo, browser):
    page = open_page(browser)
    sign_in(page, live_server.url, demo["admin"])
    base = f"{live_server.url}/console/meridian-energy/dashboard/"

    page.goto(f"{live_server.url}/console/meridian-energy/")
    with page.expect_navigation():  # wait for the page, not just the click (slow CI)
        page.get_by_role("link", name="Dashboard").click()
    assert page.get_by_role("heading", name=re.compile("Dashboard: Overview")).is_visible()
    assert page.locator(".figure .value").first.inner_text().isdigit()  # respondents
    assert page.get_by_text("Do men feel safe to explore their biases and uncertainties?").is_visible()
    assert page.locator("figure.chart svg[role=img]").count() == 1
    shot(page, "overview")
    assert serious_violations(page) == []

    with page.expect_navigation():  # wait for the page, not just the click (slow CI)
        page.get_by_role("link", name="Groups", exact=True).click()
    page.get_by_label("Break down by").select_option("level")
    with page.expect_navigation():  # wait for the page, not just the click (slow CI)
        page.get_by_role("button", name="Apply").click()
    assert "by=level" in page.url
    table = page.locator("table").first
    assert table.locator("tbody tr").count() >= 2
    shot(page, "groups-by-level")
    assert serious_violations(page) == []

    with page.expect_navigation():  # wait for the page, not just the click (slow CI)
        page.get_by_role("link", name="Barriers and enablers").click()
    assert page.locator("figure.chart svg[role=img]").count() == 2
    shot(page, "heatmap")

    with page.expect_navigation():  # wait for the page, not just the click (slow CI)
        page.get_by_role("link", name="Trends").click()
    assert page.get_by_text("Change from 2026 Q1 to 2026 Q3").is_visible()
    shot(page, "trends")

    with page.expect_navigation():  # wait for the page, not just the click (slow CI)
        page.get_by_role("link", name="Action plan").click()
    page.locator("details summary").first.click()
    page.locator(".adopt-form").first.get_by_label("Owner").fill("Head of People")
    with page.expect_navigation():  # wait for the page, not just the click (slow CI)
        page.locator(".adopt-form").first.get_by_role("button", name="Adopt").click()
    assert page.locator(".messages").get_by_text(re.compile("^Adopted:")).is_visible()
    assert AdoptedItem.objects.filter(org__slug="meridian-energy", owner="Head of People").count() == 1
    shot(page, "plan")

    with page.expect_navigation():  # wait for the page, not just the click (slow CI)
        page.get_by_role("link", name="Comments").click()
    assert page.locator(".comments li").count() > 0 or page.locator(".refused").count() > 0
    shot(page, "comments")

    with page.expect_navigation():  # wait for the page, not just the click (slow CI)
        page.get_by_role("link", name="Transitions").click()
    assert page.get_by_text("Panel members who answered both").is_visible()
    shot(page, "transitions")

    # a filter singling out a few people against what this viewer has seen: a message, no number
    page.goto(f"{base}groups/?unit=Trading&by=level")
    page.goto(f"{base}groups/?unit=Trading&level=Manager&by=region")
    alert = page.get_by_role("alert")
    assert alert.is_visible() and "cannot be shown" in alert.inner_text()
    assert not re.search(r"\d+%", alert.inner_text())
    shot(page, "refused-filter")
    assert page.csp_errors == []

    phone = open_page(browser, PHONE)
    sign_in(phone, live_server.url, demo["admin"])
    phone.goto(f"{live_server.url}/console/castellan-finance/dashboard/")
    assert phone.get_by_role("heading", name=re.compile("Castellan Finance")).is_visible()
    shot(phone, "overview-phone-castellan")
    assert serious_violations(phone) == []


QUERY_KEYS = re.compile(r"\b(unit\d*|level|region|wave|org)=")
NUMBER = re.compile(r"\d+(?:[.,]\d+)?%?")
PAGES = ("", "groups/?by=unit", "groups/?by=level", "heatmap/?by=unit", "trends/?by=unit")


def _numbers(page: Any) -> list[str]:
    """The figures of the page's main content, in order (what a person compares between screens)."""
    return NUMBER.findall(page.locator("main").inner_text())


def test_two_viewers_browsing_in_opposite_orders_see_identical_pages_in_plain_words(
    live_server, demo, browser, tmp_path
):
    from allypath.web.audit.models import AccessEvent
    from allypath.web.orgs.models import Membership, Role

    org = Organisation.objects.get(slug="meridian-energy")
    viewer = User.objects.create_user("second-viewer", "v@example.test", PASSWORD)
    Membership.objects.create(user=viewer, org=org, role=Role.VIEWER)
    base = f"{live_server.url}/console/meridian-energy/dashboard/"
    seen: dict[str, dict[str, list[str]]] = {}
    for who, order in ((demo["admin"], PAGES), ("second-viewer", tuple(reversed(PAGES)))):
        page = open_page(browser)
        sign_in(page, live_server.url, who)
        seen[who] = {}
        for path in order:
            page.goto(base + path)
            text = page.locator("main").inner_text()
            assert not QUERY_KEYS.search(text), (path, QUERY_KEYS.search(text))
            seen[who][path] = _numbers(page)
            name = path.rstrip("/").replace("/?by=", "-by-").replace("/", "") or "overview"
            shot(page, f"order-{'a' if who == demo['admin'] else 'b'}-{name}")
        page.context.close()
    assert seen[demo["admin"]] == seen["second-viewer"]  # the same figures, whatever came first
    assert any(seen["second-viewer"].values())

    # exports and the audit log speak plain words too
    page = open_page(browser)
    sign_in(page, live_server.url, "second-viewer")
    pdf = tmp_path / "board.pdf"
    pdf.write_bytes(page.request.get(base + "export.pdf?by=unit").body())
    from .test_board import pdf_text

    text = pdf_text(pdf)
    assert "Stage mix by unit" in text and not QUERY_KEYS.search(text)
    csv_text = page.request.get(base + "export.csv?by=unit").text()
    assert csv_text.startswith("group,") and not QUERY_KEYS.search(csv_text)
    groups = list(AccessEvent.objects.filter(org_id=org.pk).values_list("group", flat=True))
    assert groups and not any(QUERY_KEYS.search(g) for g in groups), groups[:5]
