"""Issue 16's acceptance journey in a real browser (Debian chromium via Playwright), as an HR partner:
sign in, set a wave up with an audience (Waves -> New wave), preview the survey, open the e-mails, launch
through the confirmation page, let the men answer through the API, close the wave and open the
dashboard, whose summary answers the research's three questions. axe-core finds no serious or critical
violation on any page visited; at 390 px no dashboard page is wider than the screen. Screenshots of the
overview at 1366 and 390 px in English, French and Arabic go to artifacts/screenshots/acceptance-*.png
for a person to look at."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from allypath import load_instrument
from allypath.web.orgs.importing import import_hris
from allypath.web.orgs.models import Membership, Organisation, Role, Wave, WaveStatus
from answer_patterns import sample_answers
from browser_support import console_sign_in, launched_chromium, serious_violations
from web.conftest import tokens_of

pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "an HR partner's password for the journey"
QUESTIONS = {
    "en": (
        "Do men feel safe to explore their biases and uncertainties?",
        "Are men offered ways to engage that acknowledge their own experience of gender norms?",
        "Is allyship supported, modelled and rewarded consistently?",
    ),
}
# (or too close to call, where the margin of the means could change the answer)
VERDICTS = {
    "en": "Yes|Partly|No|Too close to call",
    "fr": "Oui|En partie|Non|Trop serré pour trancher",
    "ar": "نعم|جزئيًا|لا|يتعذّر الحسم",
}
UNITS = {"Operations/North": 30, "Operations/South": 26, "Finance": 24}
TABS = ("", "groups/", "heatmap/", "contexts/", "trends/", "plan/", "comments/")


@pytest.fixture
def browser() -> Iterator[Any]:
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def harbour(tmp_path) -> Organisation:
    """80 men in three units, and 12 women the default audience leaves out."""
    lines = ["employee_id,unit,level,region,email,language,gender"]
    number = 0
    for unit, men in UNITS.items():
        for i in range(men):
            number += 1
            level = "Manager" if i % 5 == 0 else "Staff"
            lines.append(f"H{number:03d},{unit},{level},EMEA,h{number}@harbour.test,en,man")
    lines += [f"W{i:03d},Finance,Staff,EMEA,w{i}@harbour.test,en,woman" for i in range(12)]
    path = tmp_path / "harbour.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    org = Organisation.objects.create(name="Harbour Group", slug="harbour")
    import_hris(org, path)
    user = User.objects.create_user("hana", "hana@harbour.test", PASSWORD)
    Membership.objects.create(user=user, org=org, role=Role.ORG_ADMIN)
    return org


def checked(page: Any, where: str) -> None:
    """axe-core: no serious or critical violation on the page as it stands."""
    assert serious_violations(page) == [], where


def fits(page: Any, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where}: the page is {width} px wide on a 390 px screen"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"acceptance-{name}.png"), full_page=True)


def answer_through_the_api(browser: Any, url: str, wave: Wave) -> int:
    """Every invited man with a link answers through POST /api/v1/responses, as a survey client would;
    their answers spread over the four stages. Returns how many were stored."""
    form = load_instrument().form(wave.form)
    links = tokens_of(wave)
    client = browser.new_context().request  # no HR session: respondents are anonymous
    stored = 0
    for number, token in enumerate(sorted(links.values())):
        body = {
            "token": token,
            "submission_id": str(uuid.uuid4()),
            "answers": sample_answers(form, level=1 + number % 4),
            "language": "en",
        }
        response = client.post(
            f"{url}/api/v1/responses", data=json.dumps(body), headers={"Content-Type": "application/json"}
        )
        assert response.status == 201, response.text()
        stored += 1
    return stored


def test_an_hr_partner_sets_up_a_wave_and_reads_the_answers_to_the_three_questions(
    live_server, harbour, browser
):
    url = live_server.url
    page = browser.new_context(viewport=WIDE, device_scale_factor=1).new_page()
    console_sign_in(page, url, "hana", PASSWORD)

    # Waves -> New wave: the men of Operations, the short form, anonymous, k = 5
    page.goto(f"{url}/console/harbour/waves/")
    checked(page, "waves")
    page.get_by_role("link", name="New wave").click()
    checked(page, "new wave")
    today = timezone.localdate()
    page.fill("input[name=name]", "2027 spring")
    page.check("input[name=audience][value=men]")
    page.check("input[name=audience_units][value=Operations]")
    page.check("input[name=form][value=short]")
    page.check("input[name=privacy_mode][value=anonymous]")
    page.fill("input[name=k]", "5")
    page.fill("input[name=k_text]", "10")
    page.fill("input[name=opens_on]", today.isoformat())
    page.fill("input[name=closes_on]", (today + dt.timedelta(days=21)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    assert Wave.objects.filter(org=harbour, name="2027 spring").exists(), page.locator(
        ".errorlist, .errors, [role=alert]"
    ).all_inner_texts()
    wave = Wave.objects.get(org=harbour, name="2027 spring")
    assert wave.status == WaveStatus.DRAFT and wave.audience_units == ["Operations"]
    checked(page, "wave draft")

    # the survey as respondents will see it, in each language; the e-mails
    page.get_by_role("link", name="Preview the survey as respondents will see it").click()
    assert page.locator("fieldset[disabled]").count() >= 1
    checked(page, "survey preview")
    page.goto(f"{url}/console/harbour/waves/{wave.pk}/preview/?lang=ar&page=1")
    assert page.locator('[lang="ar"][dir="rtl"]').count() >= 1
    checked(page, "survey preview in Arabic")
    page.goto(f"{url}/console/harbour/waves/{wave.pk}/emails/")
    checked(page, "e-mails")

    # Launch...: the confirmation states the number (the 56 men of Operations), then launches
    page.goto(f"{url}/console/harbour/waves/{wave.pk}/")
    page.get_by_role("link", name="Launch…").click()
    checked(page, "launch confirmation")
    assert "56 people" in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Launch and invite 56 people").click()
    wave.refresh_from_db()
    assert wave.status == WaveStatus.OPEN and wave.invitations.count() == 56

    assert answer_through_the_api(browser, url, wave) == 56

    page.goto(f"{url}/console/harbour/waves/{wave.pk}/")
    page.get_by_label("Close now: no one can answer after this, and unfinished drafts are deleted").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Close the wave").click()
    wave.refresh_from_db()
    assert wave.status == WaveStatus.CLOSED

    # the dashboard: the summary answers the three questions
    page.goto(f"{url}/console/harbour/dashboard/")
    summary = page.locator("section.summary")
    text = summary.inner_text()
    assert "56 men answered and were placed on the model" in text
    for question in QUESTIONS["en"]:
        assert re.search(re.escape(question) + r"\s+(Yes|Partly|No|Too close to call)\. ", text), question
    assert summary.locator("ol.summary-actions li").count() >= 1
    for tab in TABS:
        page.goto(f"{url}/console/harbour/dashboard/{tab}")
        assert page.locator("section.summary").count() == 1, tab
        checked(page, f"dashboard {tab or 'overview'}")
    page.goto(f"{url}/console/harbour/policies/")
    checked(page, "policies")
    page.goto(f"{url}/console/harbour/dashboard/deck/")  # the workshop deck: a short-form wave says why not
    assert "does not ask about work situations" in page.inner_text("section.group-deck")
    checked(page, "workshop deck")

    # screenshots of the overview in three languages, wide and on a phone; no page wider than a phone
    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=1, storage_state=page.context.storage_state()
    )
    small = phone.new_page()
    for language in ("en", "fr", "ar"):
        for view, target in (("1366", page), ("390", small)):
            target.goto(f"{url}/console/harbour/dashboard/?lang={language}")
            words = target.locator("section.summary").inner_text()
            assert len(re.findall(rf"(?:^|\s)({VERDICTS[language]})[.:]", words)) >= 3, (language, view)
            shot(target, f"overview-{language}-{view}")
        fits(small, f"overview ?lang={language}")
        checked(small, f"overview on a phone, {language}")
    for tab in TABS[1:]:
        small.goto(f"{url}/console/harbour/dashboard/{tab}")
        fits(small, tab)
