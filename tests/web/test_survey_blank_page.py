"""A blank survey page is rendered once and kept as pieces (web/survey/blank.py): what each respondent
gets must be exactly what the template renders for his request, with his own address and CSRF token,
and nothing of his may be in what is kept."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from allypath.web.survey.blank import PATH_MARK
from allypath.web.survey.pages import page_count

pytestmark = [pytest.mark.db, pytest.mark.django_db]

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def tokens(acme, make_wave, issue_tokens) -> dict[str, str]:
    cache.clear()
    return issue_tokens(make_wave(acme, languages=["en", "fr", "ar"]))


def _started(token: str, language: str) -> Client:
    client = Client()
    assert client.post(f"/s/{token}/", {"language": language}).status_code == 302
    return client


def _csrf_free(html: str) -> str:
    return _CSRF.sub('name="csrfmiddlewaretoken" value=""', html)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_each_blank_page_is_exactly_the_template_rendered_for_his_request(
    tokens, instrument, language, monkeypatch
):
    token = tokens["S001"]
    client = _started(token, language)
    total = page_count(instrument.form("short"))
    kept = []
    for number in range(1, total + 1):
        url = f"/s/{token}/p/{number}/?lang={language}"
        client.get(url)  # rendered and kept
        kept.append(client.get(url))  # from the kept pieces
    monkeypatch.setattr("allypath.web.survey.views.is_blank", lambda *args: False)  # always rendered
    for number, served in enumerate(kept, start=1):
        rendered = client.get(f"/s/{token}/p/{number}/?lang={language}")
        assert served.status_code == rendered.status_code == 200
        assert served["Content-Type"] == rendered["Content-Type"]
        assert _csrf_free(served.content.decode()) == _csrf_free(rendered.content.decode())
        assert f'href="/s/{token}/p/{number}/?lang=fr"' in served.content.decode()  # his own address


def test_each_request_gets_its_own_address_and_a_working_csrf_token(tokens):
    first, second = tokens["S001"], tokens["S002"]
    _started(first, "en").get(f"/s/{first}/p/1/?lang=en")  # kept now
    strict = Client(enforce_csrf_checks=True)
    intro = strict.get(f"/s/{second}/")
    started = strict.post(
        f"/s/{second}/", {"language": "en", "csrfmiddlewaretoken": _CSRF.search(intro.content.decode())[1]}
    )
    assert started.status_code == 302
    page = strict.get(f"/s/{second}/p/1/?lang=en").content.decode()
    assert first not in page and f"/s/{second}/p/1/?lang=" in page
    token = _CSRF.search(page)[1]
    posted = strict.post(
        f"/s/{second}/p/1/", {"action": "save", "language": "en", "csrfmiddlewaretoken": token}
    )
    assert posted.status_code == 302  # the token put into the kept page is valid for his browser


def test_nothing_of_a_respondent_is_kept(tokens):
    token = tokens["S001"]
    client = _started(token, "en")
    page = client.get(f"/s/{token}/p/1/?lang=en").content.decode()
    keys = [k for k in cache._cache if "survey_blank_page" in k]  # type: ignore[attr-defined]
    assert len(keys) == 1
    kept = "".join(cache.get(keys[0].split(":", 2)[2]))
    assert token not in kept and client.cookies["csrftoken"].value not in kept
    assert _CSRF.search(page)[1] not in kept and PATH_MARK in kept
