"""A respondent's requests go through the survey's own middleware stack (web/middleware.SurveyStackMiddleware):
the site's stack without what a respondent never uses. Pinned here, so no protection can drop out of it
unnoticed; and each protection checked on a survey address through it."""

from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client, override_settings

from allypath.web.middleware import is_survey_path
from answer_patterns import sample_answers

pytestmark = [pytest.mark.db, pytest.mark.django_db]

SURVEY_STACK = [
    "allypath.web.middleware.BodySizeLimitMiddleware",
    "allypath.web.middleware.JsonBodyGuardMiddleware",
    "allypath.web.security.SubmissionRateLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "allypath.web.security.SecurityHeadersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allypath.web.security.ContentSecurityPolicyMiddleware",
    "allypath.web.security.StorageFullMiddleware",
    "allypath.web.middleware.RequestProblemMiddleware",
]
#: What a respondent never uses: he has no session and never signs in.
NOT_FOR_RESPONDENTS = {
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
}


@pytest.fixture
def tokens(acme, make_wave, issue_tokens) -> dict[str, str]:
    return issue_tokens(make_wave(acme))


def test_the_survey_stack_is_the_sites_own_without_what_respondents_never_use():
    assert settings.ALLYPATH_SURVEY_MIDDLEWARE == SURVEY_STACK
    site = settings.MIDDLEWARE
    assert site[0] == "allypath.web.middleware.SurveyStackMiddleware"  # first: it chooses the stack
    assert [m for m in site[1:] if m in SURVEY_STACK] == SURVEY_STACK  # same order as the site's
    assert set(site[1:]) - set(SURVEY_STACK) == NOT_FOR_RESPONDENTS


def test_which_addresses_take_the_survey_stack():
    assert is_survey_path("/s/abc/") and is_survey_path("/s/abc/p/2/") and is_survey_path("/s/abc/saved/")
    assert is_survey_path("/api/v1/responses") and is_survey_path("/api/v1/responses/")
    for other in ("/", "/r/abc/", "/console/", "/api/v1/orgs", "/api/v1/responsesx", "/static/x.css", "/sx/"):
        assert not is_survey_path(other), other


def test_survey_requests_take_the_survey_stack_and_the_rest_the_sites(client, tokens):
    page = client.get(f"/s/{tokens['S001']}/")
    assert page.status_code == 200
    assert not hasattr(page.wsgi_request, "session") and not hasattr(page.wsgi_request, "user")
    console = client.get("/console/login/")
    assert hasattr(console.wsgi_request, "session") and hasattr(console.wsgi_request, "user")


