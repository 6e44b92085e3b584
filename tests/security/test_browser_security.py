"""In a real browser (Debian chromium via Playwright): every page renders under the strict
Content-Security-Policy without a single violation (``securitypolicyviolation`` events and console
reports), and hostile data shows as text: no dialog opens, no injected element exists in the DOM.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from allypath.web.audit import record_access
from allypath.web.orgs.models import Membership, Organisation, Unit
from allypath.web.survey.pages import page_count
from allypath.web.survey.submission import submit
from answer_patterns import sample_answers

from .conftest import tokens_of
from .payloads import IMG, SCRIPT, SVG, TEXT_PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.django_db(transaction=True)]

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '')));
"""
INJECTED = (
    "document.querySelectorAll('img[src=\"x\"], svg[onload], [onerror], [onload], script:not([src])').length"
)


class Watched:
    """A page that records CSP violations, console reports and dialogs."""

    def __init__(self, browser: Any, base: str, user: User | None = None) -> None:
        self.context = browser.new_context()
        if user is not None:
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            cookie = client.cookies["sessionid"]
            self.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base}])
        self.context.add_init_script(WATCH_CSP)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def visit(self, url: str) -> dict[str, Any]:
        response = self.page.goto(url)
        self.page.wait_for_load_state("load")
        return {
            "status": response.status if response else 0,
            "violations": self.page.evaluate("window.__csp || []")
            + [m for m in self.console if "Content Security Policy" in m],
            "injected": self.page.evaluate(INJECTED),
            "text": self.page.inner_text("body"),
        }


@pytest.fixture
def site(acme, alice, bob, make_wave, instrument) -> dict[str, Any]:
    wave = make_wave(acme)
    draft = make_wave(acme, launch=False, name="Autumn draft")
    tokens = list(tokens_of(wave).values())
    receipt = submit(tokens[0], uuid.uuid4(), sample_answers(instrument.form("short")), "en").receipt
    record_access(alice, org=acme, wave=wave, group="all", view="browser.test")
    return {
        "wave": wave,
        "draft": draft,
        "tokens": tokens,
        "receipt": receipt,
        "pages": page_count(instrument.form("short")),
        "membership": Membership.objects.get(user=bob, org=acme),
    }


def test_every_page_renders_without_a_csp_violation(live_server, browser, site, alice):
    base = live_server.url
    token = site["tokens"][1]
    respondent = Watched(browser, base)
    start = respondent.page.goto(f"{base}/s/{token}/")
    assert start is not None and start.status == 200
    respondent.page.get_by_role("button").filter(has_text="start").first.click()
    urls = [f"{base}/s/{token}/p/{n}/" for n in range(1, site["pages"] + 1)]
    urls += [
        f"{base}/s/{token}/",
        f"{base}/s/{token}/saved/",
        f"{base}/r/{site['receipt']}/",
        f"{base}/s/no-such-link/",
        f"{base}/console/login/",
    ]
    checked: list[tuple[str, int]] = []
    for url in urls:
        seen = respondent.visit(url)
        assert seen["violations"] == [], (url, seen["violations"])
        checked.append((url, seen["status"]))
    admin = Watched(browser, base, alice)
    wave, draft = site["wave"], site["draft"]
    for path in (
        "/console/acme/",
        "/console/acme/import/",
        "/console/acme/units/",
        "/console/acme/people/",
        f"/console/acme/people/{site['membership'].pk}/",
        "/console/acme/waves/",
        "/console/acme/waves/new/",
        f"/console/acme/waves/{wave.pk}/",
        f"/console/acme/waves/{draft.pk}/edit/",
        "/console/acme/audit/",
    ):
        seen = admin.visit(base + path)
        assert seen["status"] == 200, path
        assert seen["violations"] == [], (path, seen["violations"])
        checked.append((path, seen["status"]))
    assert [s for _, s in checked if s >= 500] == []
    assert len(checked) >= 20


def test_the_api_docs_load_their_local_scripts_without_a_csp_violation(live_server, browser):
    docs = Watched(browser, live_server.url)
    seen = docs.visit(live_server.url + "/api/v1/docs")
    assert seen["status"] == 200
    docs.page.wait_for_selector(".swagger-ui", timeout=15_000)
    assert docs.page.evaluate("window.__csp") == []


def test_hostile_data_shows_as_text_and_runs_nothing(live_server, browser, site, alice, acme, instrument):
    Organisation.objects.filter(pk=acme.pk).update(name=IMG)
    unit = Unit.objects.get(org=acme, path="Engineering")
    Unit.objects.filter(pk=unit.pk).update(name=SCRIPT, path=f"Engineering/{SVG}")
    for payload in TEXT_PAYLOADS:
        record_access(alice, org=acme, group=payload, view=payload)
    base = live_server.url
    admin = Watched(browser, base, alice)
    for path in ("/console/acme/", "/console/acme/units/", "/console/acme/audit/", "/console/acme/waves/"):
        seen = admin.visit(base + path)
        assert seen["status"] == 200, path
        assert seen["injected"] == 0, path
        assert seen["violations"] == [], (path, seen["violations"])
    assert SCRIPT in admin.visit(base + "/console/acme/audit/")["text"]  # shown as text, verbatim
    assert admin.dialogs == []

    # an open-text answer typed by a respondent comes back as text in the form
    token = site["tokens"][2]
    respondent = Watched(browser, base)
    respondent.page.goto(f"{base}/s/{token}/")
    respondent.page.get_by_role("button").filter(has_text="start").first.click()
    for _ in range(site["pages"]):
        if respondent.page.locator("textarea").count():
            break
        respondent.page.get_by_role("button", name="Next").click()
    respondent.page.locator("textarea").first.fill(IMG + SCRIPT)
    respondent.page.get_by_role("button", name="Save and finish later").click()
    respondent.page.goto(f"{base}/s/{token}/")
    respondent.page.get_by_role("button").filter(has_text="Continue").first.click()
    while not respondent.page.locator("textarea").count():
        respondent.page.get_by_role("button", name="Next").click()
    assert respondent.page.locator("textarea").first.input_value() == IMG + SCRIPT
    assert respondent.page.evaluate(INJECTED) == 0
    assert respondent.dialogs == []
    assert respondent.page.evaluate("window.__csp") == []