def test_a_survey_page_has_every_security_header(client, tokens):
    client.post(f"/s/{tokens['S001']}/", {"language": "en"})
    for page in (client.get(f"/s/{tokens['S001']}/"), client.get(f"/s/{tokens['S001']}/p/1/?lang=en")):
        assert page.status_code == 200
        assert "script-src 'self'" in page["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
        assert page["X-Frame-Options"] == "DENY"
        assert page["Referrer-Policy"] == "same-origin"
        assert page["X-Content-Type-Options"] == "nosniff"
        assert page["Cross-Origin-Opener-Policy"] == "same-origin"
        assert page["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "camera=()" in page["Permissions-Policy"]
        assert page["Cache-Control"] == "no-store"


def test_a_survey_form_without_its_csrf_token_is_refused(tokens):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/s/{tokens['S001']}/", {"language": "en"}).status_code == 403


def test_survey_bodies_are_limited(client, tokens):
    huge = client.post(
        f"/s/{tokens['S001']}/", {"language": "en"}, CONTENT_LENGTH=str(settings.ALLYPATH_MAX_BODY_BYTES + 1)
    )
    assert huge.status_code == 413
    deep = client.post("/api/v1/responses", '{"a":' * 40 + "1" + "}" * 40, content_type="application/json")
    assert deep.status_code == 422 and deep.json()["errors"][0]["code"] == "too_deep"


@override_settings(ALLYPATH_SUBMIT_LIMIT_PER_TOKEN=2, ALLYPATH_SUBMIT_LIMIT_PER_IP=0)
def test_survey_submissions_are_rate_limited(client, tokens):
    assert client.post(f"/s/{tokens['S001']}/", {"language": "en"}).status_code == 302  # his browser's secret
    codes = [client.post(f"/s/{tokens['S001']}/", {"language": "en"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]


def test_a_full_disk_is_a_503_on_the_survey_stack(client, tokens, instrument, monkeypatch):
    def full(*args, **kwargs):
        raise OperationalError("database or disk is full")

    monkeypatch.setattr("allypath.web.api.api.submit", full)
    body = {
        "token": tokens["S001"],
        "submission_id": str(uuid.uuid4()),
        "answers": sample_answers(instrument.form("short")),
        "language": "en",
    }
    answer = client.post("/api/v1/responses", json.dumps(body), content_type="application/json")
    assert answer.status_code == 503 and answer["Retry-After"] == "300"
    assert answer.json()["code"] == "storage_full"


# -- the kept Content-Security-Policy ----------------------------------------------------------------------


def _headers(middleware_class, prepare=None, path="/s/abc/"):
    """The CSP headers ``middleware_class`` writes on a fresh response (``prepare`` may change it)."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    response = HttpResponse("ok")
    middleware = middleware_class(lambda r: response)
    middleware.process_request(request)
    if prepare is not None:
        prepare(request, response)
    middleware.process_response(request, response)
    return {h: response.get(h) for h in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")}


def _directives(header: str | None) -> dict[str, str]:
    return {d.split()[0]: d.strip() for d in (header or "").split(";") if d.strip()}


def _nonce(request, response):
    str(request.csp_nonce)  # a template asked for the nonce


def _update(request, response):
    response._csp_update = {"style-src": ["'unsafe-inline'"]}


def _exempt(request, response):
    response._csp_exempt = True


@pytest.mark.parametrize("prepare", [None, _nonce, _update, _exempt])
@pytest.mark.parametrize("path", ["/s/abc/", "/console/login/"])
def test_the_kept_policy_is_the_one_django_csp_writes(prepare, path):
    from csp.middleware import CSPMiddleware

    from allypath.web.security import ContentSecurityPolicyMiddleware

    kept = _headers(ContentSecurityPolicyMiddleware, prepare, path)
    built = _headers(CSPMiddleware, prepare, path)
    assert {h: _directives(v) for h, v in kept.items()} == {h: _directives(v) for h, v in built.items()}
    if prepare is None:
        assert _directives(kept["Content-Security-Policy"])["script-src"] == "script-src 'self'"
    if prepare is _exempt:
        assert kept["Content-Security-Policy"] is None


def test_a_changed_policy_setting_is_not_served_from_the_kept_one():
    from allypath.web.security import ContentSecurityPolicyMiddleware

    assert "img-src 'self' data:" in _headers(ContentSecurityPolicyMiddleware)["Content-Security-Policy"]
    other = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=other, CONTENT_SECURITY_POLICY_REPORT_ONLY=other):
        changed = _headers(ContentSecurityPolicyMiddleware)
    assert changed == {
        "Content-Security-Policy": "default-src 'none'",
        "Content-Security-Policy-Report-Only": "default-src 'none'",
    }
    assert "img-src" in _headers(ContentSecurityPolicyMiddleware)["Content-Security-Policy"]


def test_a_nonce_asked_for_is_in_the_header():
    from csp.constants import NONCE

    from allypath.web.security import ContentSecurityPolicyMiddleware

    policy = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}
    seen: dict[str, str] = {}

    def ask(request, response):
        seen["nonce"] = str(request.csp_nonce)

    with override_settings(CONTENT_SECURITY_POLICY=policy):
        header = _headers(ContentSecurityPolicyMiddleware, ask)["Content-Security-Policy"]
        plain = _headers(ContentSecurityPolicyMiddleware)["Content-Security-Policy"]
    assert f"script-src 'self' 'nonce-{seen['nonce']}'" in header
    assert _directives(plain)["script-src"] == "script-src 'self'"  # no nonce asked for: none sent
